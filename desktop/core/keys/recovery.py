"""The recovery key's written form: 30 characters in six groups of five, e.g. ``7KQ2M-…``.

Crockford's base32 alphabet (digits and capitals without I, L, O and U), so nothing on the sheet can be
misread as something else: typing O for 0 or I/L for 1 is taken as meant. 28 random characters carry 140
bits; the last two are a check over the others (10 bits of SHA-256), so a typing error is named as such
instead of "not this profile's key".
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 6
GROUP = 5
LENGTH = GROUPS * GROUP
RANDOM_CHARS = LENGTH - 2
_READ_AS = {"O": "0", "I": "1", "L": "1"}


class RecoveryKeyTypo(ValueError):
    """Not a recovery key as printed: wrong length, a character not in the alphabet, or its check fails."""


def _check(body: str) -> str:
    value = int.from_bytes(hashlib.sha256(body.encode("ascii")).digest()[:2], "big") >> 6  # 10 bits
    return ALPHABET[value >> 5] + ALPHABET[value & 31]


def new_recovery_key() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARS))
    return grouped(body + _check(body))


def grouped(compact: str) -> str:
    return "-".join(compact[i : i + GROUP] for i in range(0, len(compact), GROUP))


def normalise(typed: str) -> str:
    """The canonical grouped form of a typed key (any case, spaces or dashes anywhere, O/I/L read as
    0/1); RecoveryKeyTypo when it cannot be one."""
    compact = "".join(ch for ch in typed.upper() if not ch.isspace() and ch not in "-–—_.")
    compact = "".join(_READ_AS.get(ch, ch) for ch in compact)
    if len(compact) != LENGTH or any(ch not in ALPHABET for ch in compact):
        raise RecoveryKeyTypo(compact)
    if _check(compact[:RANDOM_CHARS]) != compact[RANDOM_CHARS:]:
        raise RecoveryKeyTypo(compact)
    return grouped(compact)
