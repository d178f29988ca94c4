"""Record extraction on dev set 5 (``bench/data/records/dev5``: 36 real documents nobody here tuned on - 25 MTSamples
notes from specialties other than Hematology - Oncology (operative notes, urology and gynaecology notes, consults,
discharge and death summaries, a breast MRI, an immunohistochemistry report) and 11 TCGA pathology reports from rows
dev set 3 did not use; labelled by hand from the text alone before the extractor was run on them): P/R/F1 per field
by note type for the 24 development documents, then ``dev``, ``heldout`` (12 documents, a third of each note type
drawn with seed 2026, scored once at the end, never tuned on) and ``all`` (the first, unseen run).

Scoring is dev set 3's (``bench/records_dev3.py``). Only the development errors are written, to
``bench/results/records_dev5_errors.txt``: the held-out slice's per-document errors are never written.
Run: ``PYTHONPATH=src python -m bench.records_dev5``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.records_dev3 import run_set

ROOT = Path(__file__).parent / "data" / "records" / "dev5"


def run() -> dict[str, Any]:
    return run_set("records_dev5", "Dev set 5 (real notes nobody tuned on: MTSamples surgery, urology, gynaecology,"
                   " radiology, discharge, consults; TCGA pathology): P/R/F1 per field, by note type, dev, held-out"
                   " and all", ROOT, "n", with_all=True, heldout_errors=False)


def main() -> None:
    run()


if __name__ == "__main__":
    main()
