"""Nearest-neighbour scores of messages against the safety bank, and the kinds they raise.

For each kind, a message's score is its highest cosine similarity to a bank message of that kind; the kind is
raised when that score reaches the kind's calibrated ``similarity`` and beats the best bank message of any other
group (ordinary messages, or the other kinds; the urgent kinds count as one group) by ``margin``. Thresholds live
in ``safety.yaml``, calibrated on the dev split by ``bench/safety_calibrate.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from oncoguide.answer.stages.triage_bank import Bank
from oncoguide.knowledge.topics.safety import PRIORITY, URGENT, Threshold


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
