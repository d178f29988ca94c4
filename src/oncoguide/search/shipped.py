"""Vectors of the shipped corpus, shipped inside the package (float16, keyed by text hash + embedder), so a fresh
install serves without embedding the corpus; only texts that differ are embedded. Two kinds: ``corpus`` (passages,
embedded as passages) and ``catalog`` (the catalog questions, embedded as queries for question-to-question
matching)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np

from oncoguide.search.embed import Embedder

SHIPPED_DIR = Path(__file__).parent / "data"


KINDS = ("corpus", "catalog")


def shipped_file(embedder_name: str, kind: str = "corpus") -> Path:
    if kind not in KINDS:
        raise ValueError(f"unknown kind of shipped vectors {kind!r}; expected one of {KINDS}")
    return SHIPPED_DIR / f"{kind}-vectors-{embedder_name}.npz"


@lru_cache(maxsize=8)
def shipped_vectors(embedder_name: str, kind: str = "corpus") -> Mapping[str, np.ndarray]:
    """Text hash -> unit float32 vector for every shipped text (empty when nothing is shipped for it)."""
    path = shipped_file(embedder_name, kind)
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as data:
        hashes, matrix = data["hashes"], data["vectors"].astype(np.float32)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    return {str(h): v for h, v in zip(hashes, matrix, strict=True)}


def write_shipped(embedder: Embedder, texts: Mapping[str, str], batch: int = 32, kind: str = "corpus") -> tuple[
    int, int
]:
    """Write the shipped vectors for ``texts`` (hash -> text to embed): reuse every vector already shipped,
    embed the rest, drop hashes no longer in the corpus. Returns (reused, embedded)."""
    old = shipped_vectors(embedder.name, kind)
    todo = [h for h in texts if h not in old]
    embed = embedder.passages if kind == "corpus" else embedder.queries
    fresh: dict[str, np.ndarray] = {}
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        fresh.update(zip(chunk, embed([texts[h] for h in chunk]), strict=True))
    hashes = sorted(texts)
    matrix = np.stack([old[h] if h in old else fresh[h] for h in hashes]).astype(np.float16)
    path = shipped_file(embedder.name, kind)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, hashes=np.array(hashes), vectors=matrix)
    tmp.replace(path)
    shipped_vectors.cache_clear()
    return len(texts) - len(todo), len(todo)


def corpus_texts(guides: Path, work_dir: Path) -> dict[str, str]:
    """Text hash -> embedded text of every passage the shipped guides ingest into (a scratch SQLite store in
    ``work_dir``; nothing is embedded)."""
    from oncoguide.config import Settings
    from oncoguide.ingest.model import text_hash
    from oncoguide.ingest.pipeline import ingest
    from oncoguide.search.index import embed_text
    from oncoguide.store import Store

    settings = Settings(data_dir=work_dir)
    store = Store(settings.db_url)
    try:
        report = ingest([guides], store, settings)
        if report.errors:
            raise ValueError(f"the shipped corpus does not ingest: {report.errors}")
        titles = {d.id: d.title for d in store.documents()}
        texts = [embed_text(titles.get(p.document_id, ""), p) for p in store.passages()]
    finally:
        store.close()
    return {text_hash(t): t for t in texts}
