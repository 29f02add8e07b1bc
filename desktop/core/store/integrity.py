"""Integrity check and state digest of a profile.

``check`` verifies the encryption MACs of every page, SQLite's own structure, foreign keys, and that the
current state of every travelling record is exactly what its change log says. ``digest`` hashes the
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


def _log_heads(record_type: str) -> dict[str, dict[str, str]]:
    """Per record id, per field, the JSON value of the winning change (highest stamp, then device)."""
    db = store_db.current().db
    heads: dict[str, dict[str, str]] = {}
    cursor = db.execute_sql(
        "SELECT c.record_id, c.field, c.value FROM change c JOIN peer p ON p.id = c.device "
        "WHERE c.record_type = ? ORDER BY c.record_id, c.field, c.hlc, p.uuid",
        (record_type,),
    )
    for raw_id, field, value in cursor:
        heads.setdefault(ids.to_text(raw_id), {})[field] = value
    return heads


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
    for model in Travelling.registry:
        report(model.record_type)
        heads = _log_heads(model.record_type)
        fields = model.data_fields()
        columns = ["id", *[f.column_name for f in fields]]
        for row in _rows(model, columns):
            record_id = row[0]
            logged = heads.pop(record_id, None)
            where = f"{model.record_type} {record_id}"
            if logged is None:
                problems.append(Problem(where, "has no change log entry"))
                continue
            for field, raw in zip(fields, row[1:], strict=True):
                current = to_json(field.python_value(raw))
                expected = logged.get(field.name, to_json(default_of(field)))
                if current != expected:
                    problems.append(Problem(where, f"field {field.name} differs from its change log"))
        for record_id in heads:
            problems.append(Problem(f"{model.record_type} {record_id}", "logged but missing from the table"))
    report("search index")
    problems.extend(Problem("search index", text) for text in search_index.problems(db))
    return problems
