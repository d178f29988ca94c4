"""SQLAlchemy 2 tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    source_path: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    publisher: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[str] = mapped_column(String(64), default="")
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_reviewed: Mapped[str | None] = mapped_column(String(32), nullable=True)
    date_basis: Mapped[str | None] = mapped_column(Text, nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    cancer_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    sources: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    ingested_at: Mapped[datetime] = mapped_column(DateTime)
    passages: Mapped[list[PassageRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="PassageRow.order"
    )


class PassageRow(Base):
    __tablename__ = "passages"

    id: Mapped[str] = mapped_column(String(220), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    order: Mapped[int] = mapped_column(Integer)
    section_path: Mapped[list[str]] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)
    page: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    topic: Mapped[str] = mapped_column(String(32))
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    document: Mapped[DocumentRow] = relationship(back_populates="passages")


class EmbeddingRow(Base):
    """Embedding cache by (model, text hash): a passage is embedded once, whatever document it moves to."""

    __tablename__ = "embeddings"

    model: Mapped[str] = mapped_column(String(64), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class RecordRow(Base):
    """An uploaded record of one owner. Name and content are encrypted (``blob``: the read RecordDocument)."""

    __tablename__ = "records"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64), doc="Keyed hash of the content (finds re-uploads).")
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    blob: Mapped[bytes] = mapped_column(LargeBinary)


class ProfileRow(Base):
    """The diagnosis profile of one owner (encrypted), with the user's corrections folded in."""

    __tablename__ = "profiles"

    owner_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    blob: Mapped[bytes] = mapped_column(LargeBinary)


class AskedQuestionRow(Base):
    """A free-text question one owner asked through the question box: only its owner can open its page. The text
    (identifiers removed first) is encrypted under the owner; deleted with the owner's data and by retention."""

    __tablename__ = "asked_questions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, doc="Keyed hash of owner and question (the slug).")
    owner_id: Mapped[str] = mapped_column(String(128), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    blob: Mapped[bytes] = mapped_column(LargeBinary)


class RateLimitRow(Base):
    """Requests counted per client key and minute, shared by every web worker (``store.ratelimit``)."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True, doc="Minutes since the epoch.")
    hits: Mapped[int] = mapped_column(Integer)


class AnswerCacheRow(Base):
    """A composed answer (JSON) shared by every worker, for questions asked without a profile only."""

    __tablename__ = "answer_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    corpus_version: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    answer: Mapped[str] = mapped_column(Text)


class UserRow(Base):
    """An optional account: the owner of its records is ``u:<id>`` (``store.users``). Only an argon2id hash of
    the password is kept."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0",
                                                 doc="Signed in cookies carry it; raised on sign-out (revokes them).")
