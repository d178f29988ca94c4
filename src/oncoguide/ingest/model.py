"""The corpus models now live in ``oncoguide.domain.corpus``; this name stays for existing imports."""

from oncoguide.domain.corpus import Document, IngestError, Passage, Section, SourceRef, text_hash

__all__ = ["Document", "IngestError", "Passage", "Section", "SourceRef", "text_hash"]
