"""Answers shared by every worker and replica through the database: one row per (question, earlier questions,
corpus version, writer), so an answer composed by one worker (or written by the LLM) is not composed again by
the others.

Only answers to questions asked without a profile are kept: a personalised answer depends on someone's health
records and is never stored in plain text (each worker's in-process cache still holds it). The question itself
may hold PHI, so a row keeps only a hash of the full normalised question (the key) and the answer without the
question and title, which are filled in from the asker's own words when it is read. Rows of older corpus
versions are deleted when a worker switches to a new version. The database being unavailable only costs the
cache: the answer is composed as usual.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import OperationalError

from oncoguide.domain.answer import Answer
from oncoguide.store import Store
from oncoguide.store.schema import AnswerCacheRow
from oncoguide.text.segment import normalize_space

log = logging.getLogger("oncoguide.store")


def cache_key(question: str, context: Sequence[str], corpus_version: str, writer: str) -> str:
    said = [normalize_space(question).lower().rstrip("?!. "), *(normalize_space(c).lower() for c in context)]
    return hashlib.sha256("\0".join([corpus_version, writer, *said]).encode()).hexdigest()


def title_of(question: str) -> str:
    """An answer's title for ``question`` (as the engine writes it: no end punctuation, first letter upper)."""
    q = normalize_space(question).rstrip("?.! ")
    return q[:1].upper() + q[1:]


class SharedAnswers:
    """get / put answers in the ``answer_cache`` table (a miss costs one primary-key lookup)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str, question: str = "") -> Answer | None:
        try:
            with self.store.session() as s:
                body = s.scalar(select(AnswerCacheRow.answer).where(AnswerCacheRow.key == key))
        except OperationalError as exc:
            log.warning("answer cache unavailable", extra={"error": exc.__class__.__name__})
            return None
        if body is None:
            return None
        asked = normalize_space(question)
        return Answer.model_validate_json(body).model_copy(update={"question": asked, "title": title_of(asked)})

    def put(self, key: str, corpus_version: str, answer: Answer) -> None:
        kept = answer.model_copy(update={"question": "", "title": ""})  # never the asker's words
        row: dict[str, object] = {"key": key, "corpus_version": corpus_version, "answer": kept.model_dump_json(),
                                  "created_at": datetime.now(UTC).replace(tzinfo=None)}
        try:
            self.store.insert_new(AnswerCacheRow, [row])
        except OperationalError as exc:
            log.warning("answer cache unavailable", extra={"error": exc.__class__.__name__})

    def forget_other_versions(self, corpus_version: str) -> int:
        """Delete the answers of every other corpus version; returns how many."""
        with self.store.session() as s, s.begin():
            result = s.execute(delete(AnswerCacheRow).where(AnswerCacheRow.corpus_version != corpus_version))
        return int(getattr(result, "rowcount", 0) or 0)

    def count(self) -> int:
        with self.store.session() as s:
            return int(s.scalar(select(func.count()).select_from(AnswerCacheRow)) or 0)
