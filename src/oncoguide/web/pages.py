"""Server-rendered pages: they work without JavaScript; a little script adds drag-and-drop and in-place citations."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from oncoguide.answer.model import Answer
from oncoguide.records.corrections import FIELDS, CorrectionError
from oncoguide.web.account import delete_account
from oncoguide.web.api import read_uploads, upload_results
from oncoguide.web.deps import ApiError, answer, check_csrf, check_text, owner, rate_limited, services
from oncoguide.web.library import passage_anchor, section_anchor
from oncoguide.web.profile_view import profile_groups

router = APIRouter(include_in_schema=False)
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))  # autoescapes .html
TEMPLATES.env.globals.update(section_anchor=section_anchor, passage_anchor=passage_anchor)
EXAMPLES = (
    "What does ALK positive mean in lung cancer?",
    "What is biomarker testing for lung cancer?",
    "What does a PD-L1 score mean?",
    "What happens when an EGFR drug stops working?",
    "What are the side effects of immunotherapy?",
    "What does HER2-low breast cancer mean?",
)


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/docs", "/openapi", "/healthz"))


def render(request: Request, template: str, status: int = 200, **context: object) -> HTMLResponse:
    svc = services(request)
    base: dict[str, object] = {"csrf": svc.sessions.csrf(request.state.sid),
                               "account": getattr(request.state, "username", None)}
    if "has_profile" not in context:
        base["has_profile"] = svc.records.saved(owner(request)) is not None
    return TEMPLATES.TemplateResponse(request, template, {**base, **context}, status_code=status)


def error_page(request: Request, status: int, message: str, **context: object) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message, **context)


@router.get("/healthz")
def healthz(request: Request) -> dict[str, object]:
    eng = services(request).engine
    return {"status": "ok", "passages": len(eng.index.passages), "corpus_version": eng.corpus_version,
            "worker": os.getpid()}


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "home.html", examples=EXAMPLES, groups=services(request).library.groups())


@router.get("/ask")
def ask(request: Request, q: str = "", context: Annotated[list[str] | None, Query(max_length=10)] = None) -> Response:
    """The question box: send the asker to the question's own, shareable page."""
    q = " ".join(q.split())
    if not q:
        return render(request, "home.html", status=400, examples=EXAMPLES, groups=services(request).library.groups(),
                      error="Please type a question.")
    check_text(q)
    limit = services(request).engine.settings.server.max_question_chars
    if len(q) > limit:
        raise ApiError(400, "invalid_question", f"The question is {len(q)} characters long; the limit is {limit}.")
    slug = services(request).pages.slug_for(q)
    query = "?" + urlencode({"context": context}, doseq=True) if context else ""
    return RedirectResponse(f"/questions/{slug}{query}", status_code=303)


@router.get("/questions/{slug}", response_class=HTMLResponse)
def question_page(request: Request, slug: str, view: str = "",
                  context: Annotated[list[str] | None, Query(max_length=10)] = None) -> HTMLResponse:
    question = services(request).pages.question_for(slug)
    if question is None:
        raise ApiError(404, "unknown_question", "We do not know this question's address. Ask it again from the "
                       "home page.")
    result: Answer = answer(request, question, context or ())
    numbers = {pid: i for i, pid in enumerate(result.citations, start=1)}
    template = "print.html" if view == "print" else "answer.html"
    return render(request, template, answer=result, numbers=numbers, slug=slug, context=[*(context or []), question])


@router.get("/guidelines", response_class=HTMLResponse)
def guidelines(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    lib = services(request).library
    hits = lib.search(q) if q.strip() else []
    return render(request, "guidelines.html", groups=lib.groups(), q=q, hits=hits)


@router.get("/guidelines/{guide_id}", response_class=HTMLResponse)
def guideline(request: Request, guide_id: str) -> HTMLResponse:
    view = services(request).library.view(guide_id)
    if view is None:
        raise ApiError(404, "unknown_guideline", "We hold no guide with this address.")
    return render(request, "guideline.html", view=view)


@router.get("/records", response_class=HTMLResponse)
def records_page(request: Request) -> HTMLResponse:
    return render(request, "records.html", records=services(request).records.records.records(owner(request)),
                  results=None)


@router.post("/records", response_class=HTMLResponse)
async def upload(request: Request, files: Annotated[list[UploadFile], File()],
                 csrf: Annotated[str, Form()] = "") -> HTMLResponse:
    check_csrf(request, csrf)
    svc = services(request)
    rate_limited(request, svc.upload_limit, "upload")
    files_read = await read_uploads(request, files)
    results, _ = await run_in_threadpool(svc.records.upload, owner(request), files_read)  # not on the event loop
    shown = upload_results(results)
    status = 400 if shown and all(r.status == "refused" for r in shown) else 200
    return render(request, "records.html", status=status, records=svc.records.records.records(owner(request)),
                  results=shown)


@router.post("/records/{record_id}/delete")
def delete_record(request: Request, record_id: str, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    if not services(request).records.delete_record(owner(request), record_id):
        raise ApiError(404, "unknown_record", "You have no record with that id.")
    return RedirectResponse("/records", status_code=303)


@router.get("/me", response_class=HTMLResponse)
def me(request: Request) -> HTMLResponse:
    svc = services(request)
    saved = svc.records.saved(owner(request))
    profile = svc.records.profile(owner(request))
    summary = svc.engine.diagnosis_summary(profile) if profile else None
    numbers = {pid: i for i, pid in enumerate(summary.citations, start=1)} if summary else {}
    return render(request, "me.html", profile=profile, groups=profile_groups(profile) if profile else [],
                  corrections=saved.corrections if saved else {}, fields=FIELDS, summary=summary, numbers=numbers,
                  records=svc.records.records.records(owner(request)))


@router.post("/me/corrections")
def correct(request: Request, field: Annotated[str, Form(max_length=60)], value: Annotated[str, Form()] = "",
            undo: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    try:
        services(request).records.correct(owner(request), field, None if undo else value)
    except CorrectionError as exc:
        raise ApiError(400, "invalid_correction", str(exc)) from exc
    return RedirectResponse("/me#profile", status_code=303)


@router.post("/me/delete", response_class=HTMLResponse)
def delete_all(request: Request, csrf: Annotated[str, Form()] = "", confirm: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    if confirm != "yes":
        raise ApiError(400, "not_confirmed", "Tick the box to confirm that you want to delete all your data.")
    removed = services(request).records.delete_all(owner(request))
    account = request.state.username if request.state.user_id else None
    response = render(request, "deleted.html", removed=removed, account=account)
    delete_account(request, response)
    return response
