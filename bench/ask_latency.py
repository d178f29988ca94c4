"""Warm `ask` latency in process over 200 questions, and ingest throughput of the shipped corpus."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import ROOT, bench_store, console, report
from oncoguide.answer.engine import AnswerEngine
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import Settings
from oncoguide.ingest.pipeline import ingest

TOPICS = ["ALK", "EGFR", "ROS1", "KRAS G12C", "PD-L1", "BRAF V600E", "MET exon 14", "RET", "HER2", "NTRK",
          "BRCA", "MSI-high", "PSA", "Gleason score", "stage 3 lung cancer", "triple-negative breast cancer",
          "immunotherapy", "chemotherapy", "radiation", "clinical trials"]
FORMS = ["What does {} mean?", "What are the treatments for {}?", "What are the side effects of {} treatment?",
         "How is {} tested?", "What happens when {} treatment stops working?", "What is the outlook for {}?",
         "Questions to ask about {}", "Is {} common?", "How do doctors choose treatment for {}?",
         "What should I know about {}?"]


def main() -> None:
    # Ingest throughput: a fresh temporary store (parsing, chunking, topics, SQLite writes; no embedding).
    tmp = Path(tempfile.mkdtemp(prefix="oncoguide-bench-"))
    try:
        settings = Settings(data_dir=tmp)
        t = time.perf_counter()
        rep = ingest([CORPUS_DIR], bench_store(settings.db_url), settings)
        ingest_s = time.perf_counter() - t
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # Latency: a persistent bench data dir, so the embedding cache is reused between runs.
    settings = Settings(data_dir=ROOT / "var" / "bench" / "corpus")
    store = bench_store(settings.db_url)
    ingest([CORPUS_DIR], store, settings)
    cached_before = store.embedded_count()
    t = time.perf_counter()
    engine = AnswerEngine(settings, store)
    embed_s = time.perf_counter() - t
    embedded = store.embedded_count() - cached_before
    questions = [f.format(x) for x in TOPICS for f in FORMS][:200]
    engine.ask("warm up the embedder")
    timed = [_timed(engine.ask, q) for q in questions]  # first time each question is composed
    composed, composed_cpu = [t for t, _ in timed], [c for _, c in timed]
    cached = [t for t, _ in (_timed(engine.ask, q) for q in questions)]
    n = len(engine.index.passages)
    rows = [
        ["ask, composed (ms)", statistics.median(composed), _pct(composed, 95)],
        ["ask, composed, CPU (ms; less noisy than wall time on a shared machine)", statistics.median(composed_cpu),
         _pct(composed_cpu, 95)],
        ["ask, cached (ms)", statistics.median(cached), _pct(cached, 95)],
    ]
    report(
        "ask_latency", f"Warm ask latency over {len(questions)} questions ({n} passages)",
        ["what", "p50", "p95"], rows,
        {"ingest_seconds": ingest_s, "ingest_passages": rep.passages,
         "ingest_passages_per_s": rep.passages / ingest_s,
         "embedded_now": embedded, "embed_passages_per_s": embedded / embed_s if embedded else None},
    )
    rate = f"{embedded / embed_s:.1f}/s" if embedded else "all cached"
    console.print(f"ingest: {rep.passages} passages in {ingest_s:.2f}s ({rep.passages / ingest_s:.0f}/s); "
                  f"embedding: {embedded} new passages ({rate})")


def _timed(fn: Callable[[str], object], arg: str) -> tuple[float, float]:
    """Milliseconds of ``fn(arg)``: wall clock, and CPU of this process (all its threads)."""
    t, cpu = time.perf_counter(), time.process_time()
    fn(arg)
    return 1000 * (time.perf_counter() - t), 1000 * (time.process_time() - cpu)


def _pct(xs: list[float], p: int) -> float:
    return statistics.quantiles(xs, n=100)[p - 1]


if __name__ == "__main__":
    main()
