"""Stage recogniser: TNM categories with their prefix, stage group, AJCC edition, and which staging is current
(the newest by its date or the report's; "initially", "prior" mark history). Earlier stagings become history."""

from __future__ import annotations

import bisect
import re
from datetime import date

from oncoguide.records import context as ctx
from oncoguide.records.context import value_at as _value
from oncoguide.records.model import Conflict, RecordDocument, Stage, Value
from oncoguide.records.tnm import categories, later_stage_groups, stage_group

_AJCC = re.compile(r"\bAJCC\s*(v|version)?\s*(7|8|9)|\b(7|8|9)th(\s+ed\w*)?\b[^.]{0,20}AJCC|\bAJCC[^.]{0,12}"
                   r"\b(seventh|eighth|ninth)\b|\b(eighth|ninth|seventh) edition\b", re.I)
_AT_DIAGNOSIS = re.compile(r"^\s*,?\s*(at (the time of )?(initial )?diagnosis|initially|originally)\b", re.I)
_SCLC_STAGE = re.compile(r"\b(limited|extensive)[- ]stage\b", re.I)
_STAGING_WORDS = re.compile(r"\b(stage|staging|TNM|AJCC)\b", re.I)
# an MRI sequence, not a T category: "sagittal T1, axial T2, FLAIR", "T2 hyperintense", "T1 weighted"
_MRI_BEFORE = re.compile(r"\b(sagittal|axial|coronal|3D|volumetric|pre-?contrast|post-?contrast|gadolinium|enhanced"
                         r"|fat[- ]sat\w*|on|FLAIR|DWI|MPRAGE)\s*$", re.I)
_MRI_AFTER = re.compile(r"^[\s/-]*(weighted|w\b|hyper-?intens\w*|hypo-?intens\w*|iso-?intens\w*|signal|sequences?|FLAIR"
                        r"|fat[- ]sat\w*|post-?contrast|pre-?contrast|MPRAGE|images?\b|imaging\b|shine|prolongation)",
                        re.I)


def read_stages(doc: RecordDocument, clauses: list[ctx.Clause], today: date | None,
                kind_words: frozenset[str] = frozenset()) -> tuple[Stage, list[Stage], list[Conflict]]:
    """The current staging, earlier ones newest first, and same-day stage groups that disagree. Mentions that
    agree are one staging (TNM on one line, the group on the next); dates order them, the report's date standing
    in for an undated current one. A stage that is a relative's or talked about (``context.yaml``: "For
    reference, in localized stage IA NLPHL, ..."), an MRI sequence ("axial T2") or a prior cancer of another
    organ than ``kind_words`` (the record's cancer type and histology) is not read."""
    from oncoguide.records.assertion import assertion_of
    from oncoguide.records.treatments import other_cancer

    system: Value | None = None
    spans = ctx.blocks(doc.text)
    found: list[tuple[tuple[bool, date, int], Stage]] = []
    for i, c in enumerate(clauses):
        if ctx.is_family(c.text, len(c.text)) or other_cancer(c.text, kind_words):
            continue
        a = _AJCC.search(c.text)
        if a and system is None:
            edition = next(g for g in a.groups()[1:] if g and g.lower() not in ("v", "version", " ed", "edition"))
            num = {"seventh": "7", "eighth": "8", "ninth": "9"}.get(edition.lower(), edition[:1])
            system = _value(doc, c, a.start(), a.end(), f"AJCC{num}", 0.9)
        stage = Stage()
        cats = [k for k in categories(c.text) if not _mri(c.text, k.start, k.end, k.axis)
                and not ctx.is_hypothetical(c.text, k.start)
                and assertion_of(c.text, k.start, k.end) not in ("hypothetical", "family")]
        if cats and not (any(k.prefix for k in cats) or len(cats) >= 2 or _STAGING_WORDS.search(c.text)
                         or (len(cats) == 1 and _bracketed(c.text, cats[0].start, cats[0].end))):
            cats = []
        for k in cats:
            attr = k.axis.lower()
            if getattr(stage, attr) is None:
                value = re.sub(r"\(.*\)$", "", k.value)
                setattr(stage, attr, _value(doc, c, k.start, k.end, value, 0.9))
                stage.prefix = stage.prefix or k.prefix  # type: ignore[assignment]
        group = stage_group(c.text)
        sclc = _SCLC_STAGE.search(c.text)
        if group and not ctx.is_family(c.text, group[1]) and not ctx.is_hypothetical(c.text, group[1]) and \
                assertion_of(c.text, group[1], group[2]) not in ("hypothetical", "family") and \
                not _OTHER_DISEASE.search(c.text[max(0, group[1] - 40):group[1]]) and \
                not _OTHER_AFTER.match(c.text[group[2]:group[2] + 30]):
            stage.group = _value(doc, c, group[1], group[2], group[0], 0.9)
        elif sclc:
            stage.group = _value(doc, c, sclc.start(), sclc.end(), sclc.group(1).lower(), 0.9)
        if not any((stage.t, stage.n, stage.m, stage.group)):
            continue
        first = min(v.evidence.char_start for v in (stage.t, stage.n, stage.m, stage.group) if v) - c.start
        last = max(v.evidence.char_end for v in (stage.t, stage.n, stage.m, stage.group) if v) - c.start
        historical = (bool(ctx.HISTORY.search(c.text[:first + 1])) and not ctx.CURRENT.search(c.text[:first + 1])) \
            or bool(_AT_DIAGNOSIS.match(c.text[last:]))
        when = [d for s, _, d in ctx.dates(c.text)] or _item_date(doc.text, spans, c, historical)
        stamp = when[0] if when else (date.min if historical else (today or date.min))
        stage.as_of = stamp if stamp != date.min else None
        found.append(((not historical, stamp, i), stage))
        if stage.group is not None and group is not None:  # "initially stage IIA in 2015 and now stage IV"
            prev_end = group[2]
            for g, g_start, g_end in later_stage_groups(c.text, group[2]):
                between = c.text[prev_end:g_start]
                if g == stage.group.value or ctx.is_hypothetical(c.text, g_start) or _OTHER_DISEASE.search(
                        c.text[max(0, g_start - 40):g_start]) or _OTHER_AFTER.match(c.text[g_end:g_end + 30]):
                    prev_end = g_end
                    continue
                now = not (ctx.HISTORY.search(between) and not ctx.CURRENT.search(between)) and bool(
                    ctx.CURRENT.search(between) or not historical)
                later = Stage(group=_value(doc, c, g_start, g_end, g, 0.9), as_of=stage.as_of)
                found.append(((now, stamp, i), later))
                prev_end = g_end
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
        if _compatible(current, s) or (current.group and s.group and current.group.value == s.group.value
                                       and _compatible(current, s, dated=False)):  # the same stage restated
            current = _fill(current, s)
        else:
            history.append(s)
    unique: list[Stage] = []
    seen: set[tuple[str, ...]] = set()
    for s in history:
        if _key(s) not in seen:
            seen.add(_key(s))
            unique.append(s)
    return current, unique, conflicts


# a stage of another disease: "CKD stage 3a", "NYHA stage II", "pressure injury stage 2"
_OTHER_DISEASE = re.compile(
    r"\b(CKD|chronic kidney disease|kidney disease|renal disease|renal insufficiency|ESRD|heart failure|NYHA|COPD"
    r"|GOLD|fibrosis|pressure (ulcer|injury)|decubitus|ulcer|sleep|hypertension|lyme|syphilis|Parkinson'?s"
    r"|Alzheimer'?s|dementia|endometriosis)\b[\w\s,()-]{0,12}$", re.I)


# a stage of another scale written after it: "Cirrhosis (Stage IV fibrosis)", "fibrosis (stage 2-3 of 4)"
_OTHER_AFTER = re.compile(r"^\s*(-\s*\d\s*)?(of\s*\d\b|\)?\s*(fibrosis|cirrhosis|steatosis|CKD|kidney disease"
                          r"|heart failure|pressure (ulcer|injury)))", re.I)


# a lone category in brackets after the finding it codes: "seminal vesicle involvement (T3b)", "lymph node
# metastasis (N1)", "Distant metastasis cannot be assessed (MX)"
_FINDING = re.compile(r"\b(invasi\w+|involve\w*|extension|extends|metasta\w+|lymph nodes?|tumou?r|carcinoma)\b", re.I)


def _bracketed(text: str, start: int, end: int) -> bool:
    """A lone TNM category in brackets right after the words of the finding it codes."""
    return text[start - 1:start] == "(" and text[end:end + 1] == ")" and bool(
        _FINDING.search(text, max(0, start - 80), start))


def _mri(text: str, start: int, end: int, axis: str) -> bool:
    """A T1/T2 that names an MRI sequence ("sagittal T1, axial T2", "T2 hyperintense")."""
    return axis == "T" and text[start:end].upper() in ("T1", "T2") and bool(
        _MRI_BEFORE.search(text[max(0, start - 25):start]) or _MRI_AFTER.match(text[end:end + 25]))


def _item_date(text: str, spans: list[tuple[int, int]], c: ctx.Clause, historical: bool) -> list[date]:
    """An undated staging that is not marked current takes the last date written before it in its list item or
    paragraph ("- 09/2022: ... excision 10/2022 ... Final stage pT3a pN0, stage IIA")."""
    if ctx.CURRENT.search(c.text) and not historical:
        return []
    i = bisect.bisect_right(spans, (c.start, len(text) + 1)) - 1
    start = spans[i][0] if i >= 0 and spans[i][0] <= c.start < spans[i][1] else c.start
    found = ctx.dates(text[max(start, c.start - _LOOK_BACK):c.start])
    return [found[-1][2]] if found else []


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
_LOOK_BACK = 600  # characters before an undated staging searched for its item's date (keeps long records linear)


def _compatible(a: Stage, b: Stage, dated: bool = True) -> bool:
    """Same staging written twice (no axis disagrees; limited/extensive sits beside a TNM group), on the same
    date unless ``dated`` is False."""
    for axis in _AXES:
        x, y = getattr(a, axis), getattr(b, axis)
        if x and y and x.value != y.value and not (axis == "group" and {x.value, y.value} & {"limited", "extensive"}):
            return False
    return (a.prefix is None or b.prefix is None or a.prefix == b.prefix) and (
        not dated or a.as_of is None or b.as_of is None or a.as_of == b.as_of)


def _fill(a: Stage, b: Stage) -> Stage:
    update = {x: getattr(a, x) or getattr(b, x) for x in _AXES}
    if a.group and b.group and a.group.value in ("limited", "extensive"):
        update["group"] = b.group  # the TNM stage group is the more specific one
    return a.model_copy(update=update | {"prefix": a.prefix or b.prefix, "as_of": a.as_of or b.as_of,
                                         "system": a.system or b.system})


def _key(s: Stage) -> tuple[str, ...]:
    return tuple((v.value if v else "") for v in (s.group, s.t, s.n, s.m))
