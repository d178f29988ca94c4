"""Questions that rest on a belief the myths guide corrects: cues and thresholds (``<lang>/myths.yaml``)."""

from __future__ import annotations

from pydantic import Field

from oncoguide.knowledge.schema import CueRule, ExampleCase, Strict

FILE = "myths.yaml"


class Model(Strict):
    guide: str = Field(description="Id of the guide whose sections correct beliefs.")
    not_corrections: list[str] = Field(default_factory=list, description="Heading starts of sections that are "
                                       "not corrections (questions to ask).")
    similarity: float = Field(ge=0, le=1, description="Cosine similarity to the best myths section, uncued.")
    lexical: float = Field(ge=0, description="BM25 score the best myths section needs, uncued.")
    margin: float = Field(ge=0, description="How much closer than the nearest section of any other guide.")
    cued_similarity: float = Field(ge=0, le=1, description="Cosine similarity needed when a cue states the belief.")
    cue: CueRule = Field(description="Words that state a belief about cancer as settled.")
    about_cancer: CueRule = Field(description="The question is about cancer.")


def examples(model: Model) -> list[ExampleCase]:
    return model.cue.cases("myths.cue") + model.about_cancer.cases("myths.about_cancer")
