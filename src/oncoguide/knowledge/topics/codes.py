"""Code tables shared by all languages (``knowledge/codes/``): ICD-O-3 topography with the words reports use for
each site."""

from __future__ import annotations

from pydantic import Field

from oncoguide.knowledge.schema import KNOWLEDGE_DIR, Strict, load_yaml

FILE = None
CODES_DIR = KNOWLEDGE_DIR / "codes"


class Topography(Strict):
    code: str = Field(pattern=r"^C\d\d\.\d$")
    name: str
    words: list[str] = Field(min_length=1)


class Model(Strict):
    topography: list[Topography]


def load_shared() -> Model:
    return load_yaml(CODES_DIR / "topography.yaml", Model)
