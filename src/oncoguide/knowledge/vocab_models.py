"""Schemas of the shared vocabulary (cancers, biomarkers, drugs, stages) in ``knowledge/vocab/``; loading fails
loudly on a broken file. ``oncoguide.corpus.schema`` re-exports these names."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

VOCAB_DIR = Path(__file__).parent / "vocab"
Slug = str
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cancer(_Strict):
    id: Slug = Field(pattern=r"^[a-z0-9-]+$", description="Vocabulary id used by guides (cancer_types).")
    name: str
    synonyms: list[str] = Field(default_factory=list, description="Other names and patient wording.")
    abbreviations: list[str] = Field(default_factory=list)
    parent: Slug | None = Field(default=None, description="A broader cancer id (nsclc -> lung).")
    usual: Slug | None = Field(default=None, description="The type a question naming only this cancer means (lung -> "
                               "nsclc): its other types are answered only when named.")
    icd_o3_topography: list[str] = Field(default_factory=list, description="e.g. C34.9")
    icd_o3_morphology: list[str] = Field(default_factory=list, description="e.g. 8140/3")


class Biomarker(_Strict):
    id: Slug = Field(pattern=r"^[a-z0-9-]+$")
    gene: str = Field(description="Gene or protein symbol as reports write it (ALK, ERBB2, PD-L1).")
    name: str
    aliases: list[str] = Field(default_factory=list, description="ALK+, EML4-ALK, TPS...")
    kind: Literal["mutation", "fusion", "amplification", "expression", "signature", "germline", "protein",
                  "cytogenetic", "methylation", "virus", "response"] = Field(description="cytogenetic: a "
                  "chromosome change (del(17p), 1p/19q); methylation: MGMT; virus: HPV, EBV; response: MRD.")
    variants: list[str] = Field(default_factory=list, description="Named variants (exon 19 deletion, G12C).")
    results: list[str] = Field(default_factory=list, description="Result words a report uses.")
    cancers: list[Slug] = Field(default_factory=list)
    report_name: str | None = Field(default=None, description="Name record readings and patient profiles use "
                                    "(HER2, PD-L1, CA19-9); defaults to ``gene``.")
    report_patterns: list[str] = Field(default_factory=list, description="Regexes for the spellings reports use "
                                       "(P.S.A., JAK-2, N-Myc, BCR/ABL); the records engine reads only entries "
                                       "that have them. Matched case-insensitively unless ``case_sensitive``.")
    case_sensitive: bool = Field(default=False, description="Report patterns match case-sensitively: symbols "
                                 "that are English words (MET, RET, ER, PR, KIT); wrap long forms in (?i:...).")
    value: bool = Field(default=False, description="A serum marker reported as a measured level (PSA, AFP, LDH): "
                        "the records engine reads its amount and elevated/normal words.")


class Drug(_Strict):
    generic: str = Field(pattern=r"^[a-z0-9 /-]+$")
    brands: list[str] = Field(default_factory=list)
    drug_class: str
    kind: Literal["targeted", "immunotherapy", "chemotherapy", "hormonal", "antibody-drug conjugate",
                  "radiopharmaceutical", "cell therapy", "other"]
    targets: list[str] = Field(default_factory=list)
    cancers: list[Slug] = Field(default_factory=list)
    first_us_approval: int | None = Field(default=None, ge=1940, le=2026)
    source: str


class Stage(_Strict):
    id: Slug = Field(pattern=r"^[a-z0-9-]+$")
    name: str = Field(description="Canonical form, e.g. 'stage IIIA', 'extensive stage'.")
    aliases: list[str] = Field(default_factory=list, description="stage 3a, stage three A...")
    group: str = Field(description="Stage group (0, I, II, III, IV) or 'limited'/'extensive'.")


class VocabError(ValueError):
    """A vocabulary or catalog file is missing or does not match its schema."""


M = TypeVar("M", bound=BaseModel)


def load_list(path: Path, model: type[M]) -> list[M]:
    """Load a YAML list of ``model`` items, with errors that name the file and the item."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except OSError as exc:
        raise VocabError(f"{path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise VocabError(f"{path}: not valid YAML ({exc})") from exc
    if raw is None:  # a file of comments only (all its entries folded into another file)
        return []
    if not isinstance(raw, list):
        raise VocabError(f"{path}: expected a YAML list of {model.__name__} entries")
    items = []
    for i, entry in enumerate(raw):
        try:
            items.append(model.model_validate(entry))
        except ValidationError as exc:
            raise VocabError(f"{path}: entry {i + 1} is not a valid {model.__name__}: {exc}") from exc
    return items


class Vocabulary(BaseModel):
    cancers: list[Cancer]
    biomarkers: list[Biomarker]
    drugs: list[Drug]
    stages: list[Stage]


def load_lists(paths: list[Path], model: type[M], key: str) -> list[M]:
    """Items of several YAML list files (``drugs.yaml``, ``drugs-lymphoma.yaml``...) as one list; an id (``key``)
    defined twice is an error naming both files."""
    if not paths:
        raise VocabError(f"no {model.__name__} files found")
    items: list[M] = []
    seen: dict[str, Path] = {}
    for path in paths:
        for item in load_list(path, model):
            ident = str(getattr(item, key))
            if ident in seen:
                raise VocabError(f"{path}: {model.__name__} {key} {ident!r} is already defined in {seen[ident]}")
            seen[ident] = path
            items.append(item)
    return items


@lru_cache(maxsize=4)
def load_vocabulary(folder: Path = VOCAB_DIR) -> Vocabulary:
    """The shared vocabulary: the one list of cancers, biomarkers, drugs and stages the code uses. Each kind may
    be split across files (``drugs.yaml``, ``drugs-*.yaml``)."""

    def files(kind: str) -> list[Path]:
        return sorted(folder.glob(f"{kind}.yaml")) + sorted(folder.glob(f"{kind}-*.yaml"))

    return Vocabulary(
        cancers=load_lists(files("cancers"), Cancer, "id"),
        biomarkers=load_lists(files("biomarkers"), Biomarker, "id"),
        drugs=load_lists(files("drugs"), Drug, "generic"),
        stages=load_lists(files("stages"), Stage, "id"),
    )
