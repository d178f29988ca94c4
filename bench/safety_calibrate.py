"""Calibrate the semantic layer's thresholds on the bank's dev split (leave-family-out), rules included.

For each kind, the (similarity, margin) pair with the highest recall of that kind on dev messages (rules or
semantic layer), while false flags on the dev split's ordinary messages stay under a cap; ties go to fewer false
flags. Prints the ``semantic:`` block for knowledge/en/safety.yaml.

    python -m bench.safety_calibrate
"""

from __future__ import annotations

import numpy as np

from bench.safety_bank import split
from oncoguide.answer.stages.triage_bank import Bank, open_bank
from oncoguide.answer.stages.triage_rules import compiled
from oncoguide.answer.stages.triage_semantic import kind_scores, lead
from oncoguide.knowledge.topics.safety import URGENT

KINDS = ("crisis", "emergency", "urgent_call", "myth", "stop_treatment", "interactions", "dosing")
# Highest share of the dev split's ordinary messages a kind may flag (they are hard: symptom words, worries).
CAP = {"crisis": 0.06, "emergency": 0.04, "urgent_call": 0.06, "myth": 0.03, "stop_treatment": 0.03,
       "interactions": 0.03, "dosing": 0.03}
MILDER_CAP = 0.08  # an urgent kind may take at most this share of dosing/stopping/interaction/myth messages
SIMILARITIES = np.round(np.arange(0.80, 0.975, 0.005), 3)
MARGINS = np.round(np.arange(-0.03, 0.051, 0.005), 3)


def _urgent_group(kind: str) -> set[str]:
    return set(URGENT) if kind in URGENT else {kind}


def calibrate(dev: Bank) -> dict[str, tuple[float, float, float, float, float]]:
    """kind -> (similarity, margin, dev recall of the semantic layer alone, dev recall with the rules, share of
    ordinary dev messages flagged). The layer is tuned on its own recall, not on what the rules leave over: the
    rules were written with the dev split in view, so leftovers would tune it to nothing."""
    rules = compiled("en")
    kinds = dev.kinds
    general = np.array([rules.is_general(e.text) for e in dev.entries])
    fired = [{r.kind for r in rules.fired(e.text)} for e in dev.entries]
    scores = kind_scores(dev, dev.vectors, list(dev.families))
    out = {}
    for kind in KINDS:
        group = _urgent_group(kind)
        own = kinds == kind
        neg = kinds == "none"
        milder = ~np.isin(kinds, [*URGENT, "none"]) if kind in URGENT else np.zeros(len(kinds), bool)
        by_rules = np.array([bool(f & group) for f in fired])
        ahead = lead(scores, kind)
        best: tuple[tuple[float, float], tuple[float, float, float, float, float]] | None = None
        for s in SIMILARITIES:
            for m in MARGINS if kind in URGENT else MARGINS[MARGINS >= 0]:  # milder kinds: only when nearest
                sem = (scores[kind] >= s) & (ahead >= m)
                if kind in URGENT and kind != "crisis":
                    sem &= ~general
                flags = float(sem[neg].mean()) if neg.any() else 0.0
                if flags > CAP[kind] or (milder.any() and float(sem[milder].mean()) > MILDER_CAP):
                    continue
                alone = float(sem[own].mean()) if own.any() else 1.0
                key = (alone, -flags)
                if best is None or key > best[0]:
                    both = float((sem | by_rules)[own].mean()) if own.any() else 1.0
                    best = (key, (float(s), float(m), alone, both, flags))
        if best is not None:
            out[kind] = best[1]
    return out


def main() -> None:
    dev, _ = split(open_bank("en"))
    found = calibrate(dev)
    print("semantic:")
    for kind, (s, m, alone, both, f) in found.items():
        print(f"  {kind}: {{similarity: {s}, margin: {m}}}  # dev recall {alone:.3f} alone, {both:.3f} with rules;"
              f" ordinary flagged {f:.3f}")


if __name__ == "__main__":
    main()
