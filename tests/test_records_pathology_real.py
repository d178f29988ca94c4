"""Record reading of real surgical pathology phrasing (dev set 3, bench/data/records/dev3: OCR'd TCGA reports):
IHC lists and staining descriptions, mismatch-repair "present", laboratory boilerplate, OCR slips in TNM, FIGO
stages, stages of fibrosis, pathology specimen lines and requisition-form fields."""

from __future__ import annotations

import pytest

from oncoguide.records.model import Profile, RecordDocument
from oncoguide.records.text_extract import extract_text

_PATHOLOGY = "FINAL DIAGNOSIS:\nInvasive high grade urothelial carcinoma of the bladder.\n"


def profile_of(text: str) -> Profile:
    return extract_text(RecordDocument(id="t", name="t", kind="text", text=text))


def markers(text: str) -> set[tuple[str, str]]:
    return {(b.name, b.result) for b in profile_of(text).biomarkers}


@pytest.mark.parametrize(("text", "expected"), [
    ("The neoplastic cells are positive for racemase, CK7, CA9 (focal) and CD10 (focal).",
     {("AMACR", "positive"), ("CK7", "positive"), ("CA9", "positive"), ("CD10", "positive")}),
    ("Metastatic carcinoma cells are immunoreactive for pan keratin, prostate specific antigen, and androgen "
     "receptor, and are negative for leukocyte common antigen and CD68.",
     {("AE1/AE3", "positive"), ("PSA", "positive"), ("AR", "positive"), ("CD45", "negative"), ("CD68", "negative")}),
    ("P16 shows strong, diffuse nuclear staining. P63 and 34BE12 show diffuse cytoplasmic staining.",
     {("p16", "positive"), ("p63", "positive"), ("34betaE12", "positive")}),
    ("CK5/6 and CEA stain a minority of cells.", {("CK5/6", "positive"), ("CEA", "positive")}),
])
def test_ihc_lists_and_staining_descriptions(text: str, expected: set[tuple[str, str]]) -> None:
    assert markers(_PATHOLOGY + text) == expected


def test_mismatch_repair_expression_present_is_retained() -> None:
    text = _PATHOLOGY.replace("urothelial carcinoma of the bladder", "adenocarcinoma of the sigmoid colon") + (
        "ANALYSIS OF MISMATCH REPAIR PROTEIN EXPRESSION\nMLH1 Expression:    Present\nMSH2 Expression:    Present\n"
        "MSH6 Expression:    Present\nPMS2 Expr ession:    Present\n Expression of MLH1, MSH2, MSH6, and PMS2 in the "
        "tumor was evaluated by immunohistochemistry. Peritumoral lymphocytes and normal glands serve as internal "
        "positive controls expressing MLH1, MSH2, MSH6, and PMS2.\n")
    assert markers(text) == {("MMR", "negative")}


@pytest.mark.parametrize("text", [
    "In cases where immunohistochemistry testing is performed, the following antibodies and their respective clones "
    "may be used to determine therapy for the patient: EGFR (3c6), ER (SP1), PR (1E2), Her2neu (4B5), CD20 (L26).",
    "Her-2/neu and EGFR are scored as follows: No staining at all is scored as (0), weak incomplete staining (1+).",
    "Pankeratin stains performed on the lymph nodes in Parts B and C are negative for metastasis.",
    "COMMENT: SEQUENCING FOR P53 MUTATIONS WILL BE ORDERED REFLEXIVELY AND REPORTED AS AN ADDENDUM.",
    "Confirmation by FISH testing for 1p19q deletion and EGFR amplification is highly recommended.",
    "Immunohistochemical staining results for P53, WT\u00b71, estrogen receptor and P16 support the diagnosis.",
])
def test_no_result_for_the_patient(text: str) -> None:
    assert {r for _, r in markers(_PATHOLOGY + text)} <= {"pending"}


@pytest.mark.parametrize(("line", "t", "n", "m"), [
    ("PATHOLOGICAL STAGE: pT3a NO MX.", "T3a", "N0", "MX"),
    ("Pathologic Staging :pTlb NX MX (see Comment).", "T1b", "NX", "MX"),
    ("Primary Tumor (pT): pT1 b\nRegional Lymph Nodes (pN): pNo", "T1b", "N0", None),
    ("Tumor Staging (AJCC 7th edition): pT3\nLymph Node Stage (AJCC 7th Edition): NO (No regional lymph node "
     "metastasis)", "T3", "N0", None),
    ("REGIONAL LYMPH NODES (pN)\npNi: Regional lymph node metastasis", None, "N1", None),
])
def test_tnm_ocr_slips(line: str, t: str | None, n: str | None, m: str | None) -> None:
    stage = profile_of(_PATHOLOGY + line + "\n").stage
    assert (stage.t and stage.t.value, stage.n and stage.n.value, stage.m and stage.m.value) == (t, n, m)


def test_no_tnm_from_an_all_caps_no() -> None:
    stage = profile_of(_PATHOLOGY + "NO EVIDENCE OF NEOPLASM IN FIVE LYMPH NODES (0/5).\n").stage
    assert stage.n is None


def test_figo_stage_without_the_word_stage() -> None:
    text = "Cervix, invasive squamous cell carcinoma. Staging (AJCC): pT2b, N1 (FIGO: IIIB)\n"
    stage = profile_of(text).stage
    assert stage.group is not None and stage.group.value == "IIIB"


def test_a_stage_of_fibrosis_is_not_the_cancer_stage() -> None:
    text = ("(C) Liver, biopsy: Cirrhosis (Stage IV fibrosis).\n(D) Liver, partial hepatectomy: Hepatocellular "
            "carcinoma. Non-neoplastic liver: periportal fibrosis (stage 2-3 of 4).\n")
    assert profile_of(text).stage.group is None


def names(text: str) -> set[str]:
    return {t.name for t in profile_of(text).treatments}


def test_pathology_specimen_lines_name_the_operations() -> None:
    text = ("FINAL DIAGNOSIS:\nPART 3: RIGHT ADNEXA, SALPINGO-OOPHORECTOMY - HIGH GRADE SEROUS PAPILLARY CARCINOMA "
            "OF THE OVARY.\nPART 8: OMENTUM, OMENTECTOMY- METASTATIC CARCINOMA.\nPART 9: LYMPH NODES ,BILATERAL "
            "PELVIC ,EXCISION - ONE LYMPH NODE, NEGATIVE FOR NEOPLASM (0/1).\n")
    got = names(text)
    assert {"surgery: omentectomy", "surgery: lymph node dissection"} <= got


def test_a_single_node_excision_is_not_a_dissection() -> None:
    text = "SPECIMEN: Lymph node, right axillary, excision.\nDIAGNOSIS: Follicular lymphoma, grade 1-2.\n"
    assert "surgery: lymph node dissection" not in names(text)


def test_a_subtotal_pancreatectomy_is_not_a_whipple() -> None:
    text = ("B PANCREAS AND SPLEEN, SUBTOTAL PANCREATECTOMY AND SPLENECTOMY: Well-differentiated pancreatic "
            "neuroendocrine tumor, grade 2.\n")
    got = names(text)
    assert "surgery: pancreaticoduodenectomy" not in got
    assert any("pancreatectomy" in n for n in got)


@pytest.mark.parametrize("field", ["CHEMORADIATION: No.", "CHEMORADIATION THERAPY: Not answered.",
                                   "Cairncross JG, et al. Intergroup Radiation Therapy Oncology Group trial 9402."])
def test_form_fields_and_trial_group_names_are_no_radiation(field: str) -> None:
    text = "PROCEDURE: Radical prostatectomy.\n" + field + "\nFINAL DIAGNOSIS: Prostatic adenocarcinoma.\n"
    assert not any(n.startswith("radiation") for n in names(text))


@pytest.mark.parametrize(("text", "expected"), [
    ("Mismatch repair proteins: MLH1 lost, PMS2 lost, MSH2 retained, MSH6 retained.", {("MMR", "positive")}),
    ("No pathogenic variants were identified in the following genes: BRCA1, BRCA2.",
     {("BRCA1", "negative"), ("BRCA2", "negative")}),
    ("Gene | Variant | VAF\nPIK3CA | H1047R | 32%\nTP53 | R273H | 45%", {("PIK3CA", "positive"), ("TP53", "positive")}),
])
def test_molecular_phrasing(text: str, expected: set[tuple[str, str]]) -> None:
    base = "DIAGNOSIS: Invasive ductal carcinoma of the right breast.\n"
    assert markers(base + text) == expected


@pytest.mark.parametrize(("sentence", "status"), [
    ("Radiation was recommended; she declined.", "declined"),
    ("Tamoxifen was recommended; she declined it.", "declined"),
])
def test_a_bare_decline_after_a_semicolon(sentence: str, status: str) -> None:
    text = "ASSESSMENT: Stage II invasive ductal carcinoma of the left breast.\n" + sentence
    assert {t.status for t in profile_of(text).treatments} == {status}


def test_a_decline_of_something_else_leaves_the_first_treatment() -> None:
    text = "ASSESSMENT: Stage II invasive ductal carcinoma of the left breast.\nLetrozole was started; she declined " \
           "radiation."
    got = {(t.name, t.status) for t in profile_of(text).treatments}
    assert ("letrozole", "ongoing") in got and ("radiation", "declined") in got


def test_an_operation_for_another_organs_cancer_is_not_this_cancers_treatment() -> None:
    colon = "ASSESSMENT: Adenocarcinoma of the sigmoid colon, stage IIIB.\n"
    assert names(colon + "Underwent mastectomy in 2019 for left breast cancer.") == set()
    assert names(colon + "She underwent sigmoid colectomy for colon cancer.") == {"surgery: sigmoid colectomy"}
