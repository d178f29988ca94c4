"""The web app: server-rendered pages and the JSON API over the same library (answers, guides, records)."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from oncoguide import __version__
from oncoguide.config import Settings, get_settings
from oncoguide.records.service import RecordService
from oncoguide.store import Store
from oncoguide.store.crypto import Cipher
from oncoguide.store.ratelimit import DbRateLimiter
from oncoguide.store.records import RecordStore
from oncoguide.store.users import Users
from oncoguide.web import account, api, pages
from oncoguide.web.deps import ApiError, Services, log, set_session_cookie
from oncoguide.web.limits import BodyLimit
from oncoguide.web.live import LiveCorpus
from oncoguide.web.security import HEADERS, SESSION_COOKIE, Sessions
from oncoguide.web.slugs import QuestionPages

STATIC = Path(__file__).parent / "static"
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; style-src 'self' "
            "'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
            "frame-ancestors 'none'")
_PRIVATE = ("/me", "/records", "/account", "/api/v1/profile", "/api/v1/records", "/api/v1/me", "/api/v1/session",
            "/api/v1/account")


def build_services(settings: Settings) -> Services:
    store = Store(settings.db_url)
    cipher = Cipher.from_settings(settings)
    return Services(
        corpus=LiveCorpus(settings, store, settings.server.corpus_check_s),
        records=RecordService(RecordStore(store, cipher), settings), pages=QuestionPages(store),
        sessions=Sessions(cipher.subkey("sessions")),
        ask_limit=DbRateLimiter(store, settings.server.ask_per_minute),
        upload_limit=DbRateLimiter(store, settings.server.upload_per_minute),
        users=Users(store), login_limit=DbRateLimiter(store, settings.server.login_per_minute),
    )


async def retention(svc: Services, days: int, every_s: float = 3600) -> None:
    """Purge idle owners' data now and then every hour (``ONCOGUIDE_RETENTION_DAYS``)."""
    while True:
        try:
            purged = await asyncio.to_thread(svc.records.records.purge_idle, days)
            if purged:
                log.info("retention purge", extra={"owners": purged, "days": days})
        except SQLAlchemyError as exc:  # the database is down: try again at the next round
            log.warning("retention purge failed", extra={"error": exc.__class__.__name__})
        await asyncio.sleep(every_s)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = build_services(settings)
        app.state.services.corpus.start()
        purger = asyncio.create_task(retention(app.state.services, settings.retention_days)) \
            if settings.retention_days else None
        yield
        if purger is not None:
            purger.cancel()
        app.state.services.corpus.stop()

    app = FastAPI(
        title="OncoGuide", version=__version__, lifespan=lifespan,
        description="Plain-language cancer answers grounded in the guideline documents OncoGuide holds, and a "
        "diagnosis profile read from your own records. For information only, not medical advice. State-changing "
        "requests need the `X-CSRF-Token` header (get it from `GET /api/v1/session`).",
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(account.api_router)
    app.include_router(pages.router)
    app.include_router(account.page_router)
    max_body = settings.server.max_request_mb * 1024 * 1024
    app.add_middleware(BodyLimit, max_bytes=max_body)  # counts the bytes received (chunked bodies too)

    @app.middleware("http")
    async def session_and_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        request.state.request_id = uuid.uuid4().hex[:12]
        sessions: Sessions = request.app.state.services.sessions
        read = sessions.read(request.cookies.get(SESSION_COOKIE))
        sid, user_id = read or (None, None)
        request.state.user_id = request.state.username = None
        if user_id is not None:  # signed in: the account must still exist (it may have been deleted meanwhile)
            try:
                request.state.username = await asyncio.to_thread(request.app.state.services.users.username, user_id)
            except SQLAlchemyError:  # the database is down: the routes that need it answer 503 themselves
                request.state.username = ""
            sid = sid if request.state.username is not None else None
            request.state.user_id = user_id if sid else None
        fresh = sid is None
        request.state.sid = sid or sessions.new()
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > max_body:
            response: Response = JSONResponse(
                {"code": "too_large", "message": f"The request is larger than {settings.server.max_request_mb} MiB."},
                status_code=413)
        else:
            response = await call_next(request)
        if fresh and not getattr(request.state, "session_issued", False):
            set_session_cookie(response, sessions.cookie(request.state.sid), settings.server.secure_cookies)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path in ("/docs", "/redoc"):  # FastAPI's doc pages load Swagger UI / ReDoc from a CDN
            response.headers["Content-Security-Policy"] = DOCS_CSP
        response.headers["X-Request-ID"] = request.state.request_id
        if request.url.path.startswith(_PRIVATE) or request.url.path.startswith("/questions"):
            response.headers["Cache-Control"] = "no-store, private"
        route = request.scope.get("route")
        log.info("request", extra={"request_id": request.state.request_id, "method": request.method,
                                   "route": getattr(route, "path", "unmatched"), "status": response.status_code,
                                   "ms": round((time.perf_counter() - started) * 1000, 1)})
        return response

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        if pages.wants_html(request):
            return pages.error_page(request, exc.status, exc.message)
        return JSONResponse({"code": exc.code, "message": exc.message}, status_code=exc.status)

    @app.exception_handler(OperationalError)
    @app.exception_handler(SATimeoutError)
    async def _db_down(request: Request, exc: Exception) -> Response:
        log.warning("database unavailable", extra={"request_id": getattr(request.state, "request_id", ""),
                                                    "error": exc.__class__.__name__})
        status, code = 503, "database_unavailable"
        message = ("The database is not available right now, so nothing was read or changed. Please try again in a "
                   "minute.")
        if "full" in str(getattr(exc, "orig", "")).lower():  # SQLite: "database or disk is full"
            status, code, message = 507, "storage_full", ("The server's disk is full, so nothing was saved. Please "
                                                          "try again later.")
        if pages.wants_html(request):
            response: Response = pages.error_page(request, status, message, has_profile=False)
        else:
            response = JSONResponse({"code": code, "message": message}, status_code=status)
        response.headers["Retry-After"] = "30"
        return response

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.error("unhandled error", extra={"request_id": getattr(request.state, "request_id", ""),
                                            "error": exc.__class__.__name__})
        message = f"Something went wrong on our side (request {getattr(request.state, 'request_id', '?')})."
        if pages.wants_html(request):
            return pages.error_page(request, 500, message)
        return JSONResponse({"code": "internal_error", "message": message}, status_code=500)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()))
        message = f"{where}: {first.get('msg', 'invalid')}"
        if pages.wants_html(request):
            return pages.error_page(request, 422, message)
        return JSONResponse({"code": "invalid_request", "message": message}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        if pages.wants_html(request):
            return pages.error_page(request, exc.status_code, str(exc.detail))
        return JSONResponse({"code": code, "message": str(exc.detail)}, status_code=exc.status_code)

    return app


logging.getLogger("oncoguide").addHandler(logging.NullHandler())
