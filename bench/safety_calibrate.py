"""Calibrate the semantic layer's thresholds on the bank's dev split (leave-family-out), rules included.

For each kind, the (similarity, margin) pair with the highest recall of that kind on dev messages (rules or
semantic layer), while false flags on the dev split's ordinary messages stay under a cap; ties go to fewer false
flags. Prints the ``semantic:`` block for knowledge/en/safety.yaml.

    python -m bench.safety_calibrate              # nearest-neighbour thresholds (``semantic:``)
    python -m bench.safety_calibrate classifier   # the classifier's thresholds (``classifier:``): a sweep
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bench.safety_bank import split
from oncoguide.answer.stages.triage_bank import Bank, open_bank
from oncoguide.answer.stages.triage_rules import Rules, compiled
from oncoguide.answer.stages.triage_semantic import CLASSES, fit, kind_scores, lead
from oncoguide.knowledge.topics.safety import PRIORITY, URGENT, Classifier

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




# -- the classifier layer ------------------------------------------------------------------------------------------
_FOLDS = 6


def _fold(family: str) -> int:
    import hashlib

    return int(hashlib.sha256(family.encode()).hexdigest()[:8], 16) % _FOLDS


def _fold_proba(dev: Bank, l2: float) -> np.ndarray:
    """Class probabilities of every dev message from a classifier fitted without its fold (folds by family)."""
    folds = np.array([_fold(f) for f in dev.families])
    out = np.zeros((len(dev.entries), len(CLASSES)), np.float32)
    for k in range(_FOLDS):
        out[folds == k] = fit(dev.vectors[folds != k], dev.kinds[folds != k], l2).proba(dev.vectors[folds == k])
    return out


Point = tuple[float, float, float, dict[str, float]]


@dataclass(frozen=True)
class _SweepData:
    """What both classifier sweeps score: the English rules and shipped classifier block, the bank and its dev/test
    split, dev class probabilities left out by family fold, and the ordinary questions with their vectors and their
    probabilities from a classifier fitted on the whole bank."""

    rules: Rules
    shipped: Classifier
    bank: Bank
    dev: Bank
    test: Bank
    p_dev: np.ndarray
    ordinary: list[str]
    ord_vecs: np.ndarray
    p_ord: np.ndarray


def _sweep_data() -> _SweepData:
    from bench.safety import ordinary_sets, vectors
    from oncoguide.answer.stages.triage import classifier

    rules = compiled("en")
    shipped = rules.model.classifier
    assert shipped is not None
    bank = open_bank("en")
    dev, test = split(bank)
    ordinary = [t for texts in ordinary_sets().values() for t in texts]
    ord_vecs = vectors(ordinary)
    return _SweepData(rules, shipped, bank, dev, test, _fold_proba(dev, shipped.l2), ordinary, ord_vecs,
                      classifier(bank, shipped.l2).proba(ord_vecs))


def _ruled(rules: Rules, text: str) -> str | None:
    """The most urgent kind a rule names for ``text`` (None when no rule fires)."""
    return min((r.kind for r in rules.fired(text)), key=PRIORITY.index, default=None)


def classifier_sweep(grid: dict[str, tuple[float, ...]] | None = None) -> list[Point]:
    """(dev urgent recall, test urgent recall, false urgent share on ordinary questions, thresholds) for each point
    of ``grid`` (the rest of the shipped ``classifier`` block kept): dev leave-family-out (6 folds by family), test
    against a classifier fitted on dev, ordinary questions against the shipped bank. Rules count too, as in triage."""
    from itertools import product

    from oncoguide.answer.stages.triage import classifier
    from oncoguide.answer.stages.triage_semantic import classified

    data = _sweep_data()
    rules, shipped, dev, test = data.rules, data.shipped, data.dev, data.test
    sets = {"dev": ([e.text for e in dev.entries], dev.vectors, dev, data.p_dev, list(dev.families)),
            "test": ([e.text for e in test.entries], test.vectors, dev, classifier(dev, shipped.l2).proba(test.vectors),
                     None),
            "ordinary": (data.ordinary, data.ord_vecs, data.bank, data.p_ord, None)}
    facts = {}
    for name, (texts, vecs, pool, probs, families) in sets.items():
        near = kind_scores(pool, vecs, families)
        facts[name] = [(_ruled(rules, t), rules.in_context(t),
                        rules.denies(t), rules.is_general(t), rules.symptom(t),
                        rules.model.figurative is not None and rules.model.figurative.search(t),
                        {k: float(v[i]) for k, v in near.items()}, probs[i]) for i, t in enumerate(texts)]
    truth = {"dev": np.isin(dev.kinds, list(URGENT)), "test": np.isin(test.kinds, list(URGENT))}
    grid = grid or {"urgent": (0.3, 0.4), "urgent_strict": (0.75, 0.8, 0.85), "crisis": (0.3, 0.4),
                    "crisis_strict": (0.4, 0.5), "near": (0.83, 0.84), "near_strict": (0.86, 0.87)}
    out = []
    for values in product(*grid.values()):
        t = shipped.model_copy(update=dict(zip(grid, values, strict=True)))
        flagged = {}
        for name, rows in facts.items():
            hits = []
            for ruled, context, denies, general, symptom, figurative, near, p in rows:
                milder = ruled is not None and ruled not in URGENT and not symptom
                kinds = classified(p, near, t, strict=(not context) or denies or general or milder, general=general,
                                   ruled=ruled, figurative=figurative)
                hits.append(ruled in URGENT or any(k in URGENT for k in kinds))
            flagged[name] = np.array(hits)
        out.append((float(flagged["dev"][truth["dev"]].mean()), float(flagged["test"][truth["test"]].mean()),
                    float(flagged["ordinary"].mean()), dict(zip(grid, values, strict=True))))
    return out


def main_classifier(cap: float = 0.018) -> None:
    """The sweep's best points on dev recall with false urgent flags on ordinary questions under ``cap``."""
    found = [r for r in classifier_sweep() if r[2] <= cap]
    for dev_recall, test_recall, flags, point in sorted(found, key=lambda r: (-r[0], r[2]))[:10]:
        print(f"dev {dev_recall:.3f} test {test_recall:.3f} ordinary false urgent {flags:.4f} {point}")


def milder_sweep(milder: tuple[float, ...] = (0.4, 0.5, 0.6, 0.7), nears: tuple[float, ...] = (0.84, 0.86, 0.88, 0.9)
                 ) -> list[tuple[str, float, float, float, float, float]]:
    """(kind, milder, near, dev recall, dev precision, share of ordinary questions flagged with the kind) of the
    classifier's milder kinds (myth, stop_treatment, interactions, dosing), the rules counted as in triage: dev
    messages are scored by classifiers fitted without their fold (6 folds by family) and their family's messages
    left out of the nearest-message scores; ordinary questions against the shipped bank."""
    data = _sweep_data()
    dev, p_dev, p_ord = data.dev, data.p_dev, data.p_ord
    near_dev = kind_scores(dev, dev.vectors, list(dev.families))
    near_ord = kind_scores(data.bank, data.ord_vecs)
    ruled_dev = [_ruled(data.rules, e.text) for e in dev.entries]
    ruled_ord = [_ruled(data.rules, t) for t in data.ordinary]
    idx = {k: i for i, k in enumerate(("none", *PRIORITY))}
    out = []
    for kind in ("myth", "stop_treatment", "interactions", "dosing"):
        for m in milder:
            for n in nears:
                d = _milder_hits(kind, m, n, p_dev[:, idx[kind]], near_dev[kind], ruled_dev)
                own = dev.kinds == kind
                o = _milder_hits(kind, m, n, p_ord[:, idx[kind]], near_ord[kind], ruled_ord)
                out.append((kind, m, n, float(d[own].mean()), float(d[own].sum() / max(d.sum(), 1)), float(o.mean())))
    return out


def _milder_hits(kind: str, milder: float, near: float, prob: np.ndarray, nearest: np.ndarray,
                 ruled: list[str | None]) -> np.ndarray:
    """Messages given ``kind``: a rule named it, or no rule fired and the classifier raises it."""
    sem = (prob >= milder) & (nearest >= near)
    return np.array([r == kind or (r is None and bool(s)) for r, s in zip(ruled, sem, strict=True)])


def main_milder() -> None:
    for kind, m, n, recall, precision, flagged in milder_sweep():
        print(f"{kind:15} milder {m:.2f} near {n:.2f}  dev recall {recall:.3f} precision {precision:.3f}"
              f"  ordinary flagged {flagged:.4f}")


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["classifier"]:
        main_classifier()
    elif sys.argv[1:] == ["milder"]:
        main_milder()
    else:
        main()
