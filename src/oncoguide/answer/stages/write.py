"""Write the body: the configured ``Writer`` (extractive, or the optional LLM whose sentences are verified)."""

from __future__ import annotations

from oncoguide.answer import personal
from oncoguide.answer.state import Ask, Resources
from oncoguide.answer.writer import Written
from oncoguide.domain.answer import AnswerSection, Sentence
from oncoguide.search.index import Hit


def write(res: Resources, ask: Ask, strong: list[Hit], summary: list[Sentence],
          sections: list[AnswerSection]) -> Written:
    """The body to use, from the strong passages and (with a profile) a statement of the person's records."""
    records = personal.statement(ask.profile) if ask.profile else ""
    return res.writer.rewrite(ask.question, strong, records, summary, sections)
