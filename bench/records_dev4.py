"""Record extraction on dev set 4 (``bench/data/records/dev4``: 27 real transcribed clinic notes from MTSamples -
consults, follow-ups, discharge summaries - about blood cancers, brain, paediatric, mesothelioma and solid tumours,
none among the 40 MTSamples notes of the shared dev set; labelled by hand from the text alone): P/R/F1 per field by
note type for the 18 development notes, then ``dev`` (all of them) and ``heldout`` (9 notes drawn at random, scored,
never tuned on).

Scoring is dev set 3's (``bench/records_dev3.py``). Errors go to ``bench/results/records_dev4_errors.txt``.
Run: ``PYTHONPATH=src python -m bench.records_dev4``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.records_dev3 import run_set

ROOT = Path(__file__).parent / "data" / "records" / "dev4"


def run() -> dict[str, Any]:
    return run_set("records_dev4", "Dev set 4 (real MTSamples clinic notes: blood cancers, brain, paediatric, solid):"
                   " P/R/F1 per field, by note type, dev and held-out", ROOT, "n")


def main() -> None:
    run()


if __name__ == "__main__":
    main()
