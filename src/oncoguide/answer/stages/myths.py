"""Does the question rest on a belief the myths guide corrects? (cues and thresholds: ``<lang>/myths.yaml``)"""

from __future__ import annotations

from oncoguide.answer.state import Resources
from oncoguide.search.index import Hit


def correction(res: Resources, query: str, question: str, flagged: bool = False) -> Hit | None:
    """The myths-guide passage that corrects the belief the question rests on, if it rests on one: the
    question is clearly closer in meaning to a section of the myths guide than to any other guide and shares
    its words, or it states a belief as settled (the ``cue`` rule) and is close in meaning to one. Either way
    the question is about cancer (``about_cancer``); the guide's list of questions to ask is not a correction.
    ``flagged``: the safety triage already named the question a myth, so closeness alone is enough.
    Needs vectors (off with BM25 only) and the language's myths knowledge."""
    rules = res.myths
    if (rules is None or rules.guide not in res.documents or res.index.vectors is None
            or not rules.about_cancer.search(question)):
        return None
    hits = [h for h in res.index.search(query, k=3, doc_filter={rules.guide})
            if not any(p.startswith(tuple(rules.not_corrections)) for p in h.passage.section_path)]
    if not hits:
        return None
    best = hits[0]
    if best.dense >= rules.similarity and best.lexical >= rules.lexical:
        others = set(res.documents) - {rules.guide}
        nearest = res.index.search(query, k=1, mode="dense", doc_filter=others) if others else []
        if not nearest or best.dense > nearest[0].dense + rules.margin:
            return best
    cued = best.dense >= rules.cued_similarity and (flagged or rules.cue.search(question))
    return best if cued else None
