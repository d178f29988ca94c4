"""The diagnosis profile: read, correct, summarise, and "delete all my data"."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from oncoguide.answer.model import Answer
from oncoguide.records.corrections import FIELDS
from oncoguide.records.model import Profile
from oncoguide.web import actions
from oncoguide.web.deps import ApiError, Owner, OwnerProfile, Svc
from oncoguide.web.profile_view import profile_groups
from oncoguide.web.render import render
from oncoguide.web.routes import api_router, page_router
from oncoguide.web.routes.records import Deleted

api = api_router(tags=["profile"])
pages = page_router()


class ProfileResponse(BaseModel):
    profile: Profile | None
    corrections: dict[str, str]
    correctable_fields: dict[str, str]


class Correction(BaseModel):
    field: str = Field(description="e.g. stage.group, cancer.histology, biomarker:ALK")
    value: str = Field(max_length=120)


@api.get("/profile", response_model=ProfileResponse)
def profile(svc: Svc, me: Owner, prof: OwnerProfile) -> ProfileResponse:
    """The diagnosis profile read from this session's records, with your corrections applied."""
    saved = svc.records.saved(me)
    return ProfileResponse(profile=prof, corrections=saved.corrections if saved else {}, correctable_fields=FIELDS)


@api.put("/profile/corrections", response_model=Profile)
def correct(request: Request, body: Correction) -> Profile:
    """Correct one field (the value read from the records is kept, flagged as a conflict)."""
    return actions.correct(request, body.field, body.value)


@api.delete("/profile/corrections/{field}", response_model=Profile)
def undo_correction(request: Request, field: str) -> Profile:
    return actions.correct(request, field, None)


@api.get("/profile/summary", response_model=Answer)
def diagnosis_summary(svc: Svc, prof: OwnerProfile) -> Answer:
    """What your biomarkers and stage mean, your treatment timeline, and the guide sections that apply."""
    if prof is None:
        raise ApiError(404, "no_profile", "Upload a record first: there is no profile yet.")
    return svc.engine.diagnosis_summary(prof)


@api.delete("/me", response_model=Deleted)
def delete_me(request: Request, response: Response) -> Deleted:
    """Delete every record, the profile, the corrections and the questions you asked, and the account when
    signed in (the browser then gets a fresh anonymous session)."""
    return Deleted(deleted=actions.delete_everything(request, response))


@pages.get("/me", response_class=HTMLResponse)
def me(request: Request, svc: Svc, owner_id: Owner, prof: OwnerProfile) -> HTMLResponse:
    saved = svc.records.saved(owner_id)
    summary = svc.engine.diagnosis_summary(prof) if prof else None
    numbers = {pid: i for i, pid in enumerate(summary.citations, start=1)} if summary else {}
    return render(request, "me.html", profile=prof, groups=profile_groups(prof) if prof else [],
                  corrections=saved.corrections if saved else {}, fields=FIELDS, summary=summary, numbers=numbers,
                  records=svc.records.records.records(owner_id))


@pages.post("/me/corrections")
def correct_form(request: Request, field: Annotated[str, Form(max_length=60)], value: Annotated[str, Form()] = "",
                 undo: Annotated[str, Form()] = "") -> Response:
    actions.correct(request, field, None if undo else value)
    return RedirectResponse("/me#profile", status_code=303)


@pages.post("/me/delete", response_class=HTMLResponse)
def delete_all(request: Request, confirm: Annotated[str, Form()] = "") -> Response:
    if confirm != "yes":
        raise ApiError(400, "not_confirmed", "Tick the box to confirm that you want to delete all your data.")
    account = request.state.username if request.state.user_id else None
    response = Response()
    removed = actions.delete_everything(request, response)
    page = render(request, "deleted.html", removed=removed, account=account)
    for value in response.headers.getlist("set-cookie"):
        page.headers.append("set-cookie", value)
    return page
