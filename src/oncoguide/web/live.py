"""The corpus a web worker serves, kept current: every worker of every replica serves the same corpus version,
and a re-ingest by any process (``oncoguide ingest`` on any machine) is picked up without a restart."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence

from oncoguide.answer.engine import AnswerEngine
from oncoguide.answer.model import Answer
from oncoguide.config import Settings
from oncoguide.records.model import Profile
from oncoguide.search.index import IndexNotReady, prepare
from oncoguide.search.lexical import tokenize
from oncoguide.store import Store
from oncoguide.store.answers import SharedAnswers, cache_key
from oncoguide.text.readability import fk_grade
from oncoguide.text.segment import split_sentences
from oncoguide.understand.entities import extract
from oncoguide.web.library import Library

log = logging.getLogger("oncoguide.web")


class LiveCorpus:
    """The answer engine and library for the store's newest corpus version. ``refresh`` swaps in a new engine
    when the version in the database changed and every passage of it has a vector (an ingest that is still
    embedding is waited for); ``start`` runs it every ``interval`` seconds in a background thread."""

    def __init__(self, settings: Settings, store: Store, interval: float = 5.0) -> None:
        self.settings, self.store, self.interval = settings, store, interval
        engine = AnswerEngine(settings, store)
        warm(engine)
        self._current = (engine, Library(engine.index, engine.documents))
        self.shared = SharedAnswers(store)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> AnswerEngine:
        return self._current[0]

    @property
    def library(self) -> Library:
        return self._current[1]

    @property
    def version(self) -> str:
        return self.engine.corpus_version

    def ask(self, question: str, context: Sequence[str] = (), profile: Profile | None = None) -> Answer:
        """The engine's answer; without a profile, looked up in (and added to) the answers shared by every
        worker first."""
        engine = self.engine
        if profile is not None:
            return engine.ask(question, context, profile=profile)
        key = cache_key(question, context, engine.corpus_version, engine.writer.key)
        answer = self.shared.get(key, question)
        if answer is None:
            answer = engine.ask(question, context)
            self.shared.put(key, engine.corpus_version, answer)
        return answer

    def refresh(self) -> bool:
        """Load the database's corpus if it is newer than the one served; True when it swapped."""
        with self._lock:
            if self.store.corpus_version() == self.version:
                return False
            try:
                version = prepare(self.store, self.settings, embed=False)
            except IndexNotReady as exc:
                log.info("corpus changed, waiting for its vectors", extra={"reason": str(exc)})
                return False
            engine = AnswerEngine(self.settings, self.store)
            warm(engine)
            self._current = (engine, Library(engine.index, engine.documents))  # running requests keep the old
            self.shared.forget_other_versions(engine.corpus_version)
            log.info("corpus reloaded", extra={"corpus_version": engine.corpus_version, "checked": version})
            return True

    def start(self) -> None:
        if self.interval > 0 and self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="oncoguide-corpus-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            started = time.perf_counter()
            try:
                self.refresh()
            except Exception as exc:  # a database hiccup must not end the watcher
                log.warning("corpus check failed", extra={"error": f"{exc.__class__.__name__}: {exc}",
                                                          "ms": round((time.perf_counter() - started) * 1000)})


def warm(engine: AnswerEngine) -> None:
    """Read the corpus once the way answers read it, so a worker's first answers do not pay for it: each passage
    split into sentences, each sentence's entities, tokens and syllables, each term's defining sentence, each
    catalog question's tokens and snippet (the per-process caches of those functions; about 3 s of CPU for the
    shipped corpus, before the worker takes connections). Answers are the same with or without it."""
    started = time.process_time()
    lang = engine.settings.language
    for passage in engine.index.passages:
        tokenize([passage.text], lang)
        for sentence in split_sentences(passage.text, lang):
            extract(sentence)
            tokenize([sentence], lang)
            fk_grade(sentence)
    for key in engine.glossary.names:
        engine.glossary.definition(key)
        engine.glossary.defines(key, "")
    for question in engine.related.catalog:
        tokenize([question.question], lang)
        engine.related.snippet(question)
    log.info("corpus read ahead", extra={"corpus_version": engine.corpus_version,
                                         "cpu_s": round(time.process_time() - started, 2)})
