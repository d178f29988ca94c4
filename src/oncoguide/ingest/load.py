"""Pick the loader for a file by its extension, after checking its bytes agree with that extension."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from oncoguide.domain.corpus import Document, IngestError
from oncoguide.ingest.html import load_html
from oncoguide.ingest.markdown import load_markdown
from oncoguide.ingest.pdf import load_pdf
from oncoguide.ingest.text import load_text
from oncoguide.ingest.xml import load_xml

TextLoader = Callable[[Path, str, str], Document]
_TEXT_LOADERS: dict[str, TextLoader] = {
    ".md": load_markdown, ".markdown": load_markdown,
    ".html": load_html, ".htm": load_html,
    ".txt": load_text, ".text": load_text,
    ".xml": load_xml,
}
SUPPORTED = (".pdf", *_TEXT_LOADERS)


# Bump when loaders, the chunker or topic rules change, so re-ingesting rebuilds passages.
PIPELINE_VERSION = b"oncoguide-ingest-3\0"  # 3: Markdown read by markdown-it-py


def content_hash(data: bytes) -> str:
    """Hash of a file's bytes and the ingest pipeline version: equal hash means nothing to redo."""
    return hashlib.sha256(PIPELINE_VERSION + data).hexdigest()


def load_file(path: Path, max_bytes: int) -> Document:
    """Read and parse one file; every failure is an ``IngestError`` with a one-line reason."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise IngestError(str(path), f"unsupported file type {suffix or '(none)'!r}; supported: {', '.join(SUPPORTED)}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(str(path), f"file is {size // 2**20} MiB, over the {max_bytes // 2**20} MiB limit")
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"cannot read file ({exc.strerror or exc.__class__.__name__})") from exc
    if not data.strip():
        raise IngestError(str(path), "file is empty")
    digest = content_hash(data)
    if suffix == ".pdf":
        if not data.lstrip()[:5] == b"%PDF-":
            raise IngestError(str(path), "has a .pdf extension but is not a PDF (no %PDF header)")
        doc = load_pdf(path, data, digest)
    else:
        if data[:5] == b"%PDF-":
            raise IngestError(str(path), f"is a PDF but has a {suffix} extension; rename it to .pdf")
        text = _decode(path, data)
        doc = _TEXT_LOADERS[suffix](path, text, digest)
    if not doc.sections:
        raise IngestError(str(path), "no text found")
    return doc


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise IngestError(str(path), "binary data, not text")
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise IngestError(str(path), "not valid UTF-8 text (binary data?)") from exc
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 8:
        raise IngestError(str(path), "binary data, not text")
    return text
