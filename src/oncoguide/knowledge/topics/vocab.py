"""The shared vocabulary (cancers, biomarkers, drugs, stages): language-independent, in ``knowledge/vocab/``."""

from __future__ import annotations

from oncoguide.knowledge.vocab_models import Vocabulary, load_vocabulary

FILE = None
Model = Vocabulary


def load_shared() -> Vocabulary:
    return load_vocabulary()
