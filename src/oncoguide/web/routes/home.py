"""The home page and the health check."""

from __future__ import annotations

import os

from fastapi import Request
from fastapi.responses import HTMLResponse

from oncoguide.web.deps import Svc
from oncoguide.web.render import render
from oncoguide.web.routes import page_router

pages = page_router()
EXAMPLES = (
    "What does ALK positive mean in lung cancer?",
    "What is biomarker testing for lung cancer?",
    "What does a PD-L1 score mean?",
    "What happens when an EGFR drug stops working?",
    "What are the side effects of immunotherapy?",
    "What does HER2-low breast cancer mean?",
)


@pages.get("/healthz")
def healthz(svc: Svc) -> dict[str, object]:
    eng = svc.engine
    return {"status": "ok", "passages": len(eng.index.passages), "corpus_version": eng.corpus_version,
            "worker": os.getpid()}


@pages.get("/", response_class=HTMLResponse)
def home(request: Request, svc: Svc) -> HTMLResponse:
    return render(request, "home.html", examples=EXAMPLES, groups=svc.library.groups())
