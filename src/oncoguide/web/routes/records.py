"""The owner's uploaded records: upload (read in the bounded pool), list, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from oncoguide.records.model import Profile
from oncoguide.records.service import Upload
from oncoguide.store.records import StoredRecord
from oncoguide.web import actions
from oncoguide.web.deps import Owner, Svc
from oncoguide.web.render import render
from oncoguide.web.routes import api_router, page_router

api = api_router("/records", tags=["records"])
pages = page_router()


class RecordInfo(BaseModel):
    id: str
    name: str
    kind: str
    size: int
    uploaded_at: str
    readable: bool = Field(default=True, description="False: this version cannot read it into the profile "
                           "(it is left out; delete it)")


class UploadResult(BaseModel):
    name: str
    status: str = Field(description="stored | already_uploaded | refused")
    record: RecordInfo | None = None
    error: str | None = None


class UploadResponse(BaseModel):
    results: list[UploadResult]
    profile: Profile | None


class Deleted(BaseModel):
    deleted: int


def info(r: StoredRecord, unreadable: set[str] | frozenset[str] = frozenset()) -> RecordInfo:
    return RecordInfo(id=r.id, name=r.name, kind=r.kind, size=r.size,
                      uploaded_at=r.created_at.isoformat(timespec="seconds"), readable=r.id not in unreadable)


def upload_results(results: list[Upload]) -> list[UploadResult]:
    out = []
    for r in results:
        status = "refused" if r.record is None else ("already_uploaded" if r.duplicate else "stored")
        out.append(UploadResult(name=r.name, status=status, record=info(r.record) if r.record else None,
                                error=r.error))
    return out


@api.post("", response_model=UploadResponse)
async def upload(request: Request, svc: Svc, me: Owner,
                 files: Annotated[list[UploadFile], File(description="PDF, text, FHIR JSON, HL7 v2")]
                 ) -> UploadResponse:
    """Upload records; each file is read on its own (a bad file is refused with a reason, the rest go on). A
    file is stored only when its diagnosis profile can be read; all files of one request share a CPU budget."""
    results, profile = await actions.upload(request, files)
    return UploadResponse(results=upload_results(results), profile=profile or svc.records.profile(me))


@api.get("", response_model=list[RecordInfo])
def records(svc: Svc, me: Owner) -> list[RecordInfo]:
    """This session's uploaded records (never anyone else's)."""
    unreadable = svc.records.unreadable(me)
    return [info(r, unreadable) for r in svc.records.records.records(me)]


@api.delete("/{record_id}", response_model=Deleted)
def delete_record(request: Request, record_id: str) -> Deleted:
    actions.delete_record(request, record_id)
    return Deleted(deleted=1)


def _page(request: Request, svc: Svc, me: str, status: int = 200,
          results: list[UploadResult] | None = None) -> HTMLResponse:
    return render(request, "records.html", status=status, records=svc.records.records.records(me),
                  unreadable=svc.records.unreadable(me), results=results)


@pages.get("/records", response_class=HTMLResponse)
def records_page(request: Request, svc: Svc, me: Owner) -> HTMLResponse:
    return _page(request, svc, me)


@pages.post("/records", response_class=HTMLResponse)
async def upload_form(request: Request, svc: Svc, me: Owner,
                      files: Annotated[list[UploadFile], File()]) -> HTMLResponse:
    results, _ = await actions.upload(request, files)
    shown = upload_results(results)
    status = 400 if shown and all(r.status == "refused" for r in shown) else 200
    return _page(request, svc, me, status, shown)


@pages.post("/records/{record_id}/delete")
def delete_record_form(request: Request, record_id: str) -> Response:
    actions.delete_record(request, record_id)
    return RedirectResponse("/records", status_code=303)
