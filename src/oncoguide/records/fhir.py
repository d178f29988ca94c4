"""FHIR R4 records (mCODE, IHE SDC / CAP eCC pathology, plain R4) to a diagnosis profile.

The JSON text is parsed with the character span of every value, so each value's evidence points at the exact JSON
string (a ``display``, a ``code``, a date) inside the resource it was read from. Codes are preferred (SNOMED, LOINC,
CAP eCC, RxNorm, HGNC; see ``codes``) and display text is the fallback; nothing is coerced. Bundles of any type are
walked, including message bundles that nest bundles and ``contained`` resources. A file that is not JSON or not
FHIR raises ``RecordError``; a resource that cannot be used is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from json import JSONDecodeError
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any, Literal

from oncoguide.records import codes
from oncoguide.records.codes import Code, Concept
from oncoguide.records.model import (
    Biomarker,
    Cancer,
    Conflict,
    Evidence,
    Performance,
    Profile,
    RecordDocument,
    RecordError,
    Result,
    Stage,
    Treatment,
    TreatmentClass,
    TreatmentStatus,
    Value,
)
from oncoguide.records.narrative import json_string, read_pieces
from oncoguide.records.spans import evidence_at
from oncoguide.records.tnm import categories, stage_group

CODED, TEXT = 0.95, 0.8
CODED_WORDS = 0.9  # a coded answer whose meaning is read from its display words (CAP 'No mutations detected')
_MAX_DEPTH = 100
_Box = dict[str, Any] | list[Any]
_Spans = dict[int, dict[str | int, tuple[int, int]]]


# --- JSON with spans --------------------------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}


class _Json:
    """A JSON parser that records, for every object and array, the text span of each member's value."""

    def __init__(self, text: str, name: str) -> None:
        self.text, self.name = text, name
        self.spans: _Spans = {}

    def parse(self) -> Any:
        start = self._ws(1 if self.text.startswith("\ufeff") else 0)
        value, _, _, end = self._value(start, 0)
        if self._ws(end) != len(self.text):
            raise self._bad(self._ws(end), "extra data after the JSON value")
        return value

    def _ws(self, pos: int) -> int:
        m = _WS.match(self.text, pos)
        return m.end() if m else pos

    def _bad(self, pos: int, why: str) -> RecordError:
        return RecordError(f"{self.name} is not valid JSON ({why} at character {pos})")

    def _value(self, pos: int, depth: int) -> tuple[Any, int, int, int]:
        """(value, span start, span end, next position); a string's span excludes its quotes."""
        if depth > _MAX_DEPTH:
            raise RecordError(f"{self.name} is nested more than {_MAX_DEPTH} levels deep")
        char = self.text[pos : pos + 1]
        if char == '"':
            try:
                s, end = scanstring(self.text, pos + 1, True)
            except JSONDecodeError as e:
                raise self._bad(pos, "bad string") from e
            return s, pos + 1, end - 1, end
        if char in "{[" and char:
            return self._container(pos, depth)
        m = _NUMBER.match(self.text, pos)
        if m and m.end() > pos:
            token = m.group(0)
            number = float(token) if any(c in token for c in ".eE") else int(token)
            return number, pos, m.end(), m.end()
        for word, literal in _LITERALS.items():
            if self.text.startswith(word, pos):
                return literal, pos, pos + len(word), pos + len(word)
        raise self._bad(pos, "unexpected character")

    def _container(self, pos: int, depth: int) -> tuple[Any, int, int, int]:
        is_object = self.text[pos] == "{"
        box: _Box = {} if is_object else []
        spans: dict[str | int, tuple[int, int]] = {}
        self.spans[id(box)] = spans
        close = "}" if is_object else "]"
        start, pos = pos, self._ws(pos + 1)
        if self.text[pos : pos + 1] == close:
            return box, start, pos + 1, pos + 1
        while True:
            key: str | int = len(box)
            if is_object:
                key, pos = self._key(pos)
            value, s, e, pos = self._value(pos, depth + 1)
            if isinstance(box, dict):
                box[str(key)] = value
            else:
                box.append(value)
            spans[key] = (s, e)
            pos = self._ws(pos)
            char = self.text[pos : pos + 1]
            if char == close:
                return box, start, pos + 1, pos + 1
            if char != ",":
                raise self._bad(pos, f"expected ',' or '{close}'")
            pos = self._ws(pos + 1)

    def _key(self, pos: int) -> tuple[str, int]:
        if self.text[pos : pos + 1] != '"':
            raise self._bad(pos, "expected a member name")
        try:
            key, pos = scanstring(self.text, pos + 1, True)
        except JSONDecodeError as e:
            raise self._bad(pos, "bad member name") from e
        pos = self._ws(pos)
        if self.text[pos : pos + 1] != ":":
            raise self._bad(pos, "expected ':'")
        return key, self._ws(pos + 1)


# --- Safe access ------------------------------------------------------------------------------------------------

def _dict(x: Any) -> dict[str, Any]:
    return x if isinstance(x, dict) else {}


def _list(x: Any) -> list[Any]:
    return x if isinstance(x, list) else []


def _str(x: Any) -> str:
    return x.strip() if isinstance(x, str) else ""


def _date(x: Any) -> date | None:
    """The date of a FHIR date/dateTime; partial dates (``2019-04``) are not read."""
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", _str(x))
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _profiles(res: dict[str, Any]) -> list[str]:
    return [p for p in map(_str, _list(_dict(res.get("meta")).get("profile"))) if p]


def _codings(cc: Any) -> list[tuple[Code, dict[str, Any]]]:
    """A CodeableConcept's codings as (Code, the coding object)."""
    out = []
    for c in _list(_dict(cc).get("coding")):
        if isinstance(c, dict):
            code = c.get("code")
            out.append((Code(_str(c.get("system")), code.strip() if isinstance(code, str) else "",
                             _str(c.get("display"))), c))
    return out


# --- Answers: one read string with its span ---------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    """A value as written (display, code, string or number) with its span in the document text."""

    text: str
    start: int
    end: int
    resource: str | None
    code: Code | None = None
    coded: bool = False
    number: bool = False

    def evidence(self, doc: RecordDocument, sub: tuple[int, int] | None = None) -> Evidence:
        """Evidence for the whole answer, or for ``text[sub[0]:sub[1]]`` when the text is written unescaped."""
        start, end = self.start, self.end
        if sub is not None and doc.text[start:end] == self.text:
            start, end = start + sub[0], start + sub[1]
        return evidence_at(doc, start, end, self.resource)

    def find(self, words: str) -> tuple[int, int] | None:
        """Where ``words`` sit in the answer text (case-insensitive)."""
        i = self.text.lower().find(words.lower()) if words else -1
        return (i, i + len(words)) if i >= 0 else None


# --- Profile builder ----------------------------------------------------------------------------------------------

_PREFIX_RANK = {None: 0, "c": 1, "p": 2, "yp": 3, "r": 4}
_StagePart = Literal["t", "n", "m", "group", "system"]


def _norm(v: Value) -> str:
    return " ".join(v.value.lower().split())


@dataclass
class _Staging:
    parts: dict[str, Value] = field(default_factory=dict)
    as_of: date | None = None


class ProfileBuilder:
    """Collects values read from one document; the first reading of a field is kept, a different one is a conflict."""

    def __init__(self) -> None:
        self.cancer: dict[str, Value] = {}
        self.cancer_ids: list[tuple[str, float]] = []
        self.staging: dict[str | None, _Staging] = {}
        self.metastases: list[Value] = []
        self.biomarkers: list[Biomarker] = []
        self.treatments: list[Treatment] = []
        self.performance: dict[str, Value] = {}
        self.conflicts: dict[str, list[Value]] = {}

    def _keep(self, slot: dict[str, Value], key: str, name: str, value: Value) -> None:
        old = slot.get(key)
        if old is None:
            slot[key] = value
        elif _norm(old) != _norm(value):
            values = self.conflicts.setdefault(name, [old])
            if all(_norm(v) != _norm(value) for v in values):
                values.append(value)

    def set_cancer(self, part: str, value: Value) -> None:
        """histology, grade, primary_site, laterality or diagnosed_on."""
        self._keep(self.cancer, part, f"cancer.{part}", value)

    def set_cancer_id(self, cancer_id: str | None, confidence: float) -> None:
        if cancer_id:
            self.cancer_ids.append((cancer_id, confidence))

    def set_stage(self, prefix: str | None, part: _StagePart, value: Value, as_of: date | None) -> None:
        staging = self.staging.setdefault(prefix, _Staging())
        self._keep(staging.parts, part, f"stage.{part}", value)
        if as_of and (staging.as_of is None or as_of > staging.as_of):
            staging.as_of = as_of

    def add_metastasis(self, value: Value) -> None:
        if all(_norm(v) != _norm(value) for v in self.metastases):
            self.metastases.append(value)

    def add_biomarker(self, b: Biomarker) -> None:
        same = [o for o in self.biomarkers if o.name == b.name]
        if any(o.result == b.result and o.detail == b.detail for o in same):
            return
        definite = ("positive", "negative", "equivocal")
        clash = [o for o in same if o.result != b.result and o.result in definite and b.result in definite]
        if clash:
            values = self.conflicts.setdefault(f"biomarker:{b.name}", [_as_value(clash[0])])
            values.append(_as_value(b))
        self.biomarkers.append(b)

    def add_treatment(self, t: Treatment) -> None:
        key = (t.name.lower(), t.start, t.end, t.status, t.drug_class)
        if all((o.name.lower(), o.start, o.end, o.status, o.drug_class) != key for o in self.treatments):
            self.treatments.append(t)

    def set_performance(self, kind: str, value: Value) -> None:
        old = self.performance.get(kind)
        if old is not None and old.as_of and value.as_of and old.as_of != value.as_of:
            if value.as_of > old.as_of:  # a later score is the current one, not a conflict
                self.performance[kind] = value
            return
        self._keep(self.performance, kind, f"performance.{kind}", value)

    def build(self, document_id: str) -> Profile:
        stages = self._stages()
        cancer_id = max(self.cancer_ids, key=lambda x: (x[1], codes.depth(x[0])))[0] if self.cancer_ids else None
        return Profile(
            cancer=Cancer(cancer_id=cancer_id, primary_site=self.cancer.get("primary_site"),
                          histology=self.cancer.get("histology"), laterality=self.cancer.get("laterality"),
                          grade=self.cancer.get("grade"), diagnosed_on=self.cancer.get("diagnosed_on")),
            stage=stages[0] if stages else Stage(), stage_history=stages[1:], metastases=self.metastases,
            biomarkers=self.biomarkers, treatments=self.treatments,
            performance=Performance(ecog=self.performance.get("ecog"),
                                    karnofsky=self.performance.get("karnofsky")),
            conflicts=[Conflict(field=f, values=v) for f, v in self.conflicts.items()], documents=[document_id])

    def _stages(self) -> list[Stage]:
        """One stage per prefix, newest first; an unprefixed reading that repeats a prefixed one is dropped."""
        unprefixed = self.staging.get(None)
        prefixed = {p: s for p, s in self.staging.items() if p is not None}
        items: list[tuple[str | None, _Staging]] = list(prefixed.items())
        if unprefixed and not all(any(_norm(v) == _norm(s.parts[k]) for s in prefixed.values() if k in s.parts)
                                  for k, v in unprefixed.parts.items()):
            items.append((None, unprefixed))
        items.sort(key=lambda ps: (ps[1].as_of or date.min, _PREFIX_RANK.get(ps[0], 0)), reverse=True)
        return [Stage(system=s.parts.get("system"), prefix=p, t=s.parts.get("t"), n=s.parts.get("n"),  # type: ignore[arg-type]
                      m=s.parts.get("m"), group=s.parts.get("group"), as_of=s.as_of) for p, s in items]


def _as_value(b: Biomarker) -> Value:
    return Value(value=b.result + (f" ({b.detail})" if b.detail else ""), code=b.code, as_of=b.on,
                 evidence=b.evidence, confidence=b.confidence)


# --- Applying a read answer (shared with HL7 v2) ------------------------------------------------------------------

_BARE_RESULT = re.compile(r"^(?:positive|negative|present|absent|detected|not detected|yes|no)$", re.I)


def apply_answer(out: ProfileBuilder, doc: RecordDocument, concept: Concept, answer: Answer,
                 as_of: date | None = None, question_code: Code | None = None, detail: str | None = None) -> None:
    """Put one answer to a known question into the profile (unusable answers are ignored).

    ``detail`` (markers only) is a measured value read elsewhere, e.g. the quantity an interpretation belongs to.
    """
    confidence = CODED if concept.coded and answer.coded else TEXT
    code = codes.code_ref(answer.code) if answer.code and answer.coded else None
    kind = concept.kind
    if kind in ("histology", "grade", "site", "laterality"):
        if answer.number or codes.is_boilerplate(answer.text):
            return
        sub = codes.clean_site(answer.text) if kind == "site" else codes.clean_span(answer.text)
        part = "primary_site" if kind == "site" else kind
        out.set_cancer(part, Value(value=answer.text[sub[0]:sub[1]], code=code, as_of=as_of,
                                   evidence=answer.evidence(doc, sub), confidence=confidence))
    elif kind == "procedure":
        _procedure_answer(out, doc, answer, code, confidence)
    elif kind in ("T", "N", "M"):
        _category_answer(out, doc, concept, answer, code, confidence, as_of)
    elif kind == "group":
        group = None if answer.number else codes.group_of(answer.code, answer.text)
        if group:
            out.set_stage(concept.prefix, "group", Value(value=group[0], code=code, as_of=as_of,
                                                          evidence=answer.evidence(doc), confidence=confidence),
                          as_of)
    elif kind == "marker" and concept.name:
        _marker_answer(out, doc, concept, answer, confidence, as_of, question_code, detail)
    elif kind in ("ecog", "karnofsky"):
        _performance_answer(out, doc, kind, answer, confidence, as_of)


def _procedure_answer(out: ProfileBuilder, doc: RecordDocument, answer: Answer, code: str | None,
                      confidence: float) -> None:
    if answer.number or codes.is_boilerplate(answer.text):
        return
    kind = codes.procedure_class(answer.code, answer.text)
    if kind is None:
        return
    sub = codes.clean_span(answer.text)
    # A pathology report on the specimen of a resection means that surgery was done.
    out.add_treatment(Treatment(name=answer.text[sub[0]:sub[1]], drug_class=kind[0], status="completed", code=code,
                                evidence=answer.evidence(doc, sub), confidence=confidence))


def _category_answer(out: ProfileBuilder, doc: RecordDocument, concept: Concept, answer: Answer, code: str | None,
                     confidence: float, as_of: date | None) -> None:
    if answer.number:
        return
    at_start = answer.code is not None and codes.system_key(answer.code.system) == codes.CAP
    found = codes.category_of(answer.text, concept.kind, at_start=at_start)
    if found is None:
        return
    prefix, value, start, end = found
    out.set_stage(concept.prefix or prefix, concept.kind.lower(),  # type: ignore[arg-type]
                  Value(value=value, code=code, as_of=as_of, evidence=answer.evidence(doc, (start, end)),
                        confidence=confidence), as_of)


def _marker_answer(out: ProfileBuilder, doc: RecordDocument, concept: Concept, answer: Answer, confidence: float,
                   as_of: date | None, question_code: Code | None, measured: str | None) -> None:
    name = concept.name or ""
    detail: str | None
    if answer.number:
        result: Result = "unknown"
        detail = answer.text
    else:
        read = codes.result_of(answer.code if answer.coded else None, answer.text, name)
        if read is None:
            return
        result, coded = read
        confidence = confidence if coded or not answer.coded else min(confidence, CODED_WORDS)
        words = codes.clean(answer.text)
        detail = measured or codes.variant_in(words) or (None if _BARE_RESULT.match(words) or not words else words)
    method = concept.method or (codes.method_of(question_code.display) if question_code else None)
    out.add_biomarker(Biomarker(name=name, result=result, detail=detail, method=method, on=as_of,  # type: ignore[arg-type]
                                code=codes.code_ref(question_code) if question_code else None,
                                evidence=answer.evidence(doc, codes.clean_span(answer.text)), confidence=confidence))


def _performance_answer(out: ProfileBuilder, doc: RecordDocument, kind: str, answer: Answer, confidence: float,
                        as_of: date | None) -> None:
    score: int | None = None
    if answer.number and re.fullmatch(r"\d{1,3}", answer.text):
        score = int(answer.text)
    elif answer.code is not None:
        score = codes.performance_of(kind, answer.code)
    valid = range(6) if kind == "ecog" else range(0, 101, 10)
    if score is None or score not in valid:
        return
    out.set_performance(kind, Value(value=str(score), code=codes.code_ref(answer.code) if answer.code else None,
                                    as_of=as_of, evidence=answer.evidence(doc), confidence=confidence))


# --- Reading resources --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Resource:
    res: dict[str, Any]
    type: str
    label: str
    keys: tuple[str, ...]


def _resources(root: dict[str, Any]) -> list[_Resource]:
    """Every resource in document order: bundle entries (nested bundles too) and contained resources."""
    found: list[tuple[dict[str, Any], str]] = []
    stack: list[tuple[dict[str, Any], str]] = [(root, "")]
    while stack:
        res, full_url = stack.pop()
        found.append((res, full_url))
        children: list[tuple[dict[str, Any], str]] = []
        if res.get("resourceType") == "Bundle":
            for entry in map(_dict, _list(res.get("entry"))):
                inner = _dict(entry.get("resource"))
                if _str(inner.get("resourceType")):
                    children.append((inner, _str(entry.get("fullUrl"))))
        children += [(c, "") for c in map(_dict, _list(res.get("contained"))) if _str(c.get("resourceType"))]
        stack.extend(reversed(children))
    out = []
    for n, (res, full_url) in enumerate(found, 1):
        rtype, rid = _str(res.get("resourceType")), _str(res.get("id"))
        keys = tuple(k for k in (f"{rtype}/{rid}" if rid else "", f"#{rid}" if rid else "", full_url,
                                 _ref_tail(full_url)) if k)
        out.append(_Resource(res, rtype, f"{rtype}/{rid}" if rid else f"{rtype}#{n}", keys))
    return out


def _ref_tail(ref: str) -> str:
    """``http://x/fhir/Observation/1`` -> ``Observation/1``; ``Observation/urn:uuid:1`` -> ``urn:uuid:1``."""
    m = re.search(r"(?:^|/)([A-Z][A-Za-z]+)/([^/]+)$", ref)
    if not m:
        return ""
    return m.group(2) if m.group(2).startswith("urn:") else f"{m.group(1)}/{m.group(2)}"


def _ref_keys(ref: Any) -> list[str]:
    r = _str(_dict(ref).get("reference"))
    return [k for k in (r, _ref_tail(r)) if k]


_STAGE_PROFILES = (("tnm-clinical-stage-group", "group", "c"), ("tnm-pathological-stage-group", "group", "p"),
                   ("tnm-clinical-primary-tumor", "T", "c"), ("tnm-pathological-primary-tumor", "T", "p"),
                   ("tnm-clinical-regional-nodes", "N", "c"), ("tnm-pathological-regional-nodes", "N", "p"),
                   ("tnm-clinical-distant-metastases", "M", "c"), ("tnm-pathological-distant-metastases", "M", "p"),
                   ("ecog-performance-status", "ecog", None), ("karnofsky-performance-status", "karnofsky", None),
                   ("genetic-variant", "variant", None), ("genomic-variant", "variant", None))
_MED_STATUS: dict[str, TreatmentStatus] = {
    "active": "ongoing", "in-progress": "ongoing", "completed": "completed", "stopped": "stopped",
    "intended": "planned", "draft": "planned", "preparation": "planned",
    "on-hold": "unknown", "unknown": "unknown"}
_SKIP_STATUS = ("entered-in-error", "not-taken", "not-done")
_NEGATION = re.compile(r"\b(?:no|not|negative for|without|free of|ruled out)\b", re.I)
_VARIANT_DETAIL = ("48005-3", "48004-6", "81252-9", "81290-9")  # amino acid / DNA / discrete / genomic change


@dataclass(frozen=True)
class _CancerHit:
    cancer: codes.CancerCode
    coded: bool
    code: Code | None = None
    coding: dict[str, Any] | None = None


class _Reader:
    """Reads the resources of one FHIR document into a ProfileBuilder."""

    def __init__(self, doc: RecordDocument, spans: _Spans, resources: list[_Resource]) -> None:
        self.doc, self.spans, self.resources = doc, spans, resources
        self.out = ProfileBuilder()
        self.index = {k: r for r in resources for k in r.keys}
        self.report_dates: dict[str, date] = {}
        self.member_prefix: dict[str, str] = {}
        self.group_prefix: dict[str, str] = {}
        self.summaries: list[tuple[Answer, str | None, list[str], date | None]] = []
        self.sections: list[tuple[str, Value]] = []
        self.narrative: list[Answer] = []  # free text no code reads: report conclusions, free-text values

    def read(self) -> Profile:
        self._prepass()
        for r in self.resources:
            handler = _HANDLERS.get(r.type)
            if handler is None:
                continue
            try:
                handler(self, r)
            except (TypeError, ValueError, KeyError, AttributeError, IndexError):
                continue  # an unusable resource is skipped
        self._condition_stages()
        for prefix, value in self.sections:
            if prefix in self.out.staging:  # the edition of a staging that was read
                self.out.set_stage(prefix, "system", value, None)
        coded = self.out.build(self.doc.id)
        pieces = [p for a in self.narrative if (p := json_string(self.doc.text[a.start:a.end], a.start, a.resource))]
        if not pieces:
            return coded
        from oncoguide.records.merge import merge

        return merge([read_pieces(self.doc, pieces, "\n\n"), coded])  # coded values win ties

    # -- helpers

    def at(self, box: _Box, key: str | int, resource: _Resource, coded: bool = False, code: Code | None = None,
           number: bool = False) -> Answer | None:
        """The answer written at ``box[key]`` (None when it is not there or not text/number)."""
        span = self.spans.get(id(box), {}).get(key)
        if isinstance(box, list):
            value = box[key] if isinstance(key, int) and 0 <= key < len(box) else None
        else:
            value = box.get(key) if isinstance(key, str) else None
        if span is None or isinstance(value, bool) or not isinstance(value, str | int | float):
            return None
        text = value if isinstance(value, str) else self.doc.text[span[0]:span[1]]
        if not text.strip():
            return None
        return Answer(text, span[0], span[1], resource.label, code, coded, number or not isinstance(value, str))

    def coding_answer(self, code: Code, coding: dict[str, Any], r: _Resource) -> Answer | None:
        """A coding's display, or its code when it has no display."""
        return (self.at(coding, "display", r, True, code) if code.display else None) or \
            self.at(coding, "code", r, True, code)

    def concept_answer(self, cc: Any, r: _Resource) -> Answer | None:
        """A CodeableConcept's first coding with something written, else its text."""
        for code, coding in _codings(cc):
            answer = self.coding_answer(code, coding, r)
            if answer:
                return answer
        return self.at(_dict(cc), "text", r) if isinstance(cc, dict) else None

    def value_answers(self, res: dict[str, Any], r: _Resource) -> list[Answer]:
        """An Observation's value[x]; for checklist multi-select answers, its components' codes."""
        if "valueCodeableConcept" in res:
            answer = self.concept_answer(res["valueCodeableConcept"], r)
            return [answer] if answer else []
        for key in ("valueString", "valueInteger"):
            if key in res:
                answer = self.at(res, key, r, number=key == "valueInteger")
                return [answer] if answer else []
        if "valueQuantity" in res:
            q = _dict(res["valueQuantity"])
            answer = self.at(q, "value", r, number=True)
            unit = _str(q.get("unit")) or _str(q.get("code"))
            return [Answer(f"{answer.text} {unit}".strip(), answer.start, answer.end, r.label, number=True)] \
                if answer else []
        found = []
        for comp in map(_dict, _list(res.get("component"))):
            if not any(k.startswith("value") for k in comp):
                found += [a for a in (self.concept_answer(comp.get("code"), r),) if a and a.coded]
        return found

    def as_of(self, res: dict[str, Any], r: _Resource) -> date | None:
        for value in (res.get("effectiveDateTime"), _dict(res.get("effectivePeriod")).get("start"),
                      res.get("effectiveInstant"), res.get("issued")):
            if _date(value):
                return _date(value)
        return next((self.report_dates[k] for k in r.keys if k in self.report_dates), None)

    # -- passes

    def _prepass(self) -> None:
        """Report dates of observations, and the prefixes staging panels give their members."""
        for r in self.resources:
            try:
                if r.type == "DiagnosticReport":
                    when = _date(r.res.get("effectiveDateTime")) or _date(
                        _dict(r.res.get("effectivePeriod")).get("start")) or _date(r.res.get("issued"))
                    for ref in _list(r.res.get("result")) if when else []:
                        self.report_dates.update(dict.fromkeys(_ref_keys(ref), when))  # type: ignore[arg-type]
                elif r.type == "Observation" and r.res.get("hasMember"):
                    concept = self._concept(r.res)
                    if concept and concept.prefix:
                        for ref in _list(r.res.get("hasMember")):
                            self.member_prefix.update(dict.fromkeys(_ref_keys(ref), concept.prefix))
            except (TypeError, ValueError, KeyError, AttributeError):
                continue

    def _concept(self, res: dict[str, Any]) -> Concept | None:
        cc = _dict(res.get("code"))
        concept = codes.question([c for c, _ in _codings(cc)], _str(cc.get("text")))
        if concept is not None:
            return concept
        joined = " ".join(_profiles(res))
        for words, kind, prefix in _STAGE_PROFILES:
            if words in joined:
                return Concept(kind, prefix=prefix)
        return None

    # -- Observation

    def observation(self, r: _Resource) -> None:
        res = r.res
        if _str(res.get("status")) in ("entered-in-error", "cancelled"):
            return
        concept = self._concept(res)
        if concept is None:
            self._staging_section(res, r)
            text = self.at(res, "valueString", r)
            code = _dict(res.get("code"))
            if text is not None and codes.is_narrative([c for c, _ in _codings(code)], _str(code.get("text"))):
                self.narrative.append(text)  # report text under a code no table reads (a pathology report)
            return
        if concept.kind in ("T", "N", "M", "group") and concept.prefix is None:
            prefix = next((self.member_prefix[k] for k in r.keys if k in self.member_prefix), None)
            concept = Concept(concept.kind, prefix, concept.name, concept.method, concept.coded, concept.index)
        when = self.as_of(res, r)
        if concept.kind == "group" and concept.prefix:
            self.group_prefix.update(dict.fromkeys(r.keys, concept.prefix))
            self._staging_method(res, r, concept.prefix, when)
        if concept.kind == "variant":
            self._variant(res, r, concept, when)
            return
        question_codes = [c for c, _ in _codings(res.get("code"))]
        question_code = question_codes[concept.index] if 0 <= concept.index < len(question_codes) else None
        answers = self.value_answers(res, r)
        if concept.kind == "marker" and all(a.number for a in answers):
            interpretation = self.concept_answer(next(iter(_list(res.get("interpretation"))), None), r)
            if interpretation and codes.result_of(interpretation.code, interpretation.text, concept.name):
                measured = answers[0].text if answers else None
                apply_answer(self.out, self.doc, concept, interpretation, when, question_code, measured)
                return
        for answer in answers:
            apply_answer(self.out, self.doc, concept, answer, when, question_code)

    def _staging_section(self, res: dict[str, Any], r: _Resource) -> None:
        """A checklist section 'PATHOLOGIC STAGE CLASSIFICATION (pTNM, AJCC 8th Edition)' names the edition."""
        for code, coding in _codings(res.get("code")):
            system = codes.staging_system(code.display)
            answer = self.at(coding, "display", r, True, code)
            if system and answer and re.search(r"\bp(?:TNM|athologic)", code.display, re.I):
                self.sections.append(("p", Value(value=system, evidence=answer.evidence(self.doc), confidence=CODED)))
                return

    def _staging_method(self, res: dict[str, Any], r: _Resource, prefix: str, when: date | None) -> None:
        method = self.concept_answer(res.get("method"), r)
        system = codes.staging_system(method.text) if method else None
        if method and system:
            self.out.set_stage(prefix, "system", Value(value=system, as_of=when, evidence=method.evidence(self.doc),
                                                       confidence=CODED if method.coded else TEXT), when)

    def _variant(self, res: dict[str, Any], r: _Resource, concept: Concept, when: date | None) -> None:
        gene = None
        detail: str | None = None
        origin = None
        for comp in map(_dict, _list(res.get("component"))):
            comp_codes = {c.code for c, _ in _codings(comp.get("code"))}
            value = self.concept_answer(comp.get("valueCodeableConcept"), r) or self.at(comp, "valueString", r)
            if value is None:
                continue
            if "48018-6" in comp_codes and gene is None:
                gene = self._gene(comp.get("valueCodeableConcept"), r)
            elif comp_codes & set(_VARIANT_DETAIL) and detail is None:
                detail = codes.clean(value.text)
            elif "48002-0" in comp_codes:
                origin = next((o for o in ("germline", "somatic") if o in value.text.lower()), None)
        if gene is None:
            return
        name, answer, coded = gene
        results = self.value_answers(res, r)
        read = codes.result_of(results[0].code if results[0].coded else None, results[0].text, name) \
            if results else None
        if detail is None:
            interpretation = self.concept_answer(next(iter(_list(res.get("interpretation"))), None), r)
            detail = codes.clean(interpretation.text) if interpretation and not interpretation.number else None
        method = codes.method_of(_str(_dict(res.get("method")).get("text")))
        self.out.add_biomarker(Biomarker(
            name=name, result=read[0] if read else "unknown", detail=detail, method=method,  # type: ignore[arg-type]
            origin=origin, on=when, code=codes.code_ref(answer.code) if answer.code else None,  # type: ignore[arg-type]
            evidence=answer.evidence(self.doc), confidence=CODED if coded and read and read[1] else TEXT))

    def _gene(self, cc: Any, r: _Resource) -> tuple[str, Answer, bool] | None:
        for code, coding in _codings(cc):
            hit = codes.gene_of(code)
            if hit:
                answer = self.at(coding, "code" if hit[1] else "display", r, True, code)
                if answer:
                    return hit[0], answer, hit[1]
        text = self.at(_dict(cc), "text", r)
        hit = codes.gene_of(Code("", "", text.text)) if text else None
        return (hit[0], text, False) if hit and text else None

    # -- Condition

    def condition(self, r: _Resource) -> None:
        res = r.res
        verification = {c.code for c, _ in _codings(res.get("verificationStatus"))}
        if verification & {"refuted", "entered-in-error"}:
            return
        scale = 0.75 if verification & {"provisional", "differential", "unconfirmed"} else 1.0
        urls = [_str(_dict(e).get("url")) for e in _list(res.get("extension"))]
        joined = " ".join(_profiles(res) + urls)
        codings = _codings(res.get("code"))
        text = _str(_dict(res.get("code")).get("text"))
        if "secondary-cancer-condition" in joined or "related-primary-cancer-condition" in joined or \
                any(codes.is_secondary(c) for c, _ in codings) or (text and codes.is_secondary(Code("", "", text))):
            self._metastasis(res, r, codings, scale)
            return
        hit: _CancerHit | None = None
        for code, coding in codings:
            found = codes.cancer_of(code)
            if found:
                hit = _CancerHit(found[0], found[1], code, coding)
                break
        found = codes.cancer_of(Code("", "", text)) if hit is None and text else None
        if found:
            hit = _CancerHit(found[0], False)
        if hit is None and "primary-cancer-condition" not in joined:
            return  # not a cancer
        self._primary(res, r, hit, scale)

    def _primary(self, res: dict[str, Any], r: _Resource, hit: _CancerHit | None, scale: float) -> None:
        when = _date(res.get("onsetDateTime")) or _date(_dict(res.get("onsetPeriod")).get("start"))
        for ext in map(_dict, _list(res.get("extension"))):
            if "histology-morphology-behavior" in _str(ext.get("url")):
                self._set_from_concept("histology", ext.get("valueCodeableConcept"), r, scale)
        for site in map(_dict, _list(res.get("bodySite"))[:1]):
            self._set_from_concept("primary_site", site, r, scale)
            for ext in map(_dict, _list(site.get("extension"))):
                if "laterality" in _str(ext.get("url")):
                    self._set_from_concept("laterality", ext.get("valueCodeableConcept"), r, scale)
        if hit:
            self.out.set_cancer_id(hit.cancer.cancer_id, (CODED if hit.coded else TEXT) * scale)
            if hit.code is not None and hit.coding is not None:
                self._from_code(hit.cancer, hit.code, hit.coding, r, hit.coded, scale)
        for key, box in (("onsetDateTime", res), ("start", _dict(res.get("onsetPeriod")))):
            onset = self.at(box, key, r) if when else None
            if onset and when:
                self.out.set_cancer("diagnosed_on", Value(value=when.isoformat(), as_of=when, confidence=CODED * scale,
                                                          evidence=onset.evidence(self.doc, (0, 10))))
                break
        for stage in map(_dict, _list(res.get("stage"))):
            summary = self.concept_answer(stage.get("summary"), r)
            if summary:
                kind = codes.question([c for c, _ in _codings(stage.get("type"))])
                refs = [k for ref in _list(stage.get("assessment")) for k in _ref_keys(ref)]
                self.summaries.append((summary, kind.prefix if kind else None, refs, when))

    def _from_code(self, cancer: codes.CancerCode, code: Code, coding: dict[str, Any], r: _Resource, coded: bool,
                   scale: float) -> None:
        """Histology and site that a condition code states (found in its display, else pointing at the code)."""
        confidence = (CODED if coded else TEXT) * scale
        for part, words in (("histology", cancer.histology), ("primary_site", cancer.site)):
            if not words or part in self.out.cancer:  # stated explicitly (extension, bodySite) wins
                continue
            display = self.at(coding, "display", r, coded, code)
            sub = display.find(words) if display else None
            answer = display if sub else self.at(coding, "code", r, coded, code)
            if answer:
                value = answer.text[sub[0]:sub[1]] if sub else words
                self.out.set_cancer(part, Value(value=value, code=codes.code_ref(code), evidence=answer.evidence(
                    self.doc, sub), confidence=confidence))

    def _set_from_concept(self, part: str, cc: Any, r: _Resource, scale: float) -> None:
        answer = self.concept_answer(cc, r)
        if answer is None or answer.number or codes.is_boilerplate(answer.text):
            return
        sub = codes.clean_site(answer.text) if part == "primary_site" else codes.clean_span(answer.text)
        self.out.set_cancer(part, Value(value=answer.text[sub[0]:sub[1]], code=codes.code_ref(answer.code)
                                        if answer.code else None, evidence=answer.evidence(self.doc, sub),
                                        confidence=(CODED if answer.coded else TEXT) * scale))

    def _metastasis(self, res: dict[str, Any], r: _Resource, codings: list[tuple[Code, dict[str, Any]]],
                    scale: float) -> None:
        code_cc = _dict(res.get("code"))
        sources = [(code, coding, "display" if code.display else "code") for code, coding in codings]
        sources.append((Code("", "", _str(code_cc.get("text"))), code_cc, "text"))
        for code, box, key in sources:
            site = codes.metastasis_site(code) if code.code or code.display else None
            if site is None:
                continue
            words, source, coded = site
            answer = self.at(box, key if source == code.display else "code", r, key != "text", code)
            if answer:
                sub = answer.find(words)
                self.out.add_metastasis(Value(value=words, code=codes.code_ref(code), as_of=_date(res.get(
                    "onsetDateTime")), evidence=answer.evidence(self.doc, sub), confidence=(CODED if coded else TEXT)
                    * scale))
                return
        body = next(iter(_list(res.get("bodySite"))), None)
        answer = self.concept_answer(body, r)
        if answer and not answer.number:
            sub = codes.clean_site(answer.text)
            self.out.add_metastasis(Value(value=answer.text[sub[0]:sub[1]], code=codes.code_ref(answer.code)
                                          if answer.code else None, evidence=answer.evidence(self.doc, sub),
                                          confidence=TEXT * scale))

    def _condition_stages(self) -> None:
        for answer, prefix, refs, when in self.summaries:
            prefix = prefix or next((self.group_prefix[k] for k in refs if k in self.group_prefix), None)
            apply_answer(self.out, self.doc, Concept("group", prefix=prefix), answer, when)

    # -- Treatments

    def procedure(self, r: _Resource) -> None:
        res = r.res
        status = _str(res.get("status"))
        if status in _SKIP_STATUS:
            return
        answer = self.concept_answer(res.get("code"), r)
        if answer is None or answer.number:
            return
        kind = codes.procedure_class(answer.code, answer.text, _profiles(res))
        if kind is None:
            return
        period = _dict(res.get("performedPeriod"))
        start = _date(res.get("performedDateTime")) or _date(period.get("start"))
        reason = self._reason(res.get("statusReason"), r)
        sub = codes.clean_span(answer.text)
        self.out.add_treatment(Treatment(
            name=answer.text[sub[0]:sub[1]], drug_class=kind[0], start=start, end=_date(period.get("end")),
            status=_MED_STATUS.get(status, "unknown"), reason_stopped=_reason_for(reason, status),
            code=codes.code_ref(answer.code) if answer.code else None, evidence=answer.evidence(self.doc, sub),
            confidence=CODED if kind[1] and answer.coded else TEXT))

    def medication(self, r: _Resource) -> None:
        res = r.res
        status = _str(res.get("status"))
        if status in _SKIP_STATUS:
            return
        found = self._drug(res, r)
        if found is None:
            return
        name, drug_class, answer, sub, coded = found
        period = _dict(res.get("effectivePeriod"))
        start = _date(res.get("effectiveDateTime")) or _date(period.get("start"))
        reasons = [self._reason(x, r) for x in (_list(res.get("statusReason")) or [res.get("statusReason")])]
        reasons += [self._reason(_dict(e).get("valueCodeableConcept"), r) for e in _list(res.get("extension"))
                    if "termination-reason" in _str(_dict(e).get("url"))]
        reason = next((x for x in reasons if x), None)
        self.out.add_treatment(Treatment(
            name=name, drug_class=drug_class, start=start, end=_date(period.get("end")),
            status=_MED_STATUS.get(status, "unknown"), reason_stopped=_reason_for(reason, status),
            code=codes.code_ref(answer.code) if answer.code else None, evidence=answer.evidence(self.doc, sub),
            confidence=CODED if coded else TEXT))

    def _drug(self, res: dict[str, Any], r: _Resource) -> tuple[str, TreatmentClass, Answer, tuple[int, int] | None,
                                                                  bool] | None:
        """(name, class, answer, sub-span, coded) of the medication a statement, request or administration names."""
        cc, owner = res.get("medicationCodeableConcept"), r
        if cc is None:
            target = next((self.index[k] for k in _ref_keys(res.get("medicationReference")) if k in self.index), None)
            if target is None or target.type != "Medication":
                return None
            cc, owner = target.res.get("code"), target
        for code, coding in _codings(cc):
            hit = codes.drug_of(code)
            answer = self.coding_answer(code, coding, owner)
            if hit and answer:
                return hit[0], hit[1], answer, answer.find(hit[3]) or codes.drug_words_span(answer.text), hit[2]
        answer = self.concept_answer(cc, owner)
        if answer is None or answer.number:
            return None
        hit = codes.drug_of(None, answer.text)
        if hit:
            return hit[0], hit[1], answer, answer.find(hit[3]), False
        sub = codes.drug_words_span(answer.text)
        words = answer.text[sub[0]:sub[1]]
        return (words, codes.drug_class(words.lower(), words), answer, sub, False) if words else None

    def _reason(self, cc: Any, r: _Resource) -> str | None:
        answer = self.concept_answer(cc, r) if isinstance(cc, dict) else None
        return codes.stop_reason(answer.text) if answer else None

    # -- DiagnosticReport

    def report(self, r: _Resource) -> None:
        res = r.res
        when = self.as_of(res, r)
        for code, _ in _codings(next(iter(_list(res.get("conclusionCode"))), None)):
            hit = codes.cancer_of(code)
            if hit:
                self.out.set_cancer_id(hit[0].cancer_id, CODED if hit[1] else TEXT)
        conclusion = self.at(res, "conclusion", r)
        if conclusion is not None:
            self.narrative.append(conclusion)  # markers, histology, treatments: the text reader's
        if conclusion is None or _NEGATION.search(conclusion.text):
            return
        self.out.set_cancer_id(codes.cancer_in_text(conclusion.text), TEXT)
        group = stage_group(conclusion.text)
        if group:
            self.out.set_stage(None, "group", Value(value=group[0], as_of=when, confidence=TEXT,
                                                    evidence=conclusion.evidence(self.doc, group[1:])), when)
        for cat in categories(conclusion.text):
            self.out.set_stage(cat.prefix, cat.axis.lower(), Value(  # type: ignore[arg-type]
                value=cat.value, as_of=when, confidence=TEXT, evidence=conclusion.evidence(
                    self.doc, (cat.start, cat.end))), when)


def _reason_for(reason: str | None, status: str) -> Literal["progression", "toxicity", "completed", "other"] | None:
    """A stop reason: progression/toxicity whenever stated; completed/other only for stopped or completed courses."""
    if reason in ("progression", "toxicity"):
        return reason  # type: ignore[return-value]
    if reason in ("completed", "other") and status in ("stopped", "completed", "cancelled"):
        return reason  # type: ignore[return-value]
    return None


_HANDLERS: dict[str, Callable[[_Reader, _Resource], None]] = {
    "Observation": _Reader.observation, "Condition": _Reader.condition, "Procedure": _Reader.procedure,
    "MedicationStatement": _Reader.medication, "MedicationRequest": _Reader.medication,
    "MedicationAdministration": _Reader.medication, "DiagnosticReport": _Reader.report,
}


def _root(doc: RecordDocument) -> tuple[dict[str, Any], _Spans]:
    if not doc.text.strip():
        raise RecordError(f"{doc.name} is empty")
    parser = _Json(doc.text, doc.name)
    root = parser.parse()
    if not isinstance(root, dict) or not _str(root.get("resourceType")):
        raise RecordError(f"{doc.name} is not FHIR: the JSON has no resourceType")
    return root, parser.spans


def extract_fhir(doc: RecordDocument) -> Profile:
    """The profile one FHIR JSON document (a Bundle of any type, or one resource) supports.

    Values are read from ``doc.text`` (the JSON as uploaded) so that every evidence span points into it.
    """
    root, spans = _root(doc)
    return _Reader(doc, spans, _resources(root)).read()


def iter_values(profile: Profile) -> Iterator[tuple[str, Evidence]]:
    """Every (field, evidence) pair of a profile, for checking spans."""
    for part in ("primary_site", "histology", "laterality", "grade", "diagnosed_on"):
        v = getattr(profile.cancer, part)
        if v is not None:
            yield f"cancer.{part}", v.evidence
    for stage in [profile.stage, *profile.stage_history]:
        for part in ("system", "t", "n", "m", "group"):
            v = getattr(stage, part)
            if v is not None:
                yield f"stage.{part}", v.evidence
    yield from (("metastasis", v.evidence) for v in profile.metastases)
    yield from ((f"biomarker:{b.name}", b.evidence) for b in profile.biomarkers)
    yield from ((f"treatment:{t.name}", t.evidence) for t in profile.treatments)
    for part in ("ecog", "karnofsky"):
        v = getattr(profile.performance, part)
        if v is not None:
            yield f"performance.{part}", v.evidence
    yield from ((f"conflict:{c.field}", v.evidence) for c in profile.conflicts for v in c.values)


__all__ = ["Answer", "ProfileBuilder", "apply_answer", "extract_fhir", "iter_values"]
