"""Records and profile over real HTTP: CSRF, per-session isolation, corrections, personalised answers, deletion."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from clients import api_client, upload

RECORD = b"""SURGICAL PATHOLOGY REPORT
Patient: TESTPATIENT-7731. Specimen: Right upper lobe, lobectomy. Date: 2025-03-04.
FINAL DIAGNOSIS: Invasive adenocarcinoma of the lung, acinar predominant.
Pathologic stage (AJCC 8th edition): pT2a pN1 cM0, stage IIB.
Molecular: ALK rearrangement detected by FISH. EGFR: no mutation detected. PD-L1 (22C3) TPS 60%.
"""


@pytest.fixture
def client(server: str) -> Iterator[httpx.Client]:
    with api_client(server) as c:
        yield c


def test_upload_needs_the_csrf_token(server: str) -> None:
    with httpx.Client(base_url=server) as c:
        r = c.post("/api/v1/records", files=[("files", ("a.txt", RECORD))])
        assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
        r = c.post("/records", files=[("files", ("a.txt", RECORD))], data={"csrf": "forged"})
        assert r.status_code == 403 and "CSRF" in r.text


def test_upload_read_profile_and_isolation(client: httpx.Client, server: str) -> None:
    r = upload(client, ("report.txt", RECORD), ("junk.pdf", b"\x00\x01 not a pdf"), ("empty.txt", b""))
    assert r.status_code == 200
    body = r.json()
    status = {x["name"]: x["status"] for x in body["results"]}
    assert status == {"report.txt": "stored", "junk.pdf": "refused", "empty.txt": "refused"}
    assert all(x["error"] for x in body["results"] if x["status"] == "refused")
    profile = body["profile"]
    assert profile["cancer"]["cancer_id"] in ("lung-adenocarcinoma", "nsclc", "lung")
    assert any(b["name"] == "ALK" and b["result"] == "positive" for b in profile["biomarkers"])
    assert any(b["name"] == "EGFR" and b["result"] == "negative" for b in profile["biomarkers"])
    for b in profile["biomarkers"]:
        assert b["evidence"]["quote"] and RECORD.decode()[b["evidence"]["char_start"]:b["evidence"]["char_end"]] \
            == b["evidence"]["quote"]
    again = upload(client, ("report-copy.txt", RECORD)).json()
    assert again["results"][0]["status"] == "already_uploaded"
    record_id = client.get("/api/v1/records").json()[0]["id"]

    with httpx.Client(base_url=server) as stranger:
        stranger.headers["X-CSRF-Token"] = stranger.get("/api/v1/session").json()["csrf_token"]
        assert stranger.get("/api/v1/records").json() == []
        assert stranger.get("/api/v1/profile").json()["profile"] is None
        assert stranger.delete(f"/api/v1/records/{record_id}").status_code == 404
        assert stranger.get("/api/v1/profile/summary").json()["code"] == "no_profile"
        stranger.cookies.set("og_session", client.cookies["og_session"].split(".")[0] + ".forged")
        assert stranger.get("/api/v1/records").json() == []  # a forged cookie is a new, empty session
    assert len(client.get("/api/v1/records").json()) == 1


def test_corrections_personal_answers_and_delete(client: httpx.Client, server: str, corpus_dir: Path) -> None:
    upload(client, ("report.txt", RECORD))
    r = client.put("/api/v1/profile/corrections", json={"field": "stage.group", "value": "IIIA"})
    assert r.status_code == 200 and r.json()["stage"]["group"]["value"] == "IIIA"
    assert r.json()["stage"]["group"]["evidence"]["document_id"] == "you"
    bad = client.put("/api/v1/profile/corrections", json={"field": "patient.name", "value": "x"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_correction"
    answer = client.get("/api/v1/ask", params={"q": "What are my treatment options?"}).json()
    assert answer["profile_used"]["statement"].startswith("Your records show ALK-positive")
    plain = client.get("/api/v1/ask", params={"q": "What are my treatment options?", "personal": "false"}).json()
    assert plain["profile_used"] is None
    summary = client.get("/api/v1/profile/summary").json()
    assert summary["title"] == "Your diagnosis" and summary["sections"]
    page = client.get("/me").text
    assert "Where we found this" in page and "corrected by you" in page

    owner_rows = client.delete("/api/v1/me").json()["deleted"]
    assert owner_rows >= 2
    assert client.get("/api/v1/records").json() == [] and client.get("/api/v1/profile").json()["profile"] is None
    db = sqlite3.connect(corpus_dir / "oncoguide.db")
    blobs = b"".join(row[0] for row in db.execute("select blob from records union all select blob from profiles"))
    assert b"TESTPATIENT-7731" not in blobs  # never stored in clear (and this session's rows are gone)
    raw = b"".join(p.read_bytes() for p in corpus_dir.glob("oncoguide.db*"))
    assert b"TESTPATIENT-7731" not in raw
