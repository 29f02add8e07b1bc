"""Automatic verified backups of the profile database, still encrypted, rotated in backups/.

``VACUUM INTO`` writes a compact copy under the same key and salt (so the profile passphrase opens it);
the copy is checked (page MACs and structure) before it replaces anything, and only the newest
``KEEP`` backups are kept.

A backup is written as ``.begleiter-<stamp>.partial`` first. One cut short (the process killed, the
machine off) would stay behind as a full copy outside the rotation – with data deleted since – so every
backup first and last removes the partial files no other process is writing: writers hold a lock on the
backups folder (POSIX ``flock``; on Windows a file another process has open cannot be deleted anyway).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop import paths
from desktop.core.store import db as store_db
from desktop.core.store import meta

log = logging.getLogger(__name__)

KEEP = 7
PREFIX = "begleiter-"
SUFFIX = ".db"
PARTIAL_GLOB = f".{PREFIX}*.partial*"
#: SQLite's companions of a database file (a verification may leave them beside a backup).
COMPANIONS = ("-journal", "-wal", "-shm")
LOCK_TIMEOUT = 120.0


class BackupError(RuntimeError):
    """The backup could not be written or did not verify; the previous backups are untouched."""


def backups(profile: Path) -> list[Path]:
    """Existing backups, oldest first."""
    folder = paths.backups_dir(profile)
    return sorted(folder.glob(f"{PREFIX}*{SUFFIX}")) if folder.is_dir() else []


def verify(path: Path, key_material: tuple[bytes, bytes] | None = None) -> None:
    """Open a backup under the profile's key (the open profile's, or ``key_material``) and check every
    page's MAC and the structure."""
    if key_material is None:
        copy = store_db.current().db.sibling(str(path))
    else:
        copy = store_db.ProfileDatabase(str(path), *key_material)
    try:
        copy.connect()
        bad = copy.execute_sql("PRAGMA cipher_integrity_check").fetchall()
        quick = [r[0] for r in copy.execute_sql("PRAGMA quick_check").fetchall()]
    except Exception as exc:
        raise BackupError(f"backup does not open: {type(exc).__name__}") from exc
    finally:
        copy.close()
    if bad or quick != ["ok"]:
        raise BackupError("backup failed verification")


@contextmanager
def _writer_lock(folder: Path) -> Iterator[None]:
    """Only one backup at a time is written into ``folder`` (across processes: the GUI and the CLI)."""
    if os.name != "posix":
        yield
        return
    import fcntl

    fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise BackupError("another backup is being written") from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # releases the lock


def remove_partials(folder: Path) -> int:
    """Delete the remains of backups cut short (the caller holds the writer lock); returns how many."""
    removed = 0
    for stale in folder.glob(PARTIAL_GLOB):
        try:
            stale.unlink()
            removed += 1
        except FileNotFoundError:
            pass
        except OSError:  # Windows: another process still has it open
            log.warning("an unfinished backup could not be removed")
    return removed


def make_backup(now: dt.datetime | None = None) -> Path:
    """Write, verify and keep a new backup; returns its path."""
    store = store_db.current()
    folder = paths.backups_dir(store.path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{PREFIX}{stamp}{SUFFIX}"
    partial = folder / f".{PREFIX}{stamp}.partial"
    with _writer_lock(folder):
        if remove_partials(folder):
            log.info("removed the remains of an unfinished backup")
        try:
            store.db.execute_sql("VACUUM INTO ?", (str(partial),))
            if os.name == "posix":
                os.chmod(partial, 0o600)
            with partial.open("rb") as fp:
                os.fsync(fp.fileno())
            verify(partial)
            os.replace(partial, target)
        finally:
            remove_partials(folder)
        for old in backups(store.path)[:-KEEP]:
            for path in (old, *(old.with_name(old.name + c) for c in COMPANIONS)):
                path.unlink(missing_ok=True)
    log.info("backup written and verified")
    return target


def newest_good(profile: Path, key_material: tuple[bytes, bytes]) -> Path | None:
    """The newest backup that opens under the key and passes the full check (a damaged profile's way
    back), or None."""
    for candidate in reversed(backups(profile)):
        try:
            verify(candidate, key_material)
        except BackupError:
            log.warning("a backup did not verify")
            continue
        return candidate
    return None


def backup_time(path: Path) -> dt.datetime:
    """When a backup was written (from its name; its modification time for a name we did not give)."""
    try:
        return dt.datetime.strptime(path.stem[len(PREFIX) :], "%Y%m%d-%H%M%S")
    except ValueError:
        return dt.datetime.fromtimestamp(path.stat().st_mtime)


def restore(profile: Path, source: Path, key_material: tuple[bytes, bytes]) -> Path:
    """Put the verified backup ``source`` in place of the profile's database. The current database (with
    its WAL) is never overwritten or deleted: it is moved into ``damaged/<time>/`` in the profile first.
    Returns that folder. The profile must be closed."""
    verify(source, key_material)
    database = paths.database_path(profile)
    aside = profile / "damaged" / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside.mkdir(parents=True, exist_ok=False, mode=0o700)
    staged = database.with_name(f".{database.name}.restoring")
    shutil.copyfile(source, staged)
    with staged.open("rb") as fp:
        os.fsync(fp.fileno())
    for path in (database, *(database.with_name(database.name + c) for c in COMPANIONS)):
        if path.exists():
            os.replace(path, aside / path.name)
    os.replace(staged, database)
    _fsync_folder(profile)
    meta.clear_damage(profile)
    meta.count_event(profile, "restores")  # an audit log entry at the next unlock
    log.info("database restored from a backup; the previous one was kept aside")
    return aside


def _fsync_folder(folder: Path) -> None:
    if os.name == "posix":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def backup_if_due(max_age: dt.timedelta = dt.timedelta(hours=24)) -> Path | None:
    """Make a backup when the newest one is older than ``max_age`` (or there is none)."""
    existing = backups(store_db.current().path)
    if existing:
        age = dt.datetime.now() - dt.datetime.fromtimestamp(existing[-1].stat().st_mtime)
        if age < max_age:
            return None
    return make_backup()
