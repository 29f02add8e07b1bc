"""Kill test: processes writing to a profile (demo data, spreadsheet imports, edits, new records,
backups, exchange bundle imports, passphrase changes) are killed with SIGKILL at random moments; after every
kill the profile must unlock with the right passphrase (the old or the new one after a change), hold every
change that was acknowledged, and pass the integrity check.

`make test` runs a quick round (BEGLEITER_KILLS, default 12); `make kill-test` runs 240.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from desktop.core import people, profile
from desktop.core.errors import WrongPassphrase
from desktop.core.store import db as store_db
from desktop.core.store import integrity
from desktop.core.store.models import Person
from tests.conftest import PASSPHRASE, TEST_KDF
from tests.laptops import Laptop

ROOT = Path(__file__).resolve().parent.parent
KILLS = int(os.environ.get("BEGLEITER_KILLS", "12"))
IMPORT_ROWS = 4000
BUNDLE_PEOPLE = 1500
OTHER_PASSPHRASE = "the other passphrase of the kill test"
SEED = int(os.environ.get("BEGLEITER_KILL_SEED", "20261202"))

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL")


def _letters(number: int) -> str:
    """A number in Cyrillic letters (a name must not mix scripts or hold digits)."""
    return "".join("абвгдежзик"[int(d)] for d in str(number))


def _cli(folder: Path, *args: str) -> str:
    return (
        "from desktop.__main__ import cli_entry\n"
        f"raise SystemExit(cli_entry([{', '.join(repr(a) for a in ('--data-dir', str(folder), *args))}]))\n"
    )


def _session(folder: Path, body: str) -> str:
    return (
        "import sys\nfrom pathlib import Path\nfrom desktop.core import profile, people\n"
        f"profile.unlock(Path({str(folder)!r}), {PASSPHRASE!r})\n" + body
    )


class Workloads:
    """What the killed processes do, and what each acknowledged (printed after its commit)."""

    def __init__(self, folder: Path, tmp: Path) -> None:
        self.folder = folder
        self.tmp = tmp
        self.edited = people.create_person({"family_name": "Edited", "city": "C0"}).id
        self.edit_value = 0  # the city's number as last seen
        self.edit_start = 1
        self.imports = 0
        self.bundles = 0
        self.bundle_ids: set[str] = set()
        self.source = Laptop(tmp / f"source-{folder.name}", "source", "Source volunteer")
        store_db.close_store()
        profile.unlock(folder, PASSPHRASE)

    def demo(self) -> tuple[str, float]:
        return _cli(self.folder, "demo", "--people", "4000"), 1.9

    def import_csv(self) -> tuple[str, float]:
        self.imports += 1
        sheet = self.tmp / f"import{self.imports}.csv"
        rows = [
            f"Імпорт{_letters(self.imports)}{_letters(i)},Олена,{1 + i % 28:02d}.03.19{50 + i % 40}"
            for i in range(IMPORT_ROWS)
        ]
        sheet.write_text("Прізвище,Ім'я,Geburtsdatum\n" + "\n".join(rows) + "\n", encoding="utf-8")
        return _cli(self.folder, "import-csv", str(sheet)), 2.2

    def edits(self) -> tuple[str, float]:
        self.edit_start = self.edit_value + 1
        body = (
            f"for i in range({self.edit_start}, 10**9):\n"
            f"    people.update_person({self.edited!r}, {{'city': f'C{{i}}'}})\n"
            f"    print('edit', i, flush=True)\n"
        )
        return _session(self.folder, body), 2.0

    def creates(self) -> tuple[str, float]:
        body = (
            "for i in range(100000):\n"
            "    p = people.create_person({'family_name': f'Acked{i}', 'notes': 'n' * 200})\n"
            "    print('created', p.id, flush=True)\n"
        )
        return _session(self.folder, body), 2.0

    def backups(self) -> tuple[str, float]:
        body = (
            "from desktop.core.store import backup\n"
            "for i in range(10**9):\n"
            "    backup.make_backup()\n"
            "    print('backup', i, flush=True)\n"
        )
        return _session(self.folder, body), 2.0

    def bundle(self) -> tuple[str, float]:
        """An exchange bundle of BUNDLE_PEOPLE new people from another laptop, imported by begleiter-cli."""
        from desktop.core.sync import exchange
        from tests.test_bundle_mutation import TEAM, age_encrypt

        self.bundles += 1
        self.source.use()
        before = {p.id for p in Person.select(Person.id)}
        for i in range(BUNDLE_PEOPLE):
            people.create_person({"family_name_cyr": f"Бандл{_letters(self.bundles)}{_letters(i)}", "notes": "b" * 300})
        self.bundle_ids = {p.id for p in Person.select(Person.id)} - before
        result = exchange.export(exchange.Scope("since_last"))
        exchange.remember_export(result)
        path = self.tmp / f"bundle{self.bundles}.age"
        path.write_bytes(age_encrypt(result.plain, TEAM))
        store_db.close_store()
        return _cli(self.folder, "import", str(path)), 1.3

    def rekey(self) -> tuple[str, float]:
        """The passphrase changed to another and back, again and again, each change acknowledged."""
        body = (
            f"old, new = {PASSPHRASE!r}, {OTHER_PASSPHRASE!r}\n"
            "for i in range(10**9):\n"
            "    profile.change_passphrase(old, new, new)\n"
            "    print('rekeyed', new == " + repr(OTHER_PASSPHRASE) + ", flush=True)\n"
            "    old, new = new, old\n"
        )
        return _session(self.folder, body), 2.0

    def all(self) -> list[str]:
        return ["demo", "import_csv", "edits", "creates", "backups", "bundle", "rekey"]


def _run_and_kill(script: str, after: float) -> tuple[list[str], int | None]:
    from tests.test_bundle_mutation import TEAM

    child = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "BEGLEITER_PASSPHRASE": PASSPHRASE, "BEGLEITER_BUNDLE_PASSPHRASE": TEAM},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    time.sleep(after)
    finished = child.poll()
    if finished is None:
        child.send_signal(signal.SIGKILL)
    out, _err = child.communicate(timeout=60)
    lines = out.split("\n")
    # The last element is "" after a complete line; anything else is a line cut by the kill: not acknowledged.
    return lines[:-1], finished


#: Rounds on one profile before the next starts fresh: the profile (and its integrity check after every
#: round) stays small, so the last round costs what the first did.
ROUNDS_PER_PROFILE = 24


def _unlock_either(folder: Path) -> None:
    """Unlock with the test's passphrase, or with the other one a killed passphrase change left in force
    (then changed back, so the next round starts as usual). Neither opening it fails the test."""
    try:
        profile.unlock(folder, PASSPHRASE)
    except WrongPassphrase:
        profile.unlock(folder, OTHER_PASSPHRASE)
        profile.change_passphrase(OTHER_PASSPHRASE, PASSPHRASE, PASSPHRASE)


def _round(work: Workloads, kind: str, rng: random.Random, round_no: int, acked_ids: set[str]) -> bool:
    """One process started and killed, then the profile checked; True when the kill landed mid-work."""
    folder = work.folder
    script, longest = getattr(work, kind)()
    before_people = None
    if kind == "import_csv":
        profile.unlock(folder, PASSPHRASE)
        before_people = people.count_people()
        store_db.close_store()
    after = rng.uniform(0.5, longest)  # Python and the unlock take about half a second
    lines, finished = _run_and_kill(script, after)
    try:
        _unlock_either(folder)
    except Exception as exc:  # a lockout: the test's whole point
        pytest.fail(f"round {round_no} ({kind}, killed after {after:.2f} s) locked out: {type(exc).__name__}: {exc}")
    try:
        if kind == "bundle":
            arrived = {p.id for p in Person.select(Person.id).where(Person.id.in_(list(work.bundle_ids)))}
            assert arrived in (set(), work.bundle_ids), f"round {round_no}: a partial bundle ({len(arrived)} people)"
            if any(line.startswith("New:") for line in lines):  # acknowledged: printed after the commit
                assert arrived == work.bundle_ids, f"round {round_no}: an acknowledged bundle is missing"
        edits = [int(line.split()[1]) for line in lines if line.startswith("edit ")]
        acked_edit = edits[-1] if edits else work.edit_value
        # The newest acknowledged edit, or the one after it (committed, killed before it was printed).
        unacked = edits[-1] + 1 if edits else (work.edit_start if kind == "edits" else acked_edit)
        city = Person.get_by_id(work.edited).city
        assert city in (f"C{acked_edit}", f"C{unacked}"), (round_no, city, acked_edit)
        work.edit_value = int(city[1:])
        acked_ids.update(line.split()[1] for line in lines if line.startswith("created "))
        present = {p.id for p in Person.select(Person.id).where(Person.id.in_(list(acked_ids)))} if acked_ids else set()
        assert present == acked_ids, f"round {round_no}: {len(acked_ids - present)} acknowledged records lost"
        if before_people is not None:
            added = people.count_people() - before_people
            assert added in (0, IMPORT_ROWS), f"round {round_no}: a partial import ({added} rows)"
        problems = integrity.check()
        assert problems == [], f"round {round_no} ({kind}): {problems[:3]}"
    finally:
        store_db.close_store()
    return finished is None


@pytest.mark.timeout(60 + KILLS * 15)
def test_sigkill_at_random_moments_loses_nothing_acknowledged_and_locks_no_one_out(tmp_path):
    rng = random.Random(SEED)
    killed: Counter[str] = Counter()
    acked_records = acked_edits = 0
    started = time.monotonic()
    for first in range(0, KILLS, ROUNDS_PER_PROFILE):
        folder = tmp_path / f"profile{first}"
        profile.create(folder, PASSPHRASE, language="en", device_name="d", volunteer_name="v", kdf_iterations=TEST_KDF)
        work = Workloads(folder, tmp_path)
        store_db.close_store()
        acked_ids: set[str] = set()
        for round_no in range(first, min(KILLS, first + ROUNDS_PER_PROFILE)):
            kind = rng.choice(work.all())
            killed[kind] += _round(work, kind, rng, round_no, acked_ids)
        acked_records += len(acked_ids)
        acked_edits += work.edit_value
    assert sum(killed.values()) >= KILLS // 2, f"too few kills landed mid-work: {dict(killed)}"
    print(
        f"\nkill test: {KILLS} rounds in {time.monotonic() - started:.0f} s, {sum(killed.values())} SIGKILLs mid-work "
        f"({', '.join(f'{k} {n}' for k, n in sorted(killed.items()))}), 0 lockouts, 0 lost: "
        f"{acked_records} acknowledged new records and {acked_edits} acknowledged edits all present, check sound "
        f"after every kill"
    )
