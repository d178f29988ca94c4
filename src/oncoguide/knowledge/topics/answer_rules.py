"""Cues that shape an answer: health questions, follow-ups, sentence roles (``<lang>/answer_rules.yaml``)."""

from __future__ import annotations

from pydantic import Field

from oncoguide.domain.types import SafetyKind
from oncoguide.knowledge.schema import CueRule, ExampleCase, Strict

FILE = "answer_rules.yaml"


class Model(Strict):
    health: CueRule = Field(description="A health question, even when the guides do not cover it.")
    first_person: CueRule = Field(description="The question is about the asker.")
    follow_up: CueRule = Field(description="A follow-up leaning on an earlier question.")
    questions_heading: CueRule = Field(description="A guide section of questions to ask.")
    important_context: CueRule = Field(description="A sentence saying what the right choice depends on.")
    weak_start: CueRule = Field(description="A sentence that leans on the one before it.")
    call_team: CueRule = Field(description="A sentence about when to call the care team.")
    helps: CueRule = Field(description="A sentence about what helps with a side effect.")
    not_evidence: list[str] = Field(description="Question words that do not count as evidence.")
    safety_search_hints: dict[SafetyKind, str] = Field(default_factory=dict,
                                                       description="Search words added to an urgent question.")


def examples(model: Model) -> list[ExampleCase]:
    found: list[ExampleCase] = []
    for name in ("health", "first_person", "follow_up", "questions_heading", "important_context", "weak_start",
                 "call_team", "helps"):
        found += getattr(model, name).cases(f"answer_rules.{name}")
    return found
