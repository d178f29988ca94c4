"""Biomarker recognisers built from the vocabulary (report_patterns): new markers, report spellings, case-sensitive
symbols that are English words, serum values, group results, and the prefilter that skips clauses naming none."""

from __future__ import annotations

import re

import pytest

from oncoguide.knowledge.vocab_models import load_vocabulary
from oncoguide.records.biomarkers import _PREFILTER, GROUPS, MARKERS, VALUE_MARKERS, read_markers
from oncoguide.understand.entities import extract


@pytest.mark.parametrize(("text", "marker", "result", "quote"), [
    ("JAK-2 V617F positive", "JAK2", "positive", "JAK-2 V617F positive"),
    ("N-Myc amplified", "MYCN", "positive", "N-Myc amplified"),
    ("BCR/ABL detected", "BCR-ABL1", "positive", "BCR/ABL detected"),
    ("BCR::ABL1 not detected", "BCR-ABL1", "negative", "BCR::ABL1 not detected"),
    ("P.S.A. 4.5 ng/mL", "PSA", "unknown", "P.S.A. 4.5 ng/mL"),
    ("\u03b22-microglobulin 5 mg/L", "beta-2 microglobulin", "unknown", "\u03b22-microglobulin 5 mg/L"),
    ("FGFR3 mutation detected", "FGFR3", "positive", "FGFR3 mutation detected"),
    ("KIT exon 11 mutation detected", "KIT", "positive", "KIT exon 11 mutation detected"),
    ("c-kit positive", "KIT", "positive", "c-kit positive"),
    ("IDH1 R132H mutation detected", "IDH1", "positive", "IDH1 R132H mutation detected"),
    ("MGMT promoter unmethylated", "MGMT", "negative", "MGMT promoter unmethylated"),
    ("1p/19q codeleted", "1p/19q", "positive", "1p/19q codeleted"),
    ("MRD negative", "MRD", "negative", "MRD negative"),
    ("CD20 positive", "CD20", "positive", "CD20 positive"),
    ("POLE mutation detected", "POLE", "positive", "POLE mutation detected"),
    ("claudin 18.2 positive", "CLDN18.2", "positive", "claudin 18.2 positive"),
    ("AFP elevated at 350 ng/mL", "AFP", "positive", "AFP elevated at 350 ng/mL"),
    ("beta-hCG 12 IU/L", "hCG", "unknown", "beta-hCG 12 IU/L"),
    ("MLH1, MSH2, MSH6 and PMS2 intact", "MMR", "negative", "MLH1, MSH2, MSH6 and PMS2 intact"),
    ("ER negative", "ER", "negative", "ER negative"),
])
def test_vocabulary_markers(text: str, marker: str, result: str, quote: str) -> None:
    r = next(r for r in read_markers(text) if r.name == marker)
    assert (r.result, text[r.start:r.end]) == (result, quote)


@pytest.mark.parametrize("text", [
    "er negative",  # 'er' in lower case is not the estrogen receptor
    "Kit not detected",  # a kit, not KIT
    "She met her pole vault coach; men 1, women 2.",
    "MRN: HCG-40221",  # an identifier, not hCG
])
def test_english_words_are_not_markers(text: str) -> None:
    assert read_markers(text) == []


@pytest.mark.parametrize(("text", "names", "result"), [
    ("triple-negative breast cancer", ("ER", "PR", "HER2"), "negative"),
    ("RAS wild-type", ("KRAS", "NRAS"), "negative"),
    ("ER/PR positive", ("ER", "PR"), "positive"),
])
def test_group_results(text: str, names: tuple[str, ...], result: str) -> None:
    got = {(r.name, r.result) for r in read_markers(text)}
    assert {(n, result) for n in names} <= got


def test_profile_names_stay_the_same() -> None:
    names = {n for n, _ in MARKERS}
    assert {"HER2", "PD-L1", "ER", "PR", "BCR-ABL1", "CA19-9", "CA-125", "MSI", "MMR", "Ki-67", "MYCN"} <= names
    assert {"PSA", "AFP", "CA-125", "CA19-9", "CEA", "beta-2 microglobulin", "LDH", "hCG"} <= VALUE_MARKERS
    assert all(n in names for _, group, _ in GROUPS for n in group)


def test_prefilter_keeps_every_alias_a_pattern_matches() -> None:
    for b in load_vocabulary().biomarkers:
        for alias in [b.gene, b.name, *b.aliases]:
            if any(p.search(alias) for _, p in MARKERS):
                assert _PREFILTER.may_match(alias), alias


@pytest.mark.parametrize("text", ["I met my friends and we packed a kit.", "The pole and the men were there.",
                                  "Can my calcium level be tested?"])
def test_questions_with_english_words_name_no_marker(text: str) -> None:
    assert [e for e in extract(text) if e.kind == "biomarker"] == []


def test_report_patterns_compile() -> None:
    for b in load_vocabulary().biomarkers:
        for p in b.report_patterns:
            re.compile(p)
