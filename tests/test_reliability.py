"""Faults against real processes: kill -9 during an upload and during an ingest, the database unavailable (503,
recovery without restart), the disk full (clear error, nothing half-written)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from oncoguide.cli import CORPUS_DIR
from oncoguide.config import Settings
from oncoguide.records.read import read_record
from oncoguide.records.service import RecordService
from oncoguide.store import Store
from oncoguide.store.crypto import Cipher
from oncoguide.store.records import RecordStore

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is not an installed package
    sys.path.insert(0, str(ROOT))

from bench.load import Server, serve  # noqa: E402

FAST = {"ONCOGUIDE_SEARCH__EMBEDDER": "none"}
REPORT = b"FINAL DIAGNOSIS: Invasive adenocarcinoma of the lung, stage IIIA. ALK rearrangement detected by FISH.\n"


def session(base: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=120)
    c.headers["X-CSRF-Token"] = c.get("/api/v1/session").json()["csrf_token"]
    return c


def check_db(path: Path) -> None:
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    orphans = con.execute("select count(*) from documents d where not exists "
                          "(select 1 from passages p where p.document_id = d.id)").fetchone()
    assert orphans == (0,)
    con.close()


def test_a_profile_left_behind_by_a_crash_catches_up(tmp_path: Path) -> None:
    """The state a kill between storing a record and saving its profile leaves: the next read rebuilds."""
    settings = Settings(data_dir=tmp_path)
    store = RecordStore(Store(settings.db_url), Cipher.from_settings(settings))
    service = RecordService(store, settings)
    service.upload("o", [("a.txt", b"EGFR exon 19 deletion detected. Lung adenocarcinoma.")])
    store.add("o", read_record("b.txt", REPORT), REPORT)  # stored, then "killed" before the profile was saved
    profile = service.profile("o")
    assert profile is not None and {b.name for b in profile.biomarkers} >= {"ALK", "EGFR"}
    rid = store.record_ids("o")[0]
    store.delete("o", rid)  # deleted, then "killed" before the rebuild
    profile = service.profile("o")
    assert profile is not None and len({b.name for b in profile.biomarkers}) == 1


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.5])
def test_kill_9_during_an_upload_leaves_no_partial_record(tmp_path: Path, delay: float) -> None:
    big = REPORT + b"Microscopic description: tumour cells in acinar pattern, ALK positive. " * 13_000  # ~6 s to read
    with serve(tmp_path, tmp_path / "server.log", env=FAST) as server:
        c = session(server.base_url)
        cookie = c.cookies["og_session"]
        sent = threading.Thread(target=lambda: _quietly(c.post, "/api/v1/records", files=[("files", ("big.txt", big))]))
        sent.start()
        time.sleep(delay)
        os.kill(server.process.pid, signal.SIGKILL)
        sent.join(timeout=60)
    check_db(tmp_path / "oncoguide.db")
    with serve(tmp_path, tmp_path / "server2.log", env=FAST) as again:  # a clean start on the same data
        c = httpx.Client(base_url=again.base_url, timeout=120, cookies={"og_session": cookie})
        c.headers["X-CSRF-Token"] = c.get("/api/v1/session").json()["csrf_token"]
        records = c.get("/api/v1/records").json()
        profile = c.get("/api/v1/profile").json()["profile"]
        assert len(records) in (0, 1)  # all or nothing
        if records:  # the whole record, readable, and a profile read from it
            assert records[0]["size"] == len(big) and profile and profile["biomarkers"]
        else:
            assert profile is None
        r = c.post("/api/v1/records", files=[("files", ("report.txt", REPORT))])
        assert r.status_code == 200 and r.json()["results"][0]["status"] == "stored"


def _quietly(call: object, *args: object, **kwargs: object) -> None:
    with contextlib.suppress(httpx.HTTPError):  # the server was killed under the request
        call(*args, **kwargs)  # type: ignore[operator]


def test_kill_9_during_an_ingest_then_a_clean_rerun(tmp_path: Path) -> None:
    guides = tmp_path / "guides"
    guides.mkdir()
    for i in range(6):  # enough files that the kill lands mid-way
        for md in CORPUS_DIR.glob("*.md"):
            text = md.read_text().replace("\nid: ", f"\nid: copy{i}-", 1)
            (guides / f"{i}-{md.name}").write_text(text)
    env = {**os.environ, "ONCOGUIDE_DATA_DIR": str(tmp_path / "data"), **FAST}
    cmd = [sys.executable, "-m", "oncoguide.cli", "ingest", "--no-shipped", str(guides)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = tmp_path / "data" / "oncoguide.db"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:  # kill once some documents are in
        if db.exists() and _count(db, "documents") >= 10:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    check_db(db)
    partial = _count(db, "documents")
    assert 0 < partial < 6 * len(list(CORPUS_DIR.glob("*.md")))
    run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    check_db(db)
    assert _count(db, "documents") == len(list(guides.glob("*.md")))


def _count(db: Path, table: str) -> int:
    try:
        con = sqlite3.connect(db, timeout=1)
        try:
            return int(con.execute(f"select count(*) from {table}").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


@pytest.fixture
def fast_server(tmp_path: Path) -> Iterator[Server]:
    with serve(tmp_path, tmp_path / "server.log", env=FAST) as server:
        yield server


def test_database_unavailable_is_a_503_and_recovers_without_restart(fast_server: Server, tmp_path: Path) -> None:
    c = session(fast_server.base_url)
    assert c.post("/api/v1/records", files=[("files", ("r.txt", REPORT))]).status_code == 200
    lock = sqlite3.connect(tmp_path / "oncoguide.db", isolation_level=None)
    lock.execute("begin exclusive")  # another process holds the write lock (SQLite waits 5 s, then gives up)
    message = {"code": "database_unavailable", "message": "The database is not available right now, so nothing "
               "was read or changed. Please try again in a minute."}
    try:
        r = c.post("/api/v1/records", files=[("files", ("s.txt", REPORT + b"x"))])
        assert r.status_code == 503 and r.headers["retry-after"] == "30" and r.json() == message
        r = c.put("/api/v1/profile/corrections", json={"field": "stage.group", "value": "IV"})
        assert r.status_code == 503 and r.json() == message
        page = c.post("/me/corrections", data={"field": "stage.group", "value": "IV",
                                               "csrf": c.headers["X-CSRF-Token"]})
        assert page.status_code == 503 and "The database is not available right now" in page.text
        assert page.headers["content-security-policy"].startswith("default-src 'self'")
    finally:
        lock.execute("rollback")
        lock.close()
    # back without a restart; the refused requests left nothing behind
    assert [x["name"] for x in c.get("/api/v1/records").json()] == ["r.txt"]
    assert c.get("/api/v1/profile").json()["corrections"] == {}
    assert c.post("/api/v1/records", files=[("files", ("s.txt", REPORT + b"x"))]).json()["results"][0]["status"] \
        == "stored"
    assert fast_server.process.poll() is None


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    if not shutil.which("mount") or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                                                   capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root and mount permission) to fill a disk")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_is_a_clear_error_and_nothing_half_written(small_disk: Path) -> None:
    env = {**FAST, "ONCOGUIDE_RECORDS__CPU_BUDGET_S": "120"}  # the big record is read, whatever the machine's load
    with serve(small_disk, small_disk.parent / "server.log", env=env) as server:
        c = session(server.base_url)
        assert c.post("/api/v1/records", files=[("files", ("a.txt", REPORT))]).status_code == 200
        filler = small_disk / "filler"
        with filler.open("wb") as fh:  # fill the disk to the last byte
            try:
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
            except OSError:
                pass
        big = REPORT + b"Comment: ALK positive by FISH. " * 20_000  # ~600 KB: more than is left
        r = c.post("/api/v1/records", files=[("files", ("big.txt", big))])
        assert r.status_code == 507, r.text
        assert r.json() == {"code": "storage_full", "message": "The server's disk is full, so nothing was saved. "
                            "Please try again later."}
        filler.unlink()
        assert [x["name"] for x in c.get("/api/v1/records").json()] == ["a.txt"]  # nothing half-written
        r = c.post("/api/v1/records", files=[("files", ("big.txt", big))])
        assert r.status_code == 200 and r.json()["results"][0]["status"] == "stored"  # and it recovers
    check_db(small_disk / "oncoguide.db")
