"""Evidence spans: the exact text a value was read from, with its page."""

from __future__ import annotations

from oncoguide.records.model import Evidence, RecordDocument


def evidence_at(doc: RecordDocument, start: int, end: int, resource: str | None = None) -> Evidence:
    """Evidence for ``doc.text[start:end]`` (offsets must lie inside the text)."""
    if not 0 <= start <= end <= len(doc.text):
        raise ValueError(f"span {start}:{end} is outside {doc.name} ({len(doc.text)} characters)")
    return Evidence(document_id=doc.id, document_name=doc.name, page=doc.page_of(start), char_start=start,
                    char_end=end, quote=doc.text[start:end], resource=resource)
