"""Every page of an encrypted profile database and its WAL, decrypted with the raw key (SQLCipher 4 layout).

SQLCipher encrypts each page with AES-256-CBC under the raw key; the last ``reserve`` bytes of a page hold
its IV (16 bytes) and HMAC; page 1 keeps the salt in its first 16 bytes. The WAL holds whole pages the same
way after a 32-byte header, each after a 24-byte frame header. The AES is OpenSSL's libcrypto (the copy
sqlcipher3 ships, else the system's), called through ctypes; the tests that need it skip without one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Iterator
from pathlib import Path

import sqlcipher3

IV_BYTES = 16
WAL_HEADER = 32
FRAME_HEADER = 24


def _libcrypto() -> ctypes.CDLL | None:
    bundled = sorted(Path(sqlcipher3.__file__).parent.glob("libcrypto*"))
    name = str(bundled[0]) if bundled else ctypes.util.find_library("crypto")
    if not name:
        return None
    lib = ctypes.CDLL(name)
    lib.EVP_CIPHER_CTX_new.restype = ctypes.c_void_p
    lib.EVP_aes_256_cbc.restype = ctypes.c_void_p
    lib.EVP_DecryptInit_ex.argtypes = [
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
    ]
    lib.EVP_CIPHER_CTX_set_padding.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.EVP_DecryptUpdate.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.POINTER(ctypes.c_int),
        ctypes.c_char_p,
        ctypes.c_int,
    ]
    lib.EVP_CIPHER_CTX_free.argtypes = [ctypes.c_void_p]
    return lib


LIBCRYPTO = _libcrypto()


def aes_cbc_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    assert LIBCRYPTO is not None
    ctx = LIBCRYPTO.EVP_CIPHER_CTX_new()
    try:
        assert LIBCRYPTO.EVP_DecryptInit_ex(ctx, LIBCRYPTO.EVP_aes_256_cbc(), None, key, iv) == 1
        LIBCRYPTO.EVP_CIPHER_CTX_set_padding(ctx, 0)
        out = ctypes.create_string_buffer(len(data) + 32)
        n = ctypes.c_int(0)
        assert LIBCRYPTO.EVP_DecryptUpdate(ctx, out, ctypes.byref(n), data, len(data)) == 1
        return out.raw[: n.value]
    finally:
        LIBCRYPTO.EVP_CIPHER_CTX_free(ctx)


def decrypt_page(key: bytes, number: int, page: bytes, reserve: int) -> bytes:
    """One page in plain text (page 1 without its salt)."""
    body_end = len(page) - reserve
    iv = page[body_end : body_end + IV_BYTES]
    start = 16 if number == 1 else 0
    return aes_cbc_decrypt(key, iv, page[start:body_end])


def pages(db_file: Path, key: bytes, page_size: int, reserve: int) -> Iterator[tuple[str, bytes]]:
    """(where, plain text) of every page of the file, free ones included, then of every WAL frame."""
    data = db_file.read_bytes()
    for offset in range(0, len(data) - page_size + 1, page_size):
        number = offset // page_size + 1
        yield f"page {number}", decrypt_page(key, number, data[offset : offset + page_size], reserve)
    wal = db_file.with_name(db_file.name + "-wal")
    if wal.exists():
        data = wal.read_bytes()
        frame = FRAME_HEADER + page_size
        for offset in range(WAL_HEADER, len(data) - frame + 1, frame):
            number = int.from_bytes(data[offset : offset + 4], "big")
            page = data[offset + FRAME_HEADER : offset + frame]
            yield f"WAL frame at {offset} (page {number})", decrypt_page(key, number, page, reserve)
