"""Writing and reading the audit log: ``record()`` from anywhere with a profile open, never failing the
caller's work.

An entry is written at once: inside the caller's transaction as a savepoint (rolled back with it), else
in a short transaction of its own that never waits for another program's write lock. An entry that finds
the lock taken waits in memory and is written with the next entry or the next :func:`flush` (the main
window flushes when it refreshes). A failure is logged by its kind of error only, never with data.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop.core import ids
from desktop.core.audit import chain
from desktop.core.audit.kinds import KINDS
from desktop.core.store import db as store_db
from desktop.core.store import meta

log = logging.getLogger(__name__)

#: Ids per statement when erased records are replaced by their marker.
_CHUNK = 500
#: Events profile.json counts while the database is closed, and the kind of entry each becomes.
_CLOSED_EVENTS = (("restores", "restore"), ("failed_unlocks", "failed_unlock"))


@dataclass(frozen=True)
class _Waiting:
    """An entry not written yet (the profile it belongs to, and its fields)."""

    profile: Path
    at: str
    kind: str
    volunteer: str | None
    device: str
    record_type: str | None
    record_id: str | None
    count: int | None
    detail: str


_waiting: list[_Waiting] = []
_lock = threading.Lock()


def now() -> str:
    """The current time as the audit log keeps it (UTC, to the second)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def record(
    kind: str,
    record_type: str | None = None,
    record_id: str | None = None,
    count: int | None = None,
    *,
    detail: str = "",
    at: str | None = None,
) -> None:
    """Note an action in the audit log of the open profile (who, when, which record: never content).

    ``kind`` is one of kinds.KINDS; ``count`` a number such as the records in an export; ``detail`` a
    code of kinds.DETAILS. Never raises: a failure is logged without data and the caller's work goes on.
    """
    try:
        if kind not in KINDS:
            raise ValueError("unknown kind of audit entry")
        store = store_db.current()
        entry = _Waiting(
            store.path,
            at or now(),
            kind,
            store.volunteer_id,
            store.device_id,
            record_type,
            None if record_id is None else str(record_id),
            None if count is None else int(count),
            detail,
        )
    except Exception as exc:
        log.warning("an audit entry (%s) was not recorded: %s", kind, type(exc).__name__)
        return
    with _lock:
        _waiting.append(entry)
    flush()


def flush() -> int:
    """Write the entries waiting for the open profile; returns how many were written. Never raises."""
    if not store_db.is_open():
        return 0
    store = store_db.current()
    with _lock:
        entries = [w for w in _waiting if w.profile == store.path]
    if not entries:
        return 0
    written = len(entries)
    try:
        _write(store.db, entries)
    except Exception as exc:
        if store_db.is_busy(exc):
            return 0  # another program writes: they wait for the next entry or flush
        log.warning("%d audit entries were not written: %s", written, type(exc).__name__)
        written = 0
    done = {id(e) for e in entries}
    with _lock:
        _waiting[:] = [w for w in _waiting if id(w) not in done]
    return written


def waiting() -> int:
    """How many entries wait in memory for the write lock."""
    with _lock:
        return len(_waiting)


def _write(db: store_db.ProfileDatabase, entries: Sequence[_Waiting]) -> None:
    if db.in_transaction():
        with db.atomic():  # a savepoint: a failure leaves the caller's transaction as it was
            _append(db, entries)
        return
    if db.damaged:
        raise store_db.damaged_error(db.damaged)
    db.execute_sql("PRAGMA busy_timeout = 0")  # never wait for another program's write lock
    try:
        db.execute_sql("BEGIN IMMEDIATE")
    finally:
        db.execute_sql(f"PRAGMA busy_timeout = {store_db.BUSY_STEP_MS}")
    try:
        _append(db, entries)
    except BaseException:
        db.execute_sql("ROLLBACK")
        raise
    db.execute_sql("COMMIT")


def _stored_id(db: store_db.ProfileDatabase, record_id: str | None) -> str | None:
    """The id as the log keeps it: an erased record's is its erasure marker from the start."""
    if record_id is None:
        return None
    try:
        raw = ids.to_bytes(record_id)
    except ValueError:
        return record_id
    row = db.execute_sql("SELECT hlc FROM erasure WHERE record_id = ?", (raw,)).fetchone()
    return chain.marker(int(row[0])) if row else record_id


def _append(db: store_db.ProfileDatabase, entries: Iterable[_Waiting]) -> None:
    row = db.execute_sql("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, previous = (int(row[0]), str(row[1])) if row else (0, chain.GENESIS)
    for e in entries:
        seq += 1
        digest = chain.record_digest(seq, e.record_id)
        value = chain.entry_hash(
            seq, e.at, e.kind, e.volunteer, e.device, e.record_type, digest, e.count, e.detail, previous
        )
        db.execute_sql(
            f"INSERT INTO audit_log ({', '.join(chain.COLUMNS)}) VALUES ({', '.join('?' * len(chain.COLUMNS))})",
            (
                seq,
                e.at,
                e.kind,
                e.volunteer,
                e.device,
                e.record_type,
                _stored_id(db, e.record_id),
                digest,
                e.count,
                e.detail,
                previous,
                value,
            ),
        )
        previous = value
    db.execute_sql(
        "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (chain.HEAD_SETTING, f"{seq}:{previous}"),
    )


def forget(record_ids: Iterable[str], stamp: int) -> int:
    """Inside an erasure (its transaction, ``guard_open("erasure")``): the erased records' clear ids in
    the log become the erasure marker. The chain covers their digests, so it still verifies. Returns how
    many entries named one of them. Raises: an erasure that leaves a clear id behind must not commit."""
    db = store_db.current().db
    wanted = list(dict.fromkeys(record_ids))
    value = chain.marker(stamp)
    changed = 0
    for start in range(0, len(wanted), _CHUNK):
        batch = wanted[start : start + _CHUNK]
        cursor = db.execute_sql(
            f"UPDATE audit_log SET record_id = ? WHERE record_id IN ({', '.join('?' * len(batch))})", [value, *batch]
        )
        changed += max(cursor.rowcount, 0)
    return changed


def note_failed_unlock(profile: Path) -> None:
    """A wrong passphrase: counted in profile.json (a number and a time) until the next unlock."""
    try:
        meta.count_event(profile, "failed_unlocks")
    except Exception as exc:
        log.warning("a failed unlock was not counted: %s", type(exc).__name__)


def _valid_time(text: str | None) -> str | None:
    try:
        return dt.datetime.fromisoformat(text).astimezone(dt.UTC).isoformat(timespec="seconds") if text else None
    except ValueError:
        return None


def after_unlock(store: store_db.Store) -> None:
    """At an unlock: what profile.json counted while the database was closed (restored backups, wrong
    passphrases) becomes entries, at the time the first of them happened; then the unlock itself."""
    for key, kind in _CLOSED_EVENTS:
        try:
            count, since = meta.take_event(store.path, key)
        except Exception as exc:
            log.warning("counted %s not read: %s", key, type(exc).__name__)
            continue
        if count:
            record(kind, count=count, at=_valid_time(since))
    record("unlock")


# --- reading ----------------------------------------------------------------------------------------------


def _kinds_clause(kinds: Sequence[str] | None) -> tuple[str, list[object]]:
    if kinds is None:
        return "1", []
    return f"kind IN ({', '.join('?' * len(kinds))})" if kinds else "0", list(kinds)


def entries(after: int | None = None, limit: int = 200, kinds: Sequence[str] | None = None) -> list[chain.Entry]:
    """A page of entries, newest first, older than sequence number ``after`` (keyset paging)."""
    where, params = _kinds_clause(kinds)
    if after is not None:
        where += " AND seq < ?"
        params.append(after)
    rows = store_db.current().db.execute_sql(
        f"{chain.SELECT} WHERE {where} ORDER BY seq DESC LIMIT ?", [*params, limit]
    )
    return [chain.Entry(*row) for row in rows]


def count(kinds: Sequence[str] | None = None) -> int:
    where, params = _kinds_clause(kinds)
    return int(store_db.current().db.execute_sql(f"SELECT count(*) FROM audit_log WHERE {where}", params).fetchone()[0])


def verify() -> chain.Broken | None:
    """The first broken entry of the open profile's audit log, or None when its chain is whole."""
    flush()
    return chain.verify(store_db.current().db)
