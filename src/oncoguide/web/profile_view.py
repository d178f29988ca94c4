"""The profile as rows for the "My diagnosis" page: label, value, where it was found, and whether it can be
corrected."""

from __future__ import annotations

from dataclasses import dataclass

from oncoguide.records.corrections import USER_DOCUMENT
from oncoguide.records.model import Evidence, Profile, Value


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    evidence: Evidence
    confidence: float
    field: str | None = None  # correctable field key

    @property
    def corrected(self) -> bool:
        return self.evidence.document_id == USER_DOCUMENT


def _row(label: str, v: Value | None, field: str | None = None, prefix: str = "") -> list[Row]:
    return [Row(label, prefix + v.value, v.evidence, v.confidence, field)] if v is not None else []


def profile_groups(profile: Profile) -> list[tuple[str, list[Row]]]:
    """(heading, rows) for each part of the profile that has anything in it."""
    c, s = profile.cancer, profile.stage
    cancer = [*_row("Cancer type", c.histology, "cancer.histology"),
              *_row("Where it started", c.primary_site, "cancer.primary_site"),
              *_row("Side", c.laterality), *_row("Grade", c.grade), *_row("Diagnosed", c.diagnosed_on)]
    stage = [*_row("Stage group", s.group, "stage.group"),
             *_row("T (tumour)", s.t, "stage.t", s.prefix or ""), *_row("N (nodes)", s.n, "stage.n", s.prefix or ""),
             *_row("M (spread)", s.m, "stage.m", s.prefix or ""), *_row("Staging system", s.system)]
    stage += [r for old in profile.stage_history for r in _row("Earlier stage", old.group)]
    stage += [r for m in profile.metastases for r in _row("Spread to", m)]
    markers = [Row(b.name, b.result.replace("_", " ") + (f" ({b.detail})" if b.detail else "")
                   + (f", {b.method}" if b.method else "") + (f", {b.origin}" if b.origin else ""),
                   b.evidence, b.confidence, f"biomarker:{b.name}") for b in profile.biomarkers]
    treatments = [Row(t.name, f"{t.drug_class}, {t.status}" + (f" ({t.reason_stopped})" if t.reason_stopped else "")
                      + "".join(f", {k} {d}" for k, d in (("from", t.start), ("to", t.end)) if d),
                      t.evidence, t.confidence) for t in profile.treatments]
    perf = [*_row("ECOG", profile.performance.ecog, "performance.ecog"),
            *_row("Karnofsky", profile.performance.karnofsky)]
    groups = [("Cancer", cancer), ("Stage", stage), ("Biomarkers", markers), ("Treatments", treatments),
              ("How you are doing day to day", perf)]
    return [(h, rows) for h, rows in groups if rows]
