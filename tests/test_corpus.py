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


# --- Stand-alone sentences (issue 16): rules in knowledge/en/standalone.yaml, exceptions in standalone-allow.yaml ---

from oncoguide.corpus.checks import ALLOW_FILE, standalone_allow, standalone_failures  # noqa: E402


@pytest.mark.parametrize("path", GUIDES, ids=[p.stem for p in GUIDES])
def test_every_sentence_stands_alone(path: Path) -> None:
    failures = standalone_failures(path)
    assert not failures, "\n".join(f.line() for f in failures)


def test_standalone_allow_list_is_reviewed_and_current() -> None:
    entries = standalone_allow()
    for e in entries:
        assert len(e["reason"].split()) >= 4, f"{ALLOW_FILE}: give a real reason for {e['sentence']!r}"
        path = next((p for p in GUIDES if p.stem == e["guide"]), None)
        assert path is not None, f"{ALLOW_FILE}: no guide {e['guide']!r}"
        still = {(f.sentence, f.rule) for f in standalone_failures(path, allow=[])}
        assert (e["sentence"], e["rule"]) in still, f"{ALLOW_FILE}: stale entry (no longer fails) {e['sentence']!r}"


def test_standalone_lint_catches_what_the_review_found() -> None:
    from oncoguide.knowledge import load
    from oncoguide.knowledge.topics.standalone import checker

    check = checker(load("en").get("standalone"))
    bad = [
        "The drug is for cancer that grew after other treatment.",
        "Olaparib is for people whose cancer did not grow during at least 16 weeks of chemo with a platinum drug.",
        "Experts advise germline BRCA testing for all people with this type.",
        "In the study, 151 people got usual cancer care alone or usual care plus early palliative care.",
        "Some of these immune drug plans are only for cancers without known EGFR or ALK changes.",
        "Both KRAS pills are taken by mouth.",
    ]
    good = [
        "In the FLAURA trial of EGFR-positive lung cancer, the median time before the cancer grew was 10.2 months.",
        "Olaparib is for BRCA-related pancreatic cancer that did not grow during at least 16 weeks of platinum chemo.",
        "It is normal to feel worried after a cancer diagnosis.",
    ]
    assert all(check.problems(s) for s in bad), [s for s in bad if not check.problems(s)]
    assert not any(check.problems(s) for s in good), [(s, check.problems(s)) for s in good if check.problems(s)]


# --- Section review dates and `oncoguide corpus stale` ---

def test_every_shipped_section_has_its_own_review_date() -> None:
    from oncoguide.corpus.stale import section_reviews

    undated = [f"{s.guide}: {s.heading}" for p in GUIDES for s in section_reviews(p) if not s.explicit]
    assert not undated, undated


def test_stale_lists_sections_reviewed_before_the_date(tmp_path: Path) -> None:
    import datetime as dt

    from click.testing import CliRunner

    from oncoguide.cli import main
    from oncoguide.corpus.stale import stale_sections

    (tmp_path / "g.md").write_text(
        "---\nid: g\nlast_reviewed: 2026-01-10\n---\n"
        "## Old part\n<!-- sources: a -->\n<!-- last_reviewed: 2025-05-01 -->\nOld text.\n\n"
        "## New part\n<!-- last_reviewed: 2026-12-07 -->\nNew text.\n\n"
        "### Undated child\nUses the front matter date.\n",
        encoding="utf-8",
    )
    found = stale_sections(dt.date(2026, 6, 1), tmp_path)
    assert [(s.heading, str(s.last_reviewed), s.explicit) for s in found] == [
        ("Old part", "2025-05-01", True),
        ("New part > Undated child", "2026-01-10", False),
    ]
    assert stale_sections(dt.date(2025, 1, 1), tmp_path) == []
    result = CliRunner().invoke(main, ["corpus", "stale", "--before", "2026-06-01", "--folder", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "g\t2025-05-01\tOld part" in result.output
    assert "New part\n" not in result.output
