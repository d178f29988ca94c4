"""What the JSON API and the pages both do, in one place: ask, open a question page, upload and delete
records, correct the profile, delete everything, register, sign in and out. Routes only translate requests
and responses (JSON or HTML); every rule (limits, CSRF-independent checks, privacy) lives here."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from oncoguide.answer.model import Answer
from oncoguide.records.corrections import CorrectionError
from oncoguide.records.model import Profile
from oncoguide.records.service import Upload
from oncoguide.store.users import UserError, normalise
from oncoguide.web.deps import (
    ApiError,
    check_text,
    client_key,
    owner,
    profile_of,
    rate_limited,
    services,
    start_session,
)
from oncoguide.web.work import Busy

INVALID = "The username or password is not right."
FAILED_SIGN_IN_DELAY_S = 1.0  # every failed sign-in waits this long
SLOW_SIGN_IN_DELAY_S = 5.0  # ... and this long once its username had too many failures this minute


# answers -------------------------------------------------------------------------------------------------------
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


def page_for(request: Request, question: str) -> str:
    """The slug of the page answering ``question``: a catalog page, or the asker's own private page (its text
    kept encrypted, identifiers removed). Counts as a question for the per-client limit."""
    svc = services(request)
    check_text(question)
    limit = svc.engine.settings.server.max_question_chars
    if len(question) > limit:
        raise ApiError(400, "invalid_question", f"The question is {len(question)} characters long; the limit is "
                       f"{limit}.")
    rate_limited(request, svc.ask_limit, "question")
    return svc.pages.slug_for(owner(request), question)


def question_for(request: Request, slug: str) -> str:
    question = services(request).pages.question_for(owner(request), slug)
    if question is None:
        raise ApiError(404, "unknown_question", "We do not know this question's address (a question you typed "
                       "has its own page, which only you can open). Ask it again from the home page.")
    return question


# records -------------------------------------------------------------------------------------------------------
async def read_uploads(request: Request, files: list[UploadFile]) -> list[tuple[str, bytes]]:
    """File names and bytes, each within the upload size limit (checked while reading, not trusted)."""
    limit = services(request).records.settings.records.max_upload_mb * 1024 * 1024
    out = []
    for f in files:
        data = await f.read(limit + 1)
        if len(data) > limit:
            raise ApiError(413, "file_too_large", f"{f.filename or 'a file'} is larger than "
                           f"{limit // (1024 * 1024)} MiB.")
        out.append((f.filename or "upload", data))
    return out


async def upload(request: Request, files: list[UploadFile]) -> tuple[list[Upload], Profile | None]:
    """Read, check and store the files in the bounded reading pool (503 when it is full)."""
    svc = services(request)
    rate_limited(request, svc.upload_limit, "upload")
    files_read = await read_uploads(request, files)
    try:
        return await svc.reading.run(svc.records.upload, owner(request), files_read)
    except Busy as exc:
        raise ApiError(503, "busy", "The server is reading many records right now; nothing was stored. Try again "
                       "in a minute.", {"Retry-After": "30"}) from exc


def delete_record(request: Request, record_id: str) -> None:
    if not services(request).records.delete_record(owner(request), record_id):
        raise ApiError(404, "unknown_record", "You have no record with that id.")


def correct(request: Request, field: str, value: str | None) -> Profile:
    try:
        return services(request).records.correct(owner(request), field, value)
    except CorrectionError as exc:
        raise ApiError(400, "invalid_correction", str(exc)) from exc


def delete_everything(request: Request, response: Response) -> int:
    """Every record, the profile, the asked questions, and the account when signed in (the browser then gets a
    fresh anonymous session on ``response``); returns the records and profiles removed."""
    svc = services(request)
    removed = svc.records.delete_all(owner(request))
    user_id = request.state.user_id
    if user_id:
        name = request.state.username or ""
        svc.users.delete(user_id)
        svc.username_limit.forget(username_key(request, name))
        start_session(request, response, None)
    return removed


# accounts ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SignedIn:
    user_id: str
    username: str
    version: int


class SignInFailed(ApiError):
    """A failed sign-in; the route waits ``delay`` seconds before answering (slows guessing, locks nobody out)."""

    def __init__(self, delay: float) -> None:
        super().__init__(401, "invalid_credentials", INVALID)
        self.delay = delay


def username_key(request: Request, username: str) -> str:
    """The per-username counter's key: a keyed hash, so the table never holds a guessable username hash."""
    return "sign-in-user:" + services(request).sessions.key("username", normalise(username))


def _register(request: Request, username: str, password: str) -> SignedIn:
    svc = services(request)
    if request.state.user_id:
        raise ApiError(409, "already_signed_in", "You are signed in; sign out first to register another account.")
    rate_limited(request, svc.login_limit, "sign-in")
    try:
        user_id = svc.users.create(username, password)
    except UserError as exc:
        if exc.code == "username_taken" and not svc.taken_limit.allow(f"register-taken:{client_key(request)}"):
            raise ApiError(429, "rate_limited", "Too many registrations with names that are taken from this client; "
                           "wait a minute and try again.", {"Retry-After": "60"}) from exc
        raise ApiError(409 if exc.code == "username_taken" else 400, exc.code, str(exc)) from exc
    svc.records.adopt(owner(request), f"u:{user_id}")
    return SignedIn(user_id, normalise(username), 0)


def _login(request: Request, username: str, password: str) -> SignedIn:
    svc = services(request)
    rate_limited(request, svc.login_limit, "sign-in")
    user_id = svc.users.verify(username, password)
    if user_id is None:
        slow = not svc.username_limit.allow(username_key(request, username))
        raise SignInFailed(SLOW_SIGN_IN_DELAY_S if slow else FAILED_SIGN_IN_DELAY_S)
    found = svc.users.session(user_id)
    if not request.state.user_id:
        svc.records.adopt(owner(request), f"u:{user_id}")
    return SignedIn(user_id, normalise(username), found[1] if found else 0)


async def sign_in(request: Request, response: Response, which: str, username: str, password: str) -> None:
    """Register (``which="register"``) or sign in; the anonymous session's records move to the account and the
    browser gets a new session id. A failed sign-in is answered after a delay (argon2 runs off the loop)."""
    act = _register if which == "register" else _login
    try:
        who = await run_in_threadpool(act, request, username, password)
    except SignInFailed as exc:
        await asyncio.sleep(exc.delay)
        raise
    start_session(request, response, who.user_id, who.username, who.version)


def sign_out(request: Request, response: Response) -> None:
    """End every signed-in session of the account (server side: copies of the cookie stop working) and give
    this browser a fresh anonymous one."""
    if request.state.user_id:
        services(request).users.revoke_sessions(request.state.user_id)
    start_session(request, response, None)
