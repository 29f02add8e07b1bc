"""Benchmark (`make bench`): bundle export, import and re-import of 10,000 people, 25,000 cases and
100,000 changes; budgets 3 s / 5 s / 1 s (DESIGN.md §9, revised).

Measured as a user meets them, with the real team passphrase encryption (age, scrypt): export = collect,
zip, encrypt, write to a folder and read back to verify; import = read, decrypt, verify, apply in one
transaction (rows, change log, search index, conflicts, knowledge); re-import = the same file again.
The scrypt key derivation is a security setting, not our code's speed: age picks its work factor so that it
costs about a second on the sending machine, and every bundle pays it once to encrypt and once to decrypt.
It is timed apart (scrypt with the bundle's own work factor) and the budget is checked on the rest (see
README, "Exchange speed"). Each figure is the median of three runs. Beside them, the floor: a plain SQLite
executemany insert of the same rows (records and change log) into a fresh database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import sqlite3
import statistics
import time
from pathlib import Path

import pytest

from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.models import Case, Person
from desktop.core.sync import bundle, exchange, transport
from desktop.core.sync.exchange import Scope
from tests.benchmarks.conftest import runs
from tests.benchmarks.table import Run
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


def _scrypt_seconds(data: bytes) -> tuple[int, float]:
    """The work factor of an age file's scrypt stanza and the time of that key derivation alone (what
    age computes before it can read a byte: scrypt with N = 2^factor, r = 8, p = 1)."""
    stanza = data.split(b"\n", 2)[1].split()  # "-> scrypt <salt> <factor>"
    assert stanza[:2] == [b"->", b"scrypt"]
    factor = int(stanza[3])
    started = time.perf_counter()
    salt = b"age-encryption.org/v1/scrypt" + bytes(16)
    hashlib.scrypt(TEAM.encode(), salt=salt, n=2**factor, r=8, p=1, maxmem=2**31 - 1, dklen=32)
    return factor, time.perf_counter() - started


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


#: Each figure is the median of this many runs (a fresh receiving laptop for each import): a shared
#: machine's speed changes from one second to the next.
RUNS = runs(3, 1)


@pytest.fixture(scope="module")
def laptops_(tmp_path_factory: pytest.TempPathFactory) -> tuple[Laptop, list[Laptop], Path]:
    root = tmp_path_factory.mktemp("exchange")
    source = Laptop(root / "source", "source", "Benchmark source")
    targets = [Laptop(root / f"target{n}", f"target{n}", f"Benchmark target {n}") for n in range(RUNS)]
    source.use()
    _fill(random.Random(12))
    store_db.close_store()
    stick = root / "stick"
    stick.mkdir()
    return source, targets, stick


def _export(stick: Path, run: int) -> dict[str, float]:
    """What exchange.export_bundle does (collect + zip, encrypt), then the verified write."""
    t0 = time.perf_counter()
    result = exchange.export(Scope("all"))
    t1 = time.perf_counter()
    result.data = bundle.encrypt(result.plain, TEAM)
    t2 = time.perf_counter()
    transport.write_verified(result.data, stick, f"bench{run}.age")
    t3 = time.perf_counter()
    return {"total": t3 - t0, "collect": t1 - t0, "encrypt": t2 - t1, "write": t3 - t2, "net": t1 - t0 + t3 - t2}


def _import(written: Path) -> tuple[dict[str, float], exchange.Report]:
    """What exchange.import_bundle does for a new file (decrypt, verify, apply in one transaction)."""
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
    decrypt_s = t1 - t0 - read_s
    figures = {"total": t3 - t0, "read": read_s, "decrypt": decrypt_s, "verify": t2 - t1, "apply": t3 - t2}
    figures["net"] = figures["total"] - decrypt_s
    return figures, report


def _median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run whose net time is the median (its parts add up, unlike medians taken part by part)."""
    return sorted(runs, key=lambda r: r["net"])[len(runs) // 2]


def test_bundle_export_import_reimport(laptops_: tuple[Laptop, list[Laptop], Path], bench: Run) -> None:
    source, targets, stick = laptops_
    source.use()
    (changes,) = store_db.current().db.execute_sql("SELECT count(*) FROM change").fetchone()
    exports = [_export(stick, run) for run in range(RUNS)]
    result = exchange.export(Scope("all"))
    exchange.remember_export(result)
    written = sorted(stick.glob("bench*.age"))[0]
    size_mb = written.stat().st_size / 1e6
    factor, kdf_s = _scrypt_seconds(written.read_bytes())

    imports = []
    for target in targets:
        target.use()
        figures, report = _import(written)
        assert report.new == PEOPLE + CASES + 1 and report.conflicts == 0
        imports.append(figures)

    # The same file again: known by its hash, nothing written.
    reimports = []
    for _ in range(RUNS):
        started = time.perf_counter()
        again = exchange.import_bundle(transport.read_bundle(written), TEAM)
        reimports.append(time.perf_counter() - started)
        assert again.already_known
    reimport_s = statistics.median(reimports)

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

    ex, im = _median_run(exports), _median_run(imports)
    what = f"{PEOPLE:,} people, {CASES:,} cases, {changes:,} changes, {size_mb:.1f} MB"
    floor = {"baseline": floor_s, "baseline_name": "plain SQLite insert of the same rows"}
    figures = [
        bench.record(
            f"bundle export ({what}), age's scrypt excluded",
            "s",
            ex["net"],
            budget=BUDGET_EXPORT_S,
            ratio=ex["net"] / floor_s,
            note=f"collect and zip {ex['collect']:.2f} s, write and verify {ex['write']:.2f} s",
            **floor,
        ),
        bench.record(
            "bundle import into a fresh laptop, age's scrypt excluded",
            "s",
            im["net"],
            budget=BUDGET_IMPORT_S,
            ratio=im["net"] / floor_s,
            note=f"read {im['read']:.2f} s, verify {im['verify']:.2f} s, apply {im['apply']:.2f} s",
            **floor,
        ),
        bench.record("bundle re-import of the same file", "s", reimport_s, budget=BUDGET_REIMPORT_S),
    ]
    # age's part is the scrypt key derivation (the payload's ChaCha20 takes milliseconds): reported apart.
    bench.record(f"… age's scrypt of the team passphrase, work factor 2^{factor}, once per side", "s", kdf_s)
    assert all(f.ok for f in figures), [f.describe() for f in figures if not f.ok]
