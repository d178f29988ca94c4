"""Corpus models shared by ingest, store, search and answer: Document -> Section -> Passage."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


class IngestError(Exception):
    """A file could not be ingested; ``str()`` is one line naming the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class SourceRef:
    """A public source a section is based on (FDA label, trial, NCI page...)."""

    id: str
    title: str
    publisher: str = ""
    year: int | None = None
    url: str | None = None


@dataclass
class Section:
    """A run of text under one heading path; ``page`` is set for PDFs."""

    path: tuple[str, ...]
    text: str
    page: int | None = None
    source_ids: tuple[str, ...] = ()


@dataclass
class Document:
    """One guideline document as a loader produced it."""

    id: str
    title: str
    kind: str
    source_path: str
    content_hash: str
    sections: list[Section]
    publisher: str = ""
    version: str = ""
    year: int | None = None
    last_reviewed: str | None = None
    date_basis: str | None = None
    cancer_types: tuple[str, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    url: str | None = None


@dataclass(frozen=True)
class Passage:
    """A few whole sentences of one section: the unit that is searched and cited."""

    id: str
    document_id: str
    order: int
    section_path: tuple[str, ...]
    text: str
    page: int | None = None
    source_ids: tuple[str, ...] = ()
    topic: str = "other"
    text_hash: str = field(default="")

    def __post_init__(self) -> None:
        if not self.text_hash:
            object.__setattr__(self, "text_hash", text_hash(self.text))


def text_hash(text: str) -> str:
    """Stable content hash used for de-duplicating work (ingest, embeddings)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
