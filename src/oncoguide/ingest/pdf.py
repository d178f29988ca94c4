"""PDF via pypdf: one section per page, page numbers kept."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from oncoguide.ingest.model import Document, IngestError, Section

logging.getLogger("pypdf").setLevel(logging.ERROR)


def load_pdf(path: Path, data: bytes, content_hash: str) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError(str(path), "PDF is encrypted (password-protected); save an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise IngestError(str(path), f"not a readable PDF ({exc.__class__.__name__}: {str(exc)[:80]})") from exc
    if not pages:
        raise IngestError(str(path), "PDF has no pages")
    title = str(info.title).strip() if info and info.title else ""
    title = title or path.stem.replace("-", " ").replace("_", " ").strip().title()
    sections = [
        Section(path=(f"Page {n}",), text=_unwrap(text), page=n)
        for n, text in enumerate(pages, start=1)
        if text.strip()
    ]
    if not sections:
        raise IngestError(str(path), "PDF has no text layer (scanned images?); OCR it first")
    return Document(
        id=path.stem, title=title, kind="pdf", source_path=str(path), content_hash=content_hash, sections=sections,
        publisher=str(info.author).strip() if info and info.author else "",
    )


def _unwrap(text: str) -> str:
    """Join hard-wrapped lines; keep blank lines and bullets as breaks; mend hyphenated line ends."""
    out: list[str] = []
    for line in text.splitlines():
        s = line.strip()
        if not s:
            out.append("\n\n")
        elif s[:1] in "-•*" or not out or out[-1] == "\n\n":
            out.append(("\n" if out and out[-1] != "\n\n" else "") + s)
        elif out[-1].endswith("-") and s[:1].islower():
            out[-1] = out[-1][:-1] + s
        else:
            out[-1] = out[-1] + " " + s
    return "".join(out).strip()
