"""Pick the evidence: the strong passages on the cancers and stage asked about, then their best sentences."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial

from oncoguide.answer import asked, drug_scope, focus, personal, scope
from oncoguide.answer import compose as extractive
from oncoguide.answer.stages.match import Match
from oncoguide.answer.stages.retrieve import off_topic, respelled
from oncoguide.answer.state import Ask, Evidence, Resources
from oncoguide.knowledge.vocab_models import load_vocabulary
from oncoguide.search.index import Hit
from oncoguide.text.segment import split_sentences
from oncoguide.understand.entities import extract

STRONG_SHARE = 0.45  # a passage scoring at least this share of the best one is evidence
MOST_PASSAGES = 8
BESIDE = 0.3  # a sentence on other markers than the ones asked about ("Osimertinib targets EGFR" for BRAF)
BESIDE_SECTION = 0.7  # the score share kept by a section headed by other markers only


def strong_hits(res: Resources, ask: Ask, ev: Evidence) -> list[Hit]:
    """The passages close to the best one, on the cancers asked about and (with a profile) the person's stage.
    A question that names no cancer takes the scope of its best passage (``answer/scope.py``)."""
    if not ask.family:
        ask.family = scope.inferred(res.documents, ev.hits, STRONG_SHARE)
    elif not any(e.kind == "cancer" for e in ask.entities):  # only a biomarker's or drug's cancers: keep to the
        drugs = [e.id for e in ask.entities if e.kind == "drug"]  # drug's own, or the one its best passage is about
        home = scope.drug_home(res.documents, drugs) if not any(e.kind == "biomarker" for e in ask.entities) else set()
        ask.family = home or scope.narrowed(res.documents, ev.hits, ask.family)
    pool = [h for h in ev.hits if not off_topic(res, h.passage.document_id, ask.family)
            and not res.rules.questions_heading.search(" ".join(h.passage.section_path))]  # lists: no evidence
    if ask.profile is not None:  # the person's stage and histology, never another's
        profile, stages = ask.profile, personal.possible_stages(ask.profile)
        pool = [h for h in pool if (stages is None or not other_stage(h.passage.text, stages))
                and personal.fits(profile, " ".join(h.passage.section_path), res.lang, ask.question)]
    point = focus.markers(extract(ask.said))
    if point:  # sections headed by other markers than the ones asked about fall behind
        pool = sorted((replace(h, score=h.score * BESIDE_SECTION) if focus.beside(
            point, " ".join(h.passage.section_path)) else h for h in pool), key=lambda h: -h.score)
    pool = sorted((replace(h, score=h.score * (1 - down)) if (down := asked.beside_the_question(
        ask.asked, " ".join(h.passage.section_path), res.lang)) else h for h in pool), key=lambda h: -h.score)
    top = pool[0].score if pool else ev.top
    strong = [h for h in pool if h.score >= STRONG_SHARE * top]
    if ev.correction is not None and ev.hits[0] not in strong:
        strong.insert(0, ev.hits[0])  # the correction is general: never off topic for the cancer asked about
    strong = strong[:MOST_PASSAGES] or pool[:1] or ev.hits[:1]
    return strong + _rest_of_section(strong[0], pool, strong)


def _rest_of_section(best: Hit, pool: list[Hit], taken: list[Hit]) -> list[Hit]:
    """The other passages of the best passage's section among the hits (a long section is stored in parts: the
    drug a question asks for may be in its second part)."""
    ids = {h.passage.id for h in taken}
    return [h for h in pool if h.passage.id not in ids and h.passage.document_id == best.passage.document_id
            and h.passage.section_path == best.passage.section_path]


def sentences(res: Resources, ask: Ask, ev: Evidence, strong: list[Hit]) -> tuple[
    list[extractive.Candidate], list[extractive.Candidate]
]:
    """Every sentence of the strong passages scored for what was asked (``answer/asked.py``), and the best of them
    without near-duplicates, a sentence for each sub-question when the evidence has one."""
    candidates = asked.fit(extractive.candidates(strong, ev.tokens, ev.idf, res.lang), ask.asked, res.lang)
    said = extract(ask.said)
    point, named = focus.markers(said), any(e.kind == "cancer" for e in said)
    candidates = [replace(c, score=c.score - BESIDE) if focus.beside(point, c.text) else c for c in candidates
                  if not (named and focus.other_cancer(ask.family, c.text))]  # a general guide's, on another cancer
    if ask.intent == "side_effects" and (meant := drug_scope.drugs_meant(ask.question, ask.profile)):
        kinds = ask.asked.drug_kinds if ask.profile is None else frozenset()
        candidates = [c for c in candidates if not drug_scope.other_drugs_only(c.text, meant, kinds)]
    if ask.profile is not None:
        profile = ask.profile
        stages = personal.possible_stages(profile)
        candidates = [c for c in candidates if personal.fits(profile, c.text, res.lang, ask.question)
                      and (stages is None or not other_stage(c.text, stages))]
    settings = res.settings.answer
    chosen = extractive.select(candidates, settings.max_personal_sentences if ask.profile else settings.max_sentences)
    chosen, ask.uncovered = asked.uncovered(ask.asked, chosen, candidates, res.lang, partial(respelled, res))
    return candidates, chosen


def other_stage(text: str, stages: str | set[str]) -> bool:
    """The text is about other stages only (e.g. "stage IB to IIIA" for someone with stage IV); ``stages``: the
    person's stage group, or the main groups their cancer can be in."""
    groups = {s.id: s.group for s in load_vocabulary().stages}
    named = {groups[e.id] for e in extract(text) if e.kind == "stage" and e.id in groups}
    if isinstance(stages, str):
        stages = {re.sub(r"[ABC]\d?$", "", stages.upper()) if stages[:1] in "0IV" else stages.lower()}
    return bool(named) and not named & stages


MATCH_EXTRA = 5  # best sentences of other passages added after a catalog question's written answer


def from_match(res: Resources, ask: Ask, ev: Evidence, found: list[Match]) -> tuple[
    list[Hit], list[extractive.Candidate], list[extractive.Candidate]
]:
    """The written answers of the catalog questions the question means, whole and in order (the first one's
    opening sentences become the summary), then the best extra evidence on the same cancer without near-duplicates.
    Returns (strong, candidates, chosen)."""
    cancers = {m.question.cancer for m in found}
    if "general" not in cancers:  # the person means the catalog questions: their cancers are the scope
        ask.family = scope.widen(cancers)
    lead = max([1.0, *(h.score for h in ev.hits)]) + 1.0
    passages = [p for m in found for p in m.passages]
    own = [Hit(p, lead, 0.0, found[0].similarity, 0.0) for p in passages]
    written = [
        extractive.Candidate(text, p.id, p.document_id, p.section_path, pos, lead - 0.01 * k, p.topic)
        for k, (p, pos, text) in enumerate(
            (p, pos, text) for p in passages for pos, text in enumerate(split_sentences(p.text))
            if not text.endswith(":"))
    ]
    ids = {p.id for p in passages}
    others = [h for h in strong_hits(res, ask, ev) if h.passage.id not in ids]
    candidates, _ = sentences(res, ask, ev, others) if others else ([], [])
    pool = [*written, *candidates]
    chosen = extractive.select(pool, len(written) + MATCH_EXTRA)
    chosen, ask.uncovered = asked.uncovered(ask.asked, chosen, pool, res.lang, partial(respelled, res))
    return [*own, *others], pool, chosen
