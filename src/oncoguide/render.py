"""Plain-text rendering of an answer for the terminal."""

from __future__ import annotations

import textwrap

from oncoguide.answer.model import Answer, Sentence


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
    out += ["", f"Evidence: {answer.evidence_status}; reading grade {answer.reading_grade}"]
    return "\n".join(out)
