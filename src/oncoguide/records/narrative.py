"""Narrative text inside a coded record (HL7 v2 OBX text and NTE comments, FHIR report conclusions, free-text
observation values and notes) read by the text reader, so that nothing a record says is lost.

The pieces are joined into one text, read by ``text_extract``, and every evidence span is mapped back to the
characters of the record it came from: the quote of each value is the record's own text at its span (a quote that
runs over two pieces quotes what stands between them in the record as well).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

from oncoguide.records.model import Page, Profile, RecordDocument


@dataclass(frozen=True)
class Piece:
    """One narrative text: ``text`` as read, and for each of its characters where it starts and ends in the
    record (``starts`` / ``ends``); ``resource`` names the segment or resource it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    resource: str | None


_HL7_ESCAPES = {"F": "|", "S": "^", "T": "&", "R": "~", "E": "\\", ".br": "\n", ".sp": "\n"}


def hl7_text(raw: str, start: int, escape: str, resource: str | None) -> Piece:
    """A piece from HL7 v2 text as written (``raw`` at ``start``): delimiter escapes (``\\F\\``...) and line
    breaks (``\\.br\\``) are decoded, formatting escapes (``\\H\\``, ``\\N\\``) dropped; each decoded
    character keeps its written span."""
    text: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    j = 0
    while j < len(raw):
        close = raw.find(escape, j + 1) if raw[j] == escape else -1
        if close > j and close - j <= 12:
            code = raw[j + 1:close]
            out = _HL7_ESCAPES.get(code, "")
            if out:
                text.append(out)
                starts.append(start + j)
                ends.append(start + close + 1)
            j = close + 1
            continue
        text.append(raw[j])
        starts.append(start + j)
        ends.append(start + j + 1)
        j += 1
    return Piece("".join(text), tuple(starts), tuple(ends), resource)


def json_string(raw: str, start: int, resource: str | None) -> Piece | None:
    """A piece from the characters of a JSON string as written (``raw``, without its quotes, at ``start``): escapes
    (``\\n``, ``\\u00e9``, surrogate pairs) are decoded, each decoded character keeping its written span."""
    text: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    j = 0
    simple = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "\\": "\\", "/": "/"}
    while j < len(raw):
        ch, size = raw[j], 1
        if ch == "\\":
            if j + 1 >= len(raw):
                return None
            kind = raw[j + 1]
            if kind == "u":
                try:
                    code = int(raw[j + 2:j + 6], 16)
                    size = 6
                    if 0xD800 <= code < 0xDC00 and raw[j + 6:j + 8] == "\\u":
                        low = int(raw[j + 8:j + 12], 16)
                        code, size = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00), 12
                    ch = chr(code)
                except ValueError:
                    return None
            elif kind in simple:
                ch, size = simple[kind], 2
            else:
                return None
        text.append(ch)
        starts.append(start + j)
        ends.append(start + j + size)
        j += size
    return Piece("".join(text), tuple(starts), tuple(ends), resource)


def read_pieces(doc: RecordDocument, pieces: list[Piece], joiner: str = "\n") -> Profile:
    """The profile the pieces state (read as one text, ``joiner`` between pieces), evidence in ``doc``."""
    from oncoguide.records.text_extract import extract_text

    pieces = [p for p in pieces if p.text.strip()]
    offsets: list[int] = []  # where each piece starts in the joined text
    at = 0
    for p in pieces:
        offsets.append(at)
        at += len(p.text) + len(joiner)
    text = joiner.join(p.text for p in pieces)
    if not text.strip():
        return Profile(documents=[doc.id])

    def piece_of(offset: int) -> int:
        return max(0, bisect.bisect_right(offsets, offset) - 1)

    def where(offset: int, end: bool) -> int:
        i = piece_of(offset - 1 if end else offset)
        p, k = pieces[i], offset - offsets[i]
        if end:
            return p.ends[min(max(k - 1, 0), len(p.ends) - 1)]
        return p.starts[min(k, len(p.starts) - 1)]

    def remap(node: Any) -> Any:
        if isinstance(node, dict):
            if {"char_start", "char_end", "quote"} <= node.keys():
                s, e = where(node["char_start"], False), where(node["char_end"], True)
                e = max(s, e)
                return {**node, "char_start": s, "char_end": e, "quote": doc.text[s:e], "page": doc.page_of(s),
                        "resource": pieces[piece_of(node["char_start"])].resource}
            return {k: remap(v) for k, v in node.items()}
        if isinstance(node, list):
            return [remap(v) for v in node]
        return node

    derived = RecordDocument(id=doc.id, name=doc.name, kind="text", text=text,
                             pages=[Page(number=1, start=0, end=len(text))])
    return Profile.model_validate(remap(extract_text(derived).model_dump()))
