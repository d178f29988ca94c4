"""Uploads to profile for one owner: read, check that the profile can be read from it, store encrypted, rebuild
the profile, apply corrections.

A record is stored only when its profile could be read (F1 of the 2026-12 red-team review: a stored record that
failed extraction broke every page of its owner). Records stored by an older version that a newer extractor
cannot read are listed as unreadable in the saved profile (``SavedProfile.unreadable``) and left out of it, so
the owner's pages keep working and they can delete the record.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import time
import uuid
from dataclasses import dataclass
from multiprocessing.connection import Connection

from oncoguide.config import Settings
from oncoguide.records import corrections as corr
from oncoguide.records.merge import merge
from oncoguide.records.model import Profile, RecordDocument, RecordError
from oncoguide.records.profile import extract_document
from oncoguide.records.read import read_record, safe_name
from oncoguide.store.records import RecordStore, SavedProfile, StoredRecord
from oncoguide.text.pdf import CpuBudget

log = logging.getLogger("oncoguide.records")


@dataclass(frozen=True)
class Upload:
    """What happened to one uploaded file: stored (maybe already there), or refused with a reason."""

    name: str
    record: StoredRecord | None = None
    duplicate: bool = False
    error: str | None = None


def extract(doc: RecordDocument) -> Profile | str | None:
    """The document's own profile; a RecordError's reason (it names the file and why, never the content); or None
    when the extractor fails on it otherwise (any error: hostile input must not take its owner's pages down; only
    the error's type is logged, never its message)."""
    try:
        return extract_document(doc)
    except RecordError as exc:
        return str(exc)
    except Exception as exc:  # every other extractor failure means "unreadable", whatever its type
        log.warning("record extraction failed", extra={"kind": doc.kind, "error": exc.__class__.__name__})
        return None


Read = tuple[RecordDocument | None, Profile | None, str | None]  # (document, its profile, refusal)
File = tuple[str, bytes, str]  # (name, bytes, record id)


def spent(name: str, seconds: float) -> str:
    return (f"{safe_name(name)}: not read: reading this upload took more than the {seconds:g} s of processing time "
            "one upload may use (a very large or unusual file?); upload it on its own, split, or as plain text")


def read_one(name: str, data: bytes, rid: str, settings: Settings, budget: CpuBudget) -> Read:
    """Read one upload and its profile in this process: (document, profile, None) or (None, None, refusal)."""
    if budget.left <= 0:
        return None, None, spent(name, budget.seconds)
    try:
        doc = read_record(name, data, document_id=rid, settings=settings, budget=budget)
    except RecordError as exc:
        return None, None, str(exc)
    found = extract(doc)
    if isinstance(found, str):
        return None, None, found
    if found is None:
        return None, None, (f"{doc.name}: the {_KINDS.get(doc.kind, doc.kind)} could not be read into a diagnosis "
                            "profile (damaged or an unsupported variant); it was not stored")
    return doc, found, None


def read_all(files: list[File], settings: Settings) -> list[Read]:
    """Every file read in this process, within one CPU budget."""
    budget = CpuBudget(settings.records.cpu_budget_s)
    return [read_one(name, data, rid, settings, budget) for name, data, rid in files]


def _child(conn: Connection, files: list[File], settings: Settings) -> None:
    """A reading process: sends each file's result as it is read; the CPU limit kills it past the budget."""
    import resource

    limit = math.ceil(settings.records.cpu_budget_s) + 5  # + starting up; the reader checks the budget itself
    resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))
    budget = CpuBudget(settings.records.cpu_budget_s)
    for name, data, rid in files:
        try:
            got = read_one(name, data, rid, settings, budget)
        except Exception as exc:  # a reader bug: refuse the file; its message may quote it, so only the type is logged
            log.warning("record reading failed", extra={"error": exc.__class__.__name__})
            got = None, None, f"{safe_name(name)}: could not be read (damaged or an unsupported variant)"
        conn.send(got)
    conn.close()


_CONTEXT: multiprocessing.context.ForkServerContext | None = None


def _context() -> multiprocessing.context.ForkServerContext:
    """A forkserver: children start from a clean process that has the readers imported (no locks of the web
    server's threads are inherited, and starting one takes milliseconds)."""
    global _CONTEXT
    if _CONTEXT is None:
        ctx = multiprocessing.get_context("forkserver")
        assert isinstance(ctx, multiprocessing.context.ForkServerContext)
        ctx.set_forkserver_preload(["oncoguide.records.service"])
        _CONTEXT = ctx
    return _CONTEXT


def read_isolated(files: list[File], settings: Settings) -> list[Read]:
    """``read_all`` in a child process that is stopped when the request's budget (wall clock or CPU) is spent:
    a hostile file costs the budget at most, whatever the reader's complexity, and never holds the web
    server's GIL. Files not read by then are refused with the reason."""
    seconds = settings.records.cpu_budget_s
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, files, settings), daemon=True)
    proc.start()
    child.close()
    deadline = time.monotonic() + 3 * seconds + 5  # a backstop: the CPU limits act first, unless the machine is busy
    out: list[Read] = []
    try:
        while len(out) < len(files) and parent.poll(max(0.0, deadline - time.monotonic())):
            try:
                out.append(parent.recv())
            except (EOFError, OSError):
                break
    finally:
        parent.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
    if len(out) < len(files):
        log.warning("record reading stopped", extra={"reason": "budget", "seconds": seconds,
                                                     "files_left": len(files) - len(out)})
    return out + [(None, None, spent(name, seconds)) for name, _, _ in files[len(out):]]


class RecordService:
    def __init__(self, records: RecordStore, settings: Settings) -> None:
        self.records = records
        self.settings = settings

    def upload(self, owner: str, files: list[tuple[str, bytes]]) -> tuple[list[Upload], Profile | None]:
        """Read, check and store each file (each on its own: a bad file loses nothing else), then rebuild the
        profile. All files share one CPU budget (``records.cpu_budget_s``); once it is spent the rest are refused."""
        batch = [(name, data, uuid.uuid4().hex) for name, data in files]
        reads = read_isolated(batch, self.settings) if self.settings.records.isolate else \
            read_all(batch, self.settings)
        results: list[Upload] = []
        extracted: dict[str, Profile] = {}
        for (name, data, rid), (doc, found, error) in zip(batch, reads, strict=True):
            if doc is None or found is None:
                results.append(Upload(name=safe_name(name), error=error))
                continue
            saved, added = self.records.add(owner, doc, data, record_id=rid)
            if added:
                extracted[saved.id] = found
            info = next(r for r in self.records.records(owner) if r.id == saved.id)
            results.append(Upload(name=info.name, record=info, duplicate=not added))
        profile = self.rebuild(owner, extracted) if any(r.record for r in results) else None
        return results, profile

    def rebuild(self, owner: str, extracted: dict[str, Profile] | None = None) -> Profile:
        """Read the profile again from all the owner's records (``extracted``: profiles already read, by record
        id); records the extractor fails on are left out and listed as unreadable."""
        saved = self.records.profile(owner)
        fixes = saved.corrections if saved else {}
        docs = self.records.documents(owner)
        read = {d.id: (extracted or {}).get(d.id) or extract(d) for d in docs}
        found = {rid: p if isinstance(p, Profile) else None for rid, p in read.items()}
        unreadable = sorted(rid for rid, p in found.items() if p is None)
        profile = merge([p for p in found.values() if p is not None])
        self.records.save_profile(owner, profile, fixes, built_from=[d.id for d in docs], unreadable=unreadable)
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

    def unreadable(self, owner: str) -> set[str]:
        """Ids of the owner's records the profile could not be read from (stored by an older version)."""
        saved = self.saved(owner)
        return set(saved.unreadable) if saved else set()

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
        self.records.save_profile(owner, saved.profile, fixes, built_from=saved.built_from,
                                  unreadable=saved.unreadable)
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
        """Every record, the profile and the asked questions of ``owner``; returns records and profiles removed."""
        return self.records.erase_owner(owner)


_KINDS = {"fhir": "FHIR record", "hl7v2": "HL7 v2 message", "pdf": "PDF", "text": "text record"}
