"""HTTP clients for the tests that talk to a real server: a session with its CSRF token, and record uploads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx


@contextmanager
def api_client(base: str, timeout: float = 120) -> Iterator[httpx.Client]:
    """A new session (cookie jar) on ``base`` whose requests carry the session's CSRF token."""
    with httpx.Client(base_url=base, timeout=timeout) as c:
        c.headers["X-CSRF-Token"] = c.get("/api/v1/session").json()["csrf_token"]
        yield c


def upload(c: httpx.Client, *files: tuple[str, bytes]) -> httpx.Response:
    return c.post("/api/v1/records", files=[("files", f) for f in files])
