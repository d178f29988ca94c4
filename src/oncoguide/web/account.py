"""Optional accounts (API and pages): register, sign in, sign out. Anonymous sessions stay the default; signing
in (or registering) moves this browser's records and corrections to the account, so any browser signed in to it
sees the same profile. Each change of account issues a fresh session id (no session fixation)."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from oncoguide.store.users import UserError, normalise
from oncoguide.web.api import Csrf
from oncoguide.web.deps import ApiError, check_csrf, owner, rate_limited, services, start_session

api_router = APIRouter(prefix="/api/v1/account", tags=["account"])
page_router = APIRouter(include_in_schema=False)
INVALID = "The username or password is not right."


class Credentials(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1024)


class AccountInfo(BaseModel):
    username: str | None = Field(description="The signed-in account, or null for an anonymous session")


class SessionChange(AccountInfo):
    csrf_token: str = Field(description="The new session's CSRF token (the session id changed)")


def signed_in(request: Request) -> str | None:
    user_id: str | None = request.state.user_id
    return user_id


def register_user(request: Request, username: str, password: str) -> tuple[str, str]:
    """A new account holding this anonymous session's records; returns (user id, username)."""
    svc = services(request)
    if signed_in(request):
        raise ApiError(409, "already_signed_in", "You are signed in; sign out first to register another account.")
    rate_limited(request, svc.login_limit, "sign-in")
    try:
        user_id = svc.users.create(username, password)
    except UserError as exc:
        raise ApiError(409 if exc.code == "username_taken" else 400, exc.code, str(exc)) from exc
    svc.records.adopt(owner(request), f"u:{user_id}")
    return user_id, normalise(username)


def login_user(request: Request, username: str, password: str) -> tuple[str, str]:
    """The account of these credentials (rate limited per client and per username); an anonymous session's
    records move to it."""
    svc = services(request)
    rate_limited(request, svc.login_limit, "sign-in")
    tried = hashlib.sha256(normalise(username).encode()).hexdigest()[:32]  # no usernames in the counters table
    if not svc.login_limit.allow(f"sign-in-user:{tried}"):
        raise ApiError(429, "rate_limited", "Too many sign-in attempts for this username; wait a minute and try "
                       "again.")
    user_id = svc.users.verify(username, password)
    if user_id is None:
        raise ApiError(401, "invalid_credentials", INVALID)
    if not signed_in(request):
        svc.records.adopt(owner(request), f"u:{user_id}")
    return user_id, normalise(username)


def delete_account(request: Request, response: Response) -> None:
    """After DELETE /me: a signed-in account goes too, and the browser gets a fresh anonymous session."""
    if signed_in(request):
        services(request).users.delete(request.state.user_id)
        start_session(request, response, None)


def _changed(request: Request) -> SessionChange:
    return SessionChange(username=request.state.username, csrf_token=services(request).sessions.csrf(request.state.sid))


# API ---------------------------------------------------------------------------------------------------------
@api_router.get("", response_model=AccountInfo)
def who(request: Request) -> AccountInfo:
    """The signed-in account's username, or null."""
    return AccountInfo(username=request.state.username if signed_in(request) else None)


@api_router.post("/register", response_model=SessionChange)
async def register(request: Request, response: Response, body: Credentials, x_csrf_token: Csrf = None
                   ) -> SessionChange:
    """Create an account (username 3-64 of a-z 0-9 . _ -, password 10-256 characters) holding this session's
    records; the session is then signed in (new session id and CSRF token)."""
    check_csrf(request, x_csrf_token)
    user_id, name = await run_in_threadpool(register_user, request, body.username, body.password)  # argon2: CPU
    start_session(request, response, user_id, name)
    return _changed(request)


@api_router.post("/login", response_model=SessionChange)
async def login(request: Request, response: Response, body: Credentials, x_csrf_token: Csrf = None) -> SessionChange:
    """Sign in; an anonymous session's records join the account's. Wrong password and unknown username give the
    same `invalid_credentials`."""
    check_csrf(request, x_csrf_token)
    user_id, name = await run_in_threadpool(login_user, request, body.username, body.password)
    start_session(request, response, user_id, name)
    return _changed(request)


@api_router.post("/logout", response_model=SessionChange)
def logout(request: Request, response: Response, x_csrf_token: Csrf = None) -> SessionChange:
    """Sign out: the browser gets a fresh, empty anonymous session (the account keeps its records)."""
    check_csrf(request, x_csrf_token)
    start_session(request, response, None)
    return _changed(request)


# pages -------------------------------------------------------------------------------------------------------
def _page(request: Request, status: int = 200, error: str | None = None, form: str = "") -> HTMLResponse:
    from oncoguide.web.pages import render  # pages imports nothing from here; avoid a cycle at import time

    return render(request, "account.html", status=status, username=request.state.username if signed_in(request)
                  else None, error=error, form=form)


@page_router.get("/account", response_class=HTMLResponse)
def account_page(request: Request) -> HTMLResponse:
    return _page(request)


async def _form_sign_in(request: Request, which: str, username: str, password: str, csrf: str) -> Response:
    check_csrf(request, csrf)
    act = register_user if which == "register" else login_user
    try:
        user_id, name = await run_in_threadpool(act, request, username, password)
    except ApiError as exc:
        return _page(request, exc.status, exc.message, which)
    response = RedirectResponse("/account", status_code=303)
    start_session(request, response, user_id, name)
    return response


@page_router.post("/account/register")
async def register_form(request: Request, username: Annotated[str, Form(max_length=200)] = "",
                        password: Annotated[str, Form(max_length=1024)] = "",
                        csrf: Annotated[str, Form()] = "") -> Response:
    return await _form_sign_in(request, "register", username, password, csrf)


@page_router.post("/account/login")
async def login_form(request: Request, username: Annotated[str, Form(max_length=200)] = "",
                     password: Annotated[str, Form(max_length=1024)] = "",
                     csrf: Annotated[str, Form()] = "") -> Response:
    return await _form_sign_in(request, "login", username, password, csrf)


@page_router.post("/account/logout")
def logout_form(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    response = RedirectResponse("/account", status_code=303)
    start_session(request, response, None)
    return response
