"""Per-owner isolation over real HTTP, table-driven over the app's own route list: a new route without an entry
here fails. A second session asks every route (with the first owner's record ids and fields in the URL) and gets
nothing of the first owner's; its writes change nothing of theirs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

import hostile
from clients import api_client as session
from oncoguide.config import Settings

MARKER = "ISOLATION-PATIENT-5519"
NAME = "isolation-marker-file.txt"
RECORD = f"""PATHOLOGY REPORT. Patient: {MARKER}.
FINAL DIAGNOSIS: Invasive adenocarcinoma of the lung. Stage IIB.
Molecular: ALK rearrangement detected by FISH. PD-L1 TPS 60%.
""".encode()
SLUG = "what-does-alk-positive-mean-in-lung-cancer"
STRANGER = f"isolation-stranger-{uuid.uuid4().hex[:8]}"

# (method, path) -> (kind, request). kind: "public" (holds no owner data), "owner" (reads the owner's data),
# "write" (changes the owner's data). Requests are sent by the stranger, with the owner's ids substituted.
ROUTES: dict[tuple[str, str], tuple[str, dict[str, object]]] = {
    ("GET", "/"): ("owner", {}),  # shows "My diagnosis" when the session has a profile
    ("GET", "/healthz"): ("public", {}),
    ("GET", "/ask"): ("public", {"params": {"q": "What are my treatment options?"}}),
    ("GET", "/guidelines"): ("public", {"params": {"q": "ALK"}}),
    ("GET", "/guidelines/{guide_id}"): ("public", {}),
    ("GET", "/questions/{slug}"): ("owner", {}),
    ("GET", "/records"): ("owner", {}),
    ("GET", "/me"): ("owner", {}),
    ("GET", "/api/v1/session"): ("owner", {}),
    ("GET", "/api/v1/ask"): ("owner", {"params": {"q": "What are my treatment options?"}}),
    ("GET", "/api/v1/questions/{slug}"): ("owner", {}),
    ("GET", "/api/v1/guidelines"): ("public", {}),
    ("GET", "/api/v1/guidelines/search"): ("public", {"params": {"q": "ALK"}}),
    ("GET", "/api/v1/guidelines/{guide_id}"): ("public", {}),
    ("GET", "/api/v1/records"): ("owner", {}),
    ("GET", "/api/v1/profile"): ("owner", {}),
    ("GET", "/api/v1/profile/summary"): ("owner", {}),
    ("POST", "/api/v1/records"): ("write", {"files": [("files", ("mine.txt", b"EGFR exon 19 deletion detected."))]}),
    ("DELETE", "/api/v1/records/{record_id}"): ("write", {}),
    ("PUT", "/api/v1/profile/corrections"): ("write", {"json": {"field": "stage.group", "value": "IV"}}),
    ("DELETE", "/api/v1/profile/corrections/{field}"): ("write", {}),
    ("DELETE", "/api/v1/me"): ("write", {}),
    ("POST", "/records"): ("write", {"files": [("files", ("mine2.txt", b"KRAS G12C detected."))]}),
    ("POST", "/records/{record_id}/delete"): ("write", {"data": {}}),
    ("POST", "/me/corrections"): ("write", {"data": {"field": "stage.group", "value": "IV"}}),
    ("POST", "/me/delete"): ("write", {"data": {"confirm": "yes"}}),
    ("GET", "/account"): ("owner", {}),
    ("GET", "/api/v1/account"): ("owner", {}),
    # the stranger signs in (wrongly), registers, signs out: their own records move, never the owner's
    ("POST", "/account/login"): ("write", {"data": {"username": STRANGER, "password": "not-the-password"}}),
    ("POST", "/account/logout"): ("write", {"data": {}}),
    ("POST", "/account/register"): ("write", {"data": {"username": STRANGER, "password": "stranger password 1"}}),
    ("POST", "/api/v1/account/login"): ("write", {"json": {"username": STRANGER, "password": "stranger password 1"}}),
    ("POST", "/api/v1/account/logout"): ("write", {}),
    ("POST", "/api/v1/account/register"): ("write", {"json": {"username": STRANGER + "-2",
                                                              "password": "stranger password 2"}}),
}


def test_every_route_is_in_the_isolation_table(settings: Settings) -> None:
    assert {k for k in hostile.app_routes(settings) if k[0] != "HEAD"} == set(ROUTES), \
        "classify the new route in ROUTES (and test that it keeps owners apart)"


@pytest.fixture
def owner(server: str) -> Iterator[tuple[httpx.Client, str]]:
    with session(server) as c:
        r = c.post("/api/v1/records", files=[("files", (NAME, RECORD))])
        assert r.status_code == 200 and r.json()["results"][0]["status"] == "stored"
        assert c.put("/api/v1/profile/corrections", json={"field": "cancer.histology",
                                                          "value": "owner-only histology"}).status_code == 200
        yield c, r.json()["results"][0]["record"]["id"]


def leaks(text: str, record_id: str, stranger_has_data: bool = False) -> list[str]:
    """The owner's data in ``text``; once the stranger has uploaded their own records, only the owner's own
    markers count (the stranger then rightly sees "Your records show ..." about their own)."""
    found = [m for m in (MARKER, NAME, record_id, "owner-only histology") if m in text]
    if not stranger_has_data:
        found += [m for m in ("Your records show", "Your diagnosis", 'aria-label="profile loaded"') if m in text]
        found += ['"has_profile":true'] if '"has_profile":true' in text.replace(" ", "") else []
    return found


def test_a_stranger_gets_nothing_of_the_owner(owner: tuple[httpx.Client, str], server: str) -> None:
    first, record_id = owner
    assert leaks(first.get("/me").text, record_id)  # the owner does see their own data (the check has teeth)
    assert leaks(first.get("/api/v1/records").text, record_id)
    with session(server) as stranger:
        wrote = False
        for (method, path), (kind, request) in sorted(ROUTES.items(), key=lambda kv: (kv[1][0] == "write", kv[0])):
            wrote = wrote or kind == "write"  # reads first, while the stranger has no data of their own
            url = path.format(record_id=record_id, field="cancer.histology", slug=SLUG, guide_id="nsclc")
            extra: dict[str, object] = dict(request)
            if "data" in extra or (method == "POST" and not path.startswith("/api/")):
                extra["data"] = {**dict(extra.get("data", {})),  # type: ignore[arg-type]
                                 "csrf": stranger.headers["X-CSRF-Token"]}
            r = stranger.request(method, url, follow_redirects=True, **extra)  # type: ignore[arg-type]
            assert r.status_code < 500, (method, path, r.status_code)
            assert not leaks(r.text, record_id, wrote), (method, path, leaks(r.text, record_id, wrote))
            if kind == "write" and "{record_id}" in path:
                assert r.status_code == 404, (method, path)  # the owner's record id is unknown to the stranger
            if kind == "write":  # signing in or out, or deleting an account, gives a new session and CSRF token
                stranger.headers["X-CSRF-Token"] = stranger.get("/api/v1/session").json()["csrf_token"]
        assert stranger.get("/api/v1/profile").json()["profile"] is None or \
            MARKER not in stranger.get("/api/v1/profile").text
    # the stranger's writes and deletes changed nothing of the owner's
    assert [r["id"] for r in first.get("/api/v1/records").json()] == [record_id]
    prof = first.get("/api/v1/profile").json()
    assert prof["corrections"] == {"cancer.histology": "owner-only histology"}
    assert first.get("/api/v1/ask", params={"q": "What are my treatment options?"}).json()["profile_used"]


def test_personal_answers_and_question_pages_follow_the_asker(owner: tuple[httpx.Client, str], server: str) -> None:
    first, _ = owner
    mine = first.get(f"/api/v1/questions/{SLUG}").json()["answer"]
    assert mine["profile_used"] and "ALK" in mine["profile_used"]["statement"]
    with session(server) as stranger:
        theirs = stranger.get(f"/api/v1/questions/{SLUG}").json()["answer"]
        assert theirs["profile_used"] is None  # same shared URL, nothing of the owner's profile
        page = stranger.get(f"/questions/{SLUG}").text
        assert "Your records show" not in page
