"""The search index: passages + BM25 + vectors, built from the store and cached per corpus version."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from oncoguide.config import Settings
from oncoguide.ingest.model import Passage, text_hash
from oncoguide.search.embed import Embedder, QueryBatcher, get_embedder
from oncoguide.search.lexical import Lexical, tokenize
from oncoguide.search.shipped import shipped_vectors
from oncoguide.store import Store
from oncoguide.understand.intents import question_intent

RELATED_TOPICS = {
    ("treatment", "resistance"): 0.5, ("resistance", "treatment"): 0.5,
    ("testing", "staging"): 0.3, ("staging", "testing"): 0.3,
    ("definition", "testing"): 0.2, ("risk", "prevention"): 0.5, ("prevention", "risk"): 0.5,
    ("treatment", "trials"): 0.3, ("trials", "treatment"): 0.3, ("side_effects", "treatment"): 0.2,
}


class IndexNotReady(RuntimeError):
    """The corpus has passages with no vector yet (an ingest is still embedding them)."""


@dataclass(frozen=True)
class Hit:
    """One ranked passage with the parts of its score."""

    passage: Passage
    score: float
    lexical: float
    dense: float
    topic: float


def embed_text(title: str, passage: Passage) -> str:
    """What a passage is indexed as: its document title and heading path give it context."""
    head = " > ".join(h for h in passage.section_path if h and not h.startswith("Page "))
    return ". ".join(x for x in (title, head, passage.text) if x)


class SearchIndex:
    """In-memory hybrid index over every stored passage."""

    def __init__(
        self, passages: list[Passage], titles: dict[str, str], vectors: np.ndarray | None,
        embedder: Embedder | None, settings: Settings, version: str,
    ) -> None:
        self.passages = passages
        self.titles = titles
        self.version = version
        self.settings = settings
        self.embedder = embedder
        self.vectors = vectors
        self.lexical = Lexical([embed_text(titles.get(p.document_id, ""), p) for p in passages])
        self.topics = np.array([p.topic for p in passages])
        self.doc_ids = np.array([p.document_id for p in passages])
        self.by_id = {p.id: i for i, p in enumerate(passages)}
        self._recent: dict[str, np.ndarray] = {}
        self._recent_lock = threading.Lock()
        self._batcher = QueryBatcher(embedder) if embedder is not None else None
        self._recent_dense: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._topic_cache: dict[str, np.ndarray] = {}  # filled by any request thread: a lost race recomputes
        self._doc_cache: dict[str, np.ndarray] = {}

    def _query_vector(self, embedder: Embedder, text: str) -> np.ndarray:
        """The question's embedding; the last few are kept, as one answer searches with the same text twice.
        Questions that concurrent requests embed at the same time share one call of the embedder."""
        with self._recent_lock:
            vec = self._recent.get(text)
        if vec is None:
            batcher = self._batcher
            vec = batcher.query(text) if batcher is not None and batcher.embedder is embedder else \
                embedder.queries([text])[0]
            with self._recent_lock:
                self._recent[text] = vec
                while len(self._recent) > 64:
                    self._recent.pop(next(iter(self._recent)))
        return vec

    def _dense(self, embedder: Embedder, question: str) -> tuple[np.ndarray, np.ndarray]:
        """Every passage's cosine to the question, and the same scaled to 0-1 between the ``candidates``-th best
        and the best; the last few questions' are kept (read-only), as one answer searches with the same text
        several times."""
        with self._recent_lock:
            found = self._recent_dense.get(question)
        if found is not None:
            return found
        assert self.vectors is not None
        n = len(self.passages)
        dense = self.vectors @ self._query_vector(embedder, question)
        m = min(self.settings.search.candidates, n) - 1
        floor = float(np.partition(dense, n - 1 - m)[n - 1 - m]) if n > 1 else 0.0
        top = float(dense.max())
        dense_norm = np.clip((dense - floor) / (top - floor), 0, 1) if top > floor else np.ones_like(dense)
        dense.flags.writeable = dense_norm.flags.writeable = False
        with self._recent_lock:
            self._recent_dense[question] = (dense, dense_norm)
            while len(self._recent_dense) > 8:  # a few requests at a time; 8 MB each at 1M passages
                self._recent_dense.pop(next(iter(self._recent_dense)))
        return dense, dense_norm

    def _topic_scores(self, intent: str) -> np.ndarray:
        """Each passage's topic score for a question of ``intent`` (1 for its own topic, the RELATED_TOPICS weight
        for a related one), computed once per intent. Read-only: callers must not change it."""
        found = self._topic_cache.get(intent)
        if found is None:
            found = np.zeros(len(self.passages), dtype=np.float32)
            if intent != "other":
                found = (self.topics == intent).astype(np.float32)
                for (q_intent, p_topic), w in RELATED_TOPICS.items():
                    if q_intent == intent:
                        found = np.maximum(found, (self.topics == p_topic).astype(np.float32) * w)
            found.flags.writeable = False
            self._topic_cache[intent] = found
        return found

    def _in_document(self, doc_id: str) -> np.ndarray:
        """Which passages belong to document ``doc_id`` (computed once per document; read-only)."""
        found = self._doc_cache.get(doc_id)
        if found is None:
            found = self.doc_ids == doc_id
            found.flags.writeable = False
            self._doc_cache[doc_id] = found
        return found

    # construction ----------------------------------------------------------------------------------------
    @classmethod
    def open(
        cls, store: Store, settings: Settings, progress: Callable[[int, int], None] | None = None,
        embed: bool = True,
    ) -> SearchIndex:
        """Load the index for the store's current corpus, embedding only passages never embedded before.
        ``embed=False`` raises IndexNotReady instead of embedding (a web worker waits for the ingest to)."""
        version = store.corpus_version()
        passages = store.passages()
        titles = {d.id: d.title for d in store.documents()}
        embedder = get_embedder(settings.search.embedder)
        vectors = None
        if embedder is not None:
            vectors = _vectors(store, settings, embedder, passages, titles, version, progress, embed)
        return cls(passages, titles, vectors, embedder, settings, version)

    # querying --------------------------------------------------------------------------------------------
    def search(self, question: str, k: int = 10, intent: str | None = None, mode: str = "hybrid",
               doc_filter: set[str] | None = None, doc_boost: dict[str, float] | None = None) -> list[Hit]:
        """Top ``k`` passages for a question. ``mode``: hybrid | lexical | dense. ``doc_boost`` adds a
        bonus to every passage of the named documents (e.g. the guides for the cancer the question names)."""
        n = len(self.passages)
        if not n:
            return []
        cfg = self.settings.search
        explicit_intent = intent is not None
        intent = intent or question_intent(question)
        lex = self.lexical.scores(tokenize([question])[0])
        lex_norm = lex / lex.max() if lex.max() > 0 else lex
        dense = np.zeros(n, dtype=np.float32)
        dense_norm = dense
        if self.vectors is not None and self.embedder is not None and mode != "lexical":
            dense, dense_norm = self._dense(self.embedder, question)
        topic = self._topic_scores(intent)
        if mode == "lexical" or self.vectors is None:
            fused = lex_norm + (cfg.topic_weight * topic if mode != "lexical" or explicit_intent else 0)
        elif mode == "dense":
            fused = dense_norm.copy()
        else:
            w = cfg.lexical_weight
            fused = w * lex_norm + (1 - w) * dense_norm + cfg.topic_weight * topic
        for doc_id, bonus in (doc_boost or {}).items():
            fused = fused + np.float32(bonus) * self._in_document(doc_id)
        if doc_filter is not None:
            kept = np.zeros(n, dtype=bool)
            for doc_id in doc_filter:
                kept |= self._in_document(doc_id)
            fused = np.where(kept, fused, -1.0)
        order = _top(fused, k)
        return [
            Hit(self.passages[i], float(fused[i]), float(lex[i]), float(dense[i]), float(topic[i]))
            for i in order if fused[i] > 0
        ]


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` best scores, best first, ties by index: the order a full stable sort gives, without
    sorting a large corpus (only the scores at or above the k-th best are sorted)."""
    n = len(scores)
    if n > 4 * k > 0:
        kth = np.partition(scores, n - k)[n - k]
        idx = np.flatnonzero(scores >= kth)
        return idx[np.lexsort((idx, -scores[idx]))][:k]
    return np.lexsort((np.arange(n), -scores))[:k]


def prepare(store: Store, settings: Settings, embed: bool = False) -> str:
    """Make the current corpus's vectors ready in the local file cache without building an index; returns the
    corpus version. With ``embed=False`` raises IndexNotReady while passages still lack vectors."""
    version = store.corpus_version()
    embedder = get_embedder(settings.search.embedder)
    if embedder is not None:
        titles = {d.id: d.title for d in store.documents()}
        _vectors(store, settings, embedder, store.passages(), titles, version, None, embed)
    return version


def _vectors(
    store: Store, settings: Settings, embedder: Embedder, passages: list[Passage], titles: dict[str, str],
    version: str, progress: Callable[[int, int], None] | None, embed: bool = True,
) -> np.ndarray:
    key = hashlib.sha256(f"{version}|{embedder.name}|{settings.ingest.passage_words}".encode()).hexdigest()[:16]
    folder = settings.index_dir / key
    ids_file, vec_file = folder / "passages.json", folder / "vectors.npy"
    ids = [p.id for p in passages]
    if vec_file.exists() and ids_file.exists():
        try:
            if json.loads(ids_file.read_text()) == ids:
                vec = np.load(vec_file, allow_pickle=False)
                if vec.shape == (len(ids), embedder.dim):
                    return vec
        except (OSError, ValueError):
            pass  # a damaged cache is rebuilt below
    texts = [embed_text(titles.get(p.document_id, ""), p) for p in passages]
    hashes = [text_hash(t) for t in texts]
    cached = store.cached_vectors(embedder.name, hashes)
    shipped = shipped_vectors(embedder.name)
    from_package = {h: shipped[h] for h in hashes if h not in cached and h in shipped}
    if from_package:  # the shipped corpus's vectors come with the package
        store.cache_vectors(embedder.name, from_package)
        cached.update(from_package)
    todo = [(h, t) for h, t in dict(zip(hashes, texts, strict=True)).items() if h not in cached]
    if todo and not embed:
        raise IndexNotReady(f"{len(todo)} of {len(hashes)} passages of corpus {version} are not embedded yet")
    batch = settings.search.embed_batch
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        vecs = embedder.passages([t for _, t in chunk])
        fresh = {h: v for (h, _), v in zip(chunk, vecs, strict=True)}
        store.cache_vectors(embedder.name, fresh)
        cached.update(fresh)
        if progress:
            progress(min(start + batch, len(todo)), len(todo))
    matrix = np.stack([cached[h] for h in hashes]) if hashes else np.zeros((0, embedder.dim), np.float32)
    _write_atomic(folder, ids, matrix.astype(np.float32))
    return matrix.astype(np.float32)


def _write_atomic(folder: Path, ids: list[str], matrix: np.ndarray) -> None:
    """Write the file cache (per-process temporary names: several workers may write it at once). The files
    are only a local copy of what the database holds, so a read-only data dir just means no copy."""
    tag = f"{os.getpid()}.{threading.get_ident()}"
    tmp_vec, tmp_ids = folder / f"vectors.{tag}.tmp.npy", folder / f"passages.json.{tag}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(tmp_vec, matrix, allow_pickle=False)
        tmp_ids.write_text(json.dumps(ids))
        tmp_vec.replace(folder / "vectors.npy")
        tmp_ids.replace(folder / "passages.json")
    except OSError:
        tmp_vec.unlink(missing_ok=True)
        tmp_ids.unlink(missing_ok=True)
