"""Stain results written in prose and panels (dev set 5's kinds): a stated result binds to the stain it names,
a tumour-named stain is not a diagnosis, a bracketed TNM category after its finding is read."""

from __future__ import annotations

from oncoguide.records.biomarkers import read_markers
from oncoguide.records.model import RecordDocument
from oncoguide.records.text_extract import extract_text


def _profile(text: str):  # type: ignore[no-untyped-def]
    return extract_text(RecordDocument(id="t", name="t", kind="text", text=text))


def _results(text: str) -> dict[str, str]:
    return {b.name: b.result for b in _profile(text).biomarkers}


def test_reactivity_in_prose_binds_to_each_stain() -> None:
    got = _results("Tumor cells show partial reactivity with cytokeratin-7. No neuroendocrine differentiation is "
                   "demonstrated with synaptophysin and chromogranin stains. Tumor cells show cytoplasmic and nuclear "
                   "reactivity with S100 antibody. No significant reactivity is demonstrated with melanoma marker "
                   "HMB-45 or Melan-A.")
    assert got == {"CK7": "positive", "synaptophysin": "negative", "chromogranin A": "negative",
                   "S100": "positive", "HMB-45": "negative", "Melan-A": "negative"}


def test_melanoma_marker_is_not_a_melanoma() -> None:
    p = _profile("FINAL DIAGNOSIS: Sarcomatoid carcinoma of the lung.\nIMMUNOHISTOCHEMISTRY: No significant "
                 "reactivity is demonstrated with melanoma marker HMB-45 or Melan-A.")
    assert p.cancer.cancer_id != "melanoma"
    assert p.cancer.histology is None or "melanoma" not in p.cancer.histology.value


def test_result_led_panel_lines() -> None:
    got = _results("Immunohistochemistry demonstrates the following staining profile:\nPositive -CK20 (rare)\n"
                   "Negative -CK7, CDX2, synaptophysin")
    assert got == {"CK20": "positive", "CK7": "negative", "CDX2": "negative", "synaptophysin": "negative"}


def test_stain_result_on_the_line_under_its_name() -> None:
    got = _results("p16:\nStrong diffuse staining within glandular and solid components of tumor.\n"
                   "Chromogranin:\nNegative staining in tumor.")
    assert got == {"p16": "positive", "chromogranin A": "negative"}


def test_immunoreactive_with_a_list() -> None:
    assert {(r.name, r.result) for r in read_markers("Tumor cells are immunoreactive with cam5.2, vimentin, CD10.")} \
        == {("CAM5.2", "positive"), ("vimentin", "positive"), ("CD10", "positive")}


def test_mismatch_repair_loss_and_retention_in_prose() -> None:
    loss = read_markers("Immunostains for MLH1 and PMS2 reveal absence of nuclear staining in tumor cells (and intact "
                        "nuclear staining in non-neoplastic cells).")
    assert [(r.name, r.result) for r in loss] == [("MMR", "positive")]  # deficient: the loss is the finding
    kept = read_markers("Immunostains show normal expression of MLH1, PMS2, MSH2, and MSH6 within the tumor.")
    assert {(r.name, r.result) for r in kept} == {("MMR", "negative")}


def test_value_marker_takes_no_distant_result_word() -> None:
    assert _results("Given his low PSA with a solitary core biopsy positive, no lymphadenectomy was done.") == {}


def test_bracketed_categories_and_glued_ocr_stage() -> None:
    p = _profile("SUMMARY:\nA. Adenocarcinoma of prostate, with seminal vesicle involvement (T3b).\n"
                 "B. There is lymph node metastasis (N1).\nC. Distant metastasis cannot be assessed (MX).")
    assert (p.stage.t.value, p.stage.n.value, p.stage.m.value) == ("T3b", "N1", "MX")
    q = _profile("Pathologic stage pT3aNOMX.")
    assert (q.stage.t.value, q.stage.n.value, q.stage.m.value) == ("T3a", "N0", "MX")


def _surgeries(text: str) -> set[tuple[str, str]]:
    return {(t.name, t.status) for t in _profile(text).treatments if t.name.startswith("surgery")}


def test_operation_words_in_operative_notes() -> None:
    assert ("surgery: radical vulvectomy", "completed") in _surgeries(
        "PREOPERATIVE DIAGNOSIS: Squamous cell carcinoma of the vulva.\nOPERATION PERFORMED: Radical vulvectomy "
        "(complete), bilateral inguinal lymphadenectomy.")
    assert not any("neck dissection" in n for n, _ in _surgeries(
        "PREOPERATIVE DIAGNOSIS: Prostate cancer.\nThe bladder neck was then dissected out by using a bladder neck "
        "dissection method."))
    assert not _surgeries("Frozen section of the pelvic nodes demonstrated metastatic adenocarcinoma of the prostate. "
                          "Therefore, the radical prostatectomy was canceled.")


def test_a_cancer_the_text_denies_or_a_relative_had_is_not_the_patients() -> None:
    assert _profile("PATHOLOGY: A 105-gram uterus without dysplasia or cancer.").cancer.cancer_id is None
    assert _profile("His mother was diagnosed with colon cancer in her 50s, but she died of cancer of the esophagus "
                    "at age 86.").cancer.cancer_id is None


def test_a_carcinoma_in_the_brain_has_no_brain_primary() -> None:
    c = _profile("MRI of Brain demonstrated a large right parietal mass. She underwent surgical resection of the "
                 "tumor. Pathological analysis was consistent with adenocarcinoma.").cancer
    assert c.histology is not None and c.histology.value == "adenocarcinoma"
    assert c.primary_site is None and c.cancer_id != "brain"


def test_glued_categories_with_their_own_prefixes() -> None:
    from oncoguide.records.tnm import categories

    assert [(k.prefix, k.value) for k in categories("ypT2ypN0")] == [("yp", "T2"), ("yp", "N0")]
    assert [(k.prefix, k.value) for k in categories("pT1aNxMx")] == [("p", "T1a"), ("p", "NX"), ("p", "MX")]


def test_a_plan_covers_the_treatments_joined_to_it() -> None:
    got = {(t.name, t.status) for t in _profile(
        "Lung cancer. Plan: chemotherapy with cisplatin and etoposide followed by radiation.").treatments}
    assert got == {("cisplatin", "planned"), ("etoposide", "planned"), ("radiation", "planned")}
    later = {(t.name, t.status) for t in _profile("Breast cancer s/p lumpectomy. Radiation therapy to begin in 2 "
                                                  "weeks.").treatments}
    assert later == {("surgery: lumpectomy", "completed"), ("radiation", "planned")}


def test_an_operation_the_patient_was_taken_to_the_operating_room_for_is_done() -> None:
    got = {(t.name, t.status) for t in _profile(
        "Bladder cancer. He was taken to the operating room this time for planned salvage cystoprostatectomy."
    ).treatments}
    assert got == {("surgery: cystoprostatectomy", "completed")}


def test_bounds_below_and_ratios_are_not_results_of_their_own() -> None:
    assert _results("PD-L1 (22C3) tumor proportion score: less than 1%.") == {"PD-L1": "negative"}
    got = [(b.name, b.result) for b in _profile("HER2 by FISH: Amplified, HER2/CEP17 ratio 5.2.").biomarkers]
    assert got == [("HER2", "positive")]


def test_but_not_negates_the_rest_of_the_panel() -> None:
    assert _results("The neoplastic cells express CD20 and PAX5 but not CD3 or CD5.") == {
        "CD20": "positive", "PAX5": "positive", "CD3": "negative", "CD5": "negative"}


def test_what_a_test_looks_for_is_no_finding() -> None:
    assert _results("IDH1/IDH2 exon 4 sequencing to detect a rarer mutation would, if positive, help.") == {}
    assert _results("BRAF V600E mutation analysis and BRAF exon 15 sequencing: approval when no longer required.") \
        == {}
    assert _results("Materials will be submitted for microsatellite instability testing.") == {"MSI": "pending"}


def test_one_canonical_name_per_marker() -> None:
    from oncoguide.records.biomarkers import canonical_name

    assert [canonical_name(n) for n in ("MLH1", "ERBB2", "EBER", "CD117", "Ki67", "MGMT promoter", "HMB45",
                                        "hormone receptor", "no such marker")] == \
        ["MMR", "HER2", "EBV", "KIT", "Ki-67", "MGMT", "HMB-45", None, None]


def test_a_decline_in_its_own_sentence_answers_the_offer_before_it() -> None:
    got = {(t.name, t.status) for t in _profile(
        "Breast cancer. Radiation oncology recommended whole breast radiation. After discussion, she has declined "
        "this.").treatments}
    assert got == {("radiation: breast", "declined")}


def test_an_excision_to_rule_out_a_cancer_that_found_none_is_not_treatment() -> None:
    assert _surgeries("Lymphoma. PREOPERATIVE DIAGNOSIS: Axillary mass, rule out lymphoma. PROCEDURE: Excision of left "
                      "axillary mass. FINDINGS: Frozen section revealed no evidence of lymphoma.") == set()
    assert ("surgery: axillary dissection", "completed") in _surgeries(
        "Breast cancer. PREOPERATIVE DIAGNOSIS: Left breast mass, rule out carcinoma. PROCEDURE: Left modified "
        "radical mastectomy with axillary dissection. PATHOLOGY: invasive ductal carcinoma; axillary nodes showed no "
        "evidence of metastasis.")


def test_base_of_tongue_is_oropharynx_and_oral_tongue_is_oral_cavity() -> None:
    assert _profile("DIAGNOSIS: Left base of tongue, biopsy: Invasive squamous cell carcinoma, p16 positive."
                    ).cancer.cancer_id == "oropharyngeal"
    assert _profile("Squamous cell carcinoma of the oral tongue.").cancer.cancer_id == "oral-cavity"


def test_bare_all_is_a_leukaemia_only_in_a_clear_context() -> None:
    assert _profile("The patient has ALL and is on maintenance therapy.").cancer.cancer_id == "all"
    assert _profile("Ph+ ALL treated with dasatinib.").cancer.cancer_id == "all"
    for text in ("Labs: ALL values within normal limits.", "ALL medications were reviewed.",
                 "REVIEW OF SYSTEMS: ALL other systems negative.", "He has ALL of the symptoms."):
        assert _profile(text).cancer.cancer_id is None, text


def test_a_later_stage_in_the_same_sentence_is_the_current_one() -> None:
    p = _profile("She was initially diagnosed with stage IIA breast cancer in 2015 and now has stage IV recurrence.")
    assert p.stage.group is not None and p.stage.group.value == "IV"
    assert [h.group.value for h in p.stage_history if h.group] == ["IIA"]


def test_endocervical_names_the_cervix() -> None:
    assert _profile("Invasive adenocarcinoma, usual endocervical type, moderately differentiated.").cancer.cancer_id \
        == "cervical"
