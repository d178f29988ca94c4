"""What a diagnosis profile changes: the facts used, the questions the records raise, the diagnosis summary."""

from __future__ import annotations

from collections.abc import Callable

from oncoguide.answer import personal
from oncoguide.answer.stages.cite import finish
from oncoguide.answer.state import Resources
from oncoguide.domain.answer import Answer, AnswerSection, Sentence
from oncoguide.domain.types import EvidenceStatus
from oncoguide.records.model import Profile
from oncoguide.understand.entities import extract

MOST_QUESTIONS = 6
MOST_MARKERS = 4


def applies(res: Resources, question: str, carried: str, profile: Profile | None) -> bool:
    """The profile shapes the answer: the question is about the asker ("my", "I"), or names no cancer,
    biomarker or drug of its own."""
    return profile is not None and (res.rules.first_person.search(question) or not any(
        e.kind in ("cancer", "biomarker", "drug") for e in extract(f"{question} {carried}")))


def personalise(answer: Answer, profile: Profile) -> Answer:
    """State the profile facts used and add the questions the records raise (pending tests, conflicts)."""
    own = [Sentence(text=q, fixed=True) for q in personal.questions(profile)]
    asked = (own + [q for q in answer.questions_to_ask if q.text not in {o.text for o in own}])[:MOST_QUESTIONS]
    return answer.model_copy(update={"profile_used": personal.facts(profile), "questions_to_ask": asked})


def diagnosis_summary(res: Resources, profile: Profile, ask: Callable[[str], Answer]) -> Answer:
    """What each key biomarker and the stage mean for this cancer, the treatment timeline, and the guide
    sections that apply: one answer assembled from cited guide sentences (``ask``) plus the person's records."""
    text = res.text.diagnosis
    cancer = personal.cancer_name(profile)
    topics = [(text.marker_heading.format(name=b.name),
               text.marker_question.format(marker=personal.marker_phrase(b), cancer=cancer))
              for b in personal.key_markers(profile)][:MOST_MARKERS]
    stage = personal.stage_name(profile)
    if stage:
        topics.append((text.stage_heading.format(stage=stage), text.stage_question.format(stage=stage, cancer=cancer)))
    sections: list[AnswerSection] = []
    asked: list[Sentence] = [Sentence(text=q, fixed=True) for q in personal.questions(profile)]
    for heading, question in topics:
        sub = ask(question)
        if sub.evidence_status == "insufficient":
            continue
        first = sub.sections[0].sentences[:2] if sub.sections else []
        sections.append(AnswerSection(heading=heading, sentences=[*sub.summary, *first]))
        asked += [q for q in sub.questions_to_ask if all(q.text != a.text for a in asked)]
    timeline = [Sentence(text=line, fixed=True) for line in personal.timeline(profile)]
    if timeline:
        sections.append(AnswerSection(heading=text.timeline_heading, sentences=timeline))
    summary = [Sentence(text=personal.statement(profile) or text.no_statement, fixed=True)]
    quoted = any(not s.fixed for sec in sections for s in sec.sentences)
    status: EvidenceStatus = "supported" if quoted else "insufficient"
    answer = finish(res, text.question, "definition", None, summary, sections, asked[:MOST_QUESTIONS], [], status)
    return answer.model_copy(update={"profile_used": personal.facts(profile), "title": text.title})
