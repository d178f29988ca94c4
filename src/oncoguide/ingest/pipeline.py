"""`oncoguide ingest`: files -> Documents -> Passages -> store. Unchanged files cost one hash."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from oncoguide.config import Settings
from oncoguide.domain.corpus import IngestError
from oncoguide.ingest.chunk import chunk_document
from oncoguide.ingest.load import SUPPORTED, content_hash, load_file
from oncoguide.store import Store


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    passages: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus supported files found under named folders (sorted, hidden ones skipped)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                f for f in sorted(p.rglob("*"))
                if f.is_file() and f.suffix.lower() in SUPPORTED and not any(x.startswith(".") for x in f.parts)
            )
        else:
            out.append(p)
    return out


def ingest(
    paths: Iterable[Path], store: Store, settings: Settings, progress: Callable[[Path], None] | None = None
) -> IngestReport:
    """Ingest every file; a bad file is reported and skipped, the rest of the batch goes on."""
    report = IngestReport()
    seen: dict[str, Path] = {}
    max_bytes = settings.ingest.max_file_mb * 2**20
    for path in expand(paths):
        try:
            _ingest_one(path, store, settings, max_bytes, seen, report)
        except IngestError as exc:
            report.errors.append(exc)
        finally:
            if progress:
                progress(path)
    return report


def _ingest_one(
    path: Path, store: Store, settings: Settings, max_bytes: int, seen: dict[str, Path], report: IngestReport
) -> None:
    if not path.exists():
        raise IngestError(str(path), "no such file")
    if path.is_file() and path.stat().st_size <= max_bytes:
        known = store.hash_known(content_hash(path.read_bytes()))
        if known and known not in seen:
            seen[known] = path
            report.unchanged.append(known)
            return
    doc = load_file(path, max_bytes)
    if doc.id in seen:
        raise IngestError(str(path), f"document id {doc.id!r} is already used by {seen[doc.id]} in this batch")
    seen[doc.id] = path
    passages = chunk_document(doc, settings.ingest.passage_words, settings.language)
    if not passages:
        raise IngestError(str(path), "no sentences found")
    previous = store.document_hash(doc.id)
    store.replace_document(doc, passages)
    report.passages += len(passages)
    (report.updated if previous else report.added).append(doc.id)
