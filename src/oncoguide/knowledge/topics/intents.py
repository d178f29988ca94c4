"""Question intents and section topics: cue rules in priority order (``<lang>/intents.yaml``)."""

from __future__ import annotations

from pydantic import Field, model_validator

from oncoguide.domain.types import Intent
from oncoguide.knowledge.schema import CueRule, ExampleCase, PatternRule, Strict, cases

FILE = "intents.yaml"


class WeightedCue(CueRule):
    """Cues of text about a topic; a match scores ``weight``."""

    weight: float = Field(gt=0)


class IntentRule(Strict):
    intent: Intent
    question: CueRule = Field(description="How a question asks for this intent.")
    passage: list[WeightedCue] = Field(description="How a guide section about this topic reads.")


class Model(Strict):
    heading_weight: float = Field(gt=0, description="Multiplier of a match in the section heading.")
    lead_weights: list[float] = Field(min_length=1, description="Multipliers of matches in the first sentences.")
    skip_lead: list[str] = Field(default_factory=list, description="Lead lines ignored (lower case).")
    intents: list[IntentRule] = Field(description="In priority order: the first question cue that matches wins.")
    asking: PatternRule | None = Field(
        default=None, description="How a clause that asks starts, when a message tells and then asks without a "
        "question mark (\"my dad has HCC, what is it exactly\"): that clause decides the intent.")

    @model_validator(mode="after")
    def _each_intent_once(self) -> Model:
        seen = [r.intent for r in self.intents]
        twice = sorted({i for i in seen if seen.count(i) > 1})
        if twice or "other" in seen:
            raise ValueError(f"each intent once, and never 'other' (the fallback): {twice or ['other']}")
        return self


def examples(model: Model) -> list[ExampleCase]:
    found: list[ExampleCase] = []
    for rule in model.intents:
        found += rule.question.cases(f"intents.{rule.intent}.question")
        for i, cue in enumerate(rule.passage):
            found += cue.cases(f"intents.{rule.intent}.passage.{i}")
    if model.asking is not None:
        asking = model.asking.regex
        found += cases("intents.asking", model.asking.examples, lambda t: asking.match(t) is not None)
    return found
