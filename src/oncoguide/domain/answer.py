"""The answer a person sees (rendered to JSON, HTML and text)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from oncoguide.domain.types import EvidenceStatus, SafetyKind


class Sentence(BaseModel):
    text: str
    citations: list[str] = Field(default_factory=list, description="Ids of the passages this sentence quotes.")
    fixed: bool = Field(default=False, description="OncoGuide's own fixed text (notice, safety), not a quote.")


class AnswerSection(BaseModel):
    heading: str
    sentences: list[Sentence]


class Reference(BaseModel):
    title: str
    publisher: str = ""
    year: int | None = None
    url: str | None = None


class Source(BaseModel):
    document_id: str
    title: str
    publisher: str = ""
    version: str = ""
    year: int | None = None
    last_reviewed: str | None = None
    url: str | None = None
    sections: list[str] = Field(default_factory=list, description="Sections of the document that were quoted.")
    references: list[Reference] = Field(default_factory=list, description="Public sources behind those sections.")


class Related(BaseModel):
    question: str
    slug: str
    snippet: str


class Safety(BaseModel):
    kind: SafetyKind
    message: str
    actions: list[str] = Field(default_factory=list, description="What to do now, in order.")


class Verification(BaseModel):
    sentences: int = 0
    supported: int = 0
    removed: int = 0


class WriterInfo(BaseModel):
    """Who wrote the answer body: the extractive composer, or the optional LLM whose sentences were verified."""

    mode: Literal["llm", "extractive"]
    model: str | None = None
    fallback_reason: str | None = Field(default=None, description="Why the LLM's text was not used.")
    written: int = Field(default=0, description="Distinct sentences the LLM wrote.")
    kept: int = Field(default=0, description="Of those, the ones their cited passages support.")
    dropped: int = Field(default=0, description="Removed: unsupported, citing nothing, or citing unknown passages.")
    drop_reasons: dict[str, int] = Field(default_factory=dict)


class Citation(BaseModel):
    """A quoted passage, so a reader can open exactly what a sentence came from."""

    passage_id: str
    document_id: str
    document_title: str
    section: list[str]
    page: int | None = None
    text: str


class Answer(BaseModel):
    safety: Safety | None = Field(default=None, description="Set for urgent or sensitive questions: leads the answer.")
    question: str
    title: str
    intent: str
    summary: list[Sentence]
    sections: list[AnswerSection]
    questions_to_ask: list[Sentence]
    important_context: list[Sentence]
    notice: str
    sources: list[Source]
    related: list[Related] = Field(default_factory=list)
    profile_used: dict[str, object] | None = None
    reading_grade: float | None = Field(default=None, description="Flesch-Kincaid grade of the quoted sentences; "
                                        "None when the answer quotes none (a declined question).")
    evidence_status: EvidenceStatus
    verification: Verification
    citations: dict[str, Citation] = Field(default_factory=dict)
    corpus_version: str
    writer: WriterInfo | None = Field(default=None, description="Set when an LLM writer is configured.")
    catalog_match: str | None = Field(default=None, description="Slug of the catalog question whose written "
                                      "answer the answer starts from (question-first), if any.")

    def body_sentences(self) -> list[Sentence]:
        return [*self.summary, *(s for sec in self.sections for s in sec.sentences)]
