"""Time-ordered UUIDs (version 7) for every record and change.

Time order keeps inserts at the end of the B-trees (fast bulk writes); 74 random bits keep ids from
colliding between laptops.
"""

from __future__ import annotations

import os
import threading
import time

_last_ms = 0
_seq = 0
_pool = b""
_pool_pos = 0
_POOL_SIZE = 8 * 1024
_lock = threading.Lock()


def _random64() -> int:
    """64 random bits from a pooled read of the OS generator (one syscall per 1024 ids)."""
    global _pool, _pool_pos
    if _pool_pos >= len(_pool):
        _pool, _pool_pos = os.urandom(_POOL_SIZE), 0
    value = int.from_bytes(_pool[_pool_pos : _pool_pos + 8], "big")
    _pool_pos += 8
    return value


def new_id_bytes() -> bytes:
    """A new UUIDv7 as 16 bytes, monotonic within this process (thread-safe)."""
    with _lock:
        return _next()


def new_ids_bytes(count: int) -> list[bytes]:
    """``count`` new UUIDv7s as 16 bytes each, the same as ``count`` calls of :func:`new_id_bytes` in a row
    (one taking of the lock: bulk writes)."""
    with _lock:
        return [_next() for _ in range(count)]


def _next() -> bytes:
    global _last_ms, _seq
    ms = time.time_ns() // 1_000_000
    if ms <= _last_ms:
        ms = _last_ms
        _seq += 1
        if _seq > 0xFFF:  # 4096 ids in one millisecond: borrow the next one
            ms += 1
            _seq = 0
    else:
        _seq = 0
    _last_ms = ms
    rand = _random64() & 0x3FFF_FFFF_FFFF_FFFF
    value = (ms << 80) | (0x7 << 76) | (_seq << 64) | (0b10 << 62) | rand
    return value.to_bytes(16, "big")


def to_text(raw: bytes) -> str:
    """The 36-character form of a 16-byte UUID."""
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def to_bytes(text: str) -> bytes:
    return bytes.fromhex(text.replace("-", ""))


def new_id() -> str:
    """A new UUIDv7 as a 36-character string, monotonic within this process."""
    return to_text(new_id_bytes())
