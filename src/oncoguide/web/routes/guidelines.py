"""The guideline library (public: no owner data)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from oncoguide.web.deps import ApiError, Svc
from oncoguide.web.library import GuideSummary, GuideView
from oncoguide.web.render import render
from oncoguide.web.routes import api_router, page_router

api = api_router("/guidelines", tags=["guidelines"])
pages = page_router()


class LibraryGroup(BaseModel):
    name: str
    guides: list[GuideSummary]


@api.get("", response_model=list[LibraryGroup])
def guidelines(svc: Svc) -> list[LibraryGroup]:
    """The guides OncoGuide holds, grouped by cancer type."""
    return [LibraryGroup(name=n, guides=g) for n, g in svc.library.groups()]


@api.get("/search")
def guideline_search(svc: Svc, q: Annotated[str, Query(min_length=1, max_length=200)]) -> list[dict[str, object]]:
    """Guide sections matching words (best first)."""
    return svc.library.search(q)


@api.get("/{guide_id}", response_model=GuideView)
def guideline(svc: Svc, guide_id: str) -> GuideView:
    """One guide: version, sources and every section with its passages."""
    view = svc.library.view(guide_id)
    if view is None:
        raise ApiError(404, "unknown_guideline", f"No guide has the id '{guide_id[:100]}'.")
    return view


@pages.get("/guidelines", response_class=HTMLResponse)
def guidelines_page(request: Request, svc: Svc, q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    hits = svc.library.search(q) if q.strip() else []
    return render(request, "guidelines.html", groups=svc.library.groups(), q=q, hits=hits)


@pages.get("/guidelines/{guide_id}", response_class=HTMLResponse)
def guideline_page(request: Request, svc: Svc, guide_id: str) -> HTMLResponse:
    view = svc.library.view(guide_id)
    if view is None:
        raise ApiError(404, "unknown_guideline", "We hold no guide with this address.")
    return render(request, "guideline.html", view=view)
