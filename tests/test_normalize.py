import pytest

from oncoguide.understand.normalize import search_text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What does T2N1M0 mean?", "What does T2 N1 M0 mean?"),
        ("my report says pT1aN0", "my report says T1a N0"),
        ("what is stage 3a lung cancer", "what is stage IIIA lung cancer"),
        ("Stage 4 breast cancer", "stage IV breast cancer"),
        ("What does ALK positive mean?", "What does ALK positive mean?"),
        ("cancer of the oesophagus", "cancer of the esophagus"),  # British spellings as the guides spell them
        ("Oesophageal tumours and my haematologist", "Esophageal cancer and my hematologist"),
        ("is radiotherapy painful", "is radiation therapy painful"),
        ("they found a bile duct tumor", "they found a bile duct cancer"),  # a tumor named by its organ
        ("is a pituitary tumor cancer", "is a pituitary tumor cancer"),  # no pituitary cancer in the vocabulary
        ("What immunotherapy is used for relapsed ALL?",
         "What immunotherapy is used for relapsed ALL (acute lymphoblastic leukemia)?"),
        ("ALL MARGINS ARE NEGATIVE", "ALL MARGINS ARE NEGATIVE"),  # written in capitals: a word
        ("is it all gone", "is it all gone"),
    ],
)
def test_search_text(question: str, expected: str) -> None:
    assert search_text(question) == expected


def test_brand_names_gain_their_generic_name() -> None:
    assert search_text("Is Keytruda immunotherapy?") == "Is Keytruda pembrolizumab immunotherapy?"
    assert search_text("side effects of tagrisso") == "side effects of tagrisso osimertinib"
