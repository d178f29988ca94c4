"""Question-first answers (issue 18): every catalog answer file follows its rules, a question that means a catalog
question starts from that question's written answer, and a near miss does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncoguide.answer.engine import AnswerEngine
from oncoguide.answer.stages.match import canonical, names, same_things
from oncoguide.corpus.answers import answer_index, answer_paths, answer_problems
from oncoguide.corpus.schema import load_catalog

FILES = answer_paths()


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_answer_file_pairs_each_section_with_a_catalog_question(path: Path) -> None:
    problems = [p for p in answer_problems(path) if "not answered yet" not in p]
    assert problems == []


def test_most_catalog_questions_have_a_written_answer() -> None:
    answered = answer_index()
    catalog = load_catalog()
    assert len(answered) >= 0.8 * len(catalog), f"{len(answered)} of {len(catalog)} catalog questions answered"


@pytest.mark.parametrize(("asked", "catalog", "cancer", "same"), [
    ("what is CML exactly", "What is chronic myeloid leukemia (CML)?", "cml", True),
    ("What is CLL?", "What is chronic myeloid leukemia (CML)?", "cml", False),  # another leukemia
    ("is meso the same as lung cancer?", "Is mesothelioma a type of lung cancer?", "mesothelioma", True),
    ("when should I call my care team right away during chemo?",
     "When should I call my care team right away?", "general", True),  # no cancer named: the general question
    ("when should I call about a fever during breast cancer chemo?",
     "When should I call my care team right away?", "general", False),  # one cancer: not the general answer
    ("is follicular lymphoma curable?", "Is Hodgkin lymphoma curable?", "hodgkin-lymphoma", False),  # a sibling
    ("what is CML", "What are the symptoms of CML?", "cml", False),  # another kind of question (intent)
    ("what does ALK positive mean?", "What does ALK-positive mean in lung cancer?", "nsclc", True),  # ALK: lung
    ("what does ROS1 positive mean in lung cancer?", "What does ALK-positive mean in lung cancer?", "nsclc",
     False),  # another biomarker
    ("What is osimertinib?", "What is alectinib for lung cancer?", "nsclc", False),  # another drug
    ("is it curable?", "Is CML curable?", "cml", False),  # names no cancer: could be any
    ("How is stage 3 colon cancer treated?", "How is stage 2 colon cancer treated?", "colorectal", False),
    # facets: the same words about another treatment, organ, insurance, blood count or result
    ("can a fever during radiotherapy wait until the morning", "Can a fever during chemotherapy wait until morning?",
     "general", False),
    ("can immunotherapy affect the kidneys", "Can immunotherapy affect the liver?", "general", False),
    ("does medicare cover the costs of a clinical trial", "Does Medicaid cover clinical trial costs?", "general",
     False),
    ("what does a low PSA mean", "What does a high PSA level mean?", "prostate", False),
    ("can i take vitamins after chemo has finished", "Can I take vitamins during chemo?", "general", False),
    ("what are the treatments for KRAS G12D colorectal cancer",
     "What are the treatments for KRAS G12C colorectal cancer?", "colorectal", False),  # another variant
    ("my mum's bowel cancer has spread to her liver, can surgery remove it",
     "Can surgery remove colorectal cancer that spread to the liver?", "colorectal", True),
    # one of the stages or facet values the catalog question names is the same question; another one is not
    ("how is stage 3 colon cancer treated", "How is stage 2 or stage 3 colon cancer treated?", "colorectal", True),
    ("how is stage 4 colon cancer treated", "How is stage 2 or stage 3 colon cancer treated?", "colorectal", False),
    ("what does grade 2 mean for breast cancer", "What do grade 1, grade 2 and grade 3 mean for breast cancer?",
     "breast", True),
    ("what does grade 2 mean for breast cancer", "What does grade 1 mean for breast cancer?", "breast", False),
    # drugs given only as examples ("like ...") name the class, on both sides
    ("what are parp inhibitors like olaparib", "What are PARP inhibitors like niraparib?", "general", True),
])
def test_two_questions_match_only_when_they_name_the_same_things(asked: str, catalog: str, cancer: str,
                                                                 same: bool) -> None:
    assert same_things(names(asked, examples=False), names(catalog, examples=False), cancer) is same


@pytest.mark.parametrize(("asked", "catalog", "cancer"), [
    ("what is a cystoscopy", "What is a cystoscopy for bladder cancer?", "bladder"),
    ("how do i look after a stoma", "How do I look after a stoma after colorectal cancer surgery?", "colorectal"),
])
def test_a_question_naming_no_cancer_takes_a_cancers_question_only_when_its_neighbours_are_that_cancers(
        asked: str, catalog: str, cancer: str) -> None:
    assert same_things(names(asked), names(catalog), cancer, frozenset({cancer}))
    assert not same_things(names(asked), names(catalog), cancer)  # neighbours of mixed cancers: no


@pytest.mark.parametrize(("question", "expected"), [
    ("what are the symptoms of NSCLC", "what are the symptoms of non-small cell lung cancer"),
    ("What are the side effects of Keytruda (pembrolizumab)?", "What are the side effects of pembrolizumab?"),
    ("what is opdivo plus yervoy", "what is nivolumab plus ipilimumab"),
    ("is smoldering myeloma curable", "is smoldering myeloma curable"),  # a subtype's name stays
    ("what are the stages of bowel cancer", "what are the stages of bowel cancer"),
])
def test_a_question_is_also_matched_with_generic_drug_names_and_spelled_out_cancers(question: str,
                                                                                      expected: str) -> None:
    assert canonical(question) == expected


@pytest.mark.parametrize(("asked", "slug"), [
    ("what are the symptoms of NSCLC", "what-are-the-symptoms-of-non-small-cell-lung-cancer"),  # abbreviation
    ("how is stage 3 colon cancer treated?", "how-is-stage-2-or-stage-3-colon-cancer-treated"),  # one of two stages
    ("what does grade 2 mean for breast cancer", "what-do-grade-1-grade-2-and-grade-3-mean-for-breast-cancer"),
])
def test_a_paraphrase_matches_its_catalog_question(engine: AnswerEngine, asked: str, slug: str) -> None:
    _answered(slug)
    found = engine.catalog_answers.match(asked)
    assert found is not None and found.question.slug == slug


def _answered(slug_part: str) -> str:
    """The question of an answered catalog entry whose slug contains ``slug_part``."""
    answered = answer_index()
    found = sorted(s for s in answered if slug_part in s)
    if not found:
        pytest.skip(f"no written answer for a catalog question like {slug_part!r} yet")
    return answered[found[0]].question


def test_a_paraphrase_starts_from_the_written_answer(engine: AnswerEngine) -> None:
    question = _answered("what-is-chronic-myeloid-leukemia")
    answer = engine.ask("what exactly is chronic myeloid leukemia?")
    assert answer.catalog_match == "what-is-chronic-myeloid-leukemia", question
    first = answer.citations[answer.summary[0].citations[0]]
    assert first.document_id == "cml-answers" and first.section == [question]
    assert answer.evidence_status == "supported"
    assert all(c.document_id.startswith(("cml", "when-to-call", "side-effects", "treatment-types"))
               or "general" in c.document_id for c in answer.citations.values()), "stays with CML"


def test_a_near_miss_on_another_cancer_does_not_take_the_written_answer(engine: AnswerEngine) -> None:
    _answered("what-is-chronic-myeloid-leukemia")
    answer = engine.ask("What is chronic lymphocytic leukemia?")
    assert answer.catalog_match != "what-is-chronic-myeloid-leukemia"
    assert all(not c.document_id.startswith("cml") for c in answer.citations.values())


def test_a_personal_question_is_answered_for_the_profile_not_from_the_catalog(engine: AnswerEngine) -> None:
    from profiles import alk_progressed

    answer = engine.ask("What are my treatment options now?", profile=alk_progressed())
    assert answer.catalog_match is None
    assert answer.profile_used


@pytest.mark.parametrize(("part", "question", "expected"), [
    ("how is it treated", "What is small cell lung cancer and how is it treated?",
     "how is small cell lung cancer treated"),
    ("what are the side effects", "My dad takes osimertinib. What does it do and what are the side effects?",
     "what are the side effects for osimertinib"),
    ("is lung cancer common", "Is lung cancer common and how is it found?", "is lung cancer common"),
])
def test_a_sub_question_is_completed_with_what_the_whole_question_names(part: str, question: str,
                                                                        expected: str) -> None:
    from oncoguide.answer.stages.match import completed

    assert completed(part, question) == expected


def test_a_two_part_question_starts_from_both_written_answers(engine: AnswerEngine) -> None:
    what = _answered("what-is-mesothelioma")
    cause = _answered("does-asbestos-cause-mesothelioma")
    answer = engine.ask("What is mesothelioma, and does asbestos cause it?")
    quoted = {tuple(c.section) for c in answer.citations.values() if c.document_id == "mesothelioma-answers"}
    assert {(what,), (cause,)} <= quoted
