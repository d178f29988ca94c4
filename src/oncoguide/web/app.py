"""The web app: server-rendered pages and the JSON API over the same library (answers, guides, records)."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from anyio import to_thread
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oncoguide import __version__
from oncoguide.config import Settings, get_settings
from oncoguide.records.profile import warm as warm_records
from oncoguide.records.service import RecordService
from oncoguide.store import Store
from oncoguide.store.crypto import Cipher
from oncoguide.store.questions import AskedQuestions
from oncoguide.store.ratelimit import DbRateLimiter
from oncoguide.store.records import RecordStore
from oncoguide.store.users import Users
from oncoguide.web.deps import ApiError, Services, log, secure, set_session_cookie
from oncoguide.web.limits import BodyLimit
from oncoguide.web.live import LiveCorpus
from oncoguide.web.render import error_page, wants_html
from oncoguide.web.routes import account, answers, guidelines, home, profile, records
from oncoguide.web.security import HEADERS, SESSION_COOKIE, Sessions
from oncoguide.web.slugs import QuestionPages
from oncoguide.web.work import ReadingPool

STATIC = Path(__file__).parent / "static"
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; style-src 'self' "
            "'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
            "frame-ancestors 'none'")
PUBLIC = ("/static/", "/healthz", "/openapi.json")  # the same for everyone: may be cached
HSTS = "max-age=31536000; includeSubDomains"
TAKEN_PER_MINUTE = 3  # "that username is taken" answers one client gets per minute (then 429)


def build_services(settings: Settings) -> Services:
    store = Store(settings.db_url)
    cipher = Cipher.from_settings(settings)
    return Services(
        corpus=LiveCorpus(settings, store, settings.server.corpus_check_s),
        records=RecordService(RecordStore(store, cipher), settings),
        pages=QuestionPages(AskedQuestions(store, cipher)),
        sessions=Sessions(cipher.subkey("sessions")),
        ask_limit=DbRateLimiter(store, settings.server.ask_per_minute),
        upload_limit=DbRateLimiter(store, settings.server.upload_per_minute),
        users=Users(store), login_limit=DbRateLimiter(store, settings.server.login_per_minute),
        username_limit=DbRateLimiter(store, settings.server.login_per_minute),
        taken_limit=DbRateLimiter(store, TAKEN_PER_MINUTE),
        reading=ReadingPool(settings.records.workers, settings.records.queue),
    )


async def retention(svc: Services, days: int, every_s: float = 3600) -> None:
    """Purge idle owners' data and questions asked longer ago, now and then every hour
    (``ONCOGUIDE_RETENTION_DAYS``)."""
    while True:
        try:
            purged = await asyncio.to_thread(svc.records.records.purge_idle, days)
            questions = await asyncio.to_thread(svc.pages.asked.purge_older, days)
            if purged or questions:
                log.info("retention purge", extra={"owners": purged, "questions": questions, "days": days})
        except SQLAlchemyError as exc:  # the database is down: try again at the next round
            log.warning("retention purge failed", extra={"error": exc.__class__.__name__})
        await asyncio.sleep(every_s)





REQUEST_THREADS = 8


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = build_services(settings)
        app.state.services.corpus.start()
        await asyncio.to_thread(warm_records)  # record readers' tables built once, before the first upload
        # answers are CPU-bound: a few worker threads serve as fast as forty and keep memory flat (one malloc
        # arena per thread)
        to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
        purger = asyncio.create_task(retention(app.state.services, settings.retention_days)) \
            if settings.retention_days else None
        yield
        if purger is not None:
            purger.cancel()
        app.state.services.corpus.stop()
        app.state.services.reading.close()

    for name in ("uvicorn.error", "uvicorn", "starlette", "fastapi"):
        if not any(isinstance(f, NoTracebacks) for f in logging.getLogger(name).filters):
            logging.getLogger(name).addFilter(NoTracebacks())
    docs = settings.server.api_docs
    app = FastAPI(
        title="OncoGuide", version=__version__, lifespan=lifespan,
        docs_url="/docs" if docs else None, redoc_url="/redoc" if docs else None,
        description="Plain-language cancer answers grounded in the guideline documents OncoGuide holds, and a "
        "diagnosis profile read from your own records. For information only, not medical advice. State-changing "
        "requests need the `X-CSRF-Token` header (get it from `GET /api/v1/session`).",
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(account.session_api)
    app.include_router(answers.api)
    app.include_router(guidelines.api)
    app.include_router(records.api)
    app.include_router(profile.api)
    app.include_router(account.api)
    for module in (home, answers, guidelines, records, profile, account):
        app.include_router(module.pages)
    max_body = settings.server.max_request_mb * 1024 * 1024
    app.add_middleware(BodyLimit, max_bytes=max_body)  # counts the bytes received (chunked bodies too)

    async def session_and_headers(request: Request, call_next: Callable[[], Awaitable[int]]) -> None:
        """Every request: its id, session and account; the session cookie, security headers and a log line on the
        answer (``SessionAndHeaders`` runs it around the app and sends the response)."""
        sessions: Sessions = request.app.state.services.sessions
        await _who(request, sessions)
        request.state.fresh = request.state.sid is None
        request.state.sid = request.state.sid or sessions.new()
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > max_body:
            raise _TooLarge(JSONResponse(
                {"code": "too_large", "message": f"The request is larger than {settings.server.max_request_mb} MiB."},
                status_code=413))
        await call_next()

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        if wants_html(request):
            response: Response = error_page(request, exc.status, exc.message)
        else:
            response = JSONResponse({"code": exc.code, "message": exc.message}, status_code=exc.status)
        response.headers.update(exc.headers)
        return response

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
        if wants_html(request):
            response: Response = error_page(request, status, message, has_profile=False)
        else:
            response = JSONResponse({"code": code, "message": message}, status_code=status)
        response.headers["Retry-After"] = "30"
        return response

    async def _crash(request: Request, exc: Exception) -> Response:
        """500 for anything unexpected: logged by type and request id (the message may quote a file name or
        user input, so it is never logged)."""
        if isinstance(exc, ApiError):
            return await _api_error(request, exc)
        if isinstance(exc, (OperationalError, SATimeoutError)):
            return await _db_down(request, exc)
        log.error("unhandled error", extra={"request_id": getattr(request.state, "request_id", ""),
                                            "error": exc.__class__.__name__})
        message = f"Something went wrong on our side (request {getattr(request.state, 'request_id', '?')})."
        if wants_html(request):
            return error_page(request, 500, message)
        return JSONResponse({"code": "internal_error", "message": message}, status_code=500)

    app.add_exception_handler(Exception, _crash)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()))
        message = f"{where}: {first.get('msg', 'invalid')}"
        if wants_html(request):
            return error_page(request, 422, message)
        return JSONResponse({"code": "invalid_request", "message": message}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        if wants_html(request):
            return error_page(request, exc.status_code, str(exc.detail))
        return JSONResponse({"code": code, "message": str(exc.detail)}, status_code=exc.status_code)

    app.add_middleware(SessionAndHeaders, around=session_and_headers, crash=_crash)
    return app


class _TooLarge(Exception):
    """The request's declared body is over the limit: ``response`` (413) is sent instead of the app's."""

    def __init__(self, response: Response) -> None:
        self.response = response


class SessionAndHeaders:
    """ASGI middleware (a plain one: ``@app.middleware("http")`` would copy every response body through a
    stream and a task group): runs ``around`` before the app, answers the app's errors with ``crash``, and on the
    way out adds the session cookie (a fresh session's), the security headers and the request id, and logs the
    request (route template, status, ms; never the URL or the question)."""

    def __init__(self, app: ASGIApp, around: Callable[[Request, Callable[[], Awaitable[int]]], Awaitable[None]],
                 crash: Callable[[Request, Exception], Awaitable[Response]]) -> None:
        self.app, self.around, self.crash = app, around, crash

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request = Request(scope, receive)
        request.state.request_id = uuid.uuid4().hex[:12]
        status = [0]  # the response's status once it has started

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                _finish(request, MutableHeaders(scope=message))
            await send(message)

        async def call_next() -> int:
            await self.app(scope, receive, send_with_headers)
            return status[0]

        try:
            await self.around(request, call_next)
        except Exception as exc:  # answered here, so the server's own traceback (with messages) is not logged
            if status[0]:
                raise  # the response has started: nothing else can be sent
            response = exc.response if isinstance(exc, _TooLarge) else await self.crash(request, exc)
            await response(scope, receive, send_with_headers)
        route = scope.get("route")
        log.info("request", extra={"request_id": request.state.request_id, "method": request.method,
                                   "route": getattr(route, "path", "unmatched"), "status": status[0],
                                   "ms": round((time.perf_counter() - started) * 1000, 1)})


def _finish(request: Request, headers: MutableHeaders) -> None:
    """The session cookie of a fresh session (unless the route started one itself), then the headers."""
    state = request.state
    if getattr(state, "fresh", False) and not getattr(state, "session_issued", False):
        sessions: Sessions = request.app.state.services.sessions
        cookie = Response()
        set_session_cookie(cookie, sessions.cookie(state.sid), secure(request))
        for name, value in cookie.raw_headers:
            if name == b"set-cookie":
                headers.append("set-cookie", value.decode("latin-1"))
    _headers(request, headers)


async def _who(request: Request, sessions: Sessions) -> None:
    """The session and, signed in, the account of the request's cookie. A signed-in cookie counts only while its
    account exists and its session version is the account's (sign-out raises it)."""
    read = sessions.read(request.cookies.get(SESSION_COOKIE))
    sid, user_id, version = read or (None, None, 0)
    request.state.user_id = request.state.username = None
    if user_id is not None:
        try:
            found = await asyncio.to_thread(request.app.state.services.users.session, user_id)
        except SQLAlchemyError:  # the database is down: the routes that need it answer 503 themselves
            found = ("", version)
        if found is None or found[1] != version:
            sid = None  # deleted account or signed out meanwhile: a fresh anonymous session
        else:
            request.state.user_id, request.state.username = user_id, found[0]
    request.state.sid = sid


class NoTracebacks(logging.Filter):
    """On the server's own logger: an exception is logged by its type only (its message and traceback may quote
    a file name or user input). The app answers every error itself; this catches what gets past it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            record.msg, record.args = f"{record.getMessage()} ({record.exc_info[0].__name__})", ()
            record.exc_info, record.exc_text = None, None
        return True


def _headers(request: Request, headers: MutableHeaders) -> None:
    """Security headers on every response; anything that may depend on the session is never cached."""
    for name, value in HEADERS.items():
        headers.setdefault(name, value)
    path = request.url.path
    if path in ("/docs", "/redoc") and request.scope.get("route") is not None:  # server.api_docs on: the UIs
        headers["Content-Security-Policy"] = DOCS_CSP  # load their scripts from a CDN
    headers["X-Request-ID"] = request.state.request_id
    if not path.startswith(PUBLIC):
        headers["Cache-Control"] = "no-store, private"
        headers["Vary"] = "Cookie"
    if secure(request):
        headers["Strict-Transport-Security"] = HSTS


logging.getLogger("oncoguide").addHandler(logging.NullHandler())
