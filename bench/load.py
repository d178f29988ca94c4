"""Load test: a constant-rate (open-loop) httpx async driver against `oncoguide serve` with production settings.

The mix: questions through the API (varied: many topics and forms, some repeated as real users do), shareable
question pages, guideline pages and API, the records page and a few record uploads. Virtual users each have their
own session cookie and their own loopback address (127.0.0.x), so per-client rate limits apply per user, as in
production. Reports throughput, p50/p95/p99 latency, errors and the server's RSS at start and end.

    python -m bench.load --seconds 600 --rate 10        # the 10-minute run (JSON in bench/results/load.json)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.ask_latency import FORMS, TOPICS
from bench.common import ROOT, bench_store, report

GUIDES = ["nsclc", "nsclc-biomarkers", "breast", "colorectal", "melanoma", "side-effects", "treatment-types"]
PAGES = ["what-does-alk-positive-mean-in-lung-cancer", "what-is-biomarker-testing-for-lung-cancer"]
RECORD = b"""PATHOLOGY REPORT. FINAL DIAGNOSIS: Invasive adenocarcinoma of the lung, stage IIIA.
Molecular: %s detected by NGS. PD-L1 TPS %d%%. Load-test user %d.
"""
MIX = (("ask", 0.55), ("question_page", 0.15), ("guideline", 0.15), ("guidelines_api", 0.05), ("records", 0.07),
       ("upload", 0.03))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its child processes (uvicorn workers), in MiB (Linux /proc)."""
    total, pids = 0, {pid}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                pids.add(int(stat.parent.name))
    for p in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return round(total / 1024, 1)


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextlib.contextmanager
def serve(data_dir: Path, log: Path, workers: int = 1, env: dict[str, str] | None = None,
          timeout: float = 300) -> Iterator[Server]:
    """`oncoguide serve` (production: default settings, JSON logs, no access log) on a free port, stderr to ``log``."""
    port = free_port()
    cmd = [sys.executable, "-m", "oncoguide.cli", "serve", "--no-reindex", "--host", "127.0.0.1", "--port", str(port)]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    full_env = {**os.environ, "ONCOGUIDE_DATA_DIR": str(data_dir), **(env or {})}
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=full_env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not start")
                time.sleep(0.3)
            yield Server(base, proc, log)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@dataclass
class _User:
    client: httpx.AsyncClient
    csrf: str = ""
    n: int = 0


@dataclass
class _Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    skipped: int = 0


def _questions() -> list[str]:
    extra = [f"stage {s}" for s in ("IIIA", "IV", "IB")] + ["lung cancer", "breast cancer"]
    return [f.format(t) for t in [*TOPICS, *extra] for f in FORMS]


async def _one(kind: str, user: _User, rng: random.Random, questions: list[str], stats: _Stats) -> None:
    c = user.client
    started = time.perf_counter()
    try:
        if kind == "ask":
            r = await c.get("/api/v1/ask", params={"q": rng.choice(questions)})
        elif kind == "question_page":
            r = await c.get(f"/questions/{rng.choice(PAGES)}")
        elif kind == "guideline":
            r = await c.get(f"/guidelines/{rng.choice(GUIDES)}")
        elif kind == "guidelines_api":
            r = await c.get("/api/v1/guidelines/search", params={"q": rng.choice(TOPICS)})
        elif kind == "records":
            r = await c.get("/records")
        else:
            user.n += 1
            data = RECORD % (rng.choice(TOPICS).encode(), rng.randint(1, 99), user.n)
            r = await c.post("/api/v1/records", files=[("files", ("report.txt", data))],
                             headers={"X-CSRF-Token": user.csrf})
        ok = r.status_code < 400 and not (kind == "upload" and r.json()["results"][0]["status"] == "refused")
        if not ok:
            stats.errors[f"{kind}: HTTP {r.status_code}"] += 1
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        stats.errors[f"{kind}: {exc.__class__.__name__}"] += 1
        return
    stats.latencies.setdefault(kind, []).append(1000 * (time.perf_counter() - started))


def _pct(values: list[float], p: int) -> float:
    if len(values) < 2:
        return round(values[0], 1) if values else 0.0
    return round(statistics.quantiles(values, n=100, method="inclusive")[p - 1], 1)


async def _drive(base_url: str, rate: float, seconds: float, users: int, max_in_flight: int, seed: int,
                 pid: int | None) -> dict[str, Any]:
    rng = random.Random(seed)
    questions = _questions()
    kinds, weights = zip(*MIX, strict=True)
    stats = _Stats()
    clients = [httpx.AsyncClient(base_url=base_url, timeout=60, transport=httpx.AsyncHTTPTransport(
        local_address=f"127.0.{1 + i // 250}.{2 + i % 250}")) for i in range(users)]
    pool = [_User(c) for c in clients]
    for u in pool:
        u.csrf = (await u.client.get("/api/v1/session")).json()["csrf_token"]
    rss: list[tuple[float, float]] = [(0.0, rss_mb(pid))] if pid else []
    tasks: set[asyncio.Task[None]] = set()
    start = time.perf_counter()
    next_sample, i = 10.0, 0
    while (due := i / rate) < seconds:
        delay = start + due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        i += 1
        if len(tasks) >= max_in_flight:
            stats.skipped += 1  # the server is not keeping up: count it rather than queue without bound
            continue
        task = asyncio.create_task(_one(rng.choices(kinds, weights)[0], rng.choice(pool), rng, questions, stats))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        if pid and due >= next_sample:
            rss.append((round(due, 1), rss_mb(pid)))
            next_sample += 10.0
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    if pid:
        rss.append((round(elapsed, 1), rss_mb(pid)))
    for c in clients:
        await c.aclose()
    every = [x for v in stats.latencies.values() for x in v]
    return {
        "target_rate": rate, "seconds": round(elapsed, 1), "requests": len(every) + sum(stats.errors.values()),
        "throughput": round(len(every) / elapsed, 2), "p50_ms": _pct(every, 50), "p95_ms": _pct(every, 95),
        "p99_ms": _pct(every, 99), "max_ms": round(max(every, default=0.0), 1), "errors": sum(stats.errors.values()),
        "error_kinds": dict(stats.errors), "skipped_overload": stats.skipped, "users": users,
        "by_kind": {k: {"n": len(v), "p50_ms": _pct(v, 50), "p95_ms": _pct(v, 95), "p99_ms": _pct(v, 99)}
                    for k, v in sorted(stats.latencies.items())},
        "rss_mb_start": rss[0][1] if rss else None, "rss_mb_end": rss[-1][1] if rss else None,
        "rss_mb_series": rss,
    }


def run_load(base_url: str, rate: float, seconds: float, *, users: int = 40, max_in_flight: int = 64,
             seed: int = 7, pid: int | None = None) -> dict[str, Any]:
    """Drive ``base_url`` at ``rate`` requests/s for ``seconds`` (open loop); ``pid``: the server, for its RSS."""
    return asyncio.run(_drive(base_url, rate, seconds, users, max_in_flight, seed, pid))


def prepare(data: Path) -> None:
    """The shipped corpus ingested and embedded in ``data`` (a no-op when it already is)."""
    from oncoguide.cli import CORPUS_DIR
    from oncoguide.config import Settings
    from oncoguide.ingest.pipeline import ingest
    from oncoguide.search.index import SearchIndex

    settings = Settings(data_dir=data)
    store = bench_store(settings.db_url)
    ingest([CORPUS_DIR], store, settings)
    SearchIndex.open(store, settings)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=600, help="duration (default 600: the 10-minute run)")
    ap.add_argument("--rate", type=float, default=10, help="target requests per second (default 10)")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn workers of the server (default 1)")
    args = ap.parse_args(argv)
    data, shared = ROOT / "var" / "bench" / "load", ROOT / "var" / "bench" / "corpus"
    if not data.exists() and (shared / "oncoguide.db").exists():  # reuse the embedded bench corpus; its uploads
        shutil.copytree(shared, data, ignore=shutil.ignore_patterns("*.log"))  # stay in this copy
    prepare(data)
    with serve(data, ROOT / "var" / "bench" / "load-server.log", workers=args.workers) as server:
        result = run_load(server.base_url, args.rate, args.seconds, pid=server.process.pid)
    rows = [[k, v["n"], v["p50_ms"], v["p95_ms"], v["p99_ms"]] for k, v in result["by_kind"].items()]
    rows.append(["all", result["requests"], result["p50_ms"], result["p95_ms"], result["p99_ms"]])
    report("load", f"Load: {args.rate:g} req/s for {result['seconds']:g} s, {args.workers} worker(s); "
           f"{result['throughput']:g} req/s served, {result['errors']} errors, RSS {result['rss_mb_start']} -> "
           f"{result['rss_mb_end']} MiB", ["kind", "requests", "p50 ms", "p95 ms", "p99 ms"], rows,
           {"workers": args.workers, **result})


if __name__ == "__main__":
    main()
