"""The one rule compiler: a cue rule from a knowledge file (a list of regex alternatives) becomes one pattern.

It lives in ``knowledge/`` (not ``text/``) because loading a file compiles its rules to validate them and runs
their examples; ``text/`` reads knowledge, so knowledge must not import ``text/``.

Cues are regular expressions written in YAML block scalars; a rule's ``examples`` (texts it must and must not
match) are its documentation and its test (``tests/test_knowledge.py`` runs them for every language).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache


@lru_cache(maxsize=1024)
def _compile(cues: tuple[str, ...], word_start: bool, case_sensitive: bool) -> re.Pattern[str]:
    prefix = r"\b" if word_start else ""
    alternatives = "|".join(f"{prefix}(?:{cue})" for cue in cues)
    try:
        return re.compile(alternatives or r"(?!)", 0 if case_sensitive else re.I)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from exc


def compile_cues(cues: Sequence[str], *, word_start: bool = False, case_sensitive: bool = False) -> re.Pattern[str]:
    """One pattern matching any cue (an empty list matches nothing); ``word_start`` anchors each cue at a word
    start. Compiled once per distinct rule."""
    return _compile(tuple(cues), word_start, case_sensitive)


def compile_words(words: Sequence[str], *, case_sensitive: bool = False) -> re.Pattern[str]:
    """A pattern matching any of ``words`` as whole words (taken literally, longest first)."""
    escaped = sorted((re.escape(w) for w in words), key=len, reverse=True)
    return _compile((rf"\b(?:{'|'.join(escaped)})\b",) if escaped else (), False, case_sensitive)
