"""Per-owner record storage: encrypted at rest, isolated by owner, deletable, rotatable keys."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from oncoguide.records.model import Page, RecordDocument
from oncoguide.store import Store
from oncoguide.store.crypto import Cipher, DecryptionError, key_file
from oncoguide.store.records import RecordStore
from profiles import alk_progressed

SECRET_TEXT = "Jane Q. Patient, MRN 12345: ALK rearrangement detected by FISH."


def doc() -> RecordDocument:
    return RecordDocument(id="tmp", name="jane-patient-pathology.txt", kind="text", text=SECRET_TEXT,
                          pages=[Page(number=1, start=0, end=len(SECRET_TEXT))])


@pytest.fixture
def records(tmp_path: Path) -> RecordStore:
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    return RecordStore(store, Cipher.from_secrets(None, [], tmp_path))


def test_roundtrip_and_owner_isolation(records: RecordStore) -> None:
    saved, added = records.add("alice", doc(), SECRET_TEXT.encode())
    assert added and saved.id != "tmp"
    assert records.document("alice", saved.id) == saved
    assert records.document("bob", saved.id) is None  # guessing the id does not help
    assert records.records("bob") == [] and records.documents("bob") == []
    assert not records.delete("bob", saved.id)
    assert [r.name for r in records.records("alice")] == ["jane-patient-pathology.txt"]


def test_same_upload_twice_is_stored_once(records: RecordStore) -> None:
    first, _ = records.add("alice", doc(), SECRET_TEXT.encode())
    again, added = records.add("alice", doc(), SECRET_TEXT.encode())
    assert not added and again.id == first.id and len(records.records("alice")) == 1
    _, added_for_bob = records.add("bob", doc(), SECRET_TEXT.encode())
    assert added_for_bob


def test_database_holds_no_phi(records: RecordStore, tmp_path: Path) -> None:
    records.add("alice", doc(), SECRET_TEXT.encode())
    records.save_profile("alice", alk_progressed(), {"stage.group": "IV"})
    raw = (tmp_path / "db.sqlite").read_bytes() + b"".join(
        p.read_bytes() for p in tmp_path.glob("db.sqlite*") if p.is_file())
    for needle in (b"Jane", b"12345", b"ALK rearrangement", b"jane-patient", b"alectinib", b"lorlatinib"):
        assert needle not in raw, needle


def test_profile_roundtrip_and_delete_owner(records: RecordStore, tmp_path: Path) -> None:
    records.add("alice", doc(), SECRET_TEXT.encode())
    records.save_profile("alice", alk_progressed(), {"stage.group": "IV"})
    saved = records.profile("alice")
    assert saved is not None and saved.profile == alk_progressed() and saved.corrections == {"stage.group": "IV"}
    assert records.profile("bob") is None
    assert records.delete_owner("alice") == 2
    assert records.records("alice") == [] and records.profile("alice") is None
    con = sqlite3.connect(tmp_path / "db.sqlite")
    assert con.execute("select count(*) from records").fetchone() == (0,)
    assert con.execute("select count(*) from profiles").fetchone() == (0,)


def test_a_blob_moved_to_another_owner_does_not_open(records: RecordStore, tmp_path: Path) -> None:
    saved, _ = records.add("alice", doc(), SECRET_TEXT.encode())
    con = sqlite3.connect(tmp_path / "db.sqlite")
    con.execute("update records set owner_id = 'mallory' where id = ?", (saved.id,))
    con.commit()
    with pytest.raises(DecryptionError, match="tampered or moved"):
        records.documents("mallory")


def test_key_rotation(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    old = RecordStore(store, Cipher.from_secrets("an old passphrase, long enough", [], tmp_path))
    saved, _ = old.add("alice", doc(), SECRET_TEXT.encode())
    new_only = RecordStore(store, Cipher.from_secrets("the new passphrase, long enough", [], tmp_path))
    with pytest.raises(DecryptionError, match="key that is not configured"):
        new_only.documents("alice")
    rotating = RecordStore(store, Cipher.from_secrets("the new passphrase, long enough",
                                                      ["an old passphrase, long enough"], tmp_path))
    assert rotating.rekey() == 1 and rotating.rekey() == 0
    assert new_only.document("alice", saved.id) is not None


def test_generated_key_file_is_private(tmp_path: Path) -> None:
    path = key_file(tmp_path / "data")
    assert path.stat().st_mode & 0o777 == 0o600
    os.chmod(path, 0o644)
    with pytest.raises(PermissionError, match="chmod 600"):
        key_file(tmp_path / "data")
    with pytest.raises(ValueError, match="16"):
        Cipher.from_secrets("short", [], tmp_path)


def test_processes_starting_together_share_one_whole_key(tmp_path: Path) -> None:
    """Workers creating the key file at the same moment all read the same, complete key."""
    code = ("import sys; from pathlib import Path; from oncoguide.store.crypto import key_file; "
            "print(key_file(Path(sys.argv[1])).read_text())")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
             for _ in range(6)]
    keys = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs)
    assert len(keys) == 1 and len(keys.pop()) == 44  # one base64 256-bit key
    assert [p.name for p in tmp_path.iterdir()] == ["secret.key"]  # no temporary files left


def test_rekey_command_rotates_the_key(tmp_path: Path) -> None:
    import subprocess
    import sys

    old, new = "an old passphrase, long enough", "the new passphrase, long enough"
    store = Store(f"sqlite:///{tmp_path / 'oncoguide.db'}")
    RecordStore(store, Cipher.from_secrets(old, [], tmp_path)).add("alice", doc(), SECRET_TEXT.encode())
    env = {**os.environ, "ONCOGUIDE_DATA_DIR": str(tmp_path), "ONCOGUIDE_SECRET_KEY": new,
           "ONCOGUIDE_OLD_SECRET_KEYS": f'["{old}"]'}
    run = subprocess.run([sys.executable, "-m", "oncoguide.cli", "records", "rekey"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0 and "re-encrypted 1 blobs" in run.stderr, run.stderr
    assert RecordStore(store, Cipher.from_secrets(new, [], tmp_path)).documents("alice")[0].text == SECRET_TEXT
