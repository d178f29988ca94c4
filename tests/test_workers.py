"""`oncoguide serve --workers 2` on each backend: any worker serves any request (an upload on one, the profile
on the others), one rate limit across workers, and every worker picks up a re-ingest without a restart."""

from __future__ import annotations

import asyncio
import contextlib
import json
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
from bench.http_throughput import Connection
from bench.load import free_port

from oncoguide.cli import CORPUS_DIR
from oncoguide.config import SearchSettings, Settings
from oncoguide.ingest.pipeline import ingest
from oncoguide.store import Store, migrate
from oncoguide.store.db import make_engine

RECORD = b"""SURGICAL PATHOLOGY REPORT
FINAL DIAGNOSIS: Invasive adenocarcinoma of the lung.
Molecular: ALK rearrangement detected by FISH. EGFR: no mutation detected.
"""
ASK_LIMIT = 6


def add_guide(name: str, settings: Settings, folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    shutil.copy(CORPUS_DIR / name, folder / name)
    store = Store(settings.db_url)
    assert not ingest([folder / name], store, settings).errors
    store.close()


@pytest.fixture
def cluster(db_url: str, tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    """Two workers behind one port, over a database holding the myths guide (BM25 only: quick to start)."""
    migrate.upgrade(make_engine(db_url))
    settings = Settings(data_dir=tmp_path / "data", database_url=db_url, search=SearchSettings(embedder="none"))
    add_guide("myths.md", settings, tmp_path / "guides")
    port = free_port()
    env = {**os.environ, "ONCOGUIDE_DATA_DIR": str(settings.data_dir), "ONCOGUIDE_DATABASE_URL": db_url,
           "ONCOGUIDE_SEARCH__EMBEDDER": "none", "ONCOGUIDE_SERVER__ASK_PER_MINUTE": str(ASK_LIMIT),
           "ONCOGUIDE_SERVER__CORPUS_CHECK_S": "0.5"}
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "oncoguide.cli", "serve", "--workers", "2", "--no-reindex",
                             "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        up: set[int] = set()
        while len(up) < 2:  # both workers serving (a worker takes connections once its app has started)
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "server did not start"
            with contextlib.suppress(httpx.HTTPError):
                up.add(httpx.get(f"{base}/healthz", timeout=2).json()["worker"])
            time.sleep(0.2)
        yield base, settings
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def on_fresh_connections(base: str, cookies: httpx.Cookies, path: str, times: int) -> Iterator[tuple[int, int]]:
    """(worker pid, status of ``path``) for requests each made on a new connection (so the kernel may hand
    them to any worker); the pid comes from /healthz on the same connection."""
    for _ in range(times):
        with httpx.Client(base_url=base, cookies=cookies, timeout=30) as c:
            worker = c.get("/healthz").json()["worker"]
            yield worker, c.get(path).status_code


def test_any_worker_serves_any_request(cluster: tuple[str, Settings], tmp_path: Path) -> None:
    base, settings = cluster
    with httpx.Client(base_url=base, timeout=30) as first:
        first.headers["X-CSRF-Token"] = first.get("/api/v1/session").json()["csrf_token"]
        r = first.post("/api/v1/records", files=[("files", ("report.txt", RECORD))])
        assert r.status_code == 200, r.text
        cookies = first.cookies
    workers: set[int] = set()
    for worker, status in on_fresh_connections(base, cookies, "/api/v1/profile", 60):
        assert status == 200
        workers.add(worker)
        if len(workers) == 2:
            break
    assert len(workers) == 2, "every request went to one worker"
    with httpx.Client(base_url=base, cookies=cookies, timeout=30) as c:
        profile = c.get("/api/v1/profile").json()["profile"]
    assert any(b["name"] == "ALK" and b["result"] == "positive" for b in profile["biomarkers"])

    # one rate limit for the whole service, whichever worker counts the request
    seen: list[tuple[int, int]] = []
    for worker, status in on_fresh_connections(base, cookies, "/api/v1/ask?q=does+sugar+feed+cancer", 80):
        seen.append((worker, status))
        if len(seen) >= 3 * ASK_LIMIT and len({w for w, s in seen if s == 429}) == 2:
            break
    statuses = [s for _, s in seen]
    assert statuses == [200] * ASK_LIMIT + [429] * (len(seen) - ASK_LIMIT), seen
    assert len({w for w, s in seen if s == 429}) == 2, "the refused asks all went to one worker"

    # a re-ingest by another process reaches every worker without a restart
    before = httpx.get(f"{base}/healthz").json()["corpus_version"]
    add_guide("nsclc.md", settings, tmp_path / "guides")
    versions: dict[int, str] = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (len(versions) < 2 or before in versions.values()):
        with httpx.Client(base_url=base, timeout=30) as c:
            health = c.get("/healthz").json()
        versions[health["worker"]] = health["corpus_version"]
        time.sleep(0.1)
    assert len(versions) == 2 and before not in versions.values(), versions


@pytest.mark.parametrize(("given", "used"), [(None, "1"), ("3", "3")])
def test_web_workers_embed_with_one_openmp_thread_unless_told(given: str | None, used: str) -> None:
    """A worker's parallelism is its requests: the embedder's OpenMP threads only spin against them."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    if given:
        env["OMP_NUM_THREADS"] = given
    out = subprocess.run([sys.executable, "-c", "import os, oncoguide.web.app; print(os.environ['OMP_NUM_THREADS'])"],
                         env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == used


def test_a_burst_of_keep_alive_connections_is_spread_over_the_workers(cluster: tuple[str, Settings],
                                                                      tmp_path: Path) -> None:
    """16 connections opened at once (a browser's, a proxy's pool) reach both workers, and each worker answers on
    the connections it holds: with one shared listening socket, the worker that woke first could take them all.
    Every worker logs JSON lines without the question."""
    base, _ = cluster
    port = int(base.rsplit(":", 1)[1])

    async def burst() -> tuple[list[int], list[int]]:
        conns = await asyncio.gather(*(Connection.open(port) for _ in range(16)))  # all connected, none asked
        try:
            pids = [await c.which_worker() for c in conns]
            statuses = []
            for pid in set(pids):  # one question per worker, on a connection that worker holds
                c = conns[pids.index(pid)]
                status, body = await c.get("/api/v1/ask?q=does+sugar+feed+cancer")
                statuses.append(status if json.loads(body)["question"] == "does sugar feed cancer" else 0)
                assert await c.which_worker() == pid  # the same connection, so the same worker
            return pids, statuses
        finally:
            for c in conns:
                c.close()

    pids, statuses = asyncio.run(burst())
    assert len(set(pids)) == 2, pids  # all 16 on one of two workers: 2 in 65,536 if the kernel spreads them
    assert statuses == [200, 200]
    log = (tmp_path / "server.log").read_text()
    assert "sugar" not in log
    asks = [json.loads(line) for line in log.splitlines() if '"route": "/api/v1/ask"' in line]
    assert {a["status"] for a in asks} == {200} and len(asks) == 2, log[-2000:]


def test_serve_refuses_a_port_another_program_holds(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "ONCOGUIDE_DATA_DIR": str(tmp_path), "ONCOGUIDE_SEARCH__EMBEDDER": "none"}
        out = subprocess.run([sys.executable, "-m", "oncoguide.cli", "serve", "--workers", "2", "--no-reindex",
                              "--port", str(port)], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in out.stderr
