"""What routes depend on, as FastAPI ``Annotated`` dependencies: the services, the owner of the request's data,
the owner's profile and the CSRF check (router-level: every state-changing route of a router needs the token)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response

from oncoguide.answer.engine import AnswerEngine
from oncoguide.records.model import Profile
from oncoguide.records.service import RecordService
from oncoguide.store.ratelimit import Limiter
from oncoguide.store.users import Users
from oncoguide.web.library import Library
from oncoguide.web.live import LiveCorpus
from oncoguide.web.security import SESSION_COOKIE, SESSION_DAYS, Sessions
from oncoguide.web.slugs import QuestionPages
from oncoguide.web.work import ReadingPool

log = logging.getLogger("oncoguide.web")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ApiError(Exception):
    """An error with a stable ``code`` and a human message (JSON for the API, a page for HTML)."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


@dataclass
class Services:
    corpus: LiveCorpus  # the engine and library of the newest corpus in the database
    records: RecordService
    pages: QuestionPages
    sessions: Sessions
    ask_limit: Limiter  # shared through the database (store.ratelimit)
    upload_limit: Limiter
    users: Users
    login_limit: Limiter  # sign-in and register attempts per client
    username_limit: Limiter  # failed sign-ins per username: past it, each attempt is slowed (never refused)
    taken_limit: Limiter  # registrations that hit a taken name, per client (slows username enumeration)
    reading: ReadingPool  # the bounded pool uploads are read in

    @property
    def engine(self) -> AnswerEngine:
        return self.corpus.engine

    @property
    def library(self) -> Library:
        return self.corpus.library


def services(request: Request) -> Services:
    svc: Services = request.app.state.services
    return svc


def owner(request: Request) -> str:
    """The owner of this request's records: its account when signed in, else its anonymous session."""
    user_id = getattr(request.state, "user_id", None)
    return f"u:{user_id}" if user_id else f"s:{request.state.sid}"


def profile_of(request: Request) -> Profile | None:
    """The owner's diagnosis profile with their corrections (None before any upload)."""
    return services(request).records.profile(owner(request))


def secure(request: Request) -> bool:
    """Whether cookies get ``Secure`` and responses HSTS: configured, or the request came over HTTPS (directly or
    through a trusted proxy's ``X-Forwarded-Proto``)."""
    return services(request).records.settings.server.secure_cookies or request.url.scheme == "https"


def set_session_cookie(response: Response, value: str, secure_only: bool) -> None:
    response.set_cookie(SESSION_COOKIE, value, max_age=SESSION_DAYS * 86400, httponly=True, samesite="lax",
                        secure=secure_only, path="/")


def start_session(request: Request, response: Response, user_id: str | None, username: str | None = None,
                  version: int = 0) -> None:
    """A fresh session (a new id, so a planted cookie is worth nothing after sign-in) for ``user_id`` (None:
    anonymous; ``version``: the account's session version) on ``response``; this request's state follows it."""
    svc = services(request)
    request.state.sid, request.state.user_id, request.state.username = svc.sessions.new(), user_id, username
    request.state.session_issued = True
    set_session_cookie(response, svc.sessions.cookie(request.state.sid, user_id, version), secure(request))


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def check_csrf(request: Request, token: str | None) -> None:
    if not services(request).sessions.csrf_ok(request.state.sid, token):
        raise ApiError(403, "csrf_failed", "The form or request is missing a valid CSRF token; reload the page "
                       "(or GET /api/v1/session for a token) and try again.")


async def csrf_header(request: Request) -> None:
    """Router dependency of the JSON API: a state-changing request carries the session's token in
    ``X-CSRF-Token`` (never in the query or body)."""
    if request.method not in SAFE_METHODS:
        check_csrf(request, request.headers.get("x-csrf-token"))


async def csrf_form(request: Request) -> None:
    """Router dependency of the pages: a form post carries the session's token in its ``csrf`` field."""
    if request.method not in SAFE_METHODS:
        token = None
        if request.headers.get("content-type", "").startswith(("multipart/form-data",
                                                                "application/x-www-form-urlencoded")):
            form = await request.form()
            value = form.get("csrf")
            token = value if isinstance(value, str) else None
        check_csrf(request, token)


def rate_limited(request: Request, limiter: Limiter, what: str) -> None:
    if not limiter.allow(f"{what}:{client_key(request)}"):
        raise ApiError(429, "rate_limited", f"Too many {what} requests from this client; wait a minute and try "
                       "again.", {"Retry-After": "60"})


def check_text(question: str) -> None:
    """Refuse a question whose bytes were not UTF-8 (the server decodes them to U+FFFD)."""
    if "\ufffd" in question:
        raise ApiError(400, "invalid_question", "The question holds bytes that are not UTF-8 text; type it again.")


Svc = Annotated[Services, Depends(services)]
Owner = Annotated[str, Depends(owner)]
OwnerProfile = Annotated[Profile | None, Depends(profile_of)]
