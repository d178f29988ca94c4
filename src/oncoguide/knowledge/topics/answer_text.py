"""What OncoGuide itself says in an answer: notice, decline, headings, fixed questions (``<lang>/answer_text.yaml``)."""

from __future__ import annotations

from pydantic import Field, field_validator

from oncoguide.domain.types import INTENTS, Intent
from oncoguide.knowledge.schema import Strict

FILE = "answer_text.yaml"


class PlannedSection(Strict):
    heading: str = Field(description='"{s}" is replaced by what the question is about.')
    topics: frozenset[Intent] = Field(description="Passage topics whose sentences go under this heading.")


class DiagnosisText(Strict):
    question: str
    title: str
    marker_heading: str = Field(description="{name}: the biomarker.")
    marker_question: str = Field(description="{marker}: the result phrase; {cancer}: the cancer.")
    stage_heading: str = Field(description="{stage}: the stage.")
    stage_question: str = Field(description="{stage}, {cancer}.")
    timeline_heading: str
    no_statement: str = Field(description="When the records show no cancer type or stage.")


class PersonalText(Strict):
    """What an answer says about the person's records (``answer/personal.py``)."""

    result_words: dict[str, str]
    marker_named: str
    marker_other: str
    marker_detail: str
    stage: str
    site_cancer: str
    month: str = Field(description="strftime format of a treatment date.")
    ongoing_since: str
    ongoing: str
    span: str
    period: str
    stopped_because: str
    stop_reasons: dict[str, str]
    statement: str
    treated_with: str
    earlier: str
    and_: str = Field(alias="and")
    resistance_situation: str
    side_effects_situation: str
    invasive: str = Field(default="invasive", description="Search word for a cancer that has invaded.")
    pending_question: str
    conflict_question: str
    stage_question: str
    timeline_line: str
    timeline_why: str
    date_unknown: str
    now: str
    timeline_reasons: dict[str, str]


class Model(Strict):
    notice: str
    insufficient: str = Field(description="The decline when the guides do not cover a question.")
    generic_questions: list[str] = Field(min_length=1)
    terms_heading: str
    call_heading: str
    helps_heading: str
    more_heading: str
    section_fallback: str
    subject_fallback: str
    uncovered_part: str = Field(default="The guides do not answer this part of your question: \"{part}\".",
                                description="Said for a part of a question the guides do not answer; {part}.")
    plans: dict[str, list[PlannedSection]] = Field(description="By question intent.")
    diagnosis: DiagnosisText
    personal: PersonalText

    @field_validator("plans")
    @classmethod
    def _distinct_headings(cls, plans: dict[str, list[PlannedSection]]) -> dict[str, list[PlannedSection]]:
        for intent, plan in plans.items():
            if intent not in INTENTS:
                raise ValueError(f"{intent!r} is not an intent ({', '.join(INTENTS)})")
            headings = [p.heading for p in plan]
            if len(set(headings)) != len(headings):
                raise ValueError(f"plan {intent}: headings must be distinct")
        return plans
