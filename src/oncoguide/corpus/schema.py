"""Schema of the question catalog; the vocabulary schemas live in ``oncoguide.knowledge.vocab_models`` and are
re-exported here for existing imports."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator

from oncoguide.corpus import CATALOG_DIR
from oncoguide.domain.types import Intent
from oncoguide.knowledge.vocab_models import (
    Biomarker,
    Cancer,
    Drug,
    Slug,
    Stage,
    VocabError,
    Vocabulary,
    _Strict,
    load_list,
    load_lists,
    load_vocabulary,
)

__all__ = ["Biomarker", "Cancer", "CatalogQuestion", "Drug", "Intent", "Slug", "Stage", "VocabError", "Vocabulary",
           "load_catalog", "load_list", "load_lists", "load_vocabulary"]


class CatalogQuestion(_Strict):
    slug: Slug = Field(pattern=r"^[a-z0-9-]+$")
    question: str
    cancer: Slug = Field(description="Cancer id, or 'general'.")
    topic: str = Field(description="What it is about (e.g. 'ALK', 'stage IV', 'immunotherapy').")
    intent: Intent
    guide: Slug = Field(description="Id of the guide expected to answer it.")

    @field_validator("question")
    @classmethod
    def _is_question(cls, v: str) -> str:
        if not v.rstrip().endswith("?"):
            raise ValueError("a catalog question ends with '?'")
        return v


@lru_cache(maxsize=4)
def load_catalog(folder: Path = CATALOG_DIR) -> list[CatalogQuestion]:
    """The question catalog (related questions and question pages): every ``*.yaml`` file in the folder."""
    return load_lists(sorted(folder.glob("*.yaml")), CatalogQuestion, "slug")
