"""Optional accounts (API and pages): register, sign in, sign out, and the session's CSRF token. Anonymous
sessions stay the default; signing in (or registering) moves this browser's records and corrections to the
account. Each change of account issues a fresh session id (no session fixation); signing out ends every
signed-in session of the account on the server (a copied cookie stops working)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from oncoguide.web import actions
from oncoguide.web.deps import ApiError, Svc
from oncoguide.web.render import has_profile, render
from oncoguide.web.routes import api_router, page_router

api = api_router("/account", tags=["account"])
session_api = api_router(tags=["session"])
pages = page_router()


class SessionInfo(BaseModel):
    csrf_token: str
    has_profile: bool


class Credentials(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1024)


class AccountInfo(BaseModel):
    username: str | None = Field(description="The signed-in account, or null for an anonymous session")


class SessionChange(AccountInfo):
    csrf_token: str = Field(description="The new session's CSRF token (the session id changed)")


@session_api.get("/session", response_model=SessionInfo)
def session(request: Request, svc: Svc) -> SessionInfo:
    """This session's CSRF token (send it as `X-CSRF-Token` on POST/PUT/DELETE)."""
    return SessionInfo(csrf_token=svc.sessions.csrf(request.state.sid), has_profile=has_profile(request))


def _changed(request: Request, svc: Svc) -> SessionChange:
    return SessionChange(username=request.state.username, csrf_token=svc.sessions.csrf(request.state.sid))


@api.get("", response_model=AccountInfo)
def who(request: Request) -> AccountInfo:
    """The signed-in account's username, or null."""
    return AccountInfo(username=request.state.username if request.state.user_id else None)


@api.post("/register", response_model=SessionChange)
async def register(request: Request, response: Response, svc: Svc, body: Credentials) -> SessionChange:
    """Create an account (username 3-64 of a-z 0-9 . _ -; password 10-256 characters, not a common one) holding
    this session's records; the session is then signed in (new session id and CSRF token)."""
    await actions.sign_in(request, response, "register", body.username, body.password)
    return _changed(request, svc)


@api.post("/login", response_model=SessionChange)
async def login(request: Request, response: Response, svc: Svc, body: Credentials) -> SessionChange:
    """Sign in; an anonymous session's records join the account's. Wrong password and unknown username give the
    same `invalid_credentials`, after a short delay."""
    await actions.sign_in(request, response, "login", body.username, body.password)
    return _changed(request, svc)


@api.post("/logout", response_model=SessionChange)
def logout(request: Request, response: Response, svc: Svc) -> SessionChange:
    """Sign out everywhere: every session of the account ends, and the browser gets a fresh, empty anonymous
    session (the account keeps its records)."""
    actions.sign_out(request, response)
    return _changed(request, svc)


def _page(request: Request, status: int = 200, error: str | None = None, form: str = "") -> HTMLResponse:
    return render(request, "account.html", status=status,
                  username=request.state.username if request.state.user_id else None, error=error, form=form)


@pages.get("/account", response_class=HTMLResponse)
def account_page(request: Request) -> HTMLResponse:
    return _page(request)


async def _form_sign_in(request: Request, which: str, username: str, password: str) -> Response:
    response = RedirectResponse("/account", status_code=303)
    try:
        await actions.sign_in(request, response, which, username, password)
    except ApiError as exc:
        return _page(request, exc.status, exc.message, which)
    return response


@pages.post("/account/register")
async def register_form(request: Request, username: Annotated[str, Form(max_length=200)] = "",
                        password: Annotated[str, Form(max_length=1024)] = "") -> Response:
    return await _form_sign_in(request, "register", username, password)


@pages.post("/account/login")
async def login_form(request: Request, username: Annotated[str, Form(max_length=200)] = "",
                     password: Annotated[str, Form(max_length=1024)] = "") -> Response:
    return await _form_sign_in(request, "login", username, password)


@pages.post("/account/logout")
def logout_form(request: Request) -> Response:
    response = RedirectResponse("/account", status_code=303)
    actions.sign_out(request, response)
    return response
