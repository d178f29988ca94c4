from collections.abc import Callable

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


def test_the_fast_alias_scan_finds_what_the_whole_pattern_finds() -> None:
    """``_Tables.finditer`` tries at each place only the aliases that can start with the character there; it must
    give the very matches of the one big alternation, on the shipped guides and on awkward spellings (case,
    hyphens, line breaks, non-ASCII look-alikes such as the Kelvin sign and the long s)."""
    import random

    from oncoguide.cli import CORPUS_DIR
    from oncoguide.knowledge.vocab_models import load_vocabulary
    from oncoguide.understand.entities import _aliases

    vocab = load_vocabulary()
    tables = _aliases(vocab)
    texts = [p.read_text() for p in sorted(CORPUS_DIR.glob("*.md"))]
    names = [n for b in vocab.biomarkers for n in (b.gene, b.name, *b.aliases, *b.variants)]
    names += [n for c in vocab.cancers for n in (c.name, *c.synonyms, *c.abbreviations)]
    names += [n for d in vocab.drugs for n in (d.generic, *d.brands)] + [s.name for s in vocab.stages]
    rng = random.Random(1)
    cases: list[Callable[[str], str]] = [str.upper, str.lower, str.swapcase, str.strip]
    for _ in range(1000):
        picked = [rng.choice(cases)(rng.choice(names)) for _ in range(3)]
        texts.append("".join(rng.choice(["", "\u212a", "\u017f", "-", "("]) + n + rng.choice([" ", "-", "\n", "+", ""])
                             for n in picked))
    for text in texts:
        expected = [(m.start(), m.end()) for m in tables.pattern.finditer(text)]
        assert [(m.start(), m.end()) for m in tables.finditer(text)] == expected, text[:200]
