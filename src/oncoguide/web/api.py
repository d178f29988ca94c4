"""JSON API ``/api/v1``: answers, question pages, the guideline library, records and the diagnosis profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Header, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from oncoguide.answer.model import Answer
from oncoguide.records.corrections import FIELDS, CorrectionError
from oncoguide.records.model import Profile
from oncoguide.records.service import Upload
from oncoguide.store.records import StoredRecord
from oncoguide.web.deps import ApiError, answer, check_csrf, owner, rate_limited, services
from oncoguide.web.library import GuideSummary, GuideView

router = APIRouter(prefix="/api/v1")
Csrf = Annotated[str | None, Header(alias="X-CSRF-Token", description="From GET /api/v1/session")]


class SessionInfo(BaseModel):
    csrf_token: str
    has_profile: bool


class QuestionPage(BaseModel):
    slug: str
    url: str
    answer: Answer


class LibraryGroup(BaseModel):
    name: str
    guides: list[GuideSummary]


class RecordInfo(BaseModel):
    id: str
    name: str
    kind: str
    size: int
    uploaded_at: str


class UploadResult(BaseModel):
    name: str
    status: str = Field(description="stored | already_uploaded | refused")
    record: RecordInfo | None = None
    error: str | None = None


class UploadResponse(BaseModel):
    results: list[UploadResult]
    profile: Profile | None


class ProfileResponse(BaseModel):
    profile: Profile | None
    corrections: dict[str, str]
    correctable_fields: dict[str, str]


class Correction(BaseModel):
    field: str = Field(description="e.g. stage.group, cancer.histology, biomarker:ALK")
    value: str = Field(max_length=120)


class Deleted(BaseModel):
    deleted: int


@router.get("/session", response_model=SessionInfo, tags=["session"])
def session(request: Request) -> SessionInfo:
    """This session's CSRF token (send it as `X-CSRF-Token` on POST/PUT/DELETE)."""
    svc = services(request)
    return SessionInfo(csrf_token=svc.sessions.csrf(request.state.sid),
                       has_profile=svc.records.saved(owner(request)) is not None)


@router.get("/ask", response_model=Answer, tags=["answers"])
def api_ask(
    request: Request,
    q: Annotated[str, Query(min_length=1, description="The question")],
    context: Annotated[list[str] | None, Query(
        description="Earlier questions of the conversation, oldest first (repeat the parameter)", max_length=10
    )] = None,
    personal: Annotated[bool, Query(description="Use this session's diagnosis profile, if any")] = True,
) -> Answer:
    """Answer a question: structured sections, each sentence citing the passage it quotes."""
    return answer(request, q, context or (), personal)


@router.get("/questions/{slug}", response_model=QuestionPage, tags=["answers"])
def question_page(request: Request, slug: str) -> QuestionPage:
    """The answer behind a shareable question URL."""
    question = services(request).pages.question_for(slug)
    if question is None:
        raise ApiError(404, "unknown_question", f"No question has the address '{slug[:100]}'.")
    return QuestionPage(slug=slug, url=f"/questions/{slug}", answer=answer(request, question))


@router.get("/guidelines", response_model=list[LibraryGroup], tags=["guidelines"])
def guidelines(request: Request) -> list[LibraryGroup]:
    """The guides OncoGuide holds, grouped by cancer type."""
    return [LibraryGroup(name=n, guides=g) for n, g in services(request).library.groups()]


@router.get("/guidelines/search", tags=["guidelines"])
def guideline_search(
    request: Request, q: Annotated[str, Query(min_length=1, max_length=200)]
) -> list[dict[str, object]]:
    """Guide sections matching words (best first)."""
    return services(request).library.search(q)


@router.get("/guidelines/{guide_id}", response_model=GuideView, tags=["guidelines"])
def guideline(request: Request, guide_id: str) -> GuideView:
    """One guide: version, sources and every section with its passages."""
    view = services(request).library.view(guide_id)
    if view is None:
        raise ApiError(404, "unknown_guideline", f"No guide has the id '{guide_id[:100]}'.")
    return view


def _info(r: StoredRecord) -> RecordInfo:
    return RecordInfo(id=r.id, name=r.name, kind=r.kind, size=r.size,
                      uploaded_at=r.created_at.isoformat(timespec="seconds"))


async def read_uploads(request: Request, files: list[UploadFile]) -> list[tuple[str, bytes]]:
    """File names and bytes, each within the upload size limit (checked while reading, not trusted)."""
    limit = services(request).records.settings.records.max_upload_mb * 1024 * 1024
    out = []
    for f in files:
        data = await f.read(limit + 1)
        if len(data) > limit:
            raise ApiError(413, "file_too_large", f"{f.filename or 'a file'} is larger than "
                           f"{limit // (1024 * 1024)} MiB.")
        out.append((f.filename or "upload", data))
    return out


def upload_results(results: list[Upload]) -> list[UploadResult]:
    out = []
    for r in results:
        status = "refused" if r.record is None else ("already_uploaded" if r.duplicate else "stored")
        out.append(UploadResult(name=r.name, status=status, record=_info(r.record) if r.record else None,
                                error=r.error))
    return out


@router.post("/records", response_model=UploadResponse, tags=["records"])
async def upload(request: Request, files: Annotated[list[UploadFile], File(description="PDF, text, FHIR JSON, HL7 v2")],
                 x_csrf_token: Csrf = None) -> UploadResponse:
    """Upload records; each file is read on its own (a bad file is refused with a reason, the rest go on)."""
    check_csrf(request, x_csrf_token)
    svc = services(request)
    rate_limited(request, svc.upload_limit, "upload")
    files_read = await read_uploads(request, files)
    results, profile = await run_in_threadpool(svc.records.upload, owner(request), files_read)  # seconds of CPU
    return UploadResponse(results=upload_results(results), profile=profile or svc.records.profile(owner(request)))


@router.get("/records", response_model=list[RecordInfo], tags=["records"])
def records(request: Request) -> list[RecordInfo]:
    """This session's uploaded records (never anyone else's)."""
    return [_info(r) for r in services(request).records.records.records(owner(request))]


@router.delete("/records/{record_id}", response_model=Deleted, tags=["records"])
def delete_record(request: Request, record_id: str, x_csrf_token: Csrf = None) -> Deleted:
    check_csrf(request, x_csrf_token)
    if not services(request).records.delete_record(owner(request), record_id):
        raise ApiError(404, "unknown_record", "You have no record with that id.")
    return Deleted(deleted=1)


@router.get("/profile", response_model=ProfileResponse, tags=["profile"])
def profile(request: Request) -> ProfileResponse:
    """The diagnosis profile read from this session's records, with your corrections applied."""
    svc = services(request)
    saved = svc.records.saved(owner(request))
    return ProfileResponse(profile=svc.records.profile(owner(request)),
                           corrections=saved.corrections if saved else {}, correctable_fields=FIELDS)


@router.put("/profile/corrections", response_model=Profile, tags=["profile"])
def correct(request: Request, body: Correction, x_csrf_token: Csrf = None) -> Profile:
    """Correct one field (the value read from the records is kept, flagged as a conflict)."""
    check_csrf(request, x_csrf_token)
    try:
        return services(request).records.correct(owner(request), body.field, body.value)
    except CorrectionError as exc:
        raise ApiError(400, "invalid_correction", str(exc)) from exc


@router.delete("/profile/corrections/{field}", response_model=Profile, tags=["profile"])
def undo_correction(request: Request, field: str, x_csrf_token: Csrf = None) -> Profile:
    check_csrf(request, x_csrf_token)
    try:
        return services(request).records.correct(owner(request), field, None)
    except CorrectionError as exc:
        raise ApiError(400, "invalid_correction", str(exc)) from exc


@router.get("/profile/summary", response_model=Answer, tags=["profile"])
def diagnosis_summary(request: Request) -> Answer:
    """What your biomarkers and stage mean, your treatment timeline, and the guide sections that apply."""
    svc = services(request)
    prof = svc.records.profile(owner(request))
    if prof is None:
        raise ApiError(404, "no_profile", "Upload a record first: there is no profile yet.")
    return svc.engine.diagnosis_summary(prof)


@router.delete("/me", response_model=Deleted, tags=["profile"])
def delete_me(request: Request, response: Response, x_csrf_token: Csrf = None) -> Deleted:
    """Delete every record, the profile and the corrections of this session, and its account when signed in
    (the browser then gets a fresh anonymous session)."""
    from oncoguide.web.account import delete_account  # account imports this module

    check_csrf(request, x_csrf_token)
    removed = services(request).records.delete_all(owner(request))
    delete_account(request, response)
    return Deleted(deleted=removed)
