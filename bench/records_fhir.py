"""FHIR records -> diagnosis profile: field-level precision, recall and F1 on two public FHIR sample sets.

Ground truth comes only from the data sets' mechanically derived files, turned into expected profile fields by the
rules below. The rules read the ground truth alone; they never look at what the extractor returned.

IHE SDC / CAP eCC pathology bundles (``ihe-sdc-cancer-pathology-fhir/coded_items_extracted.json``)
    The question an item answers is its ``code_display`` (a leading ``?`` and trailing ``#`` removed). Items with no
    display are not profile fields, except CAP question 2118.100004300, which the bundle codes together with SNOMED
    399687005 "Anatomic location of primary malignant neoplasm" (tumour site). Question -> field:
      "Histologic Type..." -> cancer.histology; "Histologic Grade..." or "Overall Grade" -> cancer.grade;
      "Tumor Site..." -> cancer.primary_site; "...Laterality" -> cancer.laterality;
      "pT Category" / "Primary Tumor (pT)" -> stage.t (likewise pN -> stage.n, pM -> stage.m);
      "Stage group..." -> stage.group; "<GENE> Mutational Analysis" / "<GENE> Result" -> biomarker;
      "Procedure..." -> procedure; MedicationAdministration / MedicationStatement / MedicationRequest -> medication.
    Expected value: the display of a coded answer (``value.type == "code"``); other answer types (quantities,
    strings) are not values of these fields. Answers that carry no value ("Not applicable", "Cannot be determined",
    "Not specified", "Other (specify)", "Specify ...", "... not assigned") are not expected. TNM: the category the
    answer display starts with, with its prefix ("pT2a: Tumor greater..." -> ``pT2a``); otherwise nothing.
    Stage group: the Roman group of "Stage II (localized)" -> ``II``. Biomarker: ``GENE:result`` where the result is
    negative for "no mutation(s) detected", "not detected", "negative", "wild type", "loss of ... expression", and
    positive for "... mutation", "detected", "positive", "intact ... expression" (protein expressed). Procedure:
    the answer display, except biopsies (diagnostic, not treatment). Medication: the vocabulary generic named in the
    display, else the display without RxNorm dose-form words. Values compare case-insensitively.
    A field whose only ground-truth items have no value (multi-select answers the derivation did not capture, e.g.
    the lung report's "Procedure" and "Tumor Site") is unjudged for that bundle: nothing extracted for it counts.

mCODE trial-matching patients (``mcode-trial-matching-fhir/ground_truth_extracted.json``)
    cancer.cancer_id: the vocabulary root cancer (no parent) whose name, less the word "cancer", appears in the
    primary cancer display ("...carcinoma of breast" -> ``breast``); an extracted id is scored at its root.
    stage.group: the stage-group and primary-cancer stage-summary value displays, as Roman groups.
    metastasis: each secondary cancer display without "Secondary malignant neoplasm of" and its SNOMED tag.
    biomarker: tumor markers as ``NAME:result``, the name from the LOINC display words (estrogen receptor -> ER,
    progesterone receptor -> PR, HER2, microsatellite instability -> MSI, tumor mutation burden -> TMB), the result
    from the value display (Positive/Present -> positive, Negative/Absent -> negative; for TMB and MSI, High ->
    positive, Low -> negative); genetic variants as ``GENE:result``, the gene the HGNC symbol of the gene component's
    HGNC id (official HGNC symbols of the ids present, listed in ``_HGNC``).
    medication (name), medication.status (``name:status``, active -> ongoing) and medication.start
    (``name:effective date``): the name as for IHE medications. procedure: ``display-without-tag:class`` with the
    class from the mCODE profile (surgical -> surgery, radiation -> radiation). ecog: the score.

Counts are micro-averaged: per field and per data set, over documents (medications and procedures are multisets,
other fields sets). ``evidence ok`` counts extracted values whose quote equals the document text at its span.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import console, eval_path, report
from oncoguide.corpus.schema import load_vocabulary
from oncoguide.records.fhir import extract_fhir, iter_values
from oncoguide.records.model import Profile, RecordDocument
from oncoguide.understand.entities import extract

IHE_FIELDS = ("cancer.histology", "cancer.grade", "cancer.primary_site", "cancer.laterality", "stage.t", "stage.n",
              "stage.m", "stage.group", "biomarker", "procedure", "medication")
MCODE_FIELDS = ("cancer.cancer_id", "stage.group", "metastasis", "biomarker", "medication", "medication.status",
                "medication.start", "procedure", "ecog")
MULTISET = ("procedure", "procedure:class", "medication", "medication.status", "medication.start")
_HGNC = {"HGNC:3467": "ESR1", "HGNC:8975": "PIK3CA", "HGNC:1582": "CCND1", "HGNC:3688": "FGFR1", "HGNC:6973": "MDM2"}
_MARKER_WORDS = (("estrogen receptor", "ER"), ("progesterone receptor", "PR"), ("her2", "HER2"),
                 ("microsatellite instability", "MSI"), ("tumor mutation burden", "TMB"), ("pd-l1", "PD-L1"),
                 ("ki-67", "Ki-67"))
_NO_VALUE = re.compile(r"^(?:not applicable|cannot be determined|not specified|other \(specify\)|specify\b|"
                       r"\S+ not assigned)", re.I)
_QUESTIONS = ((r"^histologic type", "cancer.histology"), (r"^(?:histologic grade|overall grade)", "cancer.grade"),
              (r"^tumou?r site", "cancer.primary_site"), (r"laterality", "cancer.laterality"),
              (r"^(?:pT category|primary tumou?r \(pT\))", "stage.t"),
              (r"^(?:pN category|regional lymph nodes \(pN\))", "stage.n"),
              (r"^(?:pM category|distant metastasis \(pM\))", "stage.m"), (r"stage group", "stage.group"),
              (r"^procedure", "procedure"))
_CODE_QUESTIONS = {"2118.100004300": "Tumor Site"}
_ROMAN = {"0": "0", "1": "I", "2": "II", "3": "III", "4": "IV"}


# --- Ground truth rules ------------------------------------------------------------------------------------------

def _tidy(text: str) -> str:
    text = re.sub(r"\s*\((?:disorder|procedure|finding|qualifier value)\)\s*$", "", text.strip())
    return text.lstrip("?").rstrip("#").strip()


def _group(display: str) -> str | None:
    m = re.match(r"(?:stage\s*)?(0|IV|I{1,3}|[1-4])([ABC]\d?)?\b", _tidy(display), re.I)
    return _ROMAN.get(m.group(1), m.group(1).upper()) + (m.group(2) or "").upper() if m else None


def _generic(display: str) -> str:
    drugs = [e.id for e in extract(display) if e.kind == "drug"]
    if drugs:
        return drugs[0]
    return re.sub(r"\s+(?:oral|injectable|injetable)\s+product$", "", _tidy(display), flags=re.I).lower()


def _mutation_result(answer: str) -> str | None:
    low = answer.lower()
    if re.search(r"no mutations? detected|not detected|negative|wild[- ]?type|loss of (?:nuclear )?expression", low):
        return "negative"
    if re.search(r"mutation|detected|positive|intact (?:nuclear )?expression", low):
        return "positive"
    return None


def _ihe_field(item: dict[str, Any]) -> str | None:
    if item["resource"] in ("MedicationAdministration", "MedicationStatement", "MedicationRequest"):
        return "medication"
    if item["resource"] != "Observation":
        return None
    question = _tidy(item.get("code_display") or _CODE_QUESTIONS.get(item.get("code") or "", ""))
    for pattern, name in _QUESTIONS:
        if re.search(pattern, question, re.I):
            return name
    return "biomarker" if re.match(r"[A-Z0-9]+ (?:mutational analysis|result)\b", question, re.I) else None


def _ihe_value(name: str, item: dict[str, Any]) -> str | None:
    if name == "medication":
        return _generic(item.get("code_display") or "")
    value = item.get("value")
    if not isinstance(value, dict) or value.get("type") != "code" or not value.get("display"):
        return None
    answer = _tidy(value["display"])
    if _NO_VALUE.match(answer):
        return None
    if name in ("stage.t", "stage.n", "stage.m"):
        m = re.match(rf"(p)({name[-1].upper()}(?:is|X|[0-4](?:mi|[a-d]\d?)?))\b", answer)
        return f"{m.group(1)}{m.group(2)}" if m else None
    if name == "stage.group":
        return _group(answer)
    if name == "biomarker":
        result = _mutation_result(answer)
        gene = _tidy(item.get("code_display") or "").split()[0]
        return f"{gene}:{result}" if result else None
    if name == "procedure" and "biops" in answer.lower():
        return None
    return answer.lower()


def ihe_expected(items: Iterable[dict[str, Any]]) -> tuple[dict[str, Counter[str]], set[str]]:
    """Expected values per field for one bundle, and the fields left unjudged."""
    expected: dict[str, Counter[str]] = {}
    asked: set[str] = set()
    for item in items:
        name = _ihe_field(item)
        if name is None:
            continue
        asked.add(name)
        value = _ihe_value(name, item)
        if value is not None:
            expected.setdefault(name, Counter())[value] += 1
    unjudged = {n for n in asked if n not in expected and _has_no_value(n, items)}
    return _settle(expected), unjudged


def _has_no_value(name: str, items: Iterable[dict[str, Any]]) -> bool:
    return any(_ihe_field(i) == name and i.get("value") is None for i in items)


def _root_of_display(display: str) -> str | None:
    for c in load_vocabulary().cancers:
        word = c.name.lower().replace("cancer", "").strip()
        if c.parent is None and word and re.search(rf"\b{re.escape(word)}\b", display.lower()):
            return c.id
    return None


def _marker(display: str) -> str | None:
    low = display.lower()
    return next((name for words, name in _MARKER_WORDS if words in low), None)


def _marker_result(name: str, display: str) -> str | None:
    low = _tidy(display).lower()
    if low in ("positive", "present", "detected"):
        return "positive"
    if low in ("negative", "absent", "not detected"):
        return "negative"
    if name in ("TMB", "MSI") and low in ("high", "low"):
        return "positive" if low == "high" else "negative"
    return None


def mcode_expected(patient: dict[str, Any]) -> dict[str, Counter[str]]:
    """Expected values per field for one mCODE patient bundle."""
    out: dict[str, Counter[str]] = {}

    def add(name: str, value: str | None) -> None:
        if value:
            out.setdefault(name, Counter())[value] += 1

    for primary in patient.get("primary_cancer", []):
        add("cancer.cancer_id", _root_of_display(primary["code"].get("display") or ""))
        for summary in primary.get("stage_summary", []):
            add("stage.group", _group(summary.get("display") or summary.get("code") or ""))
    for sg in patient.get("stage_group", []):
        add("stage.group", _group(sg["value"].get("display") or sg["value"].get("code") or ""))
    for sec in patient.get("secondary_cancer", []):
        add("metastasis", re.sub(r"^secondary malignant neoplasm of\s+", "", _tidy(sec.get("display") or ""),
                                 flags=re.I).lower())
    for tm in patient.get("tumor_markers", []):
        name = _marker(tm["code"].get("display") or "")
        result = _marker_result(name or "", tm["value"].get("display") or "") if name else None
        add("biomarker", f"{name}:{result}" if name and result else None)
    for gv in patient.get("genetic_variants", []):
        genes = [_HGNC.get(c["value"].get("code")) for c in gv.get("components", [])]
        result = _marker_result("", gv["value"].get("display") or "")
        for gene in filter(None, genes):
            add("biomarker", f"{gene}:{result}" if result else None)
    for med in patient.get("medications", []):
        name = _generic(med["med"].get("display") or "")
        add("medication", name)
        add("medication.status", f"{name}:{ {'active': 'ongoing'}.get(med['status'], med['status'])}")
        add("medication.start", f"{name}:{med['effective']}" if med.get("effective") else None)
    for proc in patient.get("procedures", []):
        kind = "radiation" if "radiation" in proc.get("profile", "") else "surgery"
        add("procedure", f"{_tidy(proc['code'].get('display') or '').lower()}:{kind}")
    for score in patient.get("ecog", []):
        add("ecog", str(score))
    return _settle(out)


def _settle(fields: dict[str, Counter[str]]) -> dict[str, Counter[str]]:
    """Sets for single-valued fields (a count of 1), multisets for medications and procedures."""
    return {k: (v if k in MULTISET else Counter(set(v))) for k, v in fields.items()}


# --- Extracted values --------------------------------------------------------------------------------------------

def _root(cancer_id: str) -> str:
    parents = {c.id: c.parent for c in load_vocabulary().cancers}
    seen = set()
    while parents.get(cancer_id) and cancer_id not in seen:
        seen.add(cancer_id)
        cancer_id = parents[cancer_id] or cancer_id
    return cancer_id


def extracted(p: Profile) -> dict[str, Counter[str]]:
    """The profile's values per scored field (conflicting readings count as values too)."""
    out: dict[str, Counter[str]] = {}

    def add(name: str, value: str | None) -> None:
        if value:
            out.setdefault(name, Counter())[value] += 1

    for part in ("histology", "grade", "primary_site", "laterality"):
        v = getattr(p.cancer, part)
        add(f"cancer.{part}", v.value.lower() if v else None)
    for conflict in p.conflicts:
        for v in conflict.values if conflict.field.startswith("cancer.") else ():
            add(conflict.field, v.value.lower())
    add("cancer.cancer_id", _root(p.cancer.cancer_id) if p.cancer.cancer_id else None)
    for stage in [p.stage, *p.stage_history]:
        for axis in ("t", "n", "m"):
            v = getattr(stage, axis)
            add(f"stage.{axis}", f"{stage.prefix or ''}{v.value}" if v else None)
        add("stage.group", stage.group.value if stage.group else None)
    for v in p.metastases:
        add("metastasis", v.value.lower())
    for b in p.biomarkers:
        add("biomarker", f"{b.name}:{b.result}")
    for t in p.treatments:
        if t.drug_class in ("surgery", "radiation"):
            add("procedure", t.name.lower())
            add("procedure:class", f"{t.name.lower()}:{t.drug_class}")
        else:
            add("medication", t.name.lower())
            add("medication.status", f"{t.name.lower()}:{t.status}")
            add("medication.start", f"{t.name.lower()}:{t.start.isoformat()}" if t.start else None)
    add("ecog", p.performance.ecog.value if p.performance.ecog else None)
    return _settle(out)


# --- Scoring -----------------------------------------------------------------------------------------------------

@dataclass
class Tally:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    evidence_ok: int = 0
    evidence_total: int = 0
    documents: int = 0
    misses: list[str] = field(default_factory=list)
    unjudged: list[str] = field(default_factory=list)

    def add(self, doc: str, name: str, expected: Counter[str], got: Counter[str]) -> None:
        hit = expected & got
        self.tp[name] += sum(hit.values())
        self.fp[name] += sum((got - hit).values())
        self.fn[name] += sum((expected - hit).values())
        self.misses += [f"{doc} {name} missed {k}" for k in expected - hit]
        self.misses += [f"{doc} {name} extra {k}" for k in got - hit]

    def prf(self, name: str | None = None) -> tuple[int, int, int, float, float, float]:
        tp, fp, fn = ((self.tp[name], self.fp[name], self.fn[name]) if name else
                      (sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())))
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return tp, fp, fn, p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _read(path: Path) -> Profile:
    raw = path.read_text(encoding="utf-8")
    return extract_fhir(RecordDocument(id=path.stem, name=path.name, kind="fhir", text=raw, fhir=json.loads(raw)))


def _evidence(t: Tally, path: Path, p: Profile) -> None:
    text = path.read_text(encoding="utf-8")
    for _, ev in iter_values(p):
        t.evidence_total += 1
        t.evidence_ok += text[ev.char_start:ev.char_end] == ev.quote


def score_ihe(root: Path) -> Tally:
    """IHE SDC pathology bundles against the coded-item ground truth."""
    t = Tally()
    for bundle in json.loads((root / "coded_items_extracted.json").read_text()):
        path = root / bundle["file"]
        profile = _read(path)
        expected, unjudged = ihe_expected(bundle["items"])
        got = extracted(profile)
        t.unjudged += [f"{path.name} {name}" for name in sorted(unjudged)]
        for name in IHE_FIELDS:
            if name not in unjudged:
                t.add(path.name, name, expected.get(name, Counter()), got.get(name, Counter()))
        _evidence(t, path, profile)
        t.documents += 1
    return t


def score_mcode(root: Path) -> Tally:
    """mCODE patient bundles against their extracted ground truth."""
    t = Tally()
    for patient in json.loads((root / "ground_truth_extracted.json").read_text()):
        path = root / patient["file"]
        profile = _read(path)
        expected, got = mcode_expected(patient), extracted(profile)
        got["procedure"] = got.pop("procedure:class", Counter())
        for name in MCODE_FIELDS:
            t.add(path.name, name, expected.get(name, Counter()), got.get(name, Counter()))
        _evidence(t, path, profile)
        t.documents += 1
    return t


def _rows(dataset: str, t: Tally, fields: Iterable[str]) -> list[list[Any]]:
    rows = [[dataset, name, *t.prf(name)] for name in fields if t.tp[name] + t.fp[name] + t.fn[name]]
    return [*rows, [dataset, "ALL", *t.prf()]]


def main() -> None:
    sets = [("ihe-sdc", eval_path("ihe-sdc-cancer-pathology-fhir"), score_ihe, IHE_FIELDS),
            ("mcode", eval_path("mcode-trial-matching-fhir"), score_mcode, MCODE_FIELDS)]
    rows: list[list[Any]] = []
    extra: dict[str, Any] = {}
    for name, root, scorer, fields in sets:
        if root is None:
            console.print(f"[yellow]skipped {name}: its eval data is absent")
            continue
        tally = scorer(root)
        rows += _rows(name, tally, fields)
        extra[name] = {"documents": tally.documents, "f1": tally.prf()[5],
                       "evidence_ok": tally.evidence_ok, "evidence_total": tally.evidence_total,
                       "differences": tally.misses, "unjudged": tally.unjudged}
    if not rows:
        return
    report("records_fhir", "FHIR records -> profile: field-level scores",
           ["set", "field", "tp", "fp", "fn", "precision", "recall", "f1"], rows, extra)
    for name, info in extra.items():
        console.print(f"{name}: {info['documents']} documents, F1 {info['f1']:.3f}, evidence spans ok "
                      f"{info['evidence_ok']}/{info['evidence_total']}")
        for line in info["differences"]:
            console.print(f"  {line}")
        for line in info["unjudged"]:
            console.print(f"  unjudged (no ground-truth value): {line}")


if __name__ == "__main__":
    main()
