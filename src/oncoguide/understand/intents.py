"""Intents of questions and topics of guide sections, from the cue rules of ``knowledge/<lang>/intents.yaml``.

A question gets one intent (the first rule that fires, in priority order). A section gets the topic whose
cues score highest in its heading and its first sentences, so the same vocabulary links "What are the side
effects of osimertinib?" to a section headed "Side effects of EGFR drugs" or one that opens with
"Side effects of ... include ...". A language without ``intents.yaml`` has only the intent ``other``.
"""

from __future__ import annotations

import re

from oncoguide.domain.types import INTENTS
from oncoguide.knowledge import load
from oncoguide.text.segment import split_sentences

__all__ = ["INTENTS", "question_intent", "section_topic", "topic_scores"]


def question_intent(question: str, lang: str = "en") -> str:
    """The intent of a question (``other`` when no cue fires). In a message that tells something and then asks
    ("My dad has lung cancer that spread to his brain. What treatment is there?", "my husband was diagnosed with
    glioblastoma, what is it exactly"), the asking sentences or clauses decide."""
    clauses = [c for s in split_sentences(question) for c in _COMMA.split(s) if c.strip()]
    rules = load(lang).get("intents")
    starts = rules.asking.regex if rules is not None and rules.asking is not None else None
    asking = [c for c in clauses if c.rstrip().endswith("?") or (starts is not None and starts.match(c))]
    if asking and len(asking) < len(clauses):
        found = _first_intent(" ".join(asking), lang)
        if found != "other":
            return found
    return _first_intent(question, lang)


_COMMA = re.compile(r"[,;.!]\s+|\s+-\s+")


def _first_intent(text: str, lang: str) -> str:
    rules = load(lang).get("intents")
    for rule in rules.intents if rules else ():
        if rule.question.search(text):
            return str(rule.intent)
    return "other"


def topic_scores(heading: str, lead: list[str], lang: str = "en") -> dict[str, float]:
    """Cue scores of a section from its heading and its first sentences (earlier sentences weigh more)."""
    rules = load(lang).get("intents")
    if rules is None:
        return {}
    scores: dict[str, float] = {}
    lead = lead[: len(rules.lead_weights)]
    for rule in rules.intents:
        total = 1.0 * rules.heading_weight if heading and rule.question.search(heading) else 0.0
        for cue in rule.passage:
            if heading and cue.search(heading):
                total = max(total, cue.weight * rules.heading_weight)
            for weight, sentence in zip(rules.lead_weights, lead, strict=False):
                if cue.search(sentence):
                    total = max(total, cue.weight * weight)
        if total:
            scores[rule.intent] = total
    return scores


def section_topic(path: tuple[str, ...], sentences: list[str], lang: str = "en") -> str:
    """The topic of a section: the best-scoring intent, ``other`` when nothing fits."""
    rules = load(lang).get("intents")
    skip = set(rules.skip_lead) if rules else set()
    lead = [s for s in sentences if s.lower() not in skip]
    scores = topic_scores(path[-1] if path else "", lead, lang)
    if not scores:
        return "other"
    return max(sorted(scores), key=lambda k: scores[k])
