"""Safety triage on a labelled set (bench/data/safety_cases.yaml): precision and recall per kind."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from bench.common import report
from oncoguide.answer.safety import triage

CASES = Path(__file__).parent / "data" / "safety_cases.yaml"
KINDS = ("emergency", "crisis", "dosing", "stop_treatment")


def score() -> tuple[dict[str, dict[str, float]], list[tuple[str, str, str]]]:
    cases = yaml.safe_load(CASES.read_text())
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    errors = []
    for case in cases:
        got = triage(case["text"])
        predicted = got.kind if got else "none"
        if predicted == case["kind"]:
            tp[predicted] += 1
        else:
            fp[predicted] += 1
            fn[case["kind"]] += 1
            errors.append((case["text"], case["kind"], predicted))
    out = {}
    for k in (*KINDS, "none"):
        p = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else 1.0
        r = tp[k] / (tp[k] + fn[k]) if tp[k] + fn[k] else 1.0
        out[k] = {"precision": p, "recall": r, "cases": tp[k] + fn[k]}
    return out, errors


def main() -> None:
    scores, errors = score()
    rows = [[k, v["cases"], v["precision"], v["recall"]] for k, v in scores.items()]
    report("safety", "Safety triage on the labelled set", ["kind", "cases", "precision", "recall"], rows,
           {"errors": [{"text": t, "expected": e, "got": g} for t, e, g in errors]})
    for t, e, g in errors:
        print(f"  expected {e:15} got {g:15} {t}")


if __name__ == "__main__":
    main()
