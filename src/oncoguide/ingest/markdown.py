"""Markdown with optional YAML front matter (the corpus format in docs/corpus-format.md)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt

from oncoguide.domain.corpus import Document, IngestError, Section, SourceRef

_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_SOURCES = re.compile(r"<!--\s*sources:\s*(.*?)-->", re.S | re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TABLE_RULE = re.compile(r"\|?\s*:?-{2,}.*")
_THEMATIC_BREAK = re.compile(r"[-*_]{3,}")
_MD = MarkdownIt("commonmark").enable("table")


def plain_inline(text: str) -> str:
    """Drop Markdown inline markup (links and images keep their words), as markdown-it parses it."""
    out: list[str] = []
    for token in _MD.parseInline(text)[0].children or []:
        if token.type in ("text", "code_inline", "html_inline") or token.type == "image":
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)


def load_markdown(path: Path, text: str, content_hash: str) -> Document:
    meta: dict[str, Any] = {}
    m = _FRONT.match(text)
    if m:
        try:
            loaded = yaml.safe_load(m.group(1))
        except yaml.YAMLError as exc:
            raise IngestError(str(path), f"front matter is not valid YAML ({exc.__class__.__name__})") from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise IngestError(str(path), "front matter must be a YAML mapping")
        meta = loaded or {}
        text = text[m.end() :]
    sources = tuple(_source(path, s) for s in meta.get("sources") or [])
    known = {s.id for s in sources}
    title = str(meta.get("title") or "")
    sections = _sections(path, text, known)
    if not title:
        first = next((s.path[0] for s in sections if s.path), "")
        title = first or path.stem.replace("-", " ").replace("_", " ").title()
    reviewed = meta.get("last_reviewed")
    return Document(
        id=str(meta.get("id") or path.stem),
        title=title,
        kind="markdown",
        source_path=str(path),
        content_hash=content_hash,
        sections=sections,
        publisher=str(meta.get("publisher") or ""),
        version=str(meta.get("version") or ""),
        year=_year(meta.get("year"), reviewed),
        last_reviewed=reviewed.isoformat() if isinstance(reviewed, dt.date) else (str(reviewed) if reviewed else None),
        date_basis=meta.get("date_basis"),
        cancer_types=tuple(str(c) for c in meta.get("cancer_types") or ()),
        sources=sources,
        url=meta.get("url"),
    )


def _year(year: Any, reviewed: Any) -> int | None:
    if isinstance(year, int):
        return year
    if isinstance(reviewed, dt.date):
        return reviewed.year
    if isinstance(reviewed, str) and re.match(r"\d{4}", reviewed):
        return int(reviewed[:4])
    return None


def _source(path: Path, raw: Any) -> SourceRef:
    if not isinstance(raw, dict) or not raw.get("id") or not raw.get("title"):
        raise IngestError(str(path), f"every source needs an id and a title, got {raw!r:.80}")
    year = raw.get("year")
    return SourceRef(
        id=str(raw["id"]),
        title=str(raw["title"]),
        publisher=str(raw.get("publisher") or ""),
        year=int(year) if isinstance(year, int) else None,
        url=raw.get("url"),
    )


def _sections(path: Path, body: str, known: set[str]) -> list[Section]:
    """Sections by heading (ATX or setext, as markdown-it reads them); fenced code is left out."""
    lines = body.split("\n")
    starts: dict[int, tuple[int, int, str]] = {}  # first line of a heading -> (its end line, level, text)
    skipped: set[int] = set()
    tokens = _MD.parse(body)
    for i, token in enumerate(tokens):
        if token.map is None:
            continue
        if token.type == "heading_open":
            starts[token.map[0]] = (token.map[1], int(token.tag[1]), tokens[i + 1].content)
        elif token.type == "fence":
            skipped.update(range(*token.map))
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    text_lines: list[str] = []

    def flush() -> None:
        raw = "\n".join(text_lines)
        ids: list[str] = []
        for group in _SOURCES.findall(raw):
            for sid in (x.strip() for x in group.split(",")):
                if sid and sid not in known:
                    raise IngestError(str(path), f"section {_path_str(stack)!r} cites unknown source id {sid!r}")
                if sid:
                    ids.append(sid)
        text = _COMMENT.sub("", raw)
        text = "\n".join(_plain_line(line) for line in text.splitlines()).strip()
        if text:
            sections.append(Section(path=tuple(h for _, h in stack), text=text, source_ids=tuple(ids)))
        text_lines.clear()

    n = 0
    while n < len(lines):
        if n in starts:
            flush()
            end, level, heading = starts[n]
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, plain_inline(heading).strip()))
            n = end
            continue
        if n not in skipped:
            text_lines.append(lines[n])
        n += 1
    flush()
    return sections


def _plain_line(line: str) -> str:
    stripped = line.strip()
    if _TABLE_RULE.fullmatch(stripped) or _THEMATIC_BREAK.fullmatch(stripped):
        return ""
    if stripped.startswith("|") and stripped.endswith("|"):
        cells = [plain_inline(c.strip()) for c in stripped.strip("|").split("|")]
        return "; ".join(c for c in cells if c) + "."
    stripped = re.sub(r"^>\s?", "", stripped)
    return plain_inline(line.rstrip()) if stripped else ""


def _path_str(stack: list[tuple[int, str]]) -> str:
    return " > ".join(h for _, h in stack)
