"""Assemble the answer: verify every quoted sentence, cite each passage, list the sources, grade the reading."""

from __future__ import annotations

import re

from oncoguide.answer.stages import triage
from oncoguide.answer.stages.verify import verified
from oncoguide.answer.state import Resources
from oncoguide.domain.answer import (
    Answer,
    AnswerSection,
    Citation,
    Reference,
    Safety,
    Sentence,
    Source,
    Verification,
)
from oncoguide.domain.types import EvidenceStatus
from oncoguide.text.readability import fk_grade


def finish(res: Resources, question: str, intent: str, safety: Safety | None, summary: list[Sentence],
           sections: list[AnswerSection], asked: list[Sentence], context: list[Sentence],
           status: EvidenceStatus) -> Answer:
    """The answer, with only the sentences their passages support."""
    verification = Verification()
    summary, asked, context = (verified(res, x, verification) for x in (summary, asked, context))
    sections = [AnswerSection(heading=sec.heading, sentences=kept) for sec in sections
                if (kept := verified(res, sec.sentences, verification))]
    body = [*summary, *(s for sec in sections for s in sec.sentences)]
    cited = [pid for s in [*body, *asked, *context] for pid in s.citations]
    citations = {pid: citation(res, pid) for pid in dict.fromkeys(cited)}
    quoted = [s for s in body if not s.fixed]
    return Answer(
        question=question, title=title(question), intent=intent, summary=summary, sections=sections,
        questions_to_ask=asked, important_context=context, notice=res.text.notice, safety=safety,
        sources=sources(res, citations),
        reading_grade=fk_grade(" ".join(s.text for s in quoted)) if quoted else None,
        evidence_status=status, verification=verification, citations=citations, corpus_version=res.index.version,
    )


def declined(res: Resources, question: str, intent: str, safety: Safety | None) -> Answer:
    """The answer when the guides do not cover the question: say so, and suggest questions for the care team."""
    # a safety message is never answered with "not covered"
    said = triage.instead_of_not_covered(safety, res.lang) or res.text.insufficient
    summary = [Sentence(text=said, fixed=True)]
    asked = [Sentence(text=q, fixed=True) for q in res.text.generic_questions]
    return finish(res, question, intent, safety, summary, [], asked, [], "insufficient")


def citation(res: Resources, pid: str) -> Citation:
    p = res.index.passages[res.index.by_id[pid]]
    return Citation(
        passage_id=pid, document_id=p.document_id, document_title=res.index.titles.get(p.document_id, ""),
        section=list(p.section_path), page=p.page, text=p.text,
    )


def sources(res: Resources, citations: dict[str, Citation]) -> list[Source]:
    """The guides quoted, with the sections quoted and the public sources behind them."""
    out: dict[str, Source] = {}
    for c in citations.values():
        doc = res.documents.get(c.document_id)
        if doc is None:
            continue
        src = out.get(doc.id) or Source(
            document_id=doc.id, title=doc.title, publisher=doc.publisher, version=doc.version, year=doc.year,
            last_reviewed=doc.last_reviewed, url=doc.url,
        )
        out[doc.id] = src
        heading = " > ".join(c.section) if c.section else ""
        if heading and heading not in src.sections:
            src.sections.append(heading)
        refs = {str(r["id"]): r for r in doc.sources}
        passage = res.index.passages[res.index.by_id[c.passage_id]]
        for sid in passage.source_ids:
            r = refs.get(sid)
            if r and all(x.title != r["title"] for x in src.references):
                src.references.append(Reference(
                    title=str(r["title"]), publisher=str(r.get("publisher") or ""),
                    year=r.get("year"), url=r.get("url"),  # type: ignore[arg-type]
                ))
    return list(out.values())


def title(question: str) -> str:
    q = re.sub(r"\s+", " ", question).strip().rstrip("?.! ")
    return q[:1].upper() + q[1:]
