"""Rewrite patient wording into the words the guides use, for searching only (the question shown is unchanged)."""

from __future__ import annotations

import re
from functools import lru_cache

from oncoguide.knowledge import load
from oncoguide.knowledge.vocab_models import load_vocabulary

# TNM codes are notation, the same in every language.
_TNM = re.compile(r"\b([cpyr]{0,2})(T(?:[0-4]|x|is)[a-d]?\d?)(N[0-3x][a-c]?)(M[01x][a-d]?\d?)?\b", re.I)


@lru_cache(maxsize=1)
def _brands() -> tuple[re.Pattern[str], dict[str, str]]:
    """Brand name -> generic name, from the shared drug vocabulary."""
    table = {b.lower(): d.generic for d in load_vocabulary().drugs for b in d.brands if b.lower() != d.generic}
    names = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.I) if names else re.compile("$^")
    return pattern, table


def search_text(question: str, lang: str = "en") -> str:
    """The question with TNM codes split (T2N1M0 -> T2 N1 M0), stages spelled as guides do (3a -> IIIA)
    and brand names followed by their generic name (Keytruda -> Keytruda pembrolizumab)."""
    question = _TNM.sub(lambda m: " ".join(x for x in m.groups()[1:] if x), question)
    text = load(lang).get("text")
    if text is not None and text.stage_number is not None:
        roman = text.roman_numerals
        question = text.stage_number.regex.sub(
            lambda m: text.stage_format.format(number=roman[m.group(1)], letter=(m.group(2) or "").upper()), question)
    pattern, table = _brands()
    return pattern.sub(lambda m: f"{m.group(0)} {table[m.group(0).lower()]}", question)
