"""The only writer of travelling records: every create, update and delete is logged field by field.

Each write runs in one transaction that changes the current-state table and appends, per changed field,
a change entry with its hybrid-logical-clock stamp, this device, the author and the change it replaces
(its base). A create logs every field that differs from the field's default (a receiving laptop starts
from the same defaults), or ``deleted: false`` when there is no such field, so every record is born by at
least one entry. Database triggers refuse writes to
travelling tables that do not come through here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any, TypeVar

import peewee as pw

from desktop.core import ids
from desktop.core.search import index as search_index
from desktop.core.store import db as store_db
from desktop.core.store import migrations
from desktop.core.store.hlc import physical_ms
from desktop.core.store.models import Change, Peer, Travelling

T = TypeVar("T", bound=Travelling)

_INSERT_CHANGE = (
    "INSERT INTO change (change_id, record_type, record_id, field, value, hlc, device, author, base) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def coerce(field: pw.Field, value: Any) -> Any:
    """The Python value a field holds, from what a caller passed (ISO strings, model instances, ...)."""
    if value is None:
        return None
    if isinstance(field, pw.ForeignKeyField):
        return value.id if isinstance(value, pw.Model) else str(value)
    if isinstance(field, pw.DateTimeField):
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if isinstance(value, dt.datetime):
            return value.replace(microsecond=0)
        raise TypeError(f"{field.name}: not a date and time")
    if isinstance(field, pw.DateField):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            return dt.date.fromisoformat(value) if value else None
        raise TypeError(f"{field.name}: not a date")
    if isinstance(field, pw.BooleanField):
        return bool(value)
    if isinstance(field, pw.IntegerField):
        return int(value)
    return str(value)


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


_encode_str = json.encoder.encode_basestring  # the C encoder of the json module, for plain text
_as_16_bytes = operator.methodcaller("to_bytes", 16, "big")


def to_json(value: Any) -> str:
    """Canonical JSON of a field value: the same on every laptop for the same value."""
    if type(value) is str:  # most values: the same result as the encoder's, without its dispatch
        return _encode_str(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    return _encode(value)


def default_of(field: pw.Field) -> Any:
    default = field.default
    return default() if callable(default) else default


def _normalise(model: type[Travelling], values: Mapping[str, Any]) -> dict[str, Any]:
    fields = {f.name: f for f in model.data_fields()}
    out = {}
    for name, value in values.items():
        if name not in fields:
            raise KeyError(f"{model.__name__} has no writable field {name!r}")
        out[name] = coerce(fields[name], value)
    return out


def fast_coerce(field: pw.Field) -> Any:
    """``coerce`` for one field, with a shortcut for the common case of a string for a text field."""
    if isinstance(field, pw.CharField | pw.TextField) and not isinstance(field, pw.ForeignKeyField):
        return lambda value: value if type(value) is str else coerce(field, value)
    return lambda value: coerce(field, value)


def _is_text(field: pw.Field) -> bool:
    """A field whose value is text, stored as it is (foreign keys hold the related record's id)."""
    return isinstance(field, pw.CharField | pw.TextField | pw.ForeignKeyField)


def fast_db_value(field: pw.Field) -> Any:
    """``field.db_value`` with a shortcut for text, which the database takes as it is."""
    if _is_text(field):
        return lambda value: value
    return field.db_value


def peer_id(uuid: str | None) -> int | None:
    """The local number of a device or volunteer UUID in the change log (created on first use, sealed).

    Call inside the writer's transaction (``guard_open``): peers are append-only and added by it alone.
    """
    if uuid is None:
        return None
    db = Peer._meta.database
    row = db.execute_sql("SELECT id FROM peer WHERE uuid = ?", (uuid,)).fetchone()
    if row:
        return int(row[0])
    number = int(db.execute_sql("SELECT coalesce(max(id), 0) + 1 FROM peer").fetchone()[0])
    db.execute_sql(
        "INSERT INTO peer (id, uuid, seal) VALUES (?, ?, ?)", (number, uuid, migrations.peer_seal(number, uuid))
    )
    return number


def remember_clock(stamp: int) -> None:
    """Keep the newest stamp written (read at the next start; same transaction as the changes)."""
    store_db.current().db.execute_sql(
        "INSERT INTO setting (key, value) VALUES ('clock_high', ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE CAST(excluded.value AS INTEGER) > "
        "CAST(setting.value AS INTEGER)",
        (str(stamp),),
    )


def created_at(stamp: int) -> dt.datetime:
    """A record's creation time from its first change's stamp, in UTC (the same on every laptop)."""
    return dt.datetime.fromtimestamp(physical_ms(stamp) / 1000, tz=dt.UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class Origin:
    """The author of records that ship with a release: a fixed device id (not a laptop) and stamp."""

    device: str
    stamp: int

    def first_change(self, raw_id: bytes) -> bytes:
        """The id of a record's first change, from the record and the stamp (its fields take the next ids;
        the low byte is left free for them)."""
        digest = hashlib.sha256(raw_id + self.stamp.to_bytes(8, "big")).digest()
        return digest[:15] + b"\x00"


def create(model: type[T], values: Mapping[str, Any] | None = None, **kwargs: Any) -> T:
    """Create a travelling record with ``values``; returns it as read back from the database."""
    return model.get_by_id(bulk_create(model, [{**(values or {}), **kwargs}])[0])


def bulk_create(
    model: type[Travelling],
    rows: Sequence[Mapping[str, Any]],
    chunk: int = 5000,
    *,
    record_ids: Sequence[str] | None = None,
    origin: Origin | None = None,
) -> list[str]:
    """Create many records of one type in one transaction (import, demo data); returns their ids.

    ``record_ids`` (one per row) and ``origin`` create records that ship with a release (the directory's
    offices): every laptop writes them byte for byte the same – the same record ids, and changes with the
    same ids, stamp and origin device – so after an exchange they are known changes, not a second value
    or an update; the caller makes sure no record with that id exists here."""
    if record_ids is not None and len(record_ids) != len(rows):
        raise ValueError("one record id per row")
    if origin is not None and record_ids is None:
        raise ValueError("records of a release need their ids")
    store = store_db.current()
    all_fields = model._meta.sorted_fields
    data_fields = model.data_fields()
    defaults = {f.name: default_of(f) for f in data_fields}
    derived = set(model.derive({f.name: default_of(f) for f in all_fields}))
    coercers = {f.name: fast_coerce(f) for f in data_fields}
    # Text is coerced and stored as it is: only other values go through their field's conversions.
    text_fields = {f.name for f in data_fields if _is_text(f)}
    columns_of = operator.itemgetter(*(f.name for f in all_fields))
    converted = [(i, fast_db_value(f)) for i, f in enumerate(all_fields) if not _is_text(f)]
    columns = ", ".join(f'"{f.column_name}"' for f in all_fields)
    insert_row = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({", ".join("?" for _ in all_fields)})'
    record_type = model.record_type
    created: list[str] = []
    cursor = store.db.cursor()
    indexed: list[dict[str, Any]] | None = [] if record_type in search_index.INDEXED_TYPES else None
    with (
        store.db.atomic("IMMEDIATE"),
        store_db.guard_open(),
        store_db.bulk_cache(len(rows)),
        search_index.direct(),
        store_db.insert_triggers_lifted((model._meta.table_name, "change"), len(rows)),
    ):
        device, author = peer_id(store.device_id), peer_id(store.volunteer_id)
        creator = store.device_id
        if origin is not None:
            device, author, creator = peer_id(origin.device), None, origin.device
            store.clock.observe(origin.stamp)  # the clock has seen the release's stamp (integrity check)
        last_ms, last_created = -1, None
        for start in range(0, len(rows), chunk):
            batch = rows[start : start + chunk]
            row_params, change_params = [], []
            # A new record takes a new id, then its first change one (its fields take the next ids after it).
            fresh = ids.new_ids_bytes(2 * len(batch)) if record_ids is None and origin is None else None
            for number, values in enumerate(batch, start):
                if fresh is not None:
                    raw_id = fresh[2 * (number - start)]
                elif record_ids is not None:
                    raw_id = ids.to_bytes(record_ids[number])
                else:
                    raw_id = ids.new_id_bytes()
                record_id = ids.to_text(raw_id)
                stamp = store.clock.now() if origin is None else origin.stamp
                given = dict(values)
                if given.keys() - coercers.keys():
                    unknown = next(name for name in values if name not in coercers)
                    raise KeyError(f"{model.__name__} has no writable field {unknown!r}")
                for name, value in values.items():
                    if type(value) is not str or name not in text_fields:
                        given[name] = coercers[name](value)
                if given.get("deleted"):
                    raise ValueError("a record cannot be created deleted")
                row = dict(defaults)
                row.update(given)
                row["id"] = record_id
                if physical_ms(stamp) != last_ms:  # one conversion per millisecond, not per record
                    last_ms, last_created = physical_ms(stamp), created_at(stamp)
                row["created_at"] = last_created
                row["created_by"] = creator
                if derived:
                    row.update(model.derive(row))
                params = list(columns_of(row))
                for i, to_db in converted:
                    params[i] = to_db(params[i])
                row_params.append(params)
                if fresh is not None:
                    first_id = fresh[2 * (number - start) + 1]
                elif origin is not None:
                    first_id = origin.first_change(raw_id)
                else:
                    first_id = ids.new_id_bytes()
                first = int.from_bytes(first_id, "big")
                names = [name for name, value in given.items() if value != defaults[name] and name != "deleted"]
                if names:
                    values_json = [
                        _encode_str(value) if type(value) is str else to_json(value)
                        for value in map(given.__getitem__, names)
                    ]
                else:  # a record with nothing but defaults is born by this entry
                    names, values_json = ["deleted"], ["false"]
                n = len(names)
                # One random UUIDv7 per record; its fields take the next ids after it.
                change_params.extend(
                    zip(
                        map(_as_16_bytes, range(first, first + n)),
                        repeat(record_type, n),
                        repeat(raw_id, n),
                        names,
                        values_json,
                        repeat(stamp, n),
                        repeat(device, n),
                        repeat(author, n),
                        repeat(None, n),
                        strict=True,
                    )
                )
                created.append(record_id)
                if indexed is not None:
                    indexed.append(row)
            cursor.executemany(insert_row, row_params)
            cursor.executemany(_INSERT_CHANGE, change_params)
            if indexed:
                search_index.index_new(store.db, record_type, indexed)
                indexed.clear()
        if created:
            remember_clock(store.clock.last)
    return created


def heads(record_id: str) -> dict[str, bytes]:
    """For each field of a record, the id of the change that set its current value."""
    rows = store_db.current().db.execute_sql(
        "SELECT c.field, c.change_id FROM change c JOIN peer p ON p.id = c.device "
        "WHERE c.record_id = ? ORDER BY c.hlc, p.uuid",
        (ids.to_bytes(record_id),),
    )
    return {field: change_id for field, change_id in rows}


def _current(model: type[Travelling], record: Travelling, name: str) -> Any:
    """A field's current value in canonical form (the id for foreign keys, not the related object)."""
    field = model._meta.fields[name]
    attr = field.object_id_name if isinstance(field, pw.ForeignKeyField) else name
    return coerce(field, getattr(record, attr))


def update(model: type[T], record_id: str, values: Mapping[str, Any] | None = None, **kwargs: Any) -> list[str]:
    """Set fields of a record; only fields whose value really changes are written and logged.

    Returns the names of the changed fields.
    """
    store = store_db.current()
    new = _normalise(model, {**(values or {}), **kwargs})
    with store.db.atomic("IMMEDIATE"), store_db.guard_open():
        record = model.get_by_id(record_id)
        changed = {k: v for k, v in new.items() if _current(model, record, k) != v}
        if not changed:
            return []
        stamp = store.clock.now()
        raw_id = ids.to_bytes(record_id)
        assignments: dict[pw.Field, Any] = {model._meta.fields[k]: v for k, v in changed.items()}
        if model.derived:
            full = {f.name: _current(model, record, f.name) for f in model.data_fields()}
            full.update(changed)
            for name, value in model.derive(full).items():
                assignments[model._meta.fields[name]] = value
        model.update(assignments).where(model.id == record_id).execute()
        device, author = peer_id(store.device_id), peer_id(store.volunteer_id)
        rows, further = [], []
        for name, value in changed.items():
            change_id = ids.new_id_bytes()
            field_heads_ = heads_of_field(raw_id, name)
            # The edit replaces the value shown: the winning head. Where two laptops had written the same value
            # (several heads, no dispute), that value is what the user replaced: the edit names them all.
            if len(field_heads_) > 1 and not is_dispute(field_heads_):
                further.extend((change_id, head.change_id) for head in field_heads_[:-1])
            base_id = field_heads_[-1].change_id if field_heads_ else None
            rows.append((change_id, model.record_type, raw_id, name, to_json(value), stamp, device, author, base_id))
        cursor = store.db.cursor()
        cursor.executemany(_INSERT_CHANGE, rows)
        if further:
            cursor.executemany("INSERT INTO change_base (change_id, base) VALUES (?, ?)", further)
        remember_clock(stamp)
        disputed = {r[0] for r in store.db.execute_sql("SELECT field FROM conflict WHERE record_id = ?", (raw_id,))}
        if disputed & changed.keys():  # an edit on top of one of two values may settle or keep the dispute
            refresh_conflicts([(model.record_type, raw_id, name) for name in disputed & changed.keys()])
        search_index.flush_queue(store.db)
    return list(changed)


def delete(model: type[Travelling], record_id: str) -> None:
    """Delete a record: a tombstone (``deleted`` set) that travels like any other change."""
    update(model, record_id, deleted=True)


def change_counts(record_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Per record id: how many change-log entries it has and the newest one's stamp (records without
    any are left out)."""
    db = store_db.current().db
    out: dict[str, tuple[int, int]] = {}
    for start in range(0, len(record_ids), 500):
        batch = [ids.to_bytes(r) for r in record_ids[start : start + 500]]
        marks = ", ".join("?" for _ in batch)
        for raw, count, newest in db.execute_sql(
            f"SELECT record_id, count(*), max(hlc) FROM change WHERE record_id IN ({marks}) GROUP BY record_id", batch
        ):
            out[ids.to_text(raw)] = (count, newest)
    return out


def history(record_id: str) -> list[Change]:
    """Every logged change of one record, oldest first."""
    return list(Change.select().where(Change.record_id == ids.to_bytes(record_id)).order_by(Change.hlc, Change.seq))


@dataclass(frozen=True, slots=True)
class Head:
    """A change of one field that no later change names as its base: one of the field's current values."""

    change_id: bytes
    value: str
    hlc: int
    device: str


def field_heads(rows: Iterable[tuple[bytes, str, int, str, bytes | None]], also: Iterable[bytes] = ()) -> list[Head]:
    """The heads among the changes of one field, ``(change_id, value, hlc, device uuid, base)``, given the
    further bases (``change_base``) of those changes; sorted so the winner (highest stamp, then device)
    comes last, as everywhere else."""
    rows = list(rows)
    replaced = {base for *_rest, base in rows if base is not None}
    replaced.update(also)
    heads = [Head(c, v, h, d) for c, v, h, d, _b in rows if c not in replaced]
    heads.sort(key=lambda head: (head.hlc, head.device))
    return heads


def heads_of_field(raw_id: bytes, field: str) -> list[Head]:
    """The heads of one field of one record as the change log holds them, the winner last."""
    db = store_db.current().db
    rows = db.execute_sql(
        "SELECT c.change_id, c.value, c.hlc, p.uuid, c.base FROM change c JOIN peer p ON p.id = c.device "
        "WHERE c.record_id = ? AND c.field = ?",
        (raw_id, field),
    ).fetchall()
    also = [
        r[0]
        for r in db.execute_sql(
            "SELECT b.base FROM change_base b JOIN change c ON c.change_id = b.change_id "
            "WHERE c.record_id = ? AND c.field = ?",
            (raw_id, field),
        )
    ]
    return field_heads(rows, also)


def is_dispute(heads: Sequence[Head]) -> bool:
    """Two or more current values that differ: a conflict for a person to decide."""
    return len({head.value for head in heads}) > 1


def refresh_conflicts(pairs: Iterable[tuple[str, bytes, str]]) -> int:
    """Recompute whether each ``(record_type, record_id, field)`` is in dispute and keep the ``conflict``
    table in step (inside the writer's transaction); returns how many disputes are newly open."""
    db = store_db.current().db
    opened = 0
    for record_type, raw_id, field in pairs:
        disputed = is_dispute(heads_of_field(raw_id, field))
        was = db.execute_sql("SELECT 1 FROM conflict WHERE record_id = ? AND field = ?", (raw_id, field)).fetchone()
        if disputed and not was:
            db.execute_sql(
                "INSERT INTO conflict (record_id, field, record_type) VALUES (?, ?, ?)", (raw_id, field, record_type)
            )
            opened += 1
        elif was and not disputed:
            db.execute_sql("DELETE FROM conflict WHERE record_id = ? AND field = ?", (raw_id, field))
    return opened
