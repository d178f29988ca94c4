"""BM25 over passages with bm25s; stop words and Snowball stemmer of the language from
``knowledge/<lang>/text.yaml``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import bm25s
import numpy as np
import Stemmer

from oncoguide.knowledge import load


@lru_cache(maxsize=4)
def _language(lang: str) -> tuple[Stemmer.Stemmer, frozenset[str]]:
    text = load(lang).get("text")
    if text is None:
        raise ValueError(f"no text.yaml for language {lang!r}: search cannot tokenize it")
    return Stemmer.Stemmer(text.stemmer), frozenset(text.stop_words)


def tokenize(texts: Sequence[str], lang: str = "en") -> list[list[str]]:
    """Lower-cased, stop-worded, stemmed tokens (the same for passages and questions)."""
    if not texts:
        return []
    if len(texts) <= _CACHED_TEXTS:  # an answer's question and sentences: the same ones come back, cached
        return [list(_tokens(text, lang)) for text in texts]
    return _tokenize(texts, lang)


_CACHED_TEXTS = 8  # a whole corpus (an index being built) is tokenized at once, not cached


def _tokenize(texts: Sequence[str], lang: str) -> list[list[str]]:
    """``bm25s.tokenize(texts, stopwords, stemmer, return_ids=False)``'s tokens, without its per-call and per-text
    set-up (a set of the stop words for every text): words of two or more word characters, lower-cased, stop
    words dropped, stemmed."""
    stemmer, stop_words = _language(lang)
    out = []
    for text in texts:
        words = [w for w in _WORD.findall(text.lower()) if w not in stop_words]
        out.append(list(stemmer.stemWords(words)) if words else [])
    return out


_WORD = re.compile(r"(?u)\b\w\w+\b")  # bm25s's (and scikit-learn's) token pattern


@lru_cache(maxsize=32768)
def _tokens(text: str, lang: str) -> tuple[str, ...]:
    """One text's tokens (each text is tokenized on its own, so a text's tokens do not depend on its batch)."""
    return tuple(_tokenize([text], lang)[0])


class Lexical:
    """A BM25 index; ``scores`` gives every passage's score for one question."""

    def __init__(self, texts: Sequence[str], lang: str = "en") -> None:
        self.tokens = tokenize(texts, lang)
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
