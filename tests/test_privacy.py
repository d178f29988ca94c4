"""Privacy against a real production server (`oncoguide serve`: JSON logs, default settings) on a copy of the
session corpus: no PHI in the logs, "delete my data" leaves nothing in any file or table, retention purges."""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from clients import api_client as session
from oncoguide.answer.engine import AnswerEngine
from oncoguide.config import Settings
from oncoguide.records.service import RecordService
from oncoguide.store import Store
from oncoguide.store.crypto import Cipher
from oncoguide.store.records import RecordStore

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is not an installed package
    sys.path.insert(0, str(ROOT))

from bench.load import Server, serve  # noqa: E402

NAME = "Zebulon Quartermaine"
MRN = "MRN-88412907"
FILE = "zebulon-quartermaine-pathology.txt"
RECORD = f"""SURGICAL PATHOLOGY REPORT
Patient: {NAME}. {MRN}. DOB 1961-07-19.
FINAL DIAGNOSIS: Invasive adenocarcinoma of the lung, acinar predominant. Stage IIIA (pT2a pN2 cM0).
Molecular: ALK rearrangement detected by FISH. EGFR: no mutation detected. PD-L1 (22C3) TPS 85%.
""".encode()
CORRECTION = "Quartermaine-variant adenocarcinoma"
QUESTIONS = ["What do my Xylocarp QX991 results mean for treatment?", "Should Zebulon worry about TPS 85 percent?"]


@pytest.fixture(scope="module")
def prod(corpus_dir: Path, engine: AnswerEngine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A production server on a copy of the session corpus (embedded by ``engine`` first)."""
    data = tmp_path_factory.mktemp("prod") / "data"
    shutil.copytree(corpus_dir, data, ignore=shutil.ignore_patterns("*.log"))
    with sqlite3.connect(data / "oncoguide.db") as db:  # a fresh server: not the other tests' rate-limit counters
        db.execute("DELETE FROM rate_limits")
    with serve(data, data.parent / "server.log") as server:
        yield server


def use_everything(c: httpx.Client) -> None:
    """Upload, refuse, correct, ask (API and pages) with a profile, read every private page."""
    r = c.post("/api/v1/records", files=[("files", (FILE, RECORD)), ("files", (f"{NAME}.bin", b"\x00\x01 junk"))])
    assert [x["status"] for x in r.json()["results"]] == ["stored", "refused"]
    assert c.put("/api/v1/profile/corrections", json={"field": "cancer.histology", "value": CORRECTION}).is_success
    assert c.put("/api/v1/profile/corrections", json={"field": f"{NAME}.x", "value": MRN}).status_code == 400
    for q in QUESTIONS:
        assert c.get("/api/v1/ask", params={"q": q}).json()["profile_used"]
        assert c.get("/ask", params={"q": q}, follow_redirects=True).status_code == 200
    for path in ("/me", "/records", "/api/v1/profile", "/api/v1/profile/summary", "/api/v1/records"):
        assert c.get(path).status_code == 200, path


def test_no_phi_in_the_logs(prod: Server) -> None:
    with session(prod.base_url) as c:
        use_everything(c)
        sid = c.cookies["og_session"].split(".")[0]
    time.sleep(0.5)  # let the last lines reach the file
    log = prod.log.read_text()
    lines = [json.loads(x) for x in log.splitlines() if x.startswith("{")]
    routes = {x.get("route") for x in lines if x.get("event") == "request"}
    assert {"/api/v1/records", "/api/v1/profile/corrections", "/api/v1/ask", "/questions/{slug}", "/me"} <= routes
    assert all(x.get("request_id") for x in lines if x.get("event") == "request")
    needles = [NAME, "Zebulon", "Quartermaine", MRN, "88412907", FILE, "1961-07-19", "ALK rearrangement", "TPS 85",
               "pT2a", CORRECTION, *QUESTIONS, "Xylocarp", "QX991", "xylocarp-qx991", sid]
    found = [n for n in needles if n.lower() in log.lower()]
    assert not found, found


def all_bytes(data: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file() and p.suffix != ".log")


def test_delete_my_data_leaves_nothing(prod: Server) -> None:
    data = Path(prod.log).parent / "data"
    with session(prod.base_url) as c:
        use_everything(c)
        sid = c.cookies["og_session"].split(".")[0]
        assert sid.encode() in all_bytes(data)  # the owner id is in the database before (the search has teeth)
        r = c.delete("/api/v1/me")
        assert r.status_code == 200 and r.json()["deleted"] == 2
        assert c.get("/api/v1/records").json() == [] and c.get("/api/v1/profile").json()["profile"] is None
    raw = all_bytes(data)
    for needle in (sid, f"s:{sid}", NAME, MRN, FILE, CORRECTION, "ALK rearrangement detected"):
        assert needle.encode() not in raw, needle
        assert needle.encode("utf-16-le") not in raw, needle
    con = sqlite3.connect(data / "oncoguide.db")
    for (table,) in con.execute("select name from sqlite_master where type = 'table'").fetchall():
        for row in con.execute(f'select * from "{table}"'):
            cells = b"".join(v if isinstance(v, bytes) else str(v).encode() for v in row)
            assert sid.encode() not in cells, table
    con.close()


def test_retention_purges_idle_owners(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    store = RecordStore(Store(settings.db_url), Cipher.from_settings(settings))
    service = RecordService(store, settings)
    for owner in ("idle", "recent"):
        service.upload(owner, [("r.txt", RECORD)])
    old = datetime.now() - timedelta(days=40)
    con = sqlite3.connect(tmp_path / "oncoguide.db")
    con.execute("update records set created_at = ? where owner_id = 'idle'", (old,))
    con.execute("update profiles set updated_at = ? where owner_id = 'idle'", (old,))
    con.commit()
    con.close()
    assert store.purge_idle(60) == 0  # 40 days idle is within a 60-day limit
    with serve(tmp_path, tmp_path / "server.log", env={"ONCOGUIDE_RETENTION_DAYS": "30",
                                                       "ONCOGUIDE_SEARCH__EMBEDDER": "none"}):
        deadline = time.monotonic() + 30
        while store.record_ids("idle") and time.monotonic() < deadline:  # purged at start
            time.sleep(0.2)
    assert store.record_ids("idle") == [] and store.profile("idle") is None
    assert len(store.record_ids("recent")) == 1 and store.profile("recent") is not None
    assert '"event": "retention purge", "owners": 1' in (tmp_path / "server.log").read_text()


@pytest.mark.parametrize(("question", "redacted"), [
    ("I am Jane Roe, DOB 1961-04-02. What is stage II?", "I am [name], [date of birth]. What is stage II?"),
    ("My name is Mary Testcase and I have EGFR lung cancer", "My name is [name] and I have EGFR lung cancer"),
    ("born 02/04/1961, MRN 123456: what does ALK mean?", "[date of birth], [record number]: what does ALK mean?"),
    ("Call me on +1 (555) 010-2233 or jane.roe@example.org", "Call me on [phone number] or [email]"),
    ("Dr. Quinn said my scan on 12/03/2024 was stable", "[name] said my scan on [date] was stable"),
    ("I am ALK positive, stage IIIA, PD-L1 50%; 80 mg osimertinib for 2 years?",
     "I am ALK positive, stage IIIA, PD-L1 50%; 80 mg osimertinib for 2 years?"),  # medical words stay
])
def test_identifiers_are_removed_from_questions(question: str, redacted: str) -> None:
    from oncoguide.web.redact import redact

    assert redact(question) == redacted
