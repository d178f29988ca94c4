"""Code tables shared by all languages (``knowledge/codes/``): ICD-O-3 topography with the words reports use for
each site (``topography.yaml``), and the codes the FHIR and HL7 v2 readers understand: LOINC (``loinc.yaml``),
SNOMED CT (``snomed.yaml``), CAP eCC question codes (``cap.yaml``), HGNC gene ids (``hgnc.yaml``), RxNorm drug
codes (``rxnorm.yaml``) and HL7 v3 interpretation codes (``hl7.yaml``). Each file is validated on its own, so an
error names its file, line and field."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from pydantic import Field, field_validator, model_validator

from oncoguide.knowledge.schema import KNOWLEDGE_DIR, ExampleCase, Strict, load_yaml

FILE = None
CODES_DIR = KNOWLEDGE_DIR / "codes"

Result = Literal["positive", "negative", "equivocal", "pending", "not_tested", "unknown"]
QuestionKind = Literal["T", "N", "M", "group", "site", "histology", "grade", "laterality", "procedure", "ecog",
                       "karnofsky", "variant"]
Treatment = Literal["surgery", "radiation"]


class Topography(Strict):
    code: str = Field(pattern=r"^C\d\d\.\d$")
    name: str
    words: list[str] = Field(min_length=1)


class TopographyFile(Strict):
    topography: list[Topography]


# --- LOINC ------------------------------------------------------------------------------------------------------

def loinc_check_digit(number: str) -> int:
    """LOINC's mod-10 check digit of a code's number part (``21905`` -> 5)."""
    digits = number[::-1]
    odd, even = digits[0::2][::-1], digits[1::2][::-1]
    total = sum(int(d) for d in even + str(int(odd) * 2))
    return (10 - total % 10) % 10


class LoincCode(Strict):
    """A LOINC test code: digits, a hyphen and the check digit, which must be right."""

    code: str = Field(pattern=r"^\d{1,7}-\d$")
    name: str | None = None

    @field_validator("code")
    @classmethod
    def _check_digit(cls, code: str) -> str:
        number, check = code.split("-")
        if loinc_check_digit(number) != int(check):
            raise ValueError(f"LOINC code {code} fails its check digit (expected -{loinc_check_digit(number)})")
        return code


class LoincAnswer(Strict):
    """A LOINC answer (LA) code."""

    code: str = Field(pattern=r"^LA\d{1,6}-\d$")
    name: str | None = None


class LoincQuestion(LoincCode):
    kind: QuestionKind
    prefix: Literal["c", "p"] | None = None


class LoincMarker(LoincCode):
    marker: str = Field(min_length=1)
    method: Literal["IHC", "FISH", "NGS", "PCR", "ctDNA"] | None = None


class LoincResult(LoincAnswer):
    result: Result


class LoincScore(LoincAnswer):
    score: int = Field(ge=0, le=100)


def _unique(codes: list[str]) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise ValueError(f"code {code} is listed twice")
        seen.add(code)


class LoincNarrative(LoincCode):
    name: str = Field(min_length=1)


class LoincFile(Strict):
    questions: list[LoincQuestion]
    markers: list[LoincMarker]
    results: list[LoincResult]
    ecog: list[LoincScore]
    karnofsky: list[LoincScore]
    narrative: list[LoincNarrative] = Field(default_factory=list)

    @model_validator(mode="after")
    def _codes(self) -> LoincFile:
        _unique([e.code for e in [*self.questions, *self.markers, *self.narrative]])
        for answers in (self.results, self.ecog, self.karnofsky):
            _unique([e.code for e in answers])
        if any(e.score > 5 for e in self.ecog):
            raise ValueError("ecog: an ECOG score is 0-5")
        return self


# --- SNOMED CT --------------------------------------------------------------------------------------------------

class SnomedCode(Strict):
    """A SNOMED CT concept id: 6 to 18 digits, no leading zero, partition identifier 00 (a concept)."""

    code: str = Field(pattern=r"^[1-9]\d{5,17}$")
    name: str

    @field_validator("code")
    @classmethod
    def _concept(cls, code: str) -> str:
        if code[-3:-1] != "00":
            raise ValueError(f"SNOMED CT id {code} is not a concept id (partition {code[-3:-1]}, expected 00)")
        return code


class SnomedQuestion(SnomedCode):
    kind: QuestionKind
    prefix: Literal["c", "p"] | None = None


class SnomedResult(SnomedCode):
    result: Result


class SnomedLevel(SnomedCode):
    level: Literal["low", "high"]


class SnomedStage(SnomedCode):
    group: str = Field(pattern=r"^(?:0|I{1,3}|IV)(?:[A-C][12]?)?$")


class SnomedCancer(SnomedCode):
    cancer: str | None = Field(description="vocabulary cancer id; null: a cancer of unstated type")
    histology: str | None = None
    site: str | None = None


class SnomedMetastasis(SnomedCode):
    site: str = Field(min_length=1)


class SnomedProcedure(SnomedCode):
    treatment: Treatment


class SnomedFile(Strict):
    questions: list[SnomedQuestion]
    results: list[SnomedResult]
    levels: list[SnomedLevel]
    stages: list[SnomedStage]
    cancers: list[SnomedCancer]
    metastases: list[SnomedMetastasis]
    procedures: list[SnomedProcedure]

    @model_validator(mode="after")
    def _codes(self) -> SnomedFile:
        _unique([e.code for e in [*self.questions, *self.results, *self.levels, *self.stages, *self.cancers,
                                   *self.metastases, *self.procedures]])
        return self


# --- CAP eCC, HGNC, RxNorm ---------------------------------------------------------------------------------------

class CapQuestion(Strict):
    """A CAP eCC checklist question code (digits, without the ``.100004300`` version suffix) and what it reports."""

    code: str = Field(pattern=r"^\d{3,12}$")
    name: str | None = Field(default=None, description="the question text in the sample reports (its example)")
    kind: QuestionKind | Literal["marker"]
    prefix: Literal["c", "p"] | None = None
    marker: str | None = Field(default=None, pattern=r"^[A-Z][A-Z0-9-]{1,9}$")

    @model_validator(mode="after")
    def _marker(self) -> CapQuestion:
        if (self.kind == "marker") != (self.marker is not None):
            raise ValueError("a marker question names its marker (marker:), and only a marker question does")
        if self.prefix is not None and self.kind not in ("T", "N", "M", "group"):
            raise ValueError(f"prefix: only a staging question (T, N, M, group) has one, not {self.kind}")
        return self


class CapFile(Strict):
    questions: list[CapQuestion]

    @model_validator(mode="after")
    def _codes(self) -> CapFile:
        _unique([q.code for q in self.questions])
        return self


class HgncGene(Strict):
    """An HGNC gene: the number of its ``HGNC:<id>``, its approved symbol and name."""

    id: str = Field(pattern=r"^\d{1,6}$")
    symbol: str = Field(pattern=r"^[A-Z][A-Z0-9-]{0,14}$")
    name: str = Field(min_length=1)


class HgncFile(Strict):
    genes: list[HgncGene]

    @model_validator(mode="after")
    def _codes(self) -> HgncFile:
        _unique([g.id for g in self.genes])
        _unique([g.symbol for g in self.genes])
        return self


class RxnormDrug(Strict):
    """An RxNorm concept (RxCUI) of a medication, its display and the vocabulary generic it is."""

    code: str = Field(pattern=r"^[1-9]\d{1,8}$")
    name: str = Field(min_length=1)
    drug: str = Field(min_length=1)


class RxnormFile(Strict):
    drugs: list[RxnormDrug]

    @model_validator(mode="after")
    def _codes(self) -> RxnormFile:
        _unique([d.code for d in self.drugs])
        return self


class Interpretation(Strict):
    """An HL7 v3 ObservationInterpretation code and the result it states."""

    code: str = Field(pattern=r"^[A-Z]{1,4}$")
    name: str = Field(min_length=1)
    result: Result


class Hl7File(Strict):
    interpretations: list[Interpretation]

    @model_validator(mode="after")
    def _codes(self) -> Hl7File:
        _unique([i.code for i in self.interpretations])
        return self


class Model(Strict):
    topography: list[Topography]
    loinc: LoincFile
    snomed: SnomedFile
    cap: CapFile
    hgnc: HgncFile
    rxnorm: RxnormFile
    hl7: Hl7File


def load_shared() -> Model:
    return Model(topography=load_yaml(CODES_DIR / "topography.yaml", TopographyFile).topography,
                 loinc=load_yaml(CODES_DIR / "loinc.yaml", LoincFile),
                 snomed=load_yaml(CODES_DIR / "snomed.yaml", SnomedFile),
                 cap=load_yaml(CODES_DIR / "cap.yaml", CapFile),
                 hgnc=load_yaml(CODES_DIR / "hgnc.yaml", HgncFile),
                 rxnorm=load_yaml(CODES_DIR / "rxnorm.yaml", RxnormFile),
                 hl7=load_yaml(CODES_DIR / "hl7.yaml", Hl7File))


def examples(model: Model) -> Iterable[ExampleCase]:
    """Each code means what its name says: the name of a SNOMED cancer, stage and metastasis code, of a CAP eCC
    question, of an RxNorm drug and the symbol of an HGNC gene, read as display text by the records engine, gives
    the same cancer (by organ), stage group, metastasis site, question, generic drug and gene as the code."""
    from oncoguide.records.codes import (
        Code,
        cancer_in_text,
        drug_of,
        gene_of,
        group_of,
        is_narrative,
        metastasis_site,
        question,
    )
    from oncoguide.records.diagnosis import _roots

    roots = _roots()

    def root(cancer_id: str | None) -> str | None:
        return roots.get(cancer_id or "", cancer_id)

    def same_cancer(want: str | None) -> Callable[[str], bool]:
        return lambda text: root(cancer_in_text(text)) == want

    def same_group(want: str) -> Callable[[str], bool]:
        return lambda text: (group_of(None, text) or ("",))[0] == want

    def same_site(want: str) -> Callable[[str], bool]:
        return lambda text: (metastasis_site(Code("", "", text)) or ("",))[0] == want

    def same_question(q: CapQuestion) -> Callable[[str], bool]:
        def check(text: str) -> bool:
            concept = question((), text)
            return concept is not None and (concept.kind, concept.prefix if concept.kind != "marker" else None,
                                             concept.name if concept.kind == "marker" else None) == (
                q.kind, q.prefix, q.marker)
        return check

    def same_drug(want: str) -> Callable[[str], bool]:
        return lambda text: (drug_of(None, text) or ("",))[0] == want

    def same_gene(want: str) -> Callable[[str], bool]:
        return lambda text: (gene_of(Code("", "", text)) or ("",))[0] == want

    out = [ExampleCase(f"codes.snomed.cancers.{c.code}", c.name, True, same_cancer(root(c.cancer)))
           for c in model.snomed.cancers]
    out += [ExampleCase(f"codes.snomed.stages.{s.code}", s.name, True, same_group(s.group))
            for s in model.snomed.stages]
    out += [ExampleCase(f"codes.snomed.metastases.{m.code}", m.name, True, same_site(m.site))
            for m in model.snomed.metastases]
    out += [ExampleCase(f"codes.cap.questions.{q.code}", q.name, True, same_question(q))
            for q in model.cap.questions if q.name]
    out += [ExampleCase(f"codes.rxnorm.drugs.{d.code}", d.name, True, same_drug(d.drug)) for d in model.rxnorm.drugs]
    out += [ExampleCase(f"codes.loinc.narrative.{n.code}", n.name, True, lambda text: is_narrative((), text))
            for n in model.loinc.narrative]
    out += [ExampleCase(f"codes.hgnc.genes.{g.id}", g.symbol, True, same_gene(g.symbol)) for g in model.hgnc.genes]
    return out
