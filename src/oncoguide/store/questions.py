"""Free-text questions asked through the question box, kept per owner and encrypted (a question may hold PHI).

The page address is a keyed hash of the owner and the normalised question, so the same person asking again gets
the same page, another person asking the same words gets their own, and nobody can open a page that is not
theirs (red-team review 2026-12, F5/F10). Rows go with the owner's data (``RecordStore.delete_owner``) and
expire with the retention setting (``purge_older``).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from oncoguide.store.crypto import Cipher
from oncoguide.store.db import Store
from oncoguide.store.schema import AskedQuestionRow

PREFIX = "q-"


def normalised(question: str) -> str:
    return " ".join(question.split()).lower().rstrip("?!. ")


class AskedQuestions:
    def __init__(self, store: Store, cipher: Cipher) -> None:
        self.store, self.cipher = store, cipher
        self._key = cipher.subkey("asked-questions")

    def slug(self, owner: str, question: str) -> str:
        digest = hmac.new(self._key, f"{owner}\0{normalised(question)}".encode(), hashlib.sha256).hexdigest()
        return PREFIX + digest[:32]

    def put(self, owner: str, question: str) -> str:
        """Keep ``question`` for ``owner``; returns its page slug (the same for the same question again)."""
        slug = self.slug(owner, question)
        blob = self.cipher.encrypt(question.encode(), f"question:{owner}:{slug}")
        self.store.insert_new(AskedQuestionRow, [{"id": slug, "owner_id": owner, "blob": blob,
                                                  "created_at": datetime.now(UTC).replace(tzinfo=None)}])
        return slug

    def get(self, owner: str, slug: str) -> str | None:
        """The owner's question behind ``slug``, or None (unknown, or another owner's)."""
        with self.store.session() as s:
            row = s.scalar(select(AskedQuestionRow).where(AskedQuestionRow.id == slug[:64],
                                                          AskedQuestionRow.owner_id == owner))
        return self.cipher.decrypt(row.blob, f"question:{owner}:{row.id}").decode() if row else None

    def delete_owner(self, owner: str) -> int:
        return self.store.erase(delete(AskedQuestionRow).where(AskedQuestionRow.owner_id == owner))

    def purge_older(self, days: int, now: datetime | None = None) -> int:
        """Delete every question asked more than ``days`` days ago; returns how many."""
        cutoff = (now or datetime.now(UTC).replace(tzinfo=None)) - timedelta(days=days)
        return self.store.erase(delete(AskedQuestionRow).where(AskedQuestionRow.created_at < cutoff))
