"""Safety triage: the labelled set, plus phrasings it was not tuned on."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from oncoguide.answer.safety import triage

CASES = yaml.safe_load((Path(__file__).parents[1] / "bench" / "data" / "safety_cases.yaml").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_labelled_set(case: dict[str, str]) -> None:
    got = triage(case["text"])
    assert (got.kind if got else "none") == case["kind"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("my wife has a fever of 102 after her chemo yesterday", "emergency"),
        ("I suddenly have chest pain and sweating", "emergency"),
        ("honestly i just want to end it all", "crisis"),
        ("how many tablets of letrozole should I take", "dosing"),
        ("should I quit immunotherapy because of the rash?", "stop_treatment"),
        ("What causes chest pain in lung cancer patients?", None),
        ("Is fever a side effect of immunotherapy?", None),
    ],
)
def test_phrasings_outside_the_set(text: str, kind: str | None) -> None:
    got = triage(text)
    assert (got.kind if got else None) == kind


def test_messages_say_what_to_do() -> None:
    crisis, emergency = triage("I want to die"), triage("I am coughing up blood")
    assert crisis is not None and "988" in crisis.message
    assert emergency is not None and "911" in emergency.message
