import pytest

from oncoguide.understand.entities import extract


def ids(text: str) -> set[tuple[str, str]]:
    return {(e.kind, e.id) for e in extract(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What does ALK positive mean in lung cancer?", {("biomarker", "alk"), ("cancer", "lung")}),
        ("alk pos nsclc", {("biomarker", "alk"), ("cancer", "nsclc")}),
        ("Is keytruda immunotherapy?", {("drug", "pembrolizumab")}),
        ("side effects of osimertinb", {("drug", "osimertinib")}),
        ("what is stage 3a", {("stage", "stage-iiia")}),
        ("my tumor is HER2+ and ER positive", {("biomarker", "her2"), ("biomarker", "er")}),
        ("HER2+ breast cancer", {("cancer", "her2-positive-breast")}),
        ("small cell lung cancer", {("cancer", "sclc")}),
        ("best pizza in Rome", set()),
    ],
)
def test_extract(text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= ids(text)
    if not expected:
        assert ids(text) == set()


def test_variant_is_kept_with_its_biomarker() -> None:
    egfr = [e for e in extract("My EGFR exon 19 deletion was found") if e.id == "egfr"]
    assert egfr and egfr[0].variant == "exon 19 deletion"
    kras = [e for e in extract("KRAS G12C lung cancer") if e.id == "kras"]
    assert kras and kras[0].variant == "G12C"


def test_ordinary_words_are_not_codes() -> None:
    assert ("cancer", "all") not in ids("all cancers need care")


@pytest.mark.parametrize(("text", "expected"), [
    ("my dad has egfr lung cancer", ("biomarker", "egfr")),
    ("does hpv cause throat cancer", ("biomarker", "hpv")),
    ("what does a high psa mean", ("biomarker", "psa")),
    ("is msi high colon cancer treated differently", ("biomarker", "msi-mmr")),
])
def test_codes_typed_in_lower_case_are_found(text: str, expected: tuple[str, str]) -> None:
    assert expected in ids(text)


@pytest.mark.parametrize("text", ["we met the surgeon", "I will ret ire soon", "the er was busy", "a first aid kit",
                                  "erlotinib hcl tablets", "the iv line"])
def test_codes_that_are_everyday_words_match_only_in_capitals(text: str) -> None:
    assert not {i for k, i in ids(text) if k in ("biomarker", "cancer", "stage") and i != "erlotinib"}


def test_a_variant_is_found_with_a_space_for_its_hyphen() -> None:
    her2 = [e for e in extract("what does HER2 low mean") if e.id == "her2"]
    assert her2 and her2[0].variant == "HER2-low"
