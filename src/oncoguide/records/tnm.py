"""TNM categories and stage groups as reports write them: ``pT2a``, ``ypN1mi``, ``cM1c``, ``Stage IIIA``."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROMAN = {"0": "0", "1": "I", "2": "II", "3": "III", "4": "IV"}

# One TNM category; the prefix may be attached (pT2a) or absent (T2a). Suffixes: a-d, mi, is, (sn), (f), X, 0.
TNM_RE = re.compile(
    r"(?:(?<![A-Za-z0-9])(?P<prefix>(?i:yp|yc|rp|r|p|c|a))?(?P<axis>[TNM])|(?:(?<=[0-9X)])|(?<=[0-4][abcd])|(?<=mi))"
    r"(?P<glued>[NM]))"
    r"(?P<value>(?i:is)|X|x|\+|[0-4](?i:mi|a[12]?|b|c|d)?(?:\((?i:sn|f|i[+-]|m|mol[+-])\))?)"
    r"(?![a-z0-9]|[A-Z](?<![NM]))"
)
STAGE_RE = re.compile(
    r"\b(?:stage|Stage|STAGE)(?:\s+(?i:group))?\s*[:\-]?\s*"
    r"(?P<group>0|IV|I{1,3}|iv|i{1,3}|[1-4]|(?i:zero|one|two|three|four)\b)(?:-?(?P<sub>[ABCabc][1-3]?))?"
    r"(?P<lugano>E)?(?P<figo>[rp])?(?![A-Za-z0-9])"
)
# Barcelona Clinic Liver Cancer stage (hepatocellular carcinoma): 0, A-D
BCLC_RE = re.compile(r"\bBCLC(?:\s+stage)?\s*[:\-]?\s*(?P<group>0|[A-D])(?![A-Za-z0-9])")
_WORDS = {"zero": "0", "one": "I", "two": "II", "three": "III", "four": "IV"}


@dataclass(frozen=True)
class Category:
    """One TNM category read from text: ``axis`` T/N/M, ``value`` like ``T2a``; ``prefix`` c/p/yp/r or None."""

    prefix: str | None
    axis: str
    value: str
    start: int
    end: int


def categories(text: str) -> list[Category]:
    """All TNM categories in ``text`` in reading order (``pT2a N1 M0`` gives three)."""
    found: list[Category] = []
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


def stage_group(text: str) -> tuple[str, int, int] | None:
    """The first stage group in ``text`` as Roman numerals plus letters (``stage 3a`` -> ``IIIA``, ``stage three``
    -> ``III``; a Lugano extranodal E is kept, ``stage IE``; FIGO's r/p, how the stage was found, is
    not: ``stage IIIC1r`` -> ``IIIC1``), with its span; else a BCLC stage (``BCLC stage B`` -> ``BCLC B``)."""
    m = STAGE_RE.search(text)
    if m:
        raw = m.group("group")
        group = _ROMAN.get(raw) or _WORDS.get(raw.lower()) or raw.upper()
        return group + (m.group("sub") or "").upper() + (m.group("lugano") or ""), m.start(), m.end()
    b = BCLC_RE.search(text)
    return (f"BCLC {b.group('group')}", b.start(), b.end()) if b else None
