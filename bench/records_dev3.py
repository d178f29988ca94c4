"""Record extraction on dev set 3 (``bench/data/records/dev3``: 28 real OCR'd TCGA surgical pathology reports from
ten organs, labelled by hand from the text alone): P/R/F1 per field, overall and by family (the source document
type: structured resection report, narrative resection report, biopsy, report with molecular addenda).

Field scoring is ``bench/records_mtsamples.py``'s; biomarkers use dev set 2's marker-name normalisation
(``bench/records_dev2.py``). Errors go to ``bench/results/records_dev3_errors.txt``.
Run: ``PYTHONPATH=src python -m bench.records_dev3``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bench import records_mtsamples as mts
from bench.common import console, report
from bench.records_dev2 import score_markers

ROOT = Path(__file__).parent / "data" / "records" / "dev3"


def load() -> tuple[dict[str, str], dict[str, Any]]:
    """Texts by key (``g01``) and their labels."""
    labels = yaml.safe_load((ROOT / "labels.yaml").read_text())
    texts = {f"g{p.stem}": p.read_text() for p in sorted((ROOT / "docs").glob("*.txt"))}
    return {k: v for k, v in texts.items() if k in labels}, labels


def families(labels: dict[str, Any]) -> dict[str, list[str]]:
    """Keys by source document type (the label's ``kind``), plus ``all``."""
    out: dict[str, list[str]] = {}
    for key, lab in labels.items():
        out.setdefault(str(lab.get("kind", "other")), []).append(key)
    return {**dict(sorted(out.items())), "all": list(labels)}


def run() -> dict[str, Any]:
    texts, labels = load()
    rows: list[list[Any]] = []
    out: dict[str, Any] = {}
    for name, keys in families(labels).items():
        keys = [k for k in keys if k in texts]
        fields = mts.score(keys, texts, labels)
        markers = score_markers(keys, texts, labels)
        fields["fields"]["biomarkers"] = markers["field"]
        rows += [[name, len(keys), f, *fields["fields"][f]] for f in mts.FIELDS]
        out[name] = {"fields": fields, "markers": markers}
    report("records_dev3", "Dev set 3 (real TCGA pathology reports, OCR): P/R/F1 per field, by document type and all",
           ["family", "docs", "field", "precision", "recall", "f1", "tp", "fp", "fn"], rows,
           {"marker_traps": out["all"]["markers"]["traps"], "flips": out["all"]["markers"]["flips"],
            "traps": out["all"]["fields"]["traps"]})
    console.print(f"marker false positives by trap kind: {out['all']['markers']['traps']}")
    console.print(f"other false positives by trap kind: {out['all']['fields']['traps']}")
    console.print(f"flipped markers: {out['all']['markers']['flips'] or 'none'}")
    errors = [e for e in out["all"]["fields"]["errors"] if " marker " not in e] + out["all"]["markers"]["errors"]
    path = Path(__file__).parent / "results" / "records_dev3_errors.txt"
    path.write_text("\n".join(sorted(errors)) + "\n")
    return out


def main() -> None:
    run()


if __name__ == "__main__":
    main()
