"""The sentence verifier: quotes and faithful restatements pass; changed facts fail with a reason."""

from __future__ import annotations

import pytest

from oncoguide.answer.verify import check, numbers

PASSAGE = (
    "Alectinib and lorlatinib are ALK inhibitors. ALK inhibitors are not chemotherapy. About 3 to 5 in 100 "
    "people with NSCLC have an ALK fusion. A TPS of 50% or more is called high PD-L1."
)


@pytest.mark.parametrize(("sentence", "reason"), [
    ("Alectinib and lorlatinib are ALK inhibitors.", "quoted"),
    ("alectinib and lorlatinib are ALK  inhibitors.", "quoted"),
    ("Lorlatinib is an ALK inhibitor.", "entailed"),
    ("About 3 to 5 in 100 people with NSCLC have an ALK fusion.", "quoted"),
])
def test_supported(sentence: str, reason: str) -> None:
    result = check(sentence, PASSAGE)
    assert result.supported and result.reason == reason


@pytest.mark.parametrize(("sentence", "reason"), [
    ("Osimertinib is an ALK inhibitor.", "names not in the passage: drug:osimertinib"),
    ("About 30 in 100 people with NSCLC have an ALK fusion.", "numbers not in the passage: 30"),
    ("A TPS of 40% or more is called high PD-L1.", "numbers not in the passage: 40%"),
    ("ALK inhibitors are chemotherapy.", "negation differs from the passage"),
    ("Alectinib cures most people quickly and for good.", "only"),
    ("Alectinib cures lung cancer.", "names not in the passage: cancer:lung"),
    ("EGFR-positive cancer is treated with alectinib.", "names not in the passage: biomarker:egfr"),
    ("", "no content words"),
])
def test_unsupported(sentence: str, reason: str) -> None:
    result = check(sentence, PASSAGE)
    assert not result.supported
    assert result.reason.startswith(reason)


def test_numbers_are_normalised() -> None:
    assert numbers("50 percent, 60 %, 1,000 people and 2.5 cm") == {"50%", "60%", "1000", "2.5"}
