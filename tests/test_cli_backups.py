"""begleiter-cli backups and restore: the list read under the profile key, and a restore that keeps the current
database aside."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from desktop import cli
from desktop.core import cases, people, profile
from desktop.core.store import backup
from desktop.core.store import db as store_db
from tests.conftest import PASSPHRASE

PAGE = 4096


def _add(count: int, with_cases: int) -> None:
    for i in range(count):
        person = people.create_person({"family_name": f"Hnatiuk{i}"})
        if i < with_cases:
            cases.create_case({"person": person.id, "case_type": "widerspruch"})


@pytest.fixture
def three_backups(store: store_db.Store, profile_dir: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Backups of 3 people/1 case (1 March), 5 people/3 cases (2 March), and a damaged copy (3 March);
    the profile itself then holds 6 people."""
    _add(3, 1)
    first = backup.make_backup(dt.datetime(2026, 3, 1, 9, 0))
    _add(2, 2)
    second = backup.make_backup(dt.datetime(2026, 3, 2, 9, 0))
    damaged = second.with_name("begleiter-20260303-090000.db")
    data = bytearray(second.read_bytes())
    data[3 * PAGE + 100 : 3 * PAGE + 132] = bytes(32)
    damaged.write_bytes(bytes(data))
    _add(1, 0)
    store_db.checkpoint()
    store_db.close_store()
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    return [first, second, damaged]


def test_backups_json_lists_every_backup_with_its_counts(three_backups, profile_dir: Path, capsys) -> None:
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in three_backups}
    code = cli.main(["--data-dir", str(profile_dir), "backups", "--json"])
    listed = json.loads(capsys.readouterr().out)
    assert code == cli.EXIT_PROBLEMS  # one backup fails its check
    assert [(b["name"], b["people"], b["cases"], b["verified"]) for b in listed] == [
        ("begleiter-20260303-090000.db", 5, 3, False),  # opens (its schema is whole), a page fails its MAC
        ("begleiter-20260302-090000.db", 5, 3, True),
        ("begleiter-20260301-090000.db", 3, 1, True),
    ]
    assert listed[2]["time"] == "2026-03-01T09:00:00" and listed[2]["size"] == three_backups[0].stat().st_size
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in three_backups} == before  # only read


def test_backups_text_and_a_sound_list(three_backups, profile_dir: Path, capsys) -> None:
    three_backups[2].unlink()
    assert cli.main(["--data-dir", str(profile_dir), "backups"]) == cli.EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("begleiter-20260302-090000.db") and "5 people, 3 cases" in lines[0]
    assert "3 people, 1 case" in lines[1] and lines[1].endswith("verified")


def test_backups_needs_the_right_passphrase(three_backups, profile_dir: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", "not the passphrase")
    assert cli.main(["--data-dir", str(profile_dir), "backups", "--json"]) == cli.EXIT_PASSPHRASE
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("given", ["begleiter-20260301-090000.db", "20260301-090000", "path"])
def test_restore_by_name_keeps_the_current_database_aside(three_backups, profile_dir: Path, given: str, capsys):
    database = profile_dir / "begleiter.db"
    current = database.read_bytes()
    argument = str(three_backups[0]) if given == "path" else given
    assert cli.main(["--data-dir", str(profile_dir), "restore", argument]) == cli.EXIT_OK
    out = capsys.readouterr().out
    aside = next((profile_dir / "replaced").iterdir())
    assert str(aside) in out
    assert (aside / "begleiter.db").read_bytes() == current  # the replaced database, byte for byte
    profile.unlock(profile_dir, PASSPHRASE)
    assert people.count_people() == 3


def test_restore_twice_keeps_both_earlier_databases(three_backups, profile_dir: Path, capsys) -> None:
    database = profile_dir / "begleiter.db"
    originals = [database.read_bytes()]
    assert cli.main(["--data-dir", str(profile_dir), "restore", "begleiter-20260301-090000.db"]) == cli.EXIT_OK
    originals.append(database.read_bytes())
    assert cli.main(["--data-dir", str(profile_dir), "restore", "begleiter-20260302-090000.db"]) == cli.EXIT_OK
    kept = sorted((profile_dir / "replaced").iterdir())
    assert len(kept) == 2  # the same second: a second folder, nothing overwritten
    assert sorted((k / "begleiter.db").read_bytes() for k in kept) == sorted(originals)
    profile.unlock(profile_dir, PASSPHRASE)
    assert people.count_people() == 5


def test_restore_refuses_a_damaged_or_unknown_backup_and_changes_nothing(three_backups, profile_dir: Path, capsys):
    database = profile_dir / "begleiter.db"
    current = database.read_bytes()
    assert cli.main(["--data-dir", str(profile_dir), "restore", "begleiter-20260303-090000.db"]) == cli.EXIT_ERROR
    assert cli.main(["--data-dir", str(profile_dir), "restore", "begleiter-20990101-000000"]) == cli.EXIT_USAGE
    assert cli.main(["--data-dir", str(profile_dir), "restore", str(profile_dir / "nowhere.db")]) == cli.EXIT_USAGE
    assert database.read_bytes() == current and not (profile_dir / "replaced").exists()
    assert not [p for p in profile_dir.glob(".*restoring*")]


def test_restore_of_a_damaged_profile_keeps_it_in_damaged(three_backups, profile_dir: Path, capsys) -> None:
    database = profile_dir / "begleiter.db"
    database.write_bytes(database.read_bytes()[: -2 * PAGE])
    assert cli.main(["--data-dir", str(profile_dir), "check"]) == cli.EXIT_DAMAGED
    err = capsys.readouterr().err
    assert "begleiter-20260302-090000.db" in err  # the newest good backup is named
    damaged = database.read_bytes()
    assert cli.main(["--data-dir", str(profile_dir), "restore"]) == cli.EXIT_OK
    aside = next((profile_dir / "damaged").iterdir())
    assert (aside / "begleiter.db").read_bytes() == damaged
    assert str(aside) in capsys.readouterr().out
    profile.unlock(profile_dir, PASSPHRASE)
    assert people.count_people() == 5
    assert os.stat(aside).st_mode & 0o077 == 0 if os.name == "posix" else True
