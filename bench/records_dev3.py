"""Record extraction on dev set 3 (``bench/data/records/dev3``: 38 real OCR'd TCGA surgical pathology reports from
ten organs, labelled by hand from the text alone): P/R/F1 per field by family (the source document type:
structured resection report, narrative resection report, biopsy, report with molecular addenda) for the 28
development reports, then ``dev`` (all 28) and ``heldout`` (10 reports labelled after the engine changes, scored,
never tuned on).

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


def load(root: Path = ROOT, prefix: str = "g") -> tuple[dict[str, str], dict[str, Any]]:
    """Texts by key (``g01``: the prefix and the file's stem) and their labels."""
    labels = yaml.safe_load((root / "labels.yaml").read_text())
    texts = {f"{prefix}{p.stem}": p.read_text() for p in sorted((root / "docs").glob("*.txt"))}
    return {k: v for k, v in texts.items() if k in labels}, labels


def families(labels: dict[str, Any], with_all: bool = False) -> dict[str, list[str]]:
    """Keys of the development part by source document type (the label's ``kind``), then ``dev`` (all of them) and
    ``heldout`` (the slice labelled after the engine changes, ``split: heldout``, never tuned on); with ``with_all``
    also ``all`` (both parts: a set's first, unseen run)."""
    out: dict[str, list[str]] = {}
    dev = [k for k, lab in labels.items() if lab.get("split") != "heldout"]
    for key in dev:
        out.setdefault(str(labels[key].get("kind", "other")), []).append(key)
    held = [k for k, lab in labels.items() if lab.get("split") == "heldout"]
    return {**dict(sorted(out.items())), "dev": dev, "heldout": held, **({"all": list(labels)} if with_all else {})}


def run() -> dict[str, Any]:
    return run_set("records_dev3", "Dev set 3 (real TCGA pathology reports, OCR): P/R/F1 per field, by document type,"
                   " dev and held-out", ROOT, "g")


def run_set(name: str, title: str, root: Path, prefix: str, with_all: bool = False,
            heldout_errors: bool = True) -> dict[str, Any]:
    """Score one labelled set (``root``: docs/ and labels.yaml) by family, then dev and held-out (and ``all`` with
    ``with_all``); write the results as ``name`` and the development errors (and the held-out ones unless
    ``heldout_errors`` is false, so that nobody reads them) to ``bench/results/<name>_errors.txt``."""
    texts, labels = load(root, prefix)
    rows: list[list[Any]] = []
    out: dict[str, Any] = {}
    for family, keys in families(labels, with_all).items():
        keys = [k for k in keys if k in texts]
        fields = mts.score(keys, texts, labels)
        markers = score_markers(keys, texts, labels)
        fields["fields"]["biomarkers"] = markers["field"]
        rows += [[family, len(keys), f, *fields["fields"][f]] for f in mts.FIELDS]
        out[family] = {"fields": fields, "markers": markers}
    parts = ("dev", "heldout", "all") if with_all else ("dev", "heldout")
    report(name, title,
           ["family", "docs", "field", "precision", "recall", "f1", "tp", "fp", "fn"], rows,
           {h: {"marker_traps": out[h]["markers"]["traps"], "flips": out[h]["markers"]["flips"],
                "traps": out[h]["fields"]["traps"]} for h in parts})
    for h in parts:
        console.print(f"{h}: marker false positives by trap kind {out[h]['markers']['traps']}; other false positives"
                      f" by trap kind {out[h]['fields']['traps']}; flipped markers {out[h]['markers']['flips'] or 0}")
    written = ("dev", "heldout") if heldout_errors else ("dev",)
    errors = [e for h in written for e in out[h]["fields"]["errors"] if " marker " not in e] + \
        [e for h in written for e in out[h]["markers"]["errors"]]
    path = Path(__file__).parent / "results" / f"{name}_errors.txt"
    path.write_text("\n".join(sorted(errors)) + "\n")
    return out


def main() -> None:
    run()


if __name__ == "__main__":
    main()
