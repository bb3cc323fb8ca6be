"""Field-level encryption for the most sensitive values (SSN), HIPAA 164.312(a)(2)(iv).

Keys come from ``CASEWORK_FIELD_KEYS`` (comma-separated Fernet keys, newest first). Values are
encrypted with the first key and decrypted with any of them, so keys can be rotated: add a new
key in front, re-encrypt (``casework rotate-field-keys``, later), then drop the old one.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(RuntimeError):
    """A value cannot be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    return _fernet(tuple(settings.CASEWORK_FIELD_KEYS)).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(tuple(settings.CASEWORK_FIELD_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError("no configured field key decrypts this value") from None


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt a whole file's content (e.g. a staged import) with the newest field key."""
    return _fernet(tuple(settings.CASEWORK_FIELD_KEYS)).encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _fernet(tuple(settings.CASEWORK_FIELD_KEYS)).decrypt(token)
    except InvalidToken:
        raise DecryptionError("no configured field key decrypts this file") from None
