"""What every route needs: the engine, the library, the owner's records, the session's CSRF token."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Request, Response

from oncoguide.answer.engine import AnswerEngine
from oncoguide.answer.model import Answer
from oncoguide.records.model import Profile
from oncoguide.records.service import RecordService
from oncoguide.store.ratelimit import Limiter
from oncoguide.store.users import Users
from oncoguide.web.library import Library
from oncoguide.web.live import LiveCorpus
from oncoguide.web.security import SESSION_COOKIE, SESSION_DAYS, Sessions
from oncoguide.web.slugs import QuestionPages

log = logging.getLogger("oncoguide.web")


class ApiError(Exception):
    """An error with a stable ``code`` and a human message (JSON for the API, a page for HTML)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Services:
    corpus: LiveCorpus  # the engine and library of the newest corpus in the database
    records: RecordService
    pages: QuestionPages
    sessions: Sessions
    ask_limit: Limiter  # shared through the database (store.ratelimit)
    upload_limit: Limiter
    users: Users
    login_limit: Limiter  # sign-in and register attempts, per client and per username

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


def set_session_cookie(response: Response, value: str, secure: bool) -> None:
    response.set_cookie(SESSION_COOKIE, value, max_age=SESSION_DAYS * 86400, httponly=True, samesite="lax",
                        secure=secure, path="/")


def start_session(request: Request, response: Response, user_id: str | None, username: str | None = None) -> None:
    """A fresh session (a new id, so a planted cookie is worth nothing after sign-in) for ``user_id`` (None:
    anonymous) on ``response``; this request's state follows it (the CSRF token of the page rendered now)."""
    svc = services(request)
    request.state.sid, request.state.user_id, request.state.username = svc.sessions.new(), user_id, username
    request.state.session_issued = True
    set_session_cookie(response, svc.sessions.cookie(request.state.sid, user_id),
                       svc.records.settings.server.secure_cookies)


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def check_csrf(request: Request, token: str | None) -> None:
    if not services(request).sessions.csrf_ok(request.state.sid, token):
        raise ApiError(403, "csrf_failed", "The form or request is missing a valid CSRF token; reload the page "
                       "(or GET /api/v1/session for a token) and try again.")


def rate_limited(request: Request, limiter: Limiter, what: str) -> None:
    if not limiter.allow(f"{what}:{client_key(request)}"):
        raise ApiError(429, "rate_limited", f"Too many {what} requests from this client; wait a minute and try "
                       "again.")


def check_text(question: str) -> None:
    """Refuse a question whose bytes were not UTF-8 (the server decodes them to U+FFFD)."""
    if "\ufffd" in question:
        raise ApiError(400, "invalid_question", "The question holds bytes that are not UTF-8 text; type it again.")


def profile_of(request: Request) -> Profile | None:
    return services(request).records.profile(owner(request))


def answer(request: Request, question: str, context: Sequence[str] = (), personal: bool = True) -> Answer:
    """Answer for this request's owner (personalised when they have a profile), with clear errors."""
    svc = services(request)
    rate_limited(request, svc.ask_limit, "question")
    check_text(question)
    if not svc.engine.index.passages:
        raise ApiError(503, "no_corpus", "No guides are ingested yet; run `oncoguide ingest`.")
    try:
        return svc.corpus.ask(question, context, profile=profile_of(request) if personal else None)
    except ValueError as exc:
        raise ApiError(400, "invalid_question", str(exc)) from exc
