"""Server-rendered pages: the templates, the page frame every page shares, and error pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from oncoguide.web.deps import log, owner, services
from oncoguide.web.library import passage_anchor, section_anchor

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))  # autoescapes .html
TEMPLATES.env.globals.update(section_anchor=section_anchor, passage_anchor=passage_anchor)


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/docs", "/redoc", "/openapi", "/healthz"))


def has_profile(request: Request) -> bool:
    """For the navigation's dot. A page never fails because of it: an error here (say, records a newer
    version cannot decrypt) is logged by type and the dot left off."""
    try:
        return services(request).records.saved(owner(request)) is not None
    except Exception as exc:  # the frame of every page (and error page) must render
        log.error("profile check failed", extra={"request_id": getattr(request.state, "request_id", ""),
                                                 "error": exc.__class__.__name__})
        return False


def render(request: Request, template: str, status: int = 200, **context: object) -> HTMLResponse:
    svc = services(request)
    base: dict[str, object] = {"csrf": svc.sessions.csrf(request.state.sid),
                               "account": getattr(request.state, "username", None)}
    if "has_profile" not in context:
        base["has_profile"] = has_profile(request)
    return TEMPLATES.TemplateResponse(request, template, {**base, **context}, status_code=status)


def error_page(request: Request, status: int, message: str, **context: object) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message, **context)
