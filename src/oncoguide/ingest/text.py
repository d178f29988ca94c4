"""Plain text: the first short line is the title; ALL-CAPS or colon-ended short lines become headings."""

from __future__ import annotations

import re
from pathlib import Path

from oncoguide.domain.corpus import Document, IngestError, Section


def load_text(path: Path, text: str, content_hash: str) -> Document:
    lines = text.strip().splitlines()
    if not lines:
        raise IngestError(str(path), "file is empty")
    title = path.stem.replace("-", " ").replace("_", " ").title()
    if len(lines[0].split()) <= 12 and not lines[0].rstrip().endswith("."):
        title = lines.pop(0).strip()
    sections: list[Section] = []
    heading: tuple[str, ...] = ()
    buf: list[str] = []
    for line in lines:
        s = line.strip()
        if s and len(s.split()) <= 8 and (s.isupper() or (s.endswith(":") and not buf)) and not re.search(r"[.!?]$", s):
            if buf:
                sections.append(Section(path=heading, text="\n".join(buf).strip()))
                buf = []
            heading = (s.rstrip(":").strip().capitalize() if s.isupper() else s.rstrip(":"),)
        else:
            buf.append(line)
    if "".join(buf).strip():
        sections.append(Section(path=heading, text="\n".join(buf).strip()))
    if not sections:
        raise IngestError(str(path), "file has no text")
    return Document(
        id=path.stem, title=title, kind="text", source_path=str(path), content_hash=content_hash, sections=sections
    )
