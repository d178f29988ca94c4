import pytest

from oncoguide.ingest.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ALK is a gene. EGFR is another gene.", ["ALK is a gene.", "EGFR is another gene."]),
        ("About 3.5 in 100 people have it. Dr. Lee said so.", ["About 3.5 in 100 people have it.", "Dr. Lee said so."]),
        ("Drugs (e.g. alectinib) block ALK. Lorlatinib is newer.", ["Drugs (e.g. alectinib) block ALK.",
                                                                    "Lorlatinib is newer."]),
        ("Tests include:\n- A blood test.\n- A biopsy.", ["Tests include:", "A blood test.", "A biopsy."]),
        ("Key Points\n - One point. - Two point.", ["Key Points", "One point.", "Two point."]),
        ("First paragraph\n\nSecond paragraph.", ["First paragraph", "Second paragraph."]),
        ("Approved in the U.S. in 2015. Since then more drugs came.", ["Approved in the U.S. in 2015.",
                                                                        "Since then more drugs came."]),
        ("Is it safe? Ask your team!", ["Is it safe?", "Ask your team!"]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_split_keeps_every_word() -> None:
    text = "One two. Three four five? Six (seven). Eight nine."
    assert " ".join(split_sentences(text)).split() == text.split()
