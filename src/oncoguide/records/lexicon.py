"""Vocabulary names (cancers and drugs) in record text, found in time linear in the text: the text is cut into
word tokens once and each token position is looked up in a table of alias token sequences (longest first).
Spaces, hyphens, slashes and apostrophes between words are interchangeable; short codes (``ALL``, ``NET``) match
only as written. A long word one or two letters off a drug name ("osimertinb") is read as that drug."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from oncoguide.corpus.schema import load_vocabulary
from oncoguide.understand.entities import Entity

_TOKEN = re.compile(r"[A-Za-z0-9]+")
_GAP = re.compile(r"[ \t\-'\u2019/]{0,3}|\s{1,3}")  # what may stand between two words of one name


@dataclass(frozen=True)
class _Name:
    kind: str
    id: str
    size: int  # tokens
    exact: str | None  # a short code: the text must read exactly this (separators removed)


@dataclass(frozen=True)
class _Table:
    names: dict[tuple[str, ...], _Name]
    firsts: frozenset[str]
    longest: int
    drug_words: dict[str, tuple[str, ...]]  # first three letters -> long single-word drug names


def _tokens(name: str) -> tuple[str, ...]:
    return tuple(t.lower() for t in _TOKEN.findall(name))


@lru_cache(maxsize=1)
def _table() -> _Table:
    vocab = load_vocabulary()
    entries: list[tuple[str, str, str]] = [("cancer", c.id, n) for c in vocab.cancers
                                           for n in (c.name, *c.synonyms, *c.abbreviations)]
    entries += [("drug", d.generic, n) for d in vocab.drugs for n in (d.generic, *d.brands)]
    names: dict[tuple[str, ...], _Name] = {}
    for kind, ident, name in sorted(entries, key=lambda e: -len(e[2])):
        key = _tokens(name)
        if not key or key in names:
            continue
        # a short code is read only as written: "CaP" (prostate cancer) is not the "CAP" of "CAP protocol"
        short = len(name) <= 4 and (name.isupper() or not name.isalpha() or any(ch.isupper() for ch in name[1:]))
        names[key] = _Name(kind, ident, len(key), re.sub(r"[\s\-'\u2019/]", "", name) if short else None)
    by_prefix: dict[str, list[str]] = {}
    for d in vocab.drugs:
        for n in (d.generic, *d.brands):
            if n.isalpha() and len(n) >= 7:
                by_prefix.setdefault(n[:3].lower(), []).append(n.lower())
    return _Table(names, frozenset(k[0] for k in names), max(len(k) for k in names),
                  {k: tuple(v) for k, v in by_prefix.items()})


@lru_cache(maxsize=65536)
def _near_drug(word: str) -> str | None:
    """The drug name a long unknown word is a near-miss spelling of (same first three letters)."""
    pool = _table().drug_words.get(word[:3], ())
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.88) if pool else []
    return close[0] if close else None


def find(text: str) -> list[Entity]:
    """Cancer and drug names in ``text`` in reading order, each as an ``Entity`` with its span."""
    table = _table()
    tokens = [(m.start(), m.end(), m.group(0).lower()) for m in _TOKEN.finditer(text)]
    out: list[Entity] = []
    i = 0
    while i < len(tokens):
        hit = _longest(text, tokens, i, table) if tokens[i][2] in table.firsts else None
        if hit is not None:
            name, n = hit
            start, end = tokens[i][0], tokens[i + n - 1][1]
            out.append(Entity(name.kind, name.id, text[start:end], start, end))
            i += n
            continue
        word = tokens[i][2]
        if len(word) >= 7 and word.isalpha() and (near := _near_drug(word)) is not None:
            drug = table.names.get((near,))
            if drug is not None:
                out.append(Entity(drug.kind, drug.id, text[tokens[i][0]:tokens[i][1]], tokens[i][0], tokens[i][1]))
        i += 1
    for m in _BARE_ALL.finditer(text) if "ALL" in text else ():
        g = "all" if m.group("all") else "all2"
        if not any(e.start < m.end(g) and m.start(g) < e.end for e in out):
            out.append(Entity("cancer", "all", "ALL", m.start(g), m.end(g)))
    return sorted(out, key=lambda e: e.start)


# "ALL" alone is an English word ("ALL values normal", "ALL medications reviewed"): it names acute lymphoblastic
# leukaemia only in a clear context - a B/T/Ph+ prefix, a disease verb before it, or a leukaemia phase after it
_BARE_ALL = re.compile(
    r"(?:\b(?:(?:pre-?)?[BT][- ]cell|pre-?B|[BT]-|Ph\+|Ph-positive|Philadelphia[- ]positive|relapsed|refractory"
    r"|pediatric|childhood|high[- ]risk|standard[- ]risk|has|had|with|diagnosed with|history of|for his|for her)\s*)"
    r"(?P<all>ALL)\b(?!\s+(?:of|the|other|values?|labs?|medications?|systems?|others|patients|questions))"
    r"|\b(?P<all2>ALL)\b(?=,?\s+(?:in (?:first |second |third )?(?:complete )?remission|induction|consolidation"
    r"|maintenance|relapse|CR[123]\b|MRD\b|protocol))")


def _longest(text: str, tokens: list[tuple[int, int, str]], i: int, table: _Table) -> tuple[_Name, int] | None:
    for n in range(min(table.longest, len(tokens) - i), 0, -1):
        name = table.names.get(tuple(t[2] for t in tokens[i:i + n]))
        if name is None or not _joined(text, tokens[i:i + n]):
            continue
        if name.exact is not None and re.sub(r"[\s\-'\u2019/]", "", text[tokens[i][0]:tokens[i + n - 1][1]]) \
                != name.exact:
            continue
        before = text[tokens[i][0] - 1] if tokens[i][0] else " "
        after = text[tokens[i + n - 1][1]] if tokens[i + n - 1][1] < len(text) else " "
        if before == "-" or after.isalnum():
            continue
        return name, n
    return None


def _joined(text: str, span: Iterable[tuple[int, int, str]]) -> bool:
    """The words of a candidate name are written as one name (only spaces, hyphens... between them)."""
    prev = None
    for start, end, _ in span:
        if prev is not None and not _GAP.fullmatch(text, prev, start):
            return False
        prev = end
    return True
