"""Diagnosis recognisers: cancer type (histology, primary site, laterality, grade, date of diagnosis), sites of
spread and performance status. Relatives' cancers, negated and uncertain findings are not read."""

from __future__ import annotations

import re
from datetime import date

from oncoguide.knowledge.vocab_models import load_vocabulary
from oncoguide.records import context as ctx
from oncoguide.records.context import value_at as _value
from oncoguide.records.model import Cancer, Conflict, Performance, RecordDocument, Value
from oncoguide.understand.entities import Entity

_HISTOLOGY = (  # (normal form, pattern); order: most specific first
    ("small cell carcinoma", r"(?<!non-)(?<!non )(?<!non)\bsmall[- ]cell (lung )?(carcinoma|cancer)\b|\bSCLC\b"),
    ("squamous cell carcinoma", r"\bsquamous[- ]cell (carcinoma|cancer)\b"),
    ("invasive ductal carcinoma", r"\b(invasive|infiltrating) ductal carcinoma\b|\bIDC\b|no special type"),
    ("invasive lobular carcinoma", r"\b(invasive|infiltrating) lobular carcinoma\b|\bILC\b"),
    ("ductal carcinoma in situ", r"\bductal carcinoma in situ\b|\bDCIS\b"),
    ("large cell carcinoma", r"\blarge[- ]cell (neuroendocrine )?carcinoma\b"),
    ("adenocarcinoma", r"\badeno\s?-?carcin\w{0,3}ma\b"),
    ("melanoma", r"\bmel[ae]noma\b"),
    ("non-small cell carcinoma", r"\bnon-?\s?small[- ]cell (lung )?(carcinoma|cancer)\b|\bNSCLC\b"),
)
_HISTOLOGY_RE = [(n, re.compile(p, re.I)) for n, p in _HISTOLOGY]
_QUALIFIER = re.compile(r"\b(mucinous|acinar|lepidic|papillary|solid|micropapillary|nodular|superficial spreading|"
                        r"acral lentiginous|lentigo maligna|signet ring)\b", re.I)
_SITES = (
    ("lung", r"\blungs?\b|\b(upper|lower|middle) lobe\b|\b[RL][UML]L\b|\bpulmonary\b|\bbronch\w*"),
    ("breast", r"\bbreast\b"),
    ("rectum", r"\brect(um|al)\b|\brectosigmoid\b"),
    ("colon", r"\bcolon\b|\bcolonic\b|\bcecum\b|\bcecal\b|\bsigmoid\b|\b(ascending|descending|transverse)\b"
              r"|\bhepatic flexure\b|\bsplenic flexure\b"),
    ("prostate", r"\bprostat\w*"),
)
_SITES_RE = [(n, re.compile(p, re.I)) for n, p in _SITES]
_SPREAD_CONTEXT = re.compile(r"^\s*(and \w+ )?(mets|metasta\w*|nodules?|lesions?|masses|involvement)\b", re.I)
_SPREAD_BEFORE = re.compile(r"\b(to|into|involving)( the)?\s+(\w+ )?$|\bnew\s+$", re.I)
_SKIN_SITE = re.compile(r"\b(back|shoulder|calf|forearm|thigh|scalp|chest|upper arm|arm|leg|trunk|face|neck|foot|"
                        r"hand|abdomen|cheek|ear|shin)\b", re.I)
_LATERALITY = re.compile(r"\b(left|right)\b|\b([RL])[UML]L\b", re.I)
# A side written next to its site: "left lower lobe", "Left breast", "breast, right", "L thigh", "RUL"
_SIDE_BEFORE = re.compile(r"\b(left|right|(?-i:[LR]))\.?\s+([\w-]+\s+){0,2}$", re.I)
_SIDE_AFTER = re.compile(r"^[\s,(]*((cancer|carcinoma|mass|tumou?r|primary|lesion)[\s,(]*)?(?P<side>left|right)\b\)?",
                         re.I)
_LUNG_SIDE = re.compile(r"\b(peri)?hilar\b|\bhilum\b", re.I)  # "left hilar mass" places a lung primary
_UNKNOWN_PRIMARY = re.compile(r"\b(unknown|occult|undetermined) primary\b|\bprimary (site )?(is )?(unknown|not "
                              r"(identified|found)|undetermined)\b", re.I)
_GRADE = re.compile(r"\b(grade|Grade|GRADE)\s*:?\s*([1-3]|I{1,3})\b(?!\s*\+)|\bG([1-3])\b|\bGleason (score )?"
                    r"(\d\s?\+\s?\d\s?=\s?\d+|\d+)|\bGrade Group \d", re.I)
_ECOG = re.compile(r"\bECOG(\s*(PS|performance status))?\s*(score\s*)?(of|:|=|is)?\s*([0-4])\b", re.I)
_KPS = re.compile(r"\b(KPS|Karnofsky)(\s*performance status)?\s*(score\s*)?(of|:|=|is)?\s*(\d{2,3})\b", re.I)
_DIAGNOSED = re.compile(r"\b(diagnosed|dx)\b", re.I)
_MET_SITE = (r"(liver|hepatic|lungs?|pulmonary|bones?|osseous|skeletal|vertebral( body)?|spine|spinal|sacrum|sacral"
             r"|ribs?|iliac|calvari\w*|brain|intracranial|adrenals?|pleura|pleural|peritone\w*|soft tissue"
             r"|subcutaneous|nodal|lymph nodes?)")
_MET_AND = r"(\s*\([^()]{0,60}\))?(,?\s+(and\s+)?|\s+and\s+|/)(the\s+)?"  # "brain (3 lesions) and bone"
_METASTASES = re.compile(
    rf"\b(metasta\w+|mets|spread|recurrence)\s+(to|in|involving|of)\s+(the\s+)?{_MET_SITE}"
    rf"({_MET_AND}{_MET_SITE})*"
    rf"|\b{_MET_SITE}({_MET_AND}{_MET_SITE})*\s+(metastas[ie]s|mets|metastatic)"
    rf"|\bmalignant (pleural) effusion"
    rf"|\b{_MET_SITE} biopsy\b[^.;]{{0,40}}\b(confirm\w*|show\w*|consistent with|revealed?)\b[^.;]{{0,15}}"
    rf"metastatic"
    rf"|\bM1[a-d]?(\(\d\))?\s*\({_MET_SITE}({_MET_AND}{_MET_SITE})*\)", re.I)
_MET_ONE = re.compile(_MET_SITE, re.I)
_MET_LESIONS = re.compile(rf"\b{_MET_SITE}\s+(lesions?|nodules?|masses|deposits|involvement)", re.I)
_MET_CONTEXT = re.compile(r"metasta|recurren|\bmets\b|spread|stage iv", re.I)
_MET_NORMAL = {"hepatic": "liver", "lungs": "lung", "pulmonary": "lung", "bones": "bone", "osseous": "bone",
               "skeletal": "bone", "vertebral": "bone", "vertebral body": "bone", "spine": "bone", "spinal": "bone",
               "sacrum": "bone", "sacral": "bone", "rib": "bone", "ribs": "bone", "iliac": "bone",
               "intracranial": "brain", "adrenals": "adrenal", "pleural": "pleura", "subcutaneous": "soft tissue"}
_REGIONAL = {"nodal", "lymph node", "lymph nodes"}  # regional nodes are staging (N), not distant spread
_NEGATED_FINDING = re.compile(r"\b(no|without|negative for|free of|no evidence of|absence of|ruled out)\b[^.;]{0,40}$",
                              re.I)
_HEDGED_AFTER = re.compile(r"^[^.;]{0,30}\b(cannot be (excluded|ruled out)|not excluded|is (favou?red|suspected|"
                           r"possible|likely))\b|^\s*\?", re.I)
_UNCERTAIN = re.compile(r"\b(possible|possibly|suspicious|suspected|indeterminate|cannot be excluded|concerning for"
                        r"|equivocal|likely|probable|versus|vs\.?|differential)\b", re.I)

def read_cancer(doc: RecordDocument, clauses: list[ctx.Clause], entities: list[Entity]) -> tuple[Cancer,
                                                                                                 list[Conflict]]:
    """Cancer type, histology, site, side, grade and date of diagnosis; two histologies that cannot both be the
    patient's (adenocarcinoma and small cell, ductal and lobular) are a conflict."""
    out = Cancer()
    found: list[tuple[Value, ctx.Clause]] = []
    for c in clauses:
        if ctx.ASSOCIATED.search(c.text):
            continue
        for name, pattern in _HISTOLOGY_RE:
            m = pattern.search(c.text)
            if m is None or ctx.is_family(c.text, m.start()) or _NEGATED_FINDING.search(c.text[:m.start()]):
                continue
            qual = _QUALIFIER.search(c.text, m.end(), m.end() + 40) or _QUALIFIER.search(
                c.text, max(0, m.start() - 25), m.start())
            value = name + (f", {qual.group(0).lower()}" if qual else "")
            typo = ("carcinoma" in name and "carcinoma" not in m.group(0).lower() and "SCLC" not in m.group(0)) \
                or "melenoma" in m.group(0).lower()
            hedged = _UNCERTAIN.search(c.text, max(0, m.start() - 40), m.start()) or _HEDGED_AFTER.match(
                c.text[m.end():])
            lo, hi = (min(m.start(), qual.start()), max(m.end(), qual.end())) if qual else (m.start(), m.end())
            found.append((_value(doc, c, lo, hi, value, 0.5 if hedged else 0.7 if typo else 0.9), c))
            break
    found.sort(key=lambda vc: (vc[0].confidence < 0.6, _rank(vc[0].value.split(", ")[0])))  # sure, then specific
    hist_clause = found[0][1] if found else None
    out.histology = found[0][0] if found else None
    rivals = [v for v, _ in found[1:] if v.confidence >= 0.6 and _disagree(v.value, found[0][0].value)]
    conflicts = [Conflict(field="cancer.histology", values=[found[0][0], *_unique(rivals)])] if rivals else []
    site_clauses = ([hist_clause] if hist_clause else []) + [c for c in clauses if re.match(
        r"\s*(specimen|site|source|primary|diagnosis|dx|tumou?r site)\b", c.text, re.I)] + clauses
    for c in site_clauses:
        if ctx.is_family(c.text, len(c.text)):
            continue
        hits = sorted((m.start(), name, m) for name, pattern in _SITES_RE for m in pattern.finditer(c.text)
                      if not _SPREAD_CONTEXT.search(c.text[m.end():m.end() + 20])
                      and not _SPREAD_BEFORE.search(c.text[max(0, m.start() - 30):m.start()]))
        if hits:
            _, name, m = hits[0]
            out.primary_site = _value(doc, c, m.start(), m.end(), name, 0.85)
            break
    if out.primary_site and out.primary_site.value in ("lung", "breast"):
        site_re = dict(_SITES_RE)[out.primary_site.value]
        anchor = re.compile(site_re.pattern + ("|" + _LUNG_SIDE.pattern if out.primary_site.value == "lung" else ""),
                            re.I)
        out.laterality = next((v for c in site_clauses if (v := _side(doc, c, anchor)) is not None), None)
    if out.histology and out.histology.value.startswith("melanoma") and hist_clause is not None:
        for c in [hist_clause, *site_clauses]:
            m = _SKIN_SITE.search(c.text)
            if m and not ctx.is_family(c.text, m.start()):
                out.primary_site = _value(doc, c, m.start(), m.end(), m.group(0).lower(), 0.8)
                out.laterality = _side(doc, c, _SKIN_SITE)
                break
    if any(_unknown_primary(c.text) for c in clauses):  # "melanoma of unknown primary": no site or side is stated
        out.primary_site = out.laterality = None
    out.cancer_id = _cancer_id(out, doc.text, entities)
    for c in clauses:
        g = _GRADE.search(c.text)
        if g and not ctx.is_family(c.text, g.start()):
            out.grade = _value(doc, c, g.start(), g.end(), g.group(0), 0.85)
            break
    for c in clauses:
        d = _DIAGNOSED.search(c.text)
        if d and not ctx.is_family(c.text, d.start()):
            stated = ctx.dates(c.text[d.end():d.end() + 40])
            if stated:
                s, e, when = stated[0]
                out.diagnosed_on = _value(doc, c, d.end() + s, d.end() + e, when.isoformat(), 0.8, when)
                break
    if out.histology and out.histology.value.startswith("non-small") and out.primary_site is None:
        out.primary_site = Value(value="lung", evidence=out.histology.evidence, confidence=0.8)
    return out, conflicts


_EXCLUSIVE = ({"small cell carcinoma", "squamous cell carcinoma", "adenocarcinoma", "large cell carcinoma", "melanoma"},
              {"invasive ductal carcinoma", "invasive lobular carcinoma", "melanoma"})


def _disagree(a: str, b: str) -> bool:
    """Two histologies that cannot both describe one tumour (NSCLC and adenocarcinoma can; DCIS sits beside IDC)."""
    a, b = a.split(", ")[0], b.split(", ")[0]
    return a != b and any(a in group and b in group for group in _EXCLUSIVE)


def _unique(values: list[Value]) -> list[Value]:
    return list({v.value.split(", ")[0]: v for v in reversed(values)}.values())[::-1]


def _side(doc: RecordDocument, c: ctx.Clause, site: re.Pattern[str]) -> Value | None:
    """The side written next to a site in the clause ("left lower lobe", "breast, right", "L thigh", "RUL")."""
    for m in site.finditer(c.text):
        if ctx.is_family(c.text, m.start()):
            continue
        code = re.fullmatch(r"([RL])[UML]L", m.group(0))
        if code:
            return _value(doc, c, m.start(), m.end(), {"R": "right", "L": "left"}[code.group(1)], 0.85)
        before = _SIDE_BEFORE.search(c.text, max(0, m.start() - 30), m.start())
        if before:
            side = {"l": "left", "r": "right"}.get(before.group(1).lower(), before.group(1).lower())
            return _value(doc, c, before.start(), m.end(), side, 0.85)
        after = _SIDE_AFTER.match(c.text[m.end():])
        if after:
            return _value(doc, c, m.start(), m.end() + after.end(), after.group("side").lower(), 0.85)
    return None


def _unknown_primary(text: str) -> bool:
    m = _UNKNOWN_PRIMARY.search(text)
    return m is not None and not ctx.is_family(text, m.start()) and not _NEGATED_FINDING.search(text[:m.start()])


def _rank(name: str) -> int:
    order = [n for n, _ in _HISTOLOGY]
    return order.index(name) if name in order else len(order)


def _cancer_id(cancer: Cancer, text: str, entities: list[Entity]) -> str | None:
    hist = cancer.histology.value if cancer.histology else ""
    site = cancer.primary_site.value if cancer.primary_site else ""
    if hist.startswith("small cell"):
        return "sclc"
    if hist.startswith("melanoma"):
        return "melanoma"
    if site == "lung" or hist.startswith("non-small"):
        return {"adenocarcinoma": "lung-adenocarcinoma", "squamous cell carcinoma": "lung-squamous",
                "large cell carcinoma": "lung-large-cell"}.get(hist.split(", ")[0], "nsclc" if hist else "lung")
    if site == "breast" or "ductal" in hist or "lobular" in hist:
        return {"invasive ductal carcinoma": "breast-ductal", "invasive lobular carcinoma": "breast-lobular",
                "ductal carcinoma in situ": "dcis"}.get(hist.split(", ")[0], "breast")
    if site in ("colon", "rectum"):
        return "colorectal"
    if site == "prostate":
        return "prostate"
    named = [e.id for e in entities if e.kind == "cancer"
             and not ctx.is_family(text[max(0, e.start - 80):e.start], e.start - max(0, e.start - 80))]
    depth = {c.id: (1 if c.parent else 0) for c in load_vocabulary().cancers}
    return max(named, key=lambda i: depth.get(i, 0)) if named else None


def read_performance(doc: RecordDocument, clauses: list[ctx.Clause],
                     today: date | None) -> tuple[Performance, list[Conflict]]:
    """ECOG and Karnofsky scores; when a note gives several, the latest (by the clause's date, else the report's,
    then reading order) is the value and differing ones are a conflict."""
    perf = Performance()
    conflicts: list[Conflict] = []
    for pattern, attr in ((_ECOG, "ecog"), (_KPS, "karnofsky")):
        found: list[tuple[date, int, Value]] = []
        for i, c in enumerate(clauses):
            for m in pattern.finditer(c.text):
                if ctx.is_family(c.text, m.start()) or ctx.is_hypothetical(c.text, m.start()):
                    continue
                when = ctx.dates(c.text)
                stamp = when[0][2] if when else (None if ctx.HISTORY.search(c.text) else today)
                found.append((stamp or date.min, i, _value(doc, c, m.start(), m.end(), m.group(5), 0.9, stamp)))
        if not found:
            continue
        found.sort(key=lambda x: (x[0], x[1]))
        setattr(perf, attr, found[-1][2])
        others = list({v.value: v for _, _, v in found if v.value != found[-1][2].value}.values())
        if others:
            conflicts.append(Conflict(field=f"performance.{attr}", values=[found[-1][2], *others]))
    return perf, conflicts


def read_metastases(doc: RecordDocument, clauses: list[ctx.Clause]) -> list[Value]:
    """Distant sites the text calls metastatic ("metastatic to bone and liver", "malignant pleural effusion",
    "M1b (lung and soft tissue)"); negated, hedged, relatives' and regional-node findings are left out."""
    out: dict[str, Value] = {}
    for c in clauses:
        hits = list(_METASTASES.finditer(c.text))
        if _MET_CONTEXT.search(c.text):
            hits += list(_MET_LESIONS.finditer(c.text))
        for m in hits:
            before = c.text[:m.start()]
            if _NEGATED_FINDING.search(before) or _UNCERTAIN.search(c.text[max(0, m.start() - 40):m.end()]) \
                    or ctx.is_family(c.text, m.start()) or ctx.is_hypothetical(c.text, m.start()):
                continue
            for s in _MET_ONE.finditer(re.sub(r"\([^()]*\)(?=.)", lambda x: " " * len(x.group(0)), m.group(0))):
                site = _MET_NORMAL.get(s.group(0).lower(), s.group(0).lower())
                site = "peritoneum" if site.startswith("peritone") else "bone" if site.startswith("calvari") else site
                if site not in _REGIONAL:
                    out.setdefault(site, _value(doc, c, m.start(), m.end(), site, 0.8))
    return list(out.values())
