"""Uploaded bytes to a RecordDocument: the type is sniffed from the content (never the file name).

PDF (pypdf; page offsets kept), FHIR JSON, HL7 v2 (``MSH|``), or UTF-8/UTF-16 text; XML and HTML are refused
unparsed. Every refusal is a ``RecordError`` naming the file and the reason, never quoting the content.
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import json
import math
import re
from pathlib import PurePosixPath, PureWindowsPath

from oncoguide.config import Settings, get_settings
from oncoguide.records.model import Page, RecordDocument, RecordError
from oncoguide.text.pdf import CpuBudget, PdfError, read_pdf

_STRING = re.compile(r'"(?:\\.|[^"\\])*"')
_BRACKET = re.compile(r"[\[\]{}]")
_NAME_MAX = 120


def safe_name(name: str) -> str:
    """The base name only (no folders, no control characters), at most 120 characters."""
    base = PureWindowsPath(PurePosixPath(name).name).name
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    return base[:_NAME_MAX] or "record"


def read_record(name: str, data: bytes, document_id: str | None = None, settings: Settings | None = None,
                budget: CpuBudget | None = None) -> RecordDocument:
    """``data`` read as a record named ``name`` (folders dropped). ``document_id`` defaults to the first 16 hex
    digits of the bytes' SHA-256; limits come from ``settings.records``; PDF text is read within ``budget`` (the
    request's CPU budget). Raises RecordError."""
    cfg = (settings or get_settings()).records
    name = safe_name(name)
    if len(data) > cfg.max_upload_mb * 1024 * 1024:
        raise RecordError(f"{name}: larger than the {cfg.max_upload_mb} MiB limit")
    doc_id = document_id or hashlib.sha256(data).hexdigest()[:16]
    if data.lstrip()[:5] == b"%PDF-":
        text, pages = _pdf(name, data, cfg.max_pages, budget)
        _check_length(name, text, cfg.max_chars)
        return RecordDocument(id=doc_id, name=name, kind="pdf", text=text, pages=pages)
    text = _decode(name, data)
    if not text.strip():
        raise RecordError(f"{name}: the file is empty")
    pages = [Page(number=1, start=0, end=len(text))]
    stripped = text.lstrip()
    if stripped[:1] in "{[":
        if len(text) > cfg.max_json_chars:
            raise RecordError(f"{name}: {len(text):,} characters of JSON; the limit is {cfg.max_json_chars:,} (is it "
                              "one patient's record?)")
        fhir = _fhir(name, text, cfg.max_json_depth)
        return RecordDocument(id=doc_id, name=name, kind="fhir", text=text, pages=pages, fhir=fhir)
    if re.match(r"<(\?xml|!doctype|!entity|html)\b", stripped[:20], re.I):  # never parsed: no entity expansion
        raise RecordError(f"{name}: an XML or HTML file; records are read from PDF, text, FHIR JSON or HL7 v2 "
                          "(save the page as PDF or text)")
    _check_length(name, text, cfg.max_chars)
    if stripped.startswith("MSH|"):
        _check_msh(name, stripped)
        return RecordDocument(id=doc_id, name=name, kind="hl7v2", text=text, pages=pages)
    return RecordDocument(id=doc_id, name=name, kind="text", text=text, pages=pages)


def _check_length(name: str, text: str, max_chars: int) -> None:
    if len(text) > max_chars:
        raise RecordError(f"{name}: {len(text):,} characters of text; the limit is {max_chars:,} (is it one "
                          "patient's report?)")


def _check_msh(name: str, text: str) -> None:
    """The MSH segment must name its encoding characters after ``MSH|`` (component, repetition and escape
    distinct from each other and from ``|``, e.g. ``MSH|^~\\&``); otherwise its fields cannot be split."""
    if len(text) < 8 or len({"|", text[4], text[5], text[6]}) < 4:
        raise RecordError(f"{name}: not an HL7 v2 message: the MSH segment does not name its encoding characters "
                          "after 'MSH|' (e.g. MSH|^~\\&)")


def _decode(name: str, data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _line_ends(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise RecordError(f"{name}: not valid UTF-16 text") from exc
    if b"\x00" in data[:4096]:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise RecordError(f"{name}: a binary file, not a PDF, text, FHIR JSON or HL7 record")
        try:
            return _line_ends(data.decode(utf16))
        except UnicodeDecodeError as exc:
            raise RecordError(f"{name}: not valid UTF-16 text") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError(f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8 or PDF") from exc
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > 8:
        raise RecordError(f"{name}: a binary file, not a PDF, text, FHIR JSON or HL7 record")
    return _line_ends(text)


def _line_ends(text: str) -> str:
    """LF line ends (CRLF and old Mac CR alone are line ends too); HL7 v2 keeps its CR segment ends."""
    if "MSH|" in text[:8]:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` for text saved as UTF-16 without a byte-order mark (every other byte of
    Latin-script text is zero), else None."""
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) == len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) == len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


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
    if not _finite(data):
        raise RecordError(f"{name}: not valid JSON (NaN or Infinity is not a JSON number)")
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        raise RecordError(f"{name}: JSON but not FHIR (no resourceType); upload a FHIR R4 resource or Bundle")
    try:  # a "\ud800" escape decodes to half a character that cannot be stored or shown
        json.dumps(data, ensure_ascii=False).encode()
    except UnicodeEncodeError as exc:
        raise RecordError(f"{name}: the JSON holds an invalid Unicode escape (an unpaired surrogate)") from exc
    return data


def _pdf(name: str, data: bytes, max_pages: int, budget: CpuBudget | None) -> tuple[str, list[Page]]:
    try:
        texts = read_pdf(data, max_pages=max_pages, budget=budget).pages
    except PdfError as exc:
        raise RecordError(f"{name}: {exc}") from exc
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


def _finite(value: object) -> bool:
    """No NaN or infinite number anywhere (Python's json reads them; JSON and FHIR do not allow them)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return False
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True
