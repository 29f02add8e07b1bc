"""Which travelling records hang on others by a current foreign key (for deleting and erasing)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import peewee as pw

from desktop.core.store import db as store_db
from desktop.core.store.models import Travelling, Volunteer, model_for

#: Ids per SQL statement (SQLite's default limit of host parameters is 32766; small chunks keep it quick).
CHUNK = 500

Records = dict[str, set[str]]


def chunks(values: Iterable[str], size: int = CHUNK) -> Iterator[list[str]]:
    batch: list[str] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def foreign_keys() -> Iterator[tuple[type[Travelling], pw.ForeignKeyField]]:
    """Every foreign key between travelling records, except those to volunteers (never deleted with others)."""
    for model in Travelling.registry:
        for field in model._meta.sorted_fields:
            if isinstance(field, pw.ForeignKeyField) and field.rel_model is not Volunteer:
                yield model, field


def select_ids(sql: str, values: Iterable[str]) -> set[str]:
    """Run ``sql`` (with one ``{ids}`` placeholder for a list of parameters) over ``values`` in chunks."""
    db = store_db.current().db
    found: set[str] = set()
    for batch in chunks(values):
        marks = ", ".join("?" for _ in batch)
        found.update(row[0] for row in db.execute_sql(sql.format(ids=marks), batch))
    return found


def present(record_type: str, record_ids: Iterable[str], *, live_only: bool = False) -> set[str]:
    """Those of ``record_ids`` that are rows of ``record_type`` here (``live_only``: not tombstoned)."""
    table = model_for(record_type)._meta.table_name
    live = " AND deleted = 0" if live_only else ""
    return select_ids(f'SELECT id FROM "{table}" WHERE id IN ({{ids}}){live}', record_ids)


def add(records: Records, record_type: str, new: Iterable[str]) -> set[str]:
    """Add ``new`` ids to ``records``; returns those that were not there yet."""
    have = records.setdefault(record_type, set())
    fresh = set(new) - have
    have |= fresh
    return fresh


def hanging_on(
    records: Records,
    frontier: Records,
    *,
    live_only: bool,
    skip: frozenset[tuple[str, str]] = frozenset(),
    conditions: dict[tuple[str, str], str] | None = None,
) -> Records:
    """Add to ``records`` everything whose foreign key points at a record of ``frontier``, transitively.

    ``live_only``: only records that are not tombstoned. ``skip`` names (record type, field) pairs not to
    follow; ``conditions`` an extra SQL condition for some. Returns what was added.
    """
    added: Records = {}
    while frontier:
        following: Records = {}
        for model, field in foreign_keys():
            key = (model.record_type, field.name)
            targets = frontier.get(field.rel_model.record_type)
            if not targets or key in skip:
                continue
            where = f'"{field.column_name}" IN ({{ids}})'
            if live_only:
                where += " AND deleted = 0"
            if conditions and key in conditions:
                where += f" AND {conditions[key]}"
            found = select_ids(f'SELECT id FROM "{model._meta.table_name}" WHERE {where}', targets)
            fresh = add(records, model.record_type, found)
            if fresh:
                add(added, model.record_type, fresh)
                add(following, model.record_type, fresh)
        frontier = following
    return added


def count(records: Records) -> dict[str, int]:
    """Counts per record type (types with none left out)."""
    return {record_type: len(found) for record_type, found in records.items() if found}
