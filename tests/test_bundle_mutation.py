"""Mutations of a real bundle: every bit flip, truncation and appendix is refused with the right reason and
writes nothing.

Real bundles are age v1 files whose scrypt work factor makes each one take about 1.5 s to open, so the
files here come from ``age_encrypt``: an age v1 writer for the tests only (age-encryption.org/v1: header
lines, one scrypt stanza, the header MAC, payload nonce and 64 KiB STREAM chunks) with a low work factor.
pyrage opens what it writes, which is also the proof that it follows the spec.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import random
from dataclasses import dataclass
from pathlib import Path

import pyrage
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop.core import profile
from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.integrity import digest
from desktop.core.store.models import Person
from desktop.core.sync import bundle, exchange
from desktop.core.sync.bundle import BundleRejected
from tests.conftest import PASSPHRASE, TEST_KDF
from tests.privacy_data import make_family

TEAM = "Team passphrase for the bundle tests"
#: 2^10 instead of age's 2^18: a millisecond per file instead of a second and a half.
TEST_WORK_FACTOR = 10
CHUNK = 64 * 1024
TAG = 16


# ------------------------------------------------------------------------------------ a test age writer


def _b64(data: bytes) -> bytes:
    """age's base64: standard alphabet, no padding."""
    return base64.b64encode(data).rstrip(b"=")


def _hkdf(key: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def age_encrypt(
    plain: bytes,
    passphrase: str,
    work_factor: int = TEST_WORK_FACTOR,
    more_stanzas: list[bytes] = (),  # type: ignore[assignment]
) -> bytes:
    """An age v1 file with one scrypt recipient (C2SP age.md), written step by step; ``more_stanzas``
    (whole stanza lines) follow it, for files the spec forbids."""
    file_key = os.urandom(16)
    salt = os.urandom(16)
    wrap_key = hashlib.scrypt(
        passphrase.encode("utf-8"),
        salt=b"age-encryption.org/v1/scrypt" + salt,
        n=2**work_factor,
        r=8,
        p=1,
        dklen=32,
    )
    body = ChaCha20Poly1305(wrap_key).encrypt(bytes(12), file_key, None)
    lines = [b"age-encryption.org/v1", b"-> scrypt " + _b64(salt) + b" " + str(work_factor).encode()]
    encoded = _b64(body)
    lines += [encoded[i : i + 64] for i in range(0, len(encoded), 64)]
    if len(encoded) % 64 == 0:  # the stanza body ends with a line shorter than 64 columns
        lines.append(b"")
    lines += more_stanzas
    header = b"\n".join(lines) + b"\n---"
    mac = hmac.new(_hkdf(file_key, b"", b"header"), header, hashlib.sha256).digest()
    nonce = os.urandom(16)
    stream = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    chunks = [plain[i : i + CHUNK] for i in range(0, len(plain), CHUNK)] or [b""]
    out = [header, b" ", _b64(mac), b"\n", nonce]
    for number, chunk in enumerate(chunks):
        last = b"\x01" if number == len(chunks) - 1 else b"\x00"
        out.append(stream.encrypt(number.to_bytes(11, "big") + last, chunk, None))
    return b"".join(out)


@dataclass
class Layout:
    """Where the parts of an age file written by age_encrypt lie (byte ranges, end exclusive)."""

    magic: range
    stanza: range  # "-> scrypt SALT N" without its newline
    salt: range
    work_factor: range
    body: range  # the wrapped file key
    mac_line: range  # "--- MAC"
    mac: range
    nonce: range
    chunks: list[range]


def layout(data: bytes) -> Layout:
    lines = data.split(b"\n", 4)
    at = len(lines[0]) + 1
    stanza = range(at, at + len(lines[1]))
    salt_at = at + len(b"-> scrypt ")
    salt = range(salt_at, salt_at + len(lines[1].split(b" ")[2]))
    work = range(salt.stop + 1, stanza.stop)
    body = range(stanza.stop + 1, stanza.stop + 1 + len(lines[2]))
    mac_line = range(body.stop + 1, body.stop + 1 + len(lines[3]))
    assert lines[3].startswith(b"--- ")
    mac = range(mac_line.start + 4, mac_line.stop)
    nonce = range(mac_line.stop + 1, mac_line.stop + 17)
    chunks = []
    start = nonce.stop
    while start < len(data):
        chunks.append(range(start, min(start + CHUNK + TAG, len(data))))
        start += CHUNK + TAG
    return Layout(range(0, len(lines[0])), stanza, salt, work, body, mac_line, mac, nonce, chunks)


def flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


# ---------------------------------------------------------------------------------------------- the writer


@pytest.mark.parametrize("size", [0, 1, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 7])
def test_pyrage_opens_what_the_test_writer_writes(size: int) -> None:
    plain = os.urandom(size)
    data = age_encrypt(plain, TEAM)
    assert pyrage.passphrase.decrypt(data, TEAM) == plain
    assert bundle.decrypt(data, TEAM) == plain
    assert len(layout(data).chunks) == max(1, -(-size // CHUNK))
    with pytest.raises(BundleRejected) as refused:
        bundle.decrypt(data, TEAM + "!")
    assert refused.value.kind == "passphrase"


def test_a_bundle_from_the_test_writer_opens_like_one_from_pyrage(store: store_db.Store) -> None:
    make_family()
    plain = exchange.export(exchange.Scope("all")).plain
    fast = bundle.open_bundle(age_encrypt(plain, TEAM), TEAM)
    slow = bundle.open_bundle(bundle.encrypt(plain, TEAM), TEAM)
    assert fast.manifest == slow.manifest
    assert fast.entries == slow.entries and len(fast.entries) > 50


def test_a_header_mac_made_with_another_key_is_refused() -> None:
    """The writer's MAC is checked by pyrage: the same file with the MAC of another file is refused."""
    one, other = age_encrypt(b"x" * 100, TEAM), age_encrypt(b"x" * 100, TEAM)
    a, b = layout(one), layout(other)
    forged = one[: a.mac.start] + other[b.mac.start : b.mac.stop] + one[a.mac.stop :]
    with pytest.raises(BundleRejected) as refused:
        bundle.decrypt(forged, TEAM)
    assert refused.value.kind == "damaged"


@pytest.mark.parametrize(
    "stanza",
    [
        [b"-> X25519 " + _b64(bytes(32)), _b64(bytes(32))],
        [b"-> scrypt " + _b64(bytes(16)) + b" 10", _b64(bytes(32))],
        [b"-> unknown-recipient", b""],
    ],
)
def test_a_scrypt_stanza_beside_another_is_refused(stanza: list[bytes]) -> None:
    """The spec: a scrypt stanza must be the file's only one (else one passphrase could open another's file)."""
    data = age_encrypt(b"plain", TEAM, more_stanzas=stanza)
    with pytest.raises(BundleRejected) as refused:
        bundle.decrypt(data, TEAM)
    assert refused.value.kind == "damaged"


# ---------------------------------------------------------------------------------------------- mutations


def _profile(folder: Path, device: str) -> store_db.Store:
    return profile.create(
        folder, PASSPHRASE, language="en", device_name=device, volunteer_name=device, kdf_iterations=TEST_KDF
    )


def _state() -> tuple[str, int, int]:
    db = store_db.current().db
    (changes,) = db.execute_sql("SELECT count(*) FROM change").fetchone()
    (bundles,) = db.execute_sql("SELECT count(*) FROM bundle").fetchone()
    return digest(), changes, bundles


def _real_bundle(folder: Path) -> bytes:
    """A bundle of a family and 400 people with long notes: its ZIP spans four STREAM chunks."""
    _profile(folder, "sender")
    make_family()
    rng = random.Random(12)
    changelog.bulk_create(
        Person,
        [
            {"family_name": f"Family{n}", "given_name": f"Given{n}", "notes": rng.randbytes(420).hex()}
            for n in range(400)
        ],
    )
    plain = exchange.export(exchange.Scope("all")).plain
    store_db.close_store()
    assert 3 * CHUNK < len(plain) < 5 * CHUNK, len(plain)
    return age_encrypt(plain, TEAM)


def _mutations(data: bytes) -> list[tuple[str, str, bytes]]:
    """(region, what was done, the mutated file): chosen places first, then random bits everywhere."""
    at = layout(data)
    rng = random.Random(2026)
    out: list[tuple[str, str, bytes]] = []

    def bits(region: str, span: range, count: int | None = None) -> None:
        every = range(span.start * 8, span.stop * 8)
        for bit in every if count is None or count >= len(every) else rng.sample(every, count):
            out.append((region, f"bit {bit}", flip(data, bit)))

    bits("magic", at.magic, 40)
    bits("stanza", range(at.stanza.start, at.salt.start))  # "-> scrypt "
    bits("salt", at.salt)
    bits("work factor", at.work_factor)
    bits("body", at.body)
    bits("mac", range(at.mac_line.start, at.mac.start))  # "--- "
    bits("mac", at.mac, 120)
    bits("nonce", at.nonce)
    for number, chunk in enumerate(at.chunks):
        region = "last chunk" if number == len(at.chunks) - 1 else f"chunk {number}"
        bits(region, range(chunk.start, chunk.start + 12), 24)  # its first bytes
        bits(region, range(chunk.stop - TAG, chunk.stop), 24)  # its tag
        bits(region, chunk, 40)
    bits("anywhere", range(len(data)), 200)
    # Truncations: every byte of the header, then in and at the edges of every region after it.
    for length in range(at.nonce.start + 1):
        out.append(("truncated header", f"to {length} bytes", data[:length]))
    cuts = {at.nonce.start + 1, at.nonce.stop - 1, at.nonce.stop, len(data) - 1}
    for chunk in at.chunks:
        cuts |= {chunk.start + 1, chunk.start + 17, (chunk.start + chunk.stop) // 2, chunk.stop - 1, chunk.stop - 16}
        if chunk.stop < len(data):
            cuts |= {chunk.stop, chunk.stop + 1}
    cuts |= set(rng.sample(range(at.nonce.stop, len(data)), 60))
    for length in sorted(cuts):
        out.append(("truncated payload", f"to {length} bytes", data[:length]))
    for extra in (b"\x00", b"\n", os.urandom(16), os.urandom(CHUNK + TAG), data[-100:], data):
        out.append(("appended", f"{len(extra)} bytes", data + extra))
    out.append(("appended", "a whole empty last chunk", data + data[at.chunks[-1].stop - TAG :]))
    return out


#: The refusals a mutation of each region may give (a flipped salt may also break the base64, a flip of
#: a digit of the work factor may ask for too much work, a flip to a space or newline breaks the stanza).
ALLOWED = {
    "magic": {"not_bundle"},
    "stanza": {"not_bundle"},
    "salt": {"passphrase", "damaged", "not_bundle"},
    "work factor": {"passphrase", "damaged", "limits", "not_bundle"},
    "body": {"passphrase", "damaged"},
    "mac": {"damaged"},
    "nonce": {"damaged"},
    "last chunk": {"damaged"},
    "truncated header": {"not_bundle", "damaged"},
    "truncated payload": {"damaged"},
    "appended": {"damaged"},
}


def _allowed(region: str, data: bytes, mutated: bytes) -> set[str]:
    if region.startswith("chunk"):
        return {"damaged"}
    if region == "anywhere":  # whatever region the bit fell in
        at = layout(data)
        first = next(i for i, (a, b) in enumerate(zip(data, mutated, strict=True)) if a != b)
        for name, span in (
            ("magic", at.magic),
            ("stanza", range(at.stanza.start, at.salt.start)),
            ("salt", at.salt),
            ("work factor", at.work_factor),
            ("body", at.body),
        ):
            if first in span:
                return ALLOWED[name]
        if first < at.mac_line.start:  # a newline between the lines
            return {"not_bundle", "damaged", "passphrase"}
        return {"damaged"}
    return ALLOWED[region]


@pytest.mark.slow
def test_every_mutation_of_a_real_bundle_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    data = _real_bundle(tmp_path / "sender")
    _profile(tmp_path / "receiver", "receiver")
    before = _state()
    mutations = _mutations(data)
    assert len(mutations) >= 1000
    wrong: list[str] = []
    kinds: dict[str, int] = {}
    for region, what, mutated in mutations:
        assert mutated != data
        try:
            exchange.import_bundle(mutated, TEAM)
        except BundleRejected as exc:
            kinds[exc.kind] = kinds.get(exc.kind, 0) + 1
            if exc.kind not in _allowed(region, data, mutated) or not str(exc):
                wrong.append(f"{region}, {what}: refused as {exc.kind}")
        except Exception as exc:  # anything but a refusal is a defect
            wrong.append(f"{region}, {what}: {type(exc).__name__}: {exc}")
        else:
            wrong.append(f"{region}, {what}: accepted")
    assert not wrong, "\n".join(wrong[:40])
    assert _state() == before  # nothing was written: no data, no change, not even a line about a bundle
    assert kinds["damaged"] > 500 and {"not_bundle", "passphrase", "limits"} <= kinds.keys(), kinds
    # The same harness sees a bundle that is applied: the intact file writes data and is remembered.
    report = exchange.import_bundle(data, TEAM)
    assert report.new > 400
    after = _state()
    assert after[0] != before[0] and after[1] > before[1] and after[2] == before[2] + 1
