"""Record extraction on real transcribed notes (MTSamples oncology dev set): P/R/F1 per field, by half.

The 40 documents of ``eval-data/mtsamples-oncology-dev`` are split by document number: odd numbers are the dev
half (tuned on), even numbers the test half (read only for the report). Fields: cancer type (the organ group of
the profile's cancer id, e.g. ``breast``, ``lymphoma``), histology, stage (T, N, M, group), biomarkers (name and
stated result; a result of the opposite sign is a *flip*), treatments received and treatments planned. Every
false positive is given a trap kind by where its evidence sits (family history, negated, hypothetical/planned,
declined, exam line, benign surgery, other), read by this file's own simple rules, not by the extractor's.
Run: ``PYTHONPATH=src python -m bench.records_mtsamples``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from bench.common import console, eval_path, report

FIELDS = ("cancer", "histology", "stage", "biomarkers", "treatments", "planned")
# gold "cancer" words -> the organ groups (root cancer ids of the vocabulary) that count as right
_GOLD_GROUPS = {"uterus": {"uterine"}, "cervix": {"cervical"}, "bile duct": {"biliary"}, "orbit": {"sarcoma"},
                "soft tissue": {"sarcoma"}, "skin": {"skin", "melanoma"}, "myeloproliferative neoplasm": {"mpn"},
                "uterus/cervix": {"uterine", "cervical"}, "brain": {"brain"}, "colon": {"colorectal"},
                "rectum": {"colorectal"},
                # dev set 2 labels name organs the vocabulary files under another root
                "myelodysplastic neoplasm": {"mds"}, "oral cavity": {"head-and-neck"}, "oropharynx": {"head-and-neck"},
                "retroperitoneal sarcoma": {"sarcoma"}, "soft tissue sarcoma": {"sarcoma"}, "pancreas": {"pancreatic"},
                "testis": {"testicular"}, "small intestine": {"net", "small-intestine"},
                "bone": {"sarcoma"}, "hypopharynx": {"head-and-neck"},
                "pancreatic neuroendocrine tumour": {"net", "pancreatic"}}
_PLANNED = {"planned", "recommended"}
_NOT_RECEIVED = {"planned", "recommended", "declined", "hypothetical"}
_STOP = {"the", "of", "and", "with", "a", "type", "not", "further", "specified", "later", "to", "left", "right",
         "neck", "lymph", "nodes", "metastatic", "separate", "two", "primaries", "grade", "high", "low", "well",
         "moderately", "poorly", "differentiated", "intermediate", "multiforme"}
_SAME = {"cancer": "carcinoma", "infiltrating": "invasive", "tumor": "carcinoma", "lung": "", "thyroid": "",
         "uterine": "", "non-hodgkin": "", "b-cell": "", "nhl": "", "transitional": "urothelial"}


def docs_dir() -> Path | None:
    return eval_path("mtsamples-oncology-dev")


def load() -> tuple[dict[str, str], dict[str, Any]]:
    """Texts by key (``d01``) and their labels."""
    root = docs_dir()
    assert root is not None
    labels = yaml.safe_load((root / "labels.yaml").read_text())
    texts = {f"d{p.stem}": p.read_text() for p in sorted((root / "docs").glob("*.txt"))}
    return texts, labels


DRAGON = Path(__file__).parent / "data" / "records" / "dragon"


def load_dragon() -> tuple[dict[str, str], dict[str, Any]] | None:
    """The DRAGON sample reports dev set (texts by ``fetch.py``, labels here), or None when not fetched."""
    texts = {p.stem: p.read_text() for p in sorted((DRAGON / "texts").glob("*.txt"))}
    if not texts:
        return None
    labels = yaml.safe_load((DRAGON / "labels.yaml").read_text())
    return {k: v for k, v in texts.items() if k in labels}, labels


BLIND = Path(__file__).parent / "data" / "records" / "blind"


def load_blind() -> tuple[dict[str, str], dict[str, Any]] | None:
    """The blind set (30 documents written apart from the rules, ``bench/data/records/blind/README.md``): reported
    as numbers only, never read while changing the engine."""
    labels_file = BLIND / "labels.yaml"
    if not labels_file.exists():
        return None
    labels = yaml.safe_load(labels_file.read_text())
    texts = {f"b{p.stem}": p.read_text() for p in sorted((BLIND / "docs").glob("*.txt"))}
    return {k: v for k, v in texts.items() if k in labels}, labels


def half(key: str) -> str:
    return "dev" if int(key[1:]) % 2 else "test"


# ------------------------------------------------------------------------------------------------ normal forms


def _roots() -> dict[str, str]:
    """Vocabulary cancer id -> its root cancer (the records engine's own table)."""
    from oncoguide.records.diagnosis import _roots as roots

    return roots()


def organ_roots(cancer_id: str | None) -> set[str]:
    """The organ groups of a cancer's own ICD-O-3 topography (a Wilms tumour, filed under childhood cancers, is a
    kidney cancer; an ependymoma a brain tumour), from the engine's site table."""
    from oncoguide.knowledge.vocab_models import load_vocabulary
    from oncoguide.records.histology import _sites

    if not cancer_id:
        return set()
    codes = {c for v in load_vocabulary().cancers if v.id == cancer_id for c in v.icd_o3_topography}
    roots = _roots()
    return {roots.get(cid, cid) for _, code, cid in _sites().by_tokens.values() if code in codes and cid}


def gold_groups(gold: str | None) -> set[str]:
    if not gold:
        return set()
    word = gold.split(" (")[0].strip()
    if word in _GOLD_GROUPS:
        return _GOLD_GROUPS[word]
    # an organ the label names in plain words ("ovary", "esophagus", "larynx") is the root cancer of its ICD-O-3
    # topography in the engine's own site table
    from oncoguide.records.histology import site_cancer

    site = site_cancer(word)
    return {word.replace(" ", "-")} | ({_roots().get(site, site)} if site else set())


def _words(text: str) -> set[str]:
    text = re.sub(r"[(),;]|'s\b", " ", text.lower())
    return {_SAME.get(w, w) for w in text.split() if w not in _STOP} - {""}


def histology_match(pred: str, gold: str) -> bool:
    """The predicted histology says nothing the gold does not, and names its kind (carcinoma, lymphoma...)."""
    for part in re.split(r";", gold):
        p, g = _words(pred), _words(part)
        if p and p <= g:
            return True
    return False


def _norm_marker(name: str) -> str:
    """One name per marker: the vocabulary's report name for a label's or reading's spelling ("MLH1" -> MMR,
    "ERBB2" -> HER2, "MGMT promoter" -> MGMT; knowledge/vocab/biomarkers*.yaml aliases and report patterns), as
    letters and digits; a spelling the vocabulary does not know stays as written."""
    from oncoguide.records.biomarkers import canonical_name

    key = re.sub(r"[^a-z0-9]", "", (canonical_name(name) or name).lower())
    return {"p53": "tp53"}.get(key, key)


def _sign(result: str) -> str | None:
    r = str(result).lower()
    return "positive" if r in ("positive", "elevated") else "negative" if r == "negative" else None


# One operation under the names labels also give it (the engine names it by the head word of its vocabulary entry)
_SAME_OPERATION = {
    "lumpectomy": r"partial mastectomy|segmental mastectomy|breast[- ]conserving|breast conservation|quadrantectomy",
    "pancreaticoduodenectomy": r"whipple", "debulking": r"cytoreduct",
    "hemicolectomy": r"colectomy", "colectomy": r"hemicolectomy",
    "orchiectomy": r"orchidectomy", "salpingo-oophorectomy": r"\bbso\b", "hysterectomy": r"\b(tah|tlh)\b",
    "esophagectomy": r"ivor lewis|oesophagectomy", "turbt": r"transurethral resection of (a |the )?bladder tumou?r",
    "cystectomy": r"cystoprostatectomy", "cystoprostatectomy": r"cystectomy",
}


def treatment_match(pred: str, gold: str) -> bool:
    """A drug by generic name; a procedure by its head word; radiation by any radiation word."""
    g = gold.lower()
    if pred.startswith("radiation"):
        return bool(re.search(r"radiation|radiotherapy|brachytherapy|radioactive|\b(imrt|isrt|sbrt|sabr|srs|wbrt|rt)\b"
                              r"|\d+(\.\d+)? ?gy\b", g))
    if pred.startswith("surgery: "):
        head = pred.removeprefix("surgery: ").split()[-1]
        if head == "chemoembolization" and re.search(r"\btace\b|chemoembolization", g):
            return True
        if head == "lobectomy" and re.search(r"\blobe (lung )?resection", g):
            return True  # an upper lobe resection is a lobectomy
        same = _SAME_OPERATION.get(head)
        return head in g or (head == "resection" and "excision" in g) or (head == "excision" and "resection" in g) \
            or (same is not None and re.search(same, g) is not None)
    if pred.startswith("transplant"):  # "transplant: autologous"
        return "transplant" in g
    return pred == g or re.search(rf"\b{re.escape(pred)}\b", g) is not None


# Procedure convention (docs/records.md): a lymph-node or neck dissection with cancer pathology is surgery received
# and stays a label; a biopsy (lymph node biopsy, sentinel-node mapping) and screening are diagnosis or staging,
# not treatment, as the data set's own README says: the few labels that list one are not scored.
_NOT_TREATMENT = re.compile(r"\bbiopsy\b|\bmapping\b|\bscreening\b", re.I)


def treatment_labels(items: list[str] | None) -> list[str]:
    """Labelled treatments without the diagnostic or staging procedures the convention does not count."""
    return [g for g in items or [] if not _NOT_TREATMENT.search(g)]


# ------------------------------------------------------------------------------------------------ trap kinds

_HEADER = re.compile(r"^\s*([A-Z][A-Z /&,()-]{2,60}):", re.M)
_FAMILY = re.compile(r"\b(mother|father|sister|brother|aunt|uncle|grand\w+|cousin|daughter|son|sibling|family)\b",
                     re.I)
_NEG = re.compile(r"\b(no|not|denies|negative|without|free of|ruled out|benign)\b", re.I)
_HYPO = re.compile(r"\b(would|could|may|might|consider|option|plan|recommend|will|discuss|if|risk)\w*", re.I)
_DECLINED = re.compile(r"\b(declin|refus|did not want|elected not)\w*", re.I)
_EXAM = re.compile(r"physical exam|review of systems|exam", re.I)


def trap_kind(text: str, start: int, kind: str) -> str:
    """What a false positive at ``text[start]`` was about, read from its header, line and sentence."""
    header = ""
    for m in _HEADER.finditer(text, 0, start):
        header = m.group(1)
    line_start = text.rfind("\n", 0, start) + 1
    line = text[line_start:text.find("\n", start) if "\n" in text[start:] else len(text)]
    sentence = re.split(r"(?<=[.;])\s", text[line_start:start])[-1]
    if "FAMILY" in header.upper() or _FAMILY.search(sentence):
        return "family"
    if _DECLINED.search(line):
        return "declined"
    if _NEG.search(sentence):
        return "negated"
    if _EXAM.search(header) or (re.match(r"\s*[A-Z]{4,}:", line) and kind == "cancer"):
        return "exam line"
    if _HYPO.search(sentence) or re.search(r"PLAN|RECOMMEND", header.upper()):
        return "hypothetical/planned"
    if kind == "surgery":
        return "benign/unrelated surgery"
    return "other"


# ------------------------------------------------------------------------------------------------ scoring


class Tally:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(keys: Iterable[str], texts: dict[str, str], labels: dict[str, Any]) -> dict[str, Any]:
    from oncoguide.records.model import RecordDocument
    from oncoguide.records.text_extract import extract_text

    roots = _roots()
    tallies = {f: Tally() for f in FIELDS}
    traps: Counter[str] = Counter()
    by_field: dict[str, Counter[str]] = {f: Counter() for f in FIELDS}  # the same false positives, per field
    flips: list[str] = []
    errors: list[str] = []
    for key in keys:
        text, gold = texts[key], labels[key]
        p = extract_text(RecordDocument(id=key, name=key, kind="text", text=text))
        # cancer type
        groups = gold_groups(gold.get("cancer"))
        got = roots.get(p.cancer.cancer_id or "", p.cancer.cancer_id)
        if got is None and p.cancer.primary_site is not None:
            got = p.cancer.primary_site.value
        ok = got is not None and (got in groups or p.cancer.cancer_id in groups  # the engine's own id, named
                                  or bool(organ_roots(p.cancer.cancer_id) & groups))  # (neuroblastoma: childhood)
        tallies["cancer"].add(tp=int(ok), fp=int(got is not None and not ok), fn=int(bool(groups) and not ok))
        if got is not None and not ok:
            ev = (p.cancer.primary_site or p.cancer.histology)
            kind = trap_kind(text, ev.evidence.char_start, "cancer") if ev else "other"
            traps[kind] += not groups
            by_field["cancer"][kind] += not groups
            errors.append(f"{key} cancer: got {got} want {sorted(groups)} [{kind}]")
        elif groups and not ok:
            errors.append(f"{key} cancer: missed {sorted(groups)}")
        # histology
        hist = p.cancer.histology.value if p.cancer.histology else None
        ghist = gold.get("histology")
        ok = bool(hist and ghist and histology_match(hist, ghist))
        tallies["histology"].add(tp=int(ok), fp=int(hist is not None and not ok), fn=int(bool(ghist) and not ok))
        if not ok and (hist or ghist):
            kind = trap_kind(text, p.cancer.histology.evidence.char_start, "cancer") if p.cancer.histology else ""
            if hist and not ghist:
                traps[kind] += 1
                by_field["histology"][kind] += 1
            errors.append(f"{key} histology: got {hist!r} want {ghist!r} {kind}")
        # stage
        want = {a: str(gold[a]).lower().lstrip("cpy") for a in ("t", "n", "m") if gold.get(a)}
        if gold.get("stage_group"):
            want["group"] = str(gold["stage_group"]).lower().replace(" stage", "")
        have = {a: v.value.lower() for a in ("t", "n", "m", "group") if (v := getattr(p.stage, a)) is not None}
        for a in set(want) | set(have):
            hit = want.get(a) is not None and want.get(a) == have.get(a)
            tallies["stage"].add(tp=int(hit), fp=int(a in have and not hit), fn=int(a in want and not hit))
            if not hit:
                errors.append(f"{key} stage.{a}: got {have.get(a)} want {want.get(a)}")
        # biomarkers
        gm = {_norm_marker(k): v for k, v in (gold.get("biomarkers") or {}).items()}
        pm: dict[str, tuple[str, int]] = {}
        for b in p.biomarkers:
            pm.setdefault(_norm_marker(b.name), (b.result, b.evidence.char_start))
        for name in set(gm) | set(pm):
            g, pr = gm.get(name), pm.get(name)
            if g is not None and pr is not None and _sign(str(g)) and pr[0] in ("positive", "negative") \
                    and _sign(str(g)) != pr[0]:
                flips.append(f"{key} {name}: stated {g}, read {pr[0]}")
            hit = g is not None and pr is not None and (_sign(str(g)) is None or _sign(str(g)) == pr[0])
            tallies["biomarkers"].add(tp=int(hit), fp=int(pr is not None and not hit), fn=int(g is not None
                                                                                             and not hit))
            if pr is not None and not hit:
                traps[trap_kind(text, pr[1], "marker")] += g is None
                by_field["biomarkers"][trap_kind(text, pr[1], "marker")] += g is None
            if not hit:
                errors.append(f"{key} marker {name}: got {pr and pr[0]} want {g}")
        # treatments received / planned
        for field, want_items, statuses in (("treatments", treatment_labels(gold.get("treatments")), None),
                                            ("planned", treatment_labels(gold.get("planned")), _PLANNED)):
            preds = [t for t in p.treatments if (t.status in statuses if statuses else t.status not in
                                                 _NOT_RECEIVED)]
            used: set[int] = set()
            names = set()
            for t in preds:
                if t.name in names:
                    continue
                names.add(t.name)
                j = next((j for j, g in enumerate(want_items) if j not in used and treatment_match(t.name, g)), None)
                if j is None:
                    j = next((j for j, g in enumerate(want_items) if treatment_match(t.name, g)), -1)
                    if j >= 0:
                        continue  # a second mention of one labelled item (lobectomy twice) is neither
                    tallies[field].add(fp=1)
                    kind = trap_kind(text, t.evidence.char_start, "surgery" if t.drug_class == "surgery" else "tx")
                    traps[kind] += 1
                    by_field[field][kind] += 1
                    errors.append(f"{key} {field}: extra {t.name} ({t.status}) [{kind}]")
                else:
                    used.add(j)
                    tallies[field].add(tp=1)
            for j, g in enumerate(want_items):
                if j not in used:
                    tallies[field].add(fn=1)
                    errors.append(f"{key} {field}: missed {g}")
    return {"fields": {f: (*t.prf(), t.tp, t.fp, t.fn) for f, t in tallies.items()}, "traps": dict(traps),
            "field_traps": {f: {k: n for k, n in c.items() if n} for f, c in by_field.items()}, "flips": flips,
            "errors": errors}


def main() -> None:
    if docs_dir() is None:
        console.print("records_mtsamples: eval data absent, skipped")
        return
    texts, labels = load()
    halves = {"dev": [k for k in texts if half(k) == "dev"], "test": [k for k in texts if half(k) == "test"],
              "all": list(texts)}
    results = {name: score(keys, texts, labels) for name, keys in halves.items()}
    dragon = load_dragon()
    if dragon is not None:  # a further dev set of real reports (bench/data/records/dragon/README.md)
        results["dragon"] = score(list(dragon[0]), *dragon)
    else:
        console.print("dragon dev set not fetched: python bench/data/records/dragon/fetch.py")
    blind = load_blind()
    normalised: dict[str, Any] = {}
    if blind is not None:  # numbers only: no per-document errors are written for the blind set
        results["blind"] = score(list(blind[0]), *blind)
        from bench.records_dev2 import score_markers  # dev set 2's marker names ("ALK (D5F3)" is ALK)

        m = score_markers(list(blind[0]), *blind)
        normalised = {"blind_biomarkers_normalised": m["field"], "blind_flips": len(results["blind"]["flips"]),
                      "blind_flips_normalised": len(m["flips"])}
    rows = [[h, f, *r["fields"][f]] for h, r in results.items() for f in FIELDS]
    report("records_mtsamples", "Real notes (MTSamples): P/R/F1 per field, dev (odd) / test (even) / all;"
           " dragon: DRAGON sample reports (further dev set); blind: written apart from the rules (never tuned to)",
           ["half", "field", "precision", "recall", "f1", "tp", "fp", "fn"], rows,
           {"traps": {h: r["traps"] for h, r in results.items()}, "flips": results["all"]["flips"], **normalised})
    console.print(f"false positives by trap kind (all): {results['all']['traps']}")
    if normalised:
        p_, r_, f_, *_ = normalised["blind_biomarkers_normalised"]
        flips = f"{normalised['blind_flips']} (normalised {normalised['blind_flips_normalised']})"
        console.print(f"blind: biomarkers with dev set 2's marker-name normalisation P {p_:.3f} R {r_:.3f} "
                      f"F1 {f_:.3f}; flipped markers {flips}; false positives by field and trap kind "
                      f"{results['blind']['field_traps']}")
    console.print(f"flipped markers: {results['all']['flips'] or 'none'}")
    out = Path(__file__).parent / "results" / "records_mtsamples_errors.txt"
    out.write_text("\n".join(results["all"]["errors"]) + "\n")
    if "dragon" in results:
        console.print(f"dragon: traps {results['dragon']['traps']}, flips {results['dragon']['flips'] or 'none'}")
        (out.parent / "records_dragon_errors.txt").write_text("\n".join(results["dragon"]["errors"]) + "\n")


if __name__ == "__main__":
    main()
