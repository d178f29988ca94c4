"""Loaders turn files into Documents (Sections with heading paths), then Passages of whole sentences."""

from oncoguide.domain.corpus import Document, IngestError, Passage, Section, SourceRef

__all__ = ["Document", "IngestError", "Passage", "Section", "SourceRef"]
