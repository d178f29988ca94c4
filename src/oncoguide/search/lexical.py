"""BM25 over passages with bm25s (English stop words, Snowball stemming)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import bm25s
import numpy as np
import Stemmer


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased, stop-worded, stemmed tokens (the same for passages and questions)."""
    if not texts:
        return []
    out = bm25s.tokenize(list(texts), stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False)
    return [list(t) for t in out]


class Lexical:
    """A BM25 index; ``scores`` gives every passage's score for one question."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.tokens = tokenize(texts)
        self.df: dict[str, int] = {}
        for toks in self.tokens:
            for tok in set(toks):
                self.df[tok] = self.df.get(tok, 0) + 1
        self.n = len(texts)
        self._bm25 = bm25s.BM25()
        if self.n:
            self._bm25.index(self.tokens, show_progress=False)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        known = [t for t in query_tokens if t in self.df]
        if not known or not self.n:
            return np.zeros(self.n, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def idf(self, token: str) -> float:
        """Smoothed inverse document frequency; unseen tokens get the largest value."""
        return float(np.log(1 + (self.n + 1) / (self.df.get(token, 0) + 0.5)))
