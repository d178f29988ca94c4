"""Shape the answer: summary and intent-shaped sections, then words to know, easier reading, questions to ask
and what the choice depends on."""

from __future__ import annotations

from oncoguide.answer import compose as extractive
from oncoguide.answer import personal, scope
from oncoguide.answer.asked import carried, names_of_drugs
from oncoguide.answer.state import Ask, Draft, Evidence, Resources
from oncoguide.answer.writer import Written
from oncoguide.domain.answer import AnswerSection, Sentence
from oncoguide.knowledge.vocab_models import load_vocabulary
from oncoguide.search.index import Hit
from oncoguide.understand.entities import Entity, extract

KEEP_DRUGS, KEEP_NUMBERS = 1, 1  # section sentences with new drug names, or the number, asked for that easing keeps
QUESTIONS_QUERY = " questions to ask"  # added to the query to find the guides' lists of questions


def arrange(res: Resources, ask: Ask, chosen: list[extractive.Candidate]) -> tuple[list[Sentence],
                                                                                   list[AnswerSection]]:
    """Summary and sections of the chosen sentences, headed by what the question is about."""
    subject = _subject(extract(ask.said) if ask.steered else ask.entities)
    return extractive.arrange(chosen, ask.intent, subject, lang=res.lang)


def complete(res: Resources, ask: Ask, ev: Evidence, strong: list[Hit], candidates: list[extractive.Candidate],
             chosen: list[extractive.Candidate], written: Written) -> Draft:
    """The written body with words to know, eased to the target grade, plus questions to ask and context."""
    summary, sections = written.summary, written.sections
    said = [Sentence(text=res.text.uncovered_part.format(part=part), fixed=True) for part in ask.uncovered]
    summary = [*summary, *said]  # a part of the question the guides do not answer is said to be so
    def in_scope(document_id: str) -> bool:
        return scope.allows(res.documents, document_id, ask.family)

    terms = [t for t in res.glossary.explain([*summary, *(x for sec in sections for x in sec.sentences)],
                                             allowed=in_scope) if _fits(ask, t.text, res.lang)]
    if terms:
        sections.append(AnswerSection(heading=res.text.terms_heading, sentences=terms))
    body = [x.text for sec in sections for x in sec.sentences]
    sections = extractive.ease(summary, sections, keep=_carrying(ask, [x.text for x in summary], body,
                                                                 res.lang).__contains__)
    docs = {h.passage.document_id for h in strong if in_scope(h.passage.document_id)}
    # wide: many content sections end with an "Ask your care team ..." line; only question-list sections count
    lists = res.index.search(ask.query + QUESTIONS_QUERY, k=120, intent=ask.intent, mode="lexical", doc_filter=docs)
    asked = [q for q in extractive.questions_to_ask(lists, ev.tokens, lang=res.lang) if _fits(ask, q.text, res.lang)]
    context = extractive.important_context(candidates, {c.text for c in chosen}, lang=res.lang)
    return Draft(strong=strong, candidates=candidates, chosen=chosen, written=written, summary=summary,
                 sections=sections, asked=asked, context=context)


def _fits(ask: Ask, text: str, lang: str) -> bool:
    """With a profile, the sentence fits the person's situation (``personal.fits``)."""
    return ask.profile is None or personal.fits(ask.profile, text, lang, ask.question)


def _carrying(ask: Ask, summary: list[str], body: list[str], lang: str) -> set[str]:
    """The section sentences easing keeps: the first few naming a drug asked for that no sentence before them
    names (a sentence repeating names already given may go), and the first few carrying the number asked for."""
    seen = {n for t in summary for n in names_of_drugs(t)}
    keep: set[str] = set()
    drugs = numbers = 0
    for text in body:
        kinds = carried(ask.asked, text, lang)
        names = names_of_drugs(text) if "drugs" in kinds else set()
        if names - seen and drugs < KEEP_DRUGS:
            keep.add(text)
            seen |= names
            drugs += 1
        elif "number" in kinds and numbers < KEEP_NUMBERS:
            keep.add(text)
            numbers += 1
    return keep


def _subject(entities: list[Entity]) -> str:
    """What the question is about, for section headings: "ALK-positive lung cancer", "osimertinib"."""
    cancers = {c.id: c.name for c in load_vocabulary().cancers}
    cancer = next((cancers[e.id] for e in entities if e.kind == "cancer"), "")
    for kind in ("biomarker", "drug", "stage"):
        e = next((e for e in entities if e.kind == kind), None)
        if e is not None:
            name = e.id if kind == "drug" else e.text
            return f"{name} {cancer}".strip() if kind != "drug" else name
    return cancer
