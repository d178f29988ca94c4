"""Diagnosis recognisers: cancer type (histology, primary site, laterality, grade, date of diagnosis), sites of
spread and performance status. Relatives' cancers, negated and uncertain findings are not read."""

from __future__ import annotations

import bisect
import re
from datetime import date
from functools import lru_cache

from oncoguide.knowledge.vocab_models import load_vocabulary
from oncoguide.records import context as ctx
from oncoguide.records import histology
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
_HISTOLOGY_HINTS = ("carcin", "oma", "cancer", "sclc", "idc", "ilc", "dcis", "special type", "carcinoid", "thrombocyt",
                    "fibrosis", "lymphoproliferative", "leuk", "polycyth", "myelodysplastic", "neuroendocrine",
                    "stromal", "germ cell", "phyllodes", "fibrous", "yolk sac", "granulosa", "histiocytosis",
                    "mastocytosis", "fungoides", "dendritic")
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
# "liver metastases" is where a cancer spread; "cervix metastatic to the lung" is the primary
_SPREAD_CONTEXT = re.compile(r"^\s*(and \w+ )?(mets|metasta\w*(?!\s+to\b)|nodules?|lesions?|masses"
                             r"|involvement)\b", re.I)
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
                    r"(\d\s?\+\s?\d(\s?=\s?\d+)?|\d+)|\bGrade Group \d", re.I)
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
# "melanoma marker HMB-45", "neuroendocrine stains": a stain named after a tumour type is not that diagnosis
_STAIN_NAME = re.compile(r"^[\s-]*(-?specific\s+)?(markers?|stains?|antibod(y|ies)|cocktail|immunostains?)\b", re.I)
_HEDGED_AFTER = re.compile(r"^[^.;]{0,30}\b(cannot be (excluded|ruled out)|not excluded|is (favou?red|suspected|"
                           r"possible|likely))\b|^\s*\?", re.I)
_UNCERTAIN = re.compile(r"\b(possible|possibly|suspicious|suspected|indeterminate|cannot be excluded|concerning for"
                        r"|equivocal|likely|probable|versus|vs\.?|differential)\b", re.I)

_SKIP = {"family", "negated", "declined", "hypothetical", "planned"}
_NOT_ESTABLISHED = _SKIP | {"possible"}  # a suspected cancer is not the patient's diagnosis


def read_cancer(doc: RecordDocument, clauses: list[ctx.Clause], entities: list[Entity],
                context: ctx.DocContext | None = None) -> tuple[Cancer, list[Conflict]]:
    """Cancer type, histology, site, side, grade and date of diagnosis. Only the patient's asserted findings
    count (not a relative's, negated, planned or hypothetical ones; exam lines give no site); a finding in a
    final diagnosis weighs more than one in the history. Two histologies that cannot both be the patient's
    (adenocarcinoma and small cell, ductal and lobular) are a conflict."""
    context = context or ctx.DocContext(doc.text)
    out = Cancer()
    found: list[tuple[float, Value, ctx.Clause, str | None]] = []  # (weight, histology, clause, cancer id)
    for c in clauses:
        if ctx.ASSOCIATED.search(c.text):
            continue
        sec = context.section(c.start)
        weight = sec.weight if sec is not None else 0.9
        hits: list[tuple[int, int, str, bool]] = []  # (start, end, value, normal form)
        low = c.text.lower()
        if not any(h in low for h in _HISTOLOGY_HINTS):
            continue
        for name, pattern in _HISTOLOGY_RE:
            m = pattern.search(c.text)
            if m is not None:
                qual = _QUALIFIER.search(c.text, m.end(), m.end() + 40) or _QUALIFIER.search(
                    c.text, max(0, m.start() - 25), m.start())
                lo, hi = (min(m.start(), qual.start()), max(m.end(), qual.end())) if qual else (m.start(), m.end())
                hits.append((lo, hi, name + (f", {qual.group(0).lower()}" if qual else ""), True))
                break
        for lo, hi, phrase in histology.histologies_in(c.text):
            if not any(a < hi and lo < b for a, b, _, _ in hits):
                hits.append((lo, hi, phrase, False))
        for lo, hi, value, normal in hits:
            assertion = context.assertion(c, lo, hi)
            if assertion in _NOT_ESTABLISHED or (_NEGATED_FINDING.search(c.text[:lo]) and assertion != "present") \
                    or _STAIN_NAME.match(c.text[hi:]):
                continue
            m_text = c.text[lo:hi]
            typo = normal and (("carcinoma" in value and "carcinoma" not in m_text.lower() and "SCLC" not in m_text)
                               or "melenoma" in m_text.lower())
            hedged = assertion == "possible" or _UNCERTAIN.search(c.text, max(0, lo - 40), lo) or \
                _HEDGED_AFTER.match(c.text[hi:])
            cid = _vocab_cancer(value)
            if not normal and cid is not None and _vocab_names().get(re.sub(r"[\s-]+", " ", value)) == cid \
                    and not re.search(r"\b(cancer|tumou?r)\b", _vocab_name(cid)):
                value = _vocab_name(cid)  # "essential thrombocytosis" -> essential thrombocythemia
            w = round(weight * (0.6 if assertion == "historical" else 1.0), 1)  # a prior cancer gives way
            found.append((w, _value(doc, c, lo, hi, value, 0.5 if hedged else 0.7 if typo else 0.9), c, cid))
    found.sort(key=lambda x: (x[1].confidence < 0.6, -x[0], _rank(x[1].value.split(", ")[0]), x[3] is None,
                              -len(x[1].value.split())))  # sure, weighty, then specific
    if found and _keratinocyte(found[0]):  # "3. Squamous cell carcinoma of the skin" beside "1. PTLD": a skin
        other = next((x for x in found[1:] if x[0] >= found[0][0] and x[1].confidence >= 0.6  # SCC or BCC gives
                      and not _keratinocyte(x)), None)  # way to the other cancer of the same weight
        if other is not None:
            found.remove(other)
            found.insert(0, other)
    if found:  # "infiltrating glioma" and, as weighty, "oligodendroglioma": the subtype names the tumour
        top = found[0]
        finer = [x for x in found[1:] if x[0] == top[0] and (x[1].confidence < 0.6) == (top[1].confidence < 0.6)
                 and x[3] is not None and top[3] is not None and _is_below(x[3], top[3])]
        if finer:
            found.remove(finer[0])
            found.insert(0, finer[0])
    hist_clause = found[0][2] if found else None
    hist_id = found[0][3] if found else None
    out.histology = found[0][1] if found else None
    rivals = [v for _, v, _, _ in found[1:] if v.confidence >= 0.6 and _disagree(v.value, found[0][1].value)]
    conflicts = [Conflict(field="cancer.histology", values=[found[0][1], *_unique(rivals)])] if rivals else []
    site, site_clause = _primary_site(doc, clauses, context, hist_clause, hist_id)
    out.primary_site = site
    if site is not None and site_clause is not None and site.value in ("lung", "breast"):
        site_re = dict(_SITES_RE)[site.value]
        anchor = re.compile(site_re.pattern + ("|" + _LUNG_SIDE.pattern if site.value == "lung" else ""), re.I)
        out.laterality = next((v for c in [site_clause, *clauses] if (v := _side(doc, c, anchor)) is not None),
                              None)
    elif site is not None and site_clause is not None:
        out.laterality = _side(doc, site_clause, re.compile(re.escape(site.evidence.quote), re.I))
    if out.histology and out.histology.value.startswith("melanoma") and hist_clause is not None:
        for c in [hist_clause, *clauses]:
            m = _SKIN_SITE.search(c.text)
            if m and not ctx.is_family(c.text, m.start()) and context.assertion(c, m.start(), m.end()) not in _SKIP:
                out.primary_site = _value(doc, c, m.start(), m.end(), m.group(0).lower(), 0.8)
                out.laterality = _side(doc, c, _SKIN_SITE)
                break
    if any(_unknown_primary(c.text) for c in clauses) or _carcinoma_in_brain(out):
        out.primary_site = out.laterality = None  # "melanoma of unknown primary": no site or side is stated
    out.cancer_id = _cancer_id(out, hist_id, doc, clauses, context, entities)
    for c in clauses:
        g = _GRADE.search(c.text)
        if g and not ctx.is_family(c.text, g.start()) and context.assertion(c, g.start(), g.end()) not in _SKIP:
            out.grade = _value(doc, c, g.start(), g.end(), g.group(0), 0.85)
            break
    for c in clauses:
        d = _DIAGNOSED.search(c.text)
        if d and not ctx.is_family(c.text, d.start()) and context.assertion(c, d.start(), d.end()) != "family":
            stated = ctx.dates(c.text[d.end():d.end() + 40])
            if stated:
                s, e, when = stated[0]
                out.diagnosed_on = _value(doc, c, d.end() + s, d.end() + e, when.isoformat(), 0.8, when)
                break
    if out.histology and out.histology.value.startswith("non-small") and out.primary_site is None:
        out.primary_site = Value(value="lung", evidence=out.histology.evidence, confidence=0.8)
    return out, conflicts


_SITE_LABEL = re.compile(r"\s*(specimen|site|source|primary|diagnosis|dx|tumou?r site|procedure)\b", re.I)


def _primary_site(doc: RecordDocument, clauses: list[ctx.Clause], context: ctx.DocContext,
                  hist_clause: ctx.Clause | None, hist_id: str | None = None) -> tuple[Value | None, ctx.Clause | None]:
    """The organ of the cancer, best first: a site word in the histology's own clause (not where it spread to),
    one written next to a cancer word ("carcinoma of the left breast"), one on a specimen or diagnosis line, else
    the first site word of the patient's record. Exam and review-of-systems lines ("LUNGS: clear") and
    relatives' findings never give a site; a past cancer's site ("prior renal cell carcinoma") gives way, and gives
    none when it is another cancer's than the histology's (``hist_id``: a myeloma has no kidney site)."""
    best: tuple[float, Value, ctx.Clause] | None = None
    past = False  # whether ``best`` is a past finding
    for c in clauses:
        sec = context.section(c.start)
        if sec is not None and not sec.site:
            continue
        sites = histology.sites_in(c.text)
        if not sites:
            continue
        # with no histology in the record, a "tumor" or "mass" at a site is not yet a cancer (a CT's "hypovascular
        # tumor in the pancreatic body"): only a word that says malignant places one
        near = {s.start for s in histology.sites_next_to_cancer(c.text, sites, malignant=hist_clause is None)}
        level = 3.0 if c is hist_clause else 1.0 if _SITE_LABEL.match(c.text) else 0.0
        for s in sites:
            if histology.spread_before(c.text, s.start) or _SPREAD_CONTEXT.search(c.text[s.end:s.end + 20]) \
                    or _SPREAD_BEFORE.search(c.text[max(0, s.start - 30):s.start]):
                continue
            assertion = context.assertion(c, s.start, s.end)
            if assertion in _SKIP or _relatives(c.text, s.start):
                continue
            score = max(level, 2.0 if s.start in near else 0.0) + (sec.weight if sec is not None else 0.9) / 2
            if assertion == "historical" and c is not hist_clause:
                score -= 1.5  # "prior renal cell carcinoma" in a myeloma record: a past cancer gives way
            if best is None or score > best[0]:
                past = assertion == "historical" and c is not hist_clause and _other_root(s.cancer_id, hist_id)
                body = _SKIN_SITE.search(c.text, s.end, s.end + 40) if s.value == "skin" else None
                value = _value(doc, c, body.start(), body.end(), body.group(0).lower(), 0.85) if body else \
                    _value(doc, c, s.start, s.end, s.value, 0.85)
                best = (score, value, c)
            break
    if best is None or (hist_clause is None and best[0] < 2.0) or past:
        return None, None  # a site word with no cancer named at it is not a primary site
    return best[1], best[2]


_OURS = re.compile(r"\b(the patient|patient's|our patient|pt)\b", re.I)


def _relatives(text: str, start: int) -> bool:
    """A site a relative's story in the same sentence names ("His mother was diagnosed with colon cancer, but she
    died of cancer of the esophagus"): a family word before it and no word for the patient between."""
    last = max((m.end() for m in ctx.FAMILY.finditer(text, 0, start)), default=-1)
    return last >= 0 and not _OURS.search(text, last, start)


def _carcinoma_in_brain(cancer: Cancer) -> bool:
    """An adenocarcinoma or carcinoma read at a brain site came there from elsewhere (the brain has no epithelium
    to start one): the brain is where it spread, not its primary site."""
    return cancer.primary_site is not None and cancer.histology is not None and _site_root(
        cancer.primary_site.value) == "brain" and "carcinoma" in cancer.histology.value


def _other_root(site_cancer: str | None, hist_id: str | None) -> bool:
    """A site's root cancer and the histology's are both known and differ (kidney vs myeloma)."""
    if not site_cancer or not hist_id:
        return False
    return root_cancer(site_cancer) != root_cancer(hist_id)


@lru_cache(maxsize=1)
def _vocab_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for c in load_vocabulary().cancers:
        for n in (c.name, *c.synonyms):
            names.setdefault(re.sub(r"[\s-]+", " ", n.lower()), c.id)
    return names


def _vocab_name(cancer_id: str) -> str:
    return next(c.name for c in load_vocabulary().cancers if c.id == cancer_id)


def _vocab_cancer(histology_value: str) -> str | None:
    """The vocabulary cancer a histology phrase names ("mantle cell lymphoma" -> mantle-cell-lymphoma)."""
    words = re.sub(r"[\s-]+", " ", histology_value.split(", ")[0].lower())
    names = _vocab_names()
    while words:
        if words in names:
            return names[words]
        words = words.partition(" ")[2]  # "uterine papillary serous carcinoma" -> "papillary serous carcinoma"
    return None


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


_KERATINOCYTE = re.compile(r"\b(skin|cutaneous|scalp|eyelid|lip|nose|nasal tip|cheek|ear|forehead)\b", re.I)


def _keratinocyte(item: tuple[float, Value, ctx.Clause, str | None]) -> bool:
    """A basal or squamous cell carcinoma of the skin (a keratinocyte cancer, which registries set apart)."""
    _, value, clause, cid = item
    if cid in ("bcc", "cscc"):
        return True
    if not value.value.startswith(("squamous cell carcinoma", "basal cell carcinoma")):
        return False
    lo = value.evidence.char_start - clause.start if value.evidence else 0
    return _KERATINOCYTE.search(clause.text, max(0, lo), lo + 80) is not None


def _rank(name: str) -> int:
    order = [n for n, _ in _HISTOLOGY]
    return order.index(name) if name in order else len(order)


def _cancer_id(cancer: Cancer, hist_id: str | None, doc: RecordDocument, clauses: list[ctx.Clause],
               context: ctx.DocContext, entities: list[Entity]) -> str | None:
    """The most specific vocabulary cancer the histology and site support; a histology that names its own cancer
    (a lymphoma, a glioma, a sarcoma) beats the organ it sits in."""
    hist = cancer.histology.value if cancer.histology else ""
    site = cancer.primary_site.value if cancer.primary_site else ""
    if hist.startswith("small cell"):
        return "sclc"
    if hist.startswith("melanoma"):
        return "melanoma"
    roots = _roots()
    if hist_id and (not site or roots.get(hist_id) not in _ORGAN_ROOTS or roots.get(hist_id) == _site_root(site)):
        return hist_id
    if site == "lung" or hist.startswith("non-small"):
        return {"adenocarcinoma": "lung-adenocarcinoma", "squamous cell carcinoma": "lung-squamous",
                "large cell carcinoma": "lung-large-cell"}.get(hist.split(", ")[0], "nsclc" if hist else "lung")
    if site == "breast" or "ductal" in hist or "lobular" in hist:
        return {"invasive ductal carcinoma": "breast-ductal", "invasive lobular carcinoma": "breast-lobular",
                "ductal carcinoma in situ": "dcis"}.get(hist.split(", ")[0], "breast")
    if site and _site_root(site):
        return _site_root(site)
    if hist_id:
        return hist_id
    named = []
    starts = [c.start for c in clauses]
    for e in entities:
        if e.kind != "cancer":
            continue
        i = bisect.bisect_right(starts, e.start) - 1
        c = clauses[i] if i >= 0 and clauses[i].start <= e.start < clauses[i].end else None
        sec = context.section(e.start)
        if c is None or (sec is not None and not sec.site):
            continue
        if context.assertion(c, e.start - c.start, e.end - c.start) in _SKIP | {"possible"} or _relatives(
                c.text, e.start - c.start):
            continue
        named.append(e.id)
    depth = {c.id: (1 if c.parent else 0) for c in load_vocabulary().cancers}
    return max(named, key=lambda i: depth.get(i, 0)) if named else None


_ORGAN_ROOTS = {"lung", "breast", "colorectal", "prostate", "bladder", "kidney", "uterine", "cervical", "thyroid",
                "liver", "stomach", "esophageal", "head-and-neck", "skin", "anal", "biliary", "gallbladder",
                "ovarian", "pancreatic", "testicular"}


def _is_below(child: str, ancestor: str) -> bool:
    """Whether vocabulary cancer ``child`` is a subtype of ``ancestor`` (oligodendroglioma of glioma)."""
    cancers = {c.id: c for c in load_vocabulary().cancers}
    c, n = cancers.get(child), 0
    while c is not None and c.parent and n < 10:
        if c.parent == ancestor:
            return True
        c, n = cancers.get(c.parent), n + 1
    return False


def root_cancer(cancer_id: str) -> str:
    """The broadest vocabulary type of a cancer id (the id itself when it has no parent or no vocabulary entry)."""
    return _roots().get(cancer_id, cancer_id)


@lru_cache(maxsize=1)
def _roots() -> dict[str, str]:
    cancers = {c.id: c for c in load_vocabulary().cancers}
    out = {}
    for cid, c in cancers.items():
        while c.parent and c.parent in cancers:
            c = cancers[c.parent]
        out[cid] = c.id
    return out


def _site_root(site: str) -> str | None:
    return histology.site_cancer(site)


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
        low = c.text.lower()
        if not any(k in low for k in ("meta", "mets", "spread", "recurren", "malignant", "m1")):
            continue
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
