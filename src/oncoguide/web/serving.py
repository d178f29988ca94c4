"""Serving with several worker processes, each listening on the port through its own ``SO_REUSEPORT`` socket.

uvicorn's ``--workers`` shares one listening socket: every idle worker waits in ``accept()`` and the one that
wakes first takes every pending connection, so a burst of keep-alive connections all lands on one worker (the
HTTP bench saw 200 of 200 answers served by one of two workers, and 2 workers answering no faster than 1).
With a socket of its own per worker the kernel spreads new connections over the workers by a hash of their
addresses. The supervisor here starts the workers, restarts one that dies, and stops them all on SIGINT/SIGTERM.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE

log = logging.getLogger("oncoguide.web")
APP = "oncoguide.web.app:create_app"
BACKLOG = 2048
STOP_S = 30  # a worker still running this long after SIGTERM is killed


def reuseport_socket(host: str, port: int, listen: bool = True) -> socket.socket:
    """A TCP socket bound to ``host:port`` that other processes of this user may bind too (``SO_REUSEPORT``): the
    kernel hands each new connection to one of the listening ones. ``listen=False`` leaves it out of that share
    until its server calls ``listen()``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        if listen:
            sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def _worker(host: str, port: int, options: dict[str, Any]) -> None:
    """One worker process: its own socket on the shared port, one uvicorn server on it."""
    from oncoguide.logs import configure

    configure()
    try:  # uvicorn listens once the app has started: no connection waits on a worker still loading its model
        sock = reuseport_socket(host, port, listen=False)
    except OSError as exc:
        log.error("cannot listen", extra={"port": port, "error": exc.strerror})
        sys.exit(STARTUP_FAILURE)
    server = uvicorn.Server(uvicorn.Config(APP, factory=True, host=host, port=port, **options))
    server.run(sockets=[sock])
    if not server.started:  # the app failed to start (its lifespan raised): the same on every restart
        sys.exit(STARTUP_FAILURE)


class Workers:
    """``count`` worker processes serving ``host:port``; ``run`` returns when they are stopped (exit status)."""

    def __init__(self, host: str, port: int, count: int, options: dict[str, Any]) -> None:
        self.host, self.port, self.count, self.options = host, port, count, options
        self.context = multiprocessing.get_context("spawn")  # a fresh interpreter: no threads or engine inherited
        self.processes: list[BaseProcess] = []
        self.stopping = threading.Event()

    def _start(self) -> BaseProcess:
        proc = self.context.Process(target=_worker, args=(self.host, self.port, self.options),
                                    name="oncoguide-worker")
        proc.start()
        log.info("worker started", extra={"worker": proc.pid})
        return proc

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping.set()

    def run(self) -> int:
        reuseport_socket(self.host, self.port).close()  # the port is free for us (or fail here, with its error)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._stop)
        self.processes = [self._start() for _ in range(self.count)]
        log.info("serving", extra={"host": self.host, "port": self.port, "workers": self.count,
                                   "supervisor": os.getpid()})
        status = 0
        while not self.stopping.wait(0.5):
            for i, proc in enumerate(self.processes):
                if proc.is_alive():
                    continue
                log.warning("worker exited", extra={"worker": proc.pid, "exit_code": proc.exitcode})
                if proc.exitcode == STARTUP_FAILURE:  # bad port, broken app: every restart would fail the same way
                    log.error("worker failed to start, stopping", extra={"worker": proc.pid})
                    status = 1
                    self.stopping.set()
                    break
                self.processes[i] = self._start()
        self.stop()
        return status

    def stop(self) -> None:
        for proc in self.processes:
            if proc.is_alive() and proc.pid is not None:
                os.kill(proc.pid, signal.SIGTERM)  # uvicorn finishes the requests under way, then exits
        deadline = time.monotonic() + STOP_S
        for proc in self.processes:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join()
