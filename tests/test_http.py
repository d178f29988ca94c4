"""The HTTP API and page against a real uvicorn server on a free port."""

from __future__ import annotations

import httpx

from oncoguide.answer.model import Answer


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
    assert r.headers["content-type"] == "application/json"
    assert Answer.model_validate_json(r.content).summary  # the documented model, field for field


def test_api_errors_are_json_with_a_code(server: str) -> None:
    r = httpx.get(f"{server}/api/v1/ask")
    assert r.status_code == 422 and r.json()["code"] == "invalid_request"
    r = httpx.get(f"{server}/api/v1/ask", params={"q": "x" * 5000})
    assert r.status_code == 400 and r.json()["code"] == "invalid_question"
    r = httpx.get(f"{server}/api/v1/nope")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_asking_from_the_home_page_leads_to_a_shareable_answer_page(server: str) -> None:
    page = httpx.get(f"{server}/").text
    assert "<form" in page and 'name="q"' in page and "not medical advice" in page
    r = httpx.get(f"{server}/ask", params={"q": "What does ALK positive mean in lung cancer?"})
    assert r.status_code == 303
    slug_url = r.headers["location"]
    assert slug_url == "/questions/what-does-alk-positive-mean-in-lung-cancer"
    page = httpx.get(f"{server}{slug_url}")
    assert page.status_code == 200
    assert "Sources" in page.text and "Not medical advice" in page.text and "ALK-positive lung cancer" in page.text
    assert httpx.get(f"{server}/api/v1/questions/what-does-alk-positive-mean-in-lung-cancer").json()["answer"]["title"]


def test_hostile_questions_are_escaped(server: str) -> None:
    r = httpx.get(f"{server}/ask", params={"q": "What is ALK? <script>alert(1)</script>"}, follow_redirects=True,
                  timeout=120)
    assert "<script>alert(1)</script>" not in r.text and "&lt;script&gt;" in r.text
    assert r.headers["content-security-policy"].startswith("default-src 'self'")
    assert r.headers["x-content-type-options"] == "nosniff"


def test_unknown_pages_are_clear(server: str) -> None:
    r = httpx.get(f"{server}/questions/never-asked-before")
    assert r.status_code == 404 and "Ask it again" in r.text
    r = httpx.get(f"{server}/api/v1/guidelines/nope")
    assert r.status_code == 404 and r.json()["code"] == "unknown_guideline"


def test_openapi_documents_the_api(server: str) -> None:
    spec = httpx.get(f"{server}/openapi.json").json()
    assert "/api/v1/ask" in spec["paths"]
    ok = spec["paths"]["/api/v1/ask"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/Answer"}  # the answer is serialised by hand, documented as before
