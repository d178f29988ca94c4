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
         r"|astrocytomas?|plasmacytomas?|seminomas?|carcinoids?|thrombocyth(?:a)?emia|essential thrombocytosis|polycyth(?:a)?emia vera"
         r"|myelofibrosis|cholangiocarcinomas?|glioblastoma multiforme|lymphoproliferative disorder")
# Words that may stand before the head inside one histology phrase.
_MODIFIERS = (r"invasive|infiltrating|ductal|lobular|papillary|serous|mucinous|clear|cell|squamous|basal|small"
              r"|large|non-small|diffuse|b-cell|t-cell|b|t|follicular|mantle|marginal|zone|hodgkin'?s?|non-hodgkin'?s?"
              r"|bronchioloalveolar|urothelial|transitional|m[uü]llerian|embryonal|alveolar|medullary|anaplastic"
              r"|endometrioid|signet|ring|neuroendocrine|adenoid|cystic|spindle|pleomorphic|undifferentiated"
              r"|sarcomatoid|microinvasive|essential|primary|chronic|acute|myeloid|lymphoblastic|lymphocytic"
              r"|myelogenous|plasma|low-grade|high-grade|low|intermediate|high|grade|to|nodular|sclerosis"
              r"|lymphoplasmacytic|peripheral|cutaneous|hairy|multiple|smoldering|uterine|thyroid|renal|hepatocellular"
              r"|intraductal|in-situ|well-differentiated|poorly-differentiated|moderately-differentiated"
              r"|posttransplant|post-transplant")
HISTOLOGY_RE = re.compile(rf"(?<![\w-])(?:(?:{_MODIFIERS})[\s-]+){{0,5}}(?:{_HEAD})(?![\w-])(?:\s+in situ)?", re.I)
# A cancer word that a site word may stand next to
_CANCER_WORD = r"(?:cancer|carcinoma|adenocarcinoma|malignancy|malignant neoplasm|neoplasm|tumou?r|primary)"
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
    pattern: re.Pattern[str]
    by_word: dict[str, tuple[str, str, str | None]]  # lower word -> (site value, code, root cancer id)


@lru_cache(maxsize=1)
def _sites() -> _Sites:
    topo = knowledge.load("en").get("codes").topography
    roots: dict[str, str] = {}
    for c in load_vocabulary().cancers:
        if c.parent is None:
            for code in c.icd_o3_topography:
                roots.setdefault(code, c.id)
    by_word: dict[str, tuple[str, str, str | None]] = {}
    for t in topo:
        for w in t.words:
            by_word.setdefault(w.lower(), (t.words[0].lower(), t.code, roots.get(t.code)))
    words = sorted(by_word, key=len, reverse=True)
    alternation = "|".join(re.escape(w).replace(r"\ ", r"[\s-]+") for w in words)
    return _Sites(re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.I), by_word)


def _site(m: re.Match[str]) -> Site:
    value, code, cid = _sites().by_word.get(re.sub(r"[\s-]+", " ", m.group(0).lower()), ("", "", None))
    return Site(value, code, cid, m.start(), m.end())


def sites_in(text: str) -> list[Site]:
    """Every site word in ``text``."""
    return [_site(m) for m in _sites().pattern.finditer(text) if m.group(0) not in ("Nose", "Ear", "Lip")]


def sites_next_to_cancer(text: str) -> list[Site]:
    """Sites written as a cancer's place: "prostate adenocarcinoma", "carcinoma of the left breast",
    "cancer in the thyroid"."""
    out = []
    for s in sites_in(text):
        before = text[max(0, s.start - 45):s.start]
        after = text[s.end:s.end + 90]
        if re.search(rf"\b{_CANCER_WORD}\s+(of|in|involving|arising in|from)\s+(the\s+)?((left|right|upper|lower"
                     rf"|outer|inner)\s+){{0,3}}$", before, re.I) or re.match(
                         rf"^[\s,]*((\w+[\s-]+){{0,5}}){_CANCER_WORD}\b", after, re.I):
            out.append(s)
    return out


def spread_before(text: str, start: int) -> bool:
    """The site at ``start`` is where a cancer spread to ("metastatic to the lung", "lung metastases")."""
    return bool(re.search(r"\b(metasta\w*|spread|mets|extension|invad\w*|invasion)\s+(to|into|in)\s+(the\s+)?"
                          r"([\w,]+\s+){0,3}$", text[max(0, start - 50):start], re.I))


def histologies_in(text: str) -> list[tuple[int, int, str]]:
    """Histology phrases in ``text`` with their spans and normal form (lower case, leading grade words cut)."""
    out = []
    for m in HISTOLOGY_RE.finditer(text):
        phrase = m.group(0)
        lead = _LEAD_WORDS.match(phrase)
        start = m.start() + (lead.end() if lead and lead.end() < len(phrase) else 0)
        value = re.sub(r"\s+", " ", text[start:m.end()]).lower()
        out.append((start, m.end(), value))
    return out


def site_cancer(site_value: str) -> str | None:
    """The root vocabulary cancer of a site word's topography (``prostate`` -> prostate)."""
    hit = _sites().by_word.get(site_value.lower())
    return hit[2] if hit else None
