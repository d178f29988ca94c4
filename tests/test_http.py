"""The HTTP API and page against a real uvicorn server on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(corpus_dir: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "ONCOGUIDE_DATA_DIR": str(corpus_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "oncoguide.web.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode() if proc.stdout else ""
            pytest.fail(f"server exited: {out}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("server did not start")
    yield base
    proc.terminate()
    proc.wait(timeout=20)


def test_healthz(server: str) -> None:
    body = httpx.get(f"{server}/healthz").json()
    assert body["status"] == "ok" and body["passages"] > 50 and body["corpus_version"]


def test_api_ask_returns_a_cited_answer(server: str) -> None:
    r = httpx.get(f"{server}/api/v1/ask", params={"q": "What does ALK positive mean in lung cancer?"}, timeout=30)
    assert r.status_code == 200
    body = r.json()
    assert body["evidence_status"] in ("supported", "partial")
    assert body["summary"] and all(s["citations"] for s in body["summary"])
    for s in body["summary"]:
        for pid in s["citations"]:
            assert s["text"] in body["citations"][pid]["text"]
    assert body["sources"] and body["notice"]


def test_api_errors_are_json_with_a_code(server: str) -> None:
    r = httpx.get(f"{server}/api/v1/ask")
    assert r.status_code == 422 and r.json()["code"] == "invalid_request"
    r = httpx.get(f"{server}/api/v1/ask", params={"q": "x" * 5000})
    assert r.status_code == 400 and r.json()["code"] == "invalid_question"
    r = httpx.get(f"{server}/api/v1/nope")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_home_page_shows_an_answer(server: str) -> None:
    page = httpx.get(f"{server}/").text
    assert "<form" in page and 'name="q"' in page
    r = httpx.get(f"{server}/", params={"q": "What does ALK positive mean in lung cancer?"})
    assert r.status_code == 200
    assert "Sources" in r.text and "not medical advice" in r.text and "What ALK-positive means" in r.text
    hostile = httpx.get(f"{server}/", params={"q": "What is ALK? <script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in hostile.text and "&lt;script&gt;" in hostile.text


def test_openapi_documents_the_api(server: str) -> None:
    spec = httpx.get(f"{server}/openapi.json").json()
    assert "/api/v1/ask" in spec["paths"]
