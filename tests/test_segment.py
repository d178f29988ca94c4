"""The one sentence segmenter: sentences with the offsets they were read from."""

from __future__ import annotations

import pytest

from oncoguide.knowledge import LANGS, load
from oncoguide.text.segment import Segmenter, normalize_space, segment, split_sentences

TEXTS = [
    "ALK is a gene. Some lung cancers have it.\n\n- First item\n- Second  item, e.g. rash.",
    "  Key Points - Lung cancer starts in the lungs. - Smoking raises the risk.",
    "1. Ask your doctor.\n2) Ask   the\tnurse? Yes!",
    "Dr. Lee saw her on Jan. 5. She was fine.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_offsets_point_at_the_sentence(text: str) -> None:
    spans = segment(text)
    assert [s.text for s in spans] == split_sentences(text)
    for s in spans:
        assert normalize_space(text[s.start : s.end].replace("\n", " ")) == s.text


def test_list_items_and_abbreviations() -> None:
    assert split_sentences(TEXTS[0]) == ["ALK is a gene.", "Some lung cancers have it.", "First item",
                                         "Second item, e.g. rash."]
    assert split_sentences(TEXTS[3]) == ["Dr. Lee saw her on Jan. 5.", "She was fine."]
    marker = segment("- Drink water.")[0]
    assert (marker.start, marker.end) == (2, 14)


def test_abbreviations_come_from_the_language() -> None:
    assert Segmenter(["approx"]).split("It is approx. 5 cm. Fine.") == ["It is approx. 5 cm.", "Fine."]
    assert Segmenter([]).split("It is approx. 5 cm. Fine.") == ["It is approx.", "5 cm.", "Fine."]


SEGMENTATION = [(lang, text, one) for lang in LANGS for one, texts in (
    (True, load(lang).get("text").segmentation.match), (False, load(lang).get("text").segmentation.no_match))
    for text in texts]


@pytest.mark.parametrize(("lang", "text", "one"), SEGMENTATION)
def test_segmentation_examples_of_every_language(lang: str, text: str, one: bool) -> None:
    """The ``segmentation`` examples of ``knowledge/<lang>/text.yaml`` (one sentence, or several)."""
    assert (len(split_sentences(text, lang)) == 1) is one
