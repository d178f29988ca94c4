"""Questions built on a common belief about cancer get the myth flag and lead with the section that corrects the
belief; ordinary questions on the same topics do not. The questions are written for OncoGuide (none comes from
the Cancer-Myth data set)."""

from __future__ import annotations

import pytest

from oncoguide.answer.engine import AnswerEngine


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("My dad was told his colon cancer has spread, so nothing can be done. How do we tell the grandchildren?",
         "Is there nothing that can be done for advanced cancer?"),
        ("Surgery is the only option for my prostate cancer, so which surgeon should I pick?",
         "Is one treatment, such as surgery, the only option?"),
        ("My aunt feels fine, so her breast lump can't be cancer. What cream helps a lump go down?",
         "If I feel fine, does that mean there is no cancer?"),
    ],
)
def test_a_false_premise_is_corrected_first(engine: AnswerEngine, question: str, section: str) -> None:
    answer = engine.ask(question)
    assert answer.safety is not None and answer.safety.kind == "myth"
    assert answer.evidence_status != "insufficient"
    first = answer.citations[answer.summary[0].citations[0]]
    assert first.document_id == "myths" and first.section[-1] == section, first.section


@pytest.mark.parametrize(
    "question",
    [
        "What is hospice care?",
        "How is cancer pain controlled with palliative care?",
        "What are the side effects of chemotherapy?",
        "How does osimertinib treat EGFR-positive lung cancer?",
        "What is active surveillance for low-risk prostate cancer?",
        "Should I get a second opinion on my pathology?",
        "What are the treatment options for stage IV lung cancer?",
        "Is the only treatment for strep throat an antibiotic?",
    ],
)
def test_ordinary_questions_get_no_myth_flag(engine: AnswerEngine, question: str) -> None:
    answer = engine.ask(question)
    assert answer.safety is None or answer.safety.kind != "myth"
