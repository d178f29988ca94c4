"""Persistence: documents, passages and the embedding cache in one SQL database (SQLite by default)."""

from oncoguide.store.db import Store

__all__ = ["Store"]
