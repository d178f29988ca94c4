"""Code tables and readers shared by the FHIR and HL7 v2 extractors.

Every code table is reviewable data in ``knowledge/codes/`` (``loinc.yaml``, ``snomed.yaml``, ``cap.yaml``,
``hgnc.yaml``, ``rxnorm.yaml``, ``hl7.yaml``, validated by ``knowledge.topics.codes``); this module only reads them.
Only codes that can be justified are listed: codes seen in the IHE SDC / CAP eCC and mCODE sample records, codes the
mCODE IG names for staging, performance status and tumor markers, and the trial-matching code lists (stage,
ECOG/Karnofsky, metastasis, tumor-marker and cancer-type codes). Everything else falls back to the display text,
read through the shared vocabulary (``knowledge/vocab``); a value that cannot be read stays unread.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from oncoguide import knowledge
from oncoguide.knowledge.vocab_models import Vocabulary, load_vocabulary
from oncoguide.records.model import Result, TreatmentClass
from oncoguide.records.tnm import categories, stage_group
from oncoguide.understand.entities import extract

LOINC, SNOMED, CAP, RXNORM, HGNC, AJCC, ICD10, ICDO3 = (
    "loinc", "snomed", "cap", "rxnorm", "hgnc", "ajcc", "icd10", "icdo3")

_HOSTS = {"loinc.org": LOINC, "snomed.info": SNOMED, "cap.org": CAP, "nlm.nih.gov": RXNORM,
          "genenames.org": HGNC, "cancerstaging.org": AJCC}
_NAMES = {"ln": LOINC, "loinc": LOINC, "sct": SNOMED, "snm": SNOMED, "snomed": SNOMED, "snomedct": SNOMED,
          "capecc": CAP, "rxnorm": RXNORM, "rxn": RXNORM, "hgnc": HGNC, "i10": ICD10, "icd10": ICD10,
          "icd10cm": ICD10, "icdo3": ICDO3,
          "urn:oid:2.16.840.1.113883.6.1": LOINC, "urn:oid:2.16.840.1.113883.6.96": SNOMED,
          "urn:oid:2.16.840.1.113883.6.88": RXNORM}


class Code(NamedTuple):
    """One coding: system as written, code and display (empty strings when absent)."""

    system: str
    code: str
    display: str


def system_key(system: str) -> str:
    """A short name for a code system URI or HL7 v2 coding-system name (``https://CAP.org/eCC`` -> ``cap``)."""
    s = system.strip().lower()
    if s in _NAMES:
        return _NAMES[s]
    host = re.sub(r"^[a-z]+://", "", s).removeprefix("www.").split("/")[0]
    if host in _HOSTS:
        return _HOSTS[host]
    if "icd-10" in s or "icd10" in s:
        return ICD10
    if "icd-o-3" in s or "icdo3" in s or "icd-o" in s:
        return ICDO3
    return s


def code_ref(c: Code) -> str | None:
    """``system|code`` for a Value's code field."""
    return f"{c.system}|{c.code}" if c.code else None


# --- Questions: what an Observation / OBX is about ------------------------------------------------------------

@dataclass(frozen=True)
class Concept:
    """What an observation reports. ``kind``: histology, grade, site, laterality, procedure, T, N, M, group,
    marker, variant, ecog, karnofsky. ``prefix`` c/p for staging; ``name`` for markers; ``index`` the coding that
    matched (-1: the free text); ``coded`` False when read from display text."""

    kind: str
    prefix: str | None = None
    name: str | None = None
    method: str | None = None
    coded: bool = True
    index: int = -1


_TEXT_QUESTIONS: list[tuple[re.Pattern[str], str]] = [(re.compile(p, re.I), k) for p, k in (
    (r"^histologic(?:al)? type\b", "histology"),
    (r"^(?:histologic(?:al)? grade|overall grade)\b", "grade"),
    (r"^(?:tumou?r site|anatomic location of primary)\b", "site"),
    (r"^(?:specimen |tumou?r )?laterality\b", "laterality"),
    (r"^procedure\b", "procedure"),
    (r"\becog\b|eastern cooperative oncology group", "ecog"),
    (r"\bkarnofsky\b", "karnofsky"),
)]
_TNM_QUESTION = re.compile(
    r"^(?:(?P<p1>[cp])(?P<a1>[TNM]) category"
    r"|(?:primary tumou?r|regional lymph nodes|distant metastas[ie]s) \((?P<p2>[cp])(?P<a2>[TNM])\)"
    r"|(?P<a3>primary tumou?r|regional lymph nodes|distant metastases)\.(?P<p3>clinical|pathology)"
    r"|(?P<p4>clinical |pathologic(?:al)? )?(?P<a4>[TNM]) category)", re.I)
_GROUP_QUESTION = re.compile(r"\bstage group(?:ing)?\b(?:\.(?P<p1>clinical|pathology))?|"
                             r"(?P<p2>clinical|pathologic(?:al)?) (?:tnm )?stage group", re.I)
_MARKER_QUESTION = re.compile(r"^(?P<gene>[A-Z][A-Z0-9-]{1,9}) (?i:mutational analysis|result|status|mutation)\b")
_AXES = {"primary tumor": "T", "primary tumour": "T", "regional lymph nodes": "N", "distant metastases": "M"}


def _lookup(c: Code) -> tuple[str, str | None] | None:
    system = system_key(c.system)
    if system == CAP:
        return _tables().cap_questions.get(c.code.removesuffix(".100004300"))
    if system == SNOMED:
        return _tables().snomed_questions.get(c.code)
    if system == LOINC:
        return _tables().loinc_questions.get(c.code)
    return None


def question(codings: Sequence[Code], text: str = "") -> Concept | None:
    """What an observation is about: by code first (any coding), then by its display or text."""
    for i, c in enumerate(codings):
        if system_key(c.system) == LOINC and c.code in _tables().loinc_markers:
            name, method = _tables().loinc_markers[c.code]
            return Concept("marker", name=name, method=method, index=i)
        hit = _lookup(c)
        if hit:
            kind, extra = hit
            return Concept(kind, name=extra, index=i) if kind == "marker" else Concept(kind, prefix=extra, index=i)
    for i, words in [(i, c.display) for i, c in enumerate(codings)] + [(-1, text)]:
        concept = _question_text(clean(words))
        if concept:
            return Concept(concept.kind, concept.prefix, concept.name, concept.method, coded=False, index=i)
    return None


def _question_text(words: str) -> Concept | None:
    if not words:
        return None
    m = _TNM_QUESTION.search(words)
    if m:
        axis = m.group("a1") or m.group("a2") or m.group("a4") or _AXES.get((m.group("a3") or "").lower(), "")
        prefix = (m.group("p1") or m.group("p2") or m.group("p3") or m.group("p4") or "").strip().lower()[:1] or None
        return Concept(axis.upper(), prefix=prefix)
    m = _GROUP_QUESTION.search(words)
    if m:
        prefix = (m.group("p1") or m.group("p2") or "").lower()[:1] or None
        return Concept("group", prefix=prefix)
    for pattern, kind in _TEXT_QUESTIONS:
        if pattern.search(words):
            return Concept(kind)
    m = _MARKER_QUESTION.match(words)
    if m:
        return Concept("marker", name=m.group("gene"))
    name = marker_in_text(words)
    return Concept("marker", name=name, method=method_of(words)) if name else None


_NARRATIVE_WORDS = re.compile(r"\b(report|diagnosis|impression|conclusions?|interpretation|findings|narrative|summary"
                              r"|note)\b", re.I)


def is_narrative(codings: Sequence[Code], text: str = "") -> bool:
    """Whether an observation's free-text value is report text to read (``knowledge/codes/loinc.yaml``,
    ``narrative``; or a question named as a report, diagnosis, impression...), not a comment or an identifier."""
    if any(system_key(c.system) == LOINC and c.code in _tables().narrative for c in codings):
        return True
    return any(_NARRATIVE_WORDS.search(clean(w)) for w in [*(c.display for c in codings), text] if w)


# --- Display text -----------------------------------------------------------------------------------------------

_TAG = re.compile(r"\s*\((?:disorder|finding|procedure|qualifier value|body structure|morphologic abnormality|"
                  r"observable entity|specimen|situation|regime/therapy|neoplasm)\)\s*$", re.I)
_BOILERPLATE = re.compile(
    r"^(?:not applicable\b|cannot be (?:determined|assessed)\b|not specified\b|other \(specify\)|specify\b|"
    r"not assigned\b|unknown\b|indeterminate\b|not identified$|none$|n/?a$|(?:p[tnm]|[tnm]) not assigned\b)", re.I)


def clean_span(text: str) -> tuple[int, int]:
    """Where the meaningful words sit in a display: without a leading ``?``, trailing ``#`` or SNOMED tag."""
    start, end = 0, len(text)
    while start < end and (text[start] in "?" or text[start].isspace()):
        start += 1
    tag = _TAG.search(text, start)
    if tag:
        end = tag.start()
    while end > start and (text[end - 1] in "#" or text[end - 1].isspace()):
        end -= 1
    return start, end


def clean(text: str) -> str:
    """A display without checklist marks (``?``, ``#``) and SNOMED semantic tags (``(disorder)``)."""
    start, end = clean_span(text)
    return text[start:end]


def is_boilerplate(text: str) -> bool:
    """Checklist answers that carry no value: 'Not applicable', 'Cannot be determined', 'Other (specify)'..."""
    return not clean(text) or bool(_BOILERPLATE.match(clean(text)))


# --- Results ----------------------------------------------------------------------------------------------------

# The answer codes (SNOMED, LOINC, HL7 v3 interpretation) are in knowledge/codes/.
_LEVEL_MARKERS = ("TMB", "MSI")
_RESULT_WORDS: tuple[tuple[str, Result], ...] = (
    (r"\b(?:not (?:performed|tested|done)|test not performed)\b", "not_tested"),
    (r"\b(?:pending|in progress|sent out)\b", "pending"),
    (r"\b(?:cannot be determined|indeterminate|inconclusive|insufficient|failed|uninterpretable)\b", "unknown"),
    (r"\bno (?:\w+ )?(?:mutations?|alterations?|variants?|fusions?|rearrangements?|amplification|loss)\b"
     r"|\bnot (?:detected|identified|present|amplified|rearranged|mutated)\b"
     r"|\bnegative\b|\babsent\b|\bwild[- ]?type\b|\bloss of (?:nuclear )?expression\b|\bnon-?amplified\b"
     r"|\bmicrosatellite stable\b|\bMSS\b|\bproficient\b", "negative"),
    (r"\bequivocal\b|\bborderline\b", "equivocal"),
    (r"\bpositive\b|\bdetected\b|\bpresent\b|\bmutations?\b|\bmutated\b|\bamplified\b|\bamplification\b"
     r"|\brearranged\b|\bfusion\b|\bintact\b|\boverexpress\w*|\bMSI-H\b|\bdeficient\b", "positive"),
)
_RESULT_TEXT = [(re.compile(p, re.I), r) for p, r in _RESULT_WORDS]


def result_of(c: Code | None, text: str, marker: str | None = None) -> tuple[Result, bool] | None:
    """A test result from a coded answer (True) or its words (False); None when it states no result."""
    if c is not None and c.code:
        system = "v3" if "observationinterpretation" in c.system.lower() else system_key(c.system)
        coded = _tables().results.get((system, c.code))
        if coded:
            return coded, True
        level = _tables().levels.get((system, c.code))
        if level and marker in _LEVEL_MARKERS:
            return ("positive" if level == "high" else "negative"), True
    words = clean(text or (c.display if c else ""))
    if marker in _LEVEL_MARKERS:
        m = re.match(r"(?:tmb[- ]|msi[- ])?(high|low)\b", words, re.I)
        if m:
            return ("positive" if m.group(1).lower() == "high" else "negative"), False
    for pattern, result in _RESULT_TEXT:
        if pattern.search(words):
            return result, False
    return None


_VARIANT_RE = re.compile(r"\b(?:p\.[A-Za-z]{1,3}\d+[A-Za-z*_>]*\w*|[A-Z]\d{2,4}(?:[A-Z*]|del|ins|fs)\w*|"
                         r"exon \d+ (?:deletion|insertion|skipping|mutation))")


def variant_in(text: str) -> str | None:
    """A named variant in an answer (``BRAF V600K (c.1798...) mutation`` -> ``V600K``)."""
    for e in extract(text):
        if e.kind == "biomarker" and e.variant:
            return e.variant
    m = _VARIANT_RE.search(text)
    return m.group(0) if m else None


def method_of(text: str) -> str | None:
    """Test method named in a test's name: IHC, FISH, NGS, PCR, ctDNA."""
    low = text.lower()
    for words, method in (("immune stain", "IHC"), ("immunohistochem", "IHC"), (" ihc", "IHC"),
                          ("fish", "FISH"), ("in situ hybridization", "FISH"), ("next generation", "NGS"),
                          ("sequencing", "NGS"), (" ngs", "NGS"), ("pcr", "PCR"), ("cell-free dna", "ctDNA"),
                          ("circulating tumor dna", "ctDNA"), ("ctdna", "ctDNA")):
        if words in f" {low}":
            return method
    return None


# --- Markers and genes ------------------------------------------------------------------------------------------

_MARKER_NAMES = {"er": "ER", "pr": "PR", "her2": "HER2", "her2-mutation": "HER2", "pd-l1": "PD-L1",
                 "ki-67": "Ki-67", "msi-mmr": "MSI", "tmb": "TMB", "ntrk": "NTRK", "esr1": "ESR1"}
_MMR = re.compile(r"\b(MLH1|MSH2|MSH6|PMS2)\b")


def marker_in_text(text: str) -> str | None:
    """The canonical marker named in a test name (``Estrogen receptor Ag [Presence]...`` -> ``ER``)."""
    for e in extract(text):
        if e.kind != "biomarker":
            continue
        if e.id == "msi-mmr":
            mmr = _MMR.search(text)
            return mmr.group(1) if mmr else ("MMR" if "mismatch" in text.lower() else "MSI")
        return _MARKER_NAMES.get(e.id) or _vocab_gene(e.id)
    return None


def _vocab_gene(marker_id: str) -> str | None:
    return next((b.gene for b in _vocab().biomarkers if b.id == marker_id), None)


def gene_of(c: Code) -> tuple[str, bool] | None:
    """Gene symbol of an HGNC coding (True) or of its display (False)."""
    if system_key(c.system) == HGNC or c.code.upper().startswith("HGNC:"):
        symbol = _tables().hgnc.get(c.code.upper().removeprefix("HGNC:"))
        if symbol:
            return symbol, True
    words = clean(c.display)
    lead = re.match(r"[A-Z][A-Z0-9-]{1,9}(?=\s|$)", words)
    if lead and (lead.group(0) == words or any(ch.isdigit() for ch in lead.group(0))):
        return lead.group(0), False  # 'BRAF'; 'MDM2 proto-oncogene' -> MDM2
    for e in extract(words) if words else []:
        if e.kind == "biomarker":
            gene = _vocab_gene(e.id)  # a gene name: its symbol ('estrogen receptor 1' -> ESR1), not the protein
            if gene and re.fullmatch(r"[A-Z][A-Z0-9]{1,9}", gene):
                return gene, False
    return (words, False) if words else None


# --- Stage values -----------------------------------------------------------------------------------------------

_ROMAN = {"0": "0", "1": "I", "2": "II", "3": "III", "4": "IV"}
_BARE_GROUP = re.compile(r"(?:stage\s*)?(?P<g>0|IV|I{1,3}|[0-4])(?P<s>[ABCabc][12]?)?", re.I)


def group_of(c: Code | None, text: str = "") -> tuple[str, str, bool] | None:
    """A stage group (``IIIA``) with the string it was read from and whether that was the code."""
    if c is not None and system_key(c.system) == SNOMED and c.code in _tables().stages:
        return _tables().stages[c.code], c.code, True
    candidates = [c.display] if c is not None else []
    if c is not None and system_key(c.system) in (AJCC, ""):  # AJCC codes are groups ('3A'); other codes are not
        candidates.append(c.code)
    for words in [*candidates, text]:
        group = _group_text(clean(words))
        if group:
            return group, words, c is not None and words == c.code
    return None


def _group_text(words: str) -> str | None:
    if not words:
        return None
    found = stage_group(words)
    if found:
        return found[0]
    m = _BARE_GROUP.fullmatch(words.strip())
    if not m:
        return None
    return _ROMAN.get(m.group("g"), m.group("g").upper()) + (m.group("s") or "").upper()


def category_of(text: str, axis: str, at_start: bool = False) -> tuple[str | None, str, int, int] | None:
    """The TNM category on ``axis`` in ``text``: (prefix, ``T2a``, start, end); at the start only if asked."""
    words_start, _ = clean_span(text)
    for cat in categories(text):
        if cat.axis != axis:
            continue
        if at_start and cat.start != words_start:
            return None
        return cat.prefix, cat.value, cat.start, cat.end
    return None


def staging_system(text: str) -> str | None:
    """``AJCC8`` / ``AJCC9`` when a staging method names the AJCC edition."""
    m = re.search(r"(?:AJCC|American Joint Commi\w+ on Cancer)\D{0,60}?\b([5-9])(?:st|nd|rd|th)\b", text, re.I)
    return f"AJCC{m.group(1)}" if m else None


# --- Performance status -----------------------------------------------------------------------------------------

def performance_of(kind: str, c: Code) -> int | None:
    """ECOG (0-5) or Karnofsky (0-100) score of a LOINC answer code."""
    if system_key(c.system) != LOINC:
        return None
    return (_tables().ecog if kind == "ecog" else _tables().karnofsky).get(c.code)


# --- Cancers and metastases -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CancerCode:
    cancer_id: str | None
    histology: str | None = None
    site: str | None = None


_CANCER_WORDS = re.compile(r"malignan|carcinoma|cancer|neoplasm|sarcoma|lymphoma|leuka?emia|melanoma|myeloma|"
                           r"blastoma|mesothelioma|tumou?r", re.I)
_NOT_A_CANCER = re.compile(r"\bbenign\b|\bhistory of\b|\bfamily history\b|\bscreening\b|\bsuspected\b|"
                           r"\bno evidence of\b|\brule out\b|\bfear of\b", re.I)
_SECONDARY = re.compile(r"^(?:secondary malignant neoplasm of|metasta\w* (?:\w+ )?(?:to|of|in))\s+(?P<site>.+)$", re.I)


def cancer_of(c: Code) -> tuple[CancerCode, bool] | None:
    """The cancer a condition coding names, by code (True) or words (False); None when it is not a cancer."""
    system = system_key(c.system)
    if system == SNOMED and c.code in _tables().cancers:
        return _tables().cancers[c.code], True
    if system in (ICD10, ICDO3) and re.match(r"C\d\d", c.code.upper()):
        return CancerCode(_root_by_topography(c.code.upper()[:3])), True
    words = clean(c.display)
    if not words or not _CANCER_WORDS.search(words) or _NOT_A_CANCER.search(words):
        return None
    return CancerCode(cancer_in_text(words)), False


def cancer_in_text(text: str) -> str | None:
    """The most specific vocabulary cancer named in ``text``; else, for a cancer named by its site ('Malignant
    neoplasm of breast'), the vocabulary cancer of that site."""
    if _NOT_A_CANCER.search(text):
        return None
    ids = [e.id for e in extract(text) if e.kind == "cancer"]
    if ids:
        return max(ids, key=depth)
    if not _CANCER_WORDS.search(text):
        return None
    words = set(re.findall(r"[a-z]+", text.lower()))
    sites = [cid for cid, site_words in _site_words().items() if words & site_words]
    return sites[0] if len(sites) == 1 else None


@lru_cache(maxsize=1)
def _site_words() -> dict[str, set[str]]:
    """Root vocabulary cancers by the site words of their names ('colon cancer' -> colon): colorectal -> {...}."""
    out: dict[str, set[str]] = {}
    for c in _vocab().cancers:
        if c.parent is None:
            names = [c.name, *c.synonyms]
            words = {m.group(1).lower() for n in names for m in [re.fullmatch(r"(\w+) cancer", n)] if m}
            out[c.id] = words - {"mole"}  # 'mole cancer' is patient wording; a hydatidiform mole is not melanoma
    return out


def depth(cancer_id: str) -> int:
    """How far a vocabulary cancer is from its root (nsclc: 1, lung-adenocarcinoma: 2)."""
    parents = {c.id: c.parent for c in _vocab().cancers}
    depth, current = 0, parents.get(cancer_id)
    while current and depth < 10:
        depth, current = depth + 1, parents.get(current)
    return depth


def _root_by_topography(prefix: str) -> str | None:
    roots = [c.id for c in _vocab().cancers
             if c.parent is None and any(t.startswith(prefix) for t in c.icd_o3_topography)]
    return roots[0] if len(roots) == 1 else None


def is_secondary(c: Code) -> bool:
    """A secondary (metastatic) cancer code or display."""
    if system_key(c.system) == SNOMED and c.code in _tables().metastases:
        return True
    if system_key(c.system) == ICD10 and re.match(r"C7[7-9]", c.code.upper()):
        return True
    return bool(_SECONDARY.match(clean(c.display)))


def metastasis_site(c: Code) -> tuple[str, str, bool] | None:
    """Site of a secondary cancer: (site, the string it was read from, coded)."""
    words = clean(c.display)
    m = _SECONDARY.match(words)
    if m:
        return m.group("site"), c.display, system_key(c.system) == SNOMED and c.code in _tables().metastases
    if system_key(c.system) == SNOMED and c.code in _tables().metastases:
        return _tables().metastases[c.code], c.code, True
    return None


def clean_site(display: str) -> tuple[int, int]:
    """Span of the site words in a SNOMED body-structure display (``Breast structure (body structure)``)."""
    start, end = clean_span(display)
    words = display[start:end]
    m = re.fullmatch(r"(?:structure of |entire )?(?P<site>.+?)(?: structure)?", words, re.I)
    if m:
        return start + m.start("site"), start + m.end("site")
    return start, end


# --- Treatments -------------------------------------------------------------------------------------------------

_KIND_CLASS: dict[str, TreatmentClass] = {
    "targeted": "targeted", "immunotherapy": "immunotherapy", "chemotherapy": "chemotherapy",
    "hormonal": "hormonal", "antibody-drug conjugate": "antibody-drug conjugate", "radiopharmaceutical": "radiation",
    "cell therapy": "immunotherapy", "other": "other"}
_DOSE_FORM = re.compile(r"\s+(?:oral|injectable|injetable|topical|transdermal|inhalant|nasal|rectal|vaginal|"
                        r"ophthalmic|otic)\s+product$|\s+(?:oral tablet|oral capsule|injection|injectable solution|"
                        r"pill|tablet|capsule)$", re.I)


def drug_of(c: Code | None, text: str = "") -> tuple[str, TreatmentClass, bool, str] | None:
    """(generic name, class, coded, the words naming it) of a medication coding or its words; None when no known
    drug is named (brand names give the generic: 'Tagrisso' -> osimertinib)."""
    if c is not None and system_key(c.system) == RXNORM and c.code in _tables().rxnorm:
        generic = _tables().rxnorm[c.code]
        return generic, drug_class(generic), True, generic
    for words in ([c.display] if c is not None else []) + [text]:
        drugs = [e for e in extract(words) if e.kind == "drug"] if words else []
        if drugs:
            return drugs[0].id, drug_class(drugs[0].id), False, drugs[0].text
    return None


def drug_class(generic: str, words: str = "") -> TreatmentClass:
    """Treatment class of a vocabulary drug; for other names, 'chemotherapy' only when the words say so."""
    kind = next((d.kind for d in _vocab().drugs if d.generic == generic), None)
    if kind:
        return _KIND_CLASS.get(kind, "other")
    return "chemotherapy" if re.search(r"\bchemotherap", words or generic, re.I) else "other"


def drug_words_span(display: str) -> tuple[int, int]:
    """Span of the drug words in an RxNorm display (without 'Oral Product', 'Injectable Product'...)."""
    start, end = clean_span(display)
    m = _DOSE_FORM.search(display[start:end])
    return (start, start + m.start()) if m else (start, end)


_RADIATION_WORDS = re.compile(r"radiation|radiotherap|brachytherap|irradiation|teletherap|proton|radiosurg|"
                              r"\bSBRT\b|\bIMRT\b", re.I)
_SURGERY_WORDS = re.compile(r"ectomy\b|\bexcision|\bresection|\bsurgery\b|\bsurgical\b|\bamputation\b|"
                            r"\bdissection\b|\bexenteration\b|\bablation\b|\bremoval\b|\bwhipple\b", re.I)
_DIAGNOSTIC = re.compile(r"\bbiops|\bcytolog|\baspirat|\bbrushing|\bwashing", re.I)


def procedure_class(c: Code | None, text: str = "", profiles: Sequence[str] = ()) -> tuple[TreatmentClass, bool] | None:
    """Whether a procedure is cancer surgery or radiation (biopsies and other procedures: None)."""
    words = clean(c.display if c is not None and c.display else text)
    if _DIAGNOSTIC.search(words):
        return None
    if c is not None and system_key(c.system) == SNOMED and c.code in _tables().procedures:
        return _tables().procedures[c.code], True
    joined = " ".join(profiles).lower()
    if "radiation-procedure" in joined:
        return "radiation", True
    if "surgical-procedure" in joined:
        return "surgery", True
    if _RADIATION_WORDS.search(words):
        return "radiation", False
    if _SURGERY_WORDS.search(words):
        return "surgery", False
    return None


def stop_reason(text: str) -> str | None:
    """Why a treatment stopped, from a status reason's words: progression, toxicity, completed, other."""
    low = text.lower()
    if re.search(r"progress|absent response|no response|not responding|refractory|recurren|relapse", low):
        return "progression"
    if re.search(r"toxic|adverse|side effect|intoleran|not tolerated|allerg", low):
        return "toxicity"
    if re.search(r"\bcomplete", low):
        return "completed"
    return "other" if low.strip() else None


@dataclass(frozen=True)
class _Tables:
    """The LOINC, SNOMED CT, CAP eCC, HGNC and RxNorm tables of ``knowledge/codes/`` as lookups."""

    snomed_questions: dict[str, tuple[str, str | None]]
    loinc_questions: dict[str, tuple[str, str | None]]
    loinc_markers: dict[str, tuple[str, str | None]]
    results: dict[tuple[str, str], Result]
    levels: dict[tuple[str, str], str]
    stages: dict[str, str]
    ecog: dict[str, int]
    karnofsky: dict[str, int]
    cancers: dict[str, CancerCode]
    metastases: dict[str, str]
    procedures: dict[str, TreatmentClass]
    cap_questions: dict[str, tuple[str, str | None]]
    hgnc: dict[str, str]
    rxnorm: dict[str, str]
    narrative: frozenset[str]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    codes = knowledge.load("en").get("codes")
    sct, ln = codes.snomed, codes.loinc
    return _Tables(
        snomed_questions={q.code: (q.kind, q.prefix) for q in sct.questions},
        loinc_questions={q.code: (q.kind, q.prefix) for q in ln.questions},
        loinc_markers={m.code: (m.marker, m.method) for m in ln.markers},
        results={**{(SNOMED, r.code): r.result for r in sct.results}, **{(LOINC, r.code): r.result for r in ln.results},
                 **{("v3", i.code): i.result for i in codes.hl7.interpretations}},
        levels={(SNOMED, lv.code): lv.level for lv in sct.levels},
        stages={s.code: s.group for s in sct.stages},
        ecog={a.code: a.score for a in ln.ecog},
        karnofsky={a.code: a.score for a in ln.karnofsky},
        cancers={c.code: CancerCode(c.cancer, c.histology, c.site) for c in sct.cancers},
        metastases={m.code: m.site for m in sct.metastases},
        procedures={p.code: p.treatment for p in sct.procedures},
        cap_questions={q.code: (q.kind, q.marker if q.kind == "marker" else q.prefix) for q in codes.cap.questions},
        hgnc={g.id: g.symbol for g in codes.hgnc.genes},
        rxnorm={d.code: d.drug for d in codes.rxnorm.drugs},
        narrative=frozenset(n.code for n in ln.narrative),
    )


@lru_cache(maxsize=1)
def _vocab() -> Vocabulary:
    return load_vocabulary()
