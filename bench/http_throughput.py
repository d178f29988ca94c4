"""Answers per second over HTTP: uvicorn with 1 and 2 workers on loopback, a light keep-alive client, bounded requests.

Round 1 asks 200 distinct questions, every answer composed: the shared answer cache is emptied and each server is
new (no in-process answers), and the warm-up questions are not among them. Round 2 asks them again (served from the
answer cache). Concurrency 8; every request is to 127.0.0.1 and the run stops by itself.

The machine is shared (2 cores here), so besides answers/s each round reports the CPU the server (all its
processes) and this client spent per answer, and the load average: ``capacity/s`` = cores / (server + client CPU
per answer) is what the answers/s would be with every core to ourselves and a server that can use them all (2
workers; one worker's Python runs on one core at a time). CPU times are inflated on a busy machine too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bench.ask_latency import FORMS, TOPICS
from bench.common import ROOT, bench_store, report
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import Settings
from oncoguide.ingest.pipeline import ingest
from oncoguide.search.index import SearchIndex
from oncoguide.store.answers import SharedAnswers

CONCURRENCY = 8
WARM_UP = [f"Warm-up question {i}: what is {x}?" for i, x in enumerate(
    ["a biopsy", "a CT scan", "palliative care", "a tumor board", "fatigue during treatment", "a port",
     "neutropenia", "a second opinion", "hair loss", "nausea", "a pathology report", "remission",
     "a PET scan", "lymphedema", "a clinical nurse specialist", "cancer staging"])]
TICK = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def process_tree_cpu(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) of ``pid`` and of each of its child processes (the server's workers), from
    /proc, by process id."""
    stats = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            stats[int(stat.parent.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
    return {p: cpu for p, (parent, cpu) in stats.items() if p == pid or parent == pid}


class Connection:
    """One keep-alive HTTP/1.1 connection that keeps its session cookie, as a browser does: a request line out,
    status + headers + Content-Length body back. A client this small spends a fraction of a millisecond of CPU per
    request, so it leaves the cores to the server."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.cookie = ""
        self.worker = 0  # the server process holding this connection (``/healthz`` says), once asked

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def which_worker(self) -> int:
        """The pid of the worker process that accepted this connection (it serves every request on it)."""
        status, body = await self.get("/healthz")
        self.worker = int(json.loads(body)["worker"]) if status == 200 else 0
        return self.worker

    async def get(self, target: str) -> tuple[int, bytes]:
        cookie = f"Cookie: {self.cookie}\r\n" if self.cookie else ""
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = [(k.strip().lower(), v.strip()) for k, _, v in (x.partition(":") for x in lines[1:] if x)]
        self.cookie = next((v.split(";", 1)[0] for k, v in headers if k == "set-cookie"), self.cookie)
        length = next(int(v) for k, v in headers if k == "content-length")
        return int(lines[0].split()[1]), await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


@dataclass
class Round:
    rate: float  # answers/s
    latencies: list[float]  # ms
    errors: int  # answers that were not a 200 JSON answer
    per_worker: Counter[int]  # requests served, by worker pid


async def _round(port: int, questions: list[str], concurrency: int = CONCURRENCY) -> Round:
    """Ask every question once over ``concurrency`` new keep-alive connections (each first asks ``/healthz``
    which worker holds it, before the clock starts)."""
    latencies: list[float] = []
    errors = 0
    per_worker: Counter[int] = Counter()
    todo = list(reversed(questions))
    conns = [await Connection.open(port) for _ in range(concurrency)]
    for conn in conns:
        await conn.which_worker()

    async def worker(conn: Connection) -> None:
        nonlocal errors
        while todo:
            target = "/api/v1/ask?" + urlencode({"q": todo.pop()})
            t = time.perf_counter()
            status, body = await conn.get(target)
            latencies.append(1000 * (time.perf_counter() - t))
            errors += status != 200 or not body.startswith(b"{")
            per_worker[conn.worker] += 1

    start = time.perf_counter()
    try:
        await asyncio.gather(*(worker(c) for c in conns))
    finally:
        for conn in conns:
            conn.close()
    return Round(len(questions) / (time.perf_counter() - start), latencies, errors, per_worker)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to measure")
    parser.add_argument("--server", choices=["serve", "uvicorn"], default="serve",
                        help="`oncoguide serve` (each worker its own SO_REUSEPORT socket) or plain `uvicorn "
                        "--workers` (one shared socket)")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY,
                        help="keep-alive connections (the kernel spreads connections, not requests, over workers)")
    args = parser.parse_args()
    data = ROOT / "var" / "bench" / "corpus"
    settings = Settings(data_dir=data)
    store = bench_store(settings.db_url)
    ingest([CORPUS_DIR], store, settings)
    SearchIndex.open(store, settings)  # embed anything new before the server starts
    questions = [f.format(x) for x in TOPICS for f in FORMS][:200]
    assert not set(questions) & set(WARM_UP)
    rows = []
    for workers in args.workers:  # 2 cores: a second worker process composes beside the first
        # the shared answer cache outlives runs: empty it, or "composed" would be served from earlier answers
        SharedAnswers(store).forget_other_versions(corpus_version="")
        rows += _serve_and_measure(data, questions, workers, args.server, args.concurrency)
    report("http_throughput", f"HTTP answers/s, {args.server}, workers {args.workers}, concurrency {args.concurrency}",
           ["workers", "round", "answers/s", "p50 ms", "p95 ms", "errors", "server CPU ms/answer",
            "client CPU ms/answer", "load avg", "capacity/s", "answers per worker", "CPU s per worker"], rows,
           {"cores": os.cpu_count(), "questions": len(questions), "server": args.server,
            "concurrency": args.concurrency,
            "note": "capacity/s = cores / (server + client CPU per answer): answers/s on an otherwise idle machine "
                    "for a server that can use every core (2 workers); load avg is the 1-minute load at the start of "
                    "the round (other work on the machine); answers and CPU seconds per worker process show how "
                    "the kernel spread the connections"})


def _server_command(port: int, workers: int, how: str) -> list[str]:
    if how == "serve":
        return [sys.executable, "-m", "oncoguide.cli", "serve", "--no-reindex", "--host", "127.0.0.1",
                "--port", str(port), "--workers", str(workers)]
    return [sys.executable, "-m", "uvicorn", "oncoguide.web.app:create_app", "--factory", "--host", "127.0.0.1",
            "--port", str(port), "--log-level", "warning", "--workers", str(workers)]


def _serve_and_measure(data: Path, questions: list[str], workers: int, how: str,
                       concurrency: int = CONCURRENCY) -> list[list[object]]:
    port = _free_port()
    # every simulated user comes from 127.0.0.1: lift the per-client limit, or most of them would get 429
    env = {**os.environ, "ONCOGUIDE_DATA_DIR": str(data), "ONCOGUIDE_SERVER__ASK_PER_MINUTE": "1000000"}
    server = subprocess.Popen(_server_command(port, workers, how), env=env, stderr=subprocess.DEVNULL)
    rows: list[list[object]] = []
    try:
        asyncio.run(_wait_ready(port, workers))
        asyncio.run(_round(port, WARM_UP))  # every worker loads its lazy parts; these questions are not measured
        for label in ("distinct questions (composed)", "same questions again (cached)"):
            load = os.getloadavg()[0]
            before, client_cpu = process_tree_cpu(server.pid), time.process_time()
            r = asyncio.run(_round(port, questions, concurrency))
            after = process_tree_cpu(server.pid)
            used = {p: after[p] - before.get(p, 0.0) for p in after}
            server_ms = 1000 * sum(used.values()) / len(questions)
            client_ms = 1000 * (time.process_time() - client_cpu) / len(questions)
            capacity = 1000 * (os.cpu_count() or 1) / (server_ms + client_ms)
            served = "/".join(str(n) for _, n in r.per_worker.most_common())
            cpu = "/".join(f"{c:.1f}" for c in sorted((c for c in used.values() if c >= 0.05), reverse=True))
            rows.append([workers, label, r.rate, statistics.median(r.latencies),
                         statistics.quantiles(r.latencies, n=100)[94], r.errors, server_ms, client_ms, load,
                         capacity, served, cpu])
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows


async def _wait_ready(port: int, workers: int = 1, timeout: float = 300) -> None:
    """Until ``/healthz`` has answered from ``workers`` worker processes (each on a new connection)."""
    deadline = time.monotonic() + timeout
    up: set[int] = set()
    while len(up) < workers:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(up)} of {workers} workers answered")
        with suppress(OSError, asyncio.IncompleteReadError, StopIteration, ValueError, KeyError):
            conn = await Connection.open(port)
            try:
                up |= {await conn.which_worker()} - {0}
            finally:
                conn.close()
        await asyncio.sleep(0.2)


if __name__ == "__main__":
    main()
