"""The semantic layer of triage: a message against the safety bank, two ways.

Nearest neighbours: for each kind, a message's score is its highest cosine similarity to a bank message of that
kind; the kind is raised when that score reaches the kind's calibrated ``similarity`` and beats the best bank
message of any other group (ordinary messages, or the other kinds; the urgent kinds count as one group) by
``margin``.

A linear classifier (softmax regression fitted on the bank's vectors, numpy only, fitted when the bank is first
used: well under a second): it weighs every bank message, not just the nearest one, so it holds better on wording
the bank has not seen (leave-family-out). The urgent kinds are raised on their summed probability (a message that
is clearly urgent but between emergency and urgent call is still urgent), and only near enough to a bank message of
the kind (far from every message a linear model extrapolates). Thresholds live in ``safety.yaml``, calibrated on the
dev split by ``bench/safety_calibrate.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from oncoguide.answer.stages.triage_bank import Bank
from oncoguide.knowledge.topics.safety import PRIORITY, URGENT, Classifier, Threshold

CLASSES: tuple[str, ...] = ("none", *PRIORITY)
_MILDER = ("myth", "stop_treatment", "interactions", "dosing")


def kind_scores(bank: Bank, queries: np.ndarray, families: list[str] | None = None) -> dict[str, np.ndarray]:
    """Per kind, each query's best similarity to that kind's bank messages (-1 when there are none). With
    ``families`` (one per query), bank messages of the query's own family are left out (leave-family-out)."""
    # one question: einsum skips BLAS, whose parked threads can take ~30 ms to wake on a busy machine
    one = len(queries) == 1
    sims = np.einsum("ij,j->i", bank.vectors, queries[0])[None, :] if one else queries @ bank.vectors.T
    if families is not None:
        same = np.asarray(families)[:, None] == bank.families[None, :]
        sims = np.where(same, -1.0, sims)
    out = {}
    for kind in (*PRIORITY, "none"):
        cols = bank.kinds == kind
        out[kind] = sims[:, cols].max(axis=1) if cols.any() else np.full(len(queries), -1.0, np.float32)
    return out


def lead(scores: dict[str, np.ndarray], kind: str) -> np.ndarray:
    """How far each query's best match of ``kind`` beats its best match outside the kind's group."""
    group = URGENT if kind in URGENT else {kind}
    rivals = [v for k, v in scores.items() if k not in group]
    return scores[kind] - np.max(np.vstack(rivals), axis=0)


def raised(scores: dict[str, np.ndarray], thresholds: Mapping[Any, Threshold]) -> list[list[str]]:
    """For each query, the kinds the semantic layer raises, most urgent first."""
    n = len(scores["none"])
    out: list[list[str]] = [[] for _ in range(n)]
    for kind in PRIORITY:
        t = thresholds.get(kind)
        if t is None:
            continue
        hit = (scores[kind] >= t.similarity) & (lead(scores, kind) >= t.margin)
        for i in np.flatnonzero(hit):
            out[i].append(kind)
    return out


def overrides(scores: dict[str, np.ndarray], kind: str, ruled: str, extra: float) -> bool:
    """Whether the bank's urgent ``kind`` beats the milder kind a rule named (``ruled``) by ``extra`` (one query)."""
    return bool(scores[kind][0] - scores[ruled][0] >= extra)


@dataclass(frozen=True)
class Model:
    """Softmax regression over bank vectors: ``proba(x) = softmax(x @ weights + bias)`` over ``CLASSES``."""

    weights: np.ndarray
    bias: np.ndarray

    def proba(self, queries: np.ndarray) -> np.ndarray:
        logits = np.asarray(queries, np.float32) @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)


def fit(vectors: np.ndarray, kinds: np.ndarray, l2: float = 0.01, steps: int = 300, rate: float = 0.05) -> Model:
    """Fit the classifier (full-batch Adam from zeros: deterministic). Classes are weighted to count equally;
    vectors are standardised for the fit and the scaling folded into the weights."""
    x = np.asarray(vectors, np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    y = np.array([CLASSES.index(k) if k in CLASSES else 0 for k in kinds])
    n, dim = z.shape
    onehot = np.zeros((n, len(CLASSES)))
    onehot[np.arange(n), y] = 1.0
    counts = onehot.sum(axis=0)
    weight = (n / (len(CLASSES) * np.maximum(counts, 1.0)))[y][:, None] / n
    w, b = np.zeros((dim, len(CLASSES))), np.zeros(len(CLASSES))
    moments = [np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)]
    for step in range(1, steps + 1):
        logits = z @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * weight
        for i, (param, grad) in enumerate(((w, z.T @ g + l2 * w), (b, g.sum(axis=0)))):
            m, v = moments[2 * i], moments[2 * i + 1]
            m *= 0.9
            m += 0.1 * grad
            v *= 0.999
            v += 0.001 * grad**2
            param -= rate * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    weights = w / scale[:, None]
    return Model(weights.astype(np.float32), (b - mean @ weights).astype(np.float32))


def classified(p: np.ndarray, near: Mapping[str, float], t: Classifier, *, strict: bool, general: bool,
               ruled: str | None, figurative: bool = False, strict_crisis: bool | None = None) -> list[str]:
    """Kinds the classifier raises for one message: ``p`` its probabilities over ``CLASSES``, ``near`` its best
    similarity per kind; ``strict``: the message gives a reason for doubt (the strict thresholds apply);
    ``strict_crisis``: the same for crisis alone (default: ``strict``); ``general``: a question asked in general
    (no emergency or urgent call); ``ruled``: the kind a rule named; ``figurative``: a figure of speech with a
    death word (no crisis)."""
    prob = dict(zip(CLASSES, (float(x) for x in p), strict=True))
    closest = t.near_strict if strict else t.near
    hard = strict if strict_crisis is None else strict_crisis
    crisis = (prob["crisis"] >= (t.crisis_strict if hard else t.crisis)
              and near["crisis"] >= (t.near_strict if hard else t.near))
    out = ["crisis"] if crisis else []
    urgent = sorted(URGENT, key=lambda k: -prob[k])[0]
    if (sum(prob[k] for k in URGENT) >= (t.urgent_strict if strict else t.urgent) and near[urgent] >= closest
            and urgent != "crisis" and not general):
        out.append(urgent)
    if ruled is not None and ruled not in URGENT:  # a rule named a milder kind: an urgent kind must be likelier
        out = [k for k in out if prob[k] >= prob[ruled]]
    out = [k for k in out if near["none"] - near[k] < t.veto and not (figurative and k == "crisis")]
    out += [k for k in _MILDER if prob[k] >= t.milder_kind.get(k, t.milder)  # type: ignore[call-overload]
            and near[k] >= t.near_milder.get(k, -1.0)]  # type: ignore[call-overload]
    return sorted(out, key=PRIORITY.index)
