"""The profile models now live in ``oncoguide.domain.profile``; this name stays for existing imports."""

from oncoguide.domain.profile import (
    Biomarker,
    Cancer,
    Conflict,
    Evidence,
    Page,
    Performance,
    Profile,
    RecordDocument,
    RecordError,
    RecordKind,
    Result,
    Stage,
    Treatment,
    TreatmentClass,
    TreatmentIntent,
    TreatmentStatus,
    Value,
)

__all__ = ["Biomarker", "Cancer", "Conflict", "Evidence", "Page", "Performance", "Profile", "RecordDocument",
           "RecordError", "RecordKind", "Result", "Stage", "Treatment", "TreatmentClass", "TreatmentIntent",
           "TreatmentStatus", "Value"]
