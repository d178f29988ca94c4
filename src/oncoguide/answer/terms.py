"""Terms explained on first use: for the medical words an answer uses, a defining sentence from the guides."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from oncoguide.domain.answer import Sentence
from oncoguide.knowledge.schema import required
from oncoguide.knowledge.topics import answer_rules
from oncoguide.knowledge.vocab_models import Vocabulary, load_vocabulary
from oncoguide.search.index import SearchIndex
from oncoguide.text.segment import split_sentences
from oncoguide.understand.entities import extract

_MAX_WORDS = 30


def _longest_first(names: set[str]) -> tuple[str, ...]:
    """Longest name first; names of equal length in a fixed order (set order differs between processes)."""
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


class Glossary:
    """Finds and caches, per term, the first guide sentence that defines it ("X is ...", "X means ...")."""

    def __init__(self, index: SearchIndex, vocab: Vocabulary | None = None, lang: str = "en") -> None:
        self.index = index
        self.rules = required(lang, "answer_rules", answer_rules.Model)
        self._patterns: dict[str, re.Pattern[str]] = {}
        vocab = vocab or load_vocabulary()
        self.names: dict[str, tuple[str, ...]] = {f"general:{k}": tuple(v) for k, v in self.rules.general_terms.items()}
        for d in vocab.drugs:
            self.names[f"drug:{d.generic}"] = (d.generic, *d.brands)
        for b in vocab.biomarkers:
            self.names[f"biomarker:{b.id}"] = _longest_first({b.gene, b.name, *b.aliases})
        for c in vocab.cancers:
            self.names[f"cancer:{c.id}"] = _longest_first({c.name, *c.synonyms, *c.abbreviations})
        self._general = {k: re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, v)) + r")(?![\w-])", re.I)
                         for k, v in self.names.items() if k.startswith("general:")}
        self._cache: dict[str, list[Sentence]] = {}
        self._lock = threading.Lock()

    def terms_in(self, text: str) -> list[str]:
        """Term keys in order of first use."""
        found = [(e.start, f"{e.kind}:{e.id}") for e in extract(text) if e.kind in ("biomarker", "drug", "cancer")]
        found += [(m.start(), k) for k, p in self._general.items() if (m := p.search(text))]
        return list(dict.fromkeys(k for _, k in sorted(found)))

    def terms_of(self, body: list[Sentence]) -> list[str]:
        """Term keys of a body in order of first use, read sentence by sentence (the same guide sentences recur
        across answers, and their entities are cached)."""
        return list(dict.fromkeys(k for s in body for k in self.terms_in(s.text)))

    def defines(self, key: str, text: str) -> bool:
        return bool(self._pattern(key).search(text))

    def explain(self, body: list[Sentence], limit: int = 2, skip: set[str] | frozenset[str] = frozenset(),
                allowed: Callable[[str], bool] | None = None) -> list[Sentence]:
        """Defining sentences for the first ``limit`` terms of ``body`` that the body does not define itself;
        ``allowed`` (a guide id -> may it be quoted) keeps the definitions to the guides in the answer's scope."""
        text = " ".join(s.text for s in body)
        out: list[Sentence] = []
        for key in self.terms_of(body):
            if key in skip or key not in self.names or self.defines(key, text):
                continue
            sentence = self.definition(key, allowed)
            if sentence is not None and all(sentence.text != s.text for s in [*body, *out]):
                out.append(sentence)
            if len(out) >= limit:
                break
        return out

    def definition(self, key: str, allowed: Callable[[str], bool] | None = None) -> Sentence | None:
        """The first defining sentence of a guide ``allowed`` (any guide when None)."""
        with self._lock:
            found = self._cache.get(key)
        if found is None:
            found = self._find(key)
            with self._lock:
                self._cache[key] = found
        for sentence in found:
            if allowed is None or allowed(self._document(sentence)):
                return sentence
        return None

    def _document(self, sentence: Sentence) -> str:
        return self.index.passages[self.index.by_id[sentence.citations[0]]].document_id

    def _find(self, key: str) -> list[Sentence]:
        """Every defining sentence of the term in the best passages, best first."""
        pattern = self._pattern(key)
        query = self.rules.definition_query.format(name=self.names[key][0])
        hits = self.index.search(query, k=10, intent="definition", mode="lexical")
        out: list[Sentence] = []
        for hit in hits:
            for text in split_sentences(hit.passage.text):
                if len(text.split()) <= _MAX_WORDS and not text.endswith("?") and pattern.match(text):
                    out.append(Sentence(text=text, citations=[hit.passage.id]))
        return out

    def _pattern(self, key: str) -> re.Pattern[str]:
        found = self._patterns.get(key)
        if found is None:  # compiled once per term (re's own cache is too small for every term)
            found = self.rules.definition.pattern("|".join(re.escape(n) for n in self.names[key]))
            self._patterns[key] = found
        return found
