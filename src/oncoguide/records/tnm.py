"""TNM categories and stage groups as reports write them: ``pT2a``, ``ypN1mi``, ``cM1c``, ``Stage IIIA``."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROMAN = {"0": "0", "1": "I", "2": "II", "3": "III", "4": "IV"}

# One TNM category; the prefix may be attached (pT2a) or absent (T2a). Suffixes: a-d, mi, is, (sn), (f), X, 0.
TNM_RE = re.compile(
    r"(?:(?:(?<![A-Za-z0-9])|(?<=[0-4Xx])(?=(?:yp|p|c)[NM])|(?<=[0-4][abcd])(?=(?:yp|p|c)[NM]))"
    r"(?P<prefix>(?i:yp|yc|rp|r|p|c|a))?(?P<axis>[TNM])|(?:(?<=[0-9Xx)])|(?<=[0-4][abcd])|(?<=mi))"
    r"(?P<glued>[NM]))"
    r"(?P<value>(?i:is)|X|x|\+|[0-4](?i:mi|a[12]?|b|c|d)?(?:\((?i:sn|f|i[+-]|m|mol[+-])\))?)"
    r"(?:(?=(?:yp|p|c)[NM])|(?![a-z0-9]|[A-Z](?<![NM])))"
)
STAGE_RE = re.compile(
    r"\b(?:stage|Stage|STAGE)(?:\s+(?i:group))?\s*[:\-]?\s*"
    r"(?P<group>0|IV|I{1,3}|iv|i{1,3}|[1-4]|(?i:zero|one|two|three|four)\b)(?:-?(?P<sub>[ABCabc][1-3]?|(?<=4)[Ss]|(?<=IV)S))?"
    r"(?P<lugano>E)?(?P<figo>[rp])?(?![A-Za-z0-9])"
)
# a FIGO stage written without the word stage: "pT2b, N1 (FIGO: IIIB)"
FIGO_RE = re.compile(r"\bFIGO\s*[:\-]?\s*(?P<group>IV|I{1,3})(?:-?(?P<sub>[ABCabc][1-3]?))?(?P<lugano>(?!))?"
                     r"(?P<figo>[rp])?(?![A-Za-z0-9])")
# Barcelona Clinic Liver Cancer stage (hepatocellular carcinoma): 0, A-D
BCLC_RE = re.compile(r"\bBCLC(?:\s+stage)?\s*[:\-]?\s*(?P<group>0|[A-D])(?![A-Za-z0-9])")
# CLL's Binet stage (A, B, C), read like BCLC: "Binet stage B" -> "Binet B"
BINET_RE = re.compile(r"\b(?i:binet)(?:\s+(?i:stage))?\s*[:\-]?\s*(?P<group>[ABC])(?![A-Za-z0-9])")
_WORDS = {"zero": "0", "one": "I", "two": "II", "three": "III", "four": "IV"}


@dataclass(frozen=True)
class Category:
    """One TNM category read from text: ``axis`` T/N/M, ``value`` like ``T2a``; ``prefix`` c/p/yp/r or None."""

    prefix: str | None
    axis: str
    value: str
    start: int
    end: int


# OCR and typing slips in scanned reports, fixed at the same length so that offsets hold: a letter O for zero in
# "pNO" / "pT3a NO MX", a letter l or I for one in "pTlb", a space inside "pT1 b"
_OCR_O = re.compile(r"(?:(?<![A-Za-z0-9])|(?P<glued>(?<=T[0-4])|(?<=T[0-4][a-d])))(?P<prefix>yp|p|c)?(?P<axis>[NM])[Oo]"
                    r"(?P<sn>\((?i:sn|i[+-]|mol[+-])\))?(?![a-z0-9]|[A-Z](?<![MX]))")
_OCR_ONE = re.compile(r"(?<![A-Za-z0-9])(?:yp|p|c)(?:T(?P<one>[lI])(?=[a-d]?(?![A-Za-z0-9]))"
                      r"|N(?P<n_one>[lIi])(?=[abc]?(?![A-Za-z0-9])))")
# a bare category explained in brackets: "NO (No regional lymph node metastasis)", "Nl (Metastasis in 1-3 nodes)"
_EXPLAINED = re.compile(r"(?<![A-Za-z0-9])N(?P<c>[OolI])(?=\s*[(:]\s*(no |metastas\w* in |regional )?"
                        r"(regional |1-3 )?(lymph|nodal|node|metastas))", re.I)
_OCR_SPACE = re.compile(r"(?<![A-Za-z0-9])(?P<cat>(?:yp|p|c)T[0-4]) (?P<sub>[a-d])(?=[\s,.;)]|$)")
_T_BEFORE = re.compile(r"(?<![A-Za-z0-9])(?:yp|p|c)?T(?:[0-4][a-d]?|is|X)[\s,]{1,3}$")
_M_AFTER = re.compile(r"^[\s,]{1,3}(?:p|c)?M[01Xx](?![A-Za-z0-9])")


def _ocr_fixed(text: str) -> str:
    """``text`` with the OCR slips of TNM categories mended, character for character."""
    if not re.search(r"[NM][OolIi]|T[lI]|T[0-4] [a-d]", text):
        return text
    chars = list(text)
    for m in _OCR_O.finditer(text):
        # a capital "NO" is also the English word: only a prefix ("pNO") or a T before / M after makes it N0
        if m.group("prefix") or m.group("glued") is not None or _T_BEFORE.search(text, 0, m.start()) or (
                m.group("axis") == "N" and _M_AFTER.match(text[m.end():])):
            chars[m.start("axis") + 1] = "0"
    for m in _OCR_ONE.finditer(text):
        chars[m.start("one") if m.group("one") else m.start("n_one")] = "1"
    for m in _EXPLAINED.finditer(text):
        chars[m.start("c")] = "0" if m.group("c") in "Oo" else "1"
    for m in _OCR_SPACE.finditer(text):
        cat = m.group("cat")
        chars[m.start():m.end()] = list(cat + m.group("sub") + " ")
    return "".join(chars)


def categories(text: str) -> list[Category]:
    """All TNM categories in ``text`` in reading order (``pT2a N1 M0`` gives three; OCR slips such as ``pNO`` and
    ``pTlb`` are read as ``pN0`` and ``pT1b``)."""
    found: list[Category] = []
    text = _ocr_fixed(text)
    for m in TNM_RE.finditer(text):
        prefix = (m.group("prefix") or "").lower() or None
        prefix = {"yc": "yp", "rp": "r", "a": None}.get(prefix or "", prefix)
        value = m.group("value")
        value = "X" if value in ("x", "X") else "is" if value.lower() == "is" else value[:1] + value[1:].lower()
        axis = m.group("axis") or m.group("glued")
        if (value == "+" and axis != "N") or (axis == "T" and re.match(r"(?i)[12]dm\b", text[m.start("value"):])):
            continue  # "N+" (nodes involved) only; "T2DM" is diabetes
        if m.group("glued") and found:
            prefix = found[-1].prefix
        found.append(Category(prefix, axis, axis + value, m.start(), m.end()))
    return found


def later_stage_groups(text: str, after: int) -> list[tuple[str, int, int]]:
    """Stage groups written after ``after`` ("initially stage IIA ... now has stage IV recurrence"), each as
    ``stage_group`` gives it."""
    out: list[tuple[str, int, int]] = []
    for m in STAGE_RE.finditer(text, after):
        raw = m.group("group")
        group = _ROMAN.get(raw) or _WORDS.get(raw.lower()) or raw.upper()
        out.append((group + (m.group("sub") or "").upper() + (m.group("lugano") or ""), m.start(), m.end()))
    return out


def stage_group(text: str) -> tuple[str, int, int] | None:
    """The first stage group in ``text`` as Roman numerals plus letters (``stage 3a`` -> ``IIIA``, ``stage three``
    -> ``III``; a Lugano extranodal E is kept, ``stage IE``; FIGO's r/p, how the stage was found, is
    not: ``stage IIIC1r`` -> ``IIIC1``; a neuroblastoma's ``stage 4S`` -> ``IVS``), with its span; else a BCLC or
    Binet stage (``BCLC stage B`` -> ``BCLC B``, ``Binet stage B`` -> ``Binet B``)."""
    m = STAGE_RE.search(text) or FIGO_RE.search(text)
    if m:
        raw = m.group("group")
        group = _ROMAN.get(raw) or _WORDS.get(raw.lower()) or raw.upper()
        return group + (m.group("sub") or "").upper() + (m.group("lugano") or ""), m.start(), m.end()
    b = BCLC_RE.search(text)
    if b:
        return f"BCLC {b.group('group')}", b.start(), b.end()
    binet = BINET_RE.search(text)
    return (f"Binet {binet.group('group')}", binet.start(), binet.end()) if binet else None
