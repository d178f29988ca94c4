"""Answers per second over HTTP: uvicorn (one worker) on loopback, an httpx async client, bounded requests.

Round 1 asks 200 distinct questions (every answer composed); round 2 asks them again (served from the answer
cache). Concurrency 8; every request is to 127.0.0.1 and the run stops by itself.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.ask_latency import FORMS, TOPICS
from bench.common import ROOT, bench_store, report
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import Settings
from oncoguide.ingest.pipeline import ingest
from oncoguide.search.index import SearchIndex
from oncoguide.store.answers import SharedAnswers

CONCURRENCY = 8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _round(base: str, questions: list[str]) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[str] = asyncio.Queue()
    for q in questions:
        queue.put_nowait(q)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while not queue.empty():
            q = queue.get_nowait()
            t = time.perf_counter()
            r = await client.get(f"{base}/api/v1/ask", params={"q": q})
            latencies.append(1000 * (time.perf_counter() - t))
            errors += r.status_code != 200

    start = time.perf_counter()
    async with httpx.AsyncClient(timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(CONCURRENCY)))
    return len(questions) / (time.perf_counter() - start), latencies, errors


def main() -> None:
    data = ROOT / "var" / "bench" / "corpus"
    settings = Settings(data_dir=data)
    store = bench_store(settings.db_url)
    ingest([CORPUS_DIR], store, settings)
    SearchIndex.open(store, settings)  # embed anything new before the server starts
    questions = [f.format(x) for x in TOPICS for f in FORMS][:200]
    rows = []
    for workers in (1, 2):  # 2 cores: a second worker process composes beside the first
        # the shared answer cache outlives runs: empty it, or "composed" would be served from earlier answers
        SharedAnswers(store).forget_other_versions(corpus_version="")
        rows += _serve_and_measure(data, questions, workers)
    report("http_throughput", f"HTTP answers/s, uvicorn workers 1 and 2, concurrency {CONCURRENCY}",
           ["workers", "round", "answers/s", "p50 ms", "p95 ms", "errors"], rows, {})


def _serve_and_measure(data: Path, questions: list[str], workers: int) -> list[list[object]]:
    port = _free_port()
    # every simulated user comes from 127.0.0.1: lift the per-client limit, or most of them would get 429
    env = {**os.environ, "ONCOGUIDE_DATA_DIR": str(data), "ONCOGUIDE_SERVER__ASK_PER_MINUTE": "1000000"}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "oncoguide.web.app:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning", "--workers", str(workers)], env=env,
    )
    base = f"http://127.0.0.1:{port}"
    rows: list[list[object]] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        for label in ("distinct questions (composed)", "same questions again (cached)"):
            rate, lat, errors = asyncio.run(_round(base, questions))
            rows.append([workers, label, rate, statistics.median(lat), statistics.quantiles(lat, n=100)[94], errors])
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows


if __name__ == "__main__":
    main()
