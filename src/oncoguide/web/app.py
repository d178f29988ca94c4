"""The web app: a question page and the JSON API over the same AnswerEngine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from oncoguide import __version__
from oncoguide.answer.engine import AnswerEngine
from oncoguide.answer.model import Answer
from oncoguide.config import Settings, get_settings

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
EXAMPLES = (
    "What does ALK positive mean in lung cancer?",
    "What is biomarker testing for lung cancer?",
    "What does a PD-L1 score mean?",
    "What happens when an EGFR drug stops working?",
)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        self.status, self.code, self.message = status, code, message


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = AnswerEngine(settings)
        yield

    app = FastAPI(
        title="OncoGuide", version=__version__, lifespan=lifespan,
        description="Plain-language cancer answers grounded in the guideline documents OncoGuide holds. "
        "For information only, not medical advice.",
    )

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"code": exc.code, "message": exc.message}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()))
        return JSONResponse({"code": "invalid_request", "message": f"{where}: {first.get('msg', 'invalid')}"},
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = "not_found" if exc.status_code == 404 else "http_error"
        return JSONResponse({"code": code, "message": str(exc.detail)}, status_code=exc.status_code)

    def engine(request: Request) -> AnswerEngine:
        eng: AnswerEngine = request.app.state.engine
        return eng

    def answer_or_error(request: Request, q: str, context: list[str] | None = None) -> Answer:
        eng = engine(request)
        if not eng.index.passages:
            raise ApiError(503, "no_corpus", "No guides are ingested yet; run `oncoguide ingest`.")
        try:
            return eng.ask(q, context or ())
        except ValueError as exc:
            raise ApiError(400, "invalid_question", str(exc)) from exc

    @app.get("/healthz", tags=["meta"])
    def healthz(request: Request) -> dict[str, object]:
        eng = engine(request)
        return {"status": "ok", "passages": len(eng.index.passages), "corpus_version": eng.corpus_version}

    @app.get("/api/v1/ask", response_model=Answer, tags=["answers"])
    def api_ask(
        request: Request,
        q: Annotated[str, Query(min_length=1, description="The question")],
        context: Annotated[list[str] | None, Query(
            description="Earlier questions of the conversation, oldest first (repeat the parameter)", max_length=10
        )] = None,
    ) -> Answer:
        """Answer a question: structured sections, each sentence citing the passage it quotes."""
        return answer_or_error(request, q, context)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, q: str = "") -> HTMLResponse:
        answer, error = None, None
        if q.strip():
            try:
                answer = answer_or_error(request, q)
            except ApiError as exc:
                error = exc.message
        numbers = {pid: i for i, pid in enumerate(answer.citations, start=1)} if answer else {}
        return TEMPLATES.TemplateResponse(
            request, "index.html",
            {"q": q, "answer": answer, "error": error, "examples": EXAMPLES, "numbers": numbers},
            status_code=400 if error else 200,
        )

    return app
