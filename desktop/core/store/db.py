"""Opening, creating and closing the encrypted profile database.

The database key is 32 random bytes, handed to SQLCipher as a raw key (further connections, worker
threads, do not repeat any derivation). It is stored only wrapped in profile.json: under the passphrase
and under the recovery key (PBKDF2-HMAC-SHA512 with at least 256,000 rounds, then AES key wrap; see
desktop.core.keys.wrap and meta). Only the unwrapped key is kept, in memory; the passphrase never.
Profiles from before (format 1) derived the key from the passphrase; they are converted on their next
unlock: the database is copied under a new random key (convert_profile), safe against a crash at any point.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import peewee as pw
from playhouse.sqlcipher_ext import SqlCipherDatabase
from sqlcipher3 import dbapi2 as sqlcipher

from desktop import paths
from desktop.core import atomic, ids, storage
from desktop.core.errors import ProfileBusy, ProfileDamaged, ProfileExists, ProfileMissing, WrongPassphrase
from desktop.core.keys import recovery, wrap
from desktop.core.search import index as search_index
from desktop.core.store import meta, migrations
from desktop.core.store.hlc import HybridClock
from desktop.core.store.models import db as db_proxy
from desktop.i18n import _

log = logging.getLogger(__name__)

#: SQLCipher 4's default and our floor for real profiles.
DEFAULT_KDF_ITERATIONS = meta.DEFAULT_KDF_ITERATIONS
KEY_BYTES = 32
SALT_BYTES = meta.SALT_BYTES

_guard = threading.local()


def changelog_open() -> bool:
    return getattr(_guard, "changelog", 0) > 0


def erasure_open() -> bool:
    return getattr(_guard, "erasure", 0) > 0


@contextmanager
def guard_open(kind: str = "changelog") -> Iterator[None]:
    """Let this thread write travelling tables (only the change-log writer and sync use this)."""
    setattr(_guard, kind, getattr(_guard, kind, 0) + 1)
    try:
        yield
    finally:
        setattr(_guard, kind, getattr(_guard, kind) - 1)


#: From this many rows a write of one type is a bulk write (a larger cache, insert triggers lifted).
BULK_ROWS = 5000
#: Page cache of an ordinary connection (KiB, as a negative cache_size): the GUI thread's, which pages
#: through the lists.
CACHE_KIB = 65_536
#: Page cache of a background thread's connection (Today read early, counts, look-ups, exports): they read
#: once and close; a full-size cache each would hold another 64 MB while they run (a bulk write still
#: widens its own cache).
BACKGROUND_CACHE_KIB = 8_192


def _cache_kib() -> int:
    return CACHE_KIB if threading.current_thread() is threading.main_thread() else BACKGROUND_CACHE_KIB


@contextmanager
def bulk_cache(rows: int) -> Iterator[None]:
    """A larger page cache while one transaction writes many rows, so dirty pages are not spilled to
    the WAL and rewritten again and again; the cache shrinks back afterwards."""
    if rows < BULK_ROWS:
        yield
        return
    db = current().db
    db.execute_sql(f"PRAGMA cache_size = -{min(1_048_576, max(CACHE_KIB, rows * 12))}")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA cache_size = -{_cache_kib()}")


#: Triggers with nothing to do inside the change-log writer's bulk write: the guards (they let the writer
#: through) and the search queue's (the bulk write indexes its rows itself).
_INERT_IN_BULK = ("WHEN NOT bg_changelog_open()", "WHEN bg_search_queue_open()")
_ON_INSERT = re.compile(r"\b(?:BEFORE|AFTER)\s+INSERT\s+ON\b", re.IGNORECASE)


@contextmanager
def insert_triggers_lifted(tables: Sequence[str], rows: int) -> Iterator[None]:
    """Inside the writer's transaction and bulk write of many rows: lift the insert triggers of ``tables``
    that would only call back into Python to find the writer open (a guard) or the queue closed (search),
    and put them back, the same SQL, before the transaction ends.

    Each such trigger costs a call from SQLite into Python per row (a third of the time of writing a
    change entry). The guarantees stay: the transaction holds the write lock, so no other connection
    writes while they are lifted; the dropping is part of the transaction, so a failure or a kill part-way
    rolls it back with the rows; and they are back before it commits. Where the schema cannot change now
    (a statement of this connection is still reading), the triggers simply stay."""
    if rows < BULK_ROWS:
        yield
        return
    if not (changelog_open() and not search_index.queue_open()):
        raise RuntimeError("insert triggers are lifted only inside the change-log writer's bulk write")
    db = current().db
    marks = ", ".join("?" for _ in tables)
    lifted = [
        (name, sql)
        for name, sql in db.execute_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks}) ORDER BY rowid",
            tuple(tables),
        ).fetchall()
        if _ON_INSERT.search(sql) and any(inert in sql for inert in _INERT_IN_BULK)
    ]
    dropped: list[str] = []
    try:
        for name, sql in lifted:
            db.execute_sql(f'DROP TRIGGER "{name}"')
            dropped.append(sql)
    except sqlcipher.OperationalError:  # "database table is locked": a reader of this connection is open
        pass
    try:
        yield
    finally:
        for sql in dropped:
            db.execute_sql(sql)


#: How long a writer waits for another program's write transaction (an import, begleiter-cli) before it
#: gives up with a message: as long as a user would wait, not SQLite's few seconds.
WRITE_WAIT_SECONDS = 60.0
#: SQLite's own wait per attempt to take the write lock; after the first one the wait is announced.
BUSY_STEP_MS = 2000

_wait_notice: Callable[[bool], None] | None = None


def set_wait_notice(callback: Callable[[bool], None] | None) -> None:
    """``callback(True)`` when a write starts waiting for another program, ``callback(False)`` when the
    wait is over (the CLI prints a line, the GUI shows a wait cursor and a status message)."""
    global _wait_notice
    _wait_notice = callback


def _notify_wait(waiting: bool) -> None:
    if _wait_notice is not None:
        try:
            _wait_notice(waiting)
        except Exception:  # a notice must never fail the write it announces
            log.exception("wait notice failed")


def is_busy(exc: BaseException) -> bool:
    text = str(exc)
    return "database is locked" in text or "database is busy" in text


def is_damage(exc: BaseException) -> bool:
    """SQLITE_NOTADB (SQLCipher's answer to a page whose MAC fails, once the key is known to be right)
    or SQLITE_CORRUPT."""
    text = str(exc)
    return "file is not a database" in text or "malformed" in text or "database corrupt" in text


def damage_reason(exc: BaseException) -> str:
    """A failed page MAC (SQLCipher's SQLITE_NOTADB) or a broken structure (anything else)."""
    return "page" if "not a database" in str(exc) else "structure"


def damage_text(reason: str) -> str:
    """What is wrong with a damaged database, in the user's language."""
    texts = {
        "page": _("a part of the file fails its authentication check"),
        "structure": _("its inner structure is broken"),
        "truncated": _("the file is shorter than its content"),
    }
    return texts.get(reason, _("it cannot be read"))


def damaged_error(reason: str, key_material: tuple[bytes, bytes] | None = None) -> ProfileDamaged:
    return ProfileDamaged(
        _("The profile database is damaged: {what}. Begleiter does not write to it.").format(what=damage_text(reason)),
        reason,
        key_material,
    )


class ProfileDatabase(SqlCipherDatabase):
    """SQLCipher database keyed with a raw key that has been checked before (meta.key_check).

    A file that then does not read is damaged: it is recorded in profile.json (``profile`` given) and no
    further transaction is begun on it. A write that finds another program's write lock waits for it.
    """

    def __init__(self, database: str, raw_key: bytes, salt: bytes, *, profile: Path | None = None, **kwargs: Any):
        self._raw_key_hex = (raw_key + salt).hex()
        self._key_material = (raw_key, salt)
        self.profile = profile
        self.damaged: str | None = None
        super().__init__(database, **kwargs)

    def sibling(self, database: str) -> ProfileDatabase:
        """Another database file under the same key (a backup of this one)."""
        return ProfileDatabase(database, *self._key_material)

    def found_damage(self, reason: str) -> ProfileDamaged:
        """Record that the file failed (no more writes, remembered for every program); returns the error."""
        self.damaged = reason
        if self.profile is not None:
            meta.mark_damaged(self.profile, reason)
        return damaged_error(reason, self._key_material)

    def _connect(self) -> Any:
        conn = sqlcipher.connect(self.database, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")  # failures are reported by us, once
            conn.execute(f"PRAGMA key = \"x'{self._raw_key_hex}'\"")
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlcipher.DatabaseError as exc:
                raise self.found_damage(damage_reason(exc)) from exc
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute(f"PRAGMA busy_timeout = {BUSY_STEP_MS}")
            conn.execute("PRAGMA temp_store = MEMORY")  # no plaintext temp files
            # Deleted content is overwritten with zeros, not left in free space (SQLCipher's default, said
            # here so that no build leaves it off: erasure relies on it).
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute(f"PRAGMA cache_size = -{_cache_kib()}")
            conn.create_function("bg_changelog_open", 0, lambda: int(changelog_open()))
            conn.create_function("bg_erasure_open", 0, lambda: int(erasure_open()))
            for name, (n_args, function) in search_index.SQL_FUNCTIONS.items():
                conn.create_function(name, n_args, function, deterministic=True)
            conn.create_function("bg_search_queue_open", 0, search_index.queue_open)
            self._add_conn_hooks(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def begin(self, lock_type: str | None = None) -> None:
        """Begin a transaction; never on a damaged file. A write transaction that finds another program
        writing waits up to WRITE_WAIT_SECONDS (announced), then fails with ProfileBusy."""
        if self.damaged:
            raise damaged_error(self.damaged, self._key_material)
        deadline: float | None = None
        try:
            while True:
                try:
                    super().begin(lock_type)
                    return
                except pw.OperationalError as exc:
                    if not is_busy(exc):
                        raise
                    now = time.monotonic()
                    if deadline is None:
                        deadline = now + WRITE_WAIT_SECONDS
                        _notify_wait(True)
                    if now >= deadline:
                        raise ProfileBusy(
                            _(
                                "Another program has been writing to the profile for more than {seconds} seconds "
                                "(an import or begleiter-cli). Nothing was changed: try again when it has finished."
                            ).format(seconds=int(WRITE_WAIT_SECONDS))
                        ) from exc
        finally:
            if deadline is not None:
                _notify_wait(False)

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        try:
            return super().execute_sql(sql, params)
        except pw.DatabaseError as exc:
            if is_damage(exc):
                raise self.found_damage(damage_reason(exc)) from exc
            raise


@dataclass
class Store:
    """The open profile: its folder, database, this device's id and clock, and the volunteer at work."""

    path: Path
    db: ProfileDatabase
    device_id: str
    clock: HybridClock
    volunteer_id: str | None = None
    settings: dict[str, str] = field(default_factory=dict)

    def get_setting(self, key: str, default: str = "") -> str:
        row = self.db.execute_sql("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        self.db.execute_sql(
            "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


_current: Store | None = None


def current() -> Store:
    """The open store; raises when no profile is open."""
    if _current is None:
        raise RuntimeError("no profile is open")
    return _current


def is_open() -> bool:
    return _current is not None


def read_profile_meta(profile: Path) -> dict[str, Any]:
    """profile.json, leniently ({} when missing or not what the app wrote); see meta.key_settings()."""
    return meta.read(profile)


def write_profile_meta(profile: Path, **changes: Any) -> None:
    """Update the plain profile description (no personal data: format, key derivation, UI language)."""
    meta.write(profile, **changes)


def profile_exists(profile: Path) -> bool:
    return paths.database_path(profile).is_file()


def derive_key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    """PBKDF2-HMAC-SHA512 as SQLCipher 4 does it; the slow step of unlocking."""
    return wrap.kek(passphrase, salt, iterations)


def _read_salt(db_file: Path) -> bytes | None:
    """The salt SQLCipher keeps in the first bytes of the file (None when the file is shorter)."""
    with db_file.open("rb") as fp:
        salt = fp.read(SALT_BYTES)
    return salt if len(salt) == SALT_BYTES else None


def _bind(profile: Path, key: bytes, salt: bytes) -> Store:
    """Open the profile's database for work. Nothing here takes the write lock unless there is something
    to write (a migration, an index to rebuild, a first device id), so opening never waits for a writer."""
    global _current
    database = ProfileDatabase(str(paths.database_path(profile)), key, salt, profile=profile)
    database.connect()
    # The database (new or made by an older version), its WAL and everything beside it: this user's only.
    storage.make_private(profile)
    try:
        migrations.migrate(database)
        search_index.flush_queue(database)  # records a migration queued for the search index
        if search_index.ensure_current(database):
            log.info("search index rebuilt for the current key rules and name table")
        db_proxy.initialize(database)
        device_id = _device_id(database)
        # The newest stamp, kept by the change-log writer in the same transaction as its changes (scanning
        # the change log for max(hlc) takes 0.6 s with 2.3 million entries); older profiles scan once.
        row = database.execute_sql("SELECT value FROM setting WHERE key = 'clock_high'").fetchone()
        last = int(row[0]) if row else database.execute_sql("SELECT max(hlc) FROM change").fetchone()[0] or 0
    except BaseException:
        database.close()
        raise
    store = Store(path=profile, db=database, device_id=device_id, clock=HybridClock(last))
    store.volunteer_id = store.get_setting("volunteer_id") or None
    _current = store
    return store


def _device_id(database: ProfileDatabase) -> str:
    """This laptop's id; a new profile (or one whose first start was cut short) gets one now."""
    query = "SELECT value FROM setting WHERE key = 'device_id'"
    row = database.execute_sql(query).fetchone()
    if row:
        return str(row[0])
    with database.atomic("IMMEDIATE"):
        row = database.execute_sql(query).fetchone()  # another program may have given it meanwhile
        if row:
            return str(row[0])
        device_id = ids.new_id()
        database.execute_sql("INSERT INTO setting (key, value) VALUES ('device_id', ?)", (device_id,))
    return device_id


def create_profile(
    profile: Path,
    passphrase: str,
    *,
    language: str = "de",
    kdf_iterations: int = DEFAULT_KDF_ITERATIONS,
) -> Store:
    """Create a new encrypted profile in ``profile`` and open it.

    ``kdf_iterations`` below the default is for test profiles only (meta.ENV_WEAK_KDF); the app and CLI
    never pass it.
    """
    if profile_exists(profile):
        raise ProfileExists(_("A profile already exists in {folder}.").format(folder=str(profile)))
    if not passphrase:
        raise WrongPassphrase(_("The passphrase must not be empty."))
    if kdf_iterations < DEFAULT_KDF_ITERATIONS and not meta.weak_kdf_allowed():
        raise ValueError("a key derivation below the floor is for test profiles only")
    storage.check_profile_location(profile)
    profile.mkdir(parents=True, exist_ok=True, mode=0o700)
    profile.chmod(0o700)  # also when the folder existed: the profile is for this user only
    for sub in (paths.logs_dir(profile), paths.backups_dir(profile), paths.cache_dir(profile)):
        sub.mkdir(exist_ok=True, mode=0o700)
    salt = secrets.token_bytes(SALT_BYTES)
    key = wrap.new_key()
    meta.write(profile, language=language, damaged=None)
    meta.record_wrapped_key(
        profile, kdf_iterations, salt, key, {"passphrase": wrap.wrap(key, passphrase, kdf_iterations)}
    )
    store = _bind(profile, key, salt)
    log.info("new profile created (schema %d)", migrations.LATEST)
    return store


@contextmanager
def _read_only(db_file: Path, key: bytes, salt: bytes, *, honour_wal: bool = True) -> Iterator[Any]:
    """A read-only connection keyed with ``key``. ``honour_wal=False`` reads the main file alone
    (immutable: nothing beside it is touched); True reads through its WAL without folding it in."""
    mode = "ro" if honour_wal else "ro&immutable=1"
    conn = sqlcipher.connect(
        f"file:{quote(str(db_file.resolve()))}?mode={mode}", uri=True, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{(key + salt).hex()}'\"")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_STEP_MS}")
        yield conn
    finally:
        conn.close()


def _probe(db_file: Path, key: bytes, salt: bytes, *, honour_wal: bool) -> bool:
    """Whether ``key`` opens ``db_file``, read-only."""
    try:
        with _read_only(db_file, key, salt, honour_wal=honour_wal) as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher.Error:
        return False


def _verify_without_key_check(profile: Path, db_file: Path, key: bytes, salt: bytes) -> None:
    """A profile made before the key check: the database itself (read-only) says whether the key is
    right; when it does not open, a backup that opens under the same key shows that the passphrase was
    right and the database is damaged."""
    wal = db_file.with_name(db_file.name + "-wal")
    if _probe(db_file, key, salt, honour_wal=False):
        return
    if wal.exists() and _probe(db_file, key, salt, honour_wal=True):
        return  # the main file alone was caught in the middle of a checkpoint; with its WAL it is whole
    from desktop.core.store import backup  # backup imports this module

    for copy in reversed(backup.backups(profile)):
        if _probe(copy, key, salt, honour_wal=False):
            meta.mark_damaged(profile, "unreadable")
            raise damaged_error("unreadable", (key, salt))
    if not meta.read(profile):
        raise WrongPassphrase(
            _(
                "The passphrase is not correct, or the profile's settings file {file} is missing: it holds the "
                "key that the passphrase opens. Put back a copy of the file (it holds nothing personal)."
            ).format(file=str(paths.profile_meta_path(profile)))
        )
    raise WrongPassphrase(_("The passphrase is not correct."))


def _check_file(db_file: Path, key: bytes, salt: bytes) -> str | None:
    """A quick look at the database before anything can write to it, read-only and through its WAL:
    the schema reads, and the file is as long as its content. Returns the damage reason or None.

    (Every page's MAC and the whole structure are verified by the integrity check and by every backup –
    the GUI makes one a day: at 600 MB they take seconds, too long for every unlock.)"""
    try:
        with _read_only(db_file, key, salt) as conn:
            page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
            size = db_file.stat().st_size
            if size % page_size:
                return "truncated"
            page_count = int(conn.execute("PRAGMA page_count").fetchone()[0])  # reads the schema
            wal = db_file.with_name(db_file.name + "-wal")
            wal_frames = max(0, wal.stat().st_size - 32) // (24 + page_size) if wal.exists() else 0
            if size // page_size + wal_frames < page_count:
                return "truncated"
    except sqlcipher.Error as exc:
        return damage_reason(exc)
    return None


def unlock_key(profile: Path, passphrase: str) -> tuple[bytes, bytes]:
    """The database key and salt for ``passphrase``, checked against profile.json's key check without
    reading the database; WrongPassphrase when it is not the profile's. (A profile made before the key
    check is checked read-only against the database, or its backups: see _verify_without_key_check.)"""
    db_file = paths.database_path(profile)
    if not db_file.is_file():
        raise ProfileMissing(_("There is no profile in {folder}.").format(folder=str(profile)))
    storage.check_profile_location(profile)
    meta.restore_keys_from_copy(profile)
    settings = meta.key_settings(profile)
    if settings.pending is not None:
        settings = _settle_conversion(profile, db_file, passphrase, settings)
    if settings.wraps:
        return _unwrapped(profile, settings, "passphrase", passphrase), settings.salt  # type: ignore[return-value]
    salt = settings.salt or _read_salt(db_file)
    if salt is None:  # an older profile without its salt in profile.json, and a file cut before the salt
        raise damaged_error("truncated")
    key = derive_key(passphrase, salt, settings.iterations)
    if settings.check is not None:
        if not meta.key_matches(key, settings.check):
            raise WrongPassphrase(_("The passphrase is not correct."))
    else:
        _verify_without_key_check(profile, db_file, key, salt)
        meta.record_key(profile, settings.iterations, salt, key)
        log.info("key check added to an older profile")
    return key, salt


def _unwrapped(profile: Path, settings: meta.KeySettings, name: str, secret: str) -> bytes:
    """The database key unwrapped by one of its secrets; WrongPassphrase when it is not that secret."""
    try:
        key = wrap.unwrap(settings.wraps[name], secret, settings.iterations)
    except wrap.WrongSecret:
        raise WrongPassphrase(_("The passphrase is not correct.")) from None
    if settings.check is None or not meta.key_matches(key, settings.check):
        raise meta.ProfileSettingsBroken(
            _(
                "The profile's settings file {file} does not match its key. Nothing was opened or changed. "
                "Put back a copy of the file."
            ).format(file=str(paths.profile_meta_path(profile)))
        )
    return key


class RecoveryKeyRefused(WrongPassphrase):
    """The recovery key is mistyped, not this profile's, or the profile has none."""


class RecoveryKeyMistyped(RecoveryKeyRefused):
    """Not a recovery key as printed at all (a typing error caught by its form and check characters)."""


def recovery_key_material(profile: Path, typed: str) -> tuple[bytes, bytes]:
    """The database key and salt unwrapped by the recovery key (as typed from the sheet)."""
    db_file = paths.database_path(profile)
    if not db_file.is_file():
        raise ProfileMissing(_("There is no profile in {folder}.").format(folder=str(profile)))
    meta.restore_keys_from_copy(profile)
    settings = meta.key_settings(profile)
    try:
        text = recovery.normalise(typed)
    except recovery.RecoveryKeyTypo:
        raise RecoveryKeyMistyped(
            _(
                "This is not a recovery key as printed on the sheet: it has six groups of five letters and "
                "digits. Please check each group."
            )
        ) from None
    if "recovery" not in settings.wraps:
        raise RecoveryKeyRefused(_("This profile has no recovery key. Only its passphrase opens it."))
    try:
        key = _unwrapped(profile, settings, "recovery", text)
    except WrongPassphrase:
        raise RecoveryKeyRefused(
            _("This recovery key does not open this profile. A newer recovery sheet may have replaced it.")
        ) from None
    return key, settings.salt  # type: ignore[return-value]


def set_passphrase(profile: Path, key_material: tuple[bytes, bytes], passphrase: str) -> None:
    """Wrap the database key under a new passphrase, in one atomic replacement of profile.json: a crash
    leaves the old passphrase working or the new one, never neither. The recovery key stays valid."""
    key, salt = key_material
    settings = meta.key_settings(profile)
    if not settings.wraps or settings.check is None or not meta.key_matches(key, settings.check):
        raise ValueError("not this profile's key")
    wraps = dict(settings.wraps)
    wraps["passphrase"] = wrap.wrap(key, passphrase, settings.iterations)
    meta.record_wrapped_key(profile, settings.iterations, salt, key, wraps, settings.retired, settings.recovery_made)


def new_recovery_key(profile: Path, key_material: tuple[bytes, bytes], today: str, text: str | None = None) -> str:
    """A new recovery key for the profile (``text``, or a new one; returned in its printed form, shown
    once); the previous one stops opening it."""
    key, salt = key_material
    settings = meta.key_settings(profile)
    if not settings.wraps or settings.check is None or not meta.key_matches(key, settings.check):
        raise ValueError("not this profile's key")
    text = recovery.normalise(text) if text else recovery.new_recovery_key()
    wraps = dict(settings.wraps)
    wraps["recovery"] = wrap.wrap(key, text, settings.iterations)
    meta.record_wrapped_key(profile, settings.iterations, salt, key, wraps, settings.retired, today)
    return text


def key_materials(profile: Path, key_material: tuple[bytes, bytes]) -> list[tuple[bytes, bytes]]:
    """The current key and every older one kept under it (backups made before a conversion)."""
    key, salt = key_material
    out = [key_material]
    for check, wrapped in meta.key_settings(profile).retired:
        try:
            old = wrap.unwrap_with(wrapped, key)
        except wrap.WrongSecret:
            continue
        if meta.key_matches(old, check):
            out.append((old, salt))
    return out


# --- converting a format-1 profile to a random key -------------------------------------------------------


def _side_file(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + ".rekey")


def _remove_with_companions(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _settle_conversion(profile: Path, db_file: Path, passphrase: str, settings: meta.KeySettings) -> meta.KeySettings:
    """A conversion was cut short: finish it when the database is already under the new key, else
    forget it (the database is still under the old one). Needs the passphrase: the pending wrap is its."""
    pending = settings.pending
    assert pending is not None and settings.salt is not None
    try:
        new_key = wrap.unwrap(pending.wraps["passphrase"], passphrase, settings.iterations)
    except wrap.WrongSecret:
        raise WrongPassphrase(_("The passphrase is not correct.")) from None
    if (
        pending.check is not None
        and meta.key_matches(new_key, pending.check)
        and _probe(db_file, new_key, settings.salt, honour_wal=True)
    ):
        meta.record_wrapped_key(profile, settings.iterations, settings.salt, new_key, pending.wraps, pending.retired)
        log.info("profile key conversion completed after an interruption")
    else:
        meta.drop_pending(profile)
        log.info("an interrupted profile key conversion was undone")
    _remove_with_companions(_side_file(db_file))
    return meta.key_settings(profile)


def convert_profile(profile: Path, passphrase: str, old_key: bytes, salt: bytes) -> bytes:
    """Move a format-1 profile (key derived from the passphrase) to a random key wrapped by it.

    The database is copied under the new key beside the old (``begleiter.db.rekey``) and verified; the
    new key is announced in profile.json as pending; the copy replaces the file; profile.json makes the
    new key current. Killed at any step, the next unlock finds the old or the new key in force
    (_settle_conversion). The old key is kept wrapped under the new one for the backups made before.
    Returns the new key."""
    db_file = paths.database_path(profile)
    side = _side_file(db_file)
    _remove_with_companions(side)
    settings = meta.key_settings(profile)
    new_key = wrap.new_key()
    conn = sqlcipher.connect(str(db_file), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{(old_key + salt).hex()}'\"")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_STEP_MS}")
        # Out of WAL mode: this needs the only connection to the file, so no other program is writing.
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            raise ProfileBusy(_("Another program has the profile open. Close it and unlock again."))
        conn.execute("BEGIN IMMEDIATE")
        _export_into(conn, side, new_key, salt)
    finally:
        conn.close()
    _verify_copy(side, new_key, salt, db_file, old_key)
    with side.open("rb") as fp:
        os.fsync(fp.fileno())
    retired = ((meta.key_check(old_key), wrap.wrap_with(old_key, new_key)),)
    wraps = {"passphrase": wrap.wrap(new_key, passphrase, settings.iterations)}
    meta.record_pending(profile, new_key, wraps, retired)
    os.replace(side, db_file)
    atomic.fsync_folder(db_file.parent)
    for suffix in ("-wal", "-shm", "-journal"):
        db_file.with_name(db_file.name + suffix).unlink(missing_ok=True)
    meta.record_wrapped_key(profile, settings.iterations, salt, new_key, wraps, retired)
    log.info("profile converted to a random database key")
    return new_key


def _export_into(conn: Any, target: Path, key: bytes, salt: bytes) -> None:
    """Copy the database of ``conn`` (schema, rows, user_version) into a new file under another key; a
    transaction begun on ``conn`` is committed."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.execute(f"ATTACH DATABASE '{target}' AS rekeyed KEY \"x'{(key + salt).hex()}'\"")
    try:
        conn.execute("SELECT sqlcipher_export('rekeyed')")
        conn.execute(f"PRAGMA rekeyed.user_version = {int(version)}")
        if conn.in_transaction:
            conn.execute("COMMIT")
    finally:
        conn.execute("DETACH DATABASE rekeyed")


def key_for_file(profile: Path, path: Path, key_material: tuple[bytes, bytes]) -> tuple[bytes, bytes] | None:
    """Which of the profile's keys (the current one, or an older one kept under it) opens the database
    file ``path`` (a backup made before a conversion is under the older key); None when none does."""
    for material in key_materials(profile, key_material):
        if _probe(path, *material, honour_wal=False):
            return material
    return None


def copy_under_key(source: Path, old: tuple[bytes, bytes], target: Path, new: tuple[bytes, bytes]) -> None:
    """A copy of the database file ``source`` (opened read-only under ``old``) at ``target`` under ``new``."""
    conn = sqlcipher.connect(f"file:{quote(str(source.resolve()))}?mode=ro&immutable=1", uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{(old[0] + old[1]).hex()}'\"")
        _export_into(conn, target, *new)
    finally:
        conn.close()


def _verify_copy(side: Path, key: bytes, salt: bytes, original: Path, old_key: bytes) -> None:
    """The copy opens under the new key, passes SQLCipher's and SQLite's checks and holds as many
    change-log entries as the original."""
    with _read_only(side, key, salt, honour_wal=False) as conn:
        bad = conn.execute("PRAGMA cipher_integrity_check").fetchall()
        quick = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        copied = conn.execute("SELECT count(*) FROM change").fetchone()[0]
    with _read_only(original, old_key, salt, honour_wal=False) as conn:
        held = conn.execute("SELECT count(*) FROM change").fetchone()[0]
    if bad or quick != ["ok"] or copied != held:
        _remove_with_companions(side)
        raise RuntimeError("the profile's copy under its new key did not verify; nothing was changed")


def open_store(profile: Path, passphrase: str) -> Store:
    """Unlock an existing profile.

    A wrong passphrase raises WrongPassphrase and reads and writes nothing of the database (the key check
    in profile.json). With the right one, a database that fails its quick check raises ProfileDamaged,
    is recorded as damaged and is never written to; a WAL left by a crash is recovered by opening.
    """
    key, salt = unlock_key(profile, passphrase)
    _refuse_damaged(profile, key, salt)
    if meta.key_settings(profile).fmt == meta.FORMAT_DERIVED_KEY:
        key = convert_profile(profile, passphrase, key, salt)
    return open_with_key(profile, key, salt)


def open_with_recovery_key(profile: Path, typed: str, new_passphrase: str) -> Store:
    """Unlock with the recovery key and wrap the database key under a new passphrase (the old one no
    longer opens the profile; the recovery key still does)."""
    key, salt = recovery_key_material(profile, typed)
    _refuse_damaged(profile, key, salt)
    set_passphrase(profile, (key, salt), new_passphrase)
    return open_with_key(profile, key, salt)


def _refuse_damaged(profile: Path, key: bytes, salt: bytes) -> None:
    """ProfileDamaged (recorded) when the database failed a check before or fails the quick one now."""
    reason = meta.damage(profile)
    if reason is None:
        reason = _check_file(paths.database_path(profile), key, salt)
        if reason is not None:
            meta.mark_damaged(profile, reason)
    if reason is not None:
        raise damaged_error(reason, (key, salt))


def passphrase_matches(passphrase: str) -> bool:
    """Whether ``passphrase`` is the open profile's (for the screen lock; nothing is opened or written)."""
    store = current()
    key, salt = store.db._key_material
    settings = meta.key_settings(store.path)
    if "passphrase" not in settings.wraps:
        return hmac.compare_digest(derive_key(passphrase, salt, settings.iterations), key)
    try:
        return hmac.compare_digest(wrap.unwrap(settings.wraps["passphrase"], passphrase, settings.iterations), key)
    except wrap.WrongSecret:
        return False


def open_with_key(profile: Path, key: bytes, salt: bytes) -> Store:
    close_store()
    return _bind(profile, key, salt)


def close_store() -> None:
    global _current
    if _current is not None:
        try:
            _current.db.close()
        except pw.OperationalError:
            pass
        _current = None


def checkpoint() -> None:
    """Fold the WAL into the main file (called on exit so a copied profile is one consistent file)."""
    if _current is not None:
        _current.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
