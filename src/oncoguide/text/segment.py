"""One sentence segmenter, with character offsets: blank lines and list items always end a sentence; abbreviations
(``knowledge/<lang>/text.yaml``), decimals and initials do not.

``segment(text)`` gives each sentence as a ``Span``: its text with whitespace collapsed and any list marker
dropped, and ``start``/``end`` such that ``text[start:end]`` is where it was read from.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

_CANDIDATE = re.compile(r"([.!?:])([\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_WS = re.compile(r"[ \t\r\f\v]+")
_BLOCK_BREAK = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)")
_LIST_MARKER = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_LETTER = re.compile(r"[a-z]")
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")


@dataclass(frozen=True)
class Span:
    """One sentence: its normalised text and where it was read from (``source[start:end]``)."""

    text: str
    start: int
    end: int


def normalize_space(text: str) -> str:
    """Runs of spaces and tabs as one space, ends trimmed (newlines are kept)."""
    return _WS.sub(" ", text).strip()


class Segmenter:
    """Sentence splitting for one language's abbreviations and list lead-ins ("Key Points - ...")."""

    def __init__(self, abbreviations: Iterable[str], list_lead_ins: Iterable[str] = ()) -> None:
        self.abbreviations = frozenset(abbreviations)
        lead_ins = "".join(f"|(?<={re.escape(x)})" for x in list_lead_ins)
        self.inline_item = re.compile(rf"(?:(?<=[.!?:]){lead_ins})\s+[-•]\s+(?=[A-Z0-9(])")

    def segment(self, text: str) -> list[Span]:
        """The sentences of ``text`` with their offsets."""
        return [block.span(a, b) for block, a, b in self._bounds(text)]

    def split(self, text: str) -> list[str]:
        """The sentences of ``text``."""
        return [block.text[a:b] for block, a, b in self._bounds(text)]

    def _bounds(self, text: str) -> Iterator[tuple[_Block, int, int]]:
        start = 0
        for brk in [*_BLOCK_BREAK.finditer(text), None]:
            end = brk.start() if brk else len(text)
            block = _Block(text, start, end)
            pos = 0
            for item in [*self.inline_item.finditer(block.text), None]:
                piece_start, piece_end = _strip(block.text, pos, item.start() if item else len(block.text))
                if piece_start < piece_end:
                    for a, b in self._split(block.text, piece_start, piece_end):
                        yield block, a, b
                pos = item.end() if item else pos
            start = brk.end() if brk else end

    def _split(self, text: str, start: int, stop: int) -> list[tuple[int, int]]:
        """Sentence bounds inside ``text[start:stop]`` (a stripped piece of one block)."""
        bounds: list[tuple[int, int]] = []
        for m in _CANDIDATE.finditer(text, start, stop):
            if m.group(1) == ".":
                word = text[start : m.start()].rsplit(" ", 1)[-1].lower().strip("(\"'“")
                if word in self.abbreviations or _LETTER.fullmatch(word) or _INITIALS.fullmatch(word):
                    continue
            a, b = _strip(text, start, m.end(2))
            if a < b:
                bounds.append((a, b))
            start = m.end()
        a, b = _strip(text, start, stop)
        if a < b:
            bounds.append((a, b))
        return bounds


@lru_cache(maxsize=4)
def segmenter(lang: str = "en") -> Segmenter:
    """The segmenter of ``lang``, from ``knowledge/<lang>/text.yaml``."""
    from oncoguide.knowledge import load

    text = load(lang).get("text")
    if text is None:
        raise ValueError(f"no text.yaml for language {lang!r}: sentences cannot be split")
    return Segmenter(text.abbreviations, text.list_lead_ins)


def _strip(text: str, start: int, stop: int) -> tuple[int, int]:
    """Bounds of ``text[start:stop].strip()``."""
    piece = text[start:stop]
    left = len(piece) - len(piece.lstrip())
    return start + left, start + len(piece.rstrip()) if piece.strip() else start + left


class _Block:
    """One block of ``source`` as the splitter reads it (newlines as spaces, list marker dropped, spaces collapsed,
    trimmed), with the way back from a position in ``text`` to a position in ``source`` (worked out on first use)."""

    def __init__(self, source: str, start: int, end: int) -> None:
        self._raw = source[start:end].replace("\n", " ")
        self._start = start
        marker = _LIST_MARKER.match(self._raw)
        self._skip = marker.end() if marker else 0
        collapsed = _WS.sub(" ", self._raw[self._skip :])
        self._left, right = _strip(collapsed, 0, len(collapsed))
        self.text = collapsed[self._left : right]
        self._points: list[int] = []  # where each kept run starts in the collapsed text...
        self._origins: list[int] = []  # ...and in the source

    def _map(self) -> None:
        length, pos = 0, self._skip
        for m in [*_WS.finditer(self._raw, self._skip), None]:
            run_end = m.start() + 1 if m else len(self._raw)  # a run of spaces keeps its first character
            self._points.append(length)
            self._origins.append(self._start + pos)
            length += run_end - pos
            pos = m.end() if m else pos

    def origin(self, pos: int) -> int:
        """Where ``text[pos]`` was read from in the source."""
        if not self._points:
            self._map()
        pos += self._left
        k = bisect_right(self._points, pos) - 1
        return self._origins[k] + pos - self._points[k]

    def span(self, start: int, end: int) -> Span:
        return Span(self.text[start:end], self.origin(start), self.origin(end - 1) + 1)


def segment(text: str, lang: str = "en") -> list[Span]:
    """The sentences of ``text`` with their offsets."""
    return segmenter(lang).segment(text)


def split_sentences(text: str, lang: str = "en") -> list[str]:
    """The sentences of ``text`` (``segment`` without the offsets)."""
    return list(_split(text, lang))


@lru_cache(maxsize=8192)  # answers split the same passages again and again
def _split(text: str, lang: str) -> tuple[str, ...]:
    return tuple(segmenter(lang).split(text))
