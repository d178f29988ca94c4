"""Treatment procedures and generic treatment nouns (``vocab/procedures.yaml``, read in English text): cancer
operations, lymph-node dissections, radiation words, and "chemotherapy" / "surgery" with the status cues that make
them a treatment. Every pattern must compile; every example must hold (``tests/test_knowledge.py``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Literal

from pydantic import Field, field_validator

from oncoguide.knowledge.schema import KNOWLEDGE_DIR, ExampleCase, Examples, Strict, cases, load_yaml

FILE = None
PATH = KNOWLEDGE_DIR / "vocab" / "procedures.yaml"


def _compiles(patterns: list[str]) -> list[str]:
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(f"pattern {p!r} does not compile: {exc}") from exc
    return patterns


class Surgery(Strict):
    name: str | None = Field(default=None, description="Name shown; default: the words as written.")
    patterns: list[str] = Field(min_length=1)
    cancer_operation: bool = False
    needs_target: bool = False
    organ: list[str] = Field(default_factory=list, description="Words of the organ it removes (lower case).")
    examples: Examples | None = None

    _check = field_validator("patterns")(classmethod(lambda cls, v: _compiles(v)))


class Radiation(Strict):
    patterns: list[str] = Field(min_length=1)
    examples: Examples | None = None

    _check = field_validator("patterns")(classmethod(lambda cls, v: _compiles(v)))


class Generic(Strict):
    name: str
    class_: Literal["chemotherapy", "hormonal", "immunotherapy", "surgery"] = Field(alias="class")
    patterns: list[str] = Field(min_length=1)
    examples: Examples | None = None

    _check = field_validator("patterns")(classmethod(lambda cls, v: _compiles(v)))


class Cues(Strict):
    received: str
    planned: str
    after: str

    _check = field_validator("received", "planned", "after")(classmethod(lambda cls, v: _compiles([v])[0]))


class Implied(Strict):
    """An operation implied by its specimen's stated pathology, right after an operation in ``after``."""

    name: str
    after: list[str] = Field(min_length=1)
    pathology: str
    unless: str
    examples: Examples | None = None

    _check = field_validator("after")(classmethod(lambda cls, v: _compiles(v)))
    _check_one = field_validator("pathology", "unless")(classmethod(lambda cls, v: _compiles([v])[0]))


class Model(Strict):
    surgery: list[Surgery]
    implied: list[Implied] = Field(default_factory=list)
    targets: list[str] = Field(min_length=1)
    radiation: Radiation
    generic: list[Generic]
    cues: Cues


def pattern(patterns: list[str]) -> re.Pattern[str]:
    """One regex for a list of patterns, each matched at word boundaries (longest alternative first)."""
    alternation = "|".join(f"(?:{p})" for p in sorted(patterns, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.I)


def load_shared() -> Model:
    return load_yaml(PATH, Model)


def examples(model: Model) -> Iterable[ExampleCase]:
    """Surgery examples run through the engine (targets, biopsy words); radiation and generic nouns by pattern."""
    from oncoguide.records.treatments import implied_in, surgeries_in

    out: list[ExampleCase] = []
    for s in model.surgery:
        out += cases(f"procedures.surgery.{s.name or s.patterns[0]}", s.examples,
                     lambda t: bool(surgeries_in(t)))
    for i in model.implied:
        def implies(text: str, name: str = i.name) -> bool:
            return any(n == name for n, _, _ in implied_in(text, text))
        out += cases(f"procedures.implied.{i.name}", i.examples, implies)
    out += cases("procedures.radiation", model.radiation.examples, _finds(model.radiation.patterns))
    for g in model.generic:
        out += cases(f"procedures.generic.{g.name}", g.examples, _finds(g.patterns))
    return out


def _finds(patterns: list[str]) -> Callable[[str], bool]:
    rx = pattern(patterns)
    return lambda text: rx.search(text) is not None
