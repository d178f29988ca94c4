"""Biomarker results in record text: one recogniser per marker, results read after (or just before) the name.

``ALK | No rearrangement detected``, ``negative for ALK rearrangement``, ``EGFR, ALK, ROS1 and MET: negative``,
``PD-L1 (22C3) TPS 60%``, ``HER2 IHC 2+, FISH not amplified``, ``MSS``, ``pMMR``, ``BRCA2 germline pathogenic``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (canonical name, pattern). Symbols that are also English words (MET, RET, ER, PR) are matched case-sensitively.
MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((n, re.compile(p, f)) for n, p, f in (
    ("ALK", r"\bALK\b", re.I), ("EGFR", r"\bEGFR\b", re.I), ("ROS1", r"\bROS-?1\b", re.I),
    ("BRAF", r"\bBRAF\b", re.I), ("KRAS", r"\bKRAS\b", re.I), ("NRAS", r"\bNRAS\b", re.I),
    ("MET", r"\b(c-)?MET\b", 0), ("RET", r"\bRET\b", 0), ("NTRK", r"\bNTRK[1-3]?(/[1-3])*\b|\bpan-TRK\b", re.I),
    ("HER2", r"\bHER-?2(/neu)?\b|\bERBB2\b", re.I), ("PD-L1", r"\bPD-?L1\b", re.I),
    ("ER", r"\bER\b|\b(o?estrogen) receptors?\b", re.I), ("PR", r"\bPR\b|\bPgR\b|\bprogesterone receptors?\b", re.I),
    ("Ki-67", r"\bKi-?67\b|\bMIB-?1\b", re.I),
    ("MSI", r"\bMSI(-H|-L|-high|-low)?\b|\bMSS\b|\bmicrosatellite (instability|stable|status)\b", re.I),
    ("MMR", r"\b[dp]MMR\b|\bMMR\b|\bmismatch repair\b|\bMLH1\b|\bMSH2\b|\bMSH6\b|\bPMS2\b", re.I),
    ("TMB", r"\bTMB(-H|-L)?\b|\btumou?r mutation(al)? burden\b", re.I),
    ("BRCA1", r"\bBRCA1\b", re.I), ("BRCA2", r"\bBRCA2\b", re.I), ("PIK3CA", r"\bPIK3CA\b", re.I),
    ("ESR1", r"\bESR1\b", re.I),
))
_CASE_SENSITIVE_WORDS = {"ER", "PR"}  # 'er'/'pr' in lower case are not markers; upper case in all-caps text is

# Result words, earliest match in the window wins. Order only breaks ties at the same position.
_RESULTS = re.compile(
    r"(?P<not_tested>insufficient|\bqns\b|quantity not sufficient|not (performed|tested|assessed|evaluable|done)"
    r"|failed|unable to|could not be)"
    r"|(?P<pending>pending|to follow|will follow|in progress|awaiting|awaited|sent (out|for|to)|been sent|\bordered\b"
    r"|not yet (available|resulted|back))"
    r"|(?P<negative>\bnegative\b|\bneg\b|not detected|\bno\b(?! other)|none detected|wild[- ]?type|\bwt\b|\babsent\b"
    r"|not amplified|non-?amplified|not rearranged|\bmss\b|microsatellite stable|\bpmmr\b|proficient|\bintact\b"
    r"|retained|\blow\b|(?<![\d.])0(?![\d.%+])|<\s?1\s?%|\(-\)|HER2-low)"
    r"|(?P<equivocal>equivocal|indeterminate|borderline|\b2\+)"
    r"|(?P<positive>\bpositive\b|\bpos\b|\bdetected\b|\bidentified\b|\bpresent\b|mutated|(mutation|mutaion"
    r"|rearrangement|fusion|amplification)(?!s?\s*(analysis|testing|test|status|panel|screen|study|assay|by))"
    r"|rearranged|amplified|\bhigh\b|msi-h|\bdmmr\b|deficient|\bloss\b"
    r"|\b3\+|overexpress|(?<=\w)\+|\bV600[EK]\b|\bG12[A-Z]\b|\bL858R\b|\bT790M\b|exon\s?(19|20|14)"
    r"|(?<=\()\s?[A-Z]\d{1,4}[A-Z*]?\s?(?=\))"
    r"|\bp\.[A-Z]\d+|pathogenic|\bskipping\b)",
    re.I,
)
_LEADING_NEGATION = re.compile(r"\b(negative for|no evidence of|absence of|without|no)\b[\w \t-]{0,30}$", re.I)
_NEGATED_AFTER = re.compile(r"^[\w\s-]{0,25}?\b(not detected|not identified|not found|not seen|negative|absent"
                            r"|were not|was not|is not|are not)\b", re.I)
_PERCENT = re.compile(r"(<\s?)?(\d{1,3}(?:\.\d+)?)\s?%")
_TPS = re.compile(r"\b(TPS|CPS|TC|IC)\b[^0-9<]{0,12}(<\s?)?(\d{1,3})\s?%?", re.I)
_HER2_IHC = re.compile(r"(?:IHC|score|HercepTest)?[^0-9]{0,12}\b([0-3])\s?(\+)?(?!\d|\s?%)", re.I)
_FISH = re.compile(r"(not\s+amplified|non-?amplified|amplified)", re.I)
_TMB_VALUE = re.compile(r"(\d+(?:\.\d+)?)\s*(mut(ations)?\s*/\s*Mb|muts?/Mb)", re.I)
_VARIANT = re.compile(
    r"exon\s?19\s?(deletion|del\b)|ex19del|exon\s?20\s?(insertion|ins\b)|exon\s?14\s?skipping|\bL858R\b|\bT790M\b"
    r"|\bC797S\b|\bV600[EK]\b|\bG12[A-Z]\b|\bG13D\b|\bQ61[A-Z]\b|\bE545K\b|\bH1047R\b|\bD538G\b|\bY537S\b"
    r"|(?<=\()\s?[A-Z]\d{1,4}[A-Z*]?\s?(?=\))|\b(EML4|CD74|KIF5B|CCDC6|SLC34A2|ETV6)\b|\bc\.\d+[\w>_+-]*|\bp\.\(?[A-Z][a-z]{2}\d+\w*\)?", re.I)
_METHOD = re.compile(r"\b(FISH|IHC|NGS|PCR|ctDNA|liquid biopsy|sequencing|immunohistochemistry)\b", re.I)
_ORIGIN = re.compile(r"\b(germline|somatic)\b", re.I)
_UNLIKELY = re.compile(r"\b(probability of|risk of|unlikely|rule out|r/o|to exclude|screen(ing)? for)\s+$", re.I)
_LEADING_LOSS = re.compile(r"\b(loss of|lost|absent)\b[\w \t-]{0,20}$", re.I)
_FINDINGS_LIST = re.compile(r"^\W*(genomic (findings|alterations)|(pathogenic )?(mutations?|alterations?|variants?)"
                            r"( detected| identified| found)?)\s*:", re.I)
_SEPARATORS = re.compile(r"^[\s,/&|()]*(and|or)?[\s,/&|()]*$", re.I)
_WINDOW = 110


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


def _mentions(clause: str) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    taken: set[int] = set()
    for name, pattern in MARKERS:
        for m in pattern.finditer(clause):
            if name in _CASE_SENSITIVE_WORDS and m.group(0).isalpha() and len(m.group(0)) == 2 \
                    and m.group(0) != m.group(0).upper():
                continue
            if any(i in taken for i in range(m.start(), m.end())):
                continue
            taken.update(range(m.start(), m.end()))
            found.append((name, m.start(), m.end()))
    found.sort(key=lambda x: x[1])
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
_SIGN = re.compile(r"^\s*(\+|-|\u2212)(?![\w\d])|^\s*(\+|-|\u2212)(?=/)")
_PHRASE_END = re.compile(r"[|;\n]|,\s(?=[A-Z])|\.\s|\.$|\)")


def _result(name: str, window: str) -> tuple[str | None, int]:
    """The result a window states (and where it ends), with marker-specific value rules."""
    sign = _SIGN.match(window)
    if sign:
        return ("positive" if "+" in sign.group(0) else "negative"), sign.end()
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
            return ("positive" if float(m.group(1)) >= 10 else "negative"), max(m.end(), word.end() if word else 0)
    if name == "Ki-67":
        m = _PERCENT.search(window)
        if m:
            return "unknown", m.end()
    m = _RESULTS.search(window)
    if m and m.lastgroup == "positive":
        after = _NEGATED_AFTER.match(window[m.end():])
        if after:  # "fusions were not detected", "V600E not detected"
            return "negative", m.end() + after.end()
    return (m.lastgroup, m.end()) if m else (None, 0)


def _detail(name: str, window: str) -> str | None:
    if name == "PD-L1":
        m = _TPS.search(window)
        if m:
            return f"{m.group(1).upper()} {'<' if m.group(2) else ''}{m.group(3)}%"
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
        return f"{m.group(1)} mut/Mb" if m else None
    m = _VARIANT.search(window)
    if not m:
        return None
    v = m.group(0)
    v = re.sub(r"(?i)^exon\s?19\s?del(etion)?$|^ex19del$", "exon 19 deletion", v)
    v = re.sub(r"(?i)^exon\s?20\s?ins(ertion)?$", "exon 20 insertion", v)
    v = re.sub(r"(?i)^exon\s?14\s?skipping$", "exon 14 skipping", v)
    return v.upper() if re.fullmatch(r"[A-Za-z]\d+[A-Za-z]", v) else v


def read_markers(clause: str) -> list[Reading]:
    """Every marker result the clause states; a marker named without a result is not read."""
    mentions = _mentions(clause)
    readings: list[Reading | None] = []
    for i, (name, start, end) in enumerate(mentions):
        stop = mentions[i + 1][1] if i + 1 < len(mentions) else len(clause)
        window = clause[end:min(stop, end + _WINDOW)]
        before = clause[max(0, start - 30):start]
        if _UNLIKELY.search(before):
            readings.append(None)
            continue
        result, used = _result(name, window)
        if name == "MMR" and _LEADING_LOSS.search(before):
            result, used = "positive", 0
        intrinsic = _INTRINSIC.get(clause[start:end].lower())
        if intrinsic and result not in ("pending", "not_tested") and not _NEGATED_AFTER.match(window):
            result, used = intrinsic, 0
        if used:
            tail = _PHRASE_END.search(window, used)
            stop = tail.start() if tail else len(window)
            used = stop if stop - used < 40 else used
            used = len(window[:used].rstrip())
        lead = _LEADING_NEGATION.search(before)
        first = start
        if lead and result in (None, "positive"):
            result, used, first = "negative", 0, start - len(before) + lead.start()
        if result is None and _FINDINGS_LIST.match(clause):
            result, used = "positive", 0  # a gene listed under "Genomic alterations:" is altered
        if result is None:
            readings.append(None)
            continue
        wide = clause[max(0, start - 40):end + _WINDOW]
        method = _METHOD.search(window) or _METHOD.search(before)
        origin = _ORIGIN.search(wide)
        detail = _detail(name, window) if result in ("positive", "equivocal", "unknown") or name in (
            "PD-L1", "TMB", "HER2", "ER", "PR") else None
        readings.append(Reading(name, result, detail, _method(method.group(1)) if method else None,
                                origin.group(1).lower() if origin else None, first, end + used))
    # "EGFR, ALK, ROS1 and MET: negative": a marker followed only by separators shares the next one's result
    for i in range(len(mentions) - 2, -1, -1):
        nxt = readings[i + 1]
        if readings[i] is None and nxt is not None and _SEPARATORS.match(clause[mentions[i][2]:mentions[i + 1][1]]):
            name, start, _ = mentions[i]
            readings[i] = Reading(name, nxt.result, None, nxt.method, nxt.origin, start, nxt.end)
    # "no EGFR, ALK or ROS1 alterations": a leading negation covers the whole list
    chained = False
    for i in range(1, len(mentions)):
        prev = readings[i - 1]
        led = chained or bool(_LEADING_NEGATION.search(clause[max(0, mentions[i - 1][1] - 30):mentions[i - 1][1]]))
        chained = False
        if prev is not None and prev.result == "negative" and led \
                and _SEPARATORS.match(clause[mentions[i - 1][2]:mentions[i][1]]):
            name, start, end = mentions[i]
            readings[i] = Reading(name, "negative", None, prev.method, prev.origin, start, end)
            chained = True
    return [r for r in readings if r is not None]


def _method(word: str) -> str:
    w = word.lower()
    return {"sequencing": "NGS", "immunohistochemistry": "IHC", "liquid biopsy": "ctDNA", "ctdna": "ctDNA"}.get(
        w, word.upper())
