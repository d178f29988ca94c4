"""Is there enough evidence to answer? Coverage of the question's words and closeness of the best passage."""

from __future__ import annotations

from collections.abc import Callable

from oncoguide.answer.state import Ask, Evidence, Resources
from oncoguide.domain.types import EvidenceStatus
from oncoguide.search.index import Hit

LONG_QUESTION = 8  # content words; in a longer question, words no guide uses are chat, not topic
OUT_OF_SCOPE_COVERAGE = 0.3  # below it, a question naming nothing medical is not about health
NOT_HEALTH_SHARE = 0.75  # the triage classifier's out-of-scope probability above which a question naming no cancer,
# marker or drug of the guides, and no health word, is declined however many of its words a guide happens to use
# ("crab" in myeloma's CRAB); in-scope questions naming nothing stay below it (a Whipple 0.43, a Pancoast tumour
# 0.45); the classifier refitted with writer f's messages put "How do I fix a flat bicycle tire?" at 0.79, with
# writer g's at 0.72
NOT_HEALTH_SURE = 0.99  # the same with a health word in the question
DECLINED_NOT_HEALTH = 0.5  # a question declined anyway (no evidence) is told it is out of scope from this share on:
# only the wording of the decline changes ("How do I fix a flat bicycle tire?" 0.72 after the writer g refit)
SUPPORTED = (0.8, 0.7)  # coverage and top fused score (0..~1.3) of a "supported" answer
NEAR_MISS = (1.2, 0.04)  # BM25 score below which, and similarity margin within which, a hit is a near miss
WIDE = (10, 0.05, 0.3)  # widened: passages, similarity above the minimum, share of the question's words guides use


def coverage(res: Resources, hits: list[Hit], idf: dict[str, float]) -> float:
    """Share (idf-weighted) of the question's content words that the best passages contain. In a long
    question, words no guide uses at all (names of relatives, plans, places) are chat, not topic."""
    if len(idf) > LONG_QUESTION:
        idf = {t: v for t, v in idf.items() if t in res.index.lexical.df}
        if not idf:
            return 0.0
    if not idf:
        return 1.0 if hits else 0.0
    present: set[str] = set()
    for h in hits:  # the passage as indexed: title, headings and text
        present.update(res.index.lexical.tokens[res.index.by_id[h.passage.id]])
    return sum(v for t, v in idf.items() if t in present) / sum(idf.values())


def widened(res: Resources, hits: list[Hit], idf: dict[str, float]) -> float:
    """Coverage over the ten best passages of the question's words that some guide uses; 0 when most of the
    question (by weight) is words no guide uses (then it is not about what the guides hold)."""
    known = {t: v for t, v in idf.items() if t in res.index.lexical.df}
    if not known or sum(known.values()) < WIDE[2] * sum(idf.values()):
        return 0.0
    return coverage(res, hits[: WIDE[0]], known)


def relevant(res: Resources, best: Hit, coverage: float, names_covered: bool) -> bool:
    """Enough evidence to answer: the question's words are covered and (with vectors) the topic is close.
    A question that names a cancer, biomarker or drug the guides know may be long and chatty, so for it
    a lower share of its words must be covered."""
    cfg = res.settings.answer
    needed = cfg.min_coverage * (0.5 if names_covered else 1.0)
    if coverage < needed:
        return False
    if res.index.vectors is None:
        return True
    # A passage that shares few words and is only loosely similar is a near miss, not evidence.
    weak = best.lexical < NEAR_MISS[0] and best.dense < cfg.min_similarity + NEAR_MISS[1]
    return best.dense >= cfg.min_similarity and not weak


def answerable(res: Resources, ev: Evidence) -> bool:
    """The best passage answers the question; a question flagged as resting on a myth is answered from the
    section that corrects it, however chatty."""
    if not ev.hits:
        return False
    corrected = ev.correction is not None and res.myths is not None and \
        ev.hits[0].passage.document_id == res.myths.guide
    return corrected or relevant(res, ev.hits[0], ev.coverage, ev.names_covered) or wide_enough(res, ev)


def wide_enough(res: Resources, ev: Evidence) -> bool:
    """Before declining, the scope is widened: the ten best passages (general guides among them) cover the words
    of the question that the guides use, and the best passage is clearly on topic. The answer is then partial."""
    cfg = res.settings.answer
    needed = cfg.min_coverage * (0.5 if ev.names_covered else 1.0)
    return ev.widened >= max(needed, cfg.min_coverage * 0.8) and ev.hits[0].dense >= cfg.min_similarity + WIDE[1]


def out_of_scope(res: Resources, ask: Ask, ev: Evidence, share_of: Callable[[], float]) -> bool:
    """An unanswerable question that is not about health at all: no entity, no health word, and little coverage or
    a classifier share (``share_of``) above ``DECLINED_NOT_HEALTH``."""
    return (ask.safety is None and not ask.entities and not res.rules.health.search(ask.query)
            and (ev.coverage < OUT_OF_SCOPE_COVERAGE or share_of() >= DECLINED_NOT_HEALTH))


def not_health(res: Resources, ask: Ask, ev: Evidence, share_of: Callable[[], float]) -> bool:
    """A question about an animal's health, or one the triage classifier reads as not about cancer or health
    care, naming nothing the guides cover (``share_of``: its out-of-scope probability, asked for only then); one
    with a health word ("How do I appeal an insurance denial for cancer treatment?") only when the classifier is
    all but sure."""
    if ask.safety is None and res.rules.animal is not None and res.rules.animal.search(ask.question):
        return True  # an animal's health: the guides are about people
    if ask.safety is not None or ev.names_covered:
        return False
    share = share_of()
    return share >= NOT_HEALTH_SURE or (share >= NOT_HEALTH_SHARE and not res.rules.health.search(ask.query))


def status(ev: Evidence) -> EvidenceStatus:
    """How well the evidence supports an answer that passed the gate."""
    return "supported" if ev.coverage >= SUPPORTED[0] and ev.top >= SUPPORTED[1] else "partial"
