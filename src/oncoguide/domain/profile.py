"""The diagnosis profile and the record documents it is read from.

Every value a profile holds carries the evidence it was read from (document, page, character span, quote) and a
confidence. A value that was not read stays ``None``: nothing is guessed or coerced.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

RecordKind = Literal["pdf", "text", "fhir", "hl7v2"]
Result = Literal["positive", "negative", "equivocal", "pending", "not_tested", "unknown"]
TreatmentClass = Literal["targeted", "immunotherapy", "chemotherapy", "radiation", "surgery", "hormonal",
                         "antibody-drug conjugate", "other"]
TreatmentIntent = Literal["curative", "palliative", "adjuvant", "neoadjuvant", "maintenance"]
TreatmentStatus = Literal["ongoing", "completed", "stopped", "planned", "recommended", "declined", "unknown"]


class RecordError(ValueError):
    """A record file that cannot be read; the message says which file and why (never its content)."""


class Page(BaseModel):
    """Where one page sits in the document text (PDF pages; a text file is one page)."""

    number: int = Field(ge=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class RecordDocument(BaseModel):
    """One uploaded record, read to text. ``text`` is what evidence offsets point into.

    For FHIR, ``text`` is the JSON file as uploaded (decoded) and ``fhir`` the parsed resources' container.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    kind: RecordKind
    text: str
    pages: list[Page] = Field(default_factory=list)
    fhir: dict[str, Any] | None = None

    def page_of(self, offset: int) -> int | None:
        """The page number holding character ``offset`` (None when the document has no pages)."""
        for page in self.pages:
            if page.start <= offset < page.end or (offset == page.end and page is self.pages[-1]):
                return page.number
        return None


class Evidence(BaseModel):
    """Where a value was read: ``text[char_start:char_end] == quote`` in the named document."""

    document_id: str
    document_name: str = ""
    page: int | None = None
    char_start: int = Field(ge=0)
    char_end: int = Field(ge=0)
    quote: str
    resource: str | None = Field(default=None, description="FHIR resource it came from, e.g. 'Observation/tnm-t'.")


class Value(BaseModel):
    """One read value with its evidence. ``code`` is the coded form when the source had one (system|code)."""

    value: str
    code: str | None = None
    as_of: date | None = None
    evidence: Evidence
    confidence: float = Field(ge=0.0, le=1.0)


class Cancer(BaseModel):
    cancer_id: str | None = Field(default=None, description="Vocabulary id (nsclc, breast...) used to pick guides.")
    primary_site: Value | None = None
    histology: Value | None = None
    laterality: Value | None = None
    grade: Value | None = None
    diagnosed_on: Value | None = None


class Stage(BaseModel):
    system: Value | None = Field(default=None, description="AJCC8, AJCC9 or other, when stated.")
    prefix: Literal["c", "p", "yp", "r"] | None = None
    t: Value | None = None
    n: Value | None = None
    m: Value | None = None
    group: Value | None = Field(default=None, description="Stage group: 0, I, IA, IIIA, IV...; or limited/extensive.")
    as_of: date | None = None


class Biomarker(BaseModel):
    name: str = Field(description="Canonical gene/marker: ALK, EGFR, ROS1, BRAF, KRAS, MET, RET, NTRK, HER2, PD-L1, "
                                  "ER, PR, Ki-67, MSI, MMR, TMB, BRCA1, BRCA2...")
    result: Result
    detail: str | None = Field(default=None, description="Variant, fusion partner or value: 'exon 19 deletion', "
                                                         "'EML4', 'TPS 60%', 'IHC 2+'.")
    method: Literal["NGS", "IHC", "FISH", "PCR", "ctDNA", "other"] | None = None
    origin: Literal["germline", "somatic"] | None = None
    specimen: str | None = None
    on: date | None = None
    code: str | None = None
    evidence: Evidence
    confidence: float = Field(ge=0.0, le=1.0)


class Treatment(BaseModel):
    name: str = Field(description="Generic drug name from the vocabulary, or the procedure/radiation as written.")
    drug_class: TreatmentClass
    start: date | None = None
    end: date | None = None
    line: int | None = None
    status: TreatmentStatus = "unknown"
    reason_stopped: Literal["progression", "toxicity", "completed", "other"] | None = None
    intent: TreatmentIntent | None = Field(default=None, description="As stated: adjuvant, palliative...")
    code: str | None = None
    evidence: Evidence
    confidence: float = Field(ge=0.0, le=1.0)


class Performance(BaseModel):
    ecog: Value | None = None
    karnofsky: Value | None = None


class Conflict(BaseModel):
    """The same field read with different values (in one document or across documents): both are kept."""

    field: str = Field(description="e.g. 'stage.group', 'biomarker:ALK', 'cancer.histology'.")
    values: list[Value]


class Profile(BaseModel):
    cancer: Cancer = Field(default_factory=Cancer)
    stage: Stage = Field(default_factory=Stage)
    stage_history: list[Stage] = Field(default_factory=list, description="Earlier stages, newest first.")
    metastases: list[Value] = Field(default_factory=list, description="Sites of spread when stated.")
    biomarkers: list[Biomarker] = Field(default_factory=list)
    treatments: list[Treatment] = Field(default_factory=list)
    performance: Performance = Field(default_factory=Performance)
    conflicts: list[Conflict] = Field(default_factory=list)
    documents: list[str] = Field(default_factory=list, description="Ids of the documents read.")
