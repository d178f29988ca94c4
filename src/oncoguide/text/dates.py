"""Dates as records write them (2025-03-14, 03/2025, 3/14/2025, March 14, 2025, Mar 2025, 2025), with their spans:
the one date reader of the package."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MONTH_RE = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE_RE = re.compile(
    rf"\b(?P<iso>(?P<y1>(19|20)\d\d)-(?P<m1>[01]?\d)(-(?P<d1>[0-3]?\d))?)\b"
    rf"|\b(?P<us>(?P<m2>[01]?\d)/((?P<d2>[0-3]?\d)/)?(?P<y2>(19|20)\d\d))\b"
    rf"|\b(?P<named>{_MONTH_RE}\s+((?P<d3>[0-3]?\d),?\s+)?(?P<y3>(19|20)\d\d))\b"
    rf"|\b(?P<year>(?<![/.\d])(?<!\b\d-)(?<!\b[01]\d-)(?P<y4>(19|20)\d\d)(?![/\d%])(?!\.\d)(?!-[01]?\d\b)(?!-\d\d?-))\b",
    re.I,
)


def parse_date(m: re.Match[str]) -> date | None:
    """The date a DATE_RE match names (a missing day or month is the 1st), or None when it is not a date."""
    g = m.groupdict()
    try:
        if g["iso"]:
            return date(int(g["y1"]), int(g["m1"]), int(g["d1"] or 1))
        if g["us"]:
            return date(int(g["y2"]), int(g["m2"]), int(g["d2"] or 1))
        if g["named"]:
            month = _MONTHS[g["named"][:3].lower()]
            return date(int(g["y3"]), month, int(g["d3"] or 1))
        if g["year"]:
            return date(int(g["y4"]), 1, 1)
    except (ValueError, KeyError):
        return None
    return None


def dates(text: str) -> list[tuple[int, int, date]]:
    """Dates in ``text`` with their spans (year-only dates become 1 January)."""
    out = []
    for m in DATE_RE.finditer(text):
        d = parse_date(m)
        if d is not None and date(1950, 1, 1) <= d <= date(2100, 1, 1):
            out.append((m.start(), m.end(), d))
    return out


__all__ = ["DATE_RE", "dates", "parse_date"]
