"""The answer models now live in ``oncoguide.domain.answer``; this name stays for existing imports."""

from oncoguide.domain.answer import (
    Answer,
    AnswerSection,
    Citation,
    EvidenceStatus,
    Reference,
    Related,
    Safety,
    SafetyKind,
    Sentence,
    Source,
    Verification,
    WriterInfo,
)

__all__ = ["Answer", "AnswerSection", "Citation", "EvidenceStatus", "Reference", "Related", "Safety", "SafetyKind",
           "Sentence", "Source", "Verification", "WriterInfo"]
