"""Automatic verified backups of the profile database, still encrypted, rotated in backups/.

``VACUUM INTO`` writes a compact copy under the same key and salt (so the profile passphrase opens it);
the copy is checked (page MACs and structure) before it replaces anything, and only the newest
``KEEP`` backups are kept.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

from desktop import paths
from desktop.core.store import db as store_db

log = logging.getLogger(__name__)

KEEP = 7
PREFIX = "begleiter-"
SUFFIX = ".db"


class BackupError(RuntimeError):
    """The backup could not be written or did not verify; the previous backups are untouched."""


def backups(profile: Path) -> list[Path]:
    """Existing backups, oldest first."""
    folder = paths.backups_dir(profile)
    return sorted(folder.glob(f"{PREFIX}*{SUFFIX}")) if folder.is_dir() else []


def verify(path: Path) -> None:
    """Open a backup under the profile's key and check every page's MAC and the structure."""
    copy = store_db.current().db.sibling(str(path))
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


def make_backup(now: dt.datetime | None = None) -> Path:
    """Write, verify and keep a new backup; returns its path."""
    store = store_db.current()
    folder = paths.backups_dir(store.path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{PREFIX}{stamp}{SUFFIX}"
    partial = folder / f".{PREFIX}{stamp}.partial"
    partial.unlink(missing_ok=True)
    try:
        store.db.execute_sql("VACUUM INTO ?", (str(partial),))
        with partial.open("rb") as fp:
            os.fsync(fp.fileno())
        verify(partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    for old in backups(store.path)[:-KEEP]:
        old.unlink(missing_ok=True)
    log.info("backup written and verified")
    return target


def backup_if_due(max_age: dt.timedelta = dt.timedelta(hours=24)) -> Path | None:
    """Make a backup when the newest one is older than ``max_age`` (or there is none)."""
    existing = backups(store_db.current().path)
    if existing:
        age = dt.datetime.now() - dt.datetime.fromtimestamp(existing[-1].stat().st_mtime)
        if age < max_age:
            return None
    return make_backup()
