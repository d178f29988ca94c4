"""Cues that shape an answer: health questions, follow-ups, sentence roles (``<lang>/answer_rules.yaml``)."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from oncoguide.knowledge.schema import CueRule, ExampleCase, Examples, Strict, cases

FILE = "answer_rules.yaml"


class StageFraming(Strict):
    """Sentences written for one extent of a cancer: ``advanced`` (spread far, grew after treatment, came back) is
    never quoted as the situation of a person whose cancer cannot be stage IV, ``early`` (has not spread, early
    cancer, stage 0-II) never as that of a person whose cancer cannot be stage 0-II, ``adjuvant`` never for a stage
    IV cancer; unless the question asks about that extent (``asks_advanced`` / ``asks_early``)."""

    advanced: CueRule
    early: CueRule
    adjuvant: CueRule
    asks_advanced: CueRule
    asks_early: CueRule


class DefinitionRule(Strict):
    """A sentence defining a term: ``template`` with ``{names}`` for the term's names (regex alternatives)."""

    template: str
    examples: Examples | None = None

    @field_validator("template")
    @classmethod
    def _valid(cls, template: str) -> str:
        if "{names}" not in template:
            raise ValueError("the template needs {names}")
        re.compile(template.format(names="x"))
        return template

    def pattern(self, names: str) -> re.Pattern[str]:
        return re.compile(self.template.format(names=names), re.I)


class AnswerType(Strict):
    """A kind of answer: the question cues that ask for it, the sentence cues that carry it."""

    asks: CueRule
    carries: CueRule


class Model(Strict):
    health: CueRule = Field(description="A health question, even when the guides do not cover it.")
    animal: CueRule | None = Field(default=None, description="A question about an animal's health: the guides are "
                                   "about people, so it is out of scope however many of its words they use.")
    first_person: CueRule = Field(description="The question is about the asker.")
    follow_up: CueRule = Field(description="A follow-up leaning on an earlier question.")
    questions_heading: CueRule = Field(description="A guide section of questions to ask.")
    important_context: CueRule = Field(description="A sentence saying what the right choice depends on.")
    weak_start: CueRule = Field(description="A sentence that leans on the one before it.")
    call_team: CueRule = Field(description="A sentence about when to call the care team.")
    helps: CueRule = Field(description="A sentence about what helps with a side effect.")
    not_evidence: list[str] = Field(description="Question words that do not count as evidence.")
    general_terms: dict[str, list[str]] = Field(default_factory=dict,
                                                description="Words to know that are not in the vocabulary.")
    definition: DefinitionRule
    definition_query: str = Field(description="Search for a term's definition; {name}: the term.")
    answer_types: dict[str, AnswerType] = Field(default_factory=dict,
                                                description="What a question asks for and the sentences that carry it.")
    trivia: AnswerType | None = Field(default=None, description="Background left out unless asked.")
    uncommon: AnswerType | None = Field(default=None, description="Rare subsets of a disease, left behind unless "
                                        "asked (uncommon EGFR mutations for an EGFR question).")
    extents: dict[str, CueRule] = Field(default_factory=dict, description="How far a cancer has gone (early, "
                                        "advanced): a sentence only about another extent than the one asked falls "
                                        "behind.")
    in_situ: CueRule | None = Field(default=None, description="A sentence about a cancer that has not invaded.")
    histology_subtypes: CueRule | None = Field(default=None, description="Words naming one histology.")
    stage_framing: StageFraming | None = Field(default=None, description="Sentences for one extent of a cancer.")
    facets: dict[str, dict[str, CueRule]] = Field(
        default_factory=dict, description="Facet -> value -> its cues: a question naming one value of a facet does "
        "not mean a catalog question naming another (chemo vs radiation, liver vs kidneys, Medicare vs Medicaid).")
    drug_kinds: dict[str, str] = Field(default_factory=dict,
                                       description="Vocabulary drug kind -> the question words that ask for it.")

    @field_validator("drug_kinds")
    @classmethod
    def _kinds_compile(cls, kinds: dict[str, str]) -> dict[str, str]:
        for cue in kinds.values():
            re.compile(cue)
        return kinds


def examples(model: Model) -> list[ExampleCase]:
    found: list[ExampleCase] = []
    for name in ("health", "first_person", "follow_up", "questions_heading", "important_context", "weak_start",
                 "call_team", "helps"):
        found += getattr(model, name).cases(f"answer_rules.{name}")
    found += [c for name in ("in_situ", "histology_subtypes", "animal") if (rule := getattr(model, name))
              for c in rule.cases(f"answer_rules.{name}")]
    if model.stage_framing is not None:
        found += [c for name in ("advanced", "early", "adjuvant", "asks_advanced", "asks_early")
                  for c in getattr(model.stage_framing, name).cases(f"answer_rules.stage_framing.{name}")]
    found += [c for name, rule in model.extents.items() for c in rule.cases(f"answer_rules.extents.{name}")]
    extra = [(name, kind) for name in ("trivia", "uncommon") if (kind := getattr(model, name)) is not None]
    for name, kind in [*model.answer_types.items(), *extra]:
        found += kind.asks.cases(f"answer_rules.answer_types.{name}.asks")
        found += kind.carries.cases(f"answer_rules.answer_types.{name}.carries")
    for facet, values in model.facets.items():
        for value, rule in values.items():
            found += rule.cases(f"answer_rules.facets.{facet}.{value}")
    sample = model.definition.pattern("ALK|osimertinib")
    found += cases("answer_rules.definition", model.definition.examples, lambda t: sample.search(t) is not None)
    return found
