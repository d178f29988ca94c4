"""One module per resource; each has ``api`` (JSON under ``/api/v1``, CSRF token in ``X-CSRF-Token``) and/or
``pages`` (HTML forms, CSRF token in the ``csrf`` field) routers; the shared work is in ``web.actions``."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from oncoguide.web.deps import csrf_form, csrf_header


def api_router(prefix: str = "", tags: list[str] | None = None) -> APIRouter:
    return APIRouter(prefix="/api/v1" + prefix, tags=list(tags or []), dependencies=[Depends(csrf_header)])


def page_router() -> APIRouter:
    return APIRouter(include_in_schema=False, dependencies=[Depends(csrf_form)])
