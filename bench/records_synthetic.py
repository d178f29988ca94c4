"""Record extraction on synthetic patient records (bench/data/records): precision, recall and F1 per profile field.

Each case is one or more documents; PDF cases are rendered with fpdf2 at run time. The documents are read with
``read_record``, merged with ``build_profile`` and compared with ``labels.yaml`` field by field (normal forms: the
header of labels.yaml and the README there). Also checks that every evidence quote is the text it points at, and
times a 10-page PDF record. Run: ``.venv/bin/python -m bench.records_synthetic``.
"""

from __future__ import annotations

import io
import re
import statistics
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bench.common import RESULTS, console, report

if TYPE_CHECKING:
    from oncoguide.records.model import Profile, RecordDocument

RECORDS = Path(__file__).parent / "data" / "records"
LABELS = RECORDS / "labels.yaml"
ERRORS = RESULTS / "records_synthetic_errors.md"
PAGE_BREAK = "[[PAGE BREAK]]"
SPEED_GOAL_S = 1.0

FIELDS = ("cancer_id", "histology", "primary_site", "laterality", "stage.prefix", "stage.t", "stage.n", "stage.m",
          "stage.group", "stage_history", "metastases", "biomarker", "biomarker.detail", "treatment",
          "treatment.status", "treatment.reason_stopped", "ecog", "conflicts")

Files = list[tuple[str, bytes]]
Extract = Callable[[Files], "tuple[Profile, list[RecordDocument]]"]

# ------------------------------------------------------------------------------------------------ loading, PDFs


def load_cases(path: Path = LABELS) -> list[dict[str, Any]]:
    """The labelled cases of ``labels.yaml``."""
    cases = yaml.safe_load(path.read_text())
    assert isinstance(cases, list), f"{path}: expected a list of cases"
    return cases


def _table_cells(line: str) -> list[str] | None:
    """The cells of a ``a | b | c`` table row, or None for an ordinary line."""
    if "|" not in line:
        return None
    cells = [c.strip() for c in line.split("|")]
    return cells if len(cells) >= 2 and all(cells) else None


def render_pdf(text: str, title: str = "record", tables: bool = True) -> bytes:
    """A PDF of ``text`` (Helvetica, latin-1): ``[[PAGE BREAK]]`` lines start a page, ``a | b`` runs become tables."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    try:
        text.encode("latin-1")
    except UnicodeEncodeError as e:
        raise ValueError(f"{title}: PDF records must be latin-1 (core fonts): {e}") from e

    class _Pdf(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", size=8)
            self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = _Pdf(format="letter")
    pdf.set_title(title)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if line.strip() == PAGE_BREAK:
            pdf.add_page()
            i += 1
            continue
        j = i
        while tables and j < len(lines) and _table_cells(lines[j]) is not None:
            j += 1
        if j - i >= 2:  # a table: two or more "a | b" rows
            rows = [_table_cells(row) or [] for row in lines[i:j]]
            width = max(len(r) for r in rows)
            pdf.set_font("Helvetica", size=9)
            with pdf.table(text_align="LEFT", line_height=5, first_row_as_headings=True) as table:
                for cells in rows:
                    row = table.row()
                    for cell in cells + [""] * (width - len(cells)):
                        row.cell(cell)
            pdf.set_font("Helvetica", size=10)
            pdf.ln(2)
            i = j
            continue
        if line.strip():
            pdf.multi_cell(0, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            pdf.ln(3)
        i += 1
    return bytes(pdf.output())


def pdf_pages(data: bytes) -> int:
    """Page count of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def case_files(case: dict[str, Any]) -> Files:
    """(name, bytes) of each document of a case, rendered to PDF when the case says ``pdf: true``."""
    files = []
    for name in case["documents"]:
        text = (RECORDS / name).read_text()
        if case.get("pdf"):
            files.append((Path(name).with_suffix(".pdf").name, render_pdf(text, title=name)))
        else:
            plain = "\n".join(line for line in text.splitlines() if line.strip() != PAGE_BREAK) + "\n"
            files.append((name, plain.encode()))
    return files


def _api() -> tuple[Callable[[str, bytes], RecordDocument], Callable[[Sequence[RecordDocument]], Profile]]:
    """``read_record`` and ``build_profile``; ImportError with a clear message while they do not exist."""
    try:
        from oncoguide.records import profile, read

        return read.read_record, profile.build_profile
    except (ImportError, AttributeError) as e:
        raise ImportError("bench.records_synthetic needs oncoguide.records.read.read_record and "
                          f"oncoguide.records.profile.build_profile (the record extractor, issue 5): {e}") from e


def extract_files(files: Files) -> tuple[Profile, list[RecordDocument]]:
    """The real pipeline: read each file, then one profile for all of them."""
    read_record, build_profile = _api()
    docs = [read_record(name, data) for name, data in files]
    return build_profile(docs), docs


# ------------------------------------------------------------------------------------------------ normal forms

CANONICAL = {"ALK", "EGFR", "ROS1", "BRAF", "KRAS", "NRAS", "MET", "RET", "NTRK", "HER2", "PD-L1", "ER", "PR",
             "KI-67", "MSI", "MMR", "TMB", "BRCA1", "BRCA2", "PIK3CA", "ESR1"}
_NAME_ALIASES = {
    "ERBB2": "HER2", "HER2NEU": "HER2", "HER2": "HER2", "PDL1": "PD-L1", "KI67": "KI-67", "MIB1": "KI-67",
    "ESTROGENRECEPTOR": "ER", "OESTROGENRECEPTOR": "ER", "ER": "ER", "PROGESTERONERECEPTOR": "PR", "PGR": "PR",
    "PR": "PR", "MSIH": "MSI", "MSS": "MSI", "MICROSATELLITEINSTABILITY": "MSI", "MICROSATELLITESTATUS": "MSI",
    "DMMR": "MMR", "PMMR": "MMR", "MISMATCHREPAIR": "MMR", "TUMORMUTATIONALBURDEN": "TMB", "NTRK1": "NTRK",
    "NTRK2": "NTRK", "NTRK3": "NTRK", "NTRK123": "NTRK", "CMET": "MET", "ROS": "ROS1",
}
_RESULT_WORDS = {"positive", "negative", "pos", "neg", "detected", "not", "no", "none", "wild", "type", "wildtype",
                 "wt", "mutated", "mutation", "pending", "equivocal", "tested", "performed", "identified", "unknown",
                 "amplified", "expression", "present", "absent", "high", "low", "stable", "intact", "proficient",
                 "deficient", "rearranged", "rearrangement", "fusion", "result", "results", "the", "of", "for",
                 "mss", "msi", "h", "pmmr", "dmmr", "non", "by", "ihc", "ngs", "pcr", "fish"}
_SITES = {  # primary site word -> synonyms that also count
    "lung": ["lung", "pulmonary", "lobe", "bronch", "hil"], "colon": ["colon", "cecum", "caecum", "sigmoid",
    "flexure", "colonic"], "rectum": ["rect"], "breast": ["breast"], "prostate": ["prostat"],
}
_METS = {  # distant site -> words that name it
    "liver": ["liver", "hepat"], "lung": ["lung", "pulmonary"], "brain": ["brain", "intracranial", "cerebr",
    "cerebell", "frontal lobe", "cns"], "bone": ["bone", "osseous", "skelet", "vertebra", "spine", "spinal", "rib",
    "sacr", "ischium", "lytic", "sclerotic", "osteo"], "adrenal": ["adrenal"], "pleura": ["pleura"],
    "peritoneum": ["periton", "omentum", "omental", "carcinomatosis"], "soft tissue": ["soft tissue",
    "subcutaneous"], "lymph nodes": ["lymph node", "nodal", "adenopathy"],
}
_RAD_SITES = {
    "chest": ["chest", "thora", "lung", "mediastin", "hil"], "brain": ["brain", "cranial", "radiosurg", "srs", "pci",
    "frontal"], "breast": ["breast", "chest wall"], "pelvis": ["pelvi", "rect"], "prostate": ["prostat"],
    "spine": ["spin", "vertebra", r"[tl]\d{1,2}"],
}
_PROCEDURE_SYNONYMS = [
    (r"\b(partial|segmental) mastectomy\b|\bbreast[- ]conserving surgery\b", "lumpectomy"),
    (r"\bwle\b|\bwide excision\b", "wide local excision"), (r"\blar\b", "low anterior resection"),
]
_RADIATION_RE = re.compile(r"radiat|radiother|irradiat|radiosurg|\b(sbrt|srs|imrt|ebrt|xrt|pci|gy)\b")


def _words(s: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", s.lower())


def _alts(v: Any) -> list[str]:
    """A label value as its list of accepted alternatives."""
    return [str(x) for x in v] if isinstance(v, list) else [str(v)]


def _has(text: str, word: str) -> bool:
    """``word`` (a regex-safe stem) starts a word in ``text``."""
    return re.search(r"(?<![a-z0-9])" + word, text.lower()) is not None


def norm_name(name: str) -> str:
    """Canonical biomarker name (upper case; ``Ki-67`` as ``KI-67``); other genes keep their own name."""
    key = re.sub(r"[^A-Z0-9]", "", re.sub(r"\(.*?\)", "", name).upper())
    return _NAME_ALIASES.get(key) or (key if key in CANONICAL else name.upper().strip())


def norm_tnm(value: str, axis: str) -> str:
    """``pT2a`` -> ``T2a``; ``N0(sn)`` -> ``N0``; ``M1d(1)`` -> ``M1d``; a bare ``2a`` gets its axis."""
    s = re.sub(r"\s+", "", value)
    s = re.sub(r"\((sn|f|m|0|1)\)", "", s, flags=re.I)
    m = re.match(r"^(?:yp|yc|rp|c|p|r|a|y)?([TNM])(.*)$", s, flags=re.I)
    return (m.group(1).upper() + m.group(2).lower()) if m else axis + s.lower()


def norm_group(value: str) -> str:
    """``Stage 3a`` / ``IIIA`` -> ``IIIA``; ``extensive-stage`` -> ``extensive``."""
    s = value.strip().lower()
    for word in ("extensive", "limited"):
        if word in s:
            return word
    s = re.sub(r"\b(ajcc|8th|edition|stage|group|anatomic|prognostic|clinical|pathologic(al)?)\b", " ", s)
    s = re.sub(r"[\s:()\-]", "", s)
    m = re.match(r"^(iv|iii|ii|i|0|[1-4])([abc][12]?)?$", s)
    if not m:
        return s.upper()
    roman = {"1": "I", "2": "II", "3": "III", "4": "IV"}.get(m.group(1), m.group(1).upper())
    return roman + (m.group(2) or "").upper()


def norm_detail(value: str) -> str:
    """Lower case without spaces/punctuation; ``deletion`` -> ``del``, ``exon`` -> ``ex``, ``mutations/Mb`` ->
    ``mut/mb``, no ``p.``."""
    s = value.lower().replace("p.", "")
    for a, b in (("mutations", "mut"), ("muts", "mut"), ("deletion", "del"), ("insertion", "ins"), ("exon", "ex"),
                 ("skipping", "skip"), ("score", "")):
        s = s.replace(a, b)
    return re.sub(r"[^a-z0-9%+<>/._]", "", s)


def detail_match(expected: str, got: str) -> bool:
    """Equal, or one contains the other without splitting a number (``TPS 60%`` matches ``60%``, not ``0%``)."""
    e, g = norm_detail(expected), norm_detail(got)
    if not e or not g:
        return False
    short, long = sorted((e, g), key=len)
    return re.search(r"(?<![0-9.])" + re.escape(short) + r"(?![0-9])", long) is not None


def _informative_detail(detail: str | None) -> bool:
    """A detail that says more than the result (``not detected``, ``wild-type`` are not details)."""
    return bool(detail) and any(w not in _RESULT_WORDS for w in re.findall(r"[a-z0-9]+", (detail or "").lower()))


def norm_treatment(name: str) -> str:
    """Lower case, single spaces, ``a/b`` -> ``a and b``, FDA suffixes (``-rmbw``) and procedure synonyms mapped."""
    s = re.sub(r"\s+", " ", name.lower().strip())
    s = re.sub(r"\s*/\s*", " and ", s)
    s = re.sub(r"-[a-z]{4}\b", "", s)
    s = re.sub(r"^5-(fluorouracil)$", r"\1", s)
    for pattern, repl in _PROCEDURE_SYNONYMS:
        s = re.sub(pattern, repl, s)
    return s


def _is_radiation(t: tuple[str, str, str, str | None]) -> bool:
    return t[1] == "radiation" or _RADIATION_RE.search(t[0]) is not None


def treatment_match(expected: str, t: tuple[str, str, str, str | None], loose: bool = False) -> bool:
    """Whether an extracted treatment ``(name, class, status, reason)`` is the expected one (see labels.yaml)."""
    kind, _, what = expected.partition(": ")
    if kind == "surgery" and what:
        return all(w in set(_words(t[0])) for w in _words(what))
    if kind == "radiation" and what:
        return _is_radiation(t) and (loose or any(_has(t[0], a) for a in _RAD_SITES.get(what, [what])))
    return t[0] == norm_treatment(expected)


def site_match(expected: str, got: str) -> bool:
    return any(_has(got, w) for w in [re.escape(expected.lower()), *_SITES.get(expected.lower(), [])])


def met_sites(value: str) -> list[str]:
    """The distant sites an extracted metastasis value names (its own text when none is known)."""
    return [site for site, words in _METS.items() if any(_has(value, w) for w in words)] or [value.lower().strip()]


def norm_conflict(field: str) -> str:
    s = re.sub(r"\s+", "", field.lower())
    m = re.match(r"^biomarkers?[:.](.+)$", s)
    return "biomarker:" + norm_name(m.group(1)).lower() if m else s


# ------------------------------------------------------------------------------------------------ matching


@dataclass
class Want:
    """One expected value: shown as ``label``; ``strict`` says whether an extracted item is it, ``loose`` is tried
    on what is left (used for radiation named without its site)."""

    label: str
    strict: Callable[[Any], bool]
    loose: Callable[[Any], bool] | None = None


@dataclass
class Got:
    label: str
    item: Any


def match(wants: list[Want], gots: list[Got]) -> tuple[int, list[str], list[str]]:
    """Greedy one-to-one matching: (true positives, missed labels, extra labels). Repeats of a matched value are
    not counted as extra."""
    seen, unique = set(), []
    for g in gots:
        if g.label not in seen:
            seen.add(g.label)
            unique.append(g)
    taken, hit = [False] * len(unique), [False] * len(wants)
    for loose in (False, True):
        for i, w in enumerate(wants):
            pred = w.loose if loose else w.strict
            if hit[i] or pred is None:
                continue
            for j, g in enumerate(unique):
                if not taken[j] and pred(g.item):
                    taken[j] = hit[i] = True
                    break
    for j, g in enumerate(unique):
        if not taken[j] and any(hit[i] and w.strict(g.item) for i, w in enumerate(wants)):
            taken[j] = True
    return (sum(hit), [w.label for i, w in enumerate(wants) if not hit[i]],
            [g.label for j, g in enumerate(unique) if not taken[j]])


def _v(x: Any) -> str | None:
    """The ``value`` of a profile Value (None when absent)."""
    return None if x is None else str(x.value)


def _scalar(expected: Any, got: str | None, same: Callable[[str, str], bool]) -> tuple[list[Want], list[Got]]:
    """Items of a one-value field: ``expected`` may be a list of accepted alternatives."""
    wants = [] if expected is None else [Want(" | ".join(_alts(expected)),
                                              lambda g: any(same(a, g) for a in _alts(expected)))]
    return wants, ([] if got is None else [Got(got, got)])


def _same_text(a: str, g: str) -> bool:
    return a.lower().strip() == g.lower().strip()


def _same_histology(a: str, g: str) -> bool:
    """All words of the expected type are in the extracted one (``non small`` kept apart from ``small``)."""
    g = re.sub(r"\bnon[- ]?small\b", "non-small", g.lower()).replace("infiltrating", "invasive")
    return set(_words(a)) <= set(_words(g))


def field_items(expected: dict[str, Any], profile: Profile) -> dict[str, tuple[list[Want], list[Got]]]:
    """Expected and extracted items of each field of one case."""
    p, st = profile, expected.get("stage") or {}
    out: dict[str, tuple[list[Want], list[Got]]] = {}
    out["cancer_id"] = _scalar(expected.get("cancer_id"), p.cancer.cancer_id, _same_text)
    out["histology"] = _scalar(expected.get("histology"), _v(p.cancer.histology), _same_histology)
    out["primary_site"] = _scalar(expected.get("primary_site"), _v(p.cancer.primary_site), site_match)
    out["laterality"] = _scalar(expected.get("laterality"), _v(p.cancer.laterality),
                                lambda a, g: a[0].lower() == g.strip().lower()[:1])
    out["stage.prefix"] = _scalar(st.get("prefix"), p.stage.prefix, _same_text)
    for axis in ("t", "n", "m"):
        ax = axis.upper()
        out[f"stage.{axis}"] = _scalar(st.get(axis), _v(getattr(p.stage, axis)),
                                       lambda a, g, ax=ax: norm_tnm(a, ax) == norm_tnm(g, ax))
    out["stage.group"] = _scalar(st.get("group"), _v(p.stage.group),
                                 lambda a, g: norm_group(a) == norm_group(g))
    out["stage_history"] = (
        [Want(" | ".join(_alts(h)), lambda g, h=h: g in {norm_group(a) for a in _alts(h)})
         for h in expected.get("stage_history") or []],
        [Got(norm_group(s.group.value), norm_group(s.group.value)) for s in p.stage_history if s.group])
    out["metastases"] = (
        [Want(m, lambda g, m=m: g == m) for m in expected.get("metastases") or []],
        [Got(site, site) for v in p.metastases for site in met_sites(v.value)])

    bms = [(norm_name(b.name), b.result, b.detail) for b in p.biomarkers]
    bms = [b for b in bms if b[0] in CANONICAL]
    exp_bms = expected.get("biomarkers") or []

    def _result_ok(b: dict[str, Any], g: tuple[str, str, str | None]) -> bool:
        return g[0] == norm_name(b["name"]) and (b["result"] == "any" or g[1] in _alts(b["result"]))

    def _detail_ok(b: dict[str, Any], g: tuple[str, str, str | None]) -> bool:
        return g[0] == norm_name(b["name"]) and bool(g[2]) and any(detail_match(a, g[2] or "")
                                                                      for a in _alts(b["detail"]))

    out["biomarker"] = ([Want(f"{b['name']} {' | '.join(_alts(b['result']))}", lambda g, b=b: _result_ok(b, g))
                         for b in exp_bms], [Got(f"{g[0]} {g[1]}", g) for g in bms])
    with_detail = {norm_name(b["name"]) for b in exp_bms if b.get("detail")}
    out["biomarker.detail"] = (  # the detail of a negative/untested result counts only when the label has one
        [Want(f"{b['name']} {' | '.join(_alts(b['detail']))}", lambda g, b=b: _detail_ok(b, g))
         for b in exp_bms if b.get("detail")],
        [Got(f"{g[0]} {g[2]}", g) for g in bms if _informative_detail(g[2])
         and (g[1] in ("positive", "equivocal") or g[0] in with_detail)])

    # "recommended" is a planned treatment in these labels (written before the two were told apart)
    txs = [(norm_treatment(t.name), t.drug_class, "planned" if t.status == "recommended" else t.status,
            t.reason_stopped) for t in p.treatments]
    exp_tx = expected.get("treatments") or []

    def _tx_want(label: str, name: str, extra: Callable[[Any], bool]) -> Want:
        loose = (lambda g: treatment_match(name, g, loose=True) and extra(g)) if name.startswith("radiation:") \
            else None
        return Want(label, lambda g: treatment_match(name, g) and extra(g), loose)

    names = list(dict.fromkeys(t["name"] for t in exp_tx))
    out["treatment"] = ([_tx_want(n, n, lambda g: True) for n in names], [Got(g[0], g) for g in txs])
    out["treatment.status"] = (
        [_tx_want(f"{t['name']} {' | '.join(_alts(t['status']))}", t["name"],
                  lambda g, t=t: g[2] in _alts(t["status"])) for t in exp_tx],
        [Got(f"{g[0]} {g[2]}", g) for g in txs if g[2] not in (None, "unknown")])
    out["treatment.reason_stopped"] = (
        [_tx_want(f"{t['name']} {t['reason_stopped']}", t["name"], lambda g, t=t: g[3] == t["reason_stopped"])
         for t in exp_tx if t.get("reason_stopped")],
        [Got(f"{g[0]} {g[3]}", g) for g in txs if g[3] and not (g[3] == "completed" and g[2] == "completed")])

    ecog = _v(p.performance.ecog)
    digit = re.search(r"[0-5]", ecog or "")
    out["ecog"] = _scalar(expected.get("ecog"), digit.group(0) if digit else ecog, _same_text)
    out["conflicts"] = (
        [Want(c, lambda g, c=c: g == norm_conflict(c)) for c in expected.get("conflicts") or []],
        [Got(norm_conflict(c.field), norm_conflict(c.field)) for c in p.conflicts])
    return out


# ------------------------------------------------------------------------------------------------ evidence


def _evidences(obj: Any) -> Iterable[Any]:
    """Every Evidence object inside a profile (duck-typed: has quote, char_start, char_end, document_id)."""
    if all(hasattr(obj, a) for a in ("quote", "char_start", "char_end", "document_id")):
        yield obj
    elif hasattr(type(obj), "model_fields"):
        for name in type(obj).model_fields:
            yield from _evidences(getattr(obj, name))
    elif isinstance(obj, list | tuple):
        for x in obj:
            yield from _evidences(x)


def check_evidence(profile: Profile, docs: Sequence[RecordDocument]) -> tuple[int, list[str]]:
    """(evidence spans checked, violations): each quote must equal ``doc.text[char_start:char_end]``."""
    texts = {d.id: d.text for d in docs}
    checked, bad = 0, []
    for ev in _evidences(profile):
        checked += 1
        text = texts.get(ev.document_id)
        if text is None:
            bad.append(f"unknown document {ev.document_id!r} (quote {ev.quote!r})")
        elif text[ev.char_start:ev.char_end] != ev.quote:
            bad.append(f"{ev.document_id}[{ev.char_start}:{ev.char_end}] = "
                       f"{text[ev.char_start:ev.char_end]!r} != quote {ev.quote!r}")
    return checked, bad


# ------------------------------------------------------------------------------------------------ scoring


def prf(c: Counter[str]) -> dict[str, float | int]:
    """Precision, recall, F1 from tp/fp/fn counts (1.0 when there is nothing to get wrong)."""
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"expected": tp + fn, "got": tp + fp, "tp": tp, "precision": p, "recall": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score_cases(cases: Sequence[dict[str, Any]], extract: Extract | None = None) -> dict[str, Any]:
    """Score the extractor on ``cases`` (labels.yaml entries): per-field, per-trap and per-cancer P/R/F1, overall
    micro-F1, the mismatches and the evidence check. ``extract`` defaults to read_record + build_profile."""
    if extract is None:
        _api()  # fail early and clearly while the extractor does not exist
        extract = extract_files
    fields: dict[str, Counter[str]] = {f: Counter() for f in FIELDS}
    traps: dict[str, Counter[str]] = {}
    cancers: dict[str, Counter[str]] = {}
    trap_cases: Counter[str] = Counter()
    mismatches: list[dict[str, str]] = []
    failed: list[dict[str, str]] = []
    ev_checked, ev_bad = 0, []
    for case in cases:
        exp = case.get("expected") or {}
        try:
            profile, docs = extract(case_files(case))
        except ImportError:
            raise
        except Exception as e:  # one broken case must not hide the others' scores
            from oncoguide.records.model import Profile as _Profile

            failed.append({"case": case["id"], "error": f"{type(e).__name__}: {e}"})
            profile, docs = _Profile(), []
        n, bad = check_evidence(profile, docs)
        ev_checked += n
        ev_bad += [f"{case['id']}: {b}" for b in bad]
        case_tally: Counter[str] = Counter()
        for field, (wants, gots) in field_items(exp, profile).items():
            tp, missed, extra = match(wants, gots)
            c = Counter(tp=tp, fp=len(extra), fn=len(missed))
            fields[field].update(c)
            case_tally.update(c)
            if missed or extra:
                mismatches.append({"case": case["id"], "field": field, "expected": "; ".join(missed) or "-",
                                   "got": "; ".join(extra) or "-"})
        for trap in case.get("traps", []):
            traps.setdefault(trap, Counter()).update(case_tally)
            trap_cases[trap] += 1
        cancers.setdefault(case.get("cancer_type", "?"), Counter()).update(case_tally)
    total: Counter[str] = sum(fields.values(), Counter())
    return {
        "cases": len(cases), "failed": failed,
        "fields": {f: prf(c) for f, c in fields.items()},
        "overall": prf(total),
        "traps": {t: {"cases": trap_cases[t], **prf(c)} for t, c in sorted(traps.items())},
        "cancer_types": {k: prf(c) for k, c in sorted(cancers.items())},
        "mismatches": mismatches,
        "evidence": {"checked": ev_checked, "violations": len(ev_bad), "examples": ev_bad[:25]},
    }


# ------------------------------------------------------------------------------------------------ speed


def ten_page_text(cases: Sequence[dict[str, Any]], pages: int = 10, lines_per_page: int = 44) -> str:
    """A 10-page record made of the set's own documents, one page per ``lines_per_page`` wrapped lines."""
    lines: list[str] = []
    for case in cases:
        for name in case["documents"]:
            text = (RECORDS / name).read_text()
            for line in text.splitlines():
                if line.strip() != PAGE_BREAK:
                    lines += textwrap.wrap(line, 95) or [""]
            lines.append("")
    chunks, i = [], 0
    while len(chunks) < pages:
        chunk = [lines[(i + k) % len(lines)] for k in range(lines_per_page)]
        chunks.append("\n".join(chunk))
        i += lines_per_page
    return f"\n{PAGE_BREAK}\n".join(chunks)


def speed_check(cases: Sequence[dict[str, Any]], runs: int = 5) -> dict[str, Any]:
    """Median time of read_record + build_profile on a 10-page PDF record over ``runs`` runs."""
    read_record, build_profile = _api()
    data = render_pdf(ten_page_text(cases), title="speed record", tables=False)
    total, reading = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        doc = read_record("speed_10_pages.pdf", data)
        t1 = time.perf_counter()
        build_profile([doc])
        t2 = time.perf_counter()
        reading.append(t1 - t0)
        total.append(t2 - t0)
    median = statistics.median(total)
    return {"pages": pdf_pages(data), "bytes": len(data), "runs": runs, "median_s": median,
            "median_read_s": statistics.median(reading), "goal_s": SPEED_GOAL_S, "ok": median <= SPEED_GOAL_S}


# ------------------------------------------------------------------------------------------------ output


def _md(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def write_errors(result: dict[str, Any], path: Path | None = None) -> None:
    """The mismatches as a Markdown table (case, field, expected but missing, extracted but wrong)."""
    path = path or ERRORS
    o = result["overall"]
    lines = ["# Record extraction: mismatches on the synthetic set", "",
             f"{result['cases']} cases; micro P {o['precision']:.3f} R {o['recall']:.3f} F1 {o['f1']:.3f}; "
             f"{len(result['mismatches'])} mismatched fields; evidence violations "
             f"{result['evidence']['violations']} of {result['evidence']['checked']}.", "",
             "`expected` is what the labels hold and the profile missed; `got` is what the profile holds and the "
             "labels do not (normal forms: bench/data/records/labels.yaml).", ""]
    if result["failed"]:
        lines += ["## Cases that failed", ""] + [f"- {f['case']}: {_md(f['error'])}" for f in result["failed"]]
        lines.append("")
    lines += ["| case | field | expected | got |", "|---|---|---|---|"]
    lines += [f"| {m['case']} | {m['field']} | {_md(m['expected'])} | {_md(m['got'])} |"
              for m in result["mismatches"]]
    if result["evidence"]["examples"]:
        lines += ["", "## Evidence violations (first 25)", ""] + [f"- {_md(e)}" for e in result["evidence"]["examples"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def main() -> None:
    from rich.table import Table

    cases = load_cases()
    result = score_cases(cases)
    speed = speed_check(cases)
    columns = ["field", "expected", "got", "tp", "precision", "recall", "f1"]
    keys = columns[1:]
    rows = [[f, *(v[k] for k in keys)] for f, v in result["fields"].items()]
    rows.append(["overall (micro)", *(result["overall"][k] for k in keys)])
    report("records_synthetic", f"Record extraction on {result['cases']} synthetic cases", columns, rows,
           {k: result[k] for k in ("cases", "failed", "overall", "traps", "cancer_types", "evidence")}
           | {"speed": speed, "mismatches": len(result["mismatches"])})
    table = Table(title="F1 by trap and by cancer type (micro over all fields of the cases that have it)")
    for c in ("group", "cases", "precision", "recall", "f1"):
        table.add_column(c)
    for t, v in result["traps"].items():
        table.add_row(f"trap: {t}", str(v["cases"]), f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}")
    for t, v in result["cancer_types"].items():
        table.add_row(f"cancer: {t}", "", f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}")
    console.print(table)
    write_errors(result)
    ev = result["evidence"]
    console.print(f"evidence: {ev['violations']} violations in {ev['checked']} spans; "
                  f"failed cases: {len(result['failed'])}; mismatches: {len(result['mismatches'])} -> {ERRORS}")
    console.print(f"speed: {speed['pages']}-page PDF, median {speed['median_s']:.3f} s over {speed['runs']} runs "
                  f"(read {speed['median_read_s']:.3f} s; goal <= {SPEED_GOAL_S} s: "
                  f"{'ok' if speed['ok'] else 'MISSED'})")


if __name__ == "__main__":
    main()
