"""Authenticated encryption of PHI at rest (AES-256-GCM), with key ids so keys can be rotated.

A blob is ``b"og1" + key id (8 bytes) + nonce (12 bytes) + ciphertext``. The associated data binds a blob to its
owner and row, so a blob copied to another owner's row does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from oncoguide.config import Settings

_MAGIC = b"og1"
_KEY_FILE = "secret.key"


class DecryptionError(ValueError):
    """A blob that no known key opens (wrong key, tampered data, or another owner's row)."""


def _derive(secret: str) -> bytes:
    """A 32-byte key from a secret string (a base64 key, or any passphrase of at least 16 characters)."""
    try:
        raw = base64.urlsafe_b64decode(secret.encode() + b"=" * (-len(secret) % 4))
        if len(raw) == 32:
            return raw
    except (ValueError, TypeError):
        pass
    if len(secret) < 16:
        raise ValueError("ONCOGUIDE_SECRET_KEY must be a base64 32-byte key or a passphrase of 16+ characters")
    return hashlib.scrypt(secret.encode(), salt=b"oncoguide-phi-v1", n=2**14, r=8, p=1, dklen=32)


def _key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"oncoguide-key-id" + key).digest()[:8]


def key_file(data_dir: Path) -> Path:
    """The generated key file (created with 0600 permissions on first use). The key is written to a private
    temporary file and linked into place, so processes starting together never read a half-written key and all
    end up with the same one (the first link wins)."""
    path = data_dir / _KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        tmp = data_dir / f".{_KEY_FILE}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode())
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process linked its key first: use that one
        finally:
            tmp.unlink()
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise PermissionError(f"{path} is readable by others (mode {mode:o}); run: chmod 600 {path}")
    return path


class Cipher:
    """Encrypts with the current key; decrypts with the current key or any old one (for rotation)."""

    def __init__(self, current: bytes, old: Sequence[bytes] = ()) -> None:
        self.current_id = _key_id(current)
        self._current = current
        self._keys = {_key_id(k): AESGCM(k) for k in (*old, current)}

    def subkey(self, purpose: str) -> bytes:
        """A separate key for another use (session signing, keyed hashes), derived from the current key."""
        return hashlib.sha256(b"oncoguide-subkey:" + purpose.encode() + b":" + self._current).digest()

    @classmethod
    def from_secrets(cls, secret: str | None, old_secrets: Sequence[str], data_dir: Path) -> Cipher:
        """The key from ``secret`` (``ONCOGUIDE_SECRET_KEY``) or else the key file in the data dir."""
        current = _derive(secret) if secret else _derive(key_file(data_dir).read_text().strip())
        return cls(current, [_derive(s) for s in old_secrets])

    @classmethod
    def from_settings(cls, settings: Settings) -> Cipher:
        return cls.from_secrets(
            settings.secret_key.get_secret_value() if settings.secret_key else None,
            [k.get_secret_value() for k in settings.old_secret_keys], settings.data_dir,
        )

    def encrypt(self, plaintext: bytes, context: str) -> bytes:
        nonce = os.urandom(12)
        sealed = self._keys[self.current_id].encrypt(nonce, plaintext, context.encode())
        return _MAGIC + self.current_id + nonce + sealed

    def decrypt(self, blob: bytes, context: str) -> bytes:
        if blob[:3] != _MAGIC or len(blob) < 3 + 8 + 12 + 16:
            raise DecryptionError("not an OncoGuide encrypted blob")
        key = self._keys.get(blob[3:11])
        if key is None:
            raise DecryptionError("encrypted with a key that is not configured (see SECURITY.md: key rotation)")
        try:
            return key.decrypt(blob[11:23], blob[23:], context.encode())
        except InvalidTag as exc:
            raise DecryptionError("the data does not match its key or owner (tampered or moved)") from exc

    def is_current(self, blob: bytes) -> bool:
        return blob[3:11] == self.current_id
