"""Extractive composition: pick the sentences that answer the question, group them, cite each one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from oncoguide.domain.answer import AnswerSection, Sentence
from oncoguide.search.index import Hit
from oncoguide.search.lexical import tokenize
from oncoguide.text.readability import fk_grade
from oncoguide.text.segment import split_sentences

_QUESTIONS_HEADING = re.compile(r"questions? (to|you can|for you to) ask", re.I)
_CONTEXT = re.compile(r"\bdepends? on\b|\bwill (weigh|consider|look at)\b|\bfactors\b|\bbased on your\b", re.I)
# Sentences that lean on the one before them read badly out of context.
_WEAK_START = re.compile(
    r"^((it|this|these|they|that|those|he|she|also|but|so)\b|(when|if|after) (that|this|it)\b)", re.I
)


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage with its relevance to the question."""

    text: str
    passage_id: str
    document_id: str
    section: tuple[str, ...]
    position: int
    score: float
    topic: str = "other"


def candidates(hits: Sequence[Hit], query_tokens: set[str], idf: dict[str, float]) -> list[Candidate]:
    """Score every statement sentence of the hits (questions and list intros are left out)."""
    rows = [
        (rank, hit, pos, text)
        for rank, hit in enumerate(hits)
        if not _QUESTIONS_HEADING.search(" ".join(hit.passage.section_path))
        for pos, text in enumerate(split_sentences(hit.passage.text))
        if not text.endswith(("?", ":")) and len(text.split()) >= 5
    ]
    total_idf = sum(idf.values()) or 1.0
    out: list[Candidate] = []
    for (rank, hit, pos, text), toks in zip(rows, tokenize([r[3] for r in rows]), strict=True):
        overlap = sum(idf[t] for t in query_tokens & set(toks)) / total_idf
        score = hit.score * (0.55 + 0.45 * overlap) - 0.01 * pos - 0.005 * rank
        if _WEAK_START.match(text):
            score -= 0.15
        out.append(Candidate(text, hit.passage.id, hit.passage.document_id, hit.passage.section_path, pos, score,
                             hit.passage.topic))
    return out


def select(cands: list[Candidate], limit: int) -> list[Candidate]:
    """The best ``limit`` sentences, without near-duplicates, ties broken by passage id and position."""
    chosen: list[Candidate] = []
    seen: list[set[str]] = []
    ranked = sorted(cands, key=lambda c: (-c.score, c.passage_id, c.position))[: limit * 4]
    for c, tok_list in zip(ranked, tokenize([c.text for c in ranked]), strict=True):
        toks = set(tok_list)
        if any(len(toks & s) / max(1, len(toks | s)) > 0.7 for s in seen):
            continue
        chosen.append(c)
        seen.append(toks)
        if len(chosen) >= limit:
            break
    return chosen


# Answer sections by question intent: (heading, passage topics whose sentences go under it). "{s}" is the subject.
_PLANS: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {
    "definition": (("What {s} means", frozenset({"definition", "other", "risk", "symptoms"})),
                   ("Why it matters", frozenset({"prognosis", "testing", "staging"})),
                   ("How doctors approach it", frozenset({"treatment", "resistance", "trials", "side_effects"}))),
    "treatment": (("Main options", frozenset({"treatment", "trials", "resistance"})),
                  ("How the choice is made", frozenset({"testing", "staging", "definition", "prognosis", "other"})),
                  ("Side effects to know", frozenset({"side_effects"}))),
    "testing": (("What the test looks for", frozenset({"definition", "other", "risk"})),
                ("How testing is done", frozenset({"testing"})),
                ("What the results mean", frozenset({"treatment", "prognosis", "staging", "resistance"}))),
    "staging": (("What the stage means", frozenset({"staging", "definition", "prognosis", "other"})),
                ("How it is treated", frozenset({"treatment", "resistance", "trials"}))),
    "side_effects": (("Side effects to know", frozenset({"side_effects", "definition", "other", "treatment"})),
                     ("What helps", frozenset({"practical"}))),
    "resistance": (("What it means when a treatment stops working", frozenset({"resistance", "definition"})),
                   ("Next options", frozenset({"treatment", "trials", "testing"}))),
    "prognosis": (("What affects the outlook", frozenset({"prognosis", "staging", "definition", "other"})),
                  ("How treatment fits in", frozenset({"treatment", "resistance", "trials"}))),
}
_CALL_TEAM = re.compile(r"\b(call|contact|tell)\b.{0,30}\b(team|doctor|nurse)\b|\bright away\b|\bemergency\b", re.I)
_HELPS = re.compile(r"\b(help(s|ed)?|manag(e|ed|ing)|ease|eases|reliev\w*|prevent\w*)\b", re.I)
_CALL_HEADING = "When to call your care team"
_MORE_HEADING = "More from the guides"


def arrange(chosen: list[Candidate], intent: str = "other", subject: str = "", summary_size: int = 2,
            max_sections: int = 4) -> tuple[list[Sentence], list[AnswerSection]]:
    """Summary = the best sentences (the direct answer first); the rest under headings shaped by the intent
    (``_PLANS``), or under their guide section headings when the intent has no plan."""
    if not chosen:
        return [], []
    standalone = [c for c in chosen if not _WEAK_START.match(c.text)] or chosen
    best = standalone[0]  # the direct answer comes first; then the best sentences of the same section
    same = [c for c in standalone[1:] if c.section == best.section and c.document_id == best.document_id]
    summary = [best, *same][:summary_size]
    summary += [c for c in standalone if c not in summary][: summary_size - len(summary)]
    rest = [c for c in chosen if c not in summary]
    plan = _PLANS.get(intent)
    groups: dict[str, list[Candidate]] = {}
    for c in rest:
        groups.setdefault(_heading(c, plan, intent, subject), []).append(c)
    if plan:
        order = [h.format(s=subject or "this") for h, _ in plan] + [_CALL_HEADING, _MORE_HEADING]
        ordered = sorted(groups.items(), key=lambda kv: order.index(kv[0]))
    else:
        ordered = sorted(groups.items(), key=lambda kv: -max(c.score for c in kv[1]))[:max_sections]
    sections = [
        AnswerSection(heading=heading,
                      sentences=[_sentence(c) for c in sorted(group, key=lambda c: (c.passage_id, c.position))])
        for heading, group in ordered
    ]
    return [_sentence(c) for c in summary], sections


def _heading(c: Candidate, plan: tuple[tuple[str, frozenset[str]], ...] | None, intent: str, subject: str) -> str:
    if plan is None:
        return c.section[-1] if c.section else "From the guide"
    if intent in ("side_effects", "symptoms") and _CALL_TEAM.search(c.text):
        return _CALL_HEADING
    if intent == "side_effects" and _HELPS.search(c.text):
        return "What helps"
    for heading, topics in plan:
        if c.topic in topics:
            return heading.format(s=subject or "this")
    return _MORE_HEADING


def questions_to_ask(hits: Sequence[Hit], query_tokens: set[str], limit: int = 6) -> list[Sentence]:
    """Questions from the 'Questions to ask' sections of the documents the answer draws on."""
    rows = [
        (hit, pos, text)
        for hit in hits
        if _QUESTIONS_HEADING.search(" ".join(hit.passage.section_path))
        for pos, text in enumerate(split_sentences(hit.passage.text))
        if text.endswith("?")
    ]
    found: list[tuple[float, str, int, str, str]] = []
    for (hit, pos, text), toks in zip(rows, tokenize([r[2] for r in rows]), strict=True):
        overlap = len(query_tokens & set(toks))
        found.append((-(overlap + hit.score), hit.passage.id, pos, text, hit.passage.id))
    out: list[Sentence] = []
    for _, _, _, text, pid in sorted(found):
        if all(text != s.text for s in out):
            out.append(Sentence(text=text, citations=[pid]))
        if len(out) >= limit:
            break
    return out


def important_context(cands: list[Candidate], used: set[str], limit: int = 3) -> list[Sentence]:
    """Sentences saying what the right choice depends on, not already used in the body."""
    picked = [c for c in sorted(cands, key=lambda c: (-c.score, c.passage_id, c.position))
              if _CONTEXT.search(c.text) and c.text not in used]
    out: list[Sentence] = []
    for c in picked:
        if all(c.text != s.text for s in out):
            out.append(_sentence(c))
        if len(out) >= limit:
            break
    return out


def _sentence(c: Candidate) -> Sentence:
    return Sentence(text=c.text, citations=[c.passage_id])


TARGET_GRADE = 8.0  # Flesch-Kincaid grade an answer body should not exceed
_MAX_EASED = 4
_MIN_KEPT = 6


def ease(summary: list[Sentence], sections: list[AnswerSection], target: float = TARGET_GRADE) -> list[
    AnswerSection
]:
    """Drop the hardest section sentences (never the summary) while the body reads above ``target``; at most a
    few, and never below a handful of sentences, so an answer stays whole. Emptied sections go."""
    sections = [AnswerSection(heading=s.heading, sentences=list(s.sentences)) for s in sections]
    for _ in range(_MAX_EASED):
        body = [*summary, *(x for s in sections for x in s.sentences)]
        if fk_grade(" ".join(x.text for x in body)) <= target:
            break
        removable = [(fk_grade(x.text), len(x.text), i, j) for i, s in enumerate(sections)
                     for j, x in enumerate(s.sentences)]
        if len(body) <= _MIN_KEPT or not removable:
            break
        _, _, i, j = max(removable)
        del sections[i].sentences[j]
    return [s for s in sections if s.sentences]
