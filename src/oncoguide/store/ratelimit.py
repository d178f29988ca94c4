"""Rate limits kept in the database, so every worker and replica counts the same requests."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from oncoguide.store.db import Store
from oncoguide.store.schema import RateLimitRow

log = logging.getLogger("oncoguide.store")


class Limiter(Protocol):
    def allow(self, key: str) -> bool: ...

    def forget(self, key: str) -> None: ...


class DbRateLimiter:
    """At most ``per_minute`` events per client key in any 60 seconds (sliding window estimated from this
    minute's count and the previous one's, as Cloudflare and nginx do). One upsert per event; a denied event
    is not counted. When the database is unavailable the event is allowed (and logged)."""

    def __init__(self, store: Store, per_minute: int, clock: Callable[[], float] = time.time) -> None:
        self.store, self.per_minute, self.clock = store, per_minute, clock
        self._swept = 0
        self._previous: tuple[int, dict[str, int]] = (0, {})  # a finished minute's counts, read once per key
        self._insert = postgresql.insert if store.backend == "postgresql" else sqlite.insert

    def allow(self, key: str) -> bool:
        now = self.clock()
        bucket, into = int(now // 60), (now % 60) / 60
        key = key[:200]
        row = RateLimitRow.__table__.c
        upsert = (self._insert(RateLimitRow).values(key=key, bucket=bucket, hits=1)
                  .on_conflict_do_update(index_elements=[row.key, row.bucket], set_={"hits": row.hits + 1})
                  .returning(row.hits))
        try:
            return self._count(key, bucket, into, upsert)
        except OperationalError as exc:  # fail open: answers do not need the database, so keep serving them
            log.warning("rate limit unavailable", extra={"error": exc.__class__.__name__})
            return True

    def forget(self, key: str) -> None:
        """Drop every count of ``key`` (an account deleted: nothing derived from its username stays)."""
        self._previous[1].pop(key[:200], None)
        self.store.erase(delete(RateLimitRow).where(RateLimitRow.key == key[:200]))

    def _count(self, key: str, bucket: int, into: float, upsert: Any) -> bool:
        row = RateLimitRow.__table__.c
        with self.store.engine.begin() as conn:  # Core, not an ORM session: this runs on every request
            hits = int(conn.execute(upsert).scalar_one())
            before = self._before(conn, key, bucket)
            allowed = before * (1 - into) + hits <= self.per_minute
            if not allowed:
                conn.execute(update(RateLimitRow).where(row.key == key, row.bucket == bucket).values(hits=row.hits - 1))
            if bucket > self._swept:  # once a minute per process: forget finished windows
                conn.execute(delete(RateLimitRow).where(row.bucket < bucket - 1))
                self._swept = bucket
        return allowed

    def _before(self, conn: Connection, key: str, bucket: int) -> int:
        """The count of ``key`` in the minute before ``bucket``: that minute is over, so it is read once."""
        minute, counts = self._previous
        if minute != bucket or len(counts) > 10_000:
            minute, counts = self._previous = (bucket, {})
        if key not in counts:
            row = RateLimitRow.__table__.c
            counts[key] = conn.scalar(select(row.hits).where(row.key == key, row.bucket == bucket - 1)) or 0
        return counts[key]
