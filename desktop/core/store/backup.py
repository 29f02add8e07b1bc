"""Automatic verified backups of the profile database, still encrypted, rotated in backups/.

``VACUUM INTO`` writes a compact copy under the same key and salt (so the profile passphrase opens it);
the copy is checked (page MACs and structure) before it replaces anything. Rotation (``kept``) keeps the
newest backup of each of the last ``DAILY`` calendar days that have one and the newest of each of the
``WEEKLY`` ISO weeks before those (that have one): at most ``DAILY + WEEKLY`` backups. Everything else
is removed only after a new backup has verified.

The GUI makes one a day at start and one at close when the database was written after the newest backup
(``backup_on_close``). A backup's modification time is set to the moment its copy began, so a write
after it – and only such a write – makes the database or its WAL newer than the backup.

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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from desktop import paths
from desktop.core import atomic
from desktop.core.store import db as store_db
from desktop.core.store import meta
from desktop.core.store.models import Case, Person
from desktop.i18n import fmt_number, ngettext

log = logging.getLogger(__name__)

#: Rotation: the newest backup of each of the last DAILY days with one, and of each of the WEEKLY ISO
#: weeks before those.
DAILY = 7
WEEKLY = 4
#: The most backups rotation keeps.
KEEP = DAILY + WEEKLY
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


def kept(times: Sequence[dt.datetime], daily: int = DAILY, weekly: int = WEEKLY) -> set[int]:
    """Which of the backups written at ``times`` rotation keeps (their indexes): the newest of each of the
    last ``daily`` calendar days that have a backup, and the newest of each of the ``weekly`` most recent
    ISO weeks with a backup that lie wholly before the oldest of those days. The newest backup is always
    kept; days and weeks without a backup take no place, so a pause loses nothing."""
    order = sorted(range(len(times)), key=lambda i: times[i], reverse=True)
    keep: set[int] = set()
    days: set[dt.date] = set()
    for i in order:
        day = times[i].date()
        if day not in days and len(days) < daily:
            days.add(day)
            keep.add(i)
    if not days:
        return keep
    first_week = min(days).isocalendar()[:2]
    weeks: set[tuple[int, int]] = set()
    for i in order:
        week = times[i].isocalendar()[:2]
        if week < first_week and week not in weeks and len(weeks) < weekly:
            weeks.add(week)
            keep.add(i)
    return keep


def rotate(profile: Path) -> int:
    """Remove the backups rotation does not keep (with anything SQLite left beside them); returns how many."""
    existing = backups(profile)
    keep = kept([backup_time(path) for path in existing])
    removed = 0
    for index, old in enumerate(existing):
        if index in keep:
            continue
        for path in (old, *(old.with_name(old.name + c) for c in COMPANIONS)):
            path.unlink(missing_ok=True)
        removed += 1
    return removed


def _key_material(key_material: tuple[bytes, bytes] | None) -> tuple[bytes, bytes]:
    return store_db.current().db._key_material if key_material is None else key_material


def verify(path: Path, key_material: tuple[bytes, bytes] | None = None) -> None:
    """Open a backup read-only under the profile's key (the open profile's, or ``key_material``) and check
    every page's MAC and the structure; the file is not changed."""
    try:
        with store_db._read_only(path, *_key_material(key_material), honour_wal=False) as conn:
            bad = conn.execute("PRAGMA cipher_integrity_check").fetchall()
            quick = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    except Exception as exc:
        raise BackupError(f"backup does not open: {type(exc).__name__}") from exc
    if bad or quick != ["ok"]:
        raise BackupError("backup failed verification")


@dataclass(frozen=True)
class BackupInfo:
    """One backup as a list shows it: when, how big, how many people and cases, whether it verified."""

    path: Path
    time: dt.datetime
    size: int
    people: int | None  #: None: the backup does not open
    cases: int | None
    verified: bool | None  #: None: not checked page by page (only opened and counted)

    @property
    def opens(self) -> bool:
        return self.people is not None

    def counts_text(self) -> str:
        """ "5 people, 3 cases" in the user's language ("" when the backup does not open)."""
        if self.people is None or self.cases is None:
            return ""
        return ", ".join(
            (
                ngettext("{n} person", "{n} people", self.people).format(n=fmt_number(self.people)),
                ngettext("{n} case", "{n} cases", self.cases).format(n=fmt_number(self.cases)),
            )
        )


def describe(path: Path, key_material: tuple[bytes, bytes], *, check: bool = True) -> BackupInfo:
    """Open a backup read-only under the key and count its people and cases (not deleted); with ``check``
    also verify every page. A backup that does not open has no counts and does not verify."""
    people = cases = None
    profile = path.parent.parent  # backups/<file>
    key_material = store_db.key_for_file(profile, path, key_material) or key_material
    try:
        with store_db._read_only(path, *key_material, honour_wal=False) as conn:
            counted = [
                conn.execute(f'SELECT count(*) FROM "{model._meta.table_name}" WHERE deleted = 0').fetchone()[0]
                for model in (Person, Case)
            ]
        people, cases = counted
    except Exception:
        log.warning("a backup does not open")
    verified: bool | None = None
    if check:
        verified = False
        if people is not None:
            try:
                verify(path, key_material)
                verified = True
            except BackupError:
                log.warning("a backup did not verify")
    return BackupInfo(path, backup_time(path), path.stat().st_size, people, cases, verified)


def find(profile: Path, name: str) -> Path | None:
    """A backup given by path, or by its name as ``begleiter-cli backups`` lists it (with or without
    ``.db``), or by its time stamp (``20261203-075000``); None when there is none."""
    given = Path(name).expanduser()
    if given.is_file():
        return given
    if given.name != name:  # a path, not a name
        return None
    folder = paths.backups_dir(profile)
    for candidate in (name, f"{name}{SUFFIX}", f"{PREFIX}{name}{SUFFIX}"):
        if (folder / candidate).is_file():
            return folder / candidate
    return None


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
            started = time.time_ns()
            mark = _data_mark()
            store.db.execute_sql("VACUUM INTO ?", (str(partial),))
            if os.name == "posix":
                os.chmod(partial, 0o600)
            with partial.open("rb") as fp:
                os.fsync(fp.fileno())
            verify(partial)
            os.utime(partial, ns=(started, started))  # what was written after this is not in it
            os.replace(partial, target)
        finally:
            remove_partials(folder)
        rotate(store.path)
    store.set_setting(MARK_SETTING, mark)
    log.info("backup written and verified")
    return target


#: What the data was when the newest backup was made (see _data_mark).
MARK_SETTING = "backup_data_mark"


def _data_mark() -> str:
    """The records' state in a few numbers: the change log's newest entry and the erasure markers. An
    unlock writes to the database too (the audit log), so file times alone would call every session a
    change."""
    db = store_db.current().db
    (seq,) = db.execute_sql("SELECT coalesce(max(seq), 0) FROM change").fetchone()
    (erased,) = db.execute_sql("SELECT count(*) FROM erasure").fetchone()
    return f"{seq}:{erased}"


def newest_good(profile: Path, key_material: tuple[bytes, bytes]) -> Path | None:
    """The newest backup that opens under the key and passes the full check (a damaged profile's way
    back), or None."""
    for candidate in reversed(backups(profile)):
        try:
            verify(candidate, store_db.key_for_file(profile, candidate, key_material) or key_material)
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


#: Where restore keeps the database it replaces: a damaged one, and one that was sound.
DAMAGED = "damaged"
REPLACED = "replaced"


def _aside_folder(profile: Path, kind: str) -> Path:
    """A new, empty ``<kind>/<time>/`` folder in the profile (never one that holds something already)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for attempt in range(1000):
        folder = profile / kind / (stamp if attempt == 0 else f"{stamp}-{attempt}")
        try:
            folder.mkdir(parents=True, exist_ok=False, mode=0o700)
            return folder
        except FileExistsError:
            continue
    raise BackupError("no free folder to keep the current database in")


def restore(profile: Path, source: Path, key_material: tuple[bytes, bytes]) -> Path:
    """Put the verified backup ``source`` in place of the profile's database. The current database (with
    its WAL) is never overwritten or deleted: it is moved into a new ``damaged/<time>/`` folder (when it
    was recorded as damaged) or ``replaced/<time>/`` in the profile first. Returns that folder. The
    profile must be closed."""
    opening = store_db.key_for_file(profile, source, key_material)
    if opening is None:
        raise BackupError("backup does not open under any of the profile's keys")
    verify(source, opening)
    database = paths.database_path(profile)
    aside = _aside_folder(profile, DAMAGED if meta.damage(profile) else REPLACED)
    staged = database.with_name(f".{database.name}.restoring")
    staged.unlink(missing_ok=True)
    if opening == key_material:
        shutil.copyfile(source, staged)
    else:  # made before the profile got its current key: copied under the current one
        store_db.copy_under_key(source, opening, staged, key_material)
        verify(staged, key_material)
    with staged.open("rb") as fp:
        os.fsync(fp.fileno())
    for path in (database, *(database.with_name(database.name + c) for c in COMPANIONS)):
        if path.exists():
            os.replace(path, aside / path.name)
    os.replace(staged, database)
    atomic.fsync_folder(profile)
    meta.clear_damage(profile)
    meta.count_event(profile, "restores")  # an audit log entry at the next unlock
    log.info("database restored from a backup; the previous one was kept aside")
    return aside


def newest(profile: Path) -> Path | None:
    """The most recently written backup (by modification time: a backup's is when its copy began)."""
    existing = backups(profile)
    return max(existing, key=lambda path: path.stat().st_mtime_ns) if existing else None


def backup_if_due(max_age: dt.timedelta = dt.timedelta(hours=24), now: dt.datetime | None = None) -> Path | None:
    """Make a backup when the newest one is older than ``max_age`` (or there is none)."""
    last = newest(store_db.current().path)
    if last is not None:
        age = (now or dt.datetime.now()) - dt.datetime.fromtimestamp(last.stat().st_mtime)
        if age < max_age:
            return None
    return make_backup(now)


def changed_since(profile: Path, copy: Path) -> bool:
    """Whether the profile's database or its WAL was written after the backup ``copy`` began."""
    began = copy.stat().st_mtime_ns
    database = paths.database_path(profile)
    for path in (database, database.with_name(database.name + "-wal")):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        if stat.st_size and stat.st_mtime_ns > began:
            return True
    return False


def backup_on_close(now: dt.datetime | None = None) -> Path | None:
    """The backup at closing: made when the records changed since the newest backup (or there is none),
    else nothing, so an unchanged profile is not copied again."""
    store = store_db.current()
    last = newest(store.path)
    if last is not None:
        kept = store.get_setting(MARK_SETTING)
        if (kept == _data_mark()) if kept else not changed_since(store.path, last):
            return None
    return make_backup(now)
