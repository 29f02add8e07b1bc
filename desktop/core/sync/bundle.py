"""The bundle file: an age v1 file (scrypt, the team passphrase) holding a ZIP with a manifest and JSON Lines.

Everything is verified before anything is used, with counted limits: the age envelope (its header is read
here first, so a hostile work factor is refused before any key is derived), the ZIP's member count (from
its end record, before the directory is parsed), member names, kinds and compression, the bytes actually
inflated and their ratio, every member's SHA-256, size and line count against the manifest, and every line.
See docs/bundle-format.md.
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import struct
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pyrage

from desktop.core.errors import UserError
from desktop.core.store import migrations
from desktop.core.sync.changes import BadLine, Entry, Marker, is_uuid, parse_entry, parse_marker
from desktop.i18n import _

FORMAT = "begleiter-bundle"
FORMAT_VERSION = 1
EXTENSION = ".age"
AGE_MAGIC = b"age-encryption.org/v1\n"

MANIFEST = "manifest.json"
CHANGES = "changes.jsonl"
ERASURES = "erasures.jsonl"
MEMBERS = (MANIFEST, CHANGES, ERASURES)

# Limits, counted while reading (never taken from what the file says about itself).
MAX_FILE = 256 * 1024 * 1024
MAX_ZIP_ENTRIES = 16
#: The ZIP's central directory: three short names take 200 bytes; zipfile walks it by its size, not its count.
MAX_DIRECTORY = 64 * 1024
MAX_MANIFEST = 1024 * 1024
MAX_MEMBER = 1024 * 1024 * 1024
MAX_RATIO = 200
MAX_LINE = 1024 * 1024
MAX_CHANGES = 2_000_000
MAX_MARKERS = 1_000_000
MAX_PEERS = 10_000
#: The highest scrypt work factor (log2 N) accepted: 2^21 needs 2 GiB and seconds on an old laptop.
MAX_WORK_FACTOR = 21
_CHUNK = 1024 * 1024


class BundleRejected(UserError):
    """A bundle that is not applied; the message says why in the user's language (never a value)."""

    def __init__(self, message: str, kind: str = "damaged") -> None:
        super().__init__(message)
        #: passphrase | not_bundle | damaged | newer | limits | content | references
        self.kind = kind


@dataclass
class Payload:
    """A verified bundle: its manifest and its entries."""

    manifest: dict[str, Any]
    entries: list[Entry]
    markers: list[Marker]
    file_sha256: str = ""
    members: dict[str, bytes] = field(default_factory=dict)

    @property
    def bundle_id(self) -> str:
        return self.manifest["bundle_id"]

    @property
    def source(self) -> dict[str, Any]:
        return self.manifest["source"]


# ---------------------------------------------------------------------------------------------- writing


def _member(lines: Iterator[str]) -> tuple[bytes, int]:
    buf = io.StringIO()
    count = 0
    for line in lines:
        buf.write(line)
        buf.write("\n")
        count += 1
    return buf.getvalue().encode("utf-8"), count


def build_zip(manifest: dict[str, Any], entries: list[Entry], markers: list[Marker]) -> bytes:
    """The plaintext ZIP of a bundle; fills in the manifest's counts and member hashes."""
    changes, n_changes = _member(e.to_line() for e in entries)
    erasures, n_markers = _member(m.to_line() for m in markers)
    manifest = dict(manifest)
    manifest["counts"] = {**manifest.get("counts", {}), "changes": n_changes, "erasures": n_markers}
    manifest["members"] = {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "lines": lines}
        for name, data, lines in ((CHANGES, changes, n_changes), (ERASURES, erasures, n_markers))
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
        zf.writestr(CHANGES, changes)
        zf.writestr(ERASURES, erasures)
    return out.getvalue()


def encrypt(plain: bytes, passphrase: str) -> bytes:
    """age v1 with a scrypt recipient for the team passphrase."""
    if not passphrase:
        raise BundleRejected(_("Enter the team passphrase."), "passphrase")
    return pyrage.passphrase.encrypt(plain, passphrase)


# ---------------------------------------------------------------------------------------------- reading


def _age_header_ok(data: bytes) -> None:
    """Only one scrypt stanza with a work factor we accept; anything else is not one of our bundles."""
    if not data.startswith(AGE_MAGIC):
        raise BundleRejected(_("This file is not a Begleiter bundle."), "not_bundle")
    header = data[len(AGE_MAGIC) : len(AGE_MAGIC) + 512].split(b"\n")
    stanza = header[0].split(b" ") if header else []
    if len(stanza) != 4 or stanza[:2] != [b"->", b"scrypt"]:
        raise BundleRejected(_("This file is not encrypted with a team passphrase."), "not_bundle")
    try:
        work = int(stanza[3])
    except ValueError:
        raise BundleRejected(_("The bundle is damaged or was altered."), "damaged") from None
    if not 1 <= work <= MAX_WORK_FACTOR or not stanza[3].isdigit():
        raise BundleRejected(_("The bundle asks for too much work to open; it is refused."), "limits")


def decrypt(data: bytes, passphrase: str) -> bytes:
    if len(data) > MAX_FILE:
        raise BundleRejected(_("The bundle is larger than 256 MB; it is refused."), "limits")
    _age_header_ok(data)
    try:
        return pyrage.passphrase.decrypt(data, passphrase)
    except pyrage.DecryptError as exc:
        if str(exc) == "Decryption failed":  # no stanza opened: the passphrase (or the wrapped key) differs
            raise BundleRejected(
                _("The team passphrase does not open this bundle (or the bundle was altered)."), "passphrase"
            ) from None
        raise BundleRejected(_("The bundle is damaged or was altered."), "damaged") from None
    except Exception:  # pyrage raises other errors for malformed headers
        raise BundleRejected(_("The bundle is damaged or was altered."), "damaged") from None


def _entry_count(plain: bytes) -> int:
    """Entries in the ZIP's central directory, from its end record (read before zipfile parses anything).

    zipfile walks the directory by the size the end record gives (not by its count) and takes count, size
    and place from a ZIP64 record when one stands before the end record: a directory larger than ours
    ever is, or any ZIP64 record, counts as more entries than allowed."""
    tail = plain[-(22 + 65535) :]
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise BundleRejected(_("The bundle is damaged or was altered."), "damaged")
    disk_entries, total, directory = struct.unpack("<HHL", tail[at + 8 : at + 16])
    locator = len(plain) - len(tail) + at - 20
    zip64 = locator >= 0 and plain[locator : locator + 4] == b"PK\x06\x07"
    if disk_entries == 0xFFFF or total == 0xFFFF or zip64 or directory > MAX_DIRECTORY:  # more than we write
        return MAX_ZIP_ENTRIES + 1
    return max(disk_entries, total)


def _lines(zf: zipfile.ZipFile, info: zipfile.ZipInfo, digest: Any) -> Iterator[bytes]:
    """The member's lines, inflated in counted chunks: its size and ratio are checked as bytes arrive."""
    inflated = 0
    rest = b""
    with zf.open(info) as fp:
        while True:
            chunk = fp.read(_CHUNK)
            if not chunk:
                break
            inflated += len(chunk)
            if inflated > MAX_MEMBER or inflated > MAX_RATIO * max(info.compress_size, 1024):
                raise BundleRejected(_("The bundle unpacks to far more than it holds; it is refused."), "limits")
            digest.update(chunk)
            parts = (rest + chunk).split(b"\n")
            rest = parts.pop()
            if len(rest) > MAX_LINE or max(map(len, parts), default=0) > MAX_LINE:
                raise BundleRejected(_("A line of the bundle is longer than allowed; it is refused."), "limits")
            yield from parts
    if rest:
        yield rest
    digest.inflated = inflated  # type: ignore[attr-defined]


class _Digest:
    def __init__(self) -> None:
        self.h = hashlib.sha256()
        self.inflated = 0

    def update(self, data: bytes) -> None:
        self.h.update(data)


def _manifest(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict[str, Any]:
    if info.file_size > MAX_MANIFEST:
        raise BundleRejected(_("The bundle's manifest is larger than allowed."), "limits")
    with zf.open(info) as fp:
        raw = fp.read(MAX_MANIFEST + 1)
    if len(raw) > MAX_MANIFEST:
        raise BundleRejected(_("The bundle's manifest is larger than allowed."), "limits")
    try:
        manifest = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested deeper than Python goes
        manifest = None
    if type(manifest) is not dict or manifest.get("format") != FORMAT:
        raise BundleRejected(_("This file is not a Begleiter bundle."), "not_bundle")
    return manifest


def _check_manifest(m: dict[str, Any]) -> None:
    try:  # JSON may hold lone surrogates ("\\ud800"): not text, and no database or file takes them
        json.dumps(m, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError):
        raise BundleRejected(_("The bundle's manifest is not valid."), "damaged") from None
    version = m.get("format_version")
    schema = m.get("schema_version")
    if type(version) is not int or type(schema) is not int or version < 1 or schema < 1:
        raise BundleRejected(_("The bundle's manifest is not valid."), "damaged")
    if version > FORMAT_VERSION or schema > migrations.TRAVELLING_SCHEMA:
        raise BundleRejected(
            _("This bundle was made by a newer version of Begleiter. Please update Begleiter to import it."), "newer"
        )
    source = m.get("source")
    ok = (
        is_uuid(m.get("bundle_id"))
        and type(m.get("created")) is str
        and len(m["created"]) <= 40
        and type(m.get("team", "")) is str
        and len(m.get("team", "")) <= 200
        and type(source) is dict
        and is_uuid(source.get("device"))
        and (source.get("volunteer") is None or is_uuid(source.get("volunteer")))
        and type(source.get("device_name", "")) is str
        and len(source.get("device_name", "")) <= 200
        and type(source.get("volunteer_name", "")) is str
        and len(source.get("volunteer_name", "")) <= 200
        and type(m.get("scope")) is dict
        and type(m.get("counts")) is dict
        and type(m.get("members")) is dict
        and _stamps_ok(m.get("knowledge"), lambda v: type(v) is int and v >= 0)
        and _stamps_ok(
            m.get("coverage", {}),
            lambda v: type(v) is list and len(v) == 2 and all(type(x) is int and x >= 0 for x in v) and v[0] <= v[1],
        )
    )
    if not ok:
        raise BundleRejected(_("The bundle's manifest is not valid."), "damaged")


def _stamps_ok(value: Any, valid: Any) -> bool:
    return type(value) is dict and len(value) <= MAX_PEERS and all(is_uuid(k) and valid(v) for k, v in value.items())


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a bundle is read or applied: its hundred thousand entries are
    tuples without cycles, and the collector's passes over them would cost a tenth of the import."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_zip(plain: bytes) -> Payload:
    """Verify and parse the plaintext ZIP of a bundle; BundleRejected when anything is not as written."""
    with gc_paused():
        return _read_zip(plain)


def _read_zip(plain: bytes) -> Payload:
    if _entry_count(plain) > MAX_ZIP_ENTRIES:
        raise BundleRejected(_("The bundle holds more files than allowed; it is refused."), "limits")
    try:
        zf = zipfile.ZipFile(io.BytesIO(plain))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        raise BundleRejected(_("The bundle is damaged or was altered."), "damaged") from None
    try:
        return _read(zf)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError):
        raise BundleRejected(_("The bundle is damaged or was altered."), "damaged") from None
    finally:
        zf.close()


def _read(zf: zipfile.ZipFile) -> Payload:
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if sorted(names) != sorted(MEMBERS):
        raise BundleRejected(_("The bundle holds files that do not belong in it; it is refused."), "content")
    by_name = {}
    for info in infos:
        is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
        if info.is_dir() or is_link or info.flag_bits & 0x1 or info.compress_type not in (0, 8):
            raise BundleRejected(_("The bundle holds files that do not belong in it; it is refused."), "content")
        by_name[info.filename] = info
    manifest = _manifest(zf, by_name[MANIFEST])
    _check_manifest(manifest)
    declared = manifest["members"]
    if set(declared) != {CHANGES, ERASURES}:
        raise BundleRejected(_("The bundle's manifest is not valid."), "damaged")
    entries = _parse(zf, by_name[CHANGES], declared[CHANGES], parse_entry, MAX_CHANGES)
    markers = _parse(zf, by_name[ERASURES], declared[ERASURES], parse_marker, MAX_MARKERS)
    counts = manifest["counts"]
    if counts.get("changes") != len(entries) or counts.get("erasures") != len(markers):
        raise BundleRejected(_("The bundle's manifest does not match its contents; it is refused."), "damaged")
    return Payload(manifest, entries, markers)  # type: ignore[arg-type]


def _parse(zf: zipfile.ZipFile, info: zipfile.ZipInfo, declared: Any, parse: Any, limit: int) -> list[Any]:
    if type(declared) is not dict or type(declared.get("lines")) is not int or declared["lines"] > limit:
        raise BundleRejected(_("The bundle's manifest is not valid."), "damaged")
    digest = _Digest()
    out = []
    for number, line in enumerate(_lines(zf, info, digest), start=1):
        if len(out) >= limit:
            raise BundleRejected(_("The bundle holds more changes than allowed; it is refused."), "limits")
        try:
            out.append(parse(line))
        except BadLine as exc:
            raise BundleRejected(
                _("Line {number} of {member} is not valid: {problem}.").format(
                    number=number, member=info.filename, problem=exc
                ),
                "content",
            ) from None
    if (
        digest.h.hexdigest() != declared.get("sha256")
        or digest.inflated != declared.get("size")
        or len(out) != declared["lines"]
    ):
        raise BundleRejected(_("The bundle's manifest does not match its contents; it is refused."), "damaged")
    return out


def open_bundle(data: bytes, passphrase: str) -> Payload:
    """Decrypt and verify a whole bundle file's bytes."""
    payload = read_zip(decrypt(data, passphrase))
    payload.file_sha256 = hashlib.sha256(data).hexdigest()
    return payload
