"""Sections, assertions and the real-note readers built on them: one table per recogniser (text, expected value,
expected quote), the traps of real notes (family history, negated stains, differentials, declined and
hypothetical treatments, exam lines, benign surgery), and extraction time linear in the input size (F2)."""

from __future__ import annotations

import time

import pytest

from oncoguide.records.assertion import assertion_of
from oncoguide.records.biomarkers import read_markers
from oncoguide.records.lexicon import find
from oncoguide.records.model import Profile, RecordDocument
from oncoguide.records.sections import find_sections
from oncoguide.records.text_extract import extract_text


def profile_of(text: str) -> Profile:
    doc = RecordDocument(id="d", name="note.txt", kind="text", text=text)
    return extract_text(doc)


def _target(text: str) -> tuple[str, int, int]:
    start, end = text.index("["), text.index("]") - 1
    return text.replace("[", "").replace("]", ""), start, end


# ---- sections: (text, kinds in order) -----------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "kinds"), [
    ("HISTORY OF PRESENT ILLNESS: A woman.\nFAMILY HISTORY: Mother had breast cancer.\nPLAN: Surgery.",
     ["history_present_illness", "family_history", "plan"]),
    ("PHYSICAL EXAMINATION:\nHEENT: Normal.\nLUNGS: Clear.\nIMPRESSION: Lymphoma.", ["physical_exam", "assessment"]),
    ("Family History:\nNone.\nSocial history: no tobacco.", ["family_history", "social_history"]),
    ("FINAL DIAGNOSIS\nInvasive ductal carcinoma.", ["pathology"]),
    ("The family history is negative. The plan is surgery.", []),
    ("FAMILY HISTORY (three-generation pedigree obtained):\n- Sister: colon cancer.", ["family_history"]),
    ("CONSENSUS RECOMMENDATIONS:\n1. Start lenalidomide.\nTUMOR BOARD DISCUSSION:\nOptions include surgery.",
     ["plan", "discussion"]),
])
def test_sections(text: str, kinds: list[str]) -> None:
    assert [s.kind for s in find_sections(text)] == kinds


def test_a_family_section_ends_at_a_header_no_rule_names() -> None:
    text = ("Family history (pedigree reviewed):\n- Father: prostate cancer.\n[[PAGE BREAK]]\n"
            "Genetic test results (panel, 30 genes):\n- BRCA1: no pathogenic variant detected.\n")
    fam = find_sections(text)[0]
    assert fam.kind == "family_history" and "Genetic" not in text[fam.start:fam.end]


# ---- assertions: (sentence with [finding], assertion) -------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("Her mother had [breast cancer].", "family"),
    ("There is no reactivity with the [melanoma] marker.", "negated"),
    ("This does not look like [squamous cell carcinoma].", "negated"),
    ("We would likely use [R-CHOP] for this.", "hypothetical"),
    ("[Capecitabine] with smaller benefit.", "hypothetical"),
    ("She declined [radiation].", "declined"),
    ("Plan is to start [Temodar].", "planned"),
    ("Suspected [mesothelioma].", "possible"),
    ("History of [basal cell carcinoma] of the nose.", "historical"),
    ("Pathology shows [follicular lymphoma].", "present"),
    ("No fever but [lymphoma] confirmed on biopsy.", "present"),
    ("No change in the size of the [mass].", "present"),
    ("If it comes back, we would use [nivolumab].", "hypothetical"),
    ("[Radiation] was offered but declined.", "declined"),
    ("He is not a candidate for [allogeneic transplant].", "negated"),
    ("[Adjuvant chemotherapy] deferred given age.", "hypothetical"),
    ("[T-cell/histiocyte-rich large B-cell lymphoma], which is not supported given preserved nodularity.", "negated"),
    ("TTF-1 negativity excludes metastatic [thyroid carcinoma].", "negated"),
    ("Referred after her sister was diagnosed with [colon cancer] at 41.", "family"),
    ("[Letrozole] is planned after radiation; chemotherapy not recommended.", "planned"),
    ("Induction: vincristine, [dexamethasone], with imatinib day 8 (dasatinib as alternative per trial).", "present"),
])
def test_assertion(text: str, expected: str) -> None:
    plain, start, end = _target(text)
    assert assertion_of(plain, start, end) == expected


# ---- names: (text, [(kind, id)], quote of the first) --------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected", "quote"), [
    ("Diagnosed with mantle cell lymphoma in 2001.", [("cancer", "mantle-cell-lymphoma")], "mantle cell lymphoma"),
    ("On Hydrea 500 mg daily.", [("drug", "hydroxyurea")], "Hydrea"),
    ("Glioblastoma multiforme, status post Temodar.", [("cancer", "glioblastoma"), ("drug", "temozolomide")],
     "Glioblastoma multiforme"),
    ("Relapsed AML on gilteritinib", [("cancer", "aml"), ("drug", "gilteritinib")], "AML"),
    ("ALL LYMPH NODES ARE NEGATIVE", [], None),
    ("all of them", [], None),
    ("Started osimertinb.", [("drug", "osimertinib")], "osimertinb"),
])
def test_names(text: str, expected: list[tuple[str, str]], quote: str | None) -> None:
    found = find(text)
    assert [(e.kind, e.id) for e in found] == expected
    assert (found[0].text if found else None) == quote


# ---- markers: (text, [(name, result, detail)], quote of the first) ------------------------------------------------
@pytest.mark.parametrize(("text", "expected", "quote"), [
    ("ALK rearrangement by immunohistochemistry: negative", [("ALK", "negative", None)],
     "ALK rearrangement by immunohistochemistry: negative"),
    ("The tumor is triple-negative.", [("ER", "negative", None), ("PR", "negative", None),
                                       ("HER2", "negative", None)], "triple-negative"),
    ("RAS wild-type.", [("KRAS", "negative", None), ("NRAS", "negative", None)], "RAS wild-type"),
    ("He was positive for the JAK-2 mutation.", [("JAK2", "positive", None)], "JAK-2 mutation"),
    ("P.S.A. 14.6", [("PSA", "unknown", "14.6")], "P.S.A. 14.6"),
    ("BRCA-2 pathogenic variant detected", [("BRCA2", "positive", None)], "BRCA-2 pathogenic variant detected"),
    ("N-Myc not amplified.", [("MYCN", "negative", None)], "N-Myc not amplified"),
    ("MGMT promoter unmethylated.", [("MGMT", "negative", "unmethylated")], "MGMT promoter unmethylated"),
    ("She has an elevated CA 19-9.", [("CA19-9", "positive", None)], "elevated CA 19-9"),
    ("p53: negative.", [("TP53", "negative", None)], "p53: negative"),
    # report spellings from dev set 2
    ("Ki 67 approximately 40%.", [("Ki-67", "unknown", "40%")], "Ki 67 approximately 40%"),
    ("Microsatellite status: MS-stable", [("MSI", "negative", "MSS")], "Microsatellite status: MS-stable"),
    ("NRG1 fusion: not detected", [("NRG1", "negative", None)], "NRG1 fusion: not detected"),
    ("NEGATIVE FOR reportable variants in: IDH1, TP53.", [("IDH1", "negative", None), ("TP53", "negative", None)],
     "NEGATIVE FOR reportable variants in: IDH1"),
    ("EGFR exon 19 deletion detected.", [("EGFR", "positive", "exon 19 deletion")], "EGFR exon 19 deletion detected"),
    ("PSA and NKX3.1 immunostains negative.", [("PSA", "negative", None)], "PSA and NKX3.1 immunostains negative"),
    ("MSI-stable. TMB 3.", [("MSI", "negative", "MSS"), ("TMB", "negative", "3 mut/Mb")], "MSI-stable"),
    ("del(17p13.1) (TP53): detected in 38% of nuclei", [("del(17p)", "positive", None)],
     "del(17p13.1) (TP53): detected in 38% of nuclei"),
])
def test_markers(text: str, expected: list[tuple[str, str, str | None]], quote: str) -> None:
    found = read_markers(text)
    assert [(r.name, r.result, r.detail) for r in found] == expected
    assert text[found[0].start:found[0].end] == quote


def test_marker_result_on_the_next_line() -> None:
    p = profile_of("ALK rearrangement by immunohistochemistry:\nNegative\n")
    assert [(b.name, b.result) for b in p.biomarkers] == [("ALK", "negative")]


# ---- cancer: (note, cancer id, histology, site, histology quote) --------------------------------------------------
@pytest.mark.parametrize(("text", "cancer_id", "histology", "site"), [
    ("IMPRESSION: Newly diagnosed T-cell lymphoma.", "t-cell-lymphoma", "T-cell lymphoma", None),
    ("Excisional biopsy of a left breast mass: diffuse large B-cell lymphoma.", "dlbcl",
     "diffuse large B-cell lymphoma", "breast"),  # a lymphoma in the breast, not breast cancer
    ("PHYSICAL EXAMINATION:\nLUNGS: Clear.\nIMPRESSION: Leiomyosarcoma of the left arm.", "leiomyosarcoma",
     "leiomyosarcoma", None),
    ("FAMILY HISTORY: Mother with lung cancer.\nIMPRESSION: Thyroid mass, papillary carcinoma on FNA.", "thyroid",
     "papillary carcinoma", "thyroid"),
    ("Right upper eyelid squamous cell carcinoma.", "skin", "squamous cell carcinoma", "skin"),
    ("Prostate gland showing moderately differentiated adenocarcinoma, Gleason 3 + 4.", "prostate",
     "adenocarcinoma", "prostate"),
    ("Essential thrombocytosis, JAK2 positive.", "essential-thrombocythemia", "essential thrombocythemia", None),
    ("DIAGNOSIS: Burkitt lymphoma.", "burkitt-lymphoma", "Burkitt lymphoma", None),
    ("DIAGNOSIS: High-grade serous ovarian carcinoma.", "ovarian", "serous carcinoma", "ovary"),
    ("DIAGNOSIS: Adenocarcinoma of the GE junction.", "esophageal", "adenocarcinoma", "esophagus"),
    ("DIAGNOSIS: Anal squamous cell carcinoma.", "anal", "squamous cell carcinoma", "anus"),
    ("FINAL DIAGNOSIS:\nA. TERMINAL ILEUM, RESECTION:\n- WELL-DIFFERENTIATED NEUROENDOCRINE TUMOR (NET), GRADE 2.",
     "net", "well-differentiated neuroendocrine tumor", "small intestine"),
])
def test_cancer(text: str, cancer_id: str, histology: str, site: str | None) -> None:
    c = profile_of(text).cancer
    assert c.cancer_id == cancer_id
    assert c.histology is not None and c.histology.value == histology
    assert (c.primary_site.value if c.primary_site else None) == site


@pytest.mark.parametrize("text", [
    "FAMILY HISTORY: Her sister had breast cancer and two maternal aunts had lung cancer.",
    "Immunostains: the cells show no reactivity with the melanoma marker.",
    "Right pleural effusion, suspected malignant mesothelioma.",
    "PHYSICAL EXAMINATION:\nLUNGS: Clear to auscultation.\nBREASTS: No masses.",
    "Referred for colon cancer screening. There is no history of colon cancer in the family.",
    "Leukocytosis, doubt presence of myeloproliferative disorder.",
    "Referred after her sister was diagnosed with colon cancer at age 41. She has no personal history of cancer.",
    "FAMILY HISTORY (three-generation pedigree obtained):\n- Sister (41): adenocarcinoma of the sigmoid colon.",
])
def test_not_the_patients_cancer(text: str) -> None:
    c = profile_of(text).cancer
    assert (c.cancer_id, c.histology, c.primary_site) == (None, None, None)


def test_gleason_pattern_kept_whole() -> None:
    grade = profile_of("Adenocarcinoma of the prostate, Gleason 3+4.").cancer.grade
    assert grade is not None and grade.value == "Gleason 3+4"


# ---- treatments: (note, [(name, status)]) -------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("She received 6 cycles of R-CHOP.", [("rituximab", "completed"), ("cyclophosphamide", "completed"),
                                          ("doxorubicin", "completed"), ("vincristine", "completed"),
                                          ("prednisone", "completed")]),
    ("We would likely use R-CHOP if this is confirmed.", []),
    ("She declined radiation therapy.", [("radiation", "declined")]),
    ("PLAN:\nStart Temodar next week.", [("temozolomide", "planned")]),
    ("For the left breast cancer we recommend lumpectomy.", [("surgery: lumpectomy", "recommended")]),
    ("Hysterectomy in 2001 for fibroids.", []),
    ("Takes Pepcid AC for heartburn.", []),
    ("Status post autologous stem cell transplant with BEAM regimen.",
     [("carmustine", "completed"), ("etoposide", "completed"), ("cytarabine", "completed"), ("melphalan", "completed"),
      ("transplant: autologous", "completed")]),
    ("Durvalumab stopped 08/2025. Plan: Durvalumab will not be restarted.", [("durvalumab", "stopped")]),
    # written by another hand (dev set 2): conditions, options, guideline talk, prior other cancers
    ("CML on imatinib 400 mg daily. If a mutation is found or IS% continues to rise, switch to a 2nd-generation TKI - "
     "dasatinib or nilotinib - would be recommended; asciminib is also an option.", [("imatinib", "ongoing")]),
    ("Diffuse large B-cell lymphoma. DA-EPOCH-R could be considered.", []),
    ("Follicular lymphoma. Adjuvant radiation not planned. Doxorubicin-based chemotherapy would be reserved for "
     "recurrence.", []),
    ("Mantle cell lymphoma. History of prostate adenocarcinoma, s/p radical prostatectomy 2015, PSA undetectable.", []),
    ("Chronic lymphocytic leukemia. History: breast cancer (left, stage I, ER+), lumpectomy and radiation 2012, "
     "completed anastrozole 2017.", []),
    ("CLL. BTK inhibitor-based therapy (e.g., acalabrutinib or zanubrutinib) is generally preferred if and when "
     "treatment is indicated.", []),
    ("NLPHL. For reference, in localized stage IA NLPHL, involved-site radiation therapy alone is commonly used.", []),
    ("MDS with del(5q).\nRECOMMENDATIONS:\n2. Start lenalidomide 10 mg daily days 1-21 q28 days.",
     [("lenalidomide", "planned")]),
    ("Colon adenocarcinoma.\nDISCUSSION: Options: (a) pembrolizumab; (b) FOLFOX + bevacizumab; (c) encorafenib + "
     "cetuximab, reserved for second-line.", []),
    ("Breast carcinoma. Endocrine therapy with letrozole planned after whole breast radiation; chemotherapy not "
     "recommended given RS 14.", [("letrozole", "planned"), ("radiation: breast", "planned")]),
    ("Rectal cancer. Radiation was offered but declined.", [("radiation", "declined")]),
    ("Lung cancer. He is not a candidate for surgery.", []),
    ("Breast cancer. She takes methotrexate for rheumatoid arthritis. She completed 4 cycles of AC.",
     [("doxorubicin", "completed"), ("cyclophosphamide", "completed")]),
    ("Follicular lymphoma. Rituximab for ITP in 2019.", []),
    ("DISCHARGE DIAGNOSES:\n1. Burkitt lymphoma, ileocecal, stage IV.\nHe underwent urgent ileocecectomy on 06/12.",
     [("surgery: ileocecectomy", "completed")]),
    ("MDS.\nRECOMMENDATIONS:\n2. Start lenalidomide 10 mg daily. Lenalidomide VTE prophylaxis covered by current "
     "anticoagulation.", [("lenalidomide", "planned")]),
    ("Hepatocellular carcinoma. He underwent conventional TACE (lipiodol + doxorubicin) 07/2025. Tumor board - plan "
     "microwave ablation of segment 6 residual.",
     [("doxorubicin", "completed"), ("surgery: chemoembolization", "completed"),
      ("surgery: microwave ablation", "planned")]),
    ("Small bowel neuroendocrine tumor. Prior history of papillary thyroid microcarcinoma, s/p total thyroidectomy "
     "2016.", []),
    ("APL: ATRA (tretinoin) was started in the ED.\nPLAN: Consolidation with ATRA + arsenic trioxide to start 03/16.",
     [("tretinoin", "ongoing"), ("tretinoin", "planned"), ("arsenic trioxide", "planned")]),
    # a cycle count is as true of a plan as of a course given: a plan section or cue decides
    ("Follicular lymphoma.\nASSESSMENT AND PLAN:\nI have recommended BR (bendamustine and rituximab) x 6 cycles.",
     [("bendamustine", "recommended"), ("rituximab", "recommended")]),
    ("Seminoma s/p orchiectomy.\nPLAN:\n1. BEP x 3 cycles. Start 12/08.\n2. Sperm banking done 11/15 (before "
     "orchiectomy).", [("surgery: orchiectomy", "completed"), ("bleomycin", "planned"), ("etoposide", "planned"),
                       ("cisplatin", "planned")]),
    ("Glioblastoma.\nRECOMMENDATIONS:\n1. Radiation 60 Gy in 30 fractions with concurrent temozolomide, starting "
     "11/03, followed by adjuvant temozolomide for 6 cycles.", [("radiation", "planned"), ("temozolomide", "planned")]),
    ("Breast cancer.\nPLAN:\nShe completed 4 cycles of AC in May.", [("doxorubicin", "completed"),
                                                                    ("cyclophosphamide", "completed")]),
    ("Myeloma. She was started on VRd cycle 1 on 2/24; transplant evaluation is planned after 4 cycles.",
     [("bortezomib", "ongoing"), ("lenalidomide", "ongoing"), ("dexamethasone", "ongoing")]),
    ("Colon cancer. Plan: continue FOLFOX, cycle 5 today.", [("fluorouracil", "ongoing"), ("leucovorin", "ongoing"),
                                                            ("oxaliplatin", "ongoing")]),
    ("Papillary thyroid carcinoma. We are tentatively planning on proceeding this upcoming Friday with total "
     "thyroidectomy.", [("surgery: total thyroidectomy", "planned")]),
    ("Hepatocellular carcinoma. He underwent conventional TACE (lipiodol + doxorubicin) to segment 8 07/2025 and "
     "DEB-TACE to segment 6 on 08/2025.", [("doxorubicin", "completed"), ("surgery: chemoembolization", "completed"),
                                          ("surgery: chemoembolization", "completed")]),
    # benign indications, another cancer's treatment, more ways to decline
    ("Papillary thyroid carcinoma. She had a thyroidectomy for Graves disease in 1990.", []),
    ("Renal cell carcinoma of the right kidney. Left nephrectomy in 2001 as a kidney donor.", []),
    ("Breast cancer. She underwent bilateral salpingo-oophorectomy for BRCA1 risk reduction.", []),
    ("Invasive ductal carcinoma of the left breast. She underwent a lumpectomy of a fibroadenoma in 2001.", []),
    ("FINAL DIAGNOSIS: Invasive ductal carcinoma of the left breast.\nHPI: She had Mohs surgery for basal cell "
     "carcinoma of the nose 2018. She underwent lumpectomy 05/2024.", [("surgery: lumpectomy", "completed")]),
    ("Prostate adenocarcinoma. He has decided against radiation.", [("radiation", "declined")]),
    ("Breast carcinoma s/p lumpectomy 05/2024.\nPLAN:\n1. Oncotype DX to determine the need for chemotherapy.\n"
     "2. Evaluate for clinical trial of pembrolizumab.\n3. Hold capecitabine for hand-foot syndrome.",
     [("surgery: lumpectomy", "completed"), ("capecitabine", "stopped")]),
    ("Essential thrombocythemia on hydroxyurea. Before conception we would transition to ropeginterferon alfa-2b.",
     [("hydroxyurea", "ongoing")]),
    ("Oropharyngeal carcinoma.\nRECOMMENDATIONS:\n- Plan: IMRT 70 Gy with concurrent cisplatin.\n- Pembrolizumab is "
     "not part of the curative plan.",
     [("radiation", "planned"), ("cisplatin", "planned")]),
])
def test_treatments(text: str, expected: list[tuple[str, str]]) -> None:
    got = [(t.name, t.status) for t in profile_of(text).treatments]
    assert sorted(got) == sorted(expected)


@pytest.mark.parametrize(("text", "intent"), [
    ("Adjuvant AC-T chemotherapy, 4 cycles of AC completed 2023.", "adjuvant"),
    ("Palliative radiation to the spine completed 05/2025.", "palliative"),
    ("Started maintenance durvalumab 03/2025.", "maintenance"),
    ("Started osimertinib 03/2025.", None),
])
def test_treatment_intent(text: str, intent: str | None) -> None:
    treatments = profile_of(text).treatments
    assert treatments and {t.intent for t in treatments} == {intent}


# ---- F2: linear time ------------------------------------------------------------------------------------------------
_DENSE = ("Clinic note 03/2025. Stage IIIA adenocarcinoma of the left lung, pT2a N2 M0. EGFR exon 19 deletion "
          "detected. Started osimertinib 80 mg daily.\nFAMILY HISTORY: Mother had breast cancer.\n")


def _seconds(n: int, unit: str) -> float:
    text = (unit * (n // len(unit) + 1))[:n]
    start = time.perf_counter()
    profile_of(text)
    return time.perf_counter() - start


@pytest.mark.parametrize("unit", [_DENSE, _DENSE.replace("\n", " ")], ids=["lines", "one-line"])
def test_extraction_time_is_linear(unit: str) -> None:
    profile_of("Warm-up. Stage IIA.")
    small, big = _seconds(25_000, unit), _seconds(200_000, unit)
    assert big < 60  # generous: shared machines; the bench (bench/records_speed.py) measures 1M characters
    assert big / max(small, 1e-3) < 8 * 3  # 8x the text: linear ~8x, quadratic ~64x


# ---- dates (oncoguide.text.dates): (text, [(quote, iso date)]) ----------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("Started 03/2025.", [("03/2025", "2025-03-01")]),
    ("Biopsy on 2024-11-05 and March 4, 2024.", [("2024-11-05", "2024-11-05"), ("March 4, 2024", "2024-03-04")]),
    ("Diagnosed in 2019; 14/2020 is no date.", [("2019", "2019-01-01")]),
    ("PSA 4.0 ng/mL, 1,240,000 platelets.", []),
])
def test_dates(text: str, expected: list[tuple[str, str]]) -> None:
    from oncoguide.text.dates import dates

    assert [(text[s:e], d.isoformat()) for s, e, d in dates(text)] == expected


@pytest.mark.parametrize("text", [
    "Next-generation sequencing showed findings in EGFR and KRAS; see the report.",
    "We discussed testing for ALK and ROS1.",
    "If EGFR is positive, osimertinib would be used.",
    "FAMILY HISTORY: Her sister is BRCA2 positive.",
    "This is consistent with the negative ALK, ROS1, RET and MET exon 14 results.",
    "Chronic lymphocytic leukemia. History: breast cancer (left, stage I, ER+), lumpectomy and radiation 2012.",
])
def test_no_marker_result_is_invented(text: str) -> None:
    assert profile_of(text).biomarkers == []


def test_mmr_in_cml_is_the_molecular_response() -> None:
    text = "CML-CP on imatinib. BCR-ABL1 IS 06/2025: 0.08% (MMR achieved); 12/2025: 0.47% - loss of MMR."
    assert [b for b in profile_of(text).biomarkers if b.name == "MMR"] == []
    crc = "Colon adenocarcinoma. MMR IHC: loss of MLH1 and PMS2."
    assert [b.result for b in profile_of(crc).biomarkers if b.name == "MMR"] == ["positive"]


def test_a_subtype_beats_its_parent_type_stated_as_weightily() -> None:
    text = ("INTEGRATED DIAGNOSIS:\nOLIGODENDROGLIOMA, IDH-MUTANT AND 1p/19q-CODELETED, CNS WHO GRADE 2.\n\n"
            "HISTOLOGIC DIAGNOSIS: Diffusely infiltrating glioma with oligodendroglial morphology.\n")
    c = profile_of(text).cancer
    assert c.cancer_id == "oligodendroglioma" and c.histology is not None and c.histology.value == "oligodendroglioma"


def test_a_prior_other_cancer_gives_way_to_the_diagnosis() -> None:
    text = ("PATIENT: 76-year-old woman with macrocytic anemia. Prior history of DCIS right breast 2008, lumpectomy "
            "only.\n\nCONSENSUS RECOMMENDATIONS:\n1. Diagnosis: Myelodysplastic neoplasm with low blasts and "
            "isolated del(5q).\n")
    cancer = profile_of(text).cancer
    assert cancer.cancer_id == "mds"
    assert cancer.primary_site is None  # the breast is the prior DCIS's site, not the MDS's


def test_a_past_cancer_of_the_same_organ_still_gives_the_site() -> None:
    text = "History of left breast carcinoma 2019, s/p lumpectomy. Now metastatic invasive ductal carcinoma to bone."
    site = profile_of(text).cancer.primary_site
    assert site is not None and site.value == "breast"
