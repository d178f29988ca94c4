"""Extractive composition: pick the sentences that answer the question, group them, cite each one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from oncoguide.domain.answer import AnswerSection, Sentence
from oncoguide.knowledge.schema import required
from oncoguide.knowledge.topics import answer_rules, answer_text
from oncoguide.search.index import Hit
from oncoguide.search.lexical import tokenize
from oncoguide.text.readability import fk_grade
from oncoguide.text.segment import split_sentences


def _rules(lang: str) -> answer_rules.Model:
    return required(lang, "answer_rules", answer_rules.Model)


def _text(lang: str) -> answer_text.Model:
    return required(lang, "answer_text", answer_text.Model)


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


def candidates(hits: Sequence[Hit], query_tokens: set[str], idf: dict[str, float], lang: str = "en") -> list[
    Candidate
]:
    """Score every statement sentence of the hits (questions and list intros are left out)."""
    rules = _rules(lang)
    rows = [
        (rank, hit, pos, text)
        for rank, hit in enumerate(hits)
        if not rules.questions_heading.search(" ".join(hit.passage.section_path))
        for pos, text in enumerate(split_sentences(hit.passage.text))
        if not text.endswith(("?", ":")) and len(text.split()) >= 5
    ]
    total_idf = sum(idf.values()) or 1.0
    out: list[Candidate] = []
    for (rank, hit, pos, text), toks in zip(rows, tokenize([r[3] for r in rows]), strict=True):
        overlap = sum(idf[t] for t in query_tokens & set(toks)) / total_idf
        score = hit.score * (0.55 + 0.45 * overlap) - 0.01 * pos - 0.005 * rank
        if rules.weak_start.search(text):
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
        if any(_same(toks, s) for s in seen):
            continue
        chosen.append(c)
        seen.append(toks)
        if len(chosen) >= limit:
            break
    return chosen


SAME_WORDS = 0.7  # share of the words of two sentences (Jaccard) above which they say the same
SAME_INSIDE = 0.85  # share of the shorter sentence's words found in the longer one: it adds nothing


def _same(a: set[str], b: set[str]) -> bool:
    """Two sentences say the same: most words shared, or the shorter one's words are nearly all in the other
    ("Aromatase inhibitors often cause joint pain." inside "Aromatase inhibitors for breast cancer often cause
    joint pain and can thin the bones.")."""
    shared = len(a & b)
    return shared / max(1, len(a | b)) > SAME_WORDS or (min(len(a), len(b)) >= 4
                                                        and shared / min(len(a), len(b)) >= SAME_INSIDE)


def arrange(chosen: list[Candidate], intent: str = "other", subject: str = "", summary_size: int = 2,
            max_sections: int = 4, lang: str = "en") -> tuple[list[Sentence], list[AnswerSection]]:
    """Summary = the best sentences (the direct answer first); the rest under headings shaped by the intent
    (``plans`` of ``answer_text.yaml``), or under their guide section headings when the intent has no plan."""
    if not chosen:
        return [], []
    rules, text = _rules(lang), _text(lang)
    standalone = [c for c in chosen if not rules.weak_start.search(c.text)] or chosen
    best = standalone[0]  # the direct answer comes first; then the best sentences of the same section
    same = [c for c in standalone[1:] if c.section == best.section and c.document_id == best.document_id]
    summary = [best, *same][:summary_size]
    summary += [c for c in standalone if c not in summary][: summary_size - len(summary)]
    rest = [c for c in chosen if c not in summary]
    plan = text.plans.get(intent)
    subject = subject or text.subject_fallback
    groups: dict[str, list[Candidate]] = {}
    for c in rest:
        groups.setdefault(_heading(c, plan, intent, subject, lang), []).append(c)
    if plan:
        order = [p.heading.format(s=subject) for p in plan] + [text.call_heading, text.more_heading]
        ordered = sorted(groups.items(), key=lambda kv: order.index(kv[0]))
    else:
        ordered = sorted(groups.items(), key=lambda kv: -max(c.score for c in kv[1]))[:max_sections]
    sections = [
        AnswerSection(heading=heading,
                      sentences=[_sentence(c) for c in sorted(group, key=lambda c: (c.passage_id, c.position))])
        for heading, group in ordered
    ]
    return [_sentence(c) for c in summary], sections


def _heading(c: Candidate, plan: list[answer_text.PlannedSection] | None, intent: str, subject: str, lang: str) -> str:
    """The section a sentence goes under: by the intent's plan, else the guide's own heading."""
    rules, text = _rules(lang), _text(lang)
    if plan is None:
        return c.section[-1] if c.section else text.section_fallback
    if intent in ("side_effects", "symptoms") and rules.call_team.search(c.text):
        return text.call_heading
    if intent == "side_effects" and rules.helps.search(c.text):
        return text.helps_heading
    for planned in plan:
        if c.topic in planned.topics:
            return planned.heading.format(s=subject)
    return text.more_heading


def questions_to_ask(hits: Sequence[Hit], query_tokens: set[str], limit: int = 6, lang: str = "en") -> list[
    Sentence
]:
    """Questions from the 'Questions to ask' sections of the documents the answer draws on."""
    heading = _rules(lang).questions_heading
    rows = [
        (hit, pos, text)
        for hit in hits
        if heading.search(" ".join(hit.passage.section_path))
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


def important_context(cands: list[Candidate], used: set[str], limit: int = 3, lang: str = "en") -> list[Sentence]:
    """Sentences saying what the right choice depends on, not already used in the body."""
    context = _rules(lang).important_context
    picked = [c for c in sorted(cands, key=lambda c: (-c.score, c.passage_id, c.position))
              if context.search(c.text) and c.text not in used]
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
_MAX_EASED = 10
_MIN_KEPT = 6


def ease(summary: list[Sentence], sections: list[AnswerSection], target: float = TARGET_GRADE,
         keep: Callable[[str], bool] | None = None) -> list[AnswerSection]:
    """Drop the hardest section sentences (never the summary, nor those ``keep`` holds: the drug names or number
    asked for) while the body reads above ``target``; at most a few, and never below a handful of sentences, so
    an answer stays whole. Emptied sections go."""
    sections = [AnswerSection(heading=s.heading, sentences=list(s.sentences)) for s in sections]
    for _ in range(_MAX_EASED):
        body = [*summary, *(x for s in sections for x in s.sentences)]
        if fk_grade(" ".join(x.text for x in body)) <= target:
            break
        removable = [(fk_grade(x.text), len(x.text), i, j) for i, s in enumerate(sections)
                     for j, x in enumerate(s.sentences) if keep is None or not keep(x.text)]
        if len(body) <= _MIN_KEPT or not removable:
            break
        _, _, i, j = max(removable)
        del sections[i].sentences[j]
    return [s for s in sections if s.sentences]
