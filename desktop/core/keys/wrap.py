"""Wrapping the database key: a key-encryption key derived from a secret, then RFC 3394 AES key wrap.

The database key is 32 random bytes. It is stored only wrapped: for each secret that may open the
profile (the passphrase, the recovery key) a fresh salt, PBKDF2-HMAC-SHA512 with the profile's rounds
gives a 256-bit key-encryption key, and AES key wrap (RFC 3394, from the ``cryptography`` package) seals
the database key under it. Unwrapping checks the wrap's integrity value, so a wrong secret is told apart
without touching the database; the key check in profile.json then confirms the unwrapped key.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

KEY_BYTES = 32
SALT_BYTES = 16
WRAPPED_BYTES = KEY_BYTES + 8


class WrongSecret(ValueError):
    """The secret does not unwrap this key (a wrong passphrase or recovery key, or an altered wrap)."""


@dataclass(frozen=True)
class Wrapped:
    """A database key sealed under one secret."""

    salt: bytes
    wrapped: bytes

    def as_json(self) -> dict[str, str]:
        return {"salt": self.salt.hex(), "wrapped": self.wrapped.hex()}


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


#: Seconds this process has spent deriving keys (``begleiter --measure-start`` reports them apart).
_derived_seconds = 0.0


def kek(secret: str, salt: bytes, iterations: int) -> bytes:
    """The key derived from a secret: PBKDF2-HMAC-SHA512, 32 bytes (the slow step of unlocking); a
    key-encryption key here, SQLCipher's raw key for a profile from before key wrapping."""
    global _derived_seconds
    started = time.perf_counter()
    try:
        return hashlib.pbkdf2_hmac("sha512", secret.encode("utf-8"), salt, iterations, KEY_BYTES)
    finally:
        _derived_seconds += time.perf_counter() - started


def derived_seconds() -> float:
    """How long this process has spent in key derivation so far."""
    return _derived_seconds


def wrap(key: bytes, secret: str, iterations: int) -> Wrapped:
    salt = secrets.token_bytes(SALT_BYTES)
    return Wrapped(salt, aes_key_wrap(kek(secret, salt, iterations), key))


def unwrap(wrapped: Wrapped, secret: str, iterations: int) -> bytes:
    return unwrap_with(wrapped.wrapped, kek(secret, wrapped.salt, iterations))


def wrap_with(key: bytes, wrapping_key: bytes) -> bytes:
    """``key`` sealed under another key (an older database key kept under the current one)."""
    return aes_key_wrap(wrapping_key, key)


def unwrap_with(wrapped: bytes, wrapping_key: bytes) -> bytes:
    try:
        return aes_key_unwrap(wrapping_key, wrapped)
    except (InvalidUnwrap, ValueError):
        raise WrongSecret("the secret does not unwrap the key") from None
