"""Per-owner storage of uploaded records and diagnosis profiles, encrypted at rest.

Every method takes the owner id and every query filters on it: there is no way to read another owner's rows
through this interface. Names, text and profiles are only ever stored encrypted (``store.crypto``).
"""

from __future__ import annotations

import hmac
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from oncoguide.domain.profile import Profile, RecordDocument
from oncoguide.store.crypto import Cipher
from oncoguide.store.db import Store
from oncoguide.store.schema import AskedQuestionRow, ProfileRow, RecordRow


@dataclass(frozen=True)
class StoredRecord:
    id: str
    name: str
    kind: str
    size: int
    created_at: datetime


@dataclass
class SavedProfile:
    profile: Profile
    corrections: dict[str, str]
    updated_at: datetime
    built_from: list[str] | None = None  # the record ids the profile was read from (None: not known)
    unreadable: list[str] = field(default_factory=list)  # ids of records the profile could not be read from


class RecordStore:
    def __init__(self, store: Store, cipher: Cipher) -> None:
        self.store = store
        self.cipher = cipher

    def _digest(self, owner: str, data: bytes) -> str:
        return hmac.new(self.cipher.current_id + owner.encode(), data, "sha256").hexdigest()

    # records ----------------------------------------------------------------------------------------------
    def add(self, owner: str, doc: RecordDocument, data: bytes,
            record_id: str | None = None) -> tuple[RecordDocument, bool]:
        """Store ``doc`` (read from ``data``) for ``owner`` as ``record_id`` (default: a new random id); returns it
        with its record id, and False when the owner had already uploaded the same bytes (the existing record is
        returned, nothing is added)."""
        digest = self._digest(owner, data)
        with self.store.session() as s, s.begin():
            known = s.scalar(select(RecordRow).where(RecordRow.owner_id == owner, RecordRow.digest == digest))
            if known is not None:
                return self._open(known), False
            rid = record_id or uuid.uuid4().hex
            doc = doc.model_copy(update={"id": rid})
            blob = self.cipher.encrypt(doc.model_dump_json().encode(), f"record:{owner}:{rid}")
            s.add(RecordRow(id=rid, owner_id=owner, kind=doc.kind, digest=digest, size=len(data),
                            created_at=datetime.now(UTC).replace(tzinfo=None), blob=blob))
        return doc, True

    def records(self, owner: str) -> list[StoredRecord]:
        """The owner's records, oldest first."""
        return [StoredRecord(r.id, doc.name, r.kind, r.size, r.created_at)
                for r, doc in ((r, self._open(r)) for r in self._rows(owner))]

    def documents(self, owner: str) -> list[RecordDocument]:
        return [self._open(r) for r in self._rows(owner)]

    def document(self, owner: str, record_id: str) -> RecordDocument | None:
        with self.store.session() as s:
            row = s.scalar(select(RecordRow).where(RecordRow.owner_id == owner, RecordRow.id == record_id))
        return self._open(row) if row is not None else None

    def delete(self, owner: str, record_id: str) -> bool:
        with self.store.session() as s, s.begin():
            result = s.execute(delete(RecordRow).where(RecordRow.owner_id == owner, RecordRow.id == record_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def _rows(self, owner: str) -> list[RecordRow]:
        with self.store.session() as s:
            return list(s.scalars(select(RecordRow).where(RecordRow.owner_id == owner)
                                  .order_by(RecordRow.created_at, RecordRow.id)))

    def _open(self, row: RecordRow) -> RecordDocument:
        plain = self.cipher.decrypt(row.blob, f"record:{row.owner_id}:{row.id}")
        return RecordDocument.model_validate_json(plain)

    # profiles ---------------------------------------------------------------------------------------------
    def record_ids(self, owner: str) -> list[str]:
        """The owner's record ids (nothing decrypted)."""
        with self.store.session() as s:
            return sorted(s.scalars(select(RecordRow.id).where(RecordRow.owner_id == owner)))

    def save_profile(self, owner: str, profile: Profile, corrections: dict[str, str],
                     built_from: list[str] | None = None, unreadable: list[str] | None = None) -> None:
        payload = json.dumps({"profile": profile.model_dump(mode="json"), "corrections": corrections,
                              "built_from": sorted(built_from) if built_from is not None else None,
                              "unreadable": sorted(unreadable or [])})
        blob = self.cipher.encrypt(payload.encode(), f"profile:{owner}")
        now = datetime.now(UTC).replace(tzinfo=None)
        with self.store.session() as s, s.begin():
            row = s.get(ProfileRow, owner)
            if row is None:
                s.add(ProfileRow(owner_id=owner, updated_at=now, blob=blob))
            else:
                row.blob, row.updated_at = blob, now

    def profile(self, owner: str) -> SavedProfile | None:
        with self.store.session() as s:
            row = s.get(ProfileRow, owner)
        if row is None:
            return None
        data = json.loads(self.cipher.decrypt(row.blob, f"profile:{owner}"))
        return SavedProfile(Profile.model_validate(data["profile"]), dict(data["corrections"]), row.updated_at,
                            data.get("built_from"), list(data.get("unreadable") or []))

    # whole owner -------------------------------------------------------------------------------------------
    def delete_owner(self, owner: str) -> int:
        """Delete every record and the profile of ``owner``; returns the number of rows removed.

        On SQLite the freed pages are zeroed (``secure_delete``) and the write-ahead log is checkpointed and
        truncated, so no copy of the rows (not even their owner id) stays in the database files."""
        return self.store.erase(delete(RecordRow).where(RecordRow.owner_id == owner),
                                delete(ProfileRow).where(ProfileRow.owner_id == owner))

    def erase_owner(self, owner: str) -> int:
        """"Delete my data": every record, the profile and every question ``owner`` asked (``store.questions``);
        returns the number of records and profiles removed."""
        removed = self.delete_owner(owner)
        self.store.erase(delete(AskedQuestionRow).where(AskedQuestionRow.owner_id == owner))
        return removed

    def move_owner(self, old: str, new: str) -> int:
        """Give every record of ``old`` to ``new`` (decrypted and encrypted again: the owner is part of the
        associated data) and fold ``old``'s corrections into ``new``'s profile (``old``'s win: they are the
        newer); ``old``'s profile is removed. Returns how many records moved. The profile of ``new`` is marked
        stale (rebuild it: ``RecordService.adopt``). The content digests stay as they were (the uploaded bytes
        are not kept, so they cannot be keyed again): a re-upload of a moved file is stored once more."""
        if old == new:
            return 0
        with self.store.session() as s, s.begin():
            moved = 0
            for rec in s.scalars(select(RecordRow).where(RecordRow.owner_id == old)):
                plain = self.cipher.decrypt(rec.blob, f"record:{old}:{rec.id}")
                rec.blob = self.cipher.encrypt(plain, f"record:{new}:{rec.id}")
                rec.owner_id = new
                moved += 1
            was, now_row = s.get(ProfileRow, old), s.get(ProfileRow, new)
            if was is not None:
                fixes = json.loads(self.cipher.decrypt(was.blob, f"profile:{old}"))["corrections"]
                if now_row is not None:
                    data = json.loads(self.cipher.decrypt(now_row.blob, f"profile:{new}"))
                    data["corrections"] = {**data["corrections"], **fixes}
                else:
                    data = {"profile": Profile().model_dump(mode="json"), "corrections": fixes}
                data["built_from"] = None  # stale: rebuilt from the merged records
                blob = self.cipher.encrypt(json.dumps(data).encode(), f"profile:{new}")
                stamp = datetime.now(UTC).replace(tzinfo=None)
                if now_row is None:
                    s.add(ProfileRow(owner_id=new, updated_at=stamp, blob=blob))
                else:
                    now_row.blob, now_row.updated_at = blob, stamp
                s.delete(was)
        return moved

    def purge_idle(self, days: int, now: datetime | None = None) -> int:
        """Delete the data of every owner whose last upload or correction is more than ``days`` days old;
        returns how many owners were purged (retention, ``ONCOGUIDE_RETENTION_DAYS``)."""
        cutoff = (now or datetime.now(UTC).replace(tzinfo=None)) - timedelta(days=days)
        with self.store.session() as s:
            last: dict[str, datetime] = {}
            for owner, when in (*s.execute(select(RecordRow.owner_id, RecordRow.created_at)),
                                *s.execute(select(ProfileRow.owner_id, ProfileRow.updated_at))):
                last[owner] = max(when, last.get(owner, when))
        idle = [owner for owner, when in last.items() if when < cutoff]
        for owner in idle:
            self.delete_owner(owner)
        return len(idle)

    def rekey(self) -> int:
        """Re-encrypt every blob not under the current key (after a key rotation); returns how many."""
        done = 0
        with self.store.session() as s, s.begin():
            for rec in s.scalars(select(RecordRow)):
                if not self.cipher.is_current(rec.blob):
                    ctx = f"record:{rec.owner_id}:{rec.id}"
                    rec.blob = self.cipher.encrypt(self.cipher.decrypt(rec.blob, ctx), ctx)
                    done += 1
            for prof in s.scalars(select(ProfileRow)):
                if not self.cipher.is_current(prof.blob):
                    ctx = f"profile:{prof.owner_id}"
                    prof.blob = self.cipher.encrypt(self.cipher.decrypt(prof.blob, ctx), ctx)
                    done += 1
        return done
