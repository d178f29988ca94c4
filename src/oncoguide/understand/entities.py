"""Entities in a question or a record, found with the shared vocabulary (cancers, biomarkers, drugs, stages).

Matching is on word boundaries, longest alias first, case-insensitive for words and case-sensitive for short
codes (``IA``, ``ALL``) so that ordinary words are not mistaken for them. Patient shorthand ("alk pos",
"her2+") and near-miss spellings of long names ("osimertinb") are tolerated.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from oncoguide.corpus.schema import Vocabulary, load_vocabulary

KINDS = ("cancer", "biomarker", "drug", "stage")
_SHORTHAND = ((re.compile(r"\bpos\b\.?", re.I), "positive"), (re.compile(r"\bneg\b\.?", re.I), "negative"),
              (re.compile(r"(?<=\w)\+(?=\s|$|[?.,])"), " positive"))
_VARIANT_CONTEXT = 40  # characters after a biomarker name in which its variant may be written


@dataclass(frozen=True)
class Entity:
    kind: str
    id: str
    text: str
    start: int
    end: int
    variant: str | None = None


@dataclass(frozen=True)
class _Alias:
    kind: str
    id: str
    pattern: re.Pattern[str]


_Tables = tuple[list[_Alias], dict[str, list[str]], dict[str, tuple[str, str]]]
_CACHE: dict[int, tuple[Vocabulary, _Tables]] = {}


def _aliases(vocab: Vocabulary) -> _Tables:
    """Alias patterns, variants and long words of a vocabulary (built once per vocabulary object)."""
    hit = _CACHE.get(id(vocab))
    if hit is not None and hit[0] is vocab:
        return hit[1]
    tables = _build(vocab)
    _CACHE[id(vocab)] = (vocab, tables)
    return tables


def _build(vocab: Vocabulary) -> _Tables:
    names: dict[tuple[str, str], set[str]] = {}
    for c in vocab.cancers:
        names[("cancer", c.id)] = {c.name, *c.synonyms, *c.abbreviations}
    for b in vocab.biomarkers:
        names[("biomarker", b.id)] = {b.gene, b.name, *b.aliases}
    for d in vocab.drugs:
        names[("drug", d.generic)] = {d.generic, *d.brands}
    for s in vocab.stages:
        names[("stage", s.id)] = {s.name, *s.aliases}
    flat = sorted(((n, k) for k, ns in names.items() for n in ns if n.strip()), key=lambda x: (-len(x[0]), x[0]))
    aliases = [_Alias(kind, ident, _pattern(name)) for name, (kind, ident) in flat]
    variants = {b.id: sorted(b.variants, key=len, reverse=True) for b in vocab.biomarkers}
    # Long single words, for spelling tolerance.
    words = {n.lower(): k for n, k in flat if " " not in n and len(n) >= 7 and n.isalpha()}
    return aliases, variants, words


def _pattern(name: str) -> re.Pattern[str]:
    escaped = re.escape(name).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?")
    code = len(name) <= 4 and (name.isupper() or not name.isalpha())
    return re.compile(rf"(?<![\w-]){escaped}(?![\w])", 0 if code else re.I)


def extract(text: str, vocab: Vocabulary | None = None) -> list[Entity]:
    """Entities in reading order; overlapping matches keep the longest."""
    vocab = vocab or load_vocabulary()
    aliases, variants, words = _aliases(vocab)
    for pattern, repl in _SHORTHAND:
        text = pattern.sub(repl, text)
    taken = [False] * (len(text) + 1)
    found: list[Entity] = []
    for alias in aliases:
        for m in alias.pattern.finditer(text):
            if any(taken[m.start() : m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            variant = _variant(text[m.start() : m.end() + _VARIANT_CONTEXT], variants.get(alias.id, []))
            found.append(Entity(alias.kind, alias.id, m.group(0), m.start(), m.end(), variant))
    for m in re.finditer(r"[A-Za-z]{7,}", text):
        if any(taken[m.start() : m.end()]):
            continue
        close = difflib.get_close_matches(m.group(0).lower(), list(words), n=1, cutoff=0.88)
        if close:
            kind, ident = words[close[0]]
            found.append(Entity(kind, ident, m.group(0), m.start(), m.end()))
    return sorted(found, key=lambda e: (e.start, e.kind))


def _variant(window: str, names: list[str]) -> str | None:
    for name in names:
        if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", window, re.I):
            return name
    return None
