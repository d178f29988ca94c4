"""Sessions (signed, HttpOnly, SameSite cookies), CSRF tokens, per-client rate limits, security headers."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

SESSION_COOKIE = "og_session"
SESSION_DAYS = 30
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class Sessions:
    """Sessions: a random id, signed so a client cannot pick someone else's; a signed-in session also carries its
    account's id and session version ("<sid>:<user id>:<version>"), signed with it. Nothing is stored per
    session; signing out raises the account's version (``Users.revoke_sessions``), which ends every cookie that
    carries the old one."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _sign(self, purpose: str, value: str) -> str:
        return hmac.new(self._key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:32]

    def new(self) -> str:
        return secrets.token_urlsafe(24)

    def cookie(self, sid: str, user_id: str | None = None, version: int = 0) -> str:
        value = f"{sid}:{user_id}:{version}" if user_id else sid
        return f"{value}.{self._sign('session', value)}"

    def read(self, cookie: str | None) -> tuple[str, str | None, int] | None:
        """(session id, account id or None, session version) of a genuine cookie, else None."""
        if not cookie or cookie.count(".") != 1 or len(cookie) > 200:
            return None
        value, sig = cookie.split(".")
        if not hmac.compare_digest(sig, self._sign("session", value)):
            return None
        sid, _, rest = value.partition(":")
        user_id, _, version = rest.partition(":")
        return (sid, user_id or None, int(version) if version.isdigit() else 0) if sid else None

    def key(self, purpose: str, value: str) -> str:
        """A keyed hash of ``value`` (rate-limit keys that must not reveal what they count, e.g. usernames)."""
        return self._sign(purpose, value)

    def csrf(self, sid: str) -> str:
        return self._sign("csrf", sid)

    def csrf_ok(self, sid: str, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), self.csrf(sid))


class RateLimiter:
    """At most ``per_minute`` events per client key in any 60-second window (in process)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            q = self._events.setdefault(key, deque())
            while q and now - q[0] > 60:
                q.popleft()
            if len(q) >= self.per_minute:
                return False
            q.append(now)
            if len(self._events) > 50_000:  # forget idle clients
                for k in [k for k, v in self._events.items() if not v or now - v[-1] > 60]:
                    del self._events[k]
            return True

    def forget(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)
