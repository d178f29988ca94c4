"""What a diagnosis profile changes in an answer: the facts stated back, the search steered, questions tailored.

The profile never makes OncoGuide recommend anything: it picks which guide sections are quoted (for example what
the guides list after a drug stopped working) and says which of the person's facts shaped the answer.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from oncoguide.answer import focus
from oncoguide.knowledge.schema import required
from oncoguide.knowledge.topics import answer_rules, answer_text
from oncoguide.knowledge.vocab_models import load_vocabulary
from oncoguide.records.model import Biomarker, Profile, Treatment
from oncoguide.understand.entities import extract, hyphen_or_space

# Markers whose negative result is part of how the cancer is named (hormone receptor and HER2 status).
_NAMED_WHEN_NEGATIVE = {"ER", "PR", "HER2"}


def _text(lang: str = "en") -> answer_text.PersonalText:
    return required(lang, "answer_text", answer_text.Model).personal


def cancer_name(profile: Profile) -> str:
    c = profile.cancer
    if c.cancer_id:
        return next((x.name for x in load_vocabulary().cancers if x.id == c.cancer_id), c.cancer_id)
    if c.histology:
        return c.histology.value.lower()
    return _text().site_cancer.format(site=c.primary_site.value.lower()) if c.primary_site else ""


def stage_name(profile: Profile) -> str:
    s = profile.stage
    if s.group:
        return _text().stage.format(group=s.group.value)
    tnm = " ".join(f"{s.prefix or ''}{v.value}" for v in (s.t, s.n, s.m) if v)
    return tnm


def marker_phrase(b: Biomarker) -> str:
    text = _text()
    detail = text.marker_detail.format(detail=b.detail) if b.detail else ""
    word = text.result_words.get(b.result, b.result)
    form = text.marker_named if b.result in ("positive", "negative") else text.marker_other
    return form.format(name=b.name, result=word, detail=detail)


def key_markers(profile: Profile) -> list[Biomarker]:
    return [b for b in profile.biomarkers
            if b.result == "positive" or (b.result == "negative" and b.name in _NAMED_WHEN_NEGATIVE)]


def _when(d: date | None) -> str:
    return d.strftime(_text().month) if d else ""


def treatment_phrase(t: Treatment) -> str:
    text = _text()
    if t.status == "ongoing":
        return text.ongoing_since.format(name=t.name, start=_when(t.start)) if t.start else \
            text.ongoing.format(name=t.name)
    reason = text.stop_reasons.get(t.reason_stopped or "", "")
    span = text.span.format(start=_when(t.start), end=_when(t.end)) if t.start and t.end else ""
    return f"{t.name}{span}" + (text.stopped_because.format(reason=reason) if reason else "")


def statement(profile: Profile) -> str:
    """One sentence of the facts that shaped the answer: "Your records show ALK-positive stage IV ..."."""
    what = " ".join(x for x in (", ".join(marker_phrase(b) for b in key_markers(profile)), stage_name(profile),
                                cancer_name(profile)) if x)
    if not what:
        return ""
    current = [t for t in profile.treatments if t.status == "ongoing" and t.drug_class not in ("surgery",)]
    past = [t for t in profile.treatments if t.reason_stopped == "progression"]
    text = _text()
    out = text.statement.format(what=what)
    if current:
        out += text.treated_with.format(treatments=text.and_.join(treatment_phrase(t) for t in current))
    if past:
        out += text.earlier.format(treatments="; ".join(treatment_phrase(t) for t in past))
    return out + "."


def facts(profile: Profile) -> dict[str, object]:
    """The profile fields an answer used, for ``Answer.profile_used``."""
    return {
        "statement": statement(profile),
        "cancer": cancer_name(profile) or None,
        "stage": stage_name(profile) or None,
        "biomarkers": [marker_phrase(b) for b in profile.biomarkers],
        "treatments": [treatment_phrase(t) for t in profile.treatments],
        "conflicts": [c.field for c in profile.conflicts],
    }


def progressed_on(profile: Profile) -> list[str]:
    """Treatments stopped because the cancer grew, oldest first."""
    rows = sorted((t for t in profile.treatments if t.reason_stopped == "progression"),
                  key=lambda t: t.end or t.start or date.min)
    return [t.name for t in rows]


def search_terms(profile: Profile) -> str:
    """Words that steer retrieval to the guide sections for this person's situation."""
    terms = [marker_phrase(b).split(" (")[0] for b in key_markers(profile)]
    terms += [stage_name(profile), _text().invasive if invasive(profile) else "", cancer_name(profile)]
    return " ".join(t for t in terms if t)


def situation(profile: Profile, intent: str) -> str:
    """What a first-person question means in this person's situation: "when alectinib stops working" after
    progression, "side effects of alectinib" for the treatment they are on."""
    text = _text()
    progressed = progressed_on(profile)
    if progressed and intent == "resistance":
        return text.resistance_situation.format(drug=progressed[-1])
    current = [t.name for t in profile.treatments if t.status == "ongoing"]
    if current and intent == "side_effects":
        return text.side_effects_situation.format(drugs=text.and_.join(current))
    return ""


def questions(profile: Profile) -> list[str]:
    """Questions that follow from the records themselves: pending tests, conflicts, missing stage."""
    text = _text()
    out = [text.pending_question.format(name=b.name, state=text.result_words.get(b.result, b.result))
           for b in profile.biomarkers if b.result in ("pending", "not_tested")]
    out += [text.conflict_question.format(field=c.field.replace("biomarker:", "").replace(".", " "))
            for c in profile.conflicts]
    if not profile.stage.group and not profile.stage.t and profile.cancer.cancer_id:
        out.append(text.stage_question)
    return out[:3]


def timeline(profile: Profile) -> list[str]:
    """The treatment history, oldest first, one line per treatment: "March 2024 to now: alectinib (targeted)"."""
    text = _text()
    rows = sorted(profile.treatments, key=lambda t: (t.start or date.max, t.name))
    out = []
    for t in rows:
        start = _when(t.start) or text.date_unknown
        end = text.now if t.status == "ongoing" else _when(t.end)
        when = text.period.format(start=start, end=end) if end else start
        why = text.timeline_reasons.get(t.reason_stopped or "", t.status if t.status != "unknown" else "")
        line = text.timeline_line.format(when=when, name=t.name, kind=t.drug_class.replace("-", " "))
        out.append(line + (text.timeline_why.format(why=why) if why else "") + ".")
    return out


_ROMAN = ("0", "I", "II", "III", "IV")


def invasive(profile: Profile) -> bool | None:
    """The cancer has invaded (T1 or more, "invasive" or "infiltrating" in the histology); False for in situ
    (Tis, "in situ"); None when the records do not say."""
    histology = (profile.cancer.histology.value if profile.cancer.histology else "").lower()
    if "in situ" in histology:
        return False
    if "invasive" in histology or "infiltrating" in histology:
        return True
    t = (profile.stage.t.value if profile.stage.t else "").upper().lstrip("CPYR")
    if t.startswith("TIS"):
        return False
    if t[:2] in ("T1", "T2", "T3", "T4"):
        return True
    return None


def possible_stages(profile: Profile) -> set[str] | None:
    """The main stage groups (0, I-IV, limited, extensive) the person's cancer can be in: the group when the
    records give it, else what the TNM rules out (M1: IV only; M0: not IV; invasive: not 0). None: unknown."""
    s = profile.stage
    if s.group:
        group = s.group.value
        return {group.upper().rstrip("ABC123")} if group[:1].upper() in "0IV" else {group.lower()}
    m = (s.m.value if s.m else "").upper().lstrip("CPYR")
    if m.startswith("M1"):
        return {"IV"}
    out = set(_ROMAN)
    if m.startswith("M0"):
        out.discard("IV")
    if invasive(profile):
        out.discard("0")
    elif invasive(profile) is False:
        out = {"0"}
    return out if out != set(_ROMAN) else None


def fits(profile: Profile, text: str, lang: str = "en", question: str = "") -> bool:
    """The sentence may be quoted as the person's situation: not about a cancer that has not invaded when theirs
    has, not about a histology their records do not name, not written for another extent of the cancer (spread
    far for a cancer that cannot be stage IV, early for a stage IV one) unless ``question`` asks about it, and not
    about a marker state or variant their records rule out."""
    rules = required(lang, "answer_rules", answer_rules.Model)
    if rules.in_situ is not None and invasive(profile) and rules.in_situ.search(text):
        return False
    if rules.histology_subtypes is not None and (m := rules.histology_subtypes.pattern.search(text)):
        histology = (profile.cancer.histology.value if profile.cancer.histology else "").lower()
        if m.group(0).lower().replace("-", "") not in histology.replace("-", ""):
            return False
    if rules.stage_framing is not None and _other_extent(rules.stage_framing, possible_stages(profile), text,
                                                          question):
        return False
    return not contradicts_markers(profile, text)


_FAR = {"IV", "extensive"}  # stage groups of a cancer that has spread far
_EARLY = {"0", "I", "II", "limited"}


def _other_extent(framing: answer_rules.StageFraming, stages: set[str] | None, text: str, question: str) -> bool:
    """The sentence is written for another extent of the cancer than the person's stages allow."""
    if not stages:
        return False
    if not stages & _FAR and framing.advanced.search(text) and not framing.asks_advanced.search(question):
        return True
    if framing.asks_early.search(question):
        return False
    return (not stages & _EARLY and framing.early.search(text)) or (stages <= _FAR and framing.adjuvant.search(text))


_SAYS_NEGATIVE = re.compile(r"negative|wild[- ]?type|\bwithout\b|\bnot\b|\bno\b|\bnormal\b|\blacks?\b", re.I)
_NEAR = 40  # characters around a marker name in which a negative word speaks of it


def contradicts_markers(profile: Profile, text: str) -> bool:
    """The sentence is about a marker state the person's records rule out: a marker their report calls negative,
    spoken of as present ("Trastuzumab is a HER2 drug" for HER2-negative cancer; HER2-low only when theirs is
    low); a marker called negative when theirs is positive; or another variant of a marker than theirs ("exon 20
    insertion" for an exon 19 deletion), also in a sentence that names no marker."""
    ids, targets = focus.marker_ids(), focus.drug_targets()
    stated = {ids.get(b.name.lower(), b.name.lower()): b for b in profile.biomarkers
              if b.result in ("positive", "negative")}
    if not stated:
        return False
    entities = extract(text)
    for e in entities:
        if e.kind == "drug":  # a drug aimed at a marker the records call negative (not HER2 drugs for HER2-low)
            near = text[max(0, e.start - _NEAR): e.end + _NEAR]
            if any((b := stated.get(t)) is not None and b.result == "negative" and "low" not in (b.detail or "")
                   .lower() for t in targets.get(e.id, ())) and not _SAYS_NEGATIVE.search(near):
                return True
            continue
        b = stated.get(e.id) if e.kind == "biomarker" else None
        if b is None:
            continue
        variant, detail = (e.variant or "").lower(), (b.detail or "").lower()
        near = text[max(0, e.start - _NEAR): e.end + _NEAR]
        if b.result == "negative":
            low = "low" in detail
            if "negative" in variant or "wild" in variant or (low and ("low" in variant or not variant)):
                continue
            if not _SAYS_NEGATIVE.search(near) or "low" in variant:
                return True
        elif "negative" in variant or "low" in variant or _other_variant(e.id, detail, text):
            return True
    markers = {e.id for e in entities if e.kind == "biomarker"}
    return not markers and any(b.result == "positive" and _other_variant(m, (b.detail or "").lower(), text)
                               for m, b in stated.items())  # "Exon 20 insertions are rare" names no gene


_CODE = re.compile(r"\b[a-z]\d{1,4}[a-z]\b")  # a protein change: G12C, L858R, V600E
_NUMBER = re.compile(r"\d+")


def same_variant(a: str, b: str) -> bool:
    """Two names of one variant: "ex19del" and "exon 19 deletion", "L858R" and "exon 21 L858R"; not "G12C" and
    "G12D", not "exon 20 insertion" and "exon 19 deletion"."""
    a, b = a.lower(), b.lower()
    codes_a, codes_b = set(_CODE.findall(a)), set(_CODE.findall(b))
    if codes_a and codes_b:
        return bool(codes_a & codes_b)
    numbers_a, numbers_b = set(_NUMBER.findall(a)), set(_NUMBER.findall(b))
    if numbers_a and numbers_b:
        return numbers_a <= numbers_b or numbers_b <= numbers_a
    return a in b or b in a


@lru_cache(maxsize=1)
def _variant_patterns() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """Marker id -> (variant, its pattern: a hyphen or a space alike, plural allowed) from the vocabulary."""
    out: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for b in load_vocabulary().biomarkers:
        out[b.id] = [(v, re.compile(rf"(?<!\w){hyphen_or_space(v)}(?:e?s)?(?!\w)", re.I)) for v in b.variants]
    return out


def variants_named(marker: str, text: str) -> list[str]:
    """The variants of ``marker`` the text names anywhere ("Exon 19 deletions and L858R are ...")."""
    return [v for v, pattern in _variant_patterns().get(marker, []) if pattern.search(text)]


def _other_variant(marker: str, detail: str, text: str) -> bool:
    """The sentence names variants of the marker and none of them is the person's (their report's detail names a
    known variant): "EGFR exon 20 insertions are rare" for an exon 19 deletion."""
    own = variants_named(marker, detail)
    named = variants_named(marker, text) if own else []
    return bool(named) and not any(same_variant(a, b) for a in own for b in named)
