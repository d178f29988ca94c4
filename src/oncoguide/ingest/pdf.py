"""PDF guides: one section per page, page numbers kept (read by ``text.pdf``, with its bomb limits)."""

from __future__ import annotations

from pathlib import Path

from oncoguide.ingest.model import Document, IngestError, Section
from oncoguide.text.pdf import PdfError, PdfLocked, read_pdf


def load_pdf(path: Path, data: bytes, content_hash: str) -> Document:
    try:  # the bomb limits of records apply to guides too; a guide may be long, so no CPU budget
        pdf = read_pdf(data)
    except PdfLocked as exc:
        raise IngestError(str(path), "PDF is encrypted (password-protected); save an unprotected copy") from exc
    except PdfError as exc:
        raise IngestError(str(path), str(exc)) from exc
    if not pdf.pages:
        raise IngestError(str(path), "PDF has no pages")
    title = pdf.title or path.stem.replace("-", " ").replace("_", " ").strip().title()
    sections = [
        Section(path=(f"Page {n}",), text=_unwrap(text), page=n)
        for n, text in enumerate(pdf.pages, start=1)
        if text.strip()
    ]
    if not sections:
        raise IngestError(str(path), "PDF has no text layer (scanned images?); OCR it first")
    return Document(
        id=path.stem, title=title, kind="pdf", source_path=str(path), content_hash=content_hash, sections=sections,
        publisher=pdf.author,
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
