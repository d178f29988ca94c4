"""Assertion cues (``en/context.yaml``), ConText style: negated, possible, hypothetical, planned, historical,
family and declined, each with a direction and a scope in words; and test outcomes, a test's result stated in a
later sentence than the markers it was asked for ("... for EGFR mutation analysis. ... insufficient for mutation
analysis")."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Literal

from pydantic import Field, field_validator

from oncoguide.knowledge.schema import ExampleCase, Examples, PatternRule, Strict, cases

FILE = "context.yaml"
Category = Literal["negated", "possible", "hypothetical", "planned", "historical", "family", "declined"]
Direction = Literal["forward", "backward", "bidirectional", "terminate", "pseudo"]


class Cue(Strict):
    literal: str
    pattern: str | None = Field(default=None, description="A regex used instead of the literal.")
    category: Category
    direction: Direction
    max_scope: int | None = Field(default=None, ge=1, description="Words between cue and finding; None: sentence.")
    examples: Examples | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str | None) -> str | None:
        if v is not None:
            re.compile(v)
        return v


class Outcome(PatternRule):
    """A sentence that states a test's outcome without naming its marker; it binds to the markers named as that
    test (``EGFR mutation analysis``, ``testing for ALK``) without a result of their own in the sentences just
    before it, in the same section."""

    name: str
    result: Literal["not_tested", "pending"]


class State(PatternRule):
    """A marker result whose words mean more than positive or negative ("IGHV unmutated", "MGMT methylated",
    "1p/19q intact", "MSI-H", "TMB-low", "HER2-low"): the reading keeps the stated state, ``name``, at the head of
    its detail, and its result is ``result`` (the positive/negative convention of the labels: MSI-high, dMMR,
    TMB-high, mutated IGHV and methylated MGMT are positive; HER2-low is negative). Read within the marker's own
    quote (its name and result words); the first state found wins."""

    name: str = Field(description="The stated state kept in the detail (unmutated, MSI-H, HER2-low).")
    markers: list[str] = Field(min_length=1, description="Report names of the markers the state is read for.")
    result: Literal["positive", "negative", "equivocal"]


StatusName = Literal["stopped", "completed", "cycles", "planned", "ongoing", "ongoing_sure", "toxicity",
                     "progression"]


class StatusCue(PatternRule):
    """Words of a treatment's own clause that give its status (``records/treatment_status.py``): stopped,
    completed (past words), cycles (a count a plan also writes), planned, ongoing, ongoing_sure (ongoing words a
    plan does not write), and a stop's reason (toxicity, progression). Each name is listed once."""

    name: StatusName


class Model(Strict):
    cues: list[Cue]
    treatment_status: list[StatusCue] = Field(default_factory=list)
    states: list[State] = Field(default_factory=list)
    outcome_reach: int = Field(default=3, ge=1, le=10, description="Sentences back an outcome may bind to.")
    outcomes: list[Outcome] = Field(default_factory=list)

    @field_validator("treatment_status")
    @classmethod
    def _once(cls, v: list[StatusCue]) -> list[StatusCue]:
        names = [c.name for c in v]
        if len(set(names)) != len(names):
            raise ValueError("a treatment_status name is listed twice")
        return v


def _target(text: str) -> tuple[str, int, int]:
    start = text.index("[")
    end = text.index("]") - 1
    return text.replace("[", "").replace("]", ""), start, end


def examples(model: Model) -> Iterable[ExampleCase]:
    from oncoguide.records.assertion import assertion_of

    out: list[ExampleCase] = []
    for cue in model.cues:
        def check(text: str, category: str = cue.category, direction: str = cue.direction) -> bool:
            plain, start, end = _target(text)
            got = assertion_of(plain, start, end)
            return got == category if direction not in ("pseudo", "terminate") else got != "present"
        out += cases(f"context.{cue.literal}", cue.examples, check)
    from oncoguide.records.biomarkers import outcome_results

    for outcome in model.outcomes:  # the marker in [brackets] gets the outcome's result
        def bound(text: str, result: str = outcome.result) -> bool:
            plain, start, _ = _target(text)
            return any(s == start and r == result for s, _, r in outcome_results(plain))
        out += cases(f"context.outcomes.{outcome.name}", outcome.examples, bound)
    from oncoguide.records.biomarkers import read_markers

    for state in model.states:  # the sentence's marker keeps the state in its detail, with the state's result
        def kept(text: str, st: State = state) -> bool:
            return any(r.name in st.markers and r.result == st.result and (r.detail or "").startswith(st.name)
                       for r in read_markers(text))
        out += cases(f"context.states.{state.name}", state.examples, kept)
    from oncoguide.records import treatment_status as ts

    checks: dict[str, Callable[[str], bool]] = {
        "stopped": lambda t: ts.status(t) == "stopped",
        "completed": lambda t: ts.status(t) == "completed" and not ts.tentative(t, "completed"),
        "cycles": lambda t: ts.status(t) == "completed" and ts.tentative(t, "completed"),
        "planned": lambda t: ts.status(t) == "planned",
        "ongoing": lambda t: ts.status(t) == "ongoing",
        "ongoing_sure": lambda t: ts.status(t) == "ongoing" and not ts.tentative(t, "ongoing"),
        "toxicity": lambda t: ts.reason(t) == "toxicity",
        "progression": lambda t: ts.reason(t) == "progression",
    }
    for sc in model.treatment_status:
        out += cases(f"context.treatment_status.{sc.name}", sc.examples, checks[sc.name])
    return out
