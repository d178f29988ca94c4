"""Assertion of a finding in its sentence, ConText style, from the cues in ``knowledge/<lang>/context.yaml``:
present, negated, possible, hypothetical, planned, historical, family or declined. A cue covers findings in its
direction within its scope (in words) unless a terminating cue ("but", "which") comes between; pseudo-cues ("no
change") cover nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from oncoguide import knowledge

# When several cues cover one finding, the first category of this order wins.
PRIORITY = ("family", "declined", "negated", "hypothetical", "planned", "possible", "historical")
NOT_PATIENTS = {"family", "negated", "declined", "hypothetical"}  # never the patient's present finding


# a decline that names nothing ends its sentence and speaks of what came before it, even across a semicolon:
# "Radiation was recommended; she declined."
_BARE_DECLINE = re.compile(r"(declined|refused)(\s+(it|this|that|them|treatment|therapy"
                           r"|the (treatment|recommendation)))?\s*[.!]?\s*$", re.I)
_WORD_START = re.compile(r"(?<!\w)[^\W\d_]")


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    category: str
    direction: str
    max_scope: int | None


@dataclass(frozen=True)
class _Rules:
    pattern: re.Pattern[str]
    cues: list[Any]


def _regex(cue: Any) -> str:
    if cue.pattern:
        return f"(?:{cue.pattern})"
    words = [re.escape(w) for w in cue.literal.split()]
    return r"\b" + r"[\s-]+".join(words) + r"\b"


@lru_cache(maxsize=4)
def _rules(lang: str = "en") -> _Rules:
    model = knowledge.load(lang).get("context")
    ordered = sorted(model.cues, key=lambda c: (c.direction != "pseudo", -len(c.literal)))
    alternation = "|".join(f"(?P<c{i}>{_regex(c)})" for i, c in enumerate(ordered))
    return _Rules(re.compile(alternation, re.I), ordered)


def cues_in(sentence: str, lang: str = "en") -> list[Cue]:
    """The cues written in a sentence, in order (one scan)."""
    rules = _rules(lang)
    out = []
    last = 0
    for w in _WORD_START.finditer(sentence):  # cues start at a word: trying only there is ~3x faster
        if w.start() < last:
            continue
        m = rules.pattern.match(sentence, w.start())
        if m is None or m.lastgroup is None:
            continue
        c = rules.cues[int(m.lastgroup[1:])]
        out.append(Cue(m.start(), m.end(), c.category, c.direction, c.max_scope))
        last = m.end()
    return out


def _words(text: str) -> int:
    return len(text.split())


def _paren_group(sentence: str, at: int) -> tuple[int, int] | None:
    """The span inside the brackets around ``at`` (no further than 120 characters either way), or None."""
    open_at = sentence.rfind("(", max(0, at - 120), at)
    if open_at < 0 or ")" in sentence[open_at:at]:
        return None
    close_at = sentence.find(")", at, at + 120)
    if close_at < 0 or "(" in sentence[at:close_at]:
        return None
    return open_at + 1, close_at


_RESULT_GAP = re.compile(r"[\s:,=(-]*((is|was|are|were|by \w+|\w+ (testing|ihc|fish|status))[\s:,=(-]*)?", re.I)


def _marker_between(sentence: str, lo: int, hi: int) -> bool:
    """A biomarker named right before the cue, inside ``sentence[lo:hi]`` ("HER2 negative"): the result binds to
    it."""
    from oncoguide.records.biomarkers import _mentions

    return any(lo <= s and e <= hi and _RESULT_GAP.fullmatch(sentence, e, hi) for _, s, e in _mentions(sentence))


def assertion_in(sentence: str, cues: list[Cue], start: int, end: int) -> str:
    """The assertion of ``sentence[start:end]`` given the sentence's ``cues``."""
    hits: set[str] = set()
    near: dict[str, int] = {}  # the fewest words between a category's cue and the finding
    for c in cues:
        if c.direction in ("pseudo", "terminate") or (c.start < end and start < c.end):
            continue
        forward = c.end <= start and c.direction in ("forward", "bidirectional")
        backward = c.start >= end and c.direction in ("backward", "bidirectional")
        if not (forward or backward):
            continue
        lo, hi = (c.end, start) if forward else (end, c.start)
        if c.max_scope is not None and _words(sentence[lo:hi]) > c.max_scope:
            continue
        if any(t.direction == "terminate" and lo <= t.start and t.end <= hi for t in cues):
            continue
        group = _paren_group(sentence, c.start) if c.category in ("hypothetical", "planned") else None
        if group is not None and not (group[0] <= start and end <= group[1]):
            continue  # "(dasatinib as alternative per trial enrollment)": a cue in brackets covers only them
        if (backward or c.category == "declined") and "; " in sentence[lo:hi] \
                and not (backward and c.category == "declined" and _BARE_DECLINE.match(sentence, c.start)):
            continue  # "letrozole planned after radiation; chemotherapy not recommended": the cue is the next part's
            # ("declines blood products; R-CHOP was started 5/1": a decline never reaches past its own part)
        if backward and c.category == "negated" and _marker_between(sentence, lo, hi):
            continue  # "Breast cancer, HER2 negative": the result is the marker's, not the cancer's
        if any(o is not c and o.direction in (c.direction, "bidirectional") and o.category == "negated"
               and c.category == "negated" and lo <= o.start < hi for o in cues):
            continue  # a second negation between (double negation is rare; the nearer cue decides)
        if c.category == "hypothetical" and any(o.category == "planned" and o.direction == c.direction
                                                and lo <= o.start < hi for o in cues):
            continue  # "we talked about surgery in anticipation of [radioactive iodine]": the nearer plan decides
        hits.add(c.category)
        near[c.category] = min(near.get(c.category, 1 << 30), _words(sentence[lo:hi]))
    if {"hypothetical", "planned"} <= hits and near["planned"] < near["hypothetical"]:
        hits.discard("hypothetical")  # "we discussed using [Temodar] after she heals": the nearer plan decides
    return next((p for p in PRIORITY if p in hits), "present")


def assertion_of(sentence: str, start: int, end: int, lang: str = "en") -> str:
    """The assertion of ``sentence[start:end]`` (cues read from the sentence)."""
    return assertion_in(sentence, cues_in(sentence, lang), start, end)
