"""Hand-built diagnosis profiles for tests (the extractors are tested on records separately)."""

from __future__ import annotations

from datetime import date

from oncoguide.records.model import Biomarker, Cancer, Evidence, Profile, Stage, Treatment, Value


def ev(quote: str, doc: str = "d1") -> Evidence:
    return Evidence(document_id=doc, document_name=f"{doc}.txt", char_start=0, char_end=len(quote), quote=quote)


def val(value: str, doc: str = "d1", as_of: date | None = None, confidence: float = 0.9) -> Value:
    return Value(value=value, evidence=ev(value, doc), confidence=confidence, as_of=as_of)


def alk_progressed() -> Profile:
    """ALK-positive stage IV lung adenocarcinoma; alectinib stopped for progression; lorlatinib ongoing."""
    return Profile(
        cancer=Cancer(cancer_id="lung-adenocarcinoma", primary_site=val("lung"), histology=val("adenocarcinoma")),
        stage=Stage(prefix="c", t=val("T2a"), n=val("N2"), m=val("M1c"), group=val("IV"), as_of=date(2024, 3, 1)),
        biomarkers=[
            Biomarker(name="ALK", result="positive", detail="EML4", method="FISH",
                      evidence=ev("ALK rearrangement detected"), confidence=0.9),
            Biomarker(name="EGFR", result="negative", evidence=ev("EGFR not detected"), confidence=0.9),
            Biomarker(name="PD-L1", result="pending", evidence=ev("PD-L1 pending"), confidence=0.8),
        ],
        treatments=[
            Treatment(name="alectinib", drug_class="targeted", start=date(2024, 3, 15), end=date(2025, 9, 1),
                      status="stopped", reason_stopped="progression", evidence=ev("progressed on alectinib"),
                      confidence=0.9),
            Treatment(name="lorlatinib", drug_class="targeted", start=date(2025, 9, 20), status="ongoing",
                      evidence=ev("started lorlatinib"), confidence=0.9),
        ],
        documents=["d1"],
    )
