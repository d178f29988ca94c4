"""Record extraction on dev set 2 (``bench/data/records/dev2``: 36 pathology, flow-cytometry, cytogenetics, NGS,
consult and discharge documents with broad biomarker labels): P/R/F1 per field, by half.

Halves by document number: dev2-a (odd, tuned on) and dev2-b (even). The field scoring is
``bench/records_mtsamples.py``'s; biomarkers are scored here with marker names normalised so that report and label
spellings meet: ``BRAF V600E`` (label) is a BRAF reading, ``Ki67`` is ``Ki-67``, ``t(14;18) IGH/BCL2`` is
``t(14;18)``, ``BCR::ABL1`` is ``BCR-ABL1``, ``p53`` is ``TP53``. A label names a marker and, where it says so, one
aspect of it (rearrangement, amplification, deletion): a reading of that aspect matches it first, then any other
reading of the marker. A label result with a sign (positive, negative, wild-type, retained, loss, methylated, a
named variant) must have that sign; values (Ki-67 ~40%, LDH 1,840, pending) need only the marker. A reading of
the opposite sign is a *flip*. Errors go to ``bench/results/records_dev2_errors.txt``.
Run: ``PYTHONPATH=src python -m bench.records_dev2``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from bench import records_mtsamples as mts
from bench.common import console, report

ROOT = Path(__file__).parent / "data" / "records" / "dev2"
# label / reading name (letters and digits, lower case) -> the one name both use
_ALIASES = {"p53": "tp53", "bcrabl1is": "bcrabl1", "bcrabl": "bcrabl1", "ki67": "ki67", "her2neu": "her2",
            "erbb2": "her2", "mmr": "mmr", "mlh1": "mmr", "msh2": "mmr", "msh6": "mmr", "pms2": "mmr",
            "betahcg": "hcg", "bhcg": "hcg", "hcgbeta": "hcg", "beta2microglobulin": "b2m", "b2microglobulin": "b2m",
            "ca199": "ca199", "ca125": "ca125", "pdl1tps": "pdl1", "pdl1cps": "pdl1", "1q21gain": "1qgain",
            "cyclind1": "cyclind1", "ccnd1": "cyclind1", "mgmtpromoter": "mgmt", "71q": "del7q", "77q": "del7q",
            "monosomy7": "del7q", "del7q": "del7q", "sox11": "sox11", "mum1": "mum1", "irf4": "mum1",
            "msi": "msi", "tmb": "tmb", "desmin": "desmin", "smoothmuscleactin": "sma", "ttf1": "ttf1",
            "trisomy12": "trisomy12", "trisomy8": "trisomy8", "7q": "del7q", "h3k27m": "h3k27m",
            "1p19qcodeletion": "1p19q", "1p19q": "1p19q", "cdkn2ab": "cdkn2a", "cdkn2a": "cdkn2a", "eber": "ebv",
            "cd117": "kit", "7del7q": "del7q", "dcppivkaii": "pivkaii", "5hiaa24hurine": "5hiaa", "ccd3": "cd3",
            "sstr2a": "sstr2", "1q21": "1qgain", "1q": "1qgain", "ss18ssx": "ss18", "ss18ssx1": "ss18",
            "monosomy13": "del13q", "hpv16": "hpv", "lightchainrestriction": "lightchain", "cytokeratin": "ae1ae3",
            "pmlrara": "pmlrara", "bcrabl1p210": "bcrabl1",
            # dev set 3 spellings of routine IHC stains
            "34be12": "34betae12", "pankeratin": "ae1ae3", "pancytokeratin": "ae1ae3", "racemase": "amacr",
            "p504s": "amacr", "caix": "ca9", "androgenreceptor": "ar", "lca": "cd45",
            # dev set 5 spellings: a stain's long name and its short one
            "chromogranina": "chromogranin", "cytokeratin56": "ck56", "cytokeratin818": "ck818",
            "lowmolecularweightcytokeratin": "cam52", "hepatocyteparaffin1": "heppar1"}
# words that name how or on what a marker was tested, not the marker
_METHOD = re.compile(r"\b(ihc|ish|fish|ngs|pcr|serum|transcript|status|tps|cps|is|promoter|gene|protein|mutation"
                     r"|mutations?|\(ihc\)|\(serum\)|\(germline\)|germline|\(24h urine\)|testing)\b", re.I)
_ASPECT = re.compile(r"(?:rearrange|fusion|break-?apart|translocation|amplif|(co-?)?deletion|(co-?)?deleted|\bloss\b"
                     r"|\bgain\b)", re.I)
_VARIANT_IN_NAME = re.compile(r"\s+([A-Z]\d{1,4}[A-Z*]|ITD|TKD|vIII)$")


def aspect(text: str) -> str:
    """rearrangement, amplification, deletion or "" named by a label key or a reading's detail."""
    m = _ASPECT.search(text or "")
    if not m:
        return ""
    w = m.group(0).lower()
    return ("rearrangement" if w.startswith(("rearr", "fusion", "break", "transl")) else
            "amplification" if w.startswith("amplif") else "deletion" if w.startswith(("delet", "loss")) else "gain")


def norm_name(name: str) -> str:
    """One spelling for a marker name: ``BRAF V600E`` -> braf, ``Ki67`` -> ki67, ``t(14;18) IGH/BCL2`` -> t1418,
    ``del(17p)`` -> del17p, ``MYC rearrangement`` -> myc, ``FLT3-ITD`` -> flt3."""
    n = name.strip()
    t = re.match(r"(?i)t\((\w+);(\w+)\)", n)
    if t:
        return f"t{t.group(1)}{t.group(2)}".lower()
    n = re.sub(r"[-: ]?(ITD|TKD)\b", "", n)
    n = _VARIANT_IN_NAME.sub("", n)
    n = re.sub(r"\b(homozygous|hemizygous)\b", "", n, flags=re.I)
    n = re.sub(_ASPECT.pattern + r"\w*", "", n, flags=re.I)
    n = _METHOD.sub("", n)
    key = re.sub(r"[^a-z0-9]", "", n.lower())
    return _ALIASES.get(key, key)


_POS = re.compile(r"^\W*(positive|pos\b|dim\b|weak|block|loss|lost|methylated|aberrant|mutated|amplified|detected"
                  r"|present|msi-h|unmethylated|unmutated|wild|retained|intact|negative|ms-stable|stable|not )"
                  r"|^\W*[A-Z]\d{1,4}|^\W*(type \d|p\.|c\.|promoter c)", re.I)


def gold_sign(value: Any) -> str | None:
    v = str(value).strip().lower()
    m = _POS.match(v)
    if not m:
        return "pending" if v.startswith("pending") else None
    word = m.group(0).strip(" (").lower()
    if word.startswith(("unmethylated", "unmutated", "wild", "retained", "intact", "negative", "ms-stable",
                        "stable", "not")):
        return "negative"
    return "positive"


def score_markers(keys: Iterable[str], texts: dict[str, str], labels: dict[str, Any]) -> dict[str, Any]:
    from oncoguide.records.model import RecordDocument
    from oncoguide.records.text_extract import extract_text

    tally = mts.Tally()
    traps: Counter[str] = Counter()
    flips: list[str] = []
    errors: list[str] = []
    for key in keys:
        text, gold = texts[key], labels[key]
        p = extract_text(RecordDocument(id=key, name=key, kind="text", text=text))
        preds = [(norm_name(b.name), aspect(f"{b.name} {b.detail or ''}"), b) for b in p.biomarkers]
        golds = [(norm_name(str(k)), aspect(str(k)), str(k), v) for k, v in (gold.get("biomarkers") or {}).items()]
        used: set[int] = set()
        for gname, gaspect, gkey, gval in golds:
            cands = [i for i, (n, a, _) in enumerate(preds) if n == gname and i not in used]
            cands.sort(key=lambda i: preds[i][1] != gaspect)  # the labelled aspect first
            sign = gold_sign(gval)
            hit = next((i for i in cands if sign is None or preds[i][2].result == sign), None)
            if hit is None:
                # already matched to another label of the same marker (IDH1 R132H IHC + IDH1 sequencing)
                twin = next((i for i, (n, _, b) in enumerate(preds) if n == gname and i in used
                             and (sign is None or b.result == sign)), None)
                if twin is not None:
                    tally.add(tp=1)
                    continue
            if hit is not None:
                used.add(hit)
                tally.add(tp=1)
                continue
            tally.add(fn=1)
            wrong = next((preds[i][2] for i in cands), None)
            if wrong is not None and sign in ("positive", "negative") and wrong.result in ("positive", "negative"):
                flips.append(f"{key} {gkey}: stated {gval}, read {wrong.result}")
            errors.append(f"{key} marker {gkey}: want {gval!r} got "
                          f"{(wrong.name, wrong.result, wrong.detail) if wrong else None}")
        for i, (_, _, b) in enumerate(preds):
            if i in used or any(n == preds[i][0] for n, *_ in golds):
                continue  # a second reading of a labelled marker (another result of it) is not a new marker
            tally.add(fp=1)
            kind = mts.trap_kind(text, b.evidence.char_start, "marker")
            traps[kind] += 1
            errors.append(f"{key} marker extra: {b.name} {b.result} {b.detail or ''} [{kind}] "
                          f"{text[b.evidence.char_start:b.evidence.char_end]!r}")
    return {"field": (*tally.prf(), tally.tp, tally.fp, tally.fn), "traps": dict(traps), "flips": flips,
            "errors": errors}


def load() -> tuple[dict[str, str], dict[str, Any]]:
    labels = yaml.safe_load((ROOT / "labels.yaml").read_text())
    texts = {f"e{p.stem}": p.read_text() for p in sorted((ROOT / "docs").glob("*.txt"))}
    return texts, labels


def half(key: str) -> str:
    return "dev2-a" if int(key[1:]) % 2 else "dev2-b"


def main() -> None:
    texts, labels = load()
    halves = {"dev2-a": [k for k in texts if half(k) == "dev2-a"],
              "dev2-b": [k for k in texts if half(k) == "dev2-b"], "all": list(texts)}
    rows: list[list[Any]] = []
    out: dict[str, Any] = {}
    for name, keys in halves.items():
        fields = mts.score(keys, texts, labels)
        markers = score_markers(keys, texts, labels)
        fields["fields"]["biomarkers"] = markers["field"]  # normalised names (this file), not the exact ones
        rows += [[name, f, *fields["fields"][f]] for f in mts.FIELDS]
        out[name] = {"fields": fields, "markers": markers}
    report("records_dev2", "Dev set 2 (pathology, flow, cytogenetics, NGS, notes): P/R/F1 per field,"
           " dev2-a (odd) / dev2-b (even) / all", ["half", "field", "precision", "recall", "f1", "tp", "fp", "fn"],
           rows, {"marker_traps": {h: r["markers"]["traps"] for h, r in out.items()},
                  "flips": out["all"]["markers"]["flips"]})
    console.print(f"marker false positives by trap kind (all): {out['all']['markers']['traps']}")
    console.print(f"other false positives by trap kind (all): {out['all']['fields']['traps']}")
    console.print(f"flipped markers: {out['all']['markers']['flips'] or 'none'}")
    errors = [e for e in out["all"]["fields"]["errors"] if " marker " not in e] + out["all"]["markers"]["errors"]
    path = Path(__file__).parent / "results" / "records_dev2_errors.txt"
    path.write_text("\n".join(sorted(errors)) + "\n")


if __name__ == "__main__":
    main()
