"""Cancer scope: which guides an answer may quote. An answer about one cancer quotes only the guides about that
cancer (with its broader and narrower types: "lung cancer" takes the NSCLC and SCLC guides, "NSCLC" does not
take the SCLC guide) and the general guides; another cancer's guide only when the question, an earlier turn or
the profile names that cancer. A question that names no cancer is scoped by its strong passages: a general
guide among them keeps the answer to general guides, else the answer keeps to the best passage's cancer. A question
that names a drug and no cancer or marker keeps to the drug's own cancer (the first its vocabulary entry lists:
Enhertu -> breast) when a guide is about it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from oncoguide.knowledge.vocab_models import load_vocabulary
from oncoguide.search.index import Hit
from oncoguide.store.schema import DocumentRow

GENERAL = "general"  # the cancer_types of a guide about every cancer


@lru_cache(maxsize=1)
def tree() -> tuple[dict[str, str], dict[str, set[str]]]:
    parents = {c.id: c.parent for c in load_vocabulary().cancers if c.parent}
    children: dict[str, set[str]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, set()).add(child)
    return parents, children


def ancestors(cancer: str) -> set[str]:
    """The broader types of a cancer id, up to the root (lung-adenocarcinoma -> nsclc, lung)."""
    parents, _ = tree()
    out: set[str] = set()
    while cancer in parents and parents[cancer] not in out:
        cancer = parents[cancer]
        out.add(cancer)
    return out


def widen(cancers: Iterable[str]) -> set[str]:
    """Cancer ids with their broader ancestors and narrower descendants (nsclc -> lung, lung-adenocarcinoma...)."""
    _, children = tree()
    out: set[str] = set()
    for c in cancers:
        out |= {c} | ancestors(c)
        todo = [c]
        while todo:
            for kid in children.get(todo.pop(), ()):
                if kid not in out:
                    out.add(kid)
                    todo.append(kid)
    return out


def is_general(doc: DocumentRow | None) -> bool:
    """A guide about no cancer in particular (or one the store knows nothing of)."""
    return doc is None or not doc.cancer_types or GENERAL in doc.cancer_types


def allows(documents: Mapping[str, DocumentRow], document_id: str, family: set[str] | frozenset[str]) -> bool:
    """The guide may be quoted in an answer about ``family`` (empty: any guide; {"general"}: general guides)."""
    doc = documents.get(document_id)
    if not family or is_general(doc):
        return True
    assert doc is not None
    return bool(family & set(doc.cancer_types))


def inferred(documents: Mapping[str, DocumentRow], hits: Sequence[Hit], share: float = 0.6) -> set[str]:
    """The scope of a question that names no cancer: the general guides when one of them is among the strong
    passages (scoring ``share`` of the best one), else the cancer of the best passage."""
    if not hits:
        return set()
    strong = [h for h in hits if h.score >= share * hits[0].score]
    if any(is_general(documents.get(h.passage.document_id)) for h in strong):
        return {GENERAL}
    doc = documents.get(hits[0].passage.document_id)
    assert doc is not None
    return widen(doc.cancer_types)


def narrowed(documents: Mapping[str, DocumentRow], hits: Sequence[Hit], family: set[str]) -> set[str]:
    """A scope implied by a biomarker or drug (HER2: breast, stomach, lung...) narrowed to the cancer of the best
    passage about one of them; unchanged when no such passage is found."""
    for h in hits:
        doc = documents.get(h.passage.document_id)
        if doc is not None and not is_general(doc) and family & set(doc.cancer_types):
            return widen(doc.cancer_types)
    return family


def drug_home(documents: Mapping[str, DocumentRow], drugs: Sequence[str]) -> set[str]:
    """The scope of a question naming these drugs (vocabulary generics) and no cancer or marker: the first cancer
    the first drug's vocabulary entry lists, with its broader and narrower types, when a guide is about it; else
    empty."""
    cancers = {d.generic: d.cancers for d in load_vocabulary().drugs}
    for drug in drugs:
        for cancer in cancers.get(drug, [])[:1]:
            family = widen([cancer])
            if any(not is_general(doc) and family & set(doc.cancer_types) for doc in documents.values()):
                return family
    return set()
