"""The findings F1-F19 of the red-team review of 2026-12 (/work/shared/reviews/security-review-2026-12.md), each
reproduced against a real `oncoguide serve` (uvicorn, JSON logs, BM25 search over the shipped corpus) over HTTP.
Every test failed on the code the review was made on and passes now. Clients use their own loopback addresses
(127.0.x.y) so per-client limits of one test do not spoil another, as the review did."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile
from clients import upload
from oncoguide.cli import CORPUS_DIR
from oncoguide.config import Settings
from oncoguide.ingest.model import IngestError
from oncoguide.ingest.pdf import load_pdf
from oncoguide.ingest.pipeline import ingest
from oncoguide.records.model import Page, RecordDocument
from oncoguide.store import Store
from oncoguide.store.crypto import Cipher
from oncoguide.store.records import RecordStore

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is not an installed package
    sys.path.insert(0, str(ROOT))

from bench.load import Server, serve  # noqa: E402

BUDGET_S = 4  # ONCOGUIDE_RECORDS__CPU_BUDGET_S of the servers here
ENV = {"ONCOGUIDE_SEARCH__EMBEDDER": "none", "ONCOGUIDE_RECORDS__CPU_BUDGET_S": str(BUDGET_S),
       "ONCOGUIDE_SERVER__UPLOAD_PER_MINUTE": "1000"}  # upload limits are tested in test_hostile
GOOD = b"""PATHOLOGY REPORT. FINAL DIAGNOSIS: Invasive adenocarcinoma of the lung. Stage IIB.
Molecular: ALK rearrangement detected by FISH. EGFR: no mutation detected.
"""
PAGES = ("/", "/me", "/records", "/account", "/guidelines", "/api/v1/session", "/api/v1/profile",
         "/api/v1/records", "/api/v1/account")
# F1: records read_record accepted that profile extraction then failed on
BRICKS = {
    "fhir_nan.json": b'{"resourceType":"Observation","valueQuantity":{"value":NaN}}',
    "fhir_inf.json": b'{"resourceType":"Observation","valueQuantity":{"value":Infinity}}',
    "fhir_neginf.json": b'{"resourceType":"Observation","valueQuantity":{"value":-Infinity}}',
    "John_Smith_MRN4455_path.hl7": b"MSH|",
    "hl7_spaces.hl7": b"MSH|    ",
    "hl7_same_seps.hl7": b"MSH|^~||A",
    "hl7_repeated.hl7": b"MSH|||||LAB|HOSP|||20240101||ORU^R01|1|P|2.5\rOBX|1|ST|X||ALK positive",
}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding the shipped corpus (BM25 only: seconds to ingest)."""
    data = tmp_path_factory.mktemp("redteam") / "data"
    cfg = Settings(data_dir=data, search={"embedder": "none"})  # type: ignore[arg-type]
    assert not ingest([CORPUS_DIR], Store(cfg.db_url), cfg).errors
    return data


@pytest.fixture(scope="module")
def srv(data: Path) -> Iterator[Server]:
    with serve(data, data.parent / "server.log", env=ENV) as running:
        yield running


@contextmanager
def client(srv: Server | str, address: str, timeout: float = 120) -> Iterator[httpx.Client]:
    """A browser session from ``address`` whose requests carry its CSRF token."""
    transport = httpx.HTTPTransport(local_address=address)
    base = srv if isinstance(srv, str) else srv.base_url
    with httpx.Client(base_url=base, timeout=timeout, transport=transport) as c:
        c.headers["X-CSRF-Token"] = c.get("/api/v1/session").json()["csrf_token"]
        yield c


def result(r: httpx.Response) -> dict[str, str]:
    assert r.status_code == 200, r.text[:300]
    return {x["name"]: x["error"] or x["status"] for x in r.json()["results"]}


def log_clean(srv: Server, *secrets: str) -> None:
    """No file name, question or record text in the server's log, tracebacks included."""
    text = srv.log.read_text(errors="replace")
    assert "Traceback" not in text
    for s in secrets:
        assert s not in text, s


def owner_of(c: httpx.Client) -> str:
    return "s:" + c.cookies["og_session"].split(".")[0]


def register(c: httpx.Client, username: str, password: str) -> httpx.Response:
    r = c.post("/api/v1/account/register", json={"username": username, "password": password})
    if r.status_code == 200:
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return r


def login(c: httpx.Client, username: str, password: str) -> httpx.Response:
    r = c.post("/api/v1/account/login", json={"username": username, "password": password})
    if r.status_code == 200:
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return r


# F1 (high) -----------------------------------------------------------------------------------------------------
def test_f1_records_that_break_profile_extraction_are_refused_and_every_page_keeps_working(srv: Server) -> None:
    with client(srv, "127.0.70.1") as c:
        assert result(upload(c, ("good.txt", GOOD))) == {"good.txt": "stored"}
        for name, data in BRICKS.items():
            got = result(upload(c, (name, data)))[name]
            assert got.startswith(f"{name}: ") and ("JSON" in got or "HL7" in got or "profile" in got), got
        assert [r["name"] for r in c.get("/api/v1/records").json()] == ["good.txt"]  # nothing stored
        for path in PAGES:
            assert c.get(path).status_code == 200, path
        assert c.get("/api/v1/profile").json()["profile"]["biomarkers"][0]["name"] == "ALK"
        assert c.delete("/api/v1/me").json() == {"deleted": 2}
    log_clean(srv, "John_Smith_MRN4455", *BRICKS)


def test_f1_a_stored_record_a_new_version_cannot_read_is_shown_unreadable_and_can_be_deleted(
        srv: Server, data: Path) -> None:
    """After an upgrade, a record stored earlier may fail the newer extractor: it is left out of the profile and
    listed as unreadable; every page, the session and delete-my-data keep working."""
    with client(srv, "127.0.70.2") as c:
        assert result(upload(c, ("good.txt", GOOD))) == {"good.txt": "stored"}
        cfg = Settings(data_dir=data)
        records = RecordStore(Store(cfg.db_url), Cipher.from_settings(cfg))
        text = "MSH|"  # what an older version stored (the extractor raises on it)
        bad, _ = records.add(owner_of(c), RecordDocument(id="x", name="old-version.hl7", kind="hl7v2", text=text,
                                                         pages=[Page(number=1, start=0, end=4)]), text.encode())
        for path in PAGES:
            assert c.get(path).status_code == 200, path
        listed = {r["name"]: r["readable"] for r in c.get("/api/v1/records").json()}
        assert listed == {"good.txt": True, "old-version.hl7": False}
        assert "unreadable" in c.get("/records").text
        assert c.get("/api/v1/profile").json()["profile"]["biomarkers"][0]["name"] == "ALK"
        token = c.get("/api/v1/session").json()["csrf_token"]
        assert c.delete(f"/api/v1/records/{bad.id}", headers={"X-CSRF-Token": token}).status_code == 200
        assert [r["readable"] for r in c.get("/api/v1/records").json()] == [True]
        records.add(owner_of(c), bad, text.encode())
        assert c.post("/me/delete", data={"csrf": token, "confirm": "yes"}).status_code == 200
        assert c.get("/api/v1/records").json() == []


HL7_PARTS = st.text(alphabet="MSH|^~\\&#PIDOBXORU01 \r\n123.:-", max_size=60)
FHIR_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                           lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids,
                                                                                     max_size=3), max_leaves=8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["hl7", "fhir", "text"]), body=HL7_PARTS, value=FHIR_VALUES)
def test_f1_fuzz_upload_store_profile_pages(srv: Server, kind: str, body: str, value: object) -> None:
    """Any upload is stored whole or refused with a reason; afterwards the pages, the session and delete-my-data
    work (the path upload -> store -> profile -> pages, over HTTP)."""
    import json

    if kind == "hl7":
        name, data = "f.hl7", ("MSH|" + body).encode()
    elif kind == "fhir":
        name = "f.json"
        data = json.dumps({"resourceType": "Observation", "valueQuantity": {"value": value}},
                          allow_nan=True).encode()
    else:
        name, data = "f.txt", ("Stage IIIA " + body).encode()
    with client(srv, "127.0.71.1") as c:
        r = upload(c, (name, data))
        assert r.status_code == 200, r.text[:200]
        for path in ("/me", "/records", "/api/v1/session", "/api/v1/profile"):
            assert c.get(path).status_code == 200, path
        assert c.delete("/api/v1/me").status_code == 200


# F2 (high), F3, F9 ---------------------------------------------------------------------------------------------
def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def hostile_while_others_browse(srv: Server, files: list[tuple[str, bytes]], address: str
                                ) -> tuple[httpx.Response, float, list[float]]:
    """Send ``files`` in one upload while another user lists their records; (answer, seconds, their latencies)."""
    done, out = threading.Event(), {}

    def hostile_upload() -> None:
        with client(srv, address, timeout=600) as h:
            started = time.monotonic()
            out["r"], out["s"] = upload(h, *files), time.monotonic() - started
        done.set()

    worker = threading.Thread(target=hostile_upload)
    worker.start()
    latencies: list[float] = []
    with client(srv, "127.0.72.9") as other:
        time.sleep(0.5)
        while not done.is_set():
            started = time.monotonic()
            assert other.get("/api/v1/records").status_code == 200
            latencies.append(time.monotonic() - started)
            time.sleep(0.1)
    worker.join()
    return out["r"], out["s"], latencies


def test_f2_a_huge_text_record_costs_at_most_the_budget_and_others_are_served(srv: Server) -> None:
    """990,000 characters of stage mentions kept a worker busy for over 6 minutes; now reading stops at the
    request's budget (the reader runs in a child process) and other users keep being served meanwhile."""
    big = ("Lung adenocarcinoma ALK positive stage IIIA. " * 22000)[:990000].encode()
    r, seconds, others = hostile_while_others_browse(srv, [("big.txt", big)], "127.0.72.1")
    assert seconds < 3 * BUDGET_S + 20
    assert result(r)["big.txt"] in ("stored", f"big.txt: not read: reading this upload took more than the {BUDGET_S} "
                                    "s of processing time one upload may use (a very large or unusual file?); upload"
                                    " it on its own, split, or as plain text")
    assert others and p95(others) < 2.0, others  # the review saw 2.1-2.3 s answers while it ran
    log_clean(srv, "adenocarcinoma")


def test_f2_a_long_text_record_is_read_within_the_budget(srv: Server) -> None:
    """Reading is linear: a quarter of the review's 990,000 characters, dense with stage mentions, is read well
    within the 4 s budget (the quadratic reader needed about 20 s of CPU for it; 1M characters is in
    bench/records_speed.py)."""
    big = ("Lung adenocarcinoma ALK positive stage IIIA. " * 6000)[:250000].encode()
    with client(srv, "127.0.72.2", timeout=600) as c:
        assert result(upload(c, ("long.txt", big))) == {"long.txt": "stored"}


def slow_pdf(reps: int = 120_000) -> bytes:
    """The review's content_120000.pdf: a small file whose one page is ~6 MB of text-drawing operators."""
    ops = b"BT /F1 11 Tf 50 750 Td " + b"(Lung adenocarcinoma ALK positive stage IIIA) Tj T* " * reps + b"ET"
    return hostile.raw_pdf(ops)


def test_f3_pdf_text_has_one_cpu_budget_per_request(srv: Server) -> None:
    """8 slow PDFs in one request held the server for 121 s; now the request stops at its budget, each file
    refused with the reason, and other users are served meanwhile."""
    files = [(f"slow{i}.pdf", slow_pdf() + b"%" + bytes([48 + i])) for i in range(8)]
    r, seconds, others = hostile_while_others_browse(srv, files, "127.0.73.1")
    assert seconds < 3 * BUDGET_S + 20
    outcome = result(r)
    assert set(outcome) == {f"slow{i}.pdf" for i in range(8)}
    assert all("processing time one upload may use" in why for why in outcome.values()), outcome
    assert others and p95(others) < 2.0, others


def test_f3_guides_are_read_by_the_same_pdf_reader_with_its_bomb_limits(tmp_path: Path) -> None:
    path = tmp_path / "bomb.pdf"
    with pytest.raises(IngestError, match="PDF bomb"):
        load_pdf(path, hostile.pdf_bomb(40), "x")


def test_f9_fhir_json_is_bounded(srv: Server) -> None:
    entry = '{"resource":{"resourceType":"Observation","status":"final","code":{"text":"ALK"}}}'
    bundle = ('{"resourceType":"Bundle","type":"collection","entry":[' + ",".join([entry] * 30000) + "]}").encode()
    with client(srv, "127.0.79.1") as c:
        why = result(upload(c, ("big.json", bundle)))["big.json"]
        assert re.fullmatch(r"big\.json: [\d,]+ characters of JSON; the limit is 2,000,000 .*", why), why
        assert c.get("/api/v1/records").json() == []


# F4, F6: nothing personal in the log or kept in clear -----------------------------------------------------------
def test_f4_file_names_never_reach_the_log(srv: Server) -> None:
    with client(srv, "127.0.74.1") as c:
        for name in ("Jane_Doe_DOB1970_path.hl7", "Jane_Doe_DOB1970.json", "Jane_Doe_DOB1970.pdf"):
            result(upload(c, (name, b"MSH|" if name.endswith("hl7") else b'{"resourceType": "X", "v": NaN}'
                              if name.endswith("json") else b"%PDF-1.4 broken")))
        for path in PAGES:
            c.get(path)
    log_clean(srv, "Jane_Doe_DOB1970")


QUIXOTE = "Quixotefamily" + uuid.uuid4().hex[:8]


def db_bytes(data: Path) -> bytes:
    return b"".join(p.read_bytes() for p in data.glob("oncoguide.db*"))


def test_f6_question_text_is_never_kept_in_clear_and_goes_with_delete_my_data(srv: Server, data: Path) -> None:
    page_q = f"I am John {QUIXOTE}, 54, with ALK+ lung cancer. What does ALK positive mean for me?"
    api_q = f"My name is Mary {QUIXOTE}api and I have EGFR lung cancer. What is osimertinib?"
    with client(srv, "127.0.76.1") as c:
        where = c.get("/ask", params={"q": page_q}).headers["location"]
        assert c.get(where).status_code == 200
        assert c.get("/api/v1/ask", params={"q": api_q, "personal": "false"}).status_code == 200
        assert c.get("/api/v1/ask", params={"q": api_q, "personal": "false"}).json()["question"] == api_q
        with sqlite3.connect(data / "oncoguide.db") as db:
            db.execute("PRAGMA wal_checkpoint")
            mine = db.execute("SELECT count(*) FROM asked_questions WHERE owner_id = ?", (owner_of(c),)).fetchone()
        assert mine == (1,)
        assert QUIXOTE.encode() not in db_bytes(data)
        assert c.delete("/api/v1/me").status_code == 200
        with sqlite3.connect(data / "oncoguide.db") as db:
            assert db.execute("SELECT count(*) FROM asked_questions WHERE owner_id = ?",
                              (owner_of(c),)).fetchone() == (0,)
        assert c.get(where).status_code == 404
    log_clean(srv, QUIXOTE)


def test_f6_typed_questions_expire_with_retention(tmp_path: Path) -> None:
    from datetime import datetime, timedelta

    from oncoguide.store.questions import AskedQuestions

    cfg = Settings(data_dir=tmp_path)
    asked = AskedQuestions(Store(cfg.db_url), Cipher.from_settings(cfg))
    slug = asked.put("s:a", "What is ALK?")
    assert asked.get("s:a", slug) == "What is ALK?" and asked.get("s:b", slug) is None
    assert asked.purge_older(30) == 0
    assert asked.purge_older(30, now=datetime.now() + timedelta(days=31)) == 1
    assert asked.get("s:a", slug) is None


# F5, F10, F11: question pages ------------------------------------------------------------------------------------
def test_f5_a_long_question_never_lands_on_another_persons_page(srv: Server) -> None:
    prefix = "What is the usual follow-up schedule after surgery for stage II colon cancer according to the guides"
    with client(srv, "127.0.75.1") as first, client(srv, "127.0.75.2") as second:
        mine = first.get("/ask", params={"q": f"{prefix}, I am Jane Roe, DOB 1961-04-02"}).headers["location"]
        theirs = second.get("/ask", params={"q": f"{prefix}?"}).headers["location"]
        assert mine != theirs
        page = first.get(mine).text
        assert "Jane Roe" not in page and "1961-04-02" not in page and "[name]" in page  # identifiers removed
        other = second.get(mine)
        assert other.status_code == 404 and "Jane" not in other.text and "follow-up" not in other.text
        assert second.get(f"/api/v1/questions/{mine.rsplit('/', 1)[1]}").status_code == 404
        assert "Jane" not in second.get(theirs).text


def test_f10_no_slug_squatting(srv: Server) -> None:
    with client(srv, "127.0.75.3") as attacker, client(srv, "127.0.75.4") as victim:
        attacker.get("/ask", params={"q": "Can I eat grapefruit while on alectinib — Позвоните нам: ٥٥٥٠١٢٣"})
        where = victim.get("/ask", params={"q": "Can I eat grapefruit while on alectinib"}).headers["location"]
        page = victim.get(where).text
        assert "Позвоните" not in page and "٥٥٥" not in page
    with client(srv, "127.0.75.5") as c:  # catalog questions keep their shareable addresses
        assert c.get("/ask", params={"q": "What does ALK positive mean in lung cancer?"}).headers["location"] == \
            "/questions/what-does-alk-positive-mean-in-lung-cancer"


def test_f11_the_question_box_is_rate_limited(srv: Server) -> None:
    with client(srv, "127.0.75.6") as c:
        codes = [c.get("/ask", params={"q": f"flood {i} " + "x" * 200}).status_code for i in range(125)]
        assert codes.count(303) <= 120 and codes[-1] == 429


# F12, F16, F17, F18: headers and files ----------------------------------------------------------------------------
def test_f12_personalised_answers_are_never_cached(srv: Server) -> None:
    with client(srv, "127.0.73.5") as c:
        result(upload(c, ("p.txt", b"Diagnosis: lung adenocarcinoma. EGFR exon 19 deletion. Stage IVA.")))
        for r in (c.get("/api/v1/ask", params={"q": "What are my treatment options?"}),
                  c.get("/api/v1/questions/what-does-alk-positive-mean-in-lung-cancer"), c.get("/"),
                  c.get("/guidelines")):
            assert r.status_code == 200
            assert r.headers["cache-control"] == "no-store, private" and "Cookie" in r.headers["vary"]
        assert "no-store" not in c.get("/static/app.js").headers.get("cache-control", "")


def test_f16_api_docs_are_off_and_no_page_relaxes_the_csp(srv: Server) -> None:
    for path in ("/docs", "/redoc"):
        r = httpx.get(srv.base_url + path)
        assert r.status_code == 404 and "cdn.jsdelivr.net" not in r.text
        assert r.headers["content-security-policy"].startswith("default-src 'self'; script-src 'self';")
    assert httpx.get(srv.base_url + "/openapi.json").status_code == 200


def test_f17_no_server_banner_and_no_hsts_over_plain_http(srv: Server) -> None:
    r = httpx.get(srv.base_url + "/")
    assert "server" not in r.headers
    assert "strict-transport-security" not in r.headers and "secure" not in r.headers["set-cookie"].lower()


@pytest.fixture(scope="module")
def proxied(data: Path) -> Iterator[Server]:
    """The same data behind a TLS-terminating reverse proxy at 127.0.0.1 (``SERVER__TRUSTED_PROXIES``)."""
    env = {**ENV, "ONCOGUIDE_SERVER__TRUSTED_PROXIES": "127.0.0.1"}
    with serve(data, data.parent / "proxied.log", env=env) as running:
        yield running


def test_f17_over_https_cookies_are_secure_and_hsts_is_sent(proxied: Server) -> None:
    r = httpx.get(proxied.base_url + "/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert r.headers["strict-transport-security"].startswith("max-age=")
    assert "; secure" in r.headers["set-cookie"].lower()


def test_f15_forwarded_for_counts_only_from_a_configured_proxy(srv: Server, proxied: Server) -> None:
    """Rotating X-Forwarded-For from 127.0.0.1 bypassed every per-client limit; now no address is trusted unless
    configured, and a configured proxy's forwarded addresses are separate clients."""

    def attempts(base: str, address: str, rotate: bool) -> list[int]:
        def one(i: int) -> int:  # each failed sign-in is answered after a delay: send them side by side
            with client(base, address) as c:
                return c.post("/api/v1/account/login", json={"username": f"nobody{i}", "password": "wrong pass 1"},
                              headers={"X-Forwarded-For": f"10.1.2.{i}" if rotate else "10.9.9.9"}).status_code

        with ThreadPoolExecutor(6) as pool:
            return list(pool.map(one, range(12)))

    assert 429 in attempts(srv.base_url, "127.0.0.1", rotate=True)  # not trusted: one client, limited
    assert 429 not in attempts(proxied.base_url, "127.0.0.1", rotate=True)  # the proxy's clients are many
    assert 429 in attempts(proxied.base_url, "127.0.0.2", rotate=True)  # not the proxy: header ignored


def test_f18_database_files_are_private(srv: Server, data: Path) -> None:
    with client(srv, "127.0.77.1") as c:
        result(upload(c, ("good.txt", GOOD)))
    files = list(data.glob("oncoguide.db*"))
    assert len(files) >= 2 and all(p.stat().st_mode & 0o077 == 0 for p in files), \
        [(p.name, oct(p.stat().st_mode)) for p in files]
    assert (data / "secret.key").stat().st_mode & 0o077 == 0


# F7, F8, F13, F14, F19: accounts ---------------------------------------------------------------------------------
PASSWORD = "a long pass phrase 7731"


def test_f7_sign_out_revokes_the_cookie_on_the_server(srv: Server) -> None:
    user = f"repro{uuid.uuid4().hex[:8]}"
    with client(srv, "127.0.78.1") as c:
        assert register(c, user, PASSWORD).status_code == 200
        saved = dict(c.cookies)
        assert c.post("/api/v1/account/logout").json()["username"] is None
    with httpx.Client(base_url=srv.base_url, cookies=saved) as copy:
        assert copy.get("/api/v1/account").json() == {"username": None}
    with client(srv, "127.0.78.2") as c:  # the form route too; signing in again works
        assert login(c, user, PASSWORD).status_code == 200
        saved = dict(c.cookies)
        c.post("/account/logout", data={"csrf": c.headers["X-CSRF-Token"]})
    with httpx.Client(base_url=srv.base_url, cookies=saved) as copy:
        assert copy.get("/api/v1/account").json() == {"username": None}


@pytest.mark.parametrize("weak", ["password12", "1234567890", "qwertyuiop", "password123", "Password1!",
                                  "letmein123"])
def test_f8_common_passwords_are_refused(srv: Server, weak: str) -> None:
    with client(srv, "127.0.78.3") as c:
        r = register(c, f"weak{uuid.uuid4().hex[:8]}", weak)
        assert (r.status_code, r.json()["code"]) == (400, "weak_password")
        assert "common" in r.json()["message"]


def test_f13_strangers_cannot_lock_a_user_out(srv: Server) -> None:
    user = f"victim{uuid.uuid4().hex[:8]}"
    with client(srv, "127.0.78.4") as c:
        assert register(c, user, PASSWORD).status_code == 200

    def guess(i: int) -> int:
        with client(srv, f"127.0.71.{10 + i}") as c:
            return login(c, user, f"wrong guess {i}").status_code

    with ThreadPoolExecutor(6) as pool:
        assert set(pool.map(guess, range(12))) == {401}  # slowed down, never "locked"
    with client(srv, "127.0.72.1") as real:
        started = time.monotonic()
        assert login(real, user, PASSWORD).status_code == 200
        assert time.monotonic() - started < 5  # the right password is never delayed


def test_f14_registration_does_not_enumerate_usernames(srv: Server) -> None:
    taken = [f"taken{uuid.uuid4().hex[:6]}" for _ in range(5)]
    for i, name in enumerate(taken):
        with client(srv, f"127.0.78.{20 + i}") as c:
            assert register(c, name, PASSWORD).status_code == 200
    with client(srv, "127.0.78.30") as c:
        codes = [register(c, name, PASSWORD).status_code for name in taken]
    assert codes == [409, 409, 409, 429, 429]


def test_f19_nothing_derived_from_a_username_outlives_the_account(srv: Server, data: Path) -> None:
    user = f"gone{uuid.uuid4().hex[:8]}"
    with client(srv, "127.0.78.40") as c:
        assert register(c, user, PASSWORD).status_code == 200
        c.post("/api/v1/account/logout")
        c.headers["X-CSRF-Token"] = c.get("/api/v1/session").json()["csrf_token"]
        before = sign_in_keys(data)
        assert login(c, user, "not the password").status_code == 401
        mine = sign_in_keys(data) - before
        assert len(mine) == 1  # the failed sign-in is counted for the username...
        assert "sign-in-user:" + hashlib.sha256(user.encode()).hexdigest()[:32] not in mine  # ...under a keyed hash
        assert login(c, user, PASSWORD).status_code == 200
        assert c.delete("/api/v1/me").status_code == 200
        assert not mine & sign_in_keys(data)  # the account's counter went with it


def sign_in_keys(data: Path) -> set[str]:
    with sqlite3.connect(data / "oncoguide.db") as db:
        return {k for (k,) in db.execute("SELECT key FROM rate_limits WHERE key LIKE 'sign-in-user:%'")}
