"""A bounded pool for the CPU-heavy reading of uploaded records, off the event loop and off the thread pool the
other routes use: one person's upload waits for a reading thread instead of taking the server's threads, and
when too many wait the upload is refused at once (503) rather than queued without end."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class Busy(Exception):
    """Every reading thread is busy and the queue is full."""


class ReadingPool:
    def __init__(self, workers: int, queue: int) -> None:
        self.workers, self.slots = workers, workers + queue
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="oncoguide-read")
        self._taken = 0  # changed on the event loop only

    @property
    def waiting(self) -> int:
        return max(0, self._taken - self.workers)

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """``fn(*args)`` on a reading thread; raises Busy when ``workers + queue`` calls are already in."""
        if self._taken >= self.slots:
            raise Busy
        self._taken += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        finally:
            self._taken -= 1

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
