"""Words of one language that the text machinery needs: segmenter abbreviations, stop words and stemmer for
search, the reading-grade formula, and how questions write stage numbers (``<lang>/text.yaml``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from oncoguide.knowledge.schema import ExampleCase, Examples, PatternRule, Strict, cases

FILE = "text.yaml"


class Readability(Strict):
    formula: Literal["flesch_kincaid"] | None = Field(description="None: no reading grade for this language yet.")
    hyphenation: str = Field(description="pyphen dictionary used to count syllables, e.g. en_US.")


class Model(Strict):
    stemmer: str = Field(description="Snowball stemmer language (PyStemmer), e.g. english, spanish.")
    stop_words: list[str] = Field(description="Words search ignores.")
    abbreviations: list[str] = Field(description="Words followed by a period that do not end a sentence "
                                     "(lower case, without the final period).")
    list_lead_ins: list[str] = Field(default_factory=list,
                                     description="Headings after which ' - ' starts a list item mid-line.")
    segmentation: Examples = Field(description="match: texts that are one sentence; no_match: texts that are several "
                                   "(run by tests/test_segment.py: the segmenter lives in text/, above knowledge).")
    stage_number: PatternRule | None = Field(
        default=None, description="A stage written with a digit; group 1 the digit, group 2 the letter (stage 3a).")
    roman_numerals: dict[str, str] = Field(default_factory=dict, description="Stage digit -> how guides write it.")
    stage_format: str = Field(default="stage {number}{letter}", description="How guides write a stage.")
    readability: Readability
    spellings: dict[str, str] = Field(
        default_factory=dict, description="Word beginnings spelled another way (British: oesophag) -> as the guides "
        "and vocabulary spell them (esophag); applied to questions for searching and naming.")
    code_words: list[str] = Field(
        default_factory=list, description="Short codes of cancers, biomarkers and drugs that are also everyday words "
        "in lower case (met, ret, er): matched only as written in capitals; other codes match in any case (egfr).")

    question_codes: dict[str, str] = Field(
        default_factory=dict, description="Codes in capitals that, in a question not written in capitals, name a "
        "cancer but are everyday words in records and headings (ALL): the question gets the name beside the code.")

    @field_validator("spellings")
    @classmethod
    def _lower_words(cls, value: dict[str, str]) -> dict[str, str]:
        for other, ours in value.items():
            if not other.isalpha() or other != other.lower() or ours != ours.lower() or other == ours:
                raise ValueError(f"{other!r} -> {ours!r}: two different lower-case word beginnings")
        return value


def examples(model: Model) -> list[ExampleCase]:
    if model.stage_number is None:
        return []
    stage = model.stage_number.regex
    return cases("text.stage_number", model.stage_number.examples, lambda t: stage.search(t) is not None)

