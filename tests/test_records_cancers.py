"""Cancers the vocabulary gained in records round 6 (rare and site-specific cancers), read from report sentences:
the vocabulary id, its root (the organ group a label names), the histology and the primary site. Also the
treatment rules of the same round: a decline withdraws a plan, and an operation at another organ than the
record's cancer, whose sentence names no cancer, is not this cancer's treatment."""

from __future__ import annotations

import pytest

from oncoguide.records.diagnosis import _roots
from oncoguide.records.read import read_record
from oncoguide.records.text_extract import extract_text


def _profile(text: str):  # type: ignore[no-untyped-def]
    return extract_text(read_record("note.txt", text.encode()))


@pytest.mark.parametrize(("text", "cancer_id", "root", "histology", "site"), [
    ("DIAGNOSIS: Merkel cell carcinoma of the left cheek.", "merkel-cell-carcinoma", "skin", "Merkel cell carcinoma",
     "skin"),
    ("DIAGNOSIS: Pheochromocytoma of the right adrenal gland.", "pheochromocytoma", "adrenal", "pheochromocytoma",
     "adrenal"),
    ("FINAL DIAGNOSIS: Adrenocortical carcinoma, left adrenal.", "adrenocortical-carcinoma", "adrenal",
     "adrenocortical carcinoma", "adrenal"),
    ("Diagnosis: Paraganglioma of the carotid body.", "paraganglioma", "paraganglioma", "paraganglioma", None),
    ("DIAGNOSIS: Thymoma, type B2.", "thymoma", "thymus", "thymoma", None),
    ("DIAGNOSIS: Thymoma, type B2. Thymic carcinoma excluded.", "thymoma", "thymus", "thymoma", None),
    ("Assessment: Chronic myelomonocytic leukemia (CMML-1).", "cmml", "leukemia", "chronic myelomonocytic leukemia",
     None),
    ("Diagnosis: Langerhans cell histiocytosis of the skull.", "langerhans-cell-histiocytosis",
     "langerhans-cell-histiocytosis", "Langerhans cell histiocytosis", None),
    ("Diagnosis: Appendiceal adenocarcinoma.", "appendix", "appendix", "adenocarcinoma", "appendix"),
    ("Diagnosis: Adenocarcinoma of the small bowel (jejunum).", "small-intestine", "small-intestine",
     "adenocarcinoma", "small intestine"),
    ("Diagnosis: Squamous cell carcinoma of the penis.", "penile", "penile", "squamous cell carcinoma", "penis"),
    ("Diagnosis: Vulvar squamous cell carcinoma.", "vulvar", "vulvar", "squamous cell carcinoma", "vulva"),
    ("Diagnosis: Vaginal squamous cell carcinoma.", "vaginal", "vaginal", "squamous cell carcinoma", "vagina"),
    ("Diagnosis: Anaplastic ependymoma, posterior fossa.", "ependymoma", "brain", "ependymoma", None),
    ("Diagnosis: Hepatoblastoma.", "hepatoblastoma", "liver", "hepatoblastoma", None),
    ("Diagnosis: Gestational trophoblastic neoplasia (choriocarcinoma).", "gestational-trophoblastic",
     "gestational-trophoblastic", "gestational trophoblastic neoplasia", None),
    ("Diagnosis: Systemic mastocytosis.", "systemic-mastocytosis", "mpn", "mastocytosis", None),
    ("Diagnosis: Dermatofibrosarcoma protuberans of the trunk.", "dfsp", "sarcoma", "dermatofibrosarcoma protuberans",
     None),
    ("Diagnosis: Blastic plasmacytoid dendritic cell neoplasm.", "bpdcn", "leukemia",
     "blastic plasmacytoid dendritic cell neoplasm", None),
    ("Diagnosis: Ampullary adenocarcinoma.", "ampullary", "biliary", "adenocarcinoma", "ampulla of vater"),
])
def test_new_cancers(text: str, cancer_id: str, root: str, histology: str, site: str | None) -> None:
    c = _profile(text).cancer
    assert c.cancer_id == cancer_id
    assert _roots().get(cancer_id) == root
    assert c.histology is not None and c.histology.value == histology
    assert (c.primary_site.value if c.primary_site else None) == site


def test_an_adrenal_word_near_another_cancer_is_not_an_adrenal_cancer() -> None:
    c = _profile("Conclusion: No changes in the liver and the enlarged left adrenal gland in the context of status "
                 "post right hemihepatectomy and low anterior resection for colon carcinoma.").cancer
    assert c.cancer_id == "colorectal"


def _treatments(text: str) -> list[tuple[str, str]]:
    return [(t.name, t.status) for t in _profile(text).treatments]


def test_a_decline_withdraws_the_plan() -> None:
    got = _treatments("Assessment: Early-stage breast cancer, s/p lumpectomy.\nRadiation therapy was recommended. "
                      "She declined radiation.")
    assert ("radiation", "declined") in got
    assert not any(s in ("planned", "recommended") for n, s in got if n.startswith("radiation"))


@pytest.mark.parametrize(("text", "absent"), [
    ("Impression: Metastatic non-small cell lung cancer.\nPrior surgeries: left mastectomy 1998. "
     "Bilateral reduction mammoplasty.", "surgery: mastectomy"),
    ("Assessment: Breast cancer, s/p lumpectomy.\nPSH: ovarian cystectomy 2001, splenectomy 1990.",
     "surgery: cystectomy"),
    ("Assessment: Breast cancer, s/p lumpectomy.\nPSH: ovarian cystectomy 2001, splenectomy 1990.",
     "surgery: splenectomy"),
    ("Assessment: Lung adenocarcinoma.\nHistory: craniotomy for subdural hematoma 2015.", "surgery: craniotomy"),
])
def test_operations_at_another_organ_are_not_this_cancers(text: str, absent: str) -> None:
    assert absent not in [n for n, _ in _treatments(text)]


@pytest.mark.parametrize(("text", "present"), [
    ("Diagnosis: Invasive ductal carcinoma of the left breast. She underwent left mastectomy in 2020.",
     "surgery: mastectomy"),
    ("Diagnosis: Marginal zone lymphoma of the spleen. She underwent splenectomy.", "surgery: splenectomy"),
    ("Diagnosis: Urothelial carcinoma of the bladder. Status post radical cystectomy.", "surgery: radical cystectomy"),
])
def test_operations_at_the_cancers_organ_count(text: str, present: str) -> None:
    assert present in [n for n, _ in _treatments(text)]
