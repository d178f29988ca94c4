"""Rewrite patient wording into the words the guides use, for searching only (the question shown is unchanged)."""

from __future__ import annotations

import re

_TNM = re.compile(r"\b([cpyr]{0,2})(T(?:[0-4]|x|is)[a-d]?\d?)(N[0-3x][a-c]?)(M[01x][a-d]?\d?)?\b", re.I)
_STAGE = re.compile(r"\bstage\s*([0-4])(?:\s?([abc]))?\b", re.I)
_ROMAN = {"0": "0", "1": "I", "2": "II", "3": "III", "4": "IV"}


def search_text(question: str) -> str:
    """The question with TNM codes split (T2N1M0 -> T2 N1 M0) and stages spelled as guides do (3a -> IIIA)."""
    question = _TNM.sub(lambda m: " ".join(x for x in m.groups()[1:] if x), question)
    return _STAGE.sub(lambda m: f"stage {_ROMAN[m.group(1)]}{(m.group(2) or '').upper()}", question)
