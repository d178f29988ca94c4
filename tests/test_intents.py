import pytest

from oncoguide.understand.intents import question_intent, section_topic


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("What does ALK positive mean in lung cancer?", "definition"),
        ("What are the side effects of osimertinib?", "side_effects"),
        ("What happens when my EGFR drug stops working?", "resistance"),
        ("How is stage 3 lung cancer treated?", "treatment"),
        ("What are the stages of breast cancer?", "staging"),
        ("How to diagnose Adult Acute Lymphoblastic Leukemia ?", "testing"),
        ("Who is at risk for melanoma?", "risk"),
        ("What is the outlook for pancreatic cancer?", "prognosis"),
        ("What research (or clinical trials) is being done for colon cancer ?", "trials"),
        ("What are the symptoms of lung cancer?", "symptoms"),
        ("How to prevent ovarian cancer?", "prevention"),
        ("best pizza in rome", "other"),
        # a message that tells, then asks without a question mark: the asking clause decides
        ("my husband was diagnosed with glioblastoma yesterday. what is it exactly", "definition"),
        ("my dad's scan says HCC, what is hepatocellular carcinoma", "definition"),
    ],
)
def test_question_intent(question: str, intent: str) -> None:
    assert question_intent(question) == intent


@pytest.mark.parametrize(
    ("heading", "lead", "topic"),
    [
        ("Side effects of ALK inhibitors", ["Most people have mild problems."], "side_effects"),
        ("When an ALK drug stops working", ["Cancer can find a way around a drug."], "resistance"),
        ("", ["Signs and symptoms of adult ALL include fever."], "symptoms"),
        ("", ["Tests that examine the blood are used to detect (find) and diagnose ALL."], "testing"),
        ("", ["After ALL has been diagnosed, tests are done to find out if the cancer has spread."], "staging"),
        ("", ["New types of treatment are being tested in clinical trials."], "trials"),
        ("", ["Certain factors affect prognosis (chance of recovery) and treatment options."], "prognosis"),
        ("", ["There are different types of treatment for patients with ALL."], "treatment"),
        ("", ["Adult ALL is a type of cancer in which the bone marrow makes too many lymphocytes."], "definition"),
        ("", ["Smoking may increase the risk of adult AML."], "risk"),
    ],
)
def test_section_topic(heading: str, lead: list[str], topic: str) -> None:
    assert section_topic((heading,) if heading else (), lead) == topic
