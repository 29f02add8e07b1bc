"""``profile.json``: the plain description of a profile, read before it is unlocked.

It holds nothing personal: the file format, the key derivation (algorithm, iterations, salt), a **key
check**, the **wrapped database key**, the UI language and, when the database failed a check, that it is
damaged.

Format 2 (this version): the database key is 32 random bytes, stored only wrapped (desktop.core.keys.wrap):
under the passphrase (``key_wraps.passphrase``) and, once a recovery sheet was made, under the recovery
key (``key_wraps.recovery``). Older database keys (a profile converted from format 1) are kept wrapped
under the current one (``retired_keys``) so that backups made before the conversion still open. A copy of
the key settings is kept in the backups folder (``keys.json``): without them the database cannot be opened.
Format 1 (older profiles): the database key was derived from the passphrase itself; such a profile is
converted on its next unlock (the database is copied under a new random key, see db.convert_profile).

The key check is HMAC-SHA256 of a fixed label under the derived database key. It tells a wrong passphrase
from a damaged database without reading a single page of the database: a wrong passphrase fails the check
and nothing is opened; a right one passes it, so a database that then does not open is damaged, never
"a wrong passphrase". It gives an attacker nothing the database file does not: testing a guess against it
costs the same PBKDF2 derivation as testing it against the first page.

Profiles made before the key check have none; it is written the first time such a profile is unlocked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop import paths
from desktop.core import input_files
from desktop.core.atomic import atomic_write_text
from desktop.core.errors import UserError
from desktop.core.keys.wrap import SALT_BYTES as WRAP_SALT_BYTES
from desktop.core.keys.wrap import WRAPPED_BYTES, Wrapped
from desktop.i18n import _

log = logging.getLogger(__name__)

FORMAT = 2
#: Profiles whose database key is derived from the passphrase (converted on their next unlock).
FORMAT_DERIVED_KEY = 1
KDF = "pbkdf2-hmac-sha512"
#: SQLCipher 4's default and our floor for real profiles.
DEFAULT_KDF_ITERATIONS = 256_000
#: Above this a derivation takes minutes on an old laptop: not a value the app writes.
MAX_KDF_ITERATIONS = 10_000_000
#: Tests (and the benchmarks' test profiles) set this to allow a cheaper key derivation; the app never does.
ENV_WEAK_KDF = "BEGLEITER_TEST_WEAK_KDF"
SALT_BYTES = 16
#: profile.json is a few hundred bytes; far more is not the app's file.
MAX_META_BYTES = 64 * 1024
_CHECK_LABEL = b"Begleiter profile key check v1"
_CHECK_BYTES = 32


class ProfileSettingsBroken(UserError):
    """profile.json is not what Begleiter wrote; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class KeySettings:
    """How the database key is obtained and checked; ``salt``/``check`` are None in an older profile.

    ``wraps`` (format 2): the database key wrapped per secret ("passphrase", "recovery"); empty in a
    format-1 profile, whose key is derived from the passphrase. ``pending``: a conversion to a new key
    that was cut short (its key check, wraps and retired keys), settled at the next unlock.
    """

    iterations: int
    salt: bytes | None
    check: bytes | None
    fmt: int = FORMAT
    wraps: dict[str, Wrapped] = field(default_factory=dict)
    retired: tuple[tuple[bytes, bytes], ...] = ()  # (key check, key wrapped under the current key)
    pending: KeySettings | None = None
    recovery_made: str | None = None


def weak_kdf_allowed() -> bool:
    return os.environ.get(ENV_WEAK_KDF) == "1"


def read(profile: Path) -> dict[str, Any]:
    """profile.json as written, {} when it is missing or unreadable (for what may fall back to defaults,
    such as the UI language; the key settings are read strictly by :func:`key_settings`)."""
    try:
        return _load(profile)
    except ProfileSettingsBroken:
        log.warning("profile.json unreadable; using defaults")
        return {}


def _load(profile: Path) -> dict[str, Any]:
    meta_path = paths.profile_meta_path(profile)
    if not meta_path.exists() and not meta_path.is_symlink():
        return {}
    try:
        raw = input_files.read_input(meta_path, MAX_META_BYTES)
    except input_files.InputRefused as exc:  # a folder, a pipe, far larger than the app writes it
        raise _broken(profile, _("it cannot be read")) from exc
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _broken(profile, _("it is not valid JSON")) from exc
    if not isinstance(value, dict):
        raise _broken(profile, _("it does not hold the profile's settings"))
    return value


def write(profile: Path, **changes: Any) -> None:
    """Update profile.json atomically; a value of None removes the key."""
    meta = read(profile)
    meta.update(changes)
    meta = {k: v for k, v in meta.items() if v is not None}
    atomic_write_text(paths.profile_meta_path(profile), json.dumps(meta, indent=2, sort_keys=True))


def _broken(profile: Path, what: str) -> ProfileSettingsBroken:
    return ProfileSettingsBroken(
        _(
            "The profile's settings file {file} is damaged: {what}. Nothing was opened or changed. Put back a "
            "copy of the file, or remove it: Begleiter then unlocks with its standard settings."
        ).format(file=str(paths.profile_meta_path(profile)), what=what)
    )


def _hex_bytes(meta: dict[str, Any], key: str, size: int, profile: Path) -> bytes | None:
    value = meta.get(key)
    if value is None:
        return None
    data = _hex_of(value, size)
    if data is None:
        raise _bad(profile, key)
    return data


def key_settings(profile: Path) -> KeySettings:
    """The key derivation and check of ``profile``, validated; ProfileSettingsBroken for anything the
    app did not write (a list, a string or null for the iterations, 10^9 iterations …)."""
    meta = _load(profile)
    fmt = meta.get("format", FORMAT_DERIVED_KEY)  # profile.json removed or written before the format
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
        raise _bad(profile, "format")
    if fmt > FORMAT:
        raise ProfileSettingsBroken(_("This profile was written by a newer version of Begleiter. Please update."))
    if meta.get("kdf", KDF) != KDF:
        raise _bad(profile, "kdf")
    iterations = meta.get("kdf_iterations", DEFAULT_KDF_ITERATIONS)
    if not isinstance(iterations, int) or isinstance(iterations, bool) or iterations < 1:
        raise _bad(profile, "kdf_iterations")
    if iterations > MAX_KDF_ITERATIONS:
        raise _broken(
            profile,
            _("its key derivation asks for {count} rounds, more than {most}").format(
                count=iterations, most=MAX_KDF_ITERATIONS
            ),
        )
    if iterations < DEFAULT_KDF_ITERATIONS and not weak_kdf_allowed():
        raise ProfileSettingsBroken(
            _(
                "This profile's key derivation ({count} rounds) is weaker than Begleiter's minimum of {least}: "
                "it is a test profile or its settings file was changed. It is not opened."
            ).format(count=iterations, least=DEFAULT_KDF_ITERATIONS)
        )
    salt = _hex_bytes(meta, "kdf_salt", SALT_BYTES, profile)
    check = _hex_bytes(meta, "key_check", _CHECK_BYTES, profile)
    if fmt == FORMAT_DERIVED_KEY:
        return KeySettings(iterations=iterations, salt=salt, check=check, fmt=fmt, pending=_pending(meta, profile))
    if salt is None or check is None:
        raise _bad(profile, "key_check")
    wraps, recovery_made = _wraps(meta.get("key_wraps"), profile, "key_wraps")
    if "passphrase" not in wraps:
        raise _bad(profile, "key_wraps")
    return KeySettings(
        iterations=iterations,
        salt=salt,
        check=check,
        fmt=fmt,
        wraps=wraps,
        retired=_retired(meta.get("retired_keys", []), profile, "retired_keys"),
        recovery_made=recovery_made,
    )


def _bad(profile: Path, key: str) -> ProfileSettingsBroken:
    return _broken(profile, _("the value of {key} is not valid").format(key=key))


def _hex_of(value: Any, size: int) -> bytes | None:
    try:
        data = bytes.fromhex(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return data if data is not None and len(data) == size else None


def _wraps(value: Any, profile: Path, key: str) -> tuple[dict[str, Wrapped], str | None]:
    if not isinstance(value, dict) or not set(value) <= {"passphrase", "recovery"}:
        raise _bad(profile, key)
    out = {}
    made = None
    for name, entry in value.items():
        if not isinstance(entry, dict):
            raise _bad(profile, key)
        salt = _hex_of(entry.get("salt"), WRAP_SALT_BYTES)
        wrapped = _hex_of(entry.get("wrapped"), WRAPPED_BYTES)
        if salt is None or wrapped is None:
            raise _bad(profile, key)
        out[name] = Wrapped(salt, wrapped)
        if name == "recovery":
            made = entry.get("made") if isinstance(entry.get("made"), str) else None
    return out, made


def _retired(value: Any, profile: Path, key: str) -> tuple[tuple[bytes, bytes], ...]:
    if not isinstance(value, list) or len(value) > 100:
        raise _bad(profile, key)
    out = []
    for entry in value:
        check = _hex_of(entry.get("check"), _CHECK_BYTES) if isinstance(entry, dict) else None
        wrapped = _hex_of(entry.get("wrapped"), WRAPPED_BYTES) if isinstance(entry, dict) else None
        if check is None or wrapped is None:
            raise _bad(profile, key)
        out.append((check, wrapped))
    return tuple(out)


def _pending(meta: dict[str, Any], profile: Path) -> KeySettings | None:
    value = meta.get("key_pending")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad(profile, "key_pending")
    check = _hex_of(value.get("key_check"), _CHECK_BYTES)
    if check is None:
        raise _bad(profile, "key_pending")
    wraps, _made = _wraps(value.get("key_wraps"), profile, "key_pending")
    if "passphrase" not in wraps:
        raise _bad(profile, "key_pending")
    return KeySettings(
        iterations=meta.get("kdf_iterations", DEFAULT_KDF_ITERATIONS),
        salt=None,
        check=check,
        wraps=wraps,
        retired=_retired(value.get("retired_keys", []), profile, "key_pending"),
    )


def key_check(key: bytes) -> bytes:
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).digest()


def key_matches(key: bytes, check: bytes) -> bool:
    return hmac.compare_digest(key_check(key), check)


def record_key(profile: Path, iterations: int, salt: bytes, key: bytes) -> None:
    """Write the key derivation and its check of a format-1 profile whose key check is missing."""
    write(
        profile,
        format=FORMAT_DERIVED_KEY,
        kdf=KDF,
        kdf_iterations=iterations,
        kdf_salt=salt.hex(),
        key_check=key_check(key).hex(),
    )


def _key_fields(
    key: bytes, wraps: dict[str, Wrapped], retired: tuple[tuple[bytes, bytes], ...], recovery_made: str | None
) -> dict[str, Any]:
    entries: dict[str, Any] = {name: w.as_json() for name, w in wraps.items()}
    if "recovery" in entries and recovery_made:
        entries["recovery"]["made"] = recovery_made
    return {
        "key_check": key_check(key).hex(),
        "key_wraps": entries,
        "retired_keys": [{"check": c.hex(), "wrapped": w.hex()} for c, w in retired],
    }


def record_wrapped_key(
    profile: Path,
    iterations: int,
    salt: bytes,
    key: bytes,
    wraps: dict[str, Wrapped],
    retired: tuple[tuple[bytes, bytes], ...] = (),
    recovery_made: str | None = None,
) -> None:
    """Write a format-2 profile's key settings in one atomic replacement of profile.json (a passphrase
    change, a new recovery key: the file holds the old settings or the new ones, never a mix), and the
    copy in the backups folder."""
    write(
        profile,
        format=FORMAT,
        kdf=KDF,
        kdf_iterations=iterations,
        kdf_salt=salt.hex(),
        key_pending=None,
        **_key_fields(key, wraps, retired, recovery_made),
    )
    mirror_keys(profile)


def record_pending(
    profile: Path, key: bytes, wraps: dict[str, Wrapped], retired: tuple[tuple[bytes, bytes], ...]
) -> None:
    """Announce a conversion to ``key`` before the database is swapped (see db.convert_profile)."""
    write(profile, key_pending=_key_fields(key, wraps, retired, None))


def drop_pending(profile: Path) -> None:
    write(profile, key_pending=None)


#: The key settings copied beside the backups: profile.json is needed to open the database.
KEY_FIELDS = ("format", "kdf", "kdf_iterations", "kdf_salt", "key_check", "key_wraps", "retired_keys")


def keys_copy_path(profile: Path) -> Path:
    return paths.backups_dir(profile) / "keys.json"


def mirror_keys(profile: Path) -> None:
    """Copy the key settings to backups/keys.json (nothing personal: wrapped keys and their check)."""
    meta = read(profile)
    copy = {k: meta[k] for k in KEY_FIELDS if k in meta}
    target = keys_copy_path(profile)
    if target.parent.is_dir():
        atomic_write_text(target, json.dumps(copy, indent=2, sort_keys=True))


def restore_keys_from_copy(profile: Path) -> bool:
    """profile.json is missing or holds no key settings at all, and the copy in the backups folder has
    them: put them back. (A profile.json that is not what the app wrote is left alone: its message says
    what to do.)"""
    try:
        current = _load(profile)
    except ProfileSettingsBroken:
        return False
    if any(k in current for k in KEY_FIELDS):
        return False
    source = keys_copy_path(profile)
    if not source.is_file():
        return False
    try:
        copy = json.loads(input_files.read_input(source, MAX_META_BYTES).decode("utf-8"))
    except (input_files.InputRefused, UnicodeDecodeError, ValueError):
        return False
    if not isinstance(copy, dict) or copy.get("key_wraps") is None:
        return False
    write(profile, **{k: copy[k] for k in KEY_FIELDS if k in copy})
    log.warning("profile.json had no key settings; they were taken from the copy in the backups folder")
    return True


# --- damage ---------------------------------------------------------------------------------------------

#: Why a database counts as damaged (codes kept in profile.json; the texts are in db.damage_text()).
DAMAGE_REASONS = ("page", "structure", "truncated", "unreadable")


def damage(profile: Path) -> str | None:
    """The recorded reason the database is damaged, or None."""
    entry = read(profile).get("damaged")
    if isinstance(entry, dict):
        reason = entry.get("reason")
        return reason if reason in DAMAGE_REASONS else "unreadable"
    return None if entry is None else "unreadable"


def mark_damaged(profile: Path, reason: str) -> None:
    """Remember that the database failed a check: no program writes to it until it is restored or passes
    a full check again."""
    if damage(profile) == reason:
        return
    log.error("the profile database failed a check (%s); it is not written to any more", reason)
    write(profile, damaged={"reason": reason, "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})


def clear_damage(profile: Path) -> None:
    if damage(profile) is not None:
        write(profile, damaged=None)


# --- events for the audit log that happen while the database is closed --------------------------------

#: Events counted here until the next unlock writes them into the audit log (a count and a time only).
PENDING_EVENTS = ("failed_unlocks", "restores")


def count_event(profile: Path, key: str) -> None:
    """Count an event that happened while the database could not be written (a wrong passphrase, a
    restored backup): how many, and when the first of them happened; nothing personal."""
    entry = read(profile).get(key)
    count = entry.get("count") if isinstance(entry, dict) else None
    since = entry.get("since") if isinstance(entry, dict) else None
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        count = 0
    now = dt.datetime.now(dt.UTC)
    if not isinstance(since, str):
        since = now.isoformat(timespec="seconds")
    write(profile, **{key: {"count": count + 1, "since": since, "last": now.isoformat(timespec="milliseconds")}})


def event_count(profile: Path, key: str) -> tuple[int, dt.datetime | None]:
    """How often the event was counted and when last (the unlock delays read the wrong passphrases)."""
    entry = read(profile).get(key)
    if not isinstance(entry, dict):
        return 0, None
    count = entry.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        count = 0
    try:
        last = dt.datetime.fromisoformat(entry["last"]) if isinstance(entry.get("last"), str) else None
    except ValueError:
        last = None
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=dt.UTC)
    return count, last


def take_event(profile: Path, key: str) -> tuple[int, str | None]:
    """How often the event happened since it was last taken, and when first; the count starts again."""
    entry = read(profile).get(key)
    if entry is None:
        return 0, None
    write(profile, **{key: None})
    count = entry.get("count") if isinstance(entry, dict) else None
    since = entry.get("since") if isinstance(entry, dict) else None
    valid = isinstance(count, int) and not isinstance(count, bool) and count > 0
    return (count if valid else 1), (since if isinstance(since, str) else None)
