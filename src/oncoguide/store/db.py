"""The store: documents with their passages, replaced atomically, plus the embedding cache."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, delete, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.sql import Delete

from oncoguide.domain.corpus import Document, Passage, SourceRef
from oncoguide.store import migrate
from oncoguide.store.errors import StoreError
from oncoguide.store.schema import Base, DocumentRow, EmbeddingRow, PassageRow


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite (WAL, foreign keys; its folder is created) or PostgreSQL (psycopg 3;
    ``postgresql://`` means ``postgresql+psycopg://``)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"ONCOGUIDE_DATABASE_URL is not a database URL: {url!r} (expected sqlite:///path or "
                         "postgresql+psycopg://user:password@host/db)") from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=5)
        except ImportError as exc:
            raise StoreError(f"the PostgreSQL driver is missing ({exc}): pip install 'oncoguide[postgres]'") from exc
    if backend != "sqlite":
        raise StoreError(f"unsupported database {backend!r} in ONCOGUIDE_DATABASE_URL: use sqlite or postgresql")
    if parsed.database and parsed.database != ":memory:":
        private_file(Path(parsed.database))
    engine = create_engine(parsed)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def private_file(path: Path) -> None:
    """Create the SQLite database file (and its folder) readable by this user only, and tighten an existing one
    and its ``-wal``/``-shm`` files (SQLite gives those the database file's mode)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():  # never open an existing database here: closing it would drop this process's locks
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):  # not ours to change, or not there: leave it
            if p.exists() and p.stat().st_mode & 0o077:
                p.chmod(0o600)


def describe(engine: Engine) -> str:
    """The engine's URL without its password (for messages and logs)."""
    return engine.url.render_as_string(hide_password=True)


class Store:
    """Thin repository over SQLAlchemy; the only place that knows the tables.

    Opening a store checks the schema revision (``store.migrate``): an empty SQLite database is created at
    the newest one, any other database must already be there (``oncoguide db upgrade``) or SchemaError is
    raised. ``migrate_empty`` overrides whether an empty database is created (default: SQLite only)."""

    def __init__(self, url: str, migrate_empty: bool | None = None) -> None:
        self.engine: Engine = make_engine(url)
        self.backend = self.engine.dialect.name
        auto = self.backend == "sqlite" if migrate_empty is None else migrate_empty
        migrate.ensure(self.engine, describe(self.engine), auto=auto)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._session()

    def erase(self, *statements: Delete) -> int:
        """Run ``statements`` in one transaction so the deleted rows leave no copy behind: on SQLite the freed
        pages are zeroed (``secure_delete``) and the write-ahead log is checkpointed and truncated. Returns the
        number of rows removed."""
        sqlite = self.engine.dialect.name == "sqlite"
        with self.engine.connect() as conn:
            if sqlite:
                conn.exec_driver_sql("PRAGMA secure_delete=ON")
                conn.commit()
            n = sum(conn.execute(stmt).rowcount for stmt in statements)
            conn.commit()
            if sqlite:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.commit()
        return int(n)

    def close(self) -> None:
        """Close the pooled connections (the store can still be used: it reconnects)."""
        self.engine.dispose()

    # documents -------------------------------------------------------------------------------------------
    def document_hash(self, doc_id: str) -> str | None:
        with self.session() as s:
            return s.scalar(select(DocumentRow.content_hash).where(DocumentRow.id == doc_id))

    def hash_known(self, content_hash: str) -> str | None:
        """Id of a stored document with this content hash, if any."""
        with self.session() as s:
            return s.scalar(select(DocumentRow.id).where(DocumentRow.content_hash == content_hash).limit(1))

    def replace_document(self, doc: Document, passages: Sequence[Passage]) -> None:
        """Insert or replace a document and all its passages in one transaction."""
        with self.session() as s, s.begin():
            s.execute(delete(PassageRow).where(PassageRow.document_id == doc.id))
            s.execute(delete(DocumentRow).where(DocumentRow.id == doc.id))
            s.add(
                DocumentRow(
                    id=doc.id, title=_nul(doc.title), kind=doc.kind, source_path=_nul(doc.source_path),
                    content_hash=doc.content_hash, publisher=_nul(doc.publisher), version=doc.version, year=doc.year,
                    last_reviewed=doc.last_reviewed, date_basis=doc.date_basis, url=doc.url,
                    cancer_types=list(doc.cancer_types), sources=[asdict(x) for x in doc.sources],
                    ingested_at=datetime.now(UTC).replace(tzinfo=None),
                )
            )
            s.add_all(
                PassageRow(
                    id=p.id, document_id=p.document_id, order=p.order,
                    section_path=[_nul(x) for x in p.section_path], text=_nul(p.text), page=p.page,
                    source_ids=list(p.source_ids), topic=p.topic, text_hash=p.text_hash,
                )
                for p in passages
            )

    def delete_document(self, doc_id: str) -> bool:
        with self.session() as s, s.begin():
            s.execute(delete(PassageRow).where(PassageRow.document_id == doc_id))
            result = s.execute(delete(DocumentRow).where(DocumentRow.id == doc_id))
            return bool(getattr(result, "rowcount", 0))

    def documents(self) -> list[DocumentRow]:
        with self.session() as s:
            return list(s.scalars(select(DocumentRow).order_by(DocumentRow.id)))

    def document(self, doc_id: str, with_passages: bool = False) -> DocumentRow | None:
        with self.session() as s:
            q = select(DocumentRow).where(DocumentRow.id == doc_id)
            if with_passages:
                q = q.options(selectinload(DocumentRow.passages))
            return s.scalar(q)

    def passages(self) -> list[Passage]:
        """All passages, in document then reading order (sorted here: the same on every backend and collation)."""
        t = PassageRow.__table__.c  # plain rows, not ORM objects: 5x faster for a large corpus
        cols = (t.id, t.document_id, t.order, t.section_path, t.text, t.page, t.source_ids, t.topic, t.text_hash)
        with self.session() as s:
            out = [
                Passage(id=r[0], document_id=r[1], order=r[2], section_path=tuple(r[3]), text=r[4], page=r[5],
                        source_ids=tuple(r[6]), topic=r[7], text_hash=r[8])
                for r in s.execute(select(*cols)).yield_per(10_000)
            ]
        return sorted(out, key=lambda p: (p.document_id, p.order))

    def corpus_version(self) -> str:
        """Hash of every stored document's id and content: changes whenever the corpus does. One small query:
        web workers call it every few seconds to notice a re-ingest."""
        h = hashlib.sha256()
        with self.session() as s:
            rows = s.execute(select(DocumentRow.id, DocumentRow.content_hash))
            for doc_id, digest in sorted((r[0], r[1]) for r in rows):
                h.update(f"{doc_id}\0{digest}\n".encode())
        return h.hexdigest()[:16]

    # embedding cache ---------------------------------------------------------------------------------------
    def cached_vectors(self, model: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """The cached vectors of ``hashes`` for ``model``. Many hashes (a whole corpus): one streamed scan of the
        model's vectors, filtered here, rather than thousands of IN queries."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        t = EmbeddingRow.__table__.c
        with self.session() as s:
            if len(wanted) > 5000:
                want = set(wanted)
                rows = s.execute(select(t.text_hash, t.vector).where(t.model == model)).yield_per(10_000)
                found = {h: np.frombuffer(v, dtype=np.float32) for h, v in rows if h in want}
                return found
            for i in range(0, len(wanted), 500):
                q = select(t.text_hash, t.vector).where(t.model == model, t.text_hash.in_(wanted[i : i + 500]))
                for h, v in s.execute(q):
                    found[h] = np.frombuffer(v, dtype=np.float32)
        return found

    def embedded_count(self) -> int:
        """How many vectors the embedding cache holds."""
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(EmbeddingRow)) or 0)

    def cache_vectors(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Add vectors to the cache; ones already there (e.g. written by another worker) are kept."""
        rows: list[dict[str, object]] = [
            {"model": model, "text_hash": digest, "vector": vec.astype(np.float32).tobytes()}
            for digest, vec in vectors.items()
        ]
        self.insert_new(EmbeddingRow, rows)

    def insert_new(self, table: type[Base], rows: Sequence[dict[str, object]]) -> None:
        """Insert ``rows``, skipping any whose primary key exists (safe when several processes race)."""
        if not rows:
            return
        insert = postgresql.insert if self.backend == "postgresql" else sqlite.insert
        with self.session() as s, s.begin():
            for i in range(0, len(rows), 1000):
                s.execute(insert(table).on_conflict_do_nothing(), list(rows[i : i + 1000]))


def _nul(text: str) -> str:
    """PostgreSQL text cannot hold NUL characters (and they are never meaningful in a guide)."""
    return text.replace("\x00", "")


def source_refs(row: DocumentRow) -> dict[str, SourceRef]:
    """The document's sources by id."""
    return {str(d["id"]): SourceRef(**d) for d in row.sources}  # type: ignore[arg-type]
