"""Regimen acronyms (``vocab/regimens.yaml``, language-independent): R-CHOP, FOLFOX, hyper-CVAD... and the
generic drugs each stands for; every drug must be in the vocabulary."""

from __future__ import annotations

from pydantic import Field

from oncoguide.knowledge.schema import KNOWLEDGE_DIR, KnowledgeError, Strict, load_yaml

FILE = None
PATH = KNOWLEDGE_DIR / "vocab" / "regimens.yaml"


class Regimen(Strict):
    acronym: str
    aliases: list[str] = Field(default_factory=list)
    ambiguous: bool = Field(default=False, description="Also a word: expanded only in a drug context, in capitals.")
    drugs: list[str] = Field(min_length=1)
    cancers: list[str] = Field(default_factory=list)
    source: str


class Model(Strict):
    regimens: list[Regimen]


def load_shared() -> Model:
    import yaml

    from oncoguide.knowledge.vocab_models import load_vocabulary

    raw = yaml.safe_load(PATH.read_text(encoding="utf-8"))
    model = Model.model_validate({"regimens": raw}) if isinstance(raw, list) else load_yaml(PATH, Model)
    vocab = load_vocabulary()
    drugs = {d.generic for d in vocab.drugs}
    cancers = {c.id for c in vocab.cancers}
    for r in model.regimens:
        unknown = [d for d in r.drugs if d not in drugs] + [c for c in r.cancers if c not in cancers]
        if unknown:
            raise KnowledgeError(f"{PATH}: regimen {r.acronym}: not in the vocabulary: {', '.join(unknown)}")
    return model
