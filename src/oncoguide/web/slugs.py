"""Stable, shareable question URLs: ``/questions/what-does-alk-positive-mean-in-lung-cancer``."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

from sqlalchemy import select

from oncoguide.corpus.schema import load_catalog
from oncoguide.store.db import Store
from oncoguide.store.schema import QuestionPageRow

MAX_SLUG = 90


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, cut at a word boundary (``""`` when nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    return slug


class QuestionPages:
    """Slug <-> question: catalog questions keep their own slugs; any other question gets one on first ask."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.catalog = {q.slug: q.question for q in load_catalog()}
        self.catalog_slugs = {q.question.lower(): q.slug for q in load_catalog()}

    def slug_for(self, question: str) -> str:
        known = self.catalog_slugs.get(question.lower())
        if known:
            return known
        slug = slugify(question) or "question"
        # the first question to get a slug keeps it, whichever worker (or replica) stored it first
        self.store.insert_new(QuestionPageRow, [
            {"slug": slug, "question": question, "created_at": datetime.now(UTC).replace(tzinfo=None)}])
        return slug

    def question_for(self, slug: str) -> str | None:
        if slug in self.catalog:
            return self.catalog[slug]
        with self.store.session() as s:
            row = s.scalar(select(QuestionPageRow).where(QuestionPageRow.slug == slug))
        return row.question if row else None
