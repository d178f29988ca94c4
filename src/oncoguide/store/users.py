"""Optional accounts: a username and an argon2id password hash. The records of an account are owned by
``u:<user id>`` (``web.deps.owner``); anonymous sessions stay the default and need none of this."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from oncoguide.store.db import Store
from oncoguide.store.passwords import is_common
from oncoguide.store.schema import UserRow

USERNAME = re.compile(r"[a-z0-9._-]{3,64}")
MIN_PASSWORD, MAX_PASSWORD = 10, 256


class UserError(ValueError):
    """A refused registration, with a stable ``code`` (invalid_username, weak_password, username_taken)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def normalise(username: str) -> str:
    return username.strip().lower()


class Users:
    def __init__(self, store: Store, hasher: PasswordHasher | None = None) -> None:
        self.store = store
        self.hasher = hasher or PasswordHasher()  # argon2id, RFC 9106 low-memory profile
        self._dummy = self.hasher.hash("not-a-real-password-" + uuid.uuid4().hex)

    def create(self, username: str, password: str) -> str:
        """A new account; returns its id. Raises UserError for a bad or taken username or a weak password."""
        name = normalise(username)
        if not USERNAME.fullmatch(name):
            raise UserError("invalid_username", "A username is 3 to 64 characters: letters, digits, '.', '_' or "
                            "'-'.")
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise UserError("weak_password", f"A password is {MIN_PASSWORD} to {MAX_PASSWORD} characters long.")
        if password.lower() == name or len(set(password)) < 4:
            raise UserError("weak_password", "Choose a password that is not your username or one repeated "
                            "character.")
        if is_common(password) or name in password.lower():
            raise UserError("weak_password", "That password is one of the most common ones (or holds your "
                            "username), so it is easy to guess; choose a longer phrase of your own.")
        row = UserRow(id=uuid.uuid4().hex, username=name, password_hash=self.hasher.hash(password),
                      created_at=datetime.now(UTC).replace(tzinfo=None))
        try:
            with self.store.session() as s, s.begin():
                if s.scalar(select(UserRow.id).where(UserRow.username == name)) is not None:
                    raise UserError("username_taken", "That username is taken; choose another.")
                s.add(row)
        except IntegrityError as exc:  # registered at the same moment by another request
            raise UserError("username_taken", "That username is taken; choose another.") from exc
        return row.id

    def verify(self, username: str, password: str) -> str | None:
        """The id of the account when the password is right, else None (the same work for an unknown user, so
        timing does not tell which usernames exist)."""
        name = normalise(username)
        with self.store.session() as s:
            row = s.scalar(select(UserRow).where(UserRow.username == name)) \
                if USERNAME.fullmatch(name) else None
        stored = row.password_hash if row is not None else self._dummy
        try:
            self.hasher.verify(stored, password[:MAX_PASSWORD])
        except (VerificationError, InvalidHashError):
            return None
        if row is None or len(password) > MAX_PASSWORD:
            return None
        if self.hasher.check_needs_rehash(stored):
            with self.store.session() as s, s.begin():
                fresh = s.get(UserRow, row.id)
                if fresh is not None:
                    fresh.password_hash = self.hasher.hash(password)
        return row.id

    def username(self, user_id: str) -> str | None:
        with self.store.session() as s:
            return s.scalar(select(UserRow.username).where(UserRow.id == user_id))

    def session(self, user_id: str) -> tuple[str, int] | None:
        """(username, session version) of an account, or None when it does not exist (any more)."""
        with self.store.session() as s:
            row = s.execute(select(UserRow.username, UserRow.session_version).where(UserRow.id == user_id)).first()
        return (row[0], int(row[1] or 0)) if row else None

    def revoke_sessions(self, user_id: str) -> int:
        """End every signed-in session of the account (cookies carry the old version); returns the new one."""
        with self.store.session() as s, s.begin():
            s.execute(update(UserRow).where(UserRow.id == user_id)
                      .values(session_version=UserRow.session_version + 1))
            return int(s.scalar(select(UserRow.session_version).where(UserRow.id == user_id)) or 0)

    def delete(self, user_id: str) -> bool:
        """Delete the account row, leaving no copy of the username in the database files (``Store.erase``)."""
        return bool(self.store.erase(delete(UserRow).where(UserRow.id == user_id)))
