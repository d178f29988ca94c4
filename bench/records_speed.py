"""Text extraction time on long records (security finding F2): must be linear in the input size.

Two 1,000,000-character texts: real transcribed notes (the MTSamples dev set, repeated) and an adversarial one
dense with stage, marker and drug mentions on every line (the shape that was quadratic). Each is timed at 250k and
1M characters; the goal is <= 10 s for 1M characters and a 1M/250k ratio near 4 (linear).
Run: ``PYTHONPATH=src python -m bench.records_speed``.
"""

from __future__ import annotations

import time

from bench.common import console, eval_path, report

GOAL_S = 10.0
_DENSE = ("Clinic note 03/2025. Stage IIIA adenocarcinoma of the left lung, pT2a N2 M0, AJCC 8th edition. "
          "EGFR exon 19 deletion detected. PD-L1 TPS 60%. Started osimertinib 80 mg daily. ECOG 1.\n"
          "FAMILY HISTORY: Mother had breast cancer.\nPLAN: Continue osimertinib; restaging CT in 3 months.\n")


def texts() -> dict[str, str]:
    """The unit texts that are repeated to size."""
    out = {"dense stage/marker/drug lines": _DENSE, "one line, no breaks": _DENSE.replace("\n", " ")}
    root = eval_path("mtsamples-oncology-dev", "docs")
    if root is not None:
        out["real notes (MTSamples)"] = "\n\n".join(p.read_text() for p in sorted(root.glob("*.txt")))
    return out


def timed(text: str) -> tuple[float, float]:
    """(wall, CPU) seconds to extract a profile from ``text``; CPU time is what a busy shared machine does not
    inflate."""
    from oncoguide.records.model import RecordDocument
    from oncoguide.records.text_extract import extract_text

    start, cpu = time.perf_counter(), time.process_time()
    extract_text(RecordDocument(id="speed", name="speed", kind="text", text=text))
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    timed("Warm-up. Stage IIA.")  # vocabulary and rules load once per process
    rows = []
    for name, unit in texts().items():
        small, big = ((unit * (n // len(unit) + 1))[:n] for n in (250_000, 1_000_000))
        (w_small, c_small), (w_big, c_big) = timed(small), timed(big)
        rows.append([name, w_small, w_big, c_small, c_big, c_big / c_small, "ok" if c_big <= GOAL_S else "MISSED"])
    report("records_speed", f"Text extraction time (goal: 1M characters <= {GOAL_S:.0f} s CPU, linear)",
           ["text", "250k wall (s)", "1M wall (s)", "250k CPU (s)", "1M CPU (s)", "ratio (CPU)", "goal"], rows,
           {"goal_s": GOAL_S})
    console.print("ratio ~4 means linear time; a quadratic reader shows ~16.")


if __name__ == "__main__":
    main()
