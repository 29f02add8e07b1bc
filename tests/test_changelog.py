"""The change log: every write of a travelling record is logged field by field, and nothing else writes."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import peewee as pw
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core import ids
from desktop.core.store import changelog, integrity
from desktop.core.store import db as store_db
from desktop.core.store.hlc import HybridClock
from desktop.core.store.models import Change, Travelling

_counter = itertools.count(1)


def _sample(field: pw.Field, parents: dict[type, str], variant: int) -> Any:
    """A valid non-default value for any field type, different for each variant."""
    if isinstance(field, pw.ForeignKeyField):
        return parents[field.rel_model]
    if isinstance(field, pw.BooleanField):
        return not field.default if variant % 2 else bool(field.default)
    if isinstance(field, pw.IntegerField):
        return 10 * variant + next(_counter)
    if isinstance(field, pw.DateTimeField):
        return dt.datetime(2026, 5, 1 + variant, 9, 30)
    if isinstance(field, pw.DateField):
        return dt.date(1980 + variant, 3, 12)
    return f"{field.name} value {variant} {next(_counter)}"


def _parents() -> dict[type, str]:
    """One record of every model, created through the change log, to point foreign keys at."""
    made: dict[type, str] = {}
    for model in Travelling.registry:
        values = {}
        for field in model.data_fields():
            if isinstance(field, pw.ForeignKeyField):
                if field.rel_model in made:
                    values[field.name] = made[field.rel_model]
            elif not field.null and field.default is None:
                values[field.name] = _sample(field, made, 1)
        made[model] = changelog.create(model, values).id
    return made


def _entries(record_id: str) -> list[Change]:
    return changelog.history(record_id)


@pytest.mark.parametrize("model", Travelling.registry, ids=lambda m: m.record_type)
def test_every_model_writes_only_through_the_change_log(store: store_db.Store, model: type[Travelling]) -> None:
    parents = _parents()
    fields = [f for f in model.data_fields() if f.name != "deleted"]
    # Create with every field set: one entry per field, stamped, by this device and volunteer.
    values = {f.name: _sample(f, parents, 1) for f in fields}
    record = changelog.create(model, values)
    entries = _entries(record.id)
    logged = {f.name for f in fields if values[f.name] != changelog.default_of(f)}
    assert {e.field for e in entries} == (logged or {"deleted"})
    assert all(e.device.uuid == store.device_id for e in entries)
    assert all(e.author.uuid == store.volunteer_id for e in entries)
    assert all(e.base is None for e in entries)
    assert len({e.hlc for e in entries}) == 1
    created_heads = changelog.heads(record.id)

    # Update every field: a new entry per field whose base is the entry it replaced.
    new_values = {f.name: _sample(f, parents, 2) for f in fields if not isinstance(f, pw.ForeignKeyField)}
    changed = changelog.update(model, record.id, new_values)
    assert set(changed) == {k for k, v in new_values.items() if v != values[k]}
    later = [e for e in _entries(record.id) if e.field in changed and e.base is not None]
    assert {e.field for e in later} == set(changed) - {n for n in changed if n not in created_heads}
    for entry in later:
        assert entry.base == created_heads[entry.field]
        assert entry.hlc > entries[0].hlc

    # Saving the same values again logs nothing.
    n = len(_entries(record.id))
    assert changelog.update(model, record.id, new_values) == []
    assert len(_entries(record.id)) == n

    # Delete is a tombstone that is logged too.
    changelog.delete(model, record.id)
    assert model.get_by_id(record.id).deleted
    assert _entries(record.id)[-1].field == "deleted"

    # Every other path is refused by the database.
    table = model._meta.table_name
    field = fields[0]
    with pytest.raises(pw.IntegrityError, match="change log"):
        model.update({field: _sample(field, parents, 3)}).where(model.id == record.id).execute()
    with pytest.raises(pw.IntegrityError, match="change log"):
        model.delete().where(model.id == record.id).execute()
    with pytest.raises(pw.IntegrityError, match="change log"):
        store.db.execute_sql(f'DELETE FROM "{table}"')
    row = {
        f.name: (_sample(f, parents, 1) if f.name in values else changelog.default_of(f)) for f in model.data_fields()
    }
    with pytest.raises(pw.IntegrityError, match="change log"):
        model.insert(id=ids.new_id(), created_at=dt.datetime.now(), created_by="x", **row).execute()
    with pytest.raises(pw.IntegrityError, match="change log"):
        model.create(id=ids.new_id(), created_by="x", **row)
    instance = model.get_by_id(record.id)
    with pytest.raises(pw.IntegrityError, match="change log"):
        instance.save()
    with pytest.raises(pw.IntegrityError, match="change log"):
        instance.delete_instance()
    assert integrity.check() == []


def test_the_registry_covers_every_travelling_table(store: store_db.Store) -> None:
    tables = {r[0] for r in store.db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    local = {"schema_version", "setting", "peer", "change", "sqlite_sequence", "search_map", "search_queue"}
    local |= {t for t in tables if t.startswith("person_search")}  # the full-text index and its shadow tables
    assert tables - local == {m._meta.table_name for m in Travelling.registry}
    triggers = {r[0] for r in store.db.execute_sql("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")}
    assert triggers >= tables - local


def test_the_change_log_is_append_only(store: store_db.Store) -> None:
    changelog.create(Travelling.registry[0], name="Anna")
    with pytest.raises(pw.IntegrityError, match="append-only"):
        store.db.execute_sql("UPDATE change SET value = '\"x\"'")
    with pytest.raises(pw.IntegrityError, match="append-only"):
        store.db.execute_sql("DELETE FROM change")


def test_check_finds_a_change_that_bypassed_the_log(store: store_db.Store) -> None:
    from desktop.core.people import create_person

    person = create_person({"family_name": "Melnyk", "given_name": "Iryna"})
    assert integrity.check() == []
    with store_db.guard_open():  # simulate a bug or tampering that slips past the writer
        store.db.execute_sql("UPDATE person SET given_name = 'Oksana' WHERE id = ?", (person.id,))
    problems = integrity.check()
    assert [p.what for p in problems] == ["field given_name differs from its change log"]
    assert "Oksana" not in str(problems[0])


def test_a_failed_write_leaves_no_change_entry(store: store_db.Store) -> None:
    from desktop.core.store.models import HouseholdMember

    before = Change.select().count()
    with pytest.raises(pw.IntegrityError):
        changelog.create(HouseholdMember, household="missing", person="missing", role="applicant")
    assert Change.select().count() == before


@given(
    st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=200),
    st.lists(st.integers(min_value=0, max_value=1 << 50), max_size=20),
)
@settings(max_examples=200, deadline=None)
def test_hlc_is_monotonic_whatever_the_wall_clock_does(steps: list[int], observed: list[int]) -> None:
    wall = [1_000_000]

    def tick() -> int:
        return wall[0]

    clock = HybridClock(wall_ms=tick)
    last = 0
    remote = iter(observed)
    for i, step in enumerate(steps):
        wall[0] += step - 2  # the wall clock may stand still or go backwards
        if i % 7 == 0:
            seen = next(remote, None)
            if seen is not None:
                clock.observe(seen)
                last = max(last, seen)
        stamp = clock.now()
        assert stamp > last
        last = stamp


def test_ids_are_time_ordered_uuid7() -> None:
    import uuid

    batch = [ids.new_id() for _ in range(5000)]
    assert batch == sorted(batch)
    assert len(set(batch)) == len(batch)
    parsed = uuid.UUID(batch[0])
    assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
