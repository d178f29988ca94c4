"""Group biomarker results (``vocab/biomarker-groups.yaml``, language-independent): one phrase that states the
result of several markers ("triple-negative" = ER, PR and HER2 negative). Every marker must be a biomarker of the
vocabulary with a ``report_name``; every pattern's examples run in tests/test_knowledge.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Literal

from pydantic import Field

from oncoguide.knowledge.schema import KNOWLEDGE_DIR, ExampleCase, Examples, KnowledgeError, Strict, cases, load_yaml

FILE = None
PATH = KNOWLEDGE_DIR / "vocab" / "biomarker-groups.yaml"


class Group(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    pattern: str = Field(description="Case-insensitive regex of the phrase.")
    markers: list[str] = Field(min_length=2, description="Biomarker vocabulary ids the phrase covers.")
    result: Literal["positive", "negative"]
    examples: Examples | None = None


class Model(Strict):
    groups: list[Group]


@lru_cache(maxsize=1)
def load_shared() -> Model:
    from oncoguide.knowledge.vocab_models import load_vocabulary

    model = load_yaml(PATH, Model)
    named = {b.id for b in load_vocabulary().biomarkers if b.report_patterns}
    for g in model.groups:
        try:
            re.compile(g.pattern)
        except re.error as exc:
            raise KnowledgeError(f"{PATH}: group {g.id}: bad pattern ({exc})") from exc
        unknown = [m for m in g.markers if m not in named]
        if unknown:
            raise KnowledgeError(f"{PATH}: group {g.id}: not biomarkers the records engine reads: {unknown}")
    return model


def _matcher(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern, re.I)
    return lambda text: compiled.search(text) is not None


def examples(model: Model) -> list[ExampleCase]:
    out: list[ExampleCase] = []
    for g in model.groups:
        out += cases(f"biomarker_groups.{g.id}", g.examples, _matcher(g.pattern))
    return out
