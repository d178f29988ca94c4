"""What a question is pointedly about: the markers it names, with the markers of the drugs it names ("What are the
side effects of Keytruda?" -> PD-1). A sentence or section about other markers only ("Osimertinib targets EGFR" for a
BRAF question) is beside the point, however close its words."""

from __future__ import annotations

from functools import lru_cache

from oncoguide.knowledge.vocab_models import load_vocabulary
from oncoguide.understand.entities import Entity, extract


@lru_cache(maxsize=1)
def marker_ids() -> dict[str, str]:
    """A marker's names as profiles and drug targets write them (id, gene, report name, name) -> vocabulary id."""
    out: dict[str, str] = {}
    for b in load_vocabulary().biomarkers:
        for name in (b.name, b.report_name, b.gene, b.id):
            if name:
                out.setdefault(name.lower(), b.id)
    return out


@lru_cache(maxsize=1)
def drug_targets() -> dict[str, tuple[str, ...]]:
    """Vocabulary drug -> the vocabulary ids of the markers it targets (by gene symbol)."""
    ids = marker_ids()
    return {d.generic: tuple(ids.get(t.lower(), t.lower()) for t in d.targets) for d in load_vocabulary().drugs}


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    """Every vocabulary marker id."""
    return frozenset(marker_ids().values())


def markers(entities: list[Entity]) -> frozenset[str]:
    """The markers named, and the vocabulary markers the named drugs target (a drug aimed at something that is not
    a tested marker, a PARP inhibitor for a BRCA change, adds none: it is never beside the point)."""
    targets, known = drug_targets(), _known()
    out = {e.id for e in entities if e.kind == "biomarker"}
    out |= {t for e in entities if e.kind == "drug" for t in targets.get(e.id, ()) if t in known}
    return frozenset(out)


def other_cancer(family: set[str], text: str) -> bool:
    """The text names cancers and none of them is one the question is about ("SBRT is a standard choice for early
    lung cancer" in a breast cancer answer)."""
    if not family:
        return False
    named = {e.id for e in extract(text) if e.kind == "cancer"}
    return bool(named) and not named & family


def beside(focus: frozenset[str], text: str) -> bool:
    """The text speaks of markers (or drugs aimed at them) and none of them is one the question is about."""
    if not focus:
        return False
    named = markers(extract(text))
    return bool(named) and not named & focus
