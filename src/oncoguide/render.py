"""Plain-text rendering of an answer for the terminal."""

from __future__ import annotations

import textwrap

from oncoguide.domain.answer import Answer, Sentence
from oncoguide.records.model import Evidence, Profile


def _cite(s: Sentence, numbers: dict[str, int]) -> str:
    marks = "".join(f"[{numbers[c]}]" for c in s.citations if c in numbers)
    return f"{s.text} {marks}".strip()


def answer_text(answer: Answer, width: int = 100) -> str:
    numbers = {pid: i for i, pid in enumerate(answer.citations, start=1)}
    out: list[str] = []

    def para(text: str, indent: str = "") -> None:
        out.append(textwrap.fill(text, width, initial_indent=indent, subsequent_indent=" " * len(indent)))

    if answer.safety:
        para(f"IMPORTANT: {answer.safety.message}")
        for action in answer.safety.actions:
            para(action, "  - ")
        out.append("")
    out.append(answer.title.upper())
    out.append("")
    para(" ".join(_cite(s, numbers) for s in answer.summary))
    for section in answer.sections:
        out += ["", section.heading]
        for s in section.sentences:
            para(_cite(s, numbers), "  - ")
    if answer.important_context:
        out += ["", "Important context"]
        for s in answer.important_context:
            para(_cite(s, numbers), "  - ")
    if answer.questions_to_ask:
        out += ["", "Questions to ask your oncology team"]
        for s in answer.questions_to_ask:
            para(_cite(s, numbers), "  - ")
    out += [""]
    para(answer.notice)
    if answer.sources:
        out += ["", "Sources"]
        for src in answer.sources:
            meta = ", ".join(x for x in (src.publisher, f"version {src.version}" if src.version else "",
                                         str(src.year) if src.year else "") if x)
            para(f"{src.title} ({meta})" if meta else src.title, "  - ")
    if answer.citations:
        out += ["", "Quoted passages"]
        for pid, n in numbers.items():
            c = answer.citations[pid]
            where = " > ".join([c.document_title, *c.section]) + (f", page {c.page}" if c.page else "")
            para(f"[{n}] {where} ({pid})", "  ")
    grade = f"; reading grade {answer.reading_grade}" if answer.reading_grade is not None else ""
    out += ["", f"Evidence: {answer.evidence_status}{grade}"]
    return "\n".join(out)


def _where(e: Evidence) -> str:
    page = f", page {e.page}" if e.page else ""
    quote = e.quote if len(e.quote) <= 80 else e.quote[:77] + "..."
    return f'"{quote}" ({e.document_name or e.document_id}{page})'


def profile_text(profile: Profile) -> str:
    """The profile for the terminal: each value with where it was found."""
    out = [f"DIAGNOSIS PROFILE (from {len(profile.documents)} document(s))"]
    c = profile.cancer
    for label, v in (("Cancer type", c.histology or c.primary_site), ("Primary site", c.primary_site),
                     ("Laterality", c.laterality), ("Grade", c.grade), ("Diagnosed", c.diagnosed_on)):
        if v is not None and not (label == "Primary site" and v is c.histology):
            out.append(f"{label}: {v.value}  <- {_where(v.evidence)}")
    if c.cancer_id:
        out.append(f"Cancer (vocabulary): {c.cancer_id}")
    for title, stages in (("Stage", [profile.stage]), ("Earlier stage", profile.stage_history)):
        for s in stages:
            parts = [v for v in (s.t, s.n, s.m) if v]
            tnm = " ".join(f"{s.prefix or ''}{v.value}" for v in parts)
            group = f"stage {s.group.value}" if s.group else ""
            if tnm or group:
                where = (s.group or parts[0]).evidence
                when = f" as of {s.as_of}" if s.as_of else ""
                system = f" ({s.system.value})" if s.system else ""
                out.append(f"{title}: {' '.join(x for x in (tnm, group) if x)}{system}{when}  <- {_where(where)}")
    for m in profile.metastases:
        out.append(f"Spread to: {m.value}  <- {_where(m.evidence)}")
    if profile.biomarkers:
        out.append("Biomarkers:")
    for b in profile.biomarkers:
        extra = "; ".join(x for x in (b.detail, b.method, b.origin) if x)
        out.append(f"  {b.name} {b.result.replace('_', ' ')}" + (f" ({extra})" if extra else "")
                   + f"  <- {_where(b.evidence)}")
    if profile.treatments:
        out.append("Treatments:")
    for t in profile.treatments:
        when = " to ".join(str(d) for d in (t.start, t.end) if d)
        why = f", stopped for {t.reason_stopped}" if t.reason_stopped else ""
        out.append(f"  {t.name} ({t.drug_class}) {t.status}{why}" + (f" [{when}]" if when else "")
                   + f"  <- {_where(t.evidence)}")
    for label, v in (("ECOG", profile.performance.ecog), ("Karnofsky", profile.performance.karnofsky)):
        if v is not None:
            out.append(f"{label}: {v.value}  <- {_where(v.evidence)}")
    for conflict in profile.conflicts:
        values = " vs ".join(f"{v.value} ({v.evidence.document_name or v.evidence.document_id})"
                             for v in conflict.values)
        out.append(f"CONFLICT {conflict.field}: {values}")
    if len(out) == 1:
        out.append("Nothing found: no cancer type, stage, biomarker or treatment was read from these records.")
    return "\n".join(out)
