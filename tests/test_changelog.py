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
from desktop.core.store import changelog, integrity, migrations
from desktop.core.store import db as store_db
from desktop.core.store.hlc import HybridClock
from desktop.core.store.models import Change, Peer, Person, Travelling

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
    # ... and so is writing its change log past the writer: a forged entry, raw or through peewee.
    device = store.db.execute_sql("SELECT id FROM peer WHERE uuid = ?", (store.device_id,)).fetchone()[0]
    forged = (ids.new_id_bytes(), model.record_type, ids.to_bytes(record.id), "deleted", "false", 1, device)
    with pytest.raises(pw.IntegrityError, match="change log is written only by its writer"):
        store.db.execute_sql(
            "INSERT INTO change (change_id, record_type, record_id, field, value, hlc, device) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            forged,
        )
    with pytest.raises(pw.IntegrityError, match="change log is written only by its writer"):
        columns = ("change_id", "record_type", "record_id", "field", "value", "hlc", "device")
        Change.create(**dict(zip(columns, forged, strict=True)))
    assert integrity.check() == []


def test_the_registry_covers_every_travelling_table(store: store_db.Store) -> None:
    tables = {r[0] for r in store.db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    local = {"schema_version", "setting", "peer", "change", "sqlite_sequence", "search_map", "search_queue"}
    local.add("saved_file")  # where this laptop saved a PDF: a path means nothing on another laptop
    # The exchange's own tables: the log's further bases and erasure markers (guarded like the log), and
    # what this laptop derived or heard from bundles (conflicts, knowledge, the team, bundles seen).
    local |= {"change_base", "erasure", "conflict", "knowledge", "team_device", "bundle"}
    local.add("audit_log")  # who did what on this laptop: its own record, guarded by its own triggers
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


def test_peers_are_append_only_and_added_only_by_the_writer(store: store_db.Store) -> None:
    changelog.create(Travelling.registry[0], name="Anna")
    (device,) = store.db.execute_sql("SELECT id FROM peer WHERE uuid = ?", (store.device_id,)).fetchone()
    for sql in (
        "UPDATE peer SET uuid = 'another-device'",
        f"UPDATE peer SET uuid = 'another-device' WHERE id = {device}",
        "DELETE FROM peer",
    ):
        with pytest.raises(pw.IntegrityError, match="append-only"):
            store.db.execute_sql(sql)
    with store_db.guard_open():  # not even the writer's door rewrites a peer
        with pytest.raises(pw.IntegrityError, match="append-only"):
            Peer.update(uuid="another-device").where(Peer.id == device).execute()
        with pytest.raises(pw.IntegrityError, match="append-only"):
            Peer.delete().execute()
    with pytest.raises(pw.IntegrityError, match="written only by its writer"):
        store.db.execute_sql("INSERT INTO peer (uuid) VALUES ('another-device')")
    with pytest.raises(pw.IntegrityError, match="written only by its writer"):
        Peer.create(uuid="another-device")
    # The writer adds (sealed) peers: another volunteer at this laptop is a new author.
    store.volunteer_id = ids.new_id()
    person = changelog.create(Person, family_name="Melnyk")
    assert {e.author.uuid for e in changelog.history(person.id)} == {store.volunteer_id}
    assert integrity.check() == []


def _drop_guards(store: store_db.Store) -> None:
    """What someone with the passphrase could do in the sqlcipher shell."""
    for (name,) in store.db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        if name.startswith(("peer_", "change_")):
            store.db.execute_sql(f'DROP TRIGGER "{name}"')


def test_check_finds_a_peer_rewritten_with_the_triggers_dropped(store: store_db.Store) -> None:
    from desktop.core.people import create_person

    create_person({"family_name": "Melnyk", "given_name": "Iryna"})
    assert integrity.check() == []
    _drop_guards(store)
    other = ids.new_id()
    store.db.execute_sql("UPDATE peer SET uuid = ? WHERE uuid = ?", (other, store.device_id))
    found = [str(p) for p in integrity.check()]
    assert any(p.startswith("peer ") and "differs from its seal" in p for p in found), found
    assert any("was created by another device than its change log says" in p for p in found), found
    assert "database: the guard trigger peer_no_update is missing" in found
    # Sealed again as well (a rewrite made before schema version 8 sealed the peers): the records
    # created by that device still name it.
    (number,) = store.db.execute_sql("SELECT id FROM peer WHERE uuid = ?", (other,)).fetchone()
    store.db.execute_sql("UPDATE peer SET seal = ? WHERE id = ?", (migrations.peer_seal(number, other), number))
    found = [str(p) for p in integrity.check()]
    assert not any("seal" in p for p in found)
    assert any("was created by another device than its change log says" in p for p in found), found


def test_check_finds_entries_added_past_the_writer(store: store_db.Store) -> None:
    from desktop.core.people import create_person

    person = create_person({"family_name": "Melnyk", "given_name": "Iryna"})
    assert integrity.check() == []
    _drop_guards(store)
    (device,) = store.db.execute_sql("SELECT id FROM peer WHERE uuid = ?", (store.device_id,)).fetchone()
    insert = (
        "INSERT INTO change (change_id, record_type, record_id, field, value, hlc, device, base) "
        "VALUES (randomblob(16), ?, ?, ?, ?, ?, ?, ?)"
    )
    record = ids.to_bytes(person.id)
    old = changelog.history(person.id)[0].hlc - 1  # older than the head: the current state stays the same
    store.db.execute_sql(insert, ("person", record, "shoe_size", "42", old, device, None))
    store.db.execute_sql(insert, ("pet", ids.new_id_bytes(), "name", '"Rex"', old, device, None))
    store.db.execute_sql(insert, ("person", record, "given_name", '"Oksana"', old, device, ids.new_id_bytes()))
    store.db.execute_sql(insert, ("person", record, "city", '"Leipzig"', store.clock.now() + 10**9, device, None))
    found = [str(p) for p in integrity.check()]
    assert f"person {person.id}: the change log sets an unknown field shoe_size" in found
    assert "change log: entries of an unknown record type 'pet'" in found
    assert f"person {person.id}: a change of field given_name names a base not in the log" in found
    assert "change log: 1 entries are stamped later than the clock has seen" in found


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
