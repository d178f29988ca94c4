"""Reading grade per language: Flesch-Kincaid for English (syllables counted with pyphen's hyphenation dictionary,
no downloads). The formula and dictionary of a language are in ``knowledge/<lang>/text.yaml``; a language without
a formula has no reading grade yet.

The sentence count here is Flesch-Kincaid's own rough one (ends of sentences, blank lines, list items), kept
as it is: the corpus checks hold guides to exact grades."""

from __future__ import annotations

import re
from functools import lru_cache

import pyphen

_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n|\n-\s")
_DIC = pyphen.Pyphen(lang="en_US")


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Syllables in one word: pyphen's hyphenation points, corrected for short and silent-e words."""
    w = word.lower()
    if len(w) <= 3:
        return 1
    count = len(_DIC.positions(w)) + 1
    vowels = len(re.findall(r"[aeiouy]+", w))
    if w.endswith("e") and not w.endswith(("le", "ee")):
        vowels -= 1
    return max(1, count, min(vowels, count + 1))


def fk_grade(text: str) -> float:
    """Flesch-Kincaid grade level of ``text`` (0.0 for text with no words)."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len([s for s in _SENTENCE_END.split(text) if _WORD.search(s)]))
    syl = sum(syllables(w) for w in words)
    grade = 0.39 * len(words) / sentences + 11.8 * syl / len(words) - 15.59
    return round(grade, 1)


def reading_grade(text: str, lang: str = "en") -> float | None:
    """The reading grade of ``text`` by the formula of ``lang`` (``None`` when the language has none yet)."""
    from oncoguide.knowledge import load

    knowledge = load(lang).get("text")
    if knowledge is None or knowledge.readability.formula is None:
        return None
    return fk_grade(text)
