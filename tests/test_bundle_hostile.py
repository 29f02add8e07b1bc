"""Hostile archives inside a valid age envelope: every one is refused with a clear reason, writes nothing,
and is read within 100 MB of memory.

The ZIPs are built by hand (zipfile with chosen member infos, or raw bytes where zipfile would not write
the lie), then encrypted with the tests' age writer (a low scrypt work factor), so each is a bundle that
only its content can give away.
"""

from __future__ import annotations

import base64
import io
import json
import random
import struct
import tracemalloc
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from desktop.core import ids, people
from desktop.core.store import db as store_db
from desktop.core.store import migrations
from desktop.core.sync import bundle, exchange
from desktop.core.sync.bundle import CHANGES, ERASURES, MANIFEST, BundleRejected
from tests.privacy_data import make_family
from tests.test_bundle_mutation import TEAM, _profile, _state, age_encrypt

MEMORY_LIMIT = 100 * 1024 * 1024


@dataclass
class Sent:
    """A real bundle's parts, to be taken apart and lied about."""

    manifest: dict[str, Any]
    changes: bytes
    erasures: bytes
    lines: list[dict[str, Any]]


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Sent:
    """What a laptop with a family (and an erased person) exports: the receiver in each test lacks all of it."""
    _profile(tmp_path_factory.mktemp("sender") / "profile", "sender")
    make_family()
    gone = people.create_person({"family_name": "Weg", "given_name": "Ist"})
    from desktop.core.privacy import erasure

    erasure.erase_person(gone.id)
    plain = exchange.export(exchange.Scope("all")).plain
    store_db.close_store()
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        manifest = json.loads(zf.read(MANIFEST))
        changes, erasures = zf.read(CHANGES), zf.read(ERASURES)
    assert erasures, "the sender's bundle carries an erasure marker"
    return Sent(manifest, changes, erasures, [json.loads(line) for line in changes.splitlines()])


@pytest.fixture
def receiver(tmp_path: Path) -> store_db.Store:
    return _profile(tmp_path / "receiver", "receiver")


def manifest_for(sent: Sent, changes: bytes, erasures: bytes, **lies: Any) -> dict[str, Any]:
    """The manifest a writer would give these members (hashes, sizes, lines, counts), then the lies."""
    import hashlib

    m = json.loads(json.dumps(sent.manifest))
    m["bundle_id"] = ids.new_id()
    members = {}
    for name, data in ((CHANGES, changes), (ERASURES, erasures)):
        members[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "lines": data.count(b"\n")}
    m["members"] = members
    m["counts"] = {**m["counts"], "changes": changes.count(b"\n"), "erasures": erasures.count(b"\n")}
    m.update(lies)
    return m


def zip_of(members: list[tuple[str | zipfile.ZipInfo, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return out.getvalue()


def bundle_zip(sent: Sent, changes: bytes | None = None, erasures: bytes | None = None, **lies: Any) -> bytes:
    changes = sent.changes if changes is None else changes
    erasures = sent.erasures if erasures is None else erasures
    manifest = json.dumps(manifest_for(sent, changes, erasures, **lies)).encode()
    return zip_of([(MANIFEST, manifest), (CHANGES, changes), (ERASURES, erasures)])


def with_line(sent: Sent, line: bytes, member: str = CHANGES) -> bytes:
    """The real bundle with one more line (placed last) in a member, the manifest telling the truth about it."""
    if member == CHANGES:
        return bundle_zip(sent, changes=sent.changes + line + b"\n")
    return bundle_zip(sent, erasures=sent.erasures + line + b"\n")


def changed_line(sent: Sent, **fields: Any) -> bytes:
    """A change line of the real bundle (a person's field) with some of its keys replaced."""
    line = next(dict(obj) for obj in sent.lines if obj["type"] == "person" and obj["field"] == "family_name")
    line["id"] = ids.new_id()
    line.update(fields)
    return json.dumps(line, ensure_ascii=False).encode("utf-8", "surrogatepass")


def refused(plain: bytes, kind: str, words: str) -> BundleRejected:
    """Encrypt ``plain``, import it into the open (receiving) profile: refused as ``kind`` with a message
    that holds ``words``, nothing written, at most 100 MB of memory on the way."""
    data = age_encrypt(plain, TEAM)
    before = _state()
    tracemalloc.start()
    try:
        with pytest.raises(BundleRejected) as caught:
            exchange.import_bundle(data, TEAM)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.kind == kind, str(caught.value)
    assert words in str(caught.value)
    assert _state() == before
    assert peak < MEMORY_LIMIT, f"{peak / 2**20:.0f} MiB"
    return caught.value


def test_the_untouched_bundle_is_applied(sent: Sent, receiver: store_db.Store) -> None:
    """The control: built the same way without a lie, the bundle is applied (so a refusal below is the lie's)."""
    before = _state()
    report = exchange.import_bundle(age_encrypt(bundle_zip(sent), TEAM), TEAM)
    assert report.new > 10 and report.erased == 0
    assert _state()[0] != before[0]


def test_a_line_added_with_a_truthful_manifest_is_applied(sent: Sent, receiver: store_db.Store) -> None:
    """The control of the line tests: a valid extra line passes."""
    stamp = json.loads(changed_line(sent))["hlc"] + 1
    line = changed_line(sent, value="Neu", hlc=stamp)
    report = exchange.import_bundle(age_encrypt(with_line(sent, line), TEAM), TEAM)
    assert report.new > 10


def test_two_changes_of_one_field_at_one_moment_are_refused(sent: Sent, receiver: store_db.Store) -> None:
    """Another id for a change the bundle holds (same record, field, stamp and laptop, another value)."""
    refused(with_line(sent, changed_line(sent, value="Anders")), "content", "contradicts")


# --------------------------------------------------------------------------------------------- members

NOT_BELONG = "holds files that do not belong in it"


@pytest.mark.parametrize(
    "name",
    [
        "../changes.jsonl",
        "../../x",
        "/etc/x",
        "/changes.jsonl",
        "C:\\x",
        "C:\\changes.jsonl",
        "sub\\..\\..\\x",
        "changes.jsonl/../changes.jsonl",
        "./changes.jsonl",
        "CHANGES.JSONL",
    ],
)
def test_path_traversal_and_odd_names_are_refused(sent: Sent, receiver: store_db.Store, name: str) -> None:
    manifest = json.dumps(manifest_for(sent, sent.changes, sent.erasures)).encode()
    plain = zip_of([(MANIFEST, manifest), (name, sent.changes), (ERASURES, sent.erasures)])
    refused(plain, "content", NOT_BELONG)
    extra = zip_of([(MANIFEST, manifest), (CHANGES, sent.changes), (ERASURES, sent.erasures), (name, b"x")])
    refused(extra, "content", NOT_BELONG)


def test_a_local_header_naming_another_path_is_refused(sent: Sent, receiver: store_db.Store) -> None:
    """The central directory says changes.jsonl, the member's own header ../../x.json."""
    manifest = json.dumps(manifest_for(sent, sent.changes, sent.erasures)).encode()
    members = [(MANIFEST, manifest, None), (CHANGES, sent.changes, None), (ERASURES, sent.erasures, None)]
    refused(_raw_zip(members, {CHANGES: "../../x.json"}), "damaged", "damaged or was altered")


def _info(name: str, attr: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 12, 3, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = attr
    return info


@pytest.mark.parametrize("member", [CHANGES, ERASURES, MANIFEST])
def test_a_symlink_entry_is_refused(sent: Sent, receiver: store_db.Store, member: str) -> None:
    manifest = json.dumps(manifest_for(sent, sent.changes, sent.erasures)).encode()
    data = {MANIFEST: manifest, CHANGES: sent.changes, ERASURES: sent.erasures}
    members: list[tuple[str | zipfile.ZipInfo, bytes]] = [
        (_info(name, (0o120777 << 16) if name == member else (0o100644 << 16)), value) for name, value in data.items()
    ]
    refused(zip_of(members), "content", NOT_BELONG)


@pytest.mark.parametrize("twice", [MANIFEST, CHANGES, ERASURES])
def test_a_duplicate_member_is_refused(sent: Sent, receiver: store_db.Store, twice: str) -> None:
    manifest = json.dumps(manifest_for(sent, sent.changes, sent.erasures)).encode()
    data = {MANIFEST: manifest, CHANGES: sent.changes, ERASURES: sent.erasures}
    members: list[tuple[str | zipfile.ZipInfo, bytes]] = [(n, v) for n, v in data.items()]
    members.append((twice, data[twice] if twice == MANIFEST else b""))
    with pytest.warns(UserWarning, match="Duplicate name"):
        plain = zip_of(members)
    refused(plain, "content", NOT_BELONG)


@pytest.mark.parametrize("missing", [MANIFEST, CHANGES, ERASURES])
def test_a_missing_member_is_refused(sent: Sent, receiver: store_db.Store, missing: str) -> None:
    manifest = json.dumps(manifest_for(sent, sent.changes, sent.erasures)).encode()
    data = {MANIFEST: manifest, CHANGES: sent.changes, ERASURES: sent.erasures}
    refused(zip_of([(n, v) for n, v in data.items() if n != missing]), "content", NOT_BELONG)


def test_a_directory_an_encrypted_member_and_other_compressions_are_refused(
    sent: Sent, receiver: store_db.Store
) -> None:
    manifest = json.dumps(manifest_for(sent, sent.changes, sent.erasures)).encode()
    for compression in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        plain = zip_of([(MANIFEST, manifest), (CHANGES, sent.changes), (ERASURES, sent.erasures)], compression)
        refused(plain, "content", NOT_BELONG)
    plain = _raw_zip([(MANIFEST, manifest, None), (CHANGES, sent.changes, None), (ERASURES, sent.erasures, None)])
    entry = plain.index(b"PK\x01\x02" + plain[plain.index(b"PK\x01\x02") + 4 :].split(CHANGES.encode())[0][-42:])
    assert plain[entry + 46 : entry + 46 + len(CHANGES)] == CHANGES.encode()
    encrypted = bytearray(plain)
    encrypted[entry + 8] |= 0x1  # the "encrypted" flag in the directory
    refused(bytes(encrypted), "content", NOT_BELONG)
    as_dir = zip_of([(MANIFEST, manifest), (CHANGES, sent.changes), (ERASURES, sent.erasures), ("changes/", b"")])
    refused(as_dir, "content", NOT_BELONG)


# -------------------------------------------------------------------------------------------- zip bombs


def test_a_member_beyond_the_compression_ratio_is_refused(sent: Sent, receiver: store_db.Store) -> None:
    """Valid changes with 100,000 letters each, 40 MB of them deflating about 350 to 1: refused once 200
    times the member's packed size has arrived."""
    line = changed_line(sent, value="a" * 100_000) + b"\n"
    bomb = line * (40 * 2**20 // len(line))
    plain = bundle_zip(sent, changes=bomb)
    assert len(bomb) > 300 * zipfile.ZipFile(io.BytesIO(plain)).getinfo(CHANGES).compress_size
    refused(plain, "limits", "unpacks to far more than it holds")


def test_a_member_beyond_the_size_limit_is_refused(
    sent: Sent, receiver: store_db.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The size limit (1 GiB, lowered to 1 MiB here so the test inflates little): markers of distinct
    records pack only about 2 to 1, so the ratio does not stop them; the counted size does."""
    marker = json.loads(sent.erasures.splitlines()[0])
    lines = [json.dumps({**marker, "record": ids.new_id()}).encode() + b"\n" for _ in range(12_000)]
    big = b"".join(lines)
    assert len(big) > 1.3 * 2**20
    monkeypatch.setattr(bundle, "MAX_MEMBER", 2**20)
    refused(bundle_zip(sent, erasures=big), "limits", "unpacks to far more than it holds")


def test_a_line_of_a_quarter_gigabyte_of_zeros_is_refused_early(sent: Sent, receiver: store_db.Store) -> None:
    """256 MiB of zeros deflate to 256 KB; reading stops at the first line longer than allowed."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block, blocks = b"\x00" * 2**20, 256
    packed = b"".join(compressor.compress(block) for _ in range(blocks)) + compressor.flush()
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(block, crc)
    manifest = json.dumps(manifest_for(sent, b"", sent.erasures)).encode()
    zeros = (CHANGES, packed, (blocks * len(block), crc))
    plain = _raw_zip([(MANIFEST, manifest, None), zeros, (ERASURES, sent.erasures, None)])
    refused(plain, "limits", "longer than allowed")


def _raw_zip(
    members: list[tuple[str, bytes, tuple[int, int] | None]], local_names: dict[str, str] | None = None
) -> bytes:
    """A ZIP written byte by byte: (name, data, None) is deflated here; (name, packed, (size, crc)) is
    taken as deflated already. ``local_names`` gives a member's own header another name than the directory's."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, data, given in members:
        if given is None:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            packed, size, crc = c.compress(data) + c.flush(), len(data), zlib.crc32(data)
        else:
            packed, (size, crc) = data, given
        raw, local = name.encode(), (local_names or {}).get(name, name).encode()
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(packed), size, len(local), 0))
        out.write(local + packed)
        directory.write(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(packed),
                size,
                len(raw),
                0,
                0,
                0,
                0,
                0o100644 << 16,
                offset,
            )
            + raw
        )
    start = out.tell()
    cd = directory.getvalue()
    out.write(cd + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(cd), start, 0))
    return out.getvalue()


def test_the_raw_zip_writer_writes_what_the_reader_accepts(sent: Sent, receiver: store_db.Store) -> None:
    """The control of the hand-written archives above and below."""
    manifest = json.dumps(manifest_for(sent, sent.changes, sent.erasures)).encode()
    plain = _raw_zip([(MANIFEST, manifest, None), (CHANGES, sent.changes, None), (ERASURES, sent.erasures, None)])
    assert bundle.read_zip(plain).entries


# ----------------------------------------------------------------------------------------- many members

_MANY: dict[str, bytes] = {}


def _many_members() -> bytes:
    """100,000 members (ZIP64 end records, as zipfile writes them), made once."""
    if "zip" not in _MANY:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for number in range(100_000):
                zf.writestr(f"x{number}", b"")
        _MANY["zip"] = out.getvalue()
    return _MANY["zip"]


def _parsing_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def no(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the archive's directory was parsed")

    monkeypatch.setattr(bundle.zipfile, "ZipFile", no)


def test_a_hundred_thousand_members_are_refused_from_the_count(
    receiver: store_db.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = _many_members()
    _parsing_forbidden(monkeypatch)
    refused(plain, "limits", "more files than allowed")


def test_a_hundred_thousand_members_behind_an_end_record_that_says_three(
    receiver: store_db.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The classic end record claims 3 members, the directory before it holds 100,000: refused from the
    directory's size, before zipfile walks it."""
    plain = _many_members()
    eocd = plain.rindex(b"PK\x05\x06")
    zip64 = plain.rindex(b"PK\x06\x06", 0, eocd)
    size, offset = struct.unpack("<LL", plain[eocd + 12 : eocd + 20])
    assert offset + size == zip64
    lying = plain[:zip64] + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 3, 3, size, offset, 0)
    _parsing_forbidden(monkeypatch)
    refused(lying, "limits", "more files than allowed")


def test_a_zip64_record_behind_a_small_end_record_is_refused(
    receiver: store_db.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """zipfile takes the counts of a ZIP64 record found before the end record; we never write one."""
    plain = _many_members()
    eocd = plain.rindex(b"PK\x05\x06")
    lying = plain[:eocd] + plain[eocd : eocd + 8] + struct.pack("<HH", 3, 3) + plain[eocd + 12 :]
    _parsing_forbidden(monkeypatch)
    refused(lying, "limits", "more files than allowed")


# ------------------------------------------------------------------------------------ a manifest that lies

MISMATCH = "does not match its contents"


def _lie_about_member(sent: Sent, member: str, key: str, value: Any) -> bytes:
    m = manifest_for(sent, sent.changes, sent.erasures)
    m["members"][member][key] = value
    return zip_of([(MANIFEST, json.dumps(m).encode()), (CHANGES, sent.changes), (ERASURES, sent.erasures)])


@pytest.mark.parametrize("member", [CHANGES, ERASURES])
@pytest.mark.parametrize(
    "key, value, kind, words",
    [
        ("sha256", "0" * 64, "damaged", MISMATCH),
        ("sha256", None, "damaged", MISMATCH),
        ("size", 1, "damaged", MISMATCH),
        ("size", "12", "damaged", MISMATCH),
        ("lines", 0, "damaged", MISMATCH),
        ("lines", 10**9, "damaged", "manifest is not valid"),
        ("lines", "3", "damaged", "manifest is not valid"),
    ],
)
def test_a_manifest_lying_about_a_member_is_refused(
    sent: Sent, receiver: store_db.Store, member: str, key: str, value: Any, kind: str, words: str
) -> None:
    refused(_lie_about_member(sent, member, key, value), kind, words)


def test_a_member_one_line_longer_than_the_manifest_says_is_refused(sent: Sent, receiver: store_db.Store) -> None:
    line = changed_line(sent, value="Neu") + b"\n"
    m = manifest_for(sent, sent.changes, sent.erasures)  # the hashes of the members without the line
    plain = zip_of([(MANIFEST, json.dumps(m).encode()), (CHANGES, sent.changes + line), (ERASURES, sent.erasures)])
    refused(plain, "damaged", MISMATCH)


@pytest.mark.parametrize(
    "lies, kind, words",
    [
        ({"counts": {"changes": 1, "erasures": 1}}, "damaged", MISMATCH),
        ({"counts": []}, "damaged", "manifest is not valid"),
        ({"bundle_id": "not-an-id"}, "damaged", "manifest is not valid"),
        ({"bundle_id": "8F6B0C4A-1111-4222-8333-444455556666"}, "damaged", "manifest is not valid"),
        ({"bundle_id": None}, "damaged", "manifest is not valid"),
        ({"format": "zip"}, "not_bundle", "not a Begleiter bundle"),
        ({"format_version": 2}, "newer", "Please update Begleiter"),
        ({"format_version": "1"}, "damaged", "manifest is not valid"),
        ({"schema_version": migrations.TRAVELLING_SCHEMA + 1}, "newer", "Please update Begleiter"),
        ({"schema_version": 0}, "damaged", "manifest is not valid"),
        ({"schema_version": 10**400}, "newer", "Please update Begleiter"),
        ({"schema_version": 1.5}, "damaged", "manifest is not valid"),
        ({"source": {"device": "laptop"}}, "damaged", "manifest is not valid"),
        ({"source": "laptop"}, "damaged", "manifest is not valid"),
        ({"created": 20261203}, "damaged", "manifest is not valid"),
        ({"created": "x" * 1000}, "damaged", "manifest is not valid"),
        ({"team": ["a"]}, "damaged", "manifest is not valid"),
        ({"knowledge": {"not-an-id": 1}}, "damaged", "manifest is not valid"),
        ({"knowledge": {ids.new_id(): -1}}, "damaged", "manifest is not valid"),
        ({"knowledge": {ids.new_id(): 1.0}}, "damaged", "manifest is not valid"),
        ({"knowledge": {ids.new_id(): n for n in range(10_001)}}, "damaged", "manifest is not valid"),
        ({"coverage": {ids.new_id(): [5, 1]}}, "damaged", "manifest is not valid"),
        ({"coverage": {ids.new_id(): [1]}}, "damaged", "manifest is not valid"),
        ({"scope": None}, "damaged", "manifest is not valid"),
    ],
)
def test_a_manifest_that_lies_is_refused(
    sent: Sent, receiver: store_db.Store, lies: dict[str, Any], kind: str, words: str
) -> None:
    refused(bundle_zip(sent, **lies), kind, words)


@pytest.mark.parametrize(
    "language, words", [("de", "neueren Version von Begleiter"), ("uk", "новішою версією Супроводу")]
)
def test_a_newer_schema_is_named_in_the_users_language(
    sent: Sent, receiver: store_db.Store, language: str, words: str
) -> None:
    from desktop import i18n

    i18n.set_language(language)
    refused(bundle_zip(sent, schema_version=migrations.TRAVELLING_SCHEMA + 5), "newer", words)


@pytest.mark.parametrize("schema", [1, migrations.TRAVELLING_SCHEMA - 1])
def test_an_older_schema_is_accepted(sent: Sent, receiver: store_db.Store, schema: int) -> None:
    report = exchange.import_bundle(age_encrypt(bundle_zip(sent, schema_version=schema), TEAM), TEAM)
    assert report.new > 10


def test_a_reused_bundle_id_writes_nothing(sent: Sent, receiver: store_db.Store) -> None:
    """A bundle that names the id of one applied before is taken as that bundle: nothing of it is written."""
    first = bundle_zip(sent)
    exchange.import_bundle(age_encrypt(first, TEAM), TEAM)
    bundle_id = json.loads(zipfile.ZipFile(io.BytesIO(first)).read(MANIFEST))["bundle_id"]
    before = _state()
    other = with_line(sent, changed_line(sent, value="Anders"))
    m = json.loads(zipfile.ZipFile(io.BytesIO(other)).read(MANIFEST))
    m["bundle_id"] = bundle_id
    with zipfile.ZipFile(io.BytesIO(other)) as zf:
        members = [(n, zf.read(n)) for n in (CHANGES, ERASURES)]
    report = exchange.import_bundle(age_encrypt(zip_of([(MANIFEST, json.dumps(m).encode()), *members]), TEAM), TEAM)
    assert report.already_known
    assert _state() == before


@pytest.mark.parametrize(
    "raw, kind, words",
    [
        (b"", "not_bundle", "not a Begleiter bundle"),
        (b"\xff\xfe{}", "not_bundle", "not a Begleiter bundle"),
        (b"[]", "not_bundle", "not a Begleiter bundle"),
        (b'{"format": "begleiter-bundle", "format": "x"}', "not_bundle", "not a Begleiter bundle"),
        (b"[" * 100_000 + b"]" * 100_000, "not_bundle", "not a Begleiter bundle"),
        (
            b'{"format": "begleiter-bundle", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "not_bundle",
            "not a Begleiter bundle",
        ),
        (b" " * (bundle.MAX_MANIFEST + 1), "limits", "manifest is larger than allowed"),
    ],
)
def test_a_manifest_that_is_not_one_is_refused(
    sent: Sent, receiver: store_db.Store, raw: bytes, kind: str, words: str
) -> None:
    refused(zip_of([(MANIFEST, raw), (CHANGES, sent.changes), (ERASURES, sent.erasures)]), kind, words)


def test_a_manifest_with_text_that_is_not_unicode_is_refused(sent: Sent, receiver: store_db.Store) -> None:
    """A lone surrogate (valid JSON, no Unicode text) in the sender's laptop name."""
    m = manifest_for(sent, sent.changes, sent.erasures)
    m["source"]["device_name"] = "Laptop \ud800"
    raw = json.dumps(m).encode()
    assert b"\\ud800" in raw
    refused(
        zip_of([(MANIFEST, raw), (CHANGES, sent.changes), (ERASURES, sent.erasures)]),
        "damaged",
        "manifest is not valid",
    )


# ----------------------------------------------------------------------------------------------- lines

BAD_LINE = "Line {number} of {member} is not valid"


def _line_words(sent: Sent, member: str = CHANGES) -> str:
    number = (sent.changes if member == CHANGES else sent.erasures).count(b"\n") + 1
    return BAD_LINE.format(number=number, member=member)


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({"type": "spaceship"}, "an unknown kind of record"),
        ({"type": None}, "an unknown kind of record"),
        ({"type": "Person"}, "an unknown kind of record"),
        ({"field": "password"}, "a field this kind of record does not have"),
        ({"field": "id"}, "a field this kind of record does not have"),
        ({"field": "created_at"}, "a field this kind of record does not have"),
        ({"field": "sort_key"}, "a field this kind of record does not have"),
        ({"unknown": 1}, "not a change"),
        ({"value": 12}, "wrong type"),
        ({"value": ["a"]}, "wrong type"),
        ({"value": {"a": 1}}, "wrong type"),
        ({"value": "a\x00b"}, "wrong type"),
        ({"value": "x" * 200_001}, "wrong type"),
        ({"value": "Tom \ud800"}, "wrong type"),
        ({"field": "birth_date", "value": "2026-13-45"}, "wrong type"),
        ({"field": "birth_date", "value": "03.12.2026"}, "wrong type"),
        ({"field": "birth_date", "value": 20261203}, "wrong type"),
        ({"field": "deleted", "value": "true"}, "wrong type"),
        ({"field": "deleted", "value": 1}, "wrong type"),
        ({"field": "deleted", "value": None}, "cannot be empty"),
        ({"hlc": 0}, "stamp"),
        ({"hlc": -5}, "stamp"),
        ({"hlc": 10**30}, "stamp"),
        ({"hlc": 1e300}, "stamp"),
        ({"hlc": "123"}, "stamp"),
        ({"hlc": True}, "stamp"),
        ({"id": "1"}, "id is not an id"),
        ({"record": ids.new_id().upper()}, "record is not an id"),
        ({"device": None}, "device is not an id"),
        ({"author": 7}, "author is not an id"),
        ({"base": "x"}, "base is not an id"),
        ({"also": [ids.new_id()]}, "a resolving change without a base"),
        ({"also": "x"}, "also is not a list of ids"),
        ({"also": [ids.new_id()] * 65, "base": ids.new_id()}, "also is not a list of ids"),
    ],
)
def test_a_change_line_that_this_program_would_not_write_is_refused(
    sent: Sent, receiver: store_db.Store, fields: dict[str, Any], problem: str
) -> None:
    error = refused(with_line(sent, changed_line(sent, **fields)), "content", _line_words(sent))
    assert problem in str(error)
    assert "password" not in str(error) and "spaceship" not in str(error)  # a reason, never a value


def test_wrong_value_types_of_other_records_are_refused(sent: Sent, receiver: store_db.Store) -> None:
    case_line = next(obj for obj in sent.lines if obj["type"] == "case" and obj["field"] == "person")
    task_done = dict(next(obj for obj in sent.lines if obj["type"] == "task"), field="done", value="yes")
    appointment = dict(
        next(obj for obj in sent.lines if obj["type"] == "appointment"),
        field="starts_at",
        value="2026-12-03 09:30:00.123",
    )
    for obj in (
        {**case_line, "value": "someone"},
        task_done,
        appointment,
        {**case_line, "field": "person", "value": 5},
    ):
        line = json.dumps({**obj, "id": ids.new_id()}).encode()
        refused(with_line(sent, line), "content", _line_words(sent))


@pytest.mark.parametrize(
    "line, words",
    [
        (b"\xff\xfe\x00{", "not JSON"),
        (b'{"type": "person", "value": "\xc3\x28"}', "not JSON"),
        (b"not json", "not JSON"),
        (b"[]", "not a change"),
        (b"{}", "not a change"),
        (b"null", "not a change"),
        (b"1" * 5000, "not JSON"),
        (b"[" * 200_000 + b"]" * 200_000, "not JSON"),
        (b'{"value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "not JSON"),
        (b'{"value": ' + b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"}", "not JSON"),
    ],
)
def test_lines_that_are_not_changes_are_refused(sent: Sent, receiver: store_db.Store, line: bytes, words: str) -> None:
    error = refused(with_line(sent, line), "content", _line_words(sent))
    assert words in str(error)


def test_a_value_nested_deeply_inside_a_change_is_refused(sent: Sent, receiver: store_db.Store) -> None:
    nested = changed_line(sent, value="@").replace(b'"@"', b"[" * 100_000 + b"]" * 100_000)
    refused(with_line(sent, nested), "content", _line_words(sent))


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({"type": "spaceship"}, "an unknown kind of record"),
        ({"extra": 1}, "not an erasure marker"),
        ({"hlc": 10**30}, "stamp"),
        ({"record": "../x"}, "record is not an id"),
        ({"device": 1}, "device is not an id"),
    ],
)
def test_an_erasure_marker_that_this_program_would_not_write_is_refused(
    sent: Sent, receiver: store_db.Store, fields: dict[str, Any], problem: str
) -> None:
    marker = {**json.loads(sent.erasures.splitlines()[0]), **fields}
    error = refused(with_line(sent, json.dumps(marker).encode(), ERASURES), "content", _line_words(sent, ERASURES))
    assert problem in str(error)


@pytest.mark.parametrize("length", [bundle.MAX_LINE + 1, bundle.MAX_LINE + 2**19, 3 * bundle.MAX_LINE])
def test_overlong_lines_are_refused(sent: Sent, receiver: store_db.Store, length: int) -> None:
    """Longer than the line limit, ended by a newline or not, inside one read or across two."""
    line = changed_line(sent, value="@")
    text = base64.b64encode(random.Random(length).randbytes(length))[: length - len(line) + 1]  # packs 4:3 only
    line = line.replace(b'"@"', b'"' + text + b'"')
    assert len(line) == length
    refused(with_line(sent, line), "limits", "longer than allowed")
    refused(bundle_zip(sent, changes=sent.changes + line), "limits", "longer than allowed")


def test_the_bundle_schema_is_the_newest_migration_of_travelling_data() -> None:
    """The audit log (schema 11) never travels; consents (12) do: bundles say 12, so a laptop without
    consents refuses them as newer instead of choking on an unknown kind of record."""
    assert migrations.TRAVELLING_SCHEMA <= migrations.LATEST
    assert migrations.TRAVELLING_SCHEMA == 13  # raise it with the next migration that changes travelling data
