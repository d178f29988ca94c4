"""Related questions from the question catalog, each with a snippet quoted from the guide that answers it."""

from __future__ import annotations

import threading

import numpy as np

from oncoguide.corpus.answers import written_passages
from oncoguide.corpus.schema import CatalogQuestion
from oncoguide.domain.answer import Related
from oncoguide.domain.corpus import Passage
from oncoguide.search.index import SearchIndex
from oncoguide.search.lexical import Lexical, tokenize
from oncoguide.text.segment import split_sentences


class RelatedQuestions:
    """Ranks catalog questions by shared words, same guide and same intent; snippets are cached."""

    def __init__(self, catalog: list[CatalogQuestion], index: SearchIndex) -> None:
        docs = set(index.titles)
        self.catalog = [q for q in catalog if q.guide in docs]
        self.index = index
        self.lexical = Lexical([f"{q.question} {q.topic}" for q in self.catalog])
        self._snippets: dict[str, str] = {}
        # slug -> the first passage of its written answer
        self._written: dict[str, Passage] = {s: ps[0] for s, ps in written_passages(index.passages).items()}
        self._lock = threading.Lock()
        self._by_guide = _positions([q.guide for q in self.catalog])  # guide -> its catalog questions
        self._by_intent = _positions([q.intent for q in self.catalog])

    def find(self, question: str, intent: str, guides: list[str], limit: int = 4) -> list[Related]:
        if not self.catalog:
            return []
        lex = self.lexical.scores(tokenize([question])[0])
        score = lex / lex.max() if lex.max() > 0 else lex
        same_guide = np.zeros(len(self.catalog))
        for rank, guide in enumerate(dict.fromkeys(guides)):
            same_guide[self._by_guide.get(guide, [])] = 0.4 / (1 + rank)
        same_intent = np.zeros(len(self.catalog))
        same_intent[self._by_intent.get(intent, [])] = 0.1
        bonus = same_guide + same_intent
        total = score + bonus
        asked = _norm(question)
        out: list[Related] = []
        for i in np.lexsort((np.arange(len(total)), -total)):
            q = self.catalog[int(i)]
            if total[i] <= 0 or _norm(q.question) == asked:
                continue
            snippet = self.snippet(q)
            if snippet:
                out.append(Related(question=q.question, slug=q.slug, snippet=snippet))
            if len(out) >= limit:
                break
        return out

    def snippet(self, q: CatalogQuestion) -> str:
        """The opening sentence of the question's written answer (``corpus/answers.py``), else of the best passage
        of the question's own guide (BM25 + topic, no embedding)."""
        with self._lock:
            if q.slug in self._snippets:
                return self._snippets[q.slug]
        written = self._written.get(q.slug)
        hits = [] if written else self.index.search(q.question, k=1, intent=q.intent, mode="lexical",
                                                    doc_filter={q.guide})
        passage = written or (hits[0].passage if hits else None)
        text = ""
        if passage is not None:
            sentences = [s for s in split_sentences(passage.text) if not s.endswith((":", "?"))]
            text = sentences[0] if sentences else ""
        with self._lock:
            self._snippets[q.slug] = text
        return text


def _positions(values: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, v in enumerate(values):
        out.setdefault(v, []).append(i)
    return out


def _norm(text: str) -> str:
    return " ".join(tokenize([text])[0])
