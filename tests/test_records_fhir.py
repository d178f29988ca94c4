"""FHIR R4 and HL7 v2 records -> diagnosis profile: fields, codes before text, evidence spans, bad input."""

from __future__ import annotations

import copy
import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from oncoguide.records.fhir import extract_fhir, iter_values
from oncoguide.records.hl7v2 import extract_hl7v2
from oncoguide.records.model import Profile, RecordDocument, RecordError

ROOT = Path(__file__).resolve().parents[1]
LOINC, SCT, CAP = "http://loinc.org", "http://snomed.info/sct", "https://cap.org/eCC"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"


def cc(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display is not None:
        coding["display"] = display
    return {"coding": [coding]}


def obs(rid: str, code: dict[str, Any], **value: Any) -> dict[str, Any]:
    return {"resourceType": "Observation", "id": rid, "status": "final", "code": code, **value}


def bundle(*resources: dict[str, Any], kind: str = "collection") -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind,
            "entry": [{"fullUrl": f"urn:uuid:{r.get('id', i)}", "resource": r} for i, r in enumerate(resources)]}


def doc_of(data: dict[str, Any] | str) -> RecordDocument:
    raw = data if isinstance(data, str) else json.dumps(data, indent=2)
    return RecordDocument(id="d1", name="x.json", kind="fhir", text=raw, fhir=json.loads(raw))


def read(*resources: dict[str, Any]) -> Profile:
    """Extract from a bundle of ``resources`` and check every evidence span on the way."""
    doc = doc_of(bundle(*resources))
    profile = extract_fhir(doc)
    assert_spans(doc, profile)
    return profile


def assert_spans(doc: RecordDocument, profile: Profile) -> None:
    for name, ev in iter_values(profile):
        assert doc.text[ev.char_start:ev.char_end] == ev.quote, name
        assert ev.quote and ev.resource and ev.document_id == doc.id, name


# --- Observations: tumor markers, staging, performance, variants, CAP checklist answers -----------------------------

POSITIVE = cc(SCT, "10828004", "Positive (qualifier value)")
NEGATIVE = cc(SCT, "260385009", "Negative (qualifier value)")

MARKERS = [
    ("ER coded positive", obs("o1", cc(LOINC, "40556-3", "Estrogen receptor Ag [Presence] in Tissue"),
                                 valueCodeableConcept=POSITIVE), ("ER", "positive", None, "IHC", 0.95, "Positive")),
    ("PR coded negative", obs("o1", cc(LOINC, "40557-1"), valueCodeableConcept=NEGATIVE),
     ("PR", "negative", None, "IHC", 0.95, "Negative")),
    ("HER2 by text only", obs("o1", {"text": "HER2 by IHC"}, valueString="Negative"),
     ("HER2", "negative", None, "IHC", 0.8, "Negative")),
    ("Ki-67 quantity stays unknown", obs("o1", {"text": "Ki-67 index"}, valueQuantity={"value": 30, "unit": "%"}),
     ("Ki-67", "unknown", "30 %", None, 0.8, "30")),
    ("PD-L1 quantity with interpretation",
     obs("o1", cc(LOINC, "83052-1", "PD-L1 by clone 22C3 [Presence] in Tissue by Immune stain"),
         valueQuantity={"value": 60, "unit": "%"},
         interpretation=[cc("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "POS", "Positive")]),
     ("PD-L1", "positive", "60 %", "IHC", 0.95, "Positive")),
    ("TMB low is not TMB-high", obs("o1", cc(LOINC, "94077-5"), valueCodeableConcept=cc(SCT, "62482003", "Low")),
     ("TMB", "negative", "Low", None, 0.95, "Low")),
    ("MSI high by text", obs("o1", cc(LOINC, "81695-9"), valueString="MSI-High"),
     ("MSI", "positive", "MSI-High", None, 0.8, "MSI-High")),
    ("CAP BRAF answer", obs("o1", cc(CAP, "72913.100004300", "BRAF Mutational Analysis"),
                            valueCodeableConcept=cc(CAP, "72916.100004300", "BRAF V600E mutation")),
     ("BRAF", "positive", "V600E", None, 0.9, "BRAF V600E mutation")),
    ("CAP negative answer", obs("o1", cc(CAP, "72921.100004300", "NRAS Mutational Analysis"),
                                valueCodeableConcept=cc(CAP, "72922.100004300", "No mutations detected")),
     ("NRAS", "negative", "No mutations detected", None, 0.9, "No mutations detected")),
    ("code wins over a contradicting display", obs("o1", cc(LOINC, "18474-7"),
                                                   valueCodeableConcept=cc(SCT, "260385009", "Positive")),
     ("HER2", "negative", None, "IHC", 0.95, "Positive")),
]


@pytest.mark.parametrize(("resource", "want"), [m[1:] for m in MARKERS], ids=[m[0] for m in MARKERS])
def test_tumor_markers(resource: dict[str, Any], want: tuple[Any, ...]) -> None:
    [b] = read(resource).biomarkers
    assert (b.name, b.result, b.detail, b.method, b.confidence, b.evidence.quote) == want
    assert b.evidence.resource == "Observation/o1"


def test_genetic_variant_gene_from_hgnc_and_variant_from_components() -> None:
    variant = obs("v1", cc(LOINC, "69548-6", "Genetic variant assessment"),
                  valueCodeableConcept=cc(LOINC, "LA9633-4", "Present"), effectiveDateTime="2023-05-02",
                  component=[{"code": cc(LOINC, "48018-6"),
                              "valueCodeableConcept": cc("http://www.genenames.org/geneId", "HGNC:3236", "EGFR")},
                             {"code": cc(LOINC, "48005-3"),
                              "valueCodeableConcept": cc("http://varnomen.hgvs.org", "p.Leu858Arg", "p.Leu858Arg")},
                             {"code": cc(LOINC, "48002-0"),
                              "valueCodeableConcept": cc(LOINC, "LA6684-0", "Somatic")}])
    absent = copy.deepcopy(variant)
    absent["id"], absent["valueCodeableConcept"] = "v2", cc(LOINC, "LA9634-2", "Absent")
    absent["component"][0]["valueCodeableConcept"] = {"coding": [{"system": "http://www.genenames.org/geneId",
                                                                   "code": "HGNC:427"}]}
    first, second = read(variant, absent).biomarkers
    assert (first.name, first.result, first.detail, first.origin, str(first.on)) == \
        ("EGFR", "positive", "p.Leu858Arg", "somatic", "2023-05-02")
    assert (second.name, second.result, second.evidence.quote) == ("ALK", "negative", "HGNC:427")


STAGING = [
    ("clinical T from LOINC + AJCC code", obs("t", cc(LOINC, "21905-5"), valueCodeableConcept=cc(
        "http://cancerstaging.org", "cT2", "cT2")), "c", "t", "T2"),
    ("pathologic N", obs("n", cc(LOINC, "21900-6"), valueCodeableConcept=cc("http://cancerstaging.org", "pN1a")),
     "p", "n", "N1a"),
    ("STU3 SNOMED cM", obs("m", cc(SCT, "399387003", "cM category"), valueCodeableConcept=cc(
        SCT, "1229901006", "American Joint Committee on Cancer cM0 (qualifier value)")), "c", "m", "M0"),
    ("pathologic group by SNOMED stage code", obs("g", cc(LOINC, "21902-2"), valueCodeableConcept=cc(
        SCT, "261638004", "Stage 3A")), "p", "group", "IIIA"),
    ("clinical group by display", obs("g", cc(LOINC, "21908-9", "Stage group.clinical Cancer"),
                                      valueCodeableConcept=cc(SCT, "36929009", "Stage II (localized)")),
     "c", "group", "II"),
    ("group by mCODE profile, code unknown", {**obs("g", {"text": "staging"}, valueCodeableConcept=cc(
        "http://cancerstaging.org", "4", "IV")), "meta": {"profile": [MCODE + "mcode-tnm-clinical-stage-group"]}},
     "c", "group", "IV"),
    ("CAP pT answer", obs("t", cc(CAP, "327868.100004300", "pT Category"), valueCodeableConcept=cc(
        CAP, "54487.100004300", "pT2a: Tumor greater than 3 cm")), "p", "t", "T2a"),
]


@pytest.mark.parametrize(("resource", "prefix", "part", "value"), [s[1:] for s in STAGING], ids=[s[0] for s in STAGING])
def test_staging(resource: dict[str, Any], prefix: str, part: str, value: str) -> None:
    stage = read(resource).stage
    assert stage.prefix == prefix
    assert getattr(stage, part).value == value


def test_clinical_and_pathologic_stage_are_kept_apart_newest_first() -> None:
    clinical = obs("c", cc(LOINC, "21908-9"), valueCodeableConcept=cc(SCT, "258224005", "Stage 3"),
                   effectiveDateTime="2023-01-10", method=cc(SCT, "897275008", "AJCC 8th edition (tumor staging)"))
    pathologic = obs("p", cc(LOINC, "21902-2"), valueCodeableConcept=cc(SCT, "261639007", "Stage 3B"),
                     effectiveDateTime="2023-03-01")
    profile = read(clinical, pathologic)
    assert (profile.stage.prefix, profile.stage.group.value) == ("p", "IIIB")  # type: ignore[union-attr]
    [history] = profile.stage_history
    assert (history.prefix, history.group.value, history.system.value) == ("c", "III", "AJCC8")  # type: ignore[union-attr]
    assert profile.conflicts == []


def test_staging_panel_gives_its_prefix_to_members() -> None:
    panel = obs("panel", cc(LOINC, "21902-2"), valueCodeableConcept=cc("http://cancerstaging.org", "2B", "IIB"),
                hasMember=[{"reference": "Observation/t"}, {"reference": "Observation/n"}])
    t = obs("t", cc(SCT, "78873005", "T category"), valueCodeableConcept=cc("http://cancerstaging.org", "T3"))
    n = obs("n", cc(SCT, "277206009", "N category"), valueCodeableConcept=cc("http://cancerstaging.org", "N0"))
    stage = read(n, t, panel).stage
    assert (stage.prefix, stage.t.value, stage.n.value, stage.group.value) == ("p", "T3", "N0", "IIB")  # type: ignore[union-attr]


PERFORMANCE = [
    ("ECOG integer", obs("e", cc(LOINC, "89247-1"), valueInteger=2), "ecog", "2", "2"),
    ("ECOG answer code", obs("e", cc(LOINC, "89247-1"), valueCodeableConcept=cc(LOINC, "LA9624-3", "Ambulatory")),
     "ecog", "2", "Ambulatory"),
    ("ECOG by text", obs("e", {"text": "ECOG performance status"}, valueInteger=0), "ecog", "0", "0"),
    ("Karnofsky", obs("k", cc(LOINC, "89243-0"), valueInteger=80), "karnofsky", "80", "80"),
]


@pytest.mark.parametrize(("resource", "kind", "value", "quote"), [p[1:] for p in PERFORMANCE],
                         ids=[p[0] for p in PERFORMANCE])
def test_performance(resource: dict[str, Any], kind: str, value: str, quote: str) -> None:
    v = getattr(read(resource).performance, kind)
    assert (v.value, v.evidence.quote) == (value, quote)


def test_out_of_range_performance_is_not_read() -> None:
    assert read(obs("e", cc(LOINC, "89247-1"), valueInteger=7)).performance.ecog is None


CHECKLIST = [
    ("histology", cc(CAP, "59852.100004300", "Histologic Type"), cc(CAP, "1.1", "Adenocarcinoma"),
     lambda p: p.cancer.histology, "Adenocarcinoma"),
    ("histology by code, odd display", cc(CAP, "59852.100004300", "Something else"), cc(CAP, "1.1", "Adenocarcinoma"),
     lambda p: p.cancer.histology, "Adenocarcinoma"),
    ("grade", cc(CAP, "35916.100004300", "Histologic Grade"), cc(CAP, "2.2", "G2, moderately differentiated"),
     lambda p: p.cancer.grade, "G2, moderately differentiated"),
    ("grade, unknown question code", cc(CAP, "99.100004300", "?Histologic Grade (Note C)"),
     cc(CAP, "2.3", "G3, poorly differentiated#"), lambda p: p.cancer.grade, "G3, poorly differentiated"),
    ("site", cc(CAP, "49029.100004300", "Tumor Site"), cc(CAP, "3.1", "Sigmoid colon"),
     lambda p: p.cancer.primary_site, "Sigmoid colon"),
    ("laterality", cc(CAP, "52756.100004300", "Specimen Laterality"), cc(CAP, "4.1", "Left"),
     lambda p: p.cancer.laterality, "Left"),
    ("boilerplate is not a value", cc(CAP, "35916.100004300", "Histologic Grade"), cc(CAP, "2.9", "Not applicable"),
     lambda p: p.cancer.grade, None),
    ("'pN not assigned' is not a category", cc(CAP, "327870.100004300", "pN Category"),
     cc(CAP, "5.1", "pN not assigned (no nodes submitted or found)"), lambda p: p.stage.n, None),
]


@pytest.mark.parametrize(("question", "answer", "get", "want"), [c[1:] for c in CHECKLIST],
                         ids=[c[0] for c in CHECKLIST])
def test_checklist_answers(question: dict[str, Any], answer: dict[str, Any], get: Callable[[Profile], Any],
                           want: str | None) -> None:
    value = get(read(obs("o", question, valueCodeableConcept=answer)))
    assert (value.value if value else None) == want


def test_checklist_quantity_under_a_grade_question_is_not_a_grade() -> None:
    profile = read(obs("o", cc(CAP, "1452.100004300", "Histologic Grade"),
                       valueQuantity={"value": 3.5, "unit": "cm"}))
    assert profile.cancer.grade is None


def test_checklist_multi_select_components_and_biopsy() -> None:
    surgery = obs("p", cc(CAP, "55856.100004300", "Procedure"),
                  component=[{"code": cc(CAP, "1.1", "Lobectomy")}, {"code": cc(CAP, "1.2", "Wedge resection")}])
    biopsy = obs("b", cc(CAP, "42554.100004300", "Procedure"),
                 valueCodeableConcept=cc(CAP, "2.1", "Percutaneous needle biopsy"))
    treatments = read(surgery, biopsy).treatments
    assert [(t.name, t.drug_class, t.status) for t in treatments] == [
        ("Lobectomy", "surgery", "completed"), ("Wedge resection", "surgery", "completed")]


# --- Conditions -----------------------------------------------------------------------------------------------------

def condition(rid: str, code: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"resourceType": "Condition", "id": rid, "code": code, **extra}


def test_primary_cancer_condition_fields() -> None:
    primary = condition(
        "c1", cc(SCT, "254637007", "Non-small cell lung cancer (disorder)"), onsetDateTime="2022-11-03",
        meta={"profile": [MCODE + "mcode-primary-cancer-condition"]},
        extension=[{"url": MCODE + "mcode-histology-morphology-behavior",
                    "valueCodeableConcept": cc(SCT, "35917007",
                                               "Adenocarcinoma, no subtype (morphologic abnormality)")}],
        bodySite=[{**cc(SCT, "41224006", "Structure of lower lobe of left lung (body structure)"),
                   "extension": [{"url": MCODE + "mcode-laterality",
                                  "valueCodeableConcept": cc(SCT, "7771000", "Left (qualifier value)")}]}],
        stage=[{"summary": cc("http://cancerstaging.org", "3A", "IIIA"), "type": cc(SCT, "399537006")}])
    p = read(primary)
    assert p.cancer.cancer_id == "nsclc"
    assert p.cancer.histology.value == "Adenocarcinoma, no subtype"  # type: ignore[union-attr]
    assert p.cancer.primary_site.value == "lower lobe of left lung"  # type: ignore[union-attr]
    assert p.cancer.laterality.value == "Left"  # type: ignore[union-attr]
    assert (p.cancer.diagnosed_on.value, p.cancer.diagnosed_on.evidence.quote) == ("2022-11-03", "2022-11-03")  # type: ignore[union-attr]
    assert (p.stage.prefix, p.stage.group.value) == ("c", "IIIA")  # type: ignore[union-attr]


@pytest.mark.parametrize(("code", "cancer_id", "confidence"), [
    (cc(SCT, "408643008", "Infiltrating duct carcinoma of breast (disorder)"), "breast-ductal", 0.95),
    (cc(SCT, "999999", "Malignant neoplasm of colon"), "colorectal", 0.8),
    ({"text": "Small cell lung cancer, extensive"}, "sclc", 0.8),
    (cc("http://hl7.org/fhir/sid/icd-10-cm", "C50.911", "Malignant neoplasm of right female breast"), "breast", 0.95),
])
def test_cancer_type_codes_first_then_text(code: dict[str, Any], cancer_id: str, confidence: float) -> None:
    p = read(condition("c1", code))
    assert p.cancer.cancer_id == cancer_id


def test_histology_from_the_condition_code_points_into_its_display() -> None:
    p = read(condition("c1", cc(SCT, "408643008", "Infiltrating duct carcinoma of breast (disorder)")))
    assert (p.cancer.histology.value, p.cancer.histology.confidence) == ("Infiltrating duct carcinoma", 0.95)  # type: ignore[union-attr]
    assert p.cancer.primary_site.evidence.quote == "breast"  # type: ignore[union-attr]


@pytest.mark.parametrize(("resource", "site"), [
    (condition("m1", cc(SCT, "94225005", "Secondary malignant neoplasm of brain (disorder)")), "brain"),
    (condition("m1", cc(SCT, "94381002")), "liver"),
    (condition("m1", cc(SCT, "128462008", "Metastatic neoplasm"),
               meta={"profile": [MCODE + "mcode-secondary-cancer-condition"]},
               bodySite=[cc(SCT, "39607008", "Lung structure (body structure)")]), "Lung"),
    (condition("m1", {"text": "metastasis to the adrenal gland"}), "the adrenal gland"),
])
def test_secondary_cancers_are_metastases(resource: dict[str, Any], site: str) -> None:
    p = read(resource)
    assert [m.value for m in p.metastases] == [site]
    assert p.cancer.cancer_id is None


@pytest.mark.parametrize("resource", [
    condition("x", cc(SCT, "38341003", "Hypertensive disorder")),
    condition("x", cc(SCT, "254837009", "Malignant neoplasm of breast"),
              verificationStatus=cc("http://terminology.hl7.org/CodeSystem/condition-ver-status", "refuted")),
    condition("x", {"text": "Family history of breast cancer"}),
    {"resourceType": "FamilyMemberHistory", "id": "f", "condition": [{"code": cc(SCT, "254837009")}]},
])
def test_not_the_patients_cancer(resource: dict[str, Any]) -> None:
    p = read(resource)
    assert p.cancer.cancer_id is None and p.cancer.histology is None and p.metastases == []


# --- Treatments -----------------------------------------------------------------------------------------------------

def med(rtype: str, rid: str, concept: dict[str, Any], status: str, **extra: Any) -> dict[str, Any]:
    return {"resourceType": rtype, "id": rid, "status": status, "medicationCodeableConcept": concept, **extra}


MEDICATIONS = [
    ("statement with period, stopped for progression",
     med("MedicationStatement", "m", cc(RXNORM, "1156671", "fulvestrant Injectable Product"), "stopped",
         effectivePeriod={"start": "2019-04-01", "end": "2019-09-15"},
         statusReason=[{"text": "Disease progression"}]),
     ("fulvestrant", "hormonal", "2019-04-01", "2019-09-15", "stopped", "progression", 0.95, "fulvestrant")),
    ("brand name text -> generic",
     med("MedicationRequest", "m", {"text": "Tagrisso 80 mg daily"}, "active"),
     ("osimertinib", "targeted", "None", "None", "ongoing", None, 0.8, "Tagrisso")),
    ("administration, toxicity reason",
     med("MedicationAdministration", "m", cc(RXNORM, "0", "carboplatin"), "stopped",
         effectiveDateTime="2021-02-03T10:00:00Z", statusReason=[cc(SCT, "1", "Adverse reaction to drug")]),
     ("carboplatin", "chemotherapy", "2021-02-03", "None", "stopped", "toxicity", 0.8, "carboplatin")),
    ("mCODE termination-reason extension, completed",
     med("MedicationStatement", "m", cc(RXNORM, "1158877", "capecitabine Oral Product"), "completed",
         extension=[{"url": MCODE + "mcode-treatment-termination-reason",
                     "valueCodeableConcept": cc(SCT, "182992009", "Treatment completed (situation)")}]),
     ("capecitabine", "chemotherapy", "None", "None", "completed", "completed", 0.95, "capecitabine")),
    ("unknown drug kept as written",
     med("MedicationStatement", "m", {"text": "Study drug XR-17"}, "active"),
     ("Study drug XR-17", "other", "None", "None", "ongoing", None, 0.8, "Study drug XR-17")),
]


@pytest.mark.parametrize(("resource", "want"), [m[1:] for m in MEDICATIONS], ids=[m[0] for m in MEDICATIONS])
def test_medications(resource: dict[str, Any], want: tuple[Any, ...]) -> None:
    [t] = read(resource).treatments
    got = (t.name, t.drug_class, str(t.start), str(t.end), t.status, t.reason_stopped, t.confidence, t.evidence.quote)
    assert got == want


def test_medication_reference_to_contained_medication() -> None:
    statement = {"resourceType": "MedicationStatement", "id": "s", "status": "active",
                 "contained": [{"resourceType": "Medication", "id": "med1", "code": cc(RXNORM, "x", "Keytruda")}],
                 "medicationReference": {"reference": "#med1"}}
    [t] = read(statement).treatments
    assert (t.name, t.drug_class, t.evidence.resource) == ("pembrolizumab", "immunotherapy", "Medication/med1")


@pytest.mark.parametrize("resource", [
    med("MedicationStatement", "m", cc(RXNORM, "1156671", "fulvestrant"), "not-taken"),
    med("MedicationStatement", "m", cc(RXNORM, "1156671", "fulvestrant"), "entered-in-error"),
    {"resourceType": "Procedure", "id": "p", "status": "not-done", "code": cc(SCT, "392021009", "Lumpectomy")},
    {"resourceType": "Procedure", "id": "p", "status": "completed", "code": cc(SCT, "1", "Biopsy of breast")},
    {"resourceType": "Procedure", "id": "p", "status": "completed", "code": cc(SCT, "2", "Colonoscopy")},
])
def test_not_treatments(resource: dict[str, Any]) -> None:
    assert read(resource).treatments == []


@pytest.mark.parametrize(("resource", "want"), [
    ({"resourceType": "Procedure", "id": "p", "status": "completed", "performedDateTime": "2019-03-01",
      "code": cc(SCT, "392021009", "Lumpectomy of breast (procedure)")},
     ("Lumpectomy of breast", "surgery", "2019-03-01", "None", "completed", 0.95)),
    ({"resourceType": "Procedure", "id": "p", "status": "in-progress", "code": {"text": "Stereotactic radiotherapy"},
      "performedPeriod": {"start": "2024-01-08", "end": "2024-01-19"}},
     ("Stereotactic radiotherapy", "radiation", "2024-01-08", "2024-01-19", "ongoing", 0.8)),
    ({"resourceType": "Procedure", "id": "p", "status": "completed", "code": cc(SCT, "9", "Treatment"),
      "meta": {"profile": [MCODE + "mcode-cancer-related-radiation-procedure"]}},
     ("Treatment", "radiation", "None", "None", "completed", 0.95)),
])
def test_procedures(resource: dict[str, Any], want: tuple[Any, ...]) -> None:
    [t] = read(resource).treatments
    assert (t.name, t.drug_class, str(t.start), str(t.end), t.status, t.confidence) == want


# --- Bundles, conflicts, evidence -----------------------------------------------------------------------------------

def test_message_bundle_with_nested_bundles_and_a_single_resource() -> None:
    inner = bundle(obs("er", cc(LOINC, "40556-3"), valueCodeableConcept=POSITIVE), kind="collection")
    inner["id"] = "inner"
    message = bundle({"resourceType": "MessageHeader", "id": "h"}, inner, kind="message")
    assert [b.name for b in extract_fhir(doc_of(message)).biomarkers] == ["ER"]
    single = obs("er", cc(LOINC, "40556-3"), valueCodeableConcept=POSITIVE)
    assert [b.result for b in extract_fhir(doc_of(single)).biomarkers] == ["positive"]


@pytest.mark.parametrize(("resources", "field", "values"), [
    ((obs("a", cc(LOINC, "40556-3"), valueCodeableConcept=POSITIVE),
      obs("b", cc(LOINC, "40556-3"), valueCodeableConcept=NEGATIVE)), "biomarker:ER", ["positive", "negative"]),
    ((obs("a", cc(LOINC, "21908-9"), valueCodeableConcept=cc(SCT, "258219007", "Stage 2")),
      obs("b", cc(LOINC, "21908-9"), valueCodeableConcept=cc(SCT, "258224005", "Stage 3"))), "stage.group",
     ["II", "III"]),
    ((obs("a", cc(CAP, "59852.100004300"), valueCodeableConcept=cc(CAP, "1", "Adenocarcinoma")),
      obs("b", cc(CAP, "59852.100004300"), valueCodeableConcept=cc(CAP, "2", "Squamous cell carcinoma"))),
     "cancer.histology", ["Adenocarcinoma", "Squamous cell carcinoma"]),
])
def test_conflicting_readings_are_both_kept(resources: tuple[dict[str, Any], ...], field: str,
                                            values: list[str]) -> None:
    [conflict] = read(*resources).conflicts
    assert conflict.field == field
    assert [v.value for v in conflict.values] == values


def test_same_value_twice_is_not_a_conflict() -> None:
    a = obs("a", cc(CAP, "59852.100004300"), valueCodeableConcept=cc(CAP, "1", "Adenocarcinoma"))
    b = obs("b", cc(CAP, "59852.100004300"), valueCodeableConcept=cc(CAP, "1", "adenocarcinoma"))
    assert read(a, b).conflicts == []


def test_evidence_points_inside_the_resource_it_names() -> None:
    """Two resources with the same display: each value's span lies in its own resource's text."""
    doc = doc_of(bundle(obs("er", cc(LOINC, "40556-3"), valueCodeableConcept=POSITIVE),
                        obs("pr", cc(LOINC, "40557-1"), valueCodeableConcept=POSITIVE)))
    er, pr = extract_fhir(doc).biomarkers
    pr_start = doc.text.index('"id": "pr"')
    assert er.evidence.char_end < pr_start < pr.evidence.char_start
    assert (er.evidence.resource, pr.evidence.resource) == ("Observation/er", "Observation/pr")


def test_resources_without_id_are_labelled_by_position() -> None:
    profile = read({"resourceType": "Observation", "code": cc(LOINC, "89247-1"), "valueInteger": 1})
    assert profile.performance.ecog.evidence.resource == "Observation#2"  # type: ignore[union-attr]


def test_escaped_strings_keep_exact_spans() -> None:
    raw = ('{"resourceType": "Observation", "id": "o", "code": {"text": "HER2 \\u0028IHC\\u0029"},'
           ' "valueString": "Negative \\"confirmed\\""}')
    doc = doc_of(raw)
    [b] = extract_fhir(doc).biomarkers
    assert (b.name, b.result) == ("HER2", "negative")
    assert_spans(doc, extract_fhir(doc))


# --- Bad input ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["", "   ", "not json", "{", '{"resourceType": "Bundle",}', "[1, 2]", '"text"',
                                 '{"a": 1}', '{"resourceType": 5}', '{"resourceType": "Observation"} extra',
                                 "[" * 5000 + "]" * 5000, '{"x": ' * 300 + "1" + "}" * 300, '{"v": NaN}',
                                 '{"resourceType": "Observation", "v": "\x01"}'])
def test_bad_files_raise_record_error(raw: str) -> None:
    doc = RecordDocument(id="d1", name="x.json", kind="fhir", text=raw)
    with pytest.raises(RecordError, match=r"x\.json"):
        extract_fhir(doc)


@pytest.mark.parametrize("data", [
    {"resourceType": "Foo", "id": "f"},
    {"resourceType": "Bundle", "entry": "x"},
    {"resourceType": "Bundle", "entry": [1, "a", None, {"resource": "str"}, {"resource": {"no": "type"}}]},
    {"resourceType": "Observation", "code": "ER", "valueCodeableConcept": [1, 2]},
    {"resourceType": "Observation", "code": {"coding": {"system": LOINC, "code": "40556-3"}}, "valueString": 5},
    {"resourceType": "Observation", "code": {"coding": [{"system": LOINC, "code": 40556}]}, "component": 5},
    {"resourceType": "Condition", "code": {"coding": [None, 3]}, "stage": "IV", "bodySite": {"a": 1}},
    {"resourceType": "MedicationStatement", "medicationCodeableConcept": [], "effectivePeriod": "2020"},
    {"resourceType": "MedicationStatement", "medicationReference": {"reference": 7}, "status": ["active"]},
    {"resourceType": "Procedure", "code": {"text": ["surgery"]}, "performedPeriod": {"start": 2020}},
    {"resourceType": "Observation", "code": {"text": "ECOG"}, "valueInteger": True},
    {"resourceType": "DiagnosticReport", "conclusion": {"x": 1}, "result": "Observation/1"},
    {"resourceType": "Observation", "effectiveDateTime": "2021-02-30",
     "code": {"coding": [{"system": LOINC, "code": "21908-9"}]}, "valueCodeableConcept": {"text": ""}},
])
def test_unusable_resources_are_skipped(data: dict[str, Any]) -> None:
    profile = extract_fhir(doc_of(data))
    assert isinstance(profile, Profile)


def _mutations(value: Any, rng: random.Random) -> Any:
    """``value`` with some members replaced by values of the wrong type."""
    wrong: list[Any] = [None, 7, "x", [], {}, [None], {"coding": 3}, True]
    if isinstance(value, dict):
        return {k: rng.choice(wrong) if rng.random() < 0.15 else _mutations(v, rng) for k, v in value.items()}
    if isinstance(value, list):
        return [rng.choice(wrong) if rng.random() < 0.15 else _mutations(v, rng) for v in value]
    return value


def test_wrong_types_anywhere_never_raise_anything_but_record_error() -> None:
    rng = random.Random(5)
    base = bundle(*[r for m in MARKERS for r in m[1:2]], *[s[1] for s in STAGING], *[m[1] for m in MEDICATIONS],
                  condition("c1", cc(SCT, "408643008", "Infiltrating duct carcinoma of breast"),
                            stage=[{"summary": cc("http://cancerstaging.org", "4", "IV")}], onsetDateTime="2020-01-01"))
    for _ in range(150):
        data = _mutations(base, rng)
        try:
            doc = doc_of(data)
            assert_spans(doc, extract_fhir(doc))
        except RecordError:
            pass


# --- HL7 v2 ---------------------------------------------------------------------------------------------------------

HL7 = "\r".join([
    "MSH|^~\\&|LAB|X|||20240101||ORU^R01^ORU_R01|1|P|2.5.1",
    "PID|1||123^^^X^MR||Doe^Jane",
    "OBR|1||S1|60568-3^SYNOPTIC REPORT^LN|||20240105",
    "OBX|1|CWE|1416.100004300^Procedure^CAPECC||1425.100004300^Right hemicolectomy^CAPECC||||||F",
    "OBX|2|CWE|41344.100004300^Histologic Type^CAPECC||1464.100004300^Adenocarcinoma^CAPECC||||||F",
    "OBX|3|CWE|38111.100004300^Histologic Grade^CAPECC||1485.100004300^Other (specify)^CAPECC||||||F",
    "OBX|4|ST|38111.100004300^Histologic Grade^CAPECC|1485|Low-grade \\T\\ gland forming||||||F",
    "OBX|5|NM|1452.100004300^Tumor Size^CAPECC||5|cm^CentiMeter^UCUM|||||F",
    "OBX|6|CWE|327745.100004300^pT Category^CAPECC||1.1^pT3: Tumor invades through the muscularis^CAPECC||||||F",
    "OBX|7|CWE|40556-3^Estrogen receptor^LN||10828004^Positive^SCT||||||F|||20240103",
    "OBX|8|CWE|99.100004300^Margins^CAPECC||2.2^Uninvolved^CAPECC||||||F",
])


def hl7_doc(text: str) -> RecordDocument:
    return RecordDocument(id="h1", name="x.hl7", kind="hl7v2", text=text)


@pytest.mark.parametrize("separator", ["\r", "\n", "\r\n"])
def test_hl7v2_pathology_result(separator: str) -> None:
    doc = hl7_doc(HL7.replace("\r", separator))
    p = extract_hl7v2(doc)
    assert_spans(doc, p)
    assert p.cancer.histology.value == "Adenocarcinoma"  # type: ignore[union-attr]
    assert (p.cancer.grade.value, p.cancer.grade.confidence) == ("Low-grade & gland forming", 0.8)  # type: ignore[union-attr]
    assert p.cancer.grade.evidence.quote == "Low-grade \\T\\ gland forming"  # type: ignore[union-attr]
    assert (p.stage.prefix, p.stage.t.value, str(p.stage.as_of)) == ("p", "T3", "2024-01-05")  # type: ignore[union-attr]
    assert [(t.name, t.drug_class) for t in p.treatments] == [("Right hemicolectomy", "surgery")]
    [er] = p.biomarkers
    assert (er.name, er.result, str(er.on), er.evidence.resource) == ("ER", "positive", "2024-01-03", "OBX/7")


@pytest.mark.parametrize("raw", ["", "\r\n", "hello world", "MSH", "PID|1||x", "MSH|||||"])
def test_hl7v2_bad_files_raise_record_error(raw: str) -> None:
    with pytest.raises(RecordError, match=r"x\.hl7"):
        extract_hl7v2(hl7_doc(raw))


def test_hl7v2_broken_segments_are_skipped() -> None:
    text = HL7 + "\rOBX|9|CWE\rOBX|10|CWE|59852.100004300^Histologic Type^CAPECC||^^\rOBX"
    assert extract_hl7v2(hl7_doc(text)).cancer.histology.value == "Adenocarcinoma"  # type: ignore[union-attr]


# --- Real eval data (skipped when absent) ---------------------------------------------------------------------------

def _bench() -> Any:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import records_fhir

    return records_fhir


@pytest.mark.parametrize(("folder", "scorer"), [("ihe-sdc-cancer-pathology-fhir", "score_ihe"),
                                                ("mcode-trial-matching-fhir", "score_mcode")])
def test_eval_bundles_f1(folder: str, scorer: str) -> None:
    bench = _bench()
    root = bench.eval_path(folder)
    if root is None:
        pytest.skip(f"{folder} eval data is absent")
    tally = getattr(bench, scorer)(root)
    assert tally.prf()[5] >= 0.95, tally.misses
    assert tally.evidence_ok == tally.evidence_total > 0


def test_scorer_penalises_an_empty_profile() -> None:
    bench = _bench()
    expected = bench.mcode_expected({"primary_cancer": [{"code": {"display": "Carcinoma of breast"}}],
                                     "ecog": [1]})
    got = bench.extracted(Profile())
    tally = bench.Tally()
    for name in expected:
        tally.add("doc", name, expected[name], got.get(name, Counter()))
    assert tally.prf()[4] == 0.0


HL7_NARRATIVE = "\r".join([
    "MSH|^~\\&|LAB|HOSP|OG|OG|20240101||ORU^R01|1|P|2.5",
    "OBR|1|||11529-5^Surgical pathology study^LN|||20240105",
    "OBX|1|TX|22637-3^Path report.final diagnosis^LN||Lung, right upper lobe, lobectomy:",
    "OBX|2|TX|22637-3^Path report.final diagnosis^LN||Invasive adenocarcinoma. ALK rearrangement by IHC: negative.",
    "NTE|1||EGFR exon 19 deletion detected by NGS.",
    "OBX|3|ST|60573-3^Report template source^LN||CAP eCC",
    "OBX|4|CWE|21908-9^Stage group.clinical Cancer^LN||IIA^Stage IIA^AJCC",
])


@pytest.mark.parametrize("separator", ["\r", "\n", "\r\n"])
def test_hl7v2_narrative_text_is_read_not_lost(separator: str) -> None:
    doc = hl7_doc(HL7_NARRATIVE.replace("\r", separator))
    p = extract_hl7v2(doc)
    assert_spans(doc, p)
    assert (p.cancer.cancer_id, p.stage.group.value) == ("lung-adenocarcinoma", "IIA")  # type: ignore[union-attr]
    assert [(b.name, b.result) for b in p.biomarkers] == [("ALK", "negative"), ("EGFR", "positive")]
    assert [t.name for t in p.treatments] == ["surgery: lobectomy"]
    assert p.biomarkers[0].evidence.quote == "ALK rearrangement by IHC: negative"


def test_hl7v2_formatted_text_escapes_are_read_with_their_spans() -> None:
    text = ("MSH|^~\\&|LAB|HOSP|OG|OG|20240101||ORU^R01|1|P|2.5\rOBX|1|FT|22637-3^Path report.final diagnosis^LN||"
            "\\H\\FINAL DIAGNOSIS\\N\\:\\.br\\Lung, right upper lobe, lobectomy:\\.br\\Invasive adenocarcinoma."
            "\\.br\\ALK rearrangement by IHC\\F\\ negative.\\.br\\PD-L1 TPS 80%.")
    doc = hl7_doc(text)
    p = extract_hl7v2(doc)
    assert_spans(doc, p)
    assert p.cancer.cancer_id == "lung-adenocarcinoma"
    assert [(b.name, b.result) for b in p.biomarkers] == [("ALK", "negative"), ("PD-L1", "positive")]
    assert [t.name for t in p.treatments] == ["surgery: lobectomy"]


def test_hl7v2_coded_answers_win_over_narrative() -> None:
    text = HL7_NARRATIVE.replace("Invasive adenocarcinoma.", "Invasive adenocarcinoma, stage IIB.")
    p = extract_hl7v2(hl7_doc(text))
    assert p.stage.group.value == "IIA"  # type: ignore[union-attr]


def test_real_hl7v2_colon_report() -> None:
    path = ROOT.parent / "shared" / "eval-data" / "ihe-sdc-cancer-pathology-fhir" / "bundles" / \
        "ColonPathReport_Rosa.hl7.txt"
    if not path.exists():
        pytest.skip("HL7 v2 sample is absent")
    doc = hl7_doc(path.read_bytes().decode("utf-8"))
    p = extract_hl7v2(doc)
    assert_spans(doc, p)
    assert (p.cancer.histology.value, p.cancer.primary_site.value) == ("Adenocarcinoma", "Right (ascending) colon")  # type: ignore[union-attr]
    assert p.cancer.grade.value.startswith("High-grade")  # type: ignore[union-attr]
    assert [t.name for t in p.treatments] == ["Right hemicolectomy"]


# --- Code tables as data (knowledge/codes/loinc.yaml, snomed.yaml) ------------------------------------------------

def test_code_tables_load_and_name_vocabulary_cancers() -> None:
    from oncoguide.knowledge import load
    from oncoguide.knowledge.vocab_models import load_vocabulary

    codes = load("en").get("codes")
    cancer_ids = {c.id for c in load_vocabulary().cancers}
    assert codes.loinc.questions and codes.snomed.questions
    assert {c.cancer for c in codes.snomed.cancers if c.cancer} <= cancer_ids


@pytest.mark.parametrize(("text", "where"), [
    ("questions:\n  - {code: 21905-4, name: x, kind: T, prefix: c}\nmarkers: []\nresults: []\necog: []\n"
     "karnofsky: []\n", ":2: field questions.0.code"),
    ("questions: []\nmarkers: []\nresults:\n  - {code: LA6576-8, result: maybe}\necog: []\nkarnofsky: []\n",
     ":4: field results.0.result"),
])
def test_a_bad_loinc_entry_names_file_line_and_field(tmp_path: Path, text: str, where: str) -> None:
    from oncoguide.knowledge import KnowledgeError
    from oncoguide.knowledge.schema import load_yaml
    from oncoguide.knowledge.topics.codes import LoincFile

    path = tmp_path / "loinc.yaml"
    path.write_text(text)
    with pytest.raises(KnowledgeError) as err:
        load_yaml(path, LoincFile)
    assert f"{path}{where}" in str(err.value)


def test_a_duplicate_or_non_concept_snomed_code_is_refused(tmp_path: Path) -> None:
    from oncoguide.knowledge import KnowledgeError
    from oncoguide.knowledge.schema import load_yaml
    from oncoguide.knowledge.topics.codes import SnomedFile

    empty = "results: []\nlevels: []\nstages: []\ncancers: []\nmetastases: []\nprocedures: []\n"
    path = tmp_path / "snomed.yaml"
    path.write_text("questions:\n  - {code: '78873005', name: T, kind: T}\n  - {code: '78873005', name: T, kind: T}\n"
                    + empty)
    with pytest.raises(KnowledgeError, match="listed twice"):
        load_yaml(path, SnomedFile)
    path.write_text("questions:\n  - {code: '78873015', name: T, kind: T}\n" + empty)
    with pytest.raises(KnowledgeError, match=r":2: field questions\.0\.code.*partition"):
        load_yaml(path, SnomedFile)


def test_loinc_check_digit() -> None:
    from oncoguide.knowledge.topics.codes import loinc_check_digit

    assert [loinc_check_digit(n) for n in ("21905", "21899", "89247", "40556")] == [5, 0, 1, 3]


@pytest.mark.parametrize(("model", "text", "where", "why"), [
    ("CapFile", "questions:\n  - {code: '72913', name: BRAF, kind: marker}\n", ":2: field questions.0",
     "names its marker"),
    ("CapFile", "questions:\n  - {code: '2118', kind: site}\n  - {code: '2118', kind: grade}\n", "", "listed twice"),
    ("CapFile", "questions:\n  - {code: '2118', kind: site, prefix: p}\n", ":2: field questions.0", "prefix"),
    ("HgncFile", "genes:\n  - {id: '3236', symbol: EGFR, name: x}\n  - {id: '3237', symbol: EGFR, name: y}\n", "",
     "listed twice"),
    ("HgncFile", "genes:\n  - {id: 'HGNC:3236', symbol: EGFR, name: x}\n", ":2: field genes.0.id", "pattern"),
    ("RxnormFile", "drugs:\n  - {code: '1164214', name: tamoxifen}\n", ":2: field drugs.0.drug", "required"),
    ("Hl7File", "interpretations:\n  - {code: POS, name: Positive, result: yes}\n",
     ":2: field interpretations.0.result", "result"),
])
def test_a_bad_cap_hgnc_rxnorm_or_hl7_entry_names_file_line_and_field(tmp_path: Path, model: str, text: str,
                                                                       where: str, why: str) -> None:
    from oncoguide.knowledge import KnowledgeError
    from oncoguide.knowledge.schema import load_yaml
    from oncoguide.knowledge.topics import codes

    path = tmp_path / "table.yaml"
    path.write_text(text)
    with pytest.raises(KnowledgeError) as err:
        load_yaml(path, getattr(codes, model))
    assert f"{path}{where}" in str(err.value) and why in str(err.value)


def test_cap_hgnc_and_rxnorm_codes_are_read_from_the_knowledge_tables() -> None:
    from oncoguide.knowledge import load
    from oncoguide.knowledge.vocab_models import load_vocabulary
    from oncoguide.records.codes import Code, drug_of, gene_of, question

    codes = load("en").get("codes")
    generics = {d.generic for d in load_vocabulary().drugs}
    assert {d.drug for d in codes.rxnorm.drugs} <= generics  # every RxNorm code names a vocabulary drug
    cap = Code("https://CAP.org/eCC", "72913.100004300", "")
    concept = question([cap])
    assert concept is not None and (concept.kind, concept.name, concept.coded) == ("marker", "BRAF", True)
    assert gene_of(Code("http://www.genenames.org", "HGNC:3236", "")) == ("EGFR", True)
    assert drug_of(Code("http://www.nlm.nih.gov/research/umls/rxnorm", "1164214", "")) == (
        "tamoxifen", "hormonal", True, "tamoxifen")


# --- Narrative text in FHIR: read, not lost ----------------------------------------------------------------------

def test_fhir_report_text_is_read_with_spans_in_the_json() -> None:
    report = {"resourceType": "DiagnosticReport", "id": "r1", "status": "final",
              "conclusion": "Lung, right upper lobe, lobectomy:\nInvasive adenocarcinoma (caf\u00e9 au lait).\n"
                            "ALK rearrangement by IHC: negative. EGFR exon 19 deletion detected."}
    text = obs("o1", cc(LOINC, "22637-3", "Pathology report final diagnosis"),
               valueString="PD-L1 (22C3) TPS 60%.")
    p = read(report, text)
    assert p.cancer.cancer_id == "lung-adenocarcinoma"
    assert {(b.name, b.result) for b in p.biomarkers} == {("ALK", "negative"), ("EGFR", "positive"),
                                                           ("PD-L1", "positive")}
    assert [t.name for t in p.treatments] == ["surgery: lobectomy"]
    alk = next(b for b in p.biomarkers if b.name == "ALK")
    assert alk.evidence.quote == "ALK rearrangement by IHC: negative" and alk.evidence.resource == "DiagnosticReport/r1"


def test_fhir_text_escapes_keep_their_spans() -> None:
    raw = ('{"resourceType": "DiagnosticReport", "id": "r1", "conclusion": '
           '"Caf\\u00e9 note.\\nKRAS G12C mutation detected.\\t\\ud83d\\ude00 BRAF: wild-type."}')
    doc = doc_of(raw)
    p = extract_fhir(doc)
    assert_spans(doc, p)
    assert {(b.name, b.result) for b in p.biomarkers} == {("KRAS", "positive"), ("BRAF", "negative")}
    assert next(b for b in p.biomarkers if b.name == "BRAF").evidence.quote == "BRAF: wild-type"


def test_a_free_text_comment_is_not_report_text() -> None:
    comment = obs("o1", cc("https://CAP.org/eCC", "16784.100004300", "?Comment(s)"),
                  valueString="this is a sample breast cancer test")
    p = read(comment)
    assert p.cancer.primary_site is None and p.cancer.cancer_id is None
