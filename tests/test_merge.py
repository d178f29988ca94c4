"""Merging the profiles of several documents: specific beats general, newest stage is current, conflicts kept."""

from __future__ import annotations

from datetime import date

from oncoguide.records.merge import merge
from oncoguide.records.model import Biomarker, Cancer, Profile, Stage, Treatment
from profiles import ev, val


def marker(name: str, result: str, doc: str, detail: str | None = None, conf: float = 0.9) -> Biomarker:
    return Biomarker(name=name, result=result, detail=detail,  # type: ignore[arg-type]
                     evidence=ev(f"{name} {result}", doc), confidence=conf)


def test_most_specific_cancer_and_conflicting_histology() -> None:
    a = Profile(cancer=Cancer(cancer_id="lung", histology=val("adenocarcinoma", "a")), documents=["a"])
    b = Profile(cancer=Cancer(cancer_id="lung-adenocarcinoma",
                              histology=val("squamous cell carcinoma", "b", confidence=0.7)), documents=["b"])
    out = merge([a, b])
    assert out.cancer.cancer_id == "lung-adenocarcinoma"
    assert out.cancer.histology is not None and out.cancer.histology.value == "adenocarcinoma"  # more confident
    assert [c.field for c in out.conflicts] == ["cancer.histology"]
    assert {v.value for v in out.conflicts[0].values} == {"adenocarcinoma", "squamous cell carcinoma"}
    assert out.documents == ["a", "b"]


def test_newest_stage_is_current_and_older_is_history() -> None:
    old = Profile(stage=Stage(prefix="p", t=val("T2b"), n=val("N0"), group=val("IIA"), as_of=date(2022, 5, 1)))
    new = Profile(stage=Stage(prefix="c", m=val("M1b"), group=val("IV"), as_of=date(2025, 2, 1)))
    for order in ([old, new], [new, old]):
        out = merge(order)
        assert out.stage.group is not None and out.stage.group.value == "IV"
        assert [s.group.value for s in out.stage_history if s.group] == ["IIA"]
        assert not out.conflicts


def test_same_day_different_stage_groups_conflict() -> None:
    a = Profile(stage=Stage(group=val("IIIA", "a"), as_of=date(2025, 1, 1)))
    b = Profile(stage=Stage(group=val("IIIB", "b"), as_of=date(2025, 1, 1)))
    assert [c.field for c in merge([a, b]).conflicts] == ["stage.group"]


def test_biomarkers_pending_resolves_and_disagreement_is_flagged() -> None:
    a = Profile(biomarkers=[marker("PD-L1", "pending", "a"), marker("ER", "positive", "a", "90%")])
    b = Profile(biomarkers=[marker("PD-L1", "positive", "b", "TPS 60%"), marker("ER", "negative", "b"),
                            marker("EGFR", "positive", "b", "exon 19 deletion")])
    c = Profile(biomarkers=[marker("EGFR", "positive", "c", "T790M"), marker("EGFR", "positive", "c")])
    out = merge([a, b, c])
    got = sorted((m.name, m.result, m.detail or "") for m in out.biomarkers)
    assert got == [("EGFR", "positive", "T790M"), ("EGFR", "positive", "exon 19 deletion"), ("ER", "negative", ""),
                   ("ER", "positive", "90%"), ("PD-L1", "positive", "TPS 60%")]
    assert [c.field for c in out.conflicts] == ["biomarker:ER"]


def test_treatments_are_joined_and_updated() -> None:
    started = Treatment(name="osimertinib", drug_class="targeted", start=date(2023, 1, 5), status="ongoing",
                        evidence=ev("started osimertinib", "a"), confidence=0.9)
    stopped = Treatment(name="Osimertinib", drug_class="targeted", end=date(2025, 6, 1), status="stopped",
                        reason_stopped="progression", evidence=ev("progressed on osimertinib", "b"), confidence=0.85)
    out = merge([Profile(treatments=[started]), Profile(treatments=[stopped])])
    assert len(out.treatments) == 1
    t = out.treatments[0]
    assert (t.start, t.end, t.status, t.reason_stopped) == (date(2023, 1, 5), date(2025, 6, 1), "stopped",
                                                            "progression")
    assert t.evidence.document_id == "b"


def test_latest_ecog_wins() -> None:
    a = Profile()
    a.performance.ecog = val("1", "a", as_of=date(2024, 1, 1))
    b = Profile()
    b.performance.ecog = val("2", "b", as_of=date(2025, 1, 1))
    out = merge([b, a])
    assert out.performance.ecog is not None and out.performance.ecog.value == "2"
