"""Biomarker results in record text: one recogniser per marker, results read after (or just before) the name.

``ALK | No rearrangement detected``, ``negative for ALK rearrangement``, ``EGFR, ALK, ROS1 and MET: negative``,
``PD-L1 (22C3) TPS 60%``, ``HER2 IHC 2+, FISH not amplified``, ``MSS``, ``pMMR``, ``BRCA2 germline pathogenic``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from oncoguide.knowledge.topics import biomarker_groups
from oncoguide.knowledge.vocab_models import load_vocabulary


def _recognisers() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(report name, pattern) of every vocabulary biomarker with report patterns, in vocabulary order."""
    return tuple((b.report_name or b.gene, re.compile("|".join(b.report_patterns), 0 if b.case_sensitive else re.I))
                 for b in load_vocabulary().biomarkers if b.report_patterns)


# (canonical name, pattern), built from the vocabulary (knowledge/vocab/biomarkers*.yaml: report_patterns)
MARKERS = _recognisers()


@lru_cache(maxsize=1)
def _alias_table() -> dict[str, str]:
    """Letters and digits of every vocabulary alias, gene and report name -> the one report name the records
    engine uses (aliases shared by two markers, such as "hormone receptor", are left out)."""
    seen: dict[str, set[str]] = {}
    for b in load_vocabulary().biomarkers:
        name = b.report_name or b.gene
        for spelling in (name, b.gene, *b.aliases):
            seen.setdefault(re.sub(r"[^a-z0-9]", "", spelling.lower()), set()).add(name)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1 and k}


def canonical_name(name: str) -> str | None:
    """The report name of the marker a label or report spelling names ("MLH1" -> MMR, "ERBB2" -> HER2, "EBER" ->
    EBV, "CD117" -> KIT, "Ki67" -> Ki-67), by the vocabulary's report patterns and aliases; a name with words
    after the marker's ("MGMT promoter", "EGFR amplification", "PD-L1 TPS") is that marker's; None when unknown."""
    words = name.split()
    for n in range(len(words), 0, -1):
        text = " ".join(words[:n])
        hit = next((r for r, pattern in MARKERS if pattern.fullmatch(text)), None) or _alias_table().get(
            re.sub(r"[^a-z0-9]", "", text.lower()))
        if hit is not None:
            return hit
    return None
VALUE_MARKERS = frozenset(b.report_name or b.gene for b in load_vocabulary().biomarkers if b.value)
_VALUE = re.compile(r"(?<![\w/.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d/])"
                    r"(\s*(ng/mL|ng/ml|U/mL|units?/mL|mIU/mL|IU/L|U/L|mg/L|mAU/mL|mg/24\s?h))?", re.I)
_ELEVATED = re.compile(r"\b(elevated|high|rising|increased|increasing|raised|abnormal)\b", re.I)
_NORMAL = re.compile(r"\b(normal|undetectable|not detectable|within normal limits|wnl)\b", re.I)
# Group results ("triple-negative" = ER, PR and HER2 negative): knowledge/vocab/biomarker-groups.yaml
_NAMES = {b.id: b.report_name or b.gene for b in load_vocabulary().biomarkers}
GROUPS: tuple[tuple[re.Pattern[str], tuple[str, ...], str], ...] = tuple(
    (re.compile(g.pattern, re.I), tuple(_NAMES[m] for m in g.markers), g.result)
    for g in biomarker_groups.load_shared().groups)
_LITERAL = re.compile(r"\\[^A-Za-z0-9]|[A-Za-z0-9 /:,'-]")


def _runs(item: str) -> tuple[tuple[str, bool], ...] | None:
    """The literal runs every match of one report pattern contains, each with whether it starts a word (it comes
    right after ``\b``); None when the pattern has a top-level alternative or no literal."""
    runs: list[tuple[str, bool]] = []
    run, start, depth, after_b, i = "", False, 0, False, 0

    def close(trim: bool = False) -> None:
        nonlocal run
        text = run[:-1] if trim else run
        if text.strip():
            runs.append((text, start and text[0].isalnum()))
        run = ""

    while i < len(item):
        m = _LITERAL.match(item, i)
        if m and depth == 0:
            if not run:
                start = after_b
            run += m.group(0)[-1]
            after_b, i = False, m.end()
            continue
        ch = item[i]
        close(trim=ch in "?*{")
        if ch == "\\":
            after_b, i = item[i + 1] == "b", i + (6 if item[i + 1] == "u" else 2)
            continue
        if ch == "[":
            i = item.index("]", i + 1)
        elif ch == "|" and depth == 0:
            return None
        depth += (ch == "(") - (ch == ")")
        after_b, i = False, i + 1
    close()
    return tuple(runs) or None


def _contains(text: str, run: str, word_start: bool) -> bool:
    i = text.find(run)
    while i > 0 and word_start and text[i - 1].isalnum():
        i = text.find(run, i + 1)
    return i >= 0


_Runs = tuple[tuple[str, bool], ...]
_Item = tuple[str, _Runs]  # (marker name, required runs of one of its patterns)
_ALNUM = re.compile(r"[A-Za-z0-9]+")


def _holds(text: str, runs: _Runs) -> bool:
    return all(_contains(text, r, w) for r, w in runs)


@dataclass(frozen=True)
class _Index:
    """Patterns (as their required runs) keyed by the letters and digits that start one of their word-start runs,
    and those without one; ``names`` tests a clause (lower-cased for case-insensitive patterns)."""

    keyed: dict[str, list[_Item]]
    lengths: tuple[int, ...]
    inside: tuple[_Item, ...]
    keys: re.Pattern[str]  # the words that start with a key (one regex scan)

    def names(self, text: str, out: set[str]) -> None:
        for m in self.keys.finditer(text):
            word = m.group(0)
            for n in self.lengths:
                if n > len(word):
                    break
                out.update(name for name, runs in self.keyed.get(word[:n], ()) if name not in out
                           and _holds(text, runs))
        out.update(name for name, runs in self.inside if name not in out and runs[0][0] in text
                   and _holds(text, runs))


def _index(items: list[_Item]) -> _Index:
    keyed: dict[str, list[_Item]] = {}
    inside: list[_Item] = []
    for name, runs in items:
        runs = tuple(sorted(runs, key=lambda run: -len(run[0])))  # the longest run rejects a clause first
        starts = [m.group(0) for r, w in runs if w and (m := _ALNUM.match(r))]
        key = max(starts, key=len) if starts else ""
        if len(key) >= 3 or (key and len(runs[0][0]) < 3):
            keyed.setdefault(key, []).append((name, runs))
        else:  # no word-start key, or a short one ("N-MYC"): a substring test of the longest run is faster
            inside.append((name, runs))
    keys = "|".join(re.escape(k) for k in sorted(keyed, key=lambda k: (-len(k), k))) or "(?!)"
    lengths = tuple(sorted({len(k) for k in keyed}))
    return _Index(keyed, lengths, tuple(inside), re.compile(rf"\b(?:{keys})[A-Za-z0-9]*"))


@dataclass(frozen=True)
class _Prefilter:
    """Most clauses name no marker: literal tests of each pattern's required runs are much faster than running
    every pattern. ``lower`` is tested on the lower-cased clause, ``exact`` (case-sensitive markers) on the clause;
    ``rest`` are patterns without a literal run."""

    lower: _Index
    exact: _Index
    rest: tuple[tuple[str, re.Pattern[str]], ...]

    def candidates(self, clause: str) -> set[str]:
        """Names of the markers whose patterns may match ``clause`` (a superset of those that do)."""
        out: set[str] = set()
        self.lower.names(clause.lower(), out)
        self.exact.names(clause, out)
        out.update(name for name, p in self.rest if name not in out and p.search(clause))
        return out

    def may_match(self, clause: str) -> bool:
        return bool(self.candidates(clause))


def _prefilter() -> _Prefilter:
    lower: list[_Item] = []
    exact: list[_Item] = []
    rest: list[tuple[str, re.Pattern[str]]] = []
    for b in load_vocabulary().biomarkers:
        name = b.report_name or b.gene
        for item in b.report_patterns:
            wrapped = item.startswith("(?i:") and item.endswith(")")
            runs = _runs(item[4:-1] if wrapped else item)
            if runs is None:
                rest.append((name, re.compile(item, 0 if b.case_sensitive else re.I)))
            elif b.case_sensitive and not wrapped:
                exact.append((name, runs))
            else:
                lower.append((name, tuple((r.lower(), w) for r, w in runs)))
    return _Prefilter(_index(lower), _index(exact), tuple(rest))


_PREFILTER = _prefilter()
# Result words, earliest match in the window wins. Order only breaks ties at the same position.
_RESULTS = re.compile(
    r"(?P<not_tested>insufficient|\bqns\b|quantity not sufficient|not (performed|tested|assessed|evaluable|done)"
    r"|non-?representative|not representative"
    r"|failed|unable to|could not be)"
    r"|(?P<pending>pending|to follow|will follow|in progress|awaiting|awaited|\bsent\b|\bordered\b"
    r"|not yet (available|resulted|back))"
    r"|(?P<negative>\bnegative\b(?!\s+for\s+(metasta|malignan|tumou?r|carcinoma|neoplas))|\bneg\b|\b(negtive|negitive|negatve|neagtive|negaitve)\b"
    r"|not detected|\bno\b(?! other| long)|none detected|wild[- ]?type|\bwt\b(?![\W_]?1\b)|\babsent\b"
    r"|not amplified|non-?amplified|not rearranged|\bmss\b|microsatellite[- ]stable|\bmsi?-stable\b|\bpmmr\b"
    r"|proficient|\bintact\b"
    r"|retained|\blow\b|(?<![\w.])0(?![\d.%+])|<\s?1\s?%|\(-\)|HER2-low|\bunmutated\b|\bunmethylated\b"
    r"|non-?methylated|not (co-?)?deleted|\bnon-?reactive\b|\bno reactivity\b|\bnot (mutated|methylated)\b"
    r"|\bnon-?mutated\b)"
    r"|(?P<equivocal>equivocal|indeterminate|borderline|\b2\+)"
    r"|(?P<positive>\bpositive\b|\bpos\b|\b(postive|positve|posative|positiv)\b|\bdetected\b|\bidentified\b"
    r"|\bpresent\b|mutated|\bmutant\b|(mutation|mutaion"
    r"|rearr?ange?ment|fusion|amplification)(?!s?\s*(analysis|testing|test|status|panel|screen|study|assay|by|:)"
    r"|s?\b[^.;]{0,30}\b(will be|to be|has been|have been) (ordered|sent|requested|performed|reported)"
    r"|s?\s+(is|are)\s+((highly|strongly)\s+)?(recommended|suggested|advised|indicated|requested))"
    r"|rearranged|amplified|\bhigh\b|msi-h|\bdmmr\b|deficient|\bloss\b|\blost\b"
    # a protein change in a variant table's cell ("PIK3CA | H1047R | 32%", "TP53 p.R273H")
    r"|(?<![\w.-])(p\.)?[ACDEFGHIKLMNPQRSTVWY]\d{1,4}([ACDEFGHIKLMNPQRSTVWY]|\*|fs\*?\d*)(?![\w-])"
    r"|\b3\+|overexpress|(?<=\w)\+|\bV600[EK]\b|\bG12[A-Z]\b|\bL858R\b|\bT790M\b"
    r"|exon\s?(19|20|14)(?!\s*(results?|testing|tests?|analysis|status|sequencing|panel|assay|(is|was|were|are) "
    r"(not|negative|pending)))"
    r"|(?<=\()\s?[A-Z]\d{1,4}[A-Z*]?\s?(?=\))"
    r"|\bp\.[A-Z]\d+|pathogenic|\bskipping\b|\bmethylated\b|\b(co-?)?deleted\b|\bco-?deletion\b"
    r"|\breactive\b|\bbright\b|\bdim(ly)?\b"
    r"|\b(strong|diffuse|patchy|focal|weak|moderate|block-like)\b[\w ,-]{0,25}?\b(staining|immunoreactivity"
    r"|positivity)\b|\bstain(s|ed)?\s+(a\s+)?(minority|subset|majority|scattered|rare|occasional|many|most"
    r"|numerous|all)\b|^-(associated|related|mediated|driven)\b"
    r"|(?<![<\d.])[1-9]\d{0,2}(\.\d+)?\s?% of (the )?(interphase )?(nuclei|metaphases)\b)",
    re.I,
)
# "positive for CD20, PAX5 and BCL6": an IHC panel led by its result (the list shares it; see read_markers)
# "immunopositive for GFAP", "immunoreactive with CD10", "(positive for X) and focally for EMA"
_POS_FOR = r"((positive|immunoreactive|immuno-?positive|reactive) (for|with)|(focally|strongly|diffusely|weakly) for)\b"
_ANY_FOR = r"(negative|positive|immunoreactive|immuno-?(positive|negative)|reactive) for\b"
_LEADING_POSITIVE = re.compile(rf"\b{_POS_FOR}[\w \t-]{{0,30}}$|\b(express(es|ing)?"
                               r"|co-?express(es|ing)?)\s+(\w+\s+){0,2}$", re.I)
# Prose stains: "Tumor cells show partial reactivity with cytokeratin-7", "show nuclear reactivity with thyroid
# transcription factor marker (TTF-1)" (read up to 60 characters back; a "no" before it is a negation, read first)
_REACTIVITY = r"((cytoplasmic|nuclear|membranous|partial|focal|diffuse|strong|weak|patchy|and|\s)*(immuno)?reactivity" \
    r"|(strong|diffuse|focal|patchy|weak|positive)\s+(nuclear\s+|cytoplasmic\s+|membranous\s+)?staining)\s+(with|for|to)\b"
_SHOW = r"(show(s|ed|ing)?|demonstrat\w+|exhibit\w*|display\w*|ha(s|ve))\s+"
_PROSE_POSITIVE = re.compile(rf"\b{_SHOW}{_REACTIVITY}"
                             r"[\w \t,()/-]{0,40}$", re.I)
# "No neuroendocrine differentiation is demonstrated with synaptophysin and chromogranin stains", "No significant
# reactivity is demonstrated with melanoma marker HMB-45"
_PROSE_NEGATIVE = re.compile(r"\bno\b[\w \t,/-]{0,50}?\b(is|are|was|were)\s+(demonstrated|seen|identified|noted"
                             r"|detected)\s+(with|by|on|using)\b[\w \t-]{0,40}$"
                             r"|\b(no|without)\s+(evidence\s+of\s+|significant\s+|convincing\s+)?(immuno)?(reactivity"
                             r"|staining)\s+(for|with)\b[\w \t,(/-]{0,45}$", re.I)
# MMR proteins and the other stains whose loss is the finding: "Immunostains for MLH1 and PMS2 reveal absence of
# nuclear staining" (loss, positive); "reveal intact nuclear staining" (retained, negative)
_LOSS_MARKERS = frozenset({"MMR", "INI1", "BAP1", "ATRX", "H3K27me3", "Rb"})
_LOSS_AFTER = re.compile(r"^\W*((\w+\s+){0,3}?(reveal|show|demonstrate|display)s?\s+)?((complete|total|aberrant)\s+)?"
                         r"(absence|loss|lack)\s+of\s+((nuclear|cytoplasmic)\s+)?(staining|expression|immunoreactivity)"
                         r"|^\W*((\w+\s+){0,3}?(reveal|show|demonstrate|display)s?\s+)?(no|absent)\s+((nuclear|cytoplasmic)\s+)?"
                         r"(staining|expression)", re.I)
_KEPT_AFTER = re.compile(r"^\W*((\w+\s+){0,3}?(reveal|show|demonstrate|display)s?\s+)?"
                         r"(intact|retained|normal|preserved)\s+((nuclear|cytoplasmic)\s+)?"
                         r"(staining|expression|immunoreactivity)", re.I)
_ABSENT_AFTER = re.compile(r"^\W*((\w+\s+){0,3}?(reveal|show|demonstrate|display)s?\s+)?(absence|lack)\s+of\s+"
                           r"((nuclear|cytoplasmic)\s+)?(staining|expression|immunoreactivity)", re.I)
_NEXT_PHRASE = re.compile(rf";|\b{_ANY_FOR}|\b(but|while|whereas)\b", re.I)
_NEXT_LEAD = re.compile(rf"\b{_ANY_FOR}[\w \t-]{{0,30}}$", re.I)  # the next marker's own cue
_LED_POSITIVE = re.compile(rf"{_POS_FOR}|(co-?)?express|({_SHOW})?{_REACTIVITY}", re.I)
# a state written before the marker's name ("unmutated IGHV", "methylated MGMT promoter", "amplified MYCN")
_STATE_BEFORE = re.compile(r"\b(?P<state>unmutated|mutated|methylated|unmethylated|non-?methylated|amplified"
                           r"|non-?amplified|not amplified|rearranged|wild-?type|overexpressed)\s+$", re.I)
_FOUND_WITH = re.compile(r"\b(with|has|had|harbou?r(s|ed|ing)?|show(s|ed|ing)|reveal(s|ed|ing)|demonstrat\w+)\s+$",
                         re.I)
# "It was not N-Myc amplified", "not MYC rearranged": a "not" right before the name negates the state after it
_NOT_BEFORE = re.compile(r"\b(not|non-?)\s*$", re.I)
_STATE_AFTER = re.compile(r"^[\s-]*(gene\s+)?(amplified|rearranged|mutated|deleted|methylated|translocated"
                          r"|over-?expressed|expressed)\b", re.I)
_LEADING_NEGATION = re.compile(r"\b(negative for|immuno-?negative for|no evidence of|absence of|without|no|but not"
                               r"|(normal|intact|retained|preserved) ((nuclear|cytoplasmic) )?(expression|staining)"
                               r" (of|for)"
                               r"|(does|did|do|has|have|had) not (have|harbou?r|carry|show))\b"
                               r"[\w \t-]{0,30}$", re.I)
# a list of genes after "no pathogenic variants were identified in the following genes:" (read up to 90 characters
# back, and on through the list: "BRCA1, BRCA2 or PALB2")
_NO_VARIANTS_IN = re.compile(r"\bno (pathogenic |likely pathogenic |deleterious |reportable |clinically significant "
                             r"|actionable )*(variants?|mutations?|alterations?)( (was|were))? (detected|identified"
                             r"|found) in( the)?( following)?( genes?)?:?[\w\s,/-]{0,50}$", re.I)
_NEGATED_AFTER = re.compile(r"^([\w\s-]{0,25}?|[\s:,-]*(\([^()]{0,30}\))?[\s:,-]*)\b(not detected|not identified"
                            r"|not found|not seen|negative|absent|were not|was not|is not|are not)\b", re.I)
# "<1%", "less than 1%" (a bound below, never the value itself: "less than 1%" is negative, not 1%)
_LESS = r"(<\s?|(?:less|fewer|lower) than\s+|below\s+|under\s+)"
_PERCENT = re.compile(rf"{_LESS}?(\d{{1,3}}(?:\.\d+)?)\s?%", re.I)
_TPS = re.compile(rf"\b(TPS|CPS|TC|IC)\b(?:(?!(?:less|fewer|lower) than|below|under)[^0-9<]){{0,12}}{_LESS}?"
                  r"(\d{1,3})\s?%?", re.I)
_HER2_IHC = re.compile(r"(?:IHC|score|HercepTest)?[^0-9]{0,12}\b([0-3])\s?(\+)?(?!\d|\s?%)", re.I)
_FISH = re.compile(r"(not\s+amplified|non-?amplified|amplified)", re.I)
# "11 mut/Mb", or a bare number right after the name ("TMB 3", "TMB: 3.2"), which is per megabase
_TMB_VALUE = re.compile(r"(\d+(?:\.\d+)?)\s*(mut(ations)?\s*/\s*Mb|muts?/Mb)"
                        r"|^[\s:=]{1,3}(\d{1,3}(?:\.\d+)?)(?![\d%/]|\.\d)", re.I)
_VARIANT = re.compile(
    r"exon\s?19\s?(deletion|del\b)|ex19del|exon\s?20\s?(insertion|ins\b)|exon\s?14\s?skipping|\bL858R\b|\bT790M\b"
    r"|\bC797S\b|\bV617F\b|\bR132[HC]\b|\bR140Q\b|\bD816V\b|\bITD\b|\bV600[EK]\b|\bG12[A-Z]\b|\bG13D\b|\bQ61[A-Z]\b|\bE545K\b|\bH1047R\b|\bD538G\b|\bY537S\b"
    r"|(?<=\()\s?[A-Z]\d{1,4}[A-Z*]?\s?(?=\))|\b(EML4|CD74|KIF5B|CCDC6|SLC34A2|ETV6)\b|\bc\.\d+[\w>_+-]*"
    r"|\bp\.\(?[A-Z][a-z]{2}\d+\w*\)?", re.I)
_METHOD = re.compile(r"\b(FISH|IHC|NGS|PCR|ctDNA|liquid biopsy|sequencing|immunohistochemistry)\b", re.I)
_ORIGIN = re.compile(r"\b(germline|somatic)\b", re.I)
# a stain on the control tissue, not the tumour: "normal glands serve as internal positive controls expressing MLH1"
_CONTROL = re.compile(r"\bcontrols?\s+(express(es|ing)?|stain(s|ing)?|show(s|ing)?)\s+$", re.I)
_UNLIKELY = re.compile(r"\b(probability of|risk of|unlikely|rule out|r/o|to exclude|screen(ing)? for)\s+$", re.I)
_LEADING_LOSS = re.compile(r"\b(loss of|lost|absent)\b[\w \t-]{0,20}$", re.I)
_FINDINGS_LIST = re.compile(r"^\W*(genomic (findings|alterations)|(pathogenic )?(mutations?|alterations?|variants?)"
                            r"( detected| identified| found)?)\s*:", re.I)
# A list that starts with its result: "Negative: ER, PR, CA19-9, WT1" / "Positive: p16 (CDKN2A), E-cadherin" /
# "NEGATIVE FOR reportable variants in: FLT3-TKD (D835/I836), IDH1, TP53".
_RESULT_LABEL = re.compile(r"^\W*(?P<result>positive|negative|not detected|detected)( for)?"
                           r"( (reportable |pathogenic )?(variants?|mutations?|alterations?|fusions?) in)?"
                           r"\s*(:|-(?=\s*\w))", re.I)
# a qualifier in brackets may stand between two markers of one list: "CA9 (focal) and CD10 (focal)"
_SEPARATORS = re.compile(r"^[\s,/&|()]*(\((focal(ly)?|weak(ly)?|patchy|diffuse(ly)?|strong(ly)?|rare|scattered)"
                         r"[\w ,-]{0,15}\))?[\s,/&|()]*(and|or)?[\s,/&|()]*((mono|poly)clonal\s+)?$", re.I)
_WINDOW = 110
# Context before a marker name that sets its result when nothing after it does ("insufficient tissue for ALK").
_LEADING_STATUS = re.compile(
    r"\b((?P<not_tested>insufficient (tissue|material|sample|specimen|tumou?r( cells)?|dna)|quantity not sufficient"
    r"|qns|unable to (perform|assess|test|evaluate)|could not (perform|assess|test|evaluate)|not (performed|tested"
    r"|assessed|evaluated) for|no tissue)|(?P<pending>awaiting|pending|sent (out )?for|ordered"
    r"|(will be |to be )?submitted\b[\w ]{0,20}?\bfor))\b[\w \t,/:()-]{0,30}$",
    re.I)
# Hedges: "possible EGFR mutation", "ALK rearrangement cannot be excluded" are uncertain, never positive.
_HEDGE_BEFORE = re.compile(r"\b(possible|possibly|probable|probably|likely|suspicious for|suspect(ed)?|suggestive of"
                           r"|questionable|presumed|presumptive|cannot (be )?(ruled? out|excluded?)|may (have|harbou?r"
                           r"|represent))\b[\w \t-]{0,25}$", re.I)
_HEDGE_AFTER = re.compile(r"\b(cannot be (excluded|ruled out)|not (be )?(excluded|ruled out)|(is|are|was) (suspected"
                          r"|possible|probable|likely|favou?red)|suspected|questionable)\b|\?", re.I)
# The noun phrase after a leading cue's marker: "negative for ALK [rearrangement]", "no EGFR [mutation identified]"
_NOUN_TAIL = re.compile(r"^(\s+gene)?\s+(rearrangements?|mutations?|fusions?|alterations?|amplifications?"
                        r"|translocations?|variants?|(over)?expression|testing|tests?|analysis)((\s+(was|were|is|are"
                        r"|has been|have been))?\s+(identified|detected|found|seen|noted|performed))?", re.I)
_VERB_TAIL = re.compile(r"\s+(mutation\s+|fusion\s+|rearrangement\s+)?(was\s+|is\s+)?(detected|identified|present"
                        r"|positive|negative|not detected)\b", re.I)
_PARTNER = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]{1,7})-$")  # EML4-ALK, KIF5B-RET: the fusion partner
_TYPO = re.compile(r"\b(EFGR|EGRF|mutaion|mutatoin|rearangement|rearrangment|postive|positve|posative|positiv|negtive"
                   r"|negitive|negatve|neagtive|negaitve)\b", re.I)
CONFIDENT, TYPO, UNCERTAIN = 0.9, 0.7, 0.5
BOUND = 0.7  # a result bound from another sentence


@dataclass(frozen=True)
class Reading:
    """One marker result read from a clause: offsets are within the clause."""

    name: str
    result: str
    detail: str | None
    method: str | None
    origin: str | None
    start: int
    end: int
    confidence: float = CONFIDENT


def _mentions(clause: str) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    candidates = _PREFILTER.candidates(clause)
    if not candidates:  # most clauses name no marker
        return found
    # leftmost-longest: "t(8;14) IGH/MYC" is one t(8;14) mention, not also MYC; at one start and length, the
    # vocabulary order decides
    matches = [(m.start(), -(m.end() - m.start()), rank, name, m.end()) for rank, (name, pattern) in enumerate(MARKERS)
               if name in candidates for m in pattern.finditer(clause)]
    taken: set[int] = set()
    for begin, _, _, name, stop in sorted(matches):
        if any(i in taken for i in range(begin, stop)):
            continue
        taken.update(range(begin, stop))
        found.append((name, begin, stop))
    found.sort(key=lambda x: x[1])
    # "RET fusion (KIF5B-RET)": the second RET is part of the fusion's name, not a new mention
    found = [f for i, f in enumerate(found) if not (_PARTNER.search(clause[max(0, f[1] - 9):f[1]]) and any(
        g[0] == f[0] and f[1] - g[2] < 40 for g in found[:i]))]
    # MMR proteins listed together (MLH1, MSH2, MSH6, PMS2) are one MMR reading
    merged: list[tuple[str, int, int]] = []
    for f in found:
        if merged and f[0] == "MMR" and merged[-1][0] == "MMR" and _SEPARATORS.match(clause[merged[-1][2]:f[1]]):
            merged[-1] = ("MMR", merged[-1][1], f[2])
        else:
            merged.append(f)
    return merged


_INTRINSIC = {"mss": "negative", "msi-h": "positive", "msi-high": "positive", "msi-l": "negative",
              "msi-low": "negative", "dmmr": "positive", "pmmr": "negative", "tmb-h": "positive", "tmb-l": "negative",
              "microsatellite stable": "negative"}
_VARIANT_FIRST = re.compile(r"^[\s:,-]*((p\.)?[A-Z]\d{2,4}([A-Z](?![a-z])|\*|fs\*?\d*)|p(190|210|230)\b)")
# A translocation written in a karyotype ("46,XY,t(9;22)(q34;q11.2)[20]") is present
_IN_KARYOTYPE = re.compile(r"\b\d{2,3}(~\d{2,3})?(<\dn>)?,\s?(X{1,2}Y?|XY|X)(,[^\s,]+)*,$")
_KARYOTYPE = re.compile(r"^[\s:]*(?P<k>\d{2,3}(~\d{2,3})?(<\dn>)?,\s?X{1,2}Y?(\[\d+\])?(,[^\s,]+)*(/[^\s]+)*)"
                        r"(?<![.,;])")  # an ISCN string: "46,XY,t(11;14)(q13;q32)[14]/46,XY[6]"
_NORMAL_KARYOTYPE = re.compile(r"46,X[XY](\[\d+\])?")
_SIGN = re.compile(r"^\s*(\+|-|\u2212)(?![\w\d])|^\s*(\+|-|\u2212)(?=/)")
_CELL = re.compile(r"^[^:|.;]{0,60}?[:|]\s*")  # the test's name up to its result cell
_PHRASE_END = re.compile(r"[|;\n]|,\s(?=[A-Z])|\.\s|\.$|\)")


# "BRAF V600E mutation analysis": a variant that names a test, not a finding; "sequencing to detect a mutation"
_TEST_NAME_AFTER = re.compile(r"\w*\s+(mutation\s+|gene\s+)?(analysis|testing|tests?|assay|sequencing|status|panel"
                              r"|PCR)\b", re.I)
# "BRAF genetic analysis might, if positive, help": a result a test could give, not one it gave
_CONDITIONAL = re.compile(r"\b(if|might|would|could|whether)\b[\w ,-]{0,20}$", re.I)
_PURPOSE = re.compile(r"\bto (detect|identify|look for|assess|evaluate|exclude|rule out|confirm|screen for"
                      r"|search for)\b[\w ,-]{0,30}$", re.I)


def _result(name: str, window: str) -> tuple[str | None, int]:
    """The result a window states (and where it ends), with marker-specific value rules."""
    sign = _SIGN.match(window)
    if sign:
        return ("positive" if "+" in sign.group(0) else "negative"), sign.end()
    if name in _LOSS_MARKERS:  # "MLH1 and PMS2 reveal absence of nuclear staining": the loss is the finding
        loss, kept = _LOSS_AFTER.match(window), _KEPT_AFTER.match(window)
        if loss or kept:
            return ("positive", loss.end()) if loss else ("negative", kept.end())  # type: ignore[union-attr]
    absent = _ABSENT_AFTER.match(window)
    if absent:  # "CK7 shows absence of staining": not expressed
        return "negative", absent.end()
    cell = _CELL.match(window)  # "ALK rearrangement by IHC: Negative": the stated result beats the test's name
    if cell:
        word = _RESULTS.match(window, cell.end())
        stated = word is not None and (word.lastgroup != "positive" or re.match(
            r"positive|pos\b|detected|present", word.group(0), re.I) is not None)
        if word is not None and stated:
            after = _NEGATED_AFTER.match(window[word.end():]) if word.lastgroup == "positive" else None
            return ("negative", word.end() + after.end()) if after else (word.lastgroup, word.end())
    if name in VALUE_MARKERS:
        amount = _VALUE.search(window, 0, 40)
        high, normal = _ELEVATED.search(window, 0, 40), _NORMAL.search(window, 0, 30)
        if high:
            return "positive", max(amount.end() if amount else 0, high.end())
        if normal:
            return "negative", normal.end()
        if amount:
            return "unknown", amount.end()
        # no value: a stain's stated result ("PSA and NKX3.1 immunostains negative") is read as any marker's, when it
        # is near ("low PSA with a solitary core biopsy positive": the biopsy's, not the PSA's)
        word = _RESULTS.search(window)
        if word is not None and word.start() > 25:
            return None, 0
    if name == "PD-L1":
        m = _TPS.search(window) or _PERCENT.search(window)
        if m:
            less, value = (m.group(2), m.group(3)) if m.re is _TPS else (m.group(1), m.group(2))
            return ("negative" if less or float(value) < 1 else "positive"), m.end()
    if name in ("ER", "PR"):
        m = _PERCENT.search(window)
        word = _RESULTS.search(window)
        if m and (word is None or m.start() < word.start()):
            return ("negative" if m.group(1) or float(m.group(2)) < 1 else "positive"), m.end()
    if name == "HER2":
        fish = _FISH.search(window)
        if fish:
            return ("negative" if "not" in fish.group(1).lower() or "non" in fish.group(1).lower()
                    else "positive"), fish.end()
        low = re.search(r"HER2-low|\blow\b", window, re.I)
        if low:
            return "negative", low.end()
        ihc = _HER2_IHC.search(window)
        word = _RESULTS.search(window)
        if ihc and (word is None or ihc.start() <= word.start() or word.group(0) in ("0", "2+", "3+")):
            score = ihc.group(1)
            return {"0": "negative", "1": "negative", "2": "equivocal", "3": "positive"}[score], ihc.end()
    if name == "TMB":
        m = _TMB_VALUE.search(window)
        word = _RESULTS.search(window)
        if m and (word is None or word.lastgroup not in ("pending", "not_tested")):
            value = float(m.group(1) or m.group(4))
            return ("positive" if value >= 10 else "negative"), max(m.end(), word.end() if word else 0)
    if name == "MSI":
        stable = re.match(r"\W*(status\W*)?(stable|MSS\b)", window, re.I)
        if stable:
            return "negative", stable.end()
    if name == "Ki-67":
        m = _PERCENT.search(window)
        if m:
            return "unknown", m.end()
    m = _RESULTS.search(window)
    variant = _VARIANT_FIRST.match(window)
    if m is None and variant and not _TEST_NAME_AFTER.match(window, variant.end()):
        return "positive", variant.end()  # "TET2 Q810*, VAF 22%": a named variant is a finding
    test = _TEST_NAME_AFTER.match(window, m.end()) if m and m.lastgroup == "positive" and re.fullmatch(
        r"(p\.)?[A-Z]\d{1,4}[A-Z*]?|exon\s?\d+", m.group(0), re.I) else None
    if test:  # "BRAF V600E mutation analysis: positive", "KRAS G12C testing is pending": the test's name
        m = _RESULTS.search(window, test.end())
    if m and m.lastgroup == "positive" and (_PURPOSE.search(window, max(0, m.start() - 40), m.start()) or
                                            _CONDITIONAL.search(window, max(0, m.start() - 25), m.start())):
        return None, 0  # "IDH2 exon 4 sequencing to detect a rarer mutation": what a test looks for, not a finding
    if m and m.lastgroup == "positive":
        after = _NEGATED_AFTER.match(window[m.end():])
        if after:  # "fusions were not detected", "V600E not detected"
            return "negative", m.end() + after.end()
    return (m.lastgroup, m.end()) if m else (None, 0)


def _detail(name: str, window: str) -> str | None:
    if name in VALUE_MARKERS:
        amount = _VALUE.search(window, 0, 40)
        return (amount.group(1) + (f" {amount.group(3)}" if amount.group(3) else "")) if amount else None
    if name == "PD-L1":
        m = _TPS.search(window)
        if m:
            score = m.group(1).upper()  # CPS is a score, not a percentage
            return f"{score} {'<' if m.group(2) else ''}{m.group(3)}{'' if score == 'CPS' else '%'}"
        span = re.search(r"\b(\d{1,3})\s?[-\u2013]\s?(\d{1,3})\s?%", window)  # a band: "low (1-49%)"
        if span:
            return f"TPS {span.group(1)}-{span.group(2)}%"
        p = _PERCENT.search(window)
        return f"TPS {'<' if p.group(1) else ''}{p.group(2)}%" if p else None
    if name in ("ER", "PR", "Ki-67"):
        p = _PERCENT.search(window)
        return f"{'<' if p.group(1) else ''}{p.group(2)}%" if p else None
    if name == "HER2":
        ihc = _HER2_IHC.search(window)
        return f"IHC {ihc.group(1)}{'+' if ihc.group(1) != '0' else ''}" if ihc and re.search(
            r"IHC|\+|score|HercepTest|^\W*[0-3]\b", window, re.I) else None
    if name == "TMB":
        m = _TMB_VALUE.search(window)
        return f"{m.group(1) or m.group(4)} mut/Mb" if m else None
    m = _VARIANT.search(window)
    if not m:  # "MET amplification" (not exon 14 skipping)
        amp = re.match(r"^\W*(gene\s+)?(amplification|amplified)\b", window, re.I)
        return "amplification" if amp else None
    v = m.group(0)
    v = re.sub(r"(?i)^exon\s?19\s?del(etion)?$|^ex19del$", "exon 19 deletion", v)
    v = re.sub(r"(?i)^exon\s?20\s?ins(ertion)?$", "exon 20 insertion", v)
    v = re.sub(r"(?i)^exon\s?14\s?skipping$", "exon 14 skipping", v)
    return v.upper() if re.fullmatch(r"[A-Za-z]\d+[A-Za-z]", v) else v


def _balanced(window: str, used: int) -> int:
    """``used`` moved so that the quote does not end inside an open parenthesis."""
    quote = window[:used]
    if quote.count("(") <= quote.count(")"):
        return used
    close = window.find(")", used)
    if 0 <= close < used + 40:
        return close + 1
    return len(window[:quote.rfind("(")].rstrip(" ,:;-"))


@lru_cache(maxsize=1)
def _states() -> dict[str, tuple[tuple[str, re.Pattern[str], str], ...]]:
    """Marker report name -> its stated states (name, pattern, result), in ``context.yaml`` order."""
    from oncoguide import knowledge

    model = knowledge.load("en").get("context")
    out: dict[str, list[tuple[str, re.Pattern[str], str]]] = {}
    for s in model.states if model is not None else ():
        for marker in s.markers:
            out.setdefault(marker, []).append((s.name, re.compile(s.pattern, re.I), s.result))
    return {k: tuple(v) for k, v in out.items()}


def _state(name: str, quote: str) -> tuple[str, str] | None:
    """The stated state (its name and result) a marker's quote holds ("IGHV unmutated" -> unmutated, negative)."""
    for state, pattern, result in _states().get(name, ()):
        for m in pattern.finditer(quote):  # "TMB 4 mut/Mb (not high)", "MSI-High not detected": not that state
            if not (_STATE_NOT_BEFORE.search(quote, 0, m.start()) or _STATE_NOT_AFTER.match(quote, m.end())):
                return state, result
    return None


_STATE_NOT_BEFORE = re.compile(r"\b(not|no|non)[\s-]*$", re.I)
_STATE_NOT_AFTER = re.compile(r"[\s:,-]*(not (detected|identified|present|seen|found)|negative|absent)\b", re.I)


_RATIO_AFTER = re.compile(r"\s?(/|:)\s?(CEP\s?17|chromosome 17|centromere)", re.I)


def _read_one(clause: str, mentions: list[tuple[str, int, int]], i: int, after: int) -> Reading | None:
    """The result of mention ``i``: read after the name, else from a leading cue (after ``after``, where the
    previous reading ended); hedges make it uncertain."""
    name, start, end = mentions[i]
    if name == "HER2" and _RATIO_AFTER.match(clause, end):
        return None  # "HER2/CEP17 ratio 5.2": the ratio of the FISH result already read, not a new HER2 result
    stop = mentions[i + 1][1] if i + 1 < len(mentions) and name != "karyotype" else len(clause)
    window = clause[end:min(stop, end + _WINDOW)]
    before = clause[max(0, start - 30):start]
    own = clause[max(0, start - 30, after):start]  # cues that are not the previous marker's result
    hedge = _HEDGE_BEFORE.search(own)
    if (_UNLIKELY.search(before) and not hedge) or _CONTROL.search(before):
        return None
    result, used = _result(name, window)
    if result is not None and i + 1 < len(mentions) and stop == mentions[i + 1][1] and _STATE_BEFORE.search(
            window) and not window[used:].strip():  # "del(17p) and unmutated IGHV": the state is IGHV's
        result, used = None, 0
    state_first = _STATE_BEFORE.search(clause[max(0, start - 30, after):start]) if result is None else None
    if state_first:  # "unmutated IGHV", "methylated MGMT", "amplified MYCN": the state written first
        word = state_first.group("state").lower()
        result = "negative" if word.startswith(("un", "non", "wild", "not")) else "positive"
    named = result is None and re.match(r"(del|t|inv)\(|monosomy|trisomy", clause[start:end], re.I) and \
        _FOUND_WITH.search(clause[max(0, start - 30, after):start])
    if named:  # "CLL with del(17p)": a named chromosomal change that the patient has
        result, used = "positive", 0
    iscn = _KARYOTYPE.match(window) if name == "karyotype" else None
    if iscn:  # "Karyotype: 46,XY,t(11;14)(q13;q32)[14]/46,XY[6]": normal or not, the string is the detail
        result, used = ("negative" if _NORMAL_KARYOTYPE.fullmatch(iscn.group("k")) else "positive"), iscn.end()
    if name == "light chain restriction" and result is None:  # "lambda-restricted": a clonal B-cell finding
        result = "positive"
    nxt = _NEXT_LEAD.search(window) if i + 1 < len(mentions) else None
    if nxt and nxt.start() < used:  # "BCL6; negative for CD3": that result leads the next marker, not this one
        result, used = None, 0
    lead_value = re.search(r"\b(elevated|rising|increased|raised|high)\s+(serum\s+)?$", before, re.I) \
        if name in VALUE_MARKERS and result in (None, "unknown") else None
    if lead_value:  # "an elevated CA 19-9"
        result = "positive"
    loss = _LEADING_LOSS.search(before) if name == "MMR" else None
    if loss:
        result, used = "positive", 0
    if result is None and clause[start:end].startswith("t(") and _IN_KARYOTYPE.search(clause, 0, start):
        result, used = "positive", 0
    intrinsic = _INTRINSIC.get(clause[start:end].lower())
    if intrinsic and result not in ("pending", "not_tested") and not _NEGATED_AFTER.match(window):
        result, used = intrinsic, 0
    if used:
        tail = _PHRASE_END.search(window, used)
        stop = tail.start() if tail else len(window)
        used = stop if stop - used < 40 else used
        used = len(window[:used].rstrip())
    first = start - len(before) + loss.start() if loss else start
    if lead_value:
        first = start - len(before) + lead_value.start()
    lead = _LEADING_NEGATION.search(before)
    if lead and result in (None, "positive"):
        result, used, first = "negative", 0, start - len(before) + lead.start()
    not_before = _NOT_BEFORE.search(before)
    not_state = _STATE_AFTER.match(window) if not_before else None
    if not_before and not_state and not lead and result in (None, "positive"):
        lead = not_before
        result, used, first = "negative", not_state.end(), start - len(before) + not_before.start()
    far = clause[max(0, start - 90):start]
    none_in = _NO_VARIANTS_IN.search(far) if not lead and result in (None, "positive") else None
    if none_in:
        result, used, first = "negative", 0, start - len(far) + none_in.start()
    if not lead and result in (None, "positive"):
        prose_neg = _PROSE_NEGATIVE.search(clause, max(0, start - 120, after), start)
        if prose_neg:
            lead = prose_neg
            result, used, first = "negative", 0, prose_neg.start()
    lead_pos = _LEADING_POSITIVE.search(own) if not lead else None
    if lead_pos is None and not lead and result is None:
        prose = _PROSE_POSITIVE.search(clause, max(0, start - 70, after), start)
        if prose:
            result, used, first = "positive", 0, prose.start()
            lead_pos = prose
    if lead_pos and (result is None or _NEXT_PHRASE.search(window, 0, used)):  # the window's result is the next list's
        result, used, first = "positive", 0, start - len(own) + lead_pos.start()
    status = _LEADING_STATUS.search(own) if result is None else None
    if status:
        result = "not_tested" if status.group("not_tested") else "pending"
        used, first = 0, start - len(own) + status.start()
    if result is None and _FINDINGS_LIST.match(clause):
        result, used = "positive", 0  # a gene listed under "Genomic alterations:" is altered
    if result is None:
        return None
    if used == 0 and (lead or status or lead_pos):
        noun = _NOUN_TAIL.match(window)
        used = noun.end() if noun else 0
    late = _HEDGE_AFTER.search(window, 0, used + 30) if result in ("positive", "negative") else None
    uncertain = bool(hedge) or late is not None
    if uncertain and result == "positive":
        result = "equivocal"
    if hedge:
        first = min(first, start - len(own) + hedge.start())
    if late is not None:
        used = max(used, late.end())
    used = _balanced(window, used)
    verb = _VERB_TAIL.match(window, used) if result in ("positive", "negative") else None
    used = len(window[:verb.end() if verb else used].rstrip(" ,;:/"))
    partner = _PARTNER.search(clause[max(0, start - 9):start])
    if partner and result == "positive":
        first = min(first, start - len(partner.group(0)))
    wide = clause[max(0, start - 40):end + _WINDOW]
    method = _METHOD.search(window) or _METHOD.search(own)
    origin = _ORIGIN.search(wide)
    detail = _detail(name, window) if result in ("positive", "equivocal", "unknown") or name in (
        "PD-L1", "TMB", "HER2", "ER", "PR", *VALUE_MARKERS) else None
    if iscn:
        detail = iscn.group("k")
    elif name == "light chain restriction" and result == "positive":
        detail = clause[start:end].split()[0].split("-")[0].lower()
    if detail is None and partner and result == "positive":
        detail = partner.group(1)
    if state_first and detail is None:
        detail = state_first.group("state").lower()
        first = start - len(clause[max(0, start - 30, after):start]) + state_first.start()
    aside = re.match(r"\s*\([^()]{0,30}\)", clause[end + used:])  # "HER2 IHC 1+ (HER2-low)"
    state = _state(name, clause[start:end + used + (aside.end() if aside else 0)]) if result in (
        "positive", "negative", "equivocal", "unknown") else None
    if state is not None:  # "IGHV unmutated", "HER2-low (IHC 1+)": the stated state heads the detail
        result = state[1]
        detail = state[0] if not detail else detail if detail.startswith(state[0]) else f"{state[0]}, {detail}"
    confidence = UNCERTAIN if uncertain else TYPO if _TYPO.search(clause, first, end + used) else CONFIDENT
    return Reading(name, result, detail, _method(method.group(1)) if method else None,
                   origin.group(1).lower() if origin else None, first, end + used, confidence)


def read_markers(clause: str) -> list[Reading]:
    """Every marker result the clause states; a marker named without a result is not read."""
    mentions = _mentions(clause)
    readings: list[Reading | None] = []
    for i in range(len(mentions)):
        after = readings[-1].end if readings and readings[-1] else mentions[i - 1][2] if i else 0
        readings.append(_read_one(clause, mentions, i, after))
    # "EGFR, ALK, ROS1 and MET: negative": a marker followed only by separators shares the next one's result
    for i in range(len(mentions) - 2, -1, -1):
        nxt = readings[i + 1]
        if readings[i] is None and nxt is not None and _SEPARATORS.match(clause[mentions[i][2]:mentions[i + 1][1]]):
            name, start, _ = mentions[i]
            readings[i] = Reading(name, nxt.result, None, nxt.method, nxt.origin, start, nxt.end, nxt.confidence)
    # "no EGFR, ALK or ROS1 alterations", "insufficient tissue for EGFR and ALK": a leading cue covers the list,
    # and every marker of the list is quoted with the whole phrase
    chains: list[list[int]] = []
    for i in range(1, len(mentions)):
        prev = readings[i - 1]
        led = bool(chains and chains[-1][-1] == i - 1) or (prev is not None and prev.start < mentions[i - 1][1])
        head = readings[chains[-1][0]] if chains and chains[-1][-1] == i - 1 else prev
        led_pos = head is not None and prev is not None and prev.result == "positive" \
            and _LED_POSITIVE.match(clause, head.start) is not None
        if prev is not None and (prev.result in ("negative", "not_tested", "pending") or led_pos) and led \
                and _SEPARATORS.match(clause[mentions[i - 1][2]:mentions[i][1]]):
            name, start, end = mentions[i]
            noun = _NOUN_TAIL.match(clause[end:])
            readings[i] = Reading(name, prev.result, None, prev.method, prev.origin, start,
                                  end + noun.end() if noun else end, prev.confidence)
            if chains and chains[-1][-1] == i - 1:
                chains[-1].append(i)
            else:
                chains.append([i - 1, i])
    for chain in chains:
        first, last = readings[chain[0]], readings[chain[-1]]
        for i in chain:
            r = readings[i]
            if r is not None and first is not None and last is not None:
                readings[i] = replace(r, start=first.start, end=max(last.end, r.end))
    label = _RESULT_LABEL.match(clause)
    if label and mentions:  # the label states the result of every marker of the list
        word = label.group("result").lower()
        result = "negative" if word in ("negative", "not detected") else "positive"
        readings = [Reading(name, result, None, None, None, min(start, label.start("result")), end)
                    for name, start, end in mentions]
    out = [r for r in readings if r is not None]
    for pattern, names, result in GROUPS:
        for m in pattern.finditer(clause):
            out += [Reading(n, result, None, None, None, m.start(), m.end()) for n in names
                    if not any(r.name == n and r.start <= m.start() < r.end for r in out)]
    return sorted(out, key=lambda r: r.start)


def _method(word: str) -> str:
    w = word.lower()
    return {"sequencing": "NGS", "immunohistochemistry": "IHC", "liquid biopsy": "ctDNA", "ctdna": "ctDNA"}.get(
        w, word.upper())


# --- Outcomes stated apart from their test ----------------------------------------------------------------------
# "Following a request for EGFR mutation analysis, the preparations were re-evaluated. The number of tumour cells is
# fewer than 200, which is insufficient for mutation analysis.": the outcome (knowledge/en/context.yaml, outcomes)
# binds to the markers named as a test, without a result of their own, in the sentences just before it.
_AS_TEST = re.compile(r"\b(analys[ie]s|testing|tests?|studies|panel|assay|sequencing|requested|request|ordered"
                      r"|sent (out )?for)\b", re.I)


@dataclass(frozen=True)
class Bound:
    """A marker (``mention`` clause, offsets in it) given the result an ``outcome`` clause states (up to ``end``)."""

    name: str
    result: str
    mention: int
    start: int
    end_of_name: int
    outcome: int
    outcome_start: int
    end: int


@lru_cache(maxsize=1)
def _outcome_rules() -> tuple[int, tuple[tuple[re.Pattern[str], str], ...]]:
    from oncoguide import knowledge

    model = knowledge.load("en").get("context")
    if model is None:
        return 1, ()
    return model.outcome_reach, tuple((re.compile(o.pattern, re.I), o.result) for o in model.outcomes)


def bind_outcomes(texts: list[str], same_section: list[bool]) -> list[Bound]:
    """Markers of the clauses ``texts`` that get their result from a later clause's outcome. ``same_section[i]``:
    clause ``i`` is in the same section as clause ``i - 1``."""
    reach, rules = _outcome_rules()
    if not rules:
        return []
    out: list[Bound] = []
    done: set[tuple[int, int]] = set()
    for j, text in enumerate(texts):
        hit = next(((m, r) for p, r in rules for m in [p.search(text)] if m), None)
        if hit is None or _mentions(text):
            continue
        m, result = hit
        i = j
        while i > 0 and j - i < reach and same_section[i]:
            i -= 1
            if not _AS_TEST.search(texts[i]):
                continue
            read = {r.name for r in read_markers(texts[i]) if r.result != "pending"}  # an outcome is news
            for name, start, end in _mentions(texts[i]):
                if name in read or name in VALUE_MARKERS or (i, start) in done:
                    continue
                done.add((i, start))
                out.append(Bound(name, result, i, start, end, j, m.start(), m.end()))
    return out


def outcome_results(text: str) -> list[tuple[int, int, str]]:
    """(start, end, result) in ``text`` of every marker bound to a later outcome (sections as one)."""
    from oncoguide.records import context as ctx

    clauses = ctx.clauses(text)
    bound = bind_outcomes([c.text for c in clauses], [i > 0 for i in range(len(clauses))])
    return [(clauses[b.mention].at(b.start), clauses[b.mention].at(b.end_of_name), b.result) for b in bound]
