"""Clinical context of a phrase in a record: clauses with offsets, and whether a clause is about the patient,
now, for real (ConText-style rules: family, hypothetical, lab lists of associated therapies, history, dates)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from oncoguide.records.model import RecordDocument, Value
from oncoguide.records.spans import evidence_at
from oncoguide.text.dates import dates

if TYPE_CHECKING:
    from oncoguide.records.sections import Section

FAMILY = re.compile(
    r"\b(mother|father|sister|brother|aunt|uncle|grand(mother|father|parent)|cousin|daughter|son|sibling|niece"
    r"|nephew|mom|dad|family history|fhx|fh:)\b", re.I)
HYPOTHETICAL = re.compile(
    r"\b(if (?!not\b)|would (consider|be|offer|favor)|could (consider|be)|consider(ing|ed)? "
    r"|options? (would|include|in the)|candidate for|may be (an )?options?|eligible for|discussed|versus|vs\.?"
    r"|rather than|in the event|recommend(ed|s)? against|not (a )?candidate|defer(red)?|future"
    r"|benefit from|should (she|he|they|the patient|there)|in case of|reserved for)\b", re.I)
ASSOCIATED = re.compile(r"\b(therap(y|ies) associated|associated therap|fda-approved in|approved therap"
                        r"|matched therap|sensitiv(e|ity) to|resistance to|clinical trials? (for|matching)"
                        r"|targetab\w+ (with|by)|supports? (the )?(addition|use) of|fda[- ]approved\b)", re.I)
HISTORY = re.compile(r"\b(initial(ly)?|original(ly)?|at (initial )?diagnosis|previous(ly)?|prior|was staged|history"
                     r"|formerly|in the past)\b", re.I)
CURRENT = re.compile(r"\b(current(ly)?|now|presently|restag\w*|recurren\w*|progress\w*|metastatic|today)\b", re.I)


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    text: str  # the clause with line breaks as spaces (same length, so offsets hold)

    def at(self, i: int) -> int:
        """Document offset of clause offset ``i``."""
        return self.start + i


_COLUMNS = re.compile(r"\S(\t| {3,})\S")  # a table row: cells apart by a tab or a run of spaces
_RESULT_LINE = re.compile(r"^\s*(positive|negative|not detected|detected|equivocal|pending|not amplified|amplified"
                          r"|wild[- ]type|absent|present|intact|lost)\b", re.I)
_NEW_ITEM = re.compile(r"^\s*([-*\u2022]|\d+[.)]\s|[A-Z][A-Za-z /()-]{0,40}:|[A-Z0-9 ,/()-]{6,}$)")
# a panel line led by its result: "Positive -CK20 (rare)", "Negative: CK7, CDX2" (its own item, never joined)
_LABEL_LINE = re.compile(r"^\s*(positive|negative)\s*(:|-(?=\s*\w))", re.I)
# a stain's result written under its name: "p16:" / "Strong diffuse staining within ...", "Negative staining in tumor"
_STAIN_LINE = re.compile(r"^\s*((predominantly|strong(ly)?|diffuse(ly)?|weak(ly)?|focal(ly)?|patchy|rare|scattered"
                         r"|moderate(ly)?|negative|positive|no)\b[\w ,-]{0,40}?\b(staining|immunoreactivity|reactivity"
                         r"|expression|in tumou?r)|predominantly (negative|positive))\b", re.I)


def blocks(text: str) -> list[tuple[int, int]]:
    """Logical lines: a hard-wrapped sentence is joined back; list items, headers and table rows stay apart."""
    spans: list[tuple[int, int]] = []
    last_line = (0, 0)  # the previous line: joining looks at it, not at the whole block (linear time)
    for m in re.finditer(r"[^\n]+", text):
        line = m.group(0)
        if not line.strip():
            continue
        if spans:
            prev = text[last_line[0]:last_line[1]]
            lower = line.lstrip()[:1].islower()
            tail = prev.rstrip()[-1:]  # after a finished sentence a new line is a new one, even "pT1c ..."
            table = "|" in prev + line or bool(_COLUMNS.search(prev + "\n" + line))
            if (tail not in (".", "!", "?") and (lower or tail not in (";", ":")) and not table
                    and not _NEW_ITEM.match(line) and not _LABEL_LINE.match(line)
                    and text[spans[-1][1]:m.start()].count("\n") == 1
                    and (len(prev.strip()) > 30 or spans[-1][0] != last_line[0] or lower)):
                spans[-1] = (spans[-1][0], m.end())
                last_line = (m.start(), m.end())
                continue
            if tail == ":" and (_RESULT_LINE.match(line) or _STAIN_LINE.match(line)) and not _LABEL_LINE.match(line) \
                    and text[spans[-1][1]:m.start()].count("\n") == 1:
                spans[-1] = (spans[-1][0], m.end())  # "ALK rearrangement by IHC:" / "Negative"
                last_line = (m.start(), m.end())
                continue
        spans.append((m.start(), m.end()))
        last_line = (m.start(), m.end())
    return spans


def clauses(text: str, semicolons: bool = True) -> list[Clause]:
    """Sentences (across hard wraps), and semicolon parts unless ``semicolons`` is False; offsets point into
    ``text``."""
    out: list[Clause] = []
    splitter = r"(?<=[.;!?])\s+(?=[A-Z(\-\d])|;\s*" if semicolons else r"(?<=[.!?])\s+(?=[A-Z(\-\d])"
    for start, end in blocks(text):
        block = text[start:end]
        cut = 0
        for m in re.finditer(splitter, block):
            if block[cut:m.start()].strip():
                out.append(Clause(start + cut, start + m.start(), block[cut:m.start()].replace("\n", " ")))
            cut = m.end()
        if block[cut:].strip():
            out.append(Clause(start + cut, end, block[cut:].replace("\n", " ")))
    return [piece for c in out for piece in _bounded(c)]


MAX_CLAUSE = 3000  # longer "sentences" (text without stops) are cut at a space: per-clause work stays bounded


def _bounded(c: Clause) -> list[Clause]:
    if len(c.text) <= MAX_CLAUSE:
        return [c]
    pieces: list[Clause] = []
    lo = 0
    while lo < len(c.text):
        hi = min(len(c.text), lo + MAX_CLAUSE)
        if hi < len(c.text):
            space = c.text.rfind(" ", lo + MAX_CLAUSE // 2, hi)
            hi = space if space > lo else hi
        pieces.append(Clause(c.start + lo, c.start + hi, c.text[lo:hi]))
        lo = hi
    return pieces


def report_date(text: str) -> date | None:
    """The document's own date: a 'Date/Reported/Signed' date in the header, else its latest date."""
    head = text[:1500]
    m = re.search(r"(reported|report date|date of (service|visit|report)|signed|date)\s*[:\-]?\s*", head, re.I)
    if m:
        found = dates(head[m.end(): m.end() + 40])
        if found:
            return found[0][2]
    everything = [d for _, _, d in dates(text)]
    return max(everything) if everything else None


def is_family(clause: str, start: int) -> bool:
    """The phrase at ``start`` is about a relative (a family word before it in the clause)."""
    return bool(FAMILY.search(clause[:start])) or bool(re.match(r"\s*(in|of) (his|her|their) (mother|father|sister"
                                                                  r"|brother)", clause[start:start + 40], re.I))


def is_hypothetical(clause: str, start: int) -> bool:
    """The phrase at ``start`` is conditional or an option ("if EGFR positive, ...", "would consider"), or the
    phrase follows a lab's "therapies associated with" cue. The window keeps one character of the phrase so that
    a cue ending in a space ("if ") still meets a word boundary."""
    lo = max(0, start - 60)
    cue = HYPOTHETICAL.search(clause[lo:start + 1])
    return (cue is not None and lo + cue.start() < start) or bool(ASSOCIATED.search(clause[:start]))


def value_at(doc: RecordDocument, clause: Clause, start: int, end: int, value: str, confidence: float = 0.9,
             as_of: date | None = None) -> Value:
    """A Value read from ``clause[start:end]``, with its evidence in ``doc``."""
    return Value(value=value, as_of=as_of, evidence=evidence_at(doc, clause.at(start), clause.at(end)),
                 confidence=confidence)


_PATIENT_SUBJECT = re.compile(r"\b(the patient|patient's|she|he|her own|his own|germline testing|genetic testing"
                              r"|(she|he) (was|has been) tested)\b", re.I)


class DocContext:
    """Sections and assertion cues of one document, computed once: ``assertion(clause, start, end)`` is the
    assertion of a finding at clause offsets (a family-history section makes everything the family's)."""

    def __init__(self, text: str) -> None:
        from oncoguide.records.sections import SectionMap

        self.sections = SectionMap(text)
        self._cues: dict[tuple[int, int], list[Any]] = {}

    def section(self, offset: int) -> Section | None:
        return self.sections.at(offset)

    def assertion(self, clause: Clause, start: int, end: int) -> str:
        from oncoguide.records.assertion import assertion_in, cues_in

        key = (clause.start, clause.end)
        cues = self._cues.get(key)
        if cues is None:
            cues = self._cues[key] = cues_in(clause.text)
        sec = self.sections.at(clause.at(start))
        if sec is not None and sec.owner == "family" and (
                any(c.category == "family" for c in cues) or not _PATIENT_SUBJECT.search(clause.text)):
            return "family"  # unless the sentence is about the patient ("Germline testing was negative ...")
        found = assertion_in(clause.text, cues, start, end)
        if sec is not None and sec.assertion and found in ("present", "historical") and "?" in clause.text:
            return sec.assertion  # "Clinical question: Basal cell carcinoma? Type?"
        return found
