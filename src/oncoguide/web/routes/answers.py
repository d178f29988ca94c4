"""Answers: ``/api/v1/ask``, question pages (catalog ones shareable, typed ones private to their asker)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from oncoguide.answer.model import Answer
from oncoguide.web import actions
from oncoguide.web.deps import Svc
from oncoguide.web.render import render
from oncoguide.web.routes import api_router, page_router
from oncoguide.web.routes.home import EXAMPLES

api = api_router(tags=["answers"])
pages = page_router()


class QuestionPage(BaseModel):
    slug: str
    url: str
    answer: Answer


@api.get("/ask", response_model=Answer)
def api_ask(
    request: Request,
    q: Annotated[str, Query(min_length=1, description="The question")],
    context: Annotated[list[str] | None, Query(
        description="Earlier questions of the conversation, oldest first (repeat the parameter)", max_length=10
    )] = None,
    personal: Annotated[bool, Query(description="Use this session's diagnosis profile, if any")] = True,
) -> Response:
    """Answer a question: structured sections, each sentence citing the passage it quotes. The question is not
    stored (shared answers are keyed by its hash)."""
    return json_of(actions.answer(request, q, context or (), personal))


def json_of(answer: Answer) -> Response:
    """The answer as JSON, serialised once here in this worker thread (FastAPI would check the model again in a
    second thread-pool hop first; the OpenAPI schema still comes from ``response_model``)."""
    return Response(answer.model_dump_json(), media_type="application/json")


@api.get("/questions/{slug}", response_model=QuestionPage)
def api_question_page(request: Request, slug: str) -> QuestionPage:
    """The answer behind a question URL: a catalog question's, or one you asked yourself."""
    question = actions.question_for(request, slug)
    return QuestionPage(slug=slug, url=f"/questions/{slug}", answer=actions.answer(request, question))


@pages.get("/ask")
def ask(request: Request, svc: Svc, q: str = "",
        context: Annotated[list[str] | None, Query(max_length=10)] = None) -> Response:
    """The question box: send the asker to the question's page (a catalog page, or their own private one)."""
    q = " ".join(q.split())
    if not q:
        return render(request, "home.html", status=400, examples=EXAMPLES, groups=svc.library.groups(),
                      error="Please type a question.")
    slug = actions.page_for(request, q)
    query = "?" + urlencode({"context": context}, doseq=True) if context else ""
    return RedirectResponse(f"/questions/{slug}{query}", status_code=303)


@pages.get("/questions/{slug}", response_class=HTMLResponse)
def question_page(request: Request, slug: str, view: str = "",
                  context: Annotated[list[str] | None, Query(max_length=10)] = None) -> HTMLResponse:
    question = actions.question_for(request, slug)
    result = actions.answer(request, question, context or ())
    numbers = {pid: i for i, pid in enumerate(result.citations, start=1)}
    template = "print.html" if view == "print" else "answer.html"
    return render(request, template, answer=result, numbers=numbers, slug=slug, context=[*(context or []), question])
