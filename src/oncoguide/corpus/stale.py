"""When each guide section was last reviewed, and which sections are stale (``oncoguide corpus stale --before DATE``).

A section records its review date in a comment line under its heading, next to its sources::

    ## Treatments for ALK-positive lung cancer
    <!-- sources: fda-alecensa, nci-pdq-nsclc -->
    <!-- last_reviewed: 2026-12-07 -->

The ingest parser drops HTML comments, so the line never reaches the text. A section without the comment takes the
guide's ``last_reviewed`` from the front matter (``explicit`` is then False).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from oncoguide.corpus import GUIDES_DIR

LAST_REVIEWED = re.compile(r"<!--\s*last_reviewed:\s*(\d{4}-\d{2}-\d{2})\s*-->", re.I)
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class SectionReview:
    guide: str
    heading: str  # heading path, "Parent > Child"
    last_reviewed: dt.date | None
    explicit: bool  # True when the section has its own last_reviewed comment


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def section_reviews(path: Path) -> list[SectionReview]:
    """The review date of every section (heading) of one guide, in file order."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, object] = {}
    m = _FRONT.match(text)
    if m:
        meta = yaml.safe_load(m.group(1)) or {}
        text = text[m.end():]
    guide = str(meta.get("id") or path.stem)
    default = _date(meta.get("last_reviewed"))
    out: list[SectionReview] = []
    stack: list[tuple[int, str]] = []
    body: list[str] = []
    in_fence = False

    def flush() -> None:
        if stack:
            found = LAST_REVIEWED.search("\n".join(body))
            date = _date(found.group(1)) if found else default
            out.append(SectionReview(guide, " > ".join(h for _, h in stack), date, bool(found)))
        body.clear()

    for line in text.splitlines():
        if line.strip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        heading = None if in_fence else _HEADING.match(line)
        if heading:
            flush()
            level = len(heading.group(1))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, heading.group(2).strip()))
        else:
            body.append(line)
    flush()
    return out


def stale_sections(before: dt.date, folder: Path = GUIDES_DIR) -> list[SectionReview]:
    """Sections of every guide in ``folder`` last reviewed before ``before`` (or never dated)."""
    return [
        s
        for path in sorted(folder.glob("*.md"))
        for s in section_reviews(path)
        if s.last_reviewed is None or s.last_reviewed < before
    ]
