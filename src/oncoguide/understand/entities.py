"""Entities in a question or a record, found with the shared vocabulary (cancers, biomarkers, drugs, stages).

Matching is on word boundaries, longest alias first, case-insensitive ("egfr", "hpv") except for short codes of
stages and codes that are everyday words in lower case (``IA``, ``MET``; ``en/text.yaml`` code_words), so that
ordinary words are not mistaken for them. Patient shorthand ("alk pos",
"her2+") and near-miss spellings of long names ("osimertinb") are tolerated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from oncoguide.knowledge import load
from oncoguide.knowledge.vocab_models import Vocabulary, load_vocabulary

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
class _Tables:
    pattern: re.Pattern[str]  # every alias, longest first, in one alternation
    lookup: dict[str, tuple[str, str]]  # normalised alias -> (kind, id)
    variants: dict[str, list[str]]
    words: dict[str, tuple[str, str]]  # long single words, for spelling tolerance
    by_length: dict[int, tuple[str, ...]]
    by_first: dict[str, re.Pattern[str]]  # ASCII character -> ``pattern`` cut to the aliases it can start

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches ``pattern.finditer(text)`` gives, found faster: at each place an alias may start, only the
        aliases that can begin with the character there are tried (in the same order, so the same one wins)."""
        end = 0
        for start in _STARTS.finditer(text):
            at = start.start()
            if at < end or at == len(text):
                continue
            ch = text[at]
            m = self.by_first.get(ch, self.pattern).match(text, at)
            if m is not None:
                yield m
                end = m.end()


_CACHE: dict[int, tuple[Vocabulary, _Tables]] = {}


def _aliases(vocab: Vocabulary) -> _Tables:
    """Alias pattern, variants and long words of a vocabulary (built once per vocabulary object)."""
    hit = _CACHE.get(id(vocab))
    if hit is not None and hit[0] is vocab:
        return hit[1]
    tables = _build(vocab)
    _CACHE[id(vocab)] = (vocab, tables)
    return tables


def _key(name: str) -> str:
    return re.sub(r"[\s-]+", "", name).lower()


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
    lookup: dict[str, tuple[str, str]] = {}
    for name, kind_id in flat:
        lookup.setdefault(_key(name), kind_id)
    kinds = dict(flat[::-1])  # each name's kind (the first one listed wins, as in lookup)
    words = _code_words()
    unique = list(dict.fromkeys(n for n, _ in flat))
    strict = {n: _case_sensitive(n, kinds[n][0] == "stage" or _bare(n) in words) for n in unique}
    pattern = _compile([_pattern(name, strict[name]) for name in unique])
    variants = {b.id: sorted(b.variants, key=len, reverse=True) for b in vocab.biomarkers}
    long_words = {n.lower(): k for n, k in flat if " " not in n and len(n) >= 7 and n.isalpha()}
    by_length: dict[int, list[str]] = {}
    for w in long_words:
        by_length.setdefault(len(w), []).append(w)
    return _Tables(pattern, lookup, variants, long_words, {k: tuple(v) for k, v in by_length.items()},
                   _by_first(unique, strict))


def _compile(alternatives: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w])")


def _by_first(names: list[str], strict: dict[str, bool]) -> dict[str, re.Pattern[str]]:
    """For each printable ASCII character, the alias pattern of only the aliases (in their order) whose match can
    begin with it (``strict``: the aliases matched only as written). An alias whose first character is not an ASCII
    letter or digit (a hyphen becomes optional, a non-ASCII letter may match an ASCII one without case) stays in
    every character's pattern. Any other character (non-ASCII, control) is tried against the whole pattern."""
    out: dict[str, re.Pattern[str]] = {}
    for ch in map(chr, range(32, 127)):
        kept = []
        for name in names:
            first = name[0]
            loose = not (first.isascii() and first.isalnum())
            if loose or first == ch or (not strict[name] and first.lower() == ch.lower()):
                kept.append(_pattern(name, strict[name]))
        out[ch] = _compile(kept) if kept else _NEVER
    return out


_NEVER = re.compile(r"(?!)")

_STARTS = re.compile(r"(?<![\w-])")  # every place the alias pattern's look-behind lets a match begin


def _bare(name: str) -> str:
    return name.lower().strip("+-")


@lru_cache(maxsize=1)
def _code_words() -> frozenset[str]:
    """Short codes that are everyday words in lower case (``en/text.yaml`` code_words)."""
    text = load("en").get("text")
    return frozenset(text.code_words) if text is not None else frozenset()


def _case_sensitive(name: str, capitals_only: bool) -> bool:
    """A short code (IA, MET) that is a stage or, in lower case, an everyday word is matched only as written."""
    return capitals_only and len(name) <= 4 and (name.isupper() or not name.isalpha())


def _pattern(name: str, strict: bool) -> str:
    """One alias as a regex: spaces and hyphens interchangeable; case-insensitive unless ``strict``."""
    escaped = re.escape(name).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?")
    return f"(?-i:{escaped})" if strict else f"(?i:{escaped})"


def extract(text: str, vocab: Vocabulary | None = None) -> list[Entity]:
    """Entities in reading order; at each place the longest alias wins."""
    if vocab is None and len(text) <= _CACHED_CHARS:  # one answer reads the same question several times
        return list(_extract_shipped(text))
    if vocab is None:
        vocab = load_vocabulary()
    return _extract(text, vocab)


_CACHED_CHARS = 2000  # questions and sentences, not documents


def _cancers_inside(text: str, original: str, where: list[int], start: int, end: int, tables: _Tables) -> list[Entity]:
    """The cancers named inside a longer alias of another kind (a stage written with its cancer)."""
    out: list[Entity] = []
    for m in tables.pattern.finditer(text, start, end):
        kind_id = tables.lookup.get(_key(m.group(0)))
        if kind_id is not None and kind_id[0] == "cancer":
            a, b = where[m.start()], where[m.end() - 1] + 1
            out.append(Entity("cancer", kind_id[1], original[a:b], a, b, None))
    return out


@lru_cache(maxsize=32768)  # every sentence of the shipped corpus (15,000) stays: answers re-read the same ones
def _extract_shipped(text: str) -> tuple[Entity, ...]:
    return tuple(_extract(text, load_vocabulary()))


def _extract(text: str, vocab: Vocabulary) -> list[Entity]:
    tables = _aliases(vocab)
    original = text
    text, where = _expand(text)
    found: list[Entity] = []
    taken: list[tuple[int, int]] = []
    for m in tables.finditer(text):
        kind_id = tables.lookup.get(_key(m.group(0)))
        if kind_id is None:
            continue
        kind, ident = kind_id
        variant = _variant(text[m.start() : m.end() + _VARIANT_CONTEXT], tables.variants.get(ident, []))
        start, end = where[m.start()], where[m.end() - 1] + 1
        found.append(Entity(kind, ident, original[start:end], start, end, variant))
        taken.append((m.start(), m.end()))
        if kind == "stage":  # "extensive stage small cell lung cancer" names the cancer too
            found += _cancers_inside(text, original, where, m.start() + 1, m.end(), tables)
    spans = iter(taken)
    span = next(spans, None)
    for m in re.finditer(r"[A-Za-z]{7,}", text):
        while span is not None and span[1] <= m.start():
            span = next(spans, None)
        if span is not None and span[0] < m.end():
            continue
        close = _close_word(m.group(0).lower(), id(tables))
        if close and close in tables.words:
            kind, ident = tables.words[close]
            start, end = where[m.start()], where[m.end() - 1] + 1
            found.append(Entity(kind, ident, original[start:end], start, end))
    return sorted(found, key=lambda e: (e.start, e.kind))


@lru_cache(maxsize=65536)
def _close_word(word: str, tables_id: int) -> str | None:
    """The vocabulary word a long word is a near-miss spelling of (cached: records repeat their words)."""
    tables = next(t for _, t in _CACHE.values() if id(t) == tables_id)
    n = len(word)
    pool = [w for k in range(n - 2, n + 3) for w in tables.by_length.get(k, ())]
    scored = process.extract(word, pool, scorer=fuzz.ratio, score_cutoff=88, limit=None)
    return max(scored, key=lambda found: (found[1], found[0]))[0] if scored else None  # ties: as difflib did


def _expand(text: str) -> tuple[str, list[int]]:
    """Patient shorthand spelled out ("alk pos" -> "alk positive"), with each new character's offset in ``text``
    so that entities keep their place in the original."""
    where = list(range(len(text) + 1))
    for pattern, repl in _SHORTHAND:
        parts: list[str] = []
        index: list[int] = []
        last = 0
        for m in pattern.finditer(text):
            parts.append(text[last:m.start()])
            index += where[last:m.start()]
            parts.append(repl)
            index += [where[m.start()]] * (len(repl) - 1) + [where[m.end() - 1]]
            last = m.end()
        parts.append(text[last:])
        index += where[last:]
        text, where = "".join(parts), index
    return text, where


def hyphen_or_space(name: str) -> str:
    """A pattern for ``name`` in which a hyphen and a space are the same ("HER2 low" is HER2-low)."""
    return re.escape(name).replace(r"\-", r"[\s-]").replace(r"\ ", r"[\s-]")


def _variant(window: str, names: list[str]) -> str | None:
    """The first variant written in ``window``."""
    for name in names:
        if re.search(rf"(?<![\w]){hyphen_or_space(name)}(?![\w])", window, re.I):
            return name
    return None
