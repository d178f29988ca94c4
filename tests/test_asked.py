"""Question analysis (answer/asked.py) and cancer scope (answer/scope.py), without an engine."""

from __future__ import annotations

import pytest

from oncoguide.answer import asked, scope
from oncoguide.answer.compose import Candidate


@pytest.mark.parametrize(("question", "kinds"), [
    ("Which drugs treat ROS1 positive lung cancer?", {"drugs"}),
    ("How common is ALK in lung cancer?", {"number"}),
    ("How long does radiation take?", {"timing"}),
    ("How is a biopsy done?", {"procedure"}),
    ("What is the difference between NSCLC and SCLC?", {"comparison"}),
    ("What happens when osimertinib stops working?", {"next"}),
    ("What is multiple myeloma?", {"definition"}),
    ("What are the latest immunotherapy drugs for lung cancer?", {"drugs"}),
])
def test_the_kind_of_answer_asked_for(question: str, kinds: set[str]) -> None:
    assert asked.analyse(question).kinds == kinds


def test_what_a_biomarker_means_includes_its_drugs() -> None:
    assert "drugs" in asked.analyse("What does RET fusion mean in lung cancer?", biomarker=True).kinds
    assert "drugs" not in asked.analyse("What does stage IV mean?").kinds


def test_a_multi_part_question_is_split_into_its_parts() -> None:
    parts = [p.text for p in asked.analyse("How common is ALK and which drugs treat it?").parts]
    assert parts == ["How common is ALK", "which drugs treat it"]
    parts = [p.text for p in asked.analyse("What does stage IV mean, is it curable?").parts]
    assert parts == ["What does stage IV mean", "is it curable"]
    assert asked.analyse("What does ALK positive mean in lung cancer?").parts == ()


def _cand(text: str, score: float = 1.0) -> Candidate:
    return Candidate(text, "p", "d", ("s",), 0, score)


def test_a_sentence_naming_the_drugs_beats_a_generic_one() -> None:
    q = asked.analyse("Which drugs treat ALK positive lung cancer?")
    named, generic = asked.fit([_cand("Alectinib, brigatinib or lorlatinib are often used first."),
                                _cand("Six pills are approved for this change.")], q)
    assert named.score > generic.score


def test_drugs_of_the_kind_asked_for_beat_drugs_of_another_kind() -> None:
    q = asked.analyse("What are the latest immunotherapy drugs for lung cancer?")
    immuno, targeted = asked.fit([_cand("Pembrolizumab helps the immune system find the cancer."),
                                  _cand("Sotorasib is a pill for the KRAS G12C change.")], q)
    assert immuno.score > 1.0 > targeted.score


def test_trivia_goes_down_unless_asked() -> None:
    trivia = "ALK fusions were first found in 2007."
    assert asked.fit([_cand(trivia)], asked.analyse("What does ALK positive mean?"))[0].score < 1.0
    assert asked.fit([_cand(trivia)], asked.analyse("When was ALK discovered?"))[0].score >= 1.0


def test_an_unanswered_part_is_reported() -> None:
    q = asked.analyse("What is ALK and how long does the test take?")
    chosen = [_cand("ALK is a gene that can change in lung cancer.")]
    kept, missing = asked.uncovered(q, chosen, chosen)
    assert kept == chosen and missing == ["how long does the test take"]


def test_cancer_families_are_widened_up_and_down() -> None:
    assert {"lung", "nsclc", "sclc"} <= scope.widen(["lung"])
    assert "sclc" not in scope.widen(["nsclc"]) and "lung" in scope.widen(["nsclc"])


@pytest.mark.parametrize(("question", "kind"), [
    ("What side effects should I watch for on Enhertu?", "side_effects"),
    ("do i need chemo for dcis", "yes_no"),
    ("My prostate cancer has a BRCA2 mutation. Are there specific drugs?", "drugs"),
])
def test_more_kinds_of_answer(question: str, kind: str) -> None:
    assert kind in asked.analyse(question).kinds


def test_a_rare_subset_falls_behind_unless_asked() -> None:
    rare, common = "Some people have an uncommon EGFR mutation, such as G719X.", "Osimertinib is a pill for EGFR."
    plain = asked.fit([_cand(rare), _cand(common)], asked.analyse("Which drugs treat EGFR lung cancer?"))
    assert plain[0].score < plain[1].score
    named = asked.fit([_cand(rare)], asked.analyse("Which drugs treat uncommon EGFR mutations?"))
    assert named[0].score >= 1.0


def test_a_sentence_about_another_extent_falls_behind() -> None:
    q = asked.analyse("How is localized stomach cancer treated?")
    assert q.extents == {"early"}
    spread, early = asked.fit([_cand("Stomach cancer that has spread is treated with chemo."),
                               _cand("Stomach cancer that can be removed is treated with chemo and surgery.")], q)
    assert spread.score < early.score
    assert asked.analyse("What is the treatment for locally advanced cervical cancer?").extents == {"early"}
    assert asked.analyse("whats the latest treatment for metastatic colon cancer").extents == {"advanced"}


def test_regimens_count_as_drug_names() -> None:
    assert asked.names_of_drugs("R-CHOP and FOLFOX are used.") == {"r-chop", "folfox"}
    assert "drugs" in asked.carried(asked.analyse("Which drugs treat DLBCL?"), "R-CHOP is the usual first plan.")


def test_a_trial_name_opening_a_sentence_is_trivia() -> None:
    q = asked.analyse("What are the side effects of Keytruda?")
    assert asked.is_trivia(q, "In KEYNOTE-024, about 32 in 100 people were alive after 5 years.")
    assert not asked.is_trivia(q, "In NSCLC, pembrolizumab can cause a rash.")
