"""Record reading on clinic-note wording (dev set 4, real MTSamples consults, follow-ups and discharge summaries):
a stated "not <marker> amplified" is a negative result, a skin SCC beside another cancer is not the record's
cancer, a named operation the patient "will undergo" is planned, a regimen that "would have a smaller benefit" is
not given."""

from __future__ import annotations

import pytest

from oncoguide.records.biomarkers import read_markers
from oncoguide.records.model import RecordDocument
from oncoguide.records.text_extract import extract_text


def _read(text: str):  # type: ignore[no-untyped-def]
    return extract_text(RecordDocument(id="t", name="t", kind="text", text=text))


@pytest.mark.parametrize(("text", "name", "result"), [
    ("It was not N-Myc amplified and had favorable Shimada histology.", "MYCN", "negative"),
    ("The lymphoma was not MYC rearranged by FISH.", "MYC", "negative"),
    ("She does not have a BRCA1 mutation.", "BRCA1", "negative"),
    ("He did not harbor an EGFR mutation.", "EGFR", "negative"),
    ("The tumor is MYCN amplified.", "MYCN", "positive"),
    ("She has a BRCA1 mutation.", "BRCA1", "positive"),
])
def test_a_not_before_the_marker_negates_its_state(text: str, name: str, result: str) -> None:
    readings = [r for r in read_markers(text) if r.name == name]
    assert [r.result for r in readings] == [result]


def test_a_skin_squamous_cell_carcinoma_gives_way_to_the_other_cancer() -> None:
    p = _read("DIAGNOSES:\n1.  Posttransplant lymphoproliferative disorder.\n2.  Chronic renal insufficiency.\n"
              "3.  Squamous cell carcinoma of the skin.")
    assert p.cancer.cancer_id == "ptld"
    alone = _read("PREOPERATIVE DIAGNOSIS: Squamous cell carcinoma of the scalp.")
    assert alone.cancer.histology is not None and alone.cancer.histology.value.startswith("squamous cell carcinoma")


@pytest.mark.parametrize("text", [
    "ASSESSMENT: Breast cancer.\nPLAN: She is scheduled for a lumpectomy.",
    "ASSESSMENT: Breast cancer.\nPLAN: She will undergo a lumpectomy next week.",
])
def test_an_operation_the_patient_will_undergo_is_planned(text: str) -> None:
    assert [(t.name, t.status) for t in _read(text).treatments] == [("surgery: lumpectomy", "planned")]


def test_a_regimen_that_would_have_a_smaller_benefit_is_not_given() -> None:
    p = _read("Newly diagnosed stage II colon cancer. Chemotherapy with 5-FU based regimen would have a smaller "
              "benefit of around 2.5%.")
    assert all(t.status in ("hypothetical", "recommended", "planned") for t in p.treatments
               if t.name == "fluorouracil")
    assert not [t for t in p.treatments if t.name == "fluorouracil" and t.status in ("completed", "ongoing",
                                                                                       "unknown")]


@pytest.mark.parametrize(("text", "group"), [
    ("ASSESSMENT: CLL, Binet stage B.", "Binet B"),
    ("ASSESSMENT: Neuroblastoma, stage 4S.", "IVS"),
    ("ASSESSMENT: CLL, Rai stage II.", "II"),
    ("ASSESSMENT: Small cell lung cancer, extensive stage.", "extensive"),
])
def test_clinic_stage_wording(text: str, group: str) -> None:
    stage = _read(text).stage
    assert stage.group is not None and stage.group.value == group


def test_a_mesothelioma_panel_with_a_qualified_list_item() -> None:
    text = ("Immunohistochemical staining showed tumor cells positive for calretinin and focally positive for D2-40, "
            "MOC-31.  Tumor cells are negative for CDX-2, and monoclonal CEA.")
    assert [(r.name, r.result) for r in read_markers(text)] == [
        ("calretinin", "positive"), ("D2-40", "positive"), ("MOC-31", "positive"), ("CDX2", "negative"),
        ("CEA", "negative")]


@pytest.mark.parametrize(("text", "steroid", "kept"), [
    ("ASSESSMENT: Multiple myeloma. She was started on lenalidomide and dexamethasone.", "dexamethasone", True),
    ("ASSESSMENT: Mantle cell lymphoma. She will start hyperfractionated cyclophosphamide, vincristine, "
     "doxorubicin, dexamethasone.", "dexamethasone", True),
    ("ASSESSMENT: Multiple myeloma. Carfilzomib with dexamethasone premedication.", "dexamethasone", False),
    ("ASSESSMENT: Lung adenocarcinoma. Carboplatin and prednisone for asthma.", "prednisone", False),
    ("ASSESSMENT: Breast cancer on tamoxifen. Prednisone for asthma flare.", "prednisone", False),
])
def test_a_steroid_in_one_list_with_a_cancer_drug_is_part_of_the_regimen(text: str, steroid: str,
                                                                        kept: bool) -> None:
    assert (steroid in {t.name for t in _read(text).treatments}) is kept


def test_a_past_cancer_named_by_its_histology_keeps_its_treatments() -> None:
    p = _read("HPI: Hodgkin disease treated with ABVD in 1990.\nASSESSMENT: Breast cancer, likely radiation-induced.")
    assert p.cancer.cancer_id == "breast"
    assert not p.treatments
    own = _read("HPI: Diffuse large B-cell lymphoma diagnosed in 2019, treated with R-CHOP.\nASSESSMENT: DLBCL.")
    assert "rituximab" in {t.name for t in own.treatments}


@pytest.mark.parametrize(("text", "expected"), [
    ("ASSESSMENT: Breast cancer. She underwent a lumpectomy and will undergo radiation.",
     [("surgery: lumpectomy", "completed"), ("radiation", "planned")]),
    ("ASSESSMENT: Breast cancer. She underwent lumpectomy and radiation.",
     [("surgery: lumpectomy", "completed"), ("radiation", "completed")]),
    ("ASSESSMENT: Breast cancer. Anastrozole was prescribed but she never took it.", []),
])
def test_each_treatment_of_a_sentence_keeps_its_own_status(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(t.name, t.status) for t in _read(text).treatments] == expected


def test_leucovorin_after_high_dose_methotrexate_is_a_rescue() -> None:
    rescue = _read("ASSESSMENT: CNS lymphoma. She received methotrexate 5 g/m2. Her leucovorin was increased.")
    assert {t.name for t in rescue.treatments} == {"methotrexate"}
    folfox = _read("ASSESSMENT: Colon cancer. She received FOLFOX.")
    assert "leucovorin" in {t.name for t in folfox.treatments}


def test_a_regimen_that_lists_leucovorin_keeps_it() -> None:
    p = _read("ASSESSMENT: Diffuse large B-cell lymphoma. He received m-BACOD in 2001.")
    assert {"methotrexate", "leucovorin"} <= {t.name for t in p.treatments}


@pytest.mark.parametrize(("text", "cancer_id", "site"), [
    ("ASSESSMENT: Breast cancer, HER2 negative.", "breast", "breast"),
    ("ASSESSMENT: Primary myelofibrosis, JAK2 negative.", "myelofibrosis", None),
    ("IMPRESSION: Liver metastases from pancreatic adenocarcinoma.", "pancreatic", "pancreas"),
    ("ASSESSMENT: Brain metastases from non-small cell lung cancer.", "nsclc", "lung"),
    ("IMPRESSION: Cervix carcinoma metastatic to the lung.", "cervical", "cervix"),
])
def test_a_marker_result_or_a_spread_site_does_not_change_the_cancer(text: str, cancer_id: str,
                                                                   site: str | None) -> None:
    cancer = _read(text).cancer
    assert cancer.cancer_id == cancer_id
    assert (cancer.primary_site.value if cancer.primary_site else None) == site


def test_a_negative_result_of_the_cancer_itself_still_negates_it() -> None:
    assert _read("Lymph nodes: carcinoma negative.").cancer.cancer_id is None


@pytest.mark.parametrize(("text", "expected"), [
    ("CLL with del(17p) and unmutated IGHV.", [("del(17p)", "positive"), ("IGHV", "negative")]),
    ("Glioma with mutated IDH1 and methylated MGMT.", [("IDH1", "positive"), ("MGMT", "positive")]),
    ("CLL with del(17p).", [("del(17p)", "positive")]),
    ("FISH showed no del(17p).", [("del(17p)", "negative")]),
    ("IGHV unmutated.", [("IGHV", "negative")]),
])
def test_a_state_written_before_the_marker_is_that_markers(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(r.name, r.result) for r in read_markers(text)] == expected


@pytest.mark.parametrize(("text", "name"), [("Astrocytoma, IDH1-mutant.", "IDH1"), ("TP53 mutant.", "TP53")])
def test_mutant_is_a_positive_result(text: str, name: str) -> None:
    assert [(r.name, r.result) for r in read_markers(text)] == [(name, "positive")]
