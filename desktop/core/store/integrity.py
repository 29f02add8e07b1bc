"""Integrity check and state digest of a profile.

``check`` verifies the encryption MACs of every page, SQLite's own structure, foreign keys, that the
current state of every travelling record is exactly what its change log says (its creating device
included), that the guard triggers are all there, and that the change log itself is what its writer
wrote: peers match their seals, entries name known record types and fields, bases that are in the log,
stamps the clock has seen, and nothing left of an erased record. ``digest`` hashes the
canonical current state of all travelling records, so two laptops holding the same data print the same
digest whatever order the changes reached them in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import peewee as pw
from sqlcipher3 import dbapi2 as sqlcipher

from desktop.core import ids
from desktop.core.errors import ProfileDamaged
from desktop.core.search import index as search_index
from desktop.core.store import db as store_db
from desktop.core.store import migrations
from desktop.core.store.changelog import default_of, to_json
from desktop.core.store.models import Travelling

_BATCH = 5000


def _state_columns(model: type[Travelling]) -> list[str]:
    return [f.column_name for f in model._meta.sorted_fields if f.name not in model.derived]


def _rows(model: type[Travelling], columns: list[str]) -> Iterator[tuple[Any, ...]]:
    """All rows of a table in id order, fetched in batches (keyset paging keeps memory flat)."""
    db = store_db.current().db
    cols = ", ".join(f'"{c}"' for c in columns)
    table = model._meta.table_name
    last = ""
    while True:
        batch = db.execute_sql(
            f'SELECT {cols} FROM "{table}" WHERE id > ? ORDER BY id LIMIT {_BATCH}', (last,)
        ).fetchall()
        if not batch:
            return
        yield from batch
        last = batch[-1][0]


def counts() -> dict[str, int]:
    """Live (not deleted) records per type."""
    db = store_db.current().db
    return {
        m.record_type: db.execute_sql(f'SELECT count(*) FROM "{m._meta.table_name}" WHERE deleted = 0').fetchone()[0]
        for m in Travelling.registry
    }


def digest() -> str:
    """SHA-256 over the canonical current state of every travelling record (tombstones included)."""
    h = hashlib.sha256()
    for model in sorted(Travelling.registry, key=lambda m: m.record_type):
        columns = _state_columns(model)
        h.update(json.dumps([model.record_type, columns], separators=(",", ":")).encode())
        for row in _rows(model, columns):
            h.update(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode())
            h.update(b"\n")
    return h.hexdigest()


@dataclass(frozen=True)
class Problem:
    """One finding of the check: where, and what (never personal data)."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def _log_heads(record_type: str) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Per record id, per field, the JSON value of the winning change (highest stamp, then device); and
    per record id the device of its first change (the one that created it)."""
    db = store_db.current().db
    heads: dict[str, dict[str, str]] = {}
    first: dict[str, tuple[int, str]] = {}
    cursor = db.execute_sql(
        "SELECT c.record_id, c.field, c.value, c.hlc, p.uuid FROM change c JOIN peer p ON p.id = c.device "
        "WHERE c.record_type = ? ORDER BY c.record_id, c.field, c.hlc, p.uuid",
        (record_type,),
    )
    for raw_id, field, value, stamp, device in cursor:
        record_id = ids.to_text(raw_id)
        heads.setdefault(record_id, {})[field] = value
        earliest = first.get(record_id)
        if earliest is None or (stamp, device) < earliest:
            first[record_id] = (stamp, device)
    return heads, {record_id: device for record_id, (_stamp, device) in first.items()}


def _guard_problems(db: Any) -> list[Problem]:
    """A missing guard trigger: writes outside the change-log writer would no longer be refused."""
    present = {r[0] for r in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    wanted = list(migrations.CHANGE_LOG_TRIGGERS)
    for model in Travelling.registry:
        wanted += [f"guard_{model._meta.table_name}_{event}" for event in ("insert", "update", "delete")]
    return [Problem("database", f"the guard trigger {name} is missing") for name in wanted if name not in present]


def _change_log_problems(db: Any) -> list[Problem]:
    """The change log as only its writer leaves it: sealed peers, known record types, bases in the log,
    stamps no later than the newest the clock remembers."""
    problems = []
    for number, uuid, seal in db.execute_sql("SELECT id, uuid, seal FROM peer ORDER BY id"):
        if seal != migrations.peer_seal(number, uuid):
            problems.append(Problem(f"peer {number}", "differs from its seal: it was rewritten after it was written"))
    known = {m.record_type for m in Travelling.registry}
    for (record_type,) in db.execute_sql("SELECT DISTINCT record_type FROM change"):
        if record_type not in known:
            problems.append(Problem("change log", f"entries of an unknown record type {record_type!r}"))
    dangling = db.execute_sql(
        "SELECT c.record_type, c.record_id, c.field FROM change c WHERE c.base IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM change b WHERE b.record_id = c.record_id AND b.field = c.field AND b.change_id = c.base)"
    )
    for record_type, raw_id, field in dangling:
        problems.append(
            Problem(f"{record_type} {ids.to_text(raw_id)}", f"a change of field {field} names a base not in the log")
        )
    row = db.execute_sql("SELECT value FROM setting WHERE key = 'clock_high'").fetchone()
    if row is not None:  # profiles from before the clock was kept have no such setting
        (later,) = db.execute_sql("SELECT count(*) FROM change WHERE hlc > ?", (int(row[0]),)).fetchone()
        if later:
            problems.append(Problem("change log", f"{later} entries are stamped later than the clock has seen"))
        (later,) = db.execute_sql("SELECT count(*) FROM erasure WHERE hlc > ?", (int(row[0]),)).fetchone()
        if later:
            problems.append(Problem("erasure", f"{later} markers are stamped later than the clock has seen"))
    # An erasure takes every entry of a record (and so every base that named one of them) at once.
    for table in ("change", "conflict"):
        (left,) = db.execute_sql(
            f"SELECT count(*) FROM {table} WHERE record_id IN (SELECT record_id FROM erasure)"
        ).fetchone()
        if left:
            problems.append(Problem("erasure", f"{left} rows of {table} belong to erased records"))
    return problems


def check(progress: Callable[[str], None] | None = None) -> list[Problem]:
    """Everything wrong with the open profile; an empty list means it is sound."""
    report = progress or (lambda _step: None)
    db = store_db.current().db
    problems: list[Problem] = []
    report("cipher")
    try:
        for (row,) in db.execute_sql("PRAGMA cipher_integrity_check").fetchall():
            problems.append(Problem("database", f"page authentication failed: {row}"))
        report("structure")
        result = [r[0] for r in db.execute_sql("PRAGMA integrity_check").fetchall()]
        if result != ["ok"]:
            problems.extend(Problem("database", r) for r in result)
    except (pw.DatabaseError, sqlcipher.DatabaseError, ProfileDamaged) as exc:  # rows are read outside peewee
        problems.append(Problem("database", f"cannot be read: {type(exc).__name__}"))
    if problems:  # damaged pages: the record-level checks below would only fail on them
        db.found_damage("page" if any("authentication" in p.what for p in problems) else "structure")
        return problems
    for table, rowid, parent, _fk in db.execute_sql("PRAGMA foreign_key_check").fetchall():
        problems.append(Problem(f"{table} row {rowid}", f"refers to a missing {parent}"))
    report("change log")
    problems.extend(_guard_problems(db))
    problems.extend(_change_log_problems(db))
    erased = {ids.to_text(raw) for (raw,) in db.execute_sql("SELECT record_id FROM erasure")}
    for model in Travelling.registry:
        report(model.record_type)
        heads, creators = _log_heads(model.record_type)
        fields = model.data_fields()
        names = {f.name for f in fields}
        columns = ["id", "created_by", *[f.column_name for f in fields]]
        for row in _rows(model, columns):
            record_id = row[0]
            logged = heads.pop(record_id, None)
            where = f"{model.record_type} {record_id}"
            if record_id in erased:
                problems.append(Problem(where, "was erased but is still here"))
            if logged is None:
                problems.append(Problem(where, "has no change log entry"))
                continue
            if row[1] != creators[record_id]:
                # Every laptop takes created_by from the device of the first change: a difference means
                # the record or the peer that names that device was rewritten.
                problems.append(Problem(where, "was created by another device than its change log says"))
            for field, raw in zip(fields, row[2:], strict=True):
                current = to_json(field.python_value(raw))
                expected = logged.get(field.name, to_json(default_of(field)))
                if current != expected:
                    problems.append(Problem(where, f"field {field.name} differs from its change log"))
            for name in sorted(logged.keys() - names):
                problems.append(Problem(where, f"the change log sets an unknown field {name}"))
        for record_id in heads:
            problems.append(Problem(f"{model.record_type} {record_id}", "logged but missing from the table"))
    report("search index")
    problems.extend(Problem("search index", text) for text in search_index.problems(db))
    return problems
