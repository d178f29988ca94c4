"""Clinical section headers (``en/sections.yaml``): which section a finding is written in, and what that means
for it (a relative's, no cancer site on exam lines, planned treatment in a plan)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import Field

from oncoguide.knowledge.schema import ExampleCase, Examples, Strict, cases

FILE = "sections.yaml"


class Section(Strict):
    kind: str = Field(pattern=r"^[a-z_]+$")
    headers: list[str] = Field(min_length=1)
    subheaders: list[str] = Field(default_factory=list, description="Organ lines that stay in the open section.")
    owner: Literal["patient", "family"] = "patient"
    site: bool = Field(default=True, description="False: no cancer site is read in this section.")
    treatment: Literal["received", "planned", "listed", "options", "none"] = "received"
    weight: float = Field(ge=0.0, le=1.0)
    assertion: Literal["possible"] | None = Field(
        default=None, description="possible: a finding in a sentence with '?' here is a question ('Metastasis?').")
    examples: Examples | None = None


class Model(Strict):
    sections: list[Section]


def examples(model: Model) -> Iterable[ExampleCase]:
    from oncoguide.records.sections import find_sections

    out: list[ExampleCase] = []
    for s in model.sections:
        def opens(text: str, kind: str = s.kind) -> bool:
            found = find_sections(text)
            return bool(found) and found[0].start == 0 and found[0].kind == kind
        out += cases(f"sections.{s.kind}", s.examples, opens)
    return out
