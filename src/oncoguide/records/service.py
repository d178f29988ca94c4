"""Uploads to profile for one owner: read, store encrypted, rebuild the profile, apply corrections."""

from __future__ import annotations

from dataclasses import dataclass

from oncoguide.config import Settings
from oncoguide.records import corrections as corr
from oncoguide.records.model import Profile, RecordError
from oncoguide.records.profile import build_profile
from oncoguide.records.read import read_record
from oncoguide.store.records import RecordStore, SavedProfile, StoredRecord


@dataclass(frozen=True)
class Upload:
    """What happened to one uploaded file: stored (maybe already there), or refused with a reason."""

    name: str
    record: StoredRecord | None = None
    duplicate: bool = False
    error: str | None = None


class RecordService:
    def __init__(self, records: RecordStore, settings: Settings) -> None:
        self.records = records
        self.settings = settings

    def upload(self, owner: str, files: list[tuple[str, bytes]]) -> tuple[list[Upload], Profile | None]:
        """Read and store each file (each on its own: a bad file loses nothing else), then rebuild the profile."""
        results: list[Upload] = []
        for name, data in files:
            try:
                doc = read_record(name, data, settings=self.settings)
            except RecordError as exc:
                results.append(Upload(name=name, error=str(exc)))
                continue
            saved, added = self.records.add(owner, doc, data)
            info = next(r for r in self.records.records(owner) if r.id == saved.id)
            results.append(Upload(name=info.name, record=info, duplicate=not added))
        profile = self.rebuild(owner) if any(r.record for r in results) else None
        return results, profile

    def rebuild(self, owner: str) -> Profile:
        saved = self.records.profile(owner)
        fixes = saved.corrections if saved else {}
        docs = self.records.documents(owner)
        profile = build_profile(docs)
        self.records.save_profile(owner, profile, fixes, built_from=[d.id for d in docs])
        return corr.apply(profile, fixes)

    def profile(self, owner: str) -> Profile | None:
        """The owner's profile with their corrections applied (None before any upload)."""
        saved = self.saved(owner)
        return corr.apply(saved.profile, saved.corrections) if saved else None

    def saved(self, owner: str) -> SavedProfile | None:
        """The stored profile, rebuilt first when it was not read from exactly the owner's current records (a
        process killed between storing a record and saving the profile leaves it behind; this catches up)."""
        saved = self.records.profile(owner)
        ids = self.records.record_ids(owner)
        if saved is not None and saved.built_from == ids:
            return saved
        if not ids:
            if saved is not None:
                self.records.delete_owner(owner)
            return None
        self.rebuild(owner)
        return self.records.profile(owner)

    def correct(self, owner: str, field: str, value: str | None) -> Profile:
        """Set (or with ``value`` None, undo) the owner's correction of one field."""
        saved = self.saved(owner)
        if saved is None:
            raise corr.CorrectionError("there is no profile to correct yet: upload a record first")
        fixes = dict(saved.corrections)
        if value is None:
            fixes.pop(field, None)
        else:
            fixes[field] = corr.validate(field, value)
        self.records.save_profile(owner, saved.profile, fixes, built_from=saved.built_from)
        return corr.apply(saved.profile, fixes)

    def adopt(self, old: str, new: str) -> int:
        """Move ``old``'s records and corrections to ``new`` (signing in) and rebuild ``new``'s profile."""
        moved = self.records.move_owner(old, new)
        if moved or self.records.profile(new) is not None:
            self.saved(new)  # rebuilds (built_from is stale) or drops a profile left without records
        return moved

    def delete_record(self, owner: str, record_id: str) -> bool:
        if not self.records.delete(owner, record_id):
            return False
        if self.records.records(owner):
            self.rebuild(owner)
        else:
            self.records.delete_owner(owner)
        return True

    def delete_all(self, owner: str) -> int:
        return self.records.delete_owner(owner)
