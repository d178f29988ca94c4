"""Sentence splitting that respects abbreviations, decimals and list items."""

from __future__ import annotations

import re

_ABBREV = {
    "e.g", "i.e", "etc", "vs", "dr", "mr", "mrs", "ms", "prof", "no", "fig", "approx", "al", "st", "inc", "ltd",
    "u.s", "u.k", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mg", "ca",
}
_CANDIDATE = re.compile(r"([.!?:])([\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_WS = re.compile(r"[ \t\r\f\v]+")
_INLINE_ITEM = re.compile(r"(?:(?<=[.!?:])|(?<=Key Points))\s+[-•]\s+(?=[A-Z0-9(])")


def normalize_space(text: str) -> str:
    return _WS.sub(" ", text).strip()


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences; blank lines and list items always end a sentence."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)", text):
        block = normalize_space(re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", block.replace("\n", " ")))
        for piece in _INLINE_ITEM.split(block):
            if piece.strip():
                out.extend(_split_block(piece.strip()))
    return out


def _split_block(block: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for m in _CANDIDATE.finditer(block):
        if m.group(1) == ".":
            word = block[start : m.start()].rsplit(" ", 1)[-1].lower().strip("(\"'“")
            if word in _ABBREV or re.fullmatch(r"[a-z]", word) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
                continue
        end = m.end(2)
        piece = block[start:end].strip()
        if piece:
            sentences.append(piece)
        start = m.end()
    tail = block[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
