"""Is a sentence supported by the passage it cites?

A sentence is supported when it is the passage's own text, or when it is entailed by it in the ways that matter
for patient safety: every content word (stemmed) is in the passage, every number, drug, gene, cancer and stage it
names is in the passage, and it is negated exactly when the passage sentence it restates is negated. The checks
are deliberately strict; a sentence that fails one is removed from the answer, never softened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oncoguide.search.lexical import tokenize
from oncoguide.text.segment import normalize_space, split_sentences
from oncoguide.understand.entities import extract

MIN_WORD_SUPPORT = 0.8  # share of the sentence's content words that the cited passage must contain
_NEGATION = re.compile(
    r"\b(no|not|never|none|neither|nor|without|cannot|can't|don't|doesn't|didn't|isn't|aren't|won't|wasn't"
    r"|weren't|shouldn't|unlikely|rarely|absent|negative|free of|lack(s|ing)?)\b", re.I
)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?:\s?%| percent)?")


@dataclass(frozen=True)
class Check:
    supported: bool
    reason: str  # "quoted", "entailed", or why not


def _norm(text: str) -> str:
    return normalize_space(text).replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"').lower()


def numbers(text: str) -> set[str]:
    """Numbers as written, normalised (``60 %`` and ``60 percent`` -> ``60%``)."""
    return {re.sub(r"\s|percent", "", m.group(0)).replace(",", "") + ("%" if "percent" in m.group(0) else "")
            for m in _NUMBER.finditer(text)}


def named(text: str) -> set[str]:
    """Ids of the drugs, biomarkers, cancers and stages a text names."""
    return {f"{e.kind}:{e.id}" for e in extract(text)}


def negated(text: str) -> bool:
    return bool(_NEGATION.search(text))


def check(sentence: str, passage: str) -> Check:
    """Whether ``passage`` supports ``sentence``, with the reason when it does not."""
    if not sentence.strip():
        return Check(False, "no content words")
    if _norm(sentence) in _norm(passage):
        return Check(True, "quoted")
    s_tokens, p_tokens = (set(t) for t in tokenize([sentence, passage]))
    if not s_tokens:
        return Check(False, "no content words")
    missing_numbers = numbers(sentence) - numbers(passage)
    if missing_numbers:
        return Check(False, f"numbers not in the passage: {', '.join(sorted(missing_numbers))}")
    missing_names = named(sentence) - named(passage)
    if missing_names:
        return Check(False, f"names not in the passage: {', '.join(sorted(missing_names))}")
    share = len(s_tokens & p_tokens) / len(s_tokens)
    if share < MIN_WORD_SUPPORT:
        return Check(False, f"only {share:.0%} of its words are in the passage")
    source = _closest(s_tokens, split_sentences(passage))
    if negated(sentence) != negated(source):
        return Check(False, "negation differs from the passage")
    return Check(True, "entailed")


def _closest(tokens: set[str], sentences: list[str]) -> str:
    """The passage sentence sharing most words with the checked one."""
    if not sentences:
        return ""
    scored = zip(sentences, tokenize(sentences), strict=True)
    return max(scored, key=lambda st: len(tokens & set(st[1])) / (1 + len(set(st[1]))))[0]
