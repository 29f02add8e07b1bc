"""Schema migrations: a database made at version 1 upgrades to the latest without losing data."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from desktop.core import ids, people
from desktop.core.store import db as store_db
from desktop.core.store import integrity, migrations
from desktop.core.store.db import ProfileDatabase

PERSON = "01900000-0000-7000-8000-000000000001"


def _make_v1(folder: Path, version: int = 1) -> tuple[bytes, bytes]:
    """A profile database at schema ``version`` with one person written as version 1 knew it."""
    folder.mkdir()
    key, salt = secrets.token_bytes(32), secrets.token_bytes(16)
    database = ProfileDatabase(str(folder / "begleiter.db"), key, salt)
    database.connect()
    assert migrations.migrate(database, target=version) == version
    with store_db.guard_open():
        database.execute_sql("INSERT INTO peer (uuid) VALUES ('device-1')")
        database.execute_sql(
            "INSERT INTO person (id, created_at, created_by, family_name, given_name, birth_date, sort_key) "
            "VALUES (?, '2024-01-02 10:00:00', 'device-1', 'Kovalenko', 'Olena', '1985-03-12', "
            "'kovalenko olena')",
            (PERSON,),
        )
        for field, value in (
            ("deleted", "false"),
            ("family_name", '"Kovalenko"'),
            ("given_name", '"Olena"'),
            ("birth_date", '"1985-03-12"'),
        ):
            database.execute_sql(
                "INSERT INTO change (change_id, record_type, record_id, field, value, hlc, device) "
                "VALUES (randomblob(16), 'person', ?, ?, ?, 1, 1)",
                (ids.to_bytes(PERSON), field, value),
            )
    database.execute_sql("INSERT INTO setting (key, value) VALUES ('device_id', 'device-1')")
    database.close()
    return key, salt


def test_version_1_database_upgrades_to_latest(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    key, salt = _make_v1(folder)
    store = store_db.open_with_key(folder, key, salt)
    assert migrations.current_version(store.db) == migrations.LATEST
    columns = {r[1] for r in store.db.execute_sql("PRAGMA table_info(person)")}
    assert {"jobcenter_customer_no", "iban", "tax_id"} <= columns
    (row,) = people.page_people()
    assert (row.family_name, row.given_name, str(row.birth_date)) == ("Kovalenko", "Olena", "1985-03-12")
    # Migration 5 built the search index for the people already there.
    from desktop.core.search import query

    assert [h.row.id for h in query.search("Коваленко Олена").hits] == [PERSON]
    assert [h.row.id for h in query.search("12.03.1985").hits] == [PERSON]
    # The upgraded person can be edited through the change log like any other.
    people.update_person(PERSON, {"iban": "DE89370400440532013000"})
    assert people.page_people()[0].id == PERSON
    assert integrity.check() == []


def test_each_migration_bumps_the_version_in_its_transaction(tmp_path: Path) -> None:
    folder = tmp_path / "steps"
    folder.mkdir()
    database = ProfileDatabase(str(folder / "begleiter.db"), secrets.token_bytes(32), secrets.token_bytes(16))
    database.connect()
    for target in sorted(migrations.MIGRATIONS):
        assert migrations.migrate(database, target=target) == target
        assert migrations.current_version(database) == target
    database.close()


def test_a_failing_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "broken"
    key, salt = _make_v1(folder)

    def broken(db) -> None:
        db.execute_sql("ALTER TABLE person ADD COLUMN half_done TEXT")
        raise RuntimeError("disk full")

    monkeypatch.setitem(migrations.MIGRATIONS, 2, broken)
    with pytest.raises(RuntimeError):
        store_db.open_with_key(folder, key, salt)
    database = ProfileDatabase(str(folder / "begleiter.db"), key, salt)
    database.connect()
    assert migrations.current_version(database) == 1
    assert "half_done" not in {r[1] for r in database.execute_sql("PRAGMA table_info(person)")}
    database.close()


def test_demo_profile_is_consistent(store: store_db.Store) -> None:
    from desktop.core import demo

    counts = demo.generate(60, seed=3)
    assert counts["person"] == 60
    assert integrity.check() == []


@pytest.mark.parametrize("version", range(1, 8))
def test_every_earlier_version_gets_the_change_log_guards(tmp_path: Path, version: int) -> None:
    """Schema 8: entries only through the writer; peers append-only and sealed."""
    import peewee as pw

    folder = tmp_path / f"v{version}"
    key, salt = _make_v1(folder, version)
    store = store_db.open_with_key(folder, key, salt)
    assert migrations.current_version(store.db) == migrations.LATEST >= 8
    ((number, seal),) = store.db.execute_sql("SELECT id, seal FROM peer").fetchall()
    assert seal == migrations.peer_seal(number, "device-1")
    with pytest.raises(pw.IntegrityError, match="append-only"):
        store.db.execute_sql("UPDATE peer SET uuid = 'device-2'")
    with pytest.raises(pw.IntegrityError, match="written only by its writer"):
        store.db.execute_sql(
            "INSERT INTO change (change_id, record_type, record_id, field, value, hlc, device) "
            "VALUES (randomblob(16), 'person', ?, 'city', '\"Leipzig\"', 2, 1)",
            (ids.to_bytes(PERSON),),
        )
    people.update_person(PERSON, {"city": "Leipzig"})  # the writer adds this laptop's volunteer-less entry
    assert integrity.check() == []


def test_a_peer_rewritten_before_the_upgrade_is_found(tmp_path: Path) -> None:
    folder = tmp_path / "v7"
    key, salt = _make_v1(folder, 7)
    database = ProfileDatabase(str(folder / "begleiter.db"), key, salt)
    database.connect()
    database.execute_sql("UPDATE peer SET uuid = 'device-9'")  # nothing refused this before version 8
    database.close()
    store = store_db.open_with_key(folder, key, salt)
    assert store.db.execute_sql("SELECT uuid FROM peer").fetchall() == [("device-9",)]
    assert [str(p) for p in integrity.check()] == [
        f"person {PERSON}: was created by another device than its change log says"
    ]


def test_a_version_10_profile_gets_the_consents_table(tmp_path: Path) -> None:
    """Schema 12: consents of a person, guarded like every travelling table; 10 steps over the missing 11."""
    import datetime as dt

    import peewee as pw

    from desktop.core import consents
    from desktop.core.store import changelog

    folder = tmp_path / "v10"
    key, salt = _make_v1(folder, 10)
    store = store_db.open_with_key(folder, key, salt)
    assert migrations.current_version(store.db) == migrations.LATEST >= 12
    with pytest.raises(pw.IntegrityError, match="only through the change log"):
        store.db.execute_sql(
            "INSERT INTO consent (id, created_at, created_by, person_id, signed_on) "
            "VALUES ('x', '2026-01-01', 'device-1', ?, '2026-01-01')",
            (PERSON,),
        )
    made = consents.create_consent({"person": PERSON, "kind": "data_processing", "signed_on": dt.date(2026, 1, 1)})
    assert [c.id for c in consents.consents_of(PERSON)] == [made.id]
    assert {e.field for e in changelog.history(made.id)} == {"person", "signed_on"}
