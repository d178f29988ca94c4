"""Who writes an answer's body: the ``Writer`` protocol, its result ``Written``, and the extractive default.

The optional LLM writer (``oncoguide.llm.writer.Writer``) implements the protocol; ``answer/`` never imports
``llm/``: ``writer_for`` loads it by the dotted path ``LLM_WRITER`` when ``ONCOGUIDE_LLM__URL`` is set, and
``AnswerEngine(writer=...)`` takes any other implementation.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from oncoguide.config import Settings
from oncoguide.domain.answer import Answer, AnswerSection, Sentence, WriterInfo
from oncoguide.search.index import Hit

LLM_WRITER = "oncoguide.llm.writer:Writer"


@dataclass
class Written:
    """The body to use, and what the writer did (``None`` when no LLM is configured)."""

    summary: list[Sentence]
    sections: list[AnswerSection]
    info: WriterInfo | None = None

    def annotate(self, answer: Answer) -> None:
        """Record the writer on the answer; the LLM sentences it dropped count as removed by verification."""
        if self.info is None:
            return
        answer.writer = self.info
        if self.info.mode == "llm":
            answer.verification.sentences += self.info.dropped
            answer.verification.removed += self.info.dropped


class Writer(Protocol):
    """Rewrites an extractive body from the evidence passages; every sentence it returns cites a passage."""

    @property
    def key(self) -> str:
        """Part of the answer cache key: answers differ with the writer."""
        ...

    def rewrite(self, question: str, hits: Sequence[Hit], records: str, summary: list[Sentence],
                sections: list[AnswerSection]) -> Written:
        """The body to use: rewritten and verified, or the given extractive one (with the reason)."""
        ...


class Extractive:
    """The default writer: the extractive body, unchanged."""

    key = "extractive"

    def rewrite(self, question: str, hits: Sequence[Hit], records: str, summary: list[Sentence],
                sections: list[AnswerSection]) -> Written:
        return Written(summary, sections)


def writer_for(settings: Settings) -> Writer:
    """The LLM writer when one is configured, else the extractive one."""
    if not settings.llm.url:
        return Extractive()
    module, name = LLM_WRITER.split(":")
    writer: Writer = getattr(importlib.import_module(module), name)(settings)
    return writer
