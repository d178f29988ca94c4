"""Warm `ask` latency in process over 200 questions, and ingest throughput of the shipped corpus."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import report
from oncoguide.answer.engine import AnswerEngine
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import Settings
from oncoguide.ingest.pipeline import ingest
from oncoguide.store import Store

TOPICS = ["ALK", "EGFR", "ROS1", "KRAS G12C", "PD-L1", "BRAF V600E", "MET exon 14", "RET", "HER2", "NTRK",
          "BRCA", "MSI-high", "PSA", "Gleason score", "stage 3 lung cancer", "triple-negative breast cancer",
          "immunotherapy", "chemotherapy", "radiation", "clinical trials"]
FORMS = ["What does {} mean?", "What are the treatments for {}?", "What are the side effects of {} treatment?",
         "How is {} tested?", "What happens when {} treatment stops working?", "What is the outlook for {}?",
         "Questions to ask about {}", "Is {} common?", "How do doctors choose treatment for {}?",
         "What should I know about {}?"]


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="oncoguide-bench-"))
    try:
        settings = Settings(data_dir=data)
        store = Store(settings.db_url)
        t = time.perf_counter()
        rep = ingest([CORPUS_DIR], store, settings)
        ingest_s = time.perf_counter() - t
        t = time.perf_counter()
        engine = AnswerEngine(settings, store)
        embed_s = time.perf_counter() - t
        questions = [f.format(x) for x in TOPICS for f in FORMS][:200]
        engine.ask("warm up the embedder")
        cold = []
        for q in questions:  # first time each question is composed (cache empty for it)
            t = time.perf_counter()
            engine.ask(q)
            cold.append(1000 * (time.perf_counter() - t))
        cached = []
        for q in questions:
            t = time.perf_counter()
            engine.ask(q)
            cached.append(1000 * (time.perf_counter() - t))
        n = len(engine.index.passages)
        pct = lambda xs, p: statistics.quantiles(xs, n=100)[p - 1]  # noqa: E731
        rows = [
            ["ask, composed (ms)", statistics.median(cold), pct(cold, 95)],
            ["ask, cached (ms)", statistics.median(cached), pct(cached, 95)],
        ]
        report(
            "ask_latency", f"Warm ask latency over {len(questions)} questions ({n} passages)",
            ["what", "p50", "p95"], rows,
            {"ingest_seconds": ingest_s, "ingest_passages": rep.passages,
             "ingest_passages_per_s": rep.passages / ingest_s, "embed_seconds": embed_s,
             "embed_passages_per_s": n / embed_s if embed_s else None},
        )
        print(f"ingest: {rep.passages} passages in {ingest_s:.2f}s ({rep.passages / ingest_s:.0f}/s); "
              f"embedding: {n} passages in {embed_s:.1f}s ({n / embed_s:.1f}/s)")
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
