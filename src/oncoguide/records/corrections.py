"""A person's own corrections to their profile: kept apart from what was read, and applied on top of it.

A correction names a field and the right value; it is shown as "corrected by you" with the old value kept in
``conflicts`` so nothing read from the records is lost.
"""

from __future__ import annotations

import re

from oncoguide.records.model import Biomarker, Conflict, Evidence, Profile, Value

USER_DOCUMENT = "you"
_RESULTS = ("positive", "negative", "equivocal", "pending", "not_tested")
FIELDS = {
    "cancer.histology": "Cancer type (histology)",
    "cancer.primary_site": "Where the cancer started",
    "stage.group": "Stage group",
    "stage.t": "T category",
    "stage.n": "N category",
    "stage.m": "M category",
    "performance.ecog": "ECOG performance status",
}
_BIOMARKER = re.compile(r"^biomarker:[A-Za-z0-9/-]{1,20}$")
MAX_VALUE = 120


class CorrectionError(ValueError):
    """A correction for a field that cannot be corrected, or a value that is not allowed."""


def validate(field: str, value: str) -> str:
    """The cleaned value, or a CorrectionError naming what is wrong."""
    value = " ".join(value.split())
    if not value:
        raise CorrectionError("the corrected value is empty")
    if len(value) > MAX_VALUE:
        raise CorrectionError(f"the corrected value is longer than {MAX_VALUE} characters")
    if field in FIELDS:
        if field == "performance.ecog" and value not in {"0", "1", "2", "3", "4", "5"}:
            raise CorrectionError("ECOG is a number from 0 to 5")
        return value
    if _BIOMARKER.match(field):
        if value not in _RESULTS:
            raise CorrectionError(f"a biomarker result is one of: {', '.join(_RESULTS)}")
        return value
    raise CorrectionError(f"'{field}' is not a field that can be corrected")


def _yours(value: str) -> Value:
    quote = f"Corrected by you: {value}"
    ev = Evidence(document_id=USER_DOCUMENT, document_name="your correction", char_start=0, char_end=len(quote),
                  quote=quote)
    return Value(value=value, evidence=ev, confidence=1.0)


def apply(profile: Profile, corrections: dict[str, str]) -> Profile:
    """``profile`` with ``corrections`` applied; the values they replace are kept as conflicts."""
    out = profile.model_copy(deep=True)
    for field, value in corrections.items():
        new = _yours(value)
        if field.startswith("biomarker:"):
            name = field.split(":", 1)[1]
            old = [b for b in out.biomarkers if b.name == name]
            out.biomarkers = [b for b in out.biomarkers if b.name != name] + [Biomarker(
                name=name, result=value, evidence=new.evidence, confidence=1.0,  # type: ignore[arg-type]
                detail=old[0].detail if old and old[0].result == value else None)]
            replaced = [Value(value=b.result, evidence=b.evidence, confidence=b.confidence) for b in old]
        else:
            group, attr = field.split(".")
            holder = getattr(out, group)
            current = getattr(holder, attr)
            setattr(holder, attr, new)
            replaced = [current] if current is not None else []
        replaced = [v for v in replaced if v.value != value]
        if replaced:
            out.conflicts = [c for c in out.conflicts if c.field != field] + [
                Conflict(field=field, values=[new, *replaced])]
    return out
