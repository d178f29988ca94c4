"""Record text (pathology, molecular reports, clinic notes) to a profile, by rules with clinical context.

Each recogniser reads one concept from one clause; context rules (``records.context``) drop what is about a
relative, hypothetical, or only listed by a lab as an associated therapy. Dates decide which stage is current.
"""

from __future__ import annotations

import re
from datetime import date

from oncoguide.corpus.schema import load_vocabulary
from oncoguide.records import context as ctx
from oncoguide.records.biomarkers import read_markers
from oncoguide.records.model import (
    Biomarker,
    Cancer,
    Conflict,
    Performance,
    Profile,
    RecordDocument,
    Stage,
    Treatment,
    Value,
)
from oncoguide.records.spans import evidence_at
from oncoguide.records.tnm import categories, stage_group
from oncoguide.understand.entities import Entity, extract

_HISTOLOGY = (  # (normal form, pattern); order: most specific first
    ("small cell carcinoma", r"(?<!non-)(?<!non )(?<!non)\bsmall[- ]cell (lung )?(carcinoma|cancer)\b|\bSCLC\b"),
    ("squamous cell carcinoma", r"\bsquamous[- ]cell (carcinoma|cancer)\b"),
    ("invasive ductal carcinoma", r"\b(invasive|infiltrating) ductal carcinoma\b|\bIDC\b|no special type"),
    ("invasive lobular carcinoma", r"\b(invasive|infiltrating) lobular carcinoma\b|\bILC\b"),
    ("ductal carcinoma in situ", r"\bductal carcinoma in situ\b|\bDCIS\b"),
    ("large cell carcinoma", r"\blarge[- ]cell (neuroendocrine )?carcinoma\b"),
    ("adenocarcinoma", r"\badeno\s?-?carcin\w{0,3}ma\b"),
    ("melanoma", r"\bmelanoma\b"),
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
_GRADE = re.compile(r"\b(grade|Grade|GRADE)\s*:?\s*([1-3]|I{1,3})\b(?!\s*\+)|\bG([1-3])\b|\bGleason (score )?"
                    r"(\d\s?\+\s?\d\s?=\s?\d+|\d+)|\bGrade Group \d", re.I)
_AJCC = re.compile(r"\bAJCC\s*(v|version)?\s*(7|8|9)|\b(7|8|9)th(\s+ed\w*)?\b[^.]{0,20}AJCC|\bAJCC[^.]{0,12}"
                   r"\b(seventh|eighth|ninth)\b|\b(eighth|ninth|seventh) edition\b", re.I)
_SCLC_STAGE = re.compile(r"\b(limited|extensive)[- ]stage\b", re.I)
_STAGING_WORDS = re.compile(r"\b(stage|staging|TNM|AJCC)\b", re.I)
_ECOG = re.compile(r"\bECOG(\s*(PS|performance status))?\s*(score\s*)?(of|:|=|is)?\s*([0-4])\b", re.I)
_KPS = re.compile(r"\b(KPS|Karnofsky)(\s*performance status)?\s*(score\s*)?(of|:|=|is)?\s*(\d{2,3})\b", re.I)
_DIAGNOSED = re.compile(r"\b(diagnosed|dx)\b", re.I)
_MET_SITE = (r"(liver|hepatic|lungs?|pulmonary|bones?|osseous|brain|adrenals?|pleura|pleural|peritone\w*"
             r"|soft tissue)")
_METASTASES = re.compile(
    rf"\b(metasta\w+|mets|spread|recurrence)\s+(to|in|involving|of)\s+(the\s+)?{_MET_SITE}"
    rf"((,?\s+(and\s+)?|\s+and\s+|/)(the\s+)?{_MET_SITE})*"
    rf"|\b{_MET_SITE}((,?\s+(and\s+)?|\s+and\s+|/){_MET_SITE})*\s+(metastas[ie]s|mets|metastatic)", re.I)
_MET_ONE = re.compile(_MET_SITE, re.I)
_MET_LESIONS = re.compile(rf"\b{_MET_SITE}\s+(lesions?|nodules?|masses|deposits|involvement)", re.I)
_MET_CONTEXT = re.compile(r"metasta|recurren|\bmets\b|spread|stage iv", re.I)
_MET_NORMAL = {"hepatic": "liver", "lungs": "lung", "pulmonary": "lung", "bones": "bone", "osseous": "bone",
               "adrenals": "adrenal", "pleural": "pleura"}
_NEGATED_FINDING = re.compile(r"\b(no|without|negative for|free of|no evidence of|absence of|ruled out)\b[^.;]{0,40}$",
                              re.I)
_UNCERTAIN = re.compile(r"\b(possible|possibly|suspicious|suspected|indeterminate|cannot be excluded|concerning for"
                        r"|equivocal|likely|probable|versus|vs\.?|differential)\b", re.I)


def _value(doc: RecordDocument, clause: ctx.Clause, start: int, end: int, value: str, confidence: float = 0.9,
           as_of: date | None = None) -> Value:
    return Value(value=value, as_of=as_of, evidence=evidence_at(doc, clause.at(start), clause.at(end)),
                 confidence=confidence)


# ---- cancer ----------------------------------------------------------------------------------------------------
def _cancer(doc: RecordDocument, clauses: list[ctx.Clause], entities: list[Entity]) -> Cancer:
    out = Cancer()
    hist_clause: ctx.Clause | None = None
    for c in clauses:
        if ctx.ASSOCIATED.search(c.text):
            continue
        for name, pattern in _HISTOLOGY_RE:
            m = pattern.search(c.text)
            if m is None or ctx.is_family(c.text, m.start()) or _NEGATED_FINDING.search(c.text[:m.start()]):
                continue
            if out.histology is None or _rank(name) < _rank(out.histology.value.split(", ")[0]):
                qual = _QUALIFIER.search(c.text, m.end(), m.end() + 40) or _QUALIFIER.search(
                    c.text, max(0, m.start() - 25), m.start())
                value = name + (f", {qual.group(0).lower()}" if qual else "")
                typo = "carcinoma" in name and "carcinoma" not in m.group(0).lower() and "SCLC" not in m.group(0)
                lo, hi = (min(m.start(), qual.start()), max(m.end(), qual.end())) if qual else (m.start(), m.end())
                out.histology = _value(doc, c, lo, hi, value, 0.7 if typo else 0.9)
                hist_clause = c
            break
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
        for c in site_clauses:
            lat = _LATERALITY.search(c.text)
            if lat and site_re.search(c.text) and not ctx.is_family(c.text, lat.start()):
                side = lat.group(1) or {"R": "right", "L": "left"}[lat.group(2).upper()]
                out.laterality = _value(doc, c, lat.start(), lat.end(), side.lower(), 0.85)
                break
    if out.histology and out.histology.value.startswith("melanoma") and hist_clause is not None:
        for c in [hist_clause, *site_clauses]:
            m = _SKIN_SITE.search(c.text)
            if m and not ctx.is_family(c.text, m.start()):
                out.primary_site = _value(doc, c, m.start(), m.end(), m.group(0).lower(), 0.8)
                lat = _LATERALITY.search(c.text)
                if lat and lat.group(1):
                    out.laterality = _value(doc, c, lat.start(), lat.end(), lat.group(1).lower(), 0.8)
                break
    out.cancer_id = _cancer_id(out, doc.text, entities)
    for c in clauses:
        g = _GRADE.search(c.text)
        if g and not ctx.is_family(c.text, g.start()):
            out.grade = _value(doc, c, g.start(), g.end(), g.group(0), 0.85)
            break
    for c in clauses:
        d = _DIAGNOSED.search(c.text)
        if d and not ctx.is_family(c.text, d.start()):
            found = ctx.dates(c.text[d.end():d.end() + 40])
            if found:
                s, e, when = found[0]
                out.diagnosed_on = _value(doc, c, d.end() + s, d.end() + e, when.isoformat(), 0.8, when)
                break
    if out.histology and out.histology.value.startswith("non-small") and out.primary_site is None:
        out.primary_site = Value(value="lung", evidence=out.histology.evidence, confidence=0.8)
    return out


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


# ---- stage -----------------------------------------------------------------------------------------------------
def _stages(doc: RecordDocument, clauses: list[ctx.Clause], today: date | None) -> tuple[Stage, list[Stage],
                                                                                          list[Conflict]]:
    system: Value | None = None
    found: list[tuple[tuple[bool, date, int], Stage]] = []
    for i, c in enumerate(clauses):
        if ctx.is_family(c.text, len(c.text)):
            continue
        a = _AJCC.search(c.text)
        if a and system is None:
            edition = next(g for g in a.groups()[1:] if g and g.lower() not in ("v", "version", " ed", "edition"))
            num = {"seventh": "7", "eighth": "8", "ninth": "9"}.get(edition.lower(), edition[:1])
            system = _value(doc, c, a.start(), a.end(), f"AJCC{num}", 0.9)
        stage = Stage()
        cats = [k for k in categories(c.text) if "weighted" not in c.text[k.end:k.end + 12].lower()]
        if cats and not (any(k.prefix for k in cats) or len(cats) >= 2 or _STAGING_WORDS.search(c.text)):
            cats = []
        for k in cats:
            attr = k.axis.lower()
            if getattr(stage, attr) is None:
                value = re.sub(r"\(.*\)$", "", k.value)
                setattr(stage, attr, _value(doc, c, k.start, k.end, value, 0.9))
                stage.prefix = stage.prefix or k.prefix  # type: ignore[assignment]
        group = stage_group(c.text)
        sclc = _SCLC_STAGE.search(c.text)
        if group and not ctx.is_family(c.text, group[1]):
            stage.group = _value(doc, c, group[1], group[2], group[0], 0.9)
        elif sclc:
            stage.group = _value(doc, c, sclc.start(), sclc.end(), sclc.group(1).lower(), 0.9)
        if not any((stage.t, stage.n, stage.m, stage.group)):
            continue
        first = min(v.evidence.char_start for v in (stage.t, stage.n, stage.m, stage.group) if v) - c.start
        historical = bool(ctx.HISTORY.search(c.text[:first + 1])) and not ctx.CURRENT.search(c.text[:first + 1])
        when = [d for s, _, d in ctx.dates(c.text)]
        stamp = when[0] if when else (date.min if historical else (today or date.min))
        stage.as_of = stamp if stamp != date.min else None
        found.append(((not historical, stamp, i), stage))
    if not found:
        return Stage(system=system), [], []
    found = _join_mentions(found)
    found.sort(key=lambda x: (x[0][1], x[0][0], sum(1 for a in _AXES if getattr(x[1], a)), x[0][2]), reverse=True)
    current = found[0][1]
    rivals = [s for k, s in found[1:] if k[1] == found[0][0][1] and k[0] and s.group and current.group
              and s.group.value != current.group.value and "limited" not in (s.group.value, current.group.value)
              and "extensive" not in (s.group.value, current.group.value)]
    conflicts = [Conflict(field="stage.group", values=[current.group, *(r.group for r in rivals if r.group)])] \
        if rivals and current.group else []
    current.system = current.system or system
    history = []
    for _, s in found[1:]:
        if _compatible(current, s):
            current = _fill(current, s)
        else:
            history.append(s)
    unique: list[Stage] = []
    for s in history:
        if all(_key(s) != _key(u) for u in unique):
            unique.append(s)
    return current, unique, conflicts


def _join_mentions(found: list[tuple[tuple[bool, date, int], Stage]]) -> list[tuple[tuple[bool, date, int], Stage]]:
    """TNM on one line and the stage group on the next are one staging: join mentions in reading order that do
    not disagree on any axis and share their date (or have none) and their history flag."""
    out: list[tuple[tuple[bool, date, int], Stage]] = []
    for key, s in found:
        if out:
            pkey, prev = out[-1]
            if _compatible(prev, s) and pkey[0] == key[0] and key[2] - pkey[2] <= 3:
                out[-1] = (max(pkey, key), _fill(prev, s))
                continue
        out.append((key, s))
    return out


_AXES = ("t", "n", "m", "group")


def _compatible(a: Stage, b: Stage) -> bool:
    """Same staging written twice (no axis disagrees; limited/extensive sits beside a TNM group)."""
    for axis in _AXES:
        x, y = getattr(a, axis), getattr(b, axis)
        if x and y and x.value != y.value and not (axis == "group" and {x.value, y.value} & {"limited", "extensive"}):
            return False
    return (a.prefix is None or b.prefix is None or a.prefix == b.prefix) and (
        a.as_of is None or b.as_of is None or a.as_of == b.as_of)


def _fill(a: Stage, b: Stage) -> Stage:
    update = {x: getattr(a, x) or getattr(b, x) for x in _AXES}
    if a.group and b.group and a.group.value in ("limited", "extensive"):
        update["group"] = b.group  # the TNM stage group is the more specific one
    return a.model_copy(update=update | {"prefix": a.prefix or b.prefix, "as_of": a.as_of or b.as_of,
                                         "system": a.system or b.system})


def _key(s: Stage) -> tuple[str, ...]:
    return tuple((v.value if v else "") for v in (s.group, s.t, s.n, s.m))


# ---- treatments ------------------------------------------------------------------------------------------------
_REGIMENS = {
    "folfirinox": ["fluorouracil", "leucovorin", "irinotecan", "oxaliplatin"],
    "folfoxiri": ["fluorouracil", "leucovorin", "oxaliplatin", "irinotecan"],
    "folfox": ["fluorouracil", "leucovorin", "oxaliplatin"], "mfolfox6": ["fluorouracil", "leucovorin", "oxaliplatin"],
    "folfiri": ["fluorouracil", "leucovorin", "irinotecan"], "capox": ["capecitabine", "oxaliplatin"],
    "xelox": ["capecitabine", "oxaliplatin"], "tchp": ["docetaxel", "carboplatin", "trastuzumab", "pertuzumab"],
    "ac": ["doxorubicin", "cyclophosphamide"], "tc": ["docetaxel", "cyclophosphamide"],
    "t-dm1": ["ado-trastuzumab emtansine"], "t-dxd": ["trastuzumab deruxtecan"],
    "t-vec": ["talimogene laherparepvec"], "5-fu": ["fluorouracil"],
}
_REGIMEN_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(k) for k in sorted(_REGIMENS, key=len, reverse=True))
                         + r")(?![\w-])", re.I)
_SURGERY = re.compile(r"\b(lobectomy|pneumonectomy|segmentectomy|wedge resection|(partial |total |modified radical |"
                      r"simple |bilateral )?mastectomy|lumpectomy|(right |left |extended )?hemicolectomy|colectomy"
                      r"|low anterior resection|abdominoperineal resection|(radical )?prostatectomy"
                      r"|wide local excision)\b", re.I)
_RADIATION = re.compile(r"\b(radiation|radiotherapy|SBRT|SRS|stereotactic radiosurgery|stereotactic radiation|IMRT"
                        r"|whole[- ]brain radiation|WBRT|chemoradiation|chemoradiotherapy|XRT|proton therapy)\b", re.I)
_RAD_SITE = re.compile(r"\b(brain|chest|breast|pelvis|pelvic|prostate|spine|lung|bone|hip|rectum|rectal|"
                       r"whole[- ]brain|brain metastas[ie]s)\b", re.I)
_NOT_SURGERY = re.compile(r"\bbiops|sentinel|dissection|scheduled|planned|will undergo|candidate", re.I)
_STOPPED = re.compile(r"\b(stopped|discontinued|d/c'?d|held|halted|switched|ceased)\b|progress(ed|ion) (on|while on|"
                      r"after|despite)", re.I)
_COMPLETED = re.compile(r"\b(completed|finished|s/p|status post|underwent|received \d+|x\s?\d+ cycles|\d+ cycles)\b",
                        re.I)
_PLANNED = re.compile(r"\b(plan(ned|s)? (to )?(start|begin|initiate)|will (start|begin|receive|undergo)|to start"
                      r"|scheduled (to|for)|plan: start|planned|recommend(ed|s)?(?! against))\b", re.I)
_ONGOING = re.compile(r"\b(started|starting|began|initiated|continu\w*|cont\b|on\b|currently|current tx|receiving|"
                      r"since|to present|ongoing|maintenance|tolerating|today|cycle \d+)\b", re.I)
_TOXICITY = re.compile(r"toxicit|colitis|pneumonitis|hepatitis|rash|intoleran|side effect|adverse|neuropath|"
                       r"grade [34]|\bgr\s?[34]\b", re.I)
_PROGRESSION = re.compile(r"progress|\bPD\b|growth|grew", re.I)
_RANGE = re.compile(r"\s*(-|to|through|until|–)\s*$", re.I)


def _treatments(doc: RecordDocument, sentences: list[ctx.Clause], entities: list[Entity]) -> list[Treatment]:
    vocab = {d.generic: d for d in load_vocabulary().drugs}
    drugs = [e for e in entities if e.kind == "drug" and e.id in vocab and vocab[e.id].kind != "other"
             and "imaging" not in vocab[e.id].drug_class.lower()]
    out: list[Treatment] = []
    for c in sentences:
        text = c.text
        if ctx.is_family(text, len(text)) or ctx.ASSOCIATED.search(text):
            continue
        names = [(e.id, e.start - c.start, e.end - c.start) for e in drugs if c.start <= e.start < c.end]
        for m in _REGIMEN_RE.finditer(text):
            if m.group(0).lower() in ("ac", "tc") and not m.group(0).isupper():
                continue
            names += [(g, m.start(), m.end()) for g in _REGIMENS[m.group(0).lower()]]
        for name, start, end in names:
            if _hypothetical(text, start):
                continue
            kind = vocab[name].kind if name in vocab else "chemotherapy"
            out.append(_treatment(doc, c, name, kind, start, end))
        for m in _SURGERY.finditer(text):
            if _NOT_SURGERY.search(text[max(0, m.start() - 30):m.end() + 10]) or _hypothetical(text, m.start()):
                continue
            proc = re.sub(r"^(right|left|extended) ", "", m.group(0).lower())
            t = _treatment(doc, c, f"surgery: {proc}", "surgery", m.start(), m.end())
            out.append(t.model_copy(update={"status": "completed" if t.status in ("unknown", "ongoing") else t.status}))
        for m in _RADIATION.finditer(text):
            if _hypothetical(text, m.start()):
                continue
            site = _RAD_SITE.search(text, max(0, m.start() - 30), m.end() + 40)
            where = site.group(0).lower() if site else ""
            where = "brain" if "brain" in where else {"pelvic": "pelvis", "rectal": "rectum"}.get(where, where)
            if m.group(0).upper() in ("SRS", "WBRT") or "radiosurgery" in m.group(0).lower():
                where = "brain"
            out.append(_treatment(doc, c, f"radiation: {where}" if where else "radiation", "radiation",
                                  m.start(), m.end()))
    return _dedupe(out)


_HYPOTHETICAL_AFTER = re.compile(
    r"\b(could|would|may|might) be (considered|an? options?|options|offered|discussed|used)|\bif (there is )?progress"
    r"|\b(is|are) (a )?candidate|\bcandidate options?|\b(is|are) not (an? )?(options?|indicated|recommended)"
    r"|\bnot indicated\b|\bremains? an option", re.I)


def _hypothetical(text: str, start: int) -> bool:
    if ctx.is_hypothetical(text, start):
        return True
    return bool(_HYPOTHETICAL_AFTER.search(text[start:start + 90])) and not _ONGOING.search(text[:start])


def _status(text: str) -> str:
    if _STOPPED.search(text):
        return "stopped"
    if _COMPLETED.search(text):
        return "completed"
    if _PLANNED.search(text):
        return "planned"
    if _ONGOING.search(text) or re.search(r"\bcurrent\b", text, re.I):
        return "ongoing"
    return "unknown"


def _treatment(doc: RecordDocument, c: ctx.Clause, name: str, kind: str, start: int, end: int) -> Treatment:
    """Status from the part of the sentence around the treatment (between semicolons), else the sentence."""
    text = c.text
    part = next((p for p in ctx.clauses(text) if p.start <= start < p.end), None)
    local = _status(part.text) if part else "unknown"
    whole = _status(text)
    status = local if local != "unknown" else whole
    if whole == "stopped" and local not in ("ongoing", "planned"):
        status = "stopped"
    reason = None
    if status == "stopped":
        reason = "progression" if _PROGRESSION.search(text) else "toxicity" if _TOXICITY.search(text) else "other"
    when = ctx.dates(text)
    begin = finish = None
    for i, (_s, _e, d) in enumerate(when):
        if i + 1 < len(when) and _RANGE.match(text[_e:when[i + 1][0]]):
            begin, finish = d, when[i + 1][2]
            break
    if begin is None and when:
        s, _e, d = when[0]
        lead = text[max(0, s - 25):s].lower()
        if re.search(r"stopped|until|completed|through|ended|discontinued", lead):
            finish = d
        else:
            begin = d
    cls = {"antibody-drug conjugate": "antibody-drug conjugate", "targeted": "targeted", "hormonal": "hormonal",
           "immunotherapy": "immunotherapy", "chemotherapy": "chemotherapy", "surgery": "surgery",
           "radiation": "radiation"}.get(kind, "other")
    return Treatment(name=name, drug_class=cls, start=begin, end=finish, status=status,  # type: ignore[arg-type]
                     reason_stopped=reason if status == "stopped" else None,  # type: ignore[arg-type]
                     evidence=evidence_at(doc, c.at(start), c.at(end)), confidence=0.8)


def _dedupe(treatments: list[Treatment]) -> list[Treatment]:
    """One entry per (name, start); a definite status beats 'unknown'."""
    out: list[Treatment] = []
    for t in treatments:
        same = next((o for o in out if o.name == t.name and (o.start == t.start or o.start is None
                                                              or t.start is None)
                     and (o.status == t.status or "unknown" in (o.status, t.status))), None)
        if same is None:
            out.append(t)
        elif same.status == "unknown" and t.status != "unknown":
            out[out.index(same)] = t.model_copy(update={"start": t.start or same.start})
    return out


# ---- the rest --------------------------------------------------------------------------------------------------
def _performance(doc: RecordDocument, clauses: list[ctx.Clause]) -> Performance:
    perf = Performance()
    for c in clauses:
        for pattern, attr in ((_ECOG, "ecog"), (_KPS, "karnofsky")):
            m = pattern.search(c.text)
            if m and getattr(perf, attr) is None and not ctx.is_family(c.text, m.start()):
                setattr(perf, attr, _value(doc, c, m.start(), m.end(), m.group(5), 0.9))
    return perf


def _metastases(doc: RecordDocument, clauses: list[ctx.Clause]) -> list[Value]:
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
            for s in _MET_ONE.finditer(m.group(0)):
                site = _MET_NORMAL.get(s.group(0).lower(), s.group(0).lower())
                site = "peritoneum" if site.startswith("peritone") else site
                out.setdefault(site, _value(doc, c, m.start(), m.end(), site, 0.8))
    return list(out.values())


def _biomarkers(doc: RecordDocument, clauses: list[ctx.Clause]) -> tuple[list[Biomarker], list[Conflict]]:
    found: list[Biomarker] = []
    for c in clauses:
        for r in read_markers(c.text):
            if ctx.is_family(c.text, r.start) or ctx.is_hypothetical(c.text, r.start):
                continue
            when = ctx.dates(c.text)
            found.append(Biomarker(
                name=r.name, result=r.result, detail=r.detail, method=r.method,  # type: ignore[arg-type]
                origin=r.origin, on=when[0][2] if when else None,  # type: ignore[arg-type]
                evidence=evidence_at(doc, c.at(r.start), c.at(r.end)), confidence=0.85))
    by_name: dict[str, list[Biomarker]] = {}
    for b in found:
        by_name.setdefault(b.name, []).append(b)
    out: list[Biomarker] = []
    conflicts: list[Conflict] = []
    for name, group in by_name.items():
        final = [b for b in group if b.result not in ("pending", "not_tested", "unknown")] or group
        if name == "MMR" and any(b.result == "positive" for b in final):
            final = [b for b in final if b.result == "positive"]  # loss of any protein = deficient
        results = {b.result for b in final}
        if len(results) > 1:
            conflicts.append(Conflict(field=f"biomarker:{name}", values=[
                Value(value=b.result + (f" ({b.detail})" if b.detail else ""), evidence=b.evidence,
                      confidence=b.confidence) for b in final]))
        kept: list[Biomarker] = []
        for b in final:
            same = next((k for k in kept if k.result == b.result), None)
            if same is None:
                kept.append(b)
            elif not same.detail and b.detail:
                kept[kept.index(same)] = b.model_copy(update={"method": b.method or same.method})
            elif b.detail and same.detail and b.detail != same.detail and name in ("EGFR", "KRAS", "BRAF"):
                kept.append(b)
        out.extend(kept)
    return out, conflicts


def extract_text(doc: RecordDocument) -> Profile:
    """The profile one text (or PDF) record states, with evidence for every value."""
    clauses = ctx.clauses(doc.text)
    sentences = ctx.clauses(doc.text, semicolons=False)
    today = ctx.report_date(doc.text)
    stage, history, stage_conflicts = _stages(doc, clauses, today)
    markers, conflicts = _biomarkers(doc, clauses)
    conflicts += stage_conflicts
    entities = extract(doc.text)
    return Profile(cancer=_cancer(doc, clauses, entities), stage=stage, stage_history=history,
                   metastases=_metastases(doc, clauses), biomarkers=markers,
                   treatments=_treatments(doc, sentences, entities), performance=_performance(doc, clauses),
                   conflicts=conflicts, documents=[doc.id])
