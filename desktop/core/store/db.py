"""Opening, creating and closing the encrypted profile database.

The key is derived once from the passphrase (PBKDF2-HMAC-SHA512, SQLCipher 4's algorithm, at least
256,000 iterations) and handed to SQLCipher as a raw key, so further connections (worker threads) do not
repeat the derivation. Only the derived key is kept, in memory; the passphrase is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import peewee as pw
from playhouse.sqlcipher_ext import SqlCipherDatabase
from sqlcipher3 import dbapi2 as sqlcipher

from desktop import paths
from desktop.core import ids, storage
from desktop.core.atomic import atomic_write_text
from desktop.core.errors import ProfileExists, ProfileMissing, WrongPassphrase
from desktop.core.search import index as search_index
from desktop.core.store import migrations
from desktop.core.store.hlc import HybridClock
from desktop.core.store.models import db as db_proxy
from desktop.i18n import _

log = logging.getLogger(__name__)

#: SQLCipher 4's default and our floor for real profiles.
DEFAULT_KDF_ITERATIONS = 256_000
KEY_BYTES = 32
SALT_BYTES = 16
PROFILE_FORMAT = 1

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


#: Page cache of an ordinary connection (KiB, as a negative cache_size).
CACHE_KIB = 65_536


@contextmanager
def bulk_cache(rows: int) -> Iterator[None]:
    """A larger page cache while one transaction writes many rows, so dirty pages are not spilled to
    the WAL and rewritten again and again; the cache shrinks back afterwards."""
    if rows < 5000:
        yield
        return
    db = current().db
    db.execute_sql(f"PRAGMA cache_size = -{min(1_048_576, max(CACHE_KIB, rows * 12))}")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA cache_size = -{CACHE_KIB}")


class ProfileDatabase(SqlCipherDatabase):
    """SQLCipher database keyed with a raw key; verifies the key before any pragma that could write."""

    def __init__(self, database: str, raw_key: bytes, salt: bytes, **kwargs: Any) -> None:
        self._raw_key_hex = (raw_key + salt).hex()
        self._key_material = (raw_key, salt)
        super().__init__(database, **kwargs)

    def sibling(self, database: str) -> ProfileDatabase:
        """Another database file under the same key (a backup of this one)."""
        return ProfileDatabase(database, *self._key_material)

    def _verify_key_read_only(self) -> None:
        """Check the key on a read-only, immutable view of the file, before anything can write.

        A read-write connection would replay and fold a WAL left by a crashed session into the
        database when it closes, even when the key turns out to be wrong.
        """
        path = Path(self.database)
        if not path.is_file() or path.stat().st_size == 0:
            return  # a new profile: there is nothing to protect yet
        uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
        probe = sqlcipher.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        try:
            probe.execute("PRAGMA cipher_log_level = NONE")
            probe.execute(f"PRAGMA key = \"x'{self._raw_key_hex}'\"")
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher.DatabaseError as exc:
            raise WrongPassphrase(_("The passphrase is not correct.")) from exc
        finally:
            probe.close()
        self._key_verified = True

    def _connect(self) -> Any:
        if not getattr(self, "_key_verified", False):
            self._verify_key_read_only()
        conn = sqlcipher.connect(self.database, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is reported by us, once
            conn.execute(f"PRAGMA key = \"x'{self._raw_key_hex}'\"")
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlcipher.DatabaseError as exc:
                raise WrongPassphrase(_("The passphrase is not correct.")) from exc
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA temp_store = MEMORY")  # no plaintext temp files
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
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
    meta_path = paths.profile_meta_path(profile)
    if not meta_path.is_file():
        return {}
    try:
        return dict(json.loads(meta_path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        log.warning("profile.json unreadable; using defaults")
        return {}


def write_profile_meta(profile: Path, **changes: Any) -> None:
    """Update the plain profile description (no personal data: format, key derivation, UI language)."""
    meta = read_profile_meta(profile)
    meta.update(changes)
    atomic_write_text(paths.profile_meta_path(profile), json.dumps(meta, indent=2, sort_keys=True))


def profile_exists(profile: Path) -> bool:
    return paths.database_path(profile).is_file()


def derive_key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    """PBKDF2-HMAC-SHA512 as SQLCipher 4 does it; the slow step of unlocking."""
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, iterations, KEY_BYTES)


def _read_salt(db_file: Path) -> bytes:
    with db_file.open("rb") as fp:
        salt = fp.read(SALT_BYTES)
    if len(salt) != SALT_BYTES:
        raise WrongPassphrase(_("The profile database is damaged or not a Begleiter profile."))
    return salt


def _bind(profile: Path, key: bytes, salt: bytes) -> Store:
    global _current
    database = ProfileDatabase(str(paths.database_path(profile)), key, salt)
    database.connect()
    # The database (new or made by an older version), its WAL and everything beside it: this user's only.
    storage.make_private(profile)
    try:
        migrations.migrate(database)
        search_index.flush_queue(database)  # records a migration queued for the search index
        if search_index.ensure_current(database):
            log.info("search index rebuilt for the current key rules and name table")
    except Exception:
        database.close()
        raise
    db_proxy.initialize(database)
    with database.atomic("IMMEDIATE"):
        row = database.execute_sql("SELECT value FROM setting WHERE key = 'device_id'").fetchone()
        if row:
            device_id = row[0]
        else:  # a new profile (or one whose first start was cut short): this laptop gets its id now
            device_id = ids.new_id()
            database.execute_sql("INSERT INTO setting (key, value) VALUES ('device_id', ?)", (device_id,))
    # The newest stamp, kept by the change-log writer in the same transaction as its changes (scanning
    # the change log for max(hlc) takes 0.6 s with 2.3 million entries); older profiles scan once.
    row = database.execute_sql("SELECT value FROM setting WHERE key = 'clock_high'").fetchone()
    last = int(row[0]) if row else database.execute_sql("SELECT max(hlc) FROM change").fetchone()[0] or 0
    store = Store(path=profile, db=database, device_id=device_id, clock=HybridClock(last))
    store.volunteer_id = store.get_setting("volunteer_id") or None
    _current = store
    return store


def create_profile(
    profile: Path,
    passphrase: str,
    *,
    language: str = "de",
    kdf_iterations: int = DEFAULT_KDF_ITERATIONS,
) -> Store:
    """Create a new encrypted profile in ``profile`` and open it.

    ``kdf_iterations`` below the default is for test profiles only; the app and CLI never pass it.
    """
    if profile_exists(profile):
        raise ProfileExists(_("A profile already exists in {folder}.").format(folder=str(profile)))
    if not passphrase:
        raise WrongPassphrase(_("The passphrase must not be empty."))
    storage.check_profile_location(profile)
    profile.mkdir(parents=True, exist_ok=True, mode=0o700)
    profile.chmod(0o700)  # also when the folder existed: the profile is for this user only
    for sub in (paths.logs_dir(profile), paths.backups_dir(profile), paths.cache_dir(profile)):
        sub.mkdir(exist_ok=True, mode=0o700)
    salt = secrets.token_bytes(SALT_BYTES)
    key = derive_key(passphrase, salt, kdf_iterations)
    write_profile_meta(
        profile,
        format=PROFILE_FORMAT,
        kdf="pbkdf2-hmac-sha512",
        kdf_iterations=kdf_iterations,
        language=language,
    )
    store = _bind(profile, key, salt)
    log.info("new profile created (schema %d)", migrations.LATEST)
    return store


def open_store(profile: Path, passphrase: str) -> Store:
    """Unlock an existing profile. A wrong passphrase raises WrongPassphrase and writes nothing."""
    db_file = paths.database_path(profile)
    if not db_file.is_file():
        raise ProfileMissing(_("There is no profile in {folder}.").format(folder=str(profile)))
    storage.check_profile_location(profile)
    meta = read_profile_meta(profile)
    iterations = int(meta.get("kdf_iterations", DEFAULT_KDF_ITERATIONS))
    salt = _read_salt(db_file)
    key = derive_key(passphrase, salt, iterations)
    return open_with_key(profile, key, salt)


def passphrase_matches(passphrase: str) -> bool:
    """Whether ``passphrase`` is the open profile's (for the screen lock; nothing is opened or written)."""
    store = current()
    key, salt = store.db._key_material
    iterations = int(read_profile_meta(store.path).get("kdf_iterations", DEFAULT_KDF_ITERATIONS))
    return hmac.compare_digest(derive_key(passphrase, salt, iterations), key)


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
