"""The shipped corpus meets the writing rules: schema, sources, reading grade, no doses."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from oncoguide.corpus.checks import guide_paths, load_guide, problems, section_reports

GUIDES = guide_paths()


def test_the_corpus_has_the_guides_we_promise() -> None:
    ids = {p.stem for p in GUIDES}
    assert {"nsclc-biomarkers", "nsclc", "sclc", "breast", "colorectal", "prostate", "melanoma", "ovarian",
            "pancreatic"} <= ids


@pytest.mark.parametrize("path", GUIDES, ids=[p.stem for p in GUIDES])
def test_guide_follows_the_writing_rules(path: Path) -> None:
    assert problems(path) == []


def test_grade_distribution_is_plain() -> None:
    grades = [r.grade for p in GUIDES for r in section_reports(load_guide(p))]
    assert max(grades) <= 8.0
    assert statistics.median(grades) <= 7.5


def test_nsclc_biomarker_guide_covers_every_actionable_biomarker() -> None:
    doc = load_guide(next(p for p in GUIDES if p.stem == "nsclc-biomarkers"))
    headings = " | ".join(" > ".join(s.path) for s in doc.sections)
    for marker in ("EGFR", "ALK", "ROS1", "BRAF", "KRAS G12C", "MET", "RET", "NTRK", "HER2", "NRG1", "PD-L1"):
        assert marker in headings, marker
    assert "Liquid biopsy" in headings or "liquid biopsy" in headings
