"""Text records to profile: one table per recogniser, the context traps, and the labelled synthetic set."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from oncoguide.records.model import Profile
from oncoguide.records.profile import build_profile
from oncoguide.records.read import read_record
from oncoguide.records.text_extract import extract_text


def profile_of(text: str) -> Profile:
    return extract_text(read_record("note.txt", text.encode()))


def markers(text: str) -> dict[str, tuple[str, str | None]]:
    return {b.name: (b.result, b.detail) for b in profile_of(text).biomarkers}


@pytest.mark.parametrize(("text", "expected"), [
    ("ALK rearrangement detected by FISH.", {"ALK": ("positive", None)}),
    ("Negative for ALK rearrangement.", {"ALK": ("negative", None)}),
    ("ALK rearrangement not detected.", {"ALK": ("negative", None)}),
    ("EGFR exon 19 deletion detected.", {"EGFR": ("positive", "exon 19 deletion")}),
    ("EGFR: no mutation detected.", {"EGFR": ("negative", None)}),
    ("KRAS G12C mutaion (tissue NGS).", {"KRAS": ("positive", "G12C")}),
    ("EGFR, ALK, ROS1 and MET: negative.", {n: ("negative", None) for n in ("EGFR", "ALK", "ROS1", "MET")}),
    ("No EGFR, ALK or ROS1 alterations were detected.", {n: ("negative", None) for n in ("EGFR", "ALK", "ROS1")}),
    ("ALK and ROS1 fusions were not detected.", {"ALK": ("negative", None), "ROS1": ("negative", None)}),
    ("BRAF V600E not detected.", {"BRAF": ("negative", None)}),
    ("PD-L1 (22C3) TPS 60%.", {"PD-L1": ("positive", "TPS 60%")}),
    ("PD-L1 TPS <1%.", {"PD-L1": ("negative", "TPS <1%")}),
    ("PD-L1 pending.", {"PD-L1": ("pending", None)}),
    ("EGFR testing: insufficient tissue.", {"EGFR": ("not_tested", None)}),
    ("HER2 IHC 2+, FISH not amplified.", {"HER2": ("negative", "IHC 2+")}),
    ("HER2 IHC 3+.", {"HER2": ("positive", "IHC 3+")}),
    ("ER+/PR-/HER2-", {"ER": ("positive", None), "PR": ("negative", None), "HER2": ("negative", None)}),
    ("Estrogen receptor: POSITIVE (95%).", {"ER": ("positive", "95%")}),
    ("Microsatellite status: MSS.", {"MSI": ("negative", None)}),
    ("Loss of MLH1 and PMS2 expression; MSH2 and MSH6 retained.", {"MMR": ("positive", None)}),
    ("TMB 14 mut/Mb.", {"TMB": ("positive", "14 mut/Mb")}),
    ("Low probability of MSI-H.", {}),
    ("BRCA2 germline pathogenic variant c.5946delT.", {"BRCA2": ("positive", "c.5946delT")}),
])
def test_biomarkers(text: str, expected: dict[str, tuple[str, str | None]]) -> None:
    assert markers(text) == expected


def test_biomarker_evidence_quotes_the_finding() -> None:
    text = "Molecular: ALK rearrangement not detected. EGFR L858R detected."
    p = profile_of(text)
    for b in p.biomarkers:
        assert text[b.evidence.char_start:b.evidence.char_end] == b.evidence.quote
    assert {b.evidence.quote for b in p.biomarkers} == {"ALK rearrangement not detected", "EGFR L858R detected"}


@pytest.mark.parametrize(("text", "prefix", "tnm", "group"), [
    ("Pathologic stage (AJCC 8th edition): pT2a pN1 cM0, stage IIB.", "p", ("T2a", "N1", "M0"), "IIB"),
    ("PATHOLOGIC STAGE (AJCC 8TH EDITION): PT3 PN2A.\nANATOMIC STAGE GROUP: IIIA.", "p", ("T3", "N2a", None), "IIIA"),
    ("Staging: cT3 N3 M1c, AJCC 8th edition stage IVB; extensive stage.", "c", ("T3", "N3", "M1c"), "IVB"),
    ("ypT0N0 after neoadjuvant therapy.", "yp", ("T0", "N0", None), None),
    ("MRI: T1 weighted images show no lesion.", None, (None, None, None), None),
])
def test_stage(text: str, prefix: str | None, tnm: tuple[str | None, ...], group: str | None) -> None:
    s = profile_of(text).stage
    assert s.prefix == prefix
    assert tuple(v.value if v else None for v in (s.t, s.n, s.m)) == tnm
    assert (s.group.value if s.group else None) == group


def test_the_newest_stage_is_current() -> None:
    p = profile_of("Oncology note 04/02/2025.\nInitial stage: pT2a pN1, stage IIB (08/2022), treated with lobectomy.\n"
                   "Current stage: stage IVB (AJCC 8th), recurrence 03/2025.")
    assert p.stage.group is not None and p.stage.group.value == "IVB"
    assert p.stage.system is not None and p.stage.system.value == "AJCC8"
    assert [h.group.value for h in p.stage_history if h.group] == ["IIB"]


@pytest.mark.parametrize(("text", "cancer_id", "histology", "site", "side"), [
    ("FINAL DIAGNOSIS: Right upper lobe, lobectomy: invasive adenocarcinoma, acinar predominant.",
     "lung-adenocarcinoma", "adenocarcinoma, acinar", "lung", "right"),
    ("Left breast, core biopsy: Invasive ductal carcinoma, grade 3.", "breast-ductal", "invasive ductal carcinoma",
     "breast", "left"),
    ("Dx: metastatic adenocarcinoma of the rectum (liver and lung mets).", "colorectal", "adenocarcinoma", "rectum",
     None),
    ("Extensive-stage small cell lung cancer.", "sclc", "small cell carcinoma", "lung", None),
    ("Adenocarcinma of the prostate, Gleason 4+3=7.", "prostate", "adenocarcinoma", "prostate", None),
])
def test_cancer(text: str, cancer_id: str, histology: str, site: str, side: str | None) -> None:
    c = profile_of(text).cancer
    assert c.cancer_id == cancer_id
    assert c.histology is not None and c.histology.value == histology
    assert c.primary_site is not None and c.primary_site.value == site
    assert (c.laterality.value if c.laterality else None) == side


def test_relatives_cancers_are_not_the_patients() -> None:
    p = profile_of("Family history: mother had breast cancer at 52; sister is a BRCA2 carrier.\n"
                   "Diagnosis: lung adenocarcinoma.")
    assert p.cancer.cancer_id == "lung-adenocarcinoma"
    assert [b.name for b in p.biomarkers] == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Started osimertinib (Tagrisso) 80 mg daily on 03/2024.", [("osimertinib", "ongoing", None)]),
    ("Progressed on osimertinib; stopped 09/2025.", [("osimertinib", "stopped", "progression")]),
    ("Nivolumab + ipilimumab stopped 04/2025 for grade 3 colitis.",
     [("nivolumab", "stopped", "toxicity"), ("ipilimumab", "stopped", "toxicity")]),
    ("Completed 4 cycles of cisplatin and pemetrexed (12/2022).",
     [("cisplatin", "completed", None), ("pemetrexed", "completed", None)]),
    ("If ALK positive, would consider alectinib.", []),
    ("Anti-EGFR antibodies (cetuximab, panitumumab) are not options because of the KRAS mutation.", []),
    ("FOLFOX started 07/2023.", [("fluorouracil", "ongoing", None), ("leucovorin", "ongoing", None),
                                 ("oxaliplatin", "ongoing", None)]),
    ("Therapies associated with this alteration: osimertinib, erlotinib.", []),
    ("Status post left upper lobectomy 2022.", [("surgery: lobectomy", "completed", None)]),
])
def test_treatments(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    got = [(t.name, t.status, t.reason_stopped) for t in profile_of(text).treatments]
    assert got == expected


def test_performance_and_spread() -> None:
    p = profile_of("ECOG PS: 1. Metastases to the liver and bone. MRI brain: no brain metastases.")
    assert p.performance.ecog is not None and p.performance.ecog.value == "1"
    assert sorted(m.value for m in p.metastases) == ["bone", "liver"]


def test_two_reports_that_disagree_are_flagged() -> None:
    a = read_record("outside.txt", b"Outside lab 01/2025: Estrogen receptor: POSITIVE (15%).")
    b = read_record("ours.txt", b"Our lab 02/2025: Estrogen receptor: NEGATIVE (<1%).")
    p = build_profile([a, b])
    assert [c.field for c in p.conflicts] == ["biomarker:ER"]
    assert {x.result for x in p.biomarkers if x.name == "ER"} == {"positive", "negative"}


BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_labelled_synthetic_records_score_well() -> None:
    sys.path.insert(0, str(BENCH.parent))
    from bench.records_synthetic import load_cases, score_cases

    scores = score_cases(load_cases())
    assert not scores["failed"]
    assert scores["evidence"]["violations"] == 0
    assert scores["overall"]["f1"] >= 0.93, scores["overall"]
