"""Uploaded bytes to a RecordDocument: the type is sniffed from the content (never the file name).

PDF (pypdf; page offsets kept), FHIR JSON, HL7 v2 (``MSH|``), or UTF-8/UTF-16 text; XML and HTML are refused
unparsed. Every refusal is a ``RecordError`` naming the file and the reason, never quoting the content.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import itertools
import json
import logging
import re
from pathlib import PurePosixPath, PureWindowsPath

from oncoguide.config import Settings, get_settings
from oncoguide.records.model import Page, RecordDocument, RecordError

logging.getLogger("pypdf").setLevel(logging.ERROR)
_STRING = re.compile(r'"(?:\\.|[^"\\])*"')
_BRACKET = re.compile(r"[\[\]{}]")
_NAME_MAX = 120
PDF_STREAM_MAX = 16 * 2**20  # bytes one compressed PDF stream may unpack to
PDF_CONTENT_MAX = 32 * 2**20  # bytes of page content (drawing instructions) read from one PDF in all


def safe_name(name: str) -> str:
    """The base name only (no folders, no control characters), at most 120 characters."""
    base = PureWindowsPath(PurePosixPath(name).name).name
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    return base[:_NAME_MAX] or "record"


def read_record(name: str, data: bytes, document_id: str | None = None,
                settings: Settings | None = None) -> RecordDocument:
    """``data`` read as a record named ``name`` (folders dropped). ``document_id`` defaults to the first 16 hex
    digits of the bytes' SHA-256; limits come from ``settings.records``. Raises RecordError."""
    cfg = (settings or get_settings()).records
    name = safe_name(name)
    if len(data) > cfg.max_upload_mb * 1024 * 1024:
        raise RecordError(f"{name}: larger than the {cfg.max_upload_mb} MiB limit")
    doc_id = document_id or hashlib.sha256(data).hexdigest()[:16]
    if data.lstrip()[:5] == b"%PDF-":
        text, pages = _pdf(name, data, cfg.max_pages)
        _check_length(name, text, cfg.max_chars)
        return RecordDocument(id=doc_id, name=name, kind="pdf", text=text, pages=pages)
    text = _decode(name, data)
    if not text.strip():
        raise RecordError(f"{name}: the file is empty")
    pages = [Page(number=1, start=0, end=len(text))]
    stripped = text.lstrip()
    if stripped[:1] in "{[":
        fhir = _fhir(name, text, cfg.max_json_depth)
        return RecordDocument(id=doc_id, name=name, kind="fhir", text=text, pages=pages, fhir=fhir)
    if re.match(r"<(\?xml|!doctype|!entity|html)\b", stripped[:20], re.I):  # never parsed: no entity expansion
        raise RecordError(f"{name}: an XML or HTML file; records are read from PDF, text, FHIR JSON or HL7 v2 "
                          "(save the page as PDF or text)")
    _check_length(name, text, cfg.max_chars)
    if stripped.startswith("MSH|"):
        return RecordDocument(id=doc_id, name=name, kind="hl7v2", text=text, pages=pages)
    return RecordDocument(id=doc_id, name=name, kind="text", text=text, pages=pages)


def _check_length(name: str, text: str, max_chars: int) -> None:
    if len(text) > max_chars:
        raise RecordError(f"{name}: {len(text):,} characters of text; the limit is {max_chars:,} (is it one "
                          "patient's report?)")


def _decode(name: str, data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise RecordError(f"{name}: not valid UTF-16 text") from exc
    if b"\x00" in data[:4096]:
        raise RecordError(f"{name}: a binary file, not a PDF, text, FHIR JSON or HL7 record")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError(f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8 or PDF") from exc
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > 8:
        raise RecordError(f"{name}: a binary file, not a PDF, text, FHIR JSON or HL7 record")
    return text.replace("\r\n", "\n") if "MSH|" not in text[:8] else text


def _fhir(name: str, text: str, max_depth: int) -> dict[str, object]:
    brackets = _BRACKET.findall(_STRING.sub('""', text))
    depth = max(itertools.accumulate(1 if b in "[{" else -1 for b in brackets), default=0)
    if depth > max_depth:
        raise RecordError(f"{name}: JSON nested {depth} levels deep; the limit is {max_depth}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:  # its message names the place, never the text
        raise RecordError(f"{name}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from exc
    except (ValueError, RecursionError) as exc:
        raise RecordError(f"{name}: not valid JSON") from exc
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        raise RecordError(f"{name}: JSON but not FHIR (no resourceType); upload a FHIR R4 resource or Bundle")
    try:  # a "\ud800" escape decodes to half a character that cannot be stored or shown
        json.dumps(data, ensure_ascii=False).encode()
    except UnicodeEncodeError as exc:
        raise RecordError(f"{name}: the JSON holds an invalid Unicode escape (an unpaired surrogate)") from exc
    return data


def _pdf(name: str, data: bytes, max_pages: int) -> tuple[str, list[Page]]:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import DependencyError, LimitReachedError, PyPdfError

    try:
        with apply_configuration(zlib_maximum_output_length=PDF_STREAM_MAX, lzw_maximum_output_length=PDF_STREAM_MAX,
                                 run_length_maximum_output_length=PDF_STREAM_MAX):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):  # restrictions only (no open password) are fine
                raise RecordError(f"{name}: the PDF is password-protected; save an unprotected copy")
            if len(reader.pages) > max_pages:
                raise RecordError(f"{name}: {len(reader.pages)} pages; the limit is {max_pages}")
            texts, budget = [], PDF_CONTENT_MAX
            for page in reader.pages:
                contents = page.get_contents()
                budget -= len(contents.get_data()) if contents is not None else 0
                if budget < 0:
                    raise LimitReachedError("page contents over budget")
                texts.append((page.extract_text() or "").strip())
    except RecordError:
        raise
    except LimitReachedError as exc:
        raise RecordError(f"{name}: the PDF expands to more than {PDF_CONTENT_MAX // 2**20} MiB of page content when "
                          "unpacked (a 'PDF bomb'?); it was not read") from exc
    except (PyPdfError, DependencyError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError,
            MemoryError, IndexError, ArithmeticError, NotImplementedError, AssertionError) as exc:  # a broken file
        raise RecordError(f"{name}: not a readable PDF (damaged, incomplete or an unsupported variant)") from exc
    if not any(texts):
        raise RecordError(f"{name}: the PDF has no text layer (a scan?); OCR is not installed, so upload a text "
                          "PDF or type the report into a text file")
    parts: list[str] = []
    pages: list[Page] = []
    offset = 0
    for number, page_text in enumerate(texts, start=1):
        if parts:
            parts.append("\n\n")
            offset += 2
        parts.append(page_text)
        pages.append(Page(number=number, start=offset, end=offset + len(page_text)))
        offset += len(page_text)
    return "".join(parts), pages
