"""Pick the evidence: the strong passages on the cancers and stage asked about, then their best sentences."""

from __future__ import annotations

import re

from oncoguide.answer import asked, scope
from oncoguide.answer import compose as extractive
from oncoguide.answer.stages.retrieve import off_topic
from oncoguide.answer.state import Ask, Evidence, Resources
from oncoguide.knowledge.vocab_models import load_vocabulary
from oncoguide.search.index import Hit
from oncoguide.understand.entities import extract

STRONG_SHARE = 0.6  # a passage scoring at least this share of the best one is evidence
MOST_PASSAGES = 8


def strong_hits(res: Resources, ask: Ask, ev: Evidence) -> list[Hit]:
    """The passages close to the best one, on the cancers asked about and (with a profile) the person's stage.
    A question that names no cancer takes the scope of its best passage (``answer/scope.py``)."""
    if not ask.family:
        ask.family = scope.inferred(res.documents, ev.hits)
    strong = [h for h in ev.hits
              if h.score >= STRONG_SHARE * ev.top and not off_topic(res, h.passage.document_id, ask.family)]
    if ask.profile is not None and ask.profile.stage.group:
        group = ask.profile.stage.group.value
        strong = [h for h in strong if not other_stage(h.passage.text, group)]
    if ev.correction is not None and ev.hits[0] not in strong:
        strong.insert(0, ev.hits[0])  # the correction is general: never off topic for the cancer asked about
    in_scope = [h for h in ev.hits if not off_topic(res, h.passage.document_id, ask.family)]
    return strong[:MOST_PASSAGES] or in_scope[:1] or ev.hits[:1]


def sentences(res: Resources, ask: Ask, ev: Evidence, strong: list[Hit]) -> tuple[
    list[extractive.Candidate], list[extractive.Candidate]
]:
    """Every sentence of the strong passages scored for what was asked (``answer/asked.py``), and the best of them
    without near-duplicates, a sentence for each sub-question when the evidence has one."""
    candidates = asked.fit(extractive.candidates(strong, ev.tokens, ev.idf, res.lang), ask.asked, res.lang)
    chosen = extractive.select(candidates, res.settings.answer.max_sentences)
    chosen, ask.uncovered = asked.uncovered(ask.asked, chosen, candidates, res.lang)
    return candidates, chosen


def other_stage(text: str, group: str) -> bool:
    """The passage is about other stages only (e.g. "stage IB to IIIA" for someone with stage IV)."""
    groups = {s.id: s.group for s in load_vocabulary().stages}
    named = {groups[e.id] for e in extract(text) if e.kind == "stage" and e.id in groups}
    main = re.sub(r"[ABC]\d?$", "", group.upper()) if group[:1] in "0IV" else group.lower()
    return bool(named) and main not in named
