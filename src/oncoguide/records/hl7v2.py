"""HL7 v2 ORU^R01 pathology results (pipe-delimited) to a diagnosis profile.

Each OBX is one checklist answer: OBX-3 the question (code^text^system, e.g. CAP eCC ``CAPECC`` or LOINC ``LN``),
OBX-5 the answer (coded ``CWE``/``CE`` as code^text^system, or ``ST``/``TX`` text, or ``NM`` number). Questions and
answers go through the same code tables and the same answer rules as FHIR (``codes``, ``fhir.apply_answer``), and
every value's evidence is the span of the OBX-5 text it was read from. Patient identification (PID) is never read.
Nothing written is lost: narrative text (a TX/FT answer to a question no code table knows, such as the lines of a
pathology report under LOINC 22637-3, an ST answer to a report question, and NTE comments) is read by the text
reader, its evidence mapped back to the message; coded answers win over it where both give a field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from oncoguide.records import codes
from oncoguide.records.codes import Code
from oncoguide.records.fhir import Answer, ProfileBuilder, apply_answer
from oncoguide.records.model import Profile, RecordDocument, RecordError
from oncoguide.records.narrative import hl7_text, read_pieces

_CODED_TYPES = ("CWE", "CE", "CNE", "CF")
_TEXT_TYPES = ("ST", "TX", "FT")
_NUMBER_TYPES = ("NM", "SN")
_ESCAPES = {"F": "|", "S": "^", "T": "&", "R": "~", "E": "\\"}


@dataclass(frozen=True)
class _Part:
    """A field or component: its text as written and where it starts in the document."""

    text: str
    start: int


@dataclass(frozen=True)
class _Delimiters:
    field: str
    component: str
    repetition: str
    escape: str


def _split(part: _Part, sep: str) -> list[_Part]:
    out, start = [], part.start
    for piece in part.text.split(sep):
        out.append(_Part(piece, start))
        start += len(piece) + len(sep)
    return out


def _unescape(text: str, d: _Delimiters) -> str:
    if d.escape not in text:
        return text
    esc = re.escape(d.escape)
    return re.sub(rf"{esc}([FSTRE]){esc}", lambda m: _ESCAPES[m.group(1)], text)


def _date(text: str) -> date | None:
    m = re.match(r"(\d{4})(\d{2})(\d{2})", text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _segments(text: str) -> list[_Part]:
    """Segments (separated by CR, LF or CRLF) with their offsets; a leading byte-order mark is left out."""
    found = [_Part(m.group(0), m.start()) for m in re.finditer(r"[^\r\n]+", text) if m.group(0).strip()]
    if found and found[0].text.startswith("\ufeff"):
        found[0] = _Part(found[0].text[1:], found[0].start + 1)
    return found


def _delimiters(msh: _Part, name: str) -> _Delimiters:
    t = msh.text
    if len(t) < 8 or not t.startswith("MSH"):
        raise RecordError(f"{name} is not an HL7 v2 message: no MSH segment")
    field, component, repetition, escape = t[3], t[4], t[5], t[6]
    if len({field, component, repetition, escape}) < 4 or field.isalnum():
        raise RecordError(f"{name} is not an HL7 v2 message: bad MSH delimiters")
    return _Delimiters(field, component, repetition, escape)


def _codes(part: _Part, d: _Delimiters) -> list[Code]:
    """The primary and alternate codings of a CWE/CE field (code^text^system^alt code^alt text^alt system)."""
    comps = [_unescape(c.text, d) for c in _split(part, d.component)] + [""] * 6
    found = [Code(comps[2], comps[0], comps[1]), Code(comps[5], comps[3], comps[4])]
    return [c for c in found if c.code or c.display]


class _Reader:
    def __init__(self, doc: RecordDocument, d: _Delimiters) -> None:
        self.doc, self.d = doc, d
        self.out = ProfileBuilder()
        self.report_date: date | None = None
        self.narrative: list[tuple[_Part, str]] = []  # (text no code table reads, its segment), in message order

    def segment(self, seg: _Part) -> None:
        fields = _split(seg, self.d.field)
        kind = fields[0].text
        if kind == "OBR" and len(fields) > 7:
            self.report_date = _date(fields[7].text) or self.report_date
        elif kind == "OBX" and len(fields) > 5:
            self.obx(fields)
        elif kind == "NTE" and len(fields) > 3 and fields[3].text.strip():
            self.narrative.append((fields[3], f"NTE/{fields[1].text}" if fields[1].text else "NTE"))

    def obx(self, fields: list[_Part]) -> None:
        question = _codes(fields[3], self.d)
        concept = codes.question(question)
        if concept is None:
            if fields[2].text.upper() in ("TX", "FT") or (fields[2].text.upper() == "ST"
                                                           and codes.is_narrative(question)):
                label = f"OBX/{fields[1].text}" if fields[1].text else "OBX"
                self.narrative += [(rep, label) for rep in _split(fields[5], self.d.repetition) if rep.text.strip()]
            return
        label = f"OBX/{fields[1].text}" if fields[1].text else "OBX"
        when = (_date(fields[14].text) if len(fields) > 14 else None) or self.report_date
        value_type = fields[2].text.upper()
        question_code = question[concept.index] if 0 <= concept.index < len(question) else None
        for rep in _split(fields[5], self.d.repetition):
            answer = self._answer(rep, value_type, label, fields[6] if len(fields) > 6 else None)
            if answer:
                apply_answer(self.out, self.doc, concept, answer, when, question_code)

    def _answer(self, rep: _Part, value_type: str, label: str, units: _Part | None) -> Answer | None:
        if not rep.text.strip():
            return None
        if value_type in _CODED_TYPES:
            comps = _split(rep, self.d.component)
            code = _codes(rep, self.d)
            carrier = comps[1] if len(comps) > 1 and comps[1].text else comps[0]
            return Answer(_unescape(carrier.text, self.d), carrier.start, carrier.start + len(carrier.text), label,
                          code[0] if code else None, coded=True)
        if value_type in _TEXT_TYPES or value_type in _NUMBER_TYPES:
            number = value_type in _NUMBER_TYPES
            text = _unescape(rep.text, self.d)
            if number and units is not None and units.text:
                unit = _unescape(_split(units, self.d.component)[0].text, self.d)
                text = f"{text} {unit}"
            return Answer(text, rep.start, rep.start + len(rep.text), label, number=number)
        return None


def extract_hl7v2(doc: RecordDocument) -> Profile:
    """The profile one HL7 v2 message (ORU^R01 with CAP eCC or LOINC-coded OBX segments) supports."""
    segments = _segments(doc.text)
    if not segments:
        raise RecordError(f"{doc.name} is empty")
    reader = _Reader(doc, _delimiters(segments[0], doc.name))
    for seg in segments[1:]:
        try:
            reader.segment(seg)
        except (ValueError, IndexError):
            continue  # an unusable segment is skipped
    coded = reader.out.build(doc.id)
    if not reader.narrative:
        return coded
    from oncoguide.records.merge import merge

    pieces = [hl7_text(part.text, part.start, reader.d.escape, label) for part, label in reader.narrative]
    return merge([read_pieces(doc, pieces), coded])  # coded answers win ties
