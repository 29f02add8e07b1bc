"""A bulk write of many records lifts the insert triggers that only let the writer through, inside its own
transaction: they are back, the same, when it ends – committed or rolled back – and refuse other writers."""

from __future__ import annotations

import peewee as pw
import pytest

from desktop.core import ids
from desktop.core.store import changelog, integrity
from desktop.core.store import db as store_db
from desktop.core.store.models import Person, Volunteer


def _triggers(store: store_db.Store) -> list[tuple[str, str]]:
    return store.db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()


def _lifted_while(store: store_db.Store) -> set[str]:
    """The triggers missing from the schema while a bulk write of persons runs (seen from inside it)."""
    before = {name for name, _sql in _triggers(store)}
    seen: set[str] = set()
    original = changelog.search_index.index_new

    def spy(db: object, record_type: str, rows: list) -> None:  # the writer's own call, observed
        seen.update(before - {name for name, _sql in _triggers(store)})
        original(db, record_type, rows)

    changelog.search_index.index_new = spy
    try:
        changelog.bulk_create(Person, [{"family_name": f"Name{i}"} for i in range(store_db.BULK_ROWS)])
    finally:
        changelog.search_index.index_new = original
    return seen


def test_bulk_write_lifts_only_inert_insert_triggers_and_puts_them_back(store: store_db.Store) -> None:
    before = _triggers(store)
    lifted = _lifted_while(store)
    assert lifted == {"guard_person_insert", "search_person_insert", "change_guard_insert"}
    assert _triggers(store) == before
    assert integrity.check() == []
    # Outside the writer the guards refuse again.
    with pytest.raises(pw.IntegrityError, match="change log"):
        store.db.execute_sql(
            "INSERT INTO volunteer (id, created_at, created_by, name) VALUES (?, '2026-01-01', 'x', 'X')",
            (ids.new_id(),),
        )


def test_a_failed_bulk_write_leaves_no_row_and_every_trigger(store: store_db.Store) -> None:
    before, count = _triggers(store), Volunteer.select().count()
    rows = [{"name": f"Volunteer {i}"} for i in range(store_db.BULK_ROWS + 10)]
    rows[-1] = {"name": "Last", "no_such_field": 1}
    with pytest.raises(KeyError, match="no_such_field"):
        changelog.bulk_create(Volunteer, rows)
    assert _triggers(store) == before
    assert Volunteer.select().count() == count


def test_a_small_write_changes_no_schema(store: store_db.Store) -> None:
    version = store.db.execute_sql("PRAGMA schema_version").fetchone()[0]
    changelog.bulk_create(Volunteer, [{"name": f"Volunteer {i}"} for i in range(10)])
    assert store.db.execute_sql("PRAGMA schema_version").fetchone()[0] == version


def test_importing_a_big_bundle_lifts_the_same_triggers_and_puts_them_back(tmp_path, monkeypatch) -> None:
    """An import of thousands of new records writes them and their change entries as a bulk write does."""
    from contextlib import contextmanager

    from desktop.core.sync import exchange
    from tests.laptops import Laptop

    anna, bohdan = Laptop(tmp_path / "anna", "anna", "Anna"), Laptop(tmp_path / "bohdan", "bohdan", "Bohdan")
    anna.use()
    changelog.bulk_create(Person, [{"family_name": f"Name{i}"} for i in range(store_db.BULK_ROWS)])
    plain = anna.export()
    bohdan.use()
    store = store_db.current()
    before = _triggers(store)
    names = {name for name, _sql in before}
    lifted: dict[tuple[str, ...], set[str]] = {}
    original = store_db.insert_triggers_lifted

    @contextmanager
    def observed(tables, rows):  # the schema as the import's inserts see it
        with original(tables, rows):
            lifted[tuple(tables)] = names - {name for name, _sql in _triggers(store)}
            yield

    monkeypatch.setattr(exchange.store_db, "insert_triggers_lifted", observed)
    report = bohdan.apply(plain)
    assert report.new >= store_db.BULK_ROWS
    assert lifted[("person",)] == {"guard_person_insert", "search_person_insert"}
    assert lifted[("change",)] == {"change_guard_insert"}
    assert _triggers(store) == before
    assert integrity.check() == []
    assert Person.select().count() == store_db.BULK_ROWS
