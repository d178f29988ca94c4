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


def _text_table(lang: str, name: str) -> dict[str, str]:
    """One word table of the language's ``text.yaml`` (spellings, question_codes); empty when it has none."""
    text = load(lang).get("text")
    return dict(getattr(text, name)) if text is not None else {}


@lru_cache(maxsize=4)
def _spellings(lang: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """Word beginnings spelled another way (``text.yaml`` spellings) as one pattern, with their replacements."""
    table = _text_table(lang, "spellings")
    if not table:
        return None
    return re.compile(r"\b(" + "|".join(sorted(table, key=len, reverse=True)) + ")", re.I), table


def respelled(question: str, lang: str = "en") -> str:
    """The question with word beginnings spelled as the guides spell them (oesophagus -> esophagus)."""
    found = _spellings(lang)
    if found is None:
        return question
    pattern, table = found

    def swap(m: re.Match[str]) -> str:
        ours = table[m.group(1).lower()]
        return ours[:1].upper() + ours[1:] if m.group(1)[:1].isupper() else ours

    return pattern.sub(swap, question)


@lru_cache(maxsize=1)
def _organ_tumors() -> re.Pattern[str]:
    """"<organ> tumor" for every vocabulary cancer named "<organ> cancer" ("bile duct tumor", "kidney tumour")."""
    vocab = load_vocabulary()
    organs = {n[: -len(" cancer")].lower() for c in vocab.cancers for n in (c.name, *c.synonyms)
              if n.lower().endswith(" cancer") and len(n) > len(" cancer") + 2}
    names = "|".join(re.escape(o) for o in sorted(organs, key=len, reverse=True))
    return re.compile(rf"\b({names}) (?:tumou?r|carcinoma|malignancy)s?\b", re.I)


def organ_cancer(question: str) -> str:
    """A tumor named by its organ read as that organ's cancer ("a bile duct tumor" -> "a bile duct cancer"), so the
    question is about the guide of that cancer; only for questions (records keep their words)."""
    return _organ_tumors().sub(lambda m: f"{m.group(1)} cancer", question)


@lru_cache(maxsize=4)
def _question_codes(lang: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """Capital codes that name a cancer in a question (``text.yaml`` question_codes) as one pattern, with names."""
    table = _text_table(lang, "question_codes")
    if not table:
        return None
    codes = "|".join(re.escape(c) for c in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({codes})(?![\w-])"), table


def named_codes(question: str, lang: str = "en") -> str:
    """Capital codes that name a cancer in a question (text.yaml question_codes: ALL) followed by the cancer's name,
    unless the question is written in capitals."""
    found = _question_codes(lang)
    letters = [c for c in question if c.isalpha()]
    if found is None or sum(c.isupper() for c in letters) > 0.6 * len(letters):
        return question
    pattern, table = found
    return pattern.sub(lambda m: f"{m.group(1)} ({table[m.group(1)]})", question)


@lru_cache(maxsize=4096)  # one answer rewrites the same question for triage, search, matching and each part
def search_text(question: str, lang: str = "en") -> str:
    """The question with British spellings as the guides spell them (oesophagus -> esophagus), a tumor named by its
    organ as that organ's cancer (bile duct tumor -> bile duct cancer), capital codes with their cancer's name
    (relapsed ALL -> relapsed ALL (acute lymphoblastic leukemia)), TNM codes split
    (T2N1M0 -> T2 N1 M0), stages spelled as guides do (3a -> IIIA) and brand names followed by their generic name
    (Keytruda -> Keytruda pembrolizumab)."""
    question = _TNM.sub(lambda m: " ".join(x for x in m.groups()[1:] if x), respelled(question, lang))
    question = named_codes(question, lang)
    if lang == "en":
        question = organ_cancer(question)
    text = load(lang).get("text")
    if text is not None and text.stage_number is not None:
        roman = text.roman_numerals
        question = text.stage_number.regex.sub(
            lambda m: text.stage_format.format(number=roman[m.group(1)], letter=(m.group(2) or "").upper()), question)
    pattern, table = _brands()
    return pattern.sub(lambda m: f"{m.group(0)} {table[m.group(0).lower()]}", question)
