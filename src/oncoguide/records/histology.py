"""Cancer mentions in record text: histologies (a morphology word with its modifiers, "mantle cell lymphoma",
"papillary serous carcinoma"), vocabulary cancer names and primary sites (ICD-O-3 topography words next to a
cancer word). Which of them are the patient's is decided by the caller (sections and assertions)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from oncoguide import knowledge
from oncoguide.corpus.schema import load_vocabulary

# Morphology head words: what a histology phrase ends with.
_HEAD = (r"(?:adeno|squamous |basal |urothelial |small |large |neuroendocrine |transitional )?carcinomas?"
         r"|\w*sarcomas?|lymphomas?|leuka?emias?|myelomas?|mel[ae]nomas?|mesotheliomas?|\w*gliomas?|\w+blastomas?"
         r"|astrocytomas?|plasmacytomas?|seminomas?|carcinoids?|thrombocyth(?:a)?emia|essential thrombocytosis"
         r"|polycyth(?:a)?emia vera"
         r"|myelofibrosis|cholangiocarcinomas?|glioblastoma multiforme|lymphoproliferative disorder"
         r"|hodgkin'?s? disease"
         r"|myelodysplastic (?:neoplasms?|syndromes?)"
         r"|pheochromocytomas?|paragangliomas?|thymomas?|ependymomas?|choriocarcinomas?|histiocytosis|mastocytosis"
         r"|mycosis fungoides|dendritic cell neoplasm"
         # tumours named "tumor" that are cancers (a bare "tumor" is not a histology)
         r"|(?:neuroendocrine|gastrointestinal stromal|germ cell|phyllodes|solitary fibrous|yolk sac|granulosa cell)"
         r" (?:tumou?rs?|neoplasms?)")
# Words that may stand before the head inside one histology phrase.
_MODIFIERS = (r"invasive|infiltrating|ductal|lobular|papillary|serous|mucinous|clear|cell|squamous|basal|small"
              r"|large|non-small|diffuse|b-cell|t-cell|b|t|follicular|mantle|marginal|zone|hodgkin'?s?|non-hodgkin'?s?"
              r"|bronchioloalveolar|urothelial|transitional|m[uü]llerian|embryonal|alveolar|medullary|anaplastic"
              r"|endometrioid|signet|ring|neuroendocrine|adenoid|cystic|spindle|pleomorphic|undifferentiated"
              r"|sarcomatoid|microinvasive|essential|primary|chronic|acute|myeloid|lymphoblastic|lymphocytic"
              r"|myelogenous|plasma|low-grade|high-grade|low|intermediate|high|grade|to|nodular|sclerosis"
              r"|lymphoplasmacytic|peripheral|cutaneous|hairy|multiple|smoldering|uterine|thyroid|renal|hepatocellular"
              r"|intraductal|in-situ|well-differentiated|poorly-differentiated|moderately-differentiated"
              r"|posttransplant|post-transplant|dedifferentiated|myxoid|burkitt'?s?|malt|promyelocytic|myelomonocytic"
              r"|monocytic|ewing'?s?|kaposi'?s?|merkel|adrenocortical|thymic|langerhans|uveal|choroidal|synovial"
              r"|mucoepidermoid|acinic|epithelioid|chromophobe|blastic|plasmacytoid|anaplastic|myxopapillary"
              r"|angioimmunoblastic|hepatosplenic|extranodal")
# Organ words that stand inside a histology phrase ("high-grade serous ovarian carcinoma"): part of the phrase, not
# of its value (the organ is the primary site's)
_ORGAN_WORDS = (r"ovarian|pancreatic|endometrial|gastric|colonic|colorectal|o?esophageal|prostatic|pulmonary|mammary"
                r"|cervical|nasopharyngeal|oropharyngeal|vulvar|vaginal|penile|anal|rectal|biliary|laryngeal|ampullary"
                r"|appendiceal|peritoneal|tubal|adrenal")
HISTOLOGY_RE = re.compile(rf"(?<![\w-])(?:(?:{_MODIFIERS}|{_ORGAN_WORDS})[\s-]+){{0,5}}(?:{_HEAD})(?![\w-])"
                          rf"(?:\s+in situ)?", re.I)
_ORGAN_IN_PHRASE = re.compile(rf"\b(?:{_ORGAN_WORDS})[\s-]+", re.I)
# A cancer word that a site word may stand next to
_CANCER_WORD = r"(?:cancer|carcinoma|adenocarcinoma|malignancy|malignant neoplasm|neoplasm|tumou?r|primary)"
_MALIGNANT_WORD = r"(?:cancer|carcinoma|adenocarcinoma|malignancy|malignant (neoplasm|tumou?r))"
_LEAD_WORDS = re.compile(r"^(?:(?:low|high|intermediate|grade|to|primary)[\s-]+)+", re.I)


@dataclass(frozen=True)
class Site:
    """A primary site read from text: ``value`` the site word reports use (``lung``), ``code`` ICD-O-3."""

    value: str
    code: str
    cancer_id: str | None
    start: int
    end: int


@dataclass(frozen=True)
class _Sites:
    by_tokens: dict[tuple[str, ...], tuple[str, str, str | None]]  # words -> (site value, code, root cancer id)
    firsts: frozenset[str]
    longest: int


_TOKEN = re.compile(r"[A-Za-z0-9]+")


@lru_cache(maxsize=1)
def _sites() -> _Sites:
    topo = knowledge.load("en").get("codes").topography
    roots: dict[str, str] = {}
    # a site's cancer is its generic root ("skin cancer"), not a histology that is also a root (melanoma)
    for c in sorted((c for c in load_vocabulary().cancers if c.parent is None), key=lambda c: "cancer" not in c.name):
        for code in c.icd_o3_topography:
            roots.setdefault(code, c.id)
    # a site no root cancer covers ("tongue", C02.9) is its site-named subtype's ("oral cavity cancer"), never a
    # histology's (the adrenal gland is not a neuroblastoma)
    for c in (c for c in load_vocabulary().cancers if c.parent is not None and c.name.endswith(" cancer")):
        for code in c.icd_o3_topography:
            roots.setdefault(code, c.id)
    by_tokens: dict[tuple[str, ...], tuple[str, str, str | None]] = {}
    for t in topo:
        for w in t.words:
            key = tuple(x.lower() for x in _TOKEN.findall(w))
            by_tokens.setdefault(key, (t.words[0].lower(), t.code, roots.get(t.code)))
    return _Sites(by_tokens, frozenset(k[0] for k in by_tokens), max(len(k) for k in by_tokens))


def sites_in(text: str) -> list[Site]:
    """Every site word in ``text`` (longest name first at each word; "Nose", "Ear" in capitals are exam lines)."""
    table = _sites()
    tokens = [(m.start(), m.end(), m.group(0).lower()) for m in _TOKEN.finditer(text)]
    out: list[Site] = []
    i = 0
    while i < len(tokens):
        found = None
        if tokens[i][2] in table.firsts:
            for n in range(min(table.longest, len(tokens) - i), 0, -1):
                hit = table.by_tokens.get(tuple(t[2] for t in tokens[i:i + n]))
                if hit is not None and all(tokens[k + 1][0] - tokens[k][1] <= 2 for k in range(i, i + n - 1)):
                    found = (hit, n)
                    break
        if found is None:
            i += 1
            continue
        (value, code, cid), n = found
        start, end = tokens[i][0], tokens[i + n - 1][1]
        if text[start:end] not in ("Nose", "Ear", "Lip") and not (start and text[start - 1] == "-"):
            out.append(Site(value, code, cid, start, end))
        i += n
    return out


_NEGATED_BETWEEN = re.compile(r"\b(without|no|not|negative|free)\b", re.I)


def sites_next_to_cancer(text: str, sites: list[Site] | None = None, malignant: bool = False) -> list[Site]:
    """Sites written as a cancer's place: "prostate adenocarcinoma", "carcinoma of the left breast",
    "cancer in the thyroid"; with ``malignant``, only next to a word that says malignant (not "tumor")."""
    word = _MALIGNANT_WORD if malignant else _CANCER_WORD
    out = []
    for s in sites if sites is not None else sites_in(text):
        before = text[max(0, s.start - 45):s.start]
        after = text[s.end:s.end + 90]
        later = re.match(rf"^[\s,]*((\w+[\s-]+){{0,5}}){word}\b", after, re.I)
        if later and _NEGATED_BETWEEN.search(later.group(1)):
            later = None  # "A 105-gram uterus without dysplasia or cancer"
        if re.search(rf"\b{word}\s+(of|in|involving|arising in|from)\s+(the\s+)?((left|right|upper|lower"
                     rf"|outer|inner)\s+){{0,3}}$", before, re.I) or later:
            out.append(s)
    return out


def spread_before(text: str, start: int) -> bool:
    """The site at ``start`` is where a cancer spread to ("metastatic to the lung", "lung metastases")."""
    return bool(re.search(r"\b(metasta\w*|spread|mets|extension|invad\w*|invasion)\s+(to|into|in)\s+(the\s+)?"
                          r"([\w,]+\s+){0,3}$", text[max(0, start - 50):start], re.I))


_HEAD_HINTS = ("oma", "carcinoid", "histiocytosis", "mastocytosis", "fungoides", "dendritic", "myelodysplastic",
               "thrombocyt", "fibrosis", "lymphoproliferative", "leuk", "polycyth", "neuroendocrine", "stromal",
               "germ cell", "phyllodes", "fibrous", "yolk sac", "granulosa", "hodgkin")


def histologies_in(text: str) -> list[tuple[int, int, str]]:
    """Histology phrases in ``text`` with their spans and normal form (lower case, leading grade words cut)."""
    out: list[tuple[int, int, str]] = []
    low = text.lower()
    if not any(h in low for h in _HEAD_HINTS):  # most clauses name no histology: skip the long pattern
        return out
    for m in HISTOLOGY_RE.finditer(text):
        phrase = m.group(0)
        lead = _LEAD_WORDS.match(phrase)
        start = m.start() + (lead.end() if lead and lead.end() < len(phrase) else 0)
        value = re.sub(r"\s+", " ", _ORGAN_IN_PHRASE.sub("", text[start:m.end()])).lower()
        lead = _LEAD_WORDS.match(value)  # "high-grade ovarian serous carcinoma" -> "serous carcinoma"
        value = value[lead.end():] if lead and lead.end() < len(value) else value
        out.append((start, m.end(), value))
    return out


def site_cancer(site_value: str) -> str | None:
    """The root vocabulary cancer of a site word's topography (``prostate`` -> prostate)."""
    hit = _sites().by_tokens.get(tuple(x.lower() for x in _TOKEN.findall(site_value)))
    return hit[2] if hit else None
