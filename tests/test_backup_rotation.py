"""Backup rotation (7 daily + 4 weekly) as a pure choice and on disk, and the backup at closing, with a fake
clock: backups are named by the time given to make_backup, never by the machine's clock."""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from pathlib import Path

import pytest

from desktop.core import people
from desktop.core.store import backup
from desktop.core.store import db as store_db

START = dt.datetime(2026, 1, 1, 8, 0)  # a Thursday


def _history(days: int, seed: int) -> list[dt.datetime]:
    """Backups over ``days`` days as a volunteer makes them: most days one or more, some days none, and a
    few pauses of one to three weeks."""
    rng = random.Random(seed)
    times: list[dt.datetime] = []
    day = 0
    while day < days:
        if rng.random() < 0.05:
            day += rng.randint(7, 21)  # a holiday: no backups at all
            continue
        for _ in range(rng.choice((0, 1, 1, 1, 2, 3))):
            times.append(START + dt.timedelta(days=day, minutes=rng.randint(0, 14 * 60)))
        day += 1
    return sorted(times)


def _expected(history: list[dt.datetime]) -> set[dt.datetime]:
    """The rotation written out plainly: newest per day for the last 7 days with a backup, then newest per
    ISO week for the 4 weeks with a backup before the week of the oldest of those days."""
    newest_of_day: dict[dt.date, dt.datetime] = {}
    for when in history:
        newest_of_day[when.date()] = max(when, newest_of_day.get(when.date(), when))
    days = sorted(newest_of_day, reverse=True)[:7]
    keep = {newest_of_day[day] for day in days}
    if not days:
        return keep
    newest_of_week: dict[tuple[int, int], dt.datetime] = {}
    for when in history:
        week = when.isocalendar()[:2]
        if week < min(days).isocalendar()[:2]:
            newest_of_week[week] = max(when, newest_of_week.get(week, when))
    keep |= {newest_of_week[week] for week in sorted(newest_of_week, reverse=True)[:4]}
    return keep


def _choose(times: list[dt.datetime]) -> set[dt.datetime]:
    return {times[i] for i in backup.kept(times)}


def test_nothing_and_one_backup() -> None:
    assert backup.kept([]) == set()
    assert backup.kept([START]) == {0}


def test_several_backups_of_one_day_keep_the_newest() -> None:
    times = [START.replace(hour=h) for h in (15, 8, 11)]
    assert backup.kept(times) == {0}


def test_seven_days_and_four_weeks_before_them() -> None:
    # Every day from Thursday 1 January to Saturday 14 February 2026, at 9:00 and 17:00.
    times = [START.replace(hour=h) + dt.timedelta(days=d) for d in range(45) for h in (9, 17)]
    chosen = sorted(_choose(times))
    assert chosen == [
        dt.datetime(2026, 1, 11, 17),  # Sunday of ISO week 2
        dt.datetime(2026, 1, 18, 17),  # week 3
        dt.datetime(2026, 1, 25, 17),  # week 4
        dt.datetime(2026, 2, 1, 17),  # week 5
        *(dt.datetime(2026, 2, d, 17) for d in range(8, 15)),  # the last seven days (from Sunday 8 February)
    ]


def test_days_without_a_backup_take_no_place() -> None:
    # Three backups, then a pause of two months, then two more: all five days are still kept.
    times = [START + dt.timedelta(days=d) for d in (0, 1, 2, 62, 63)]
    assert _choose(times) == set(times)


@pytest.mark.parametrize("seed", range(8))
def test_months_of_rotation_lose_no_backup_it_would_keep(seed: int) -> None:
    """Rotating after every new backup (as make_backup does) keeps exactly what the rule asks of the whole
    history: nothing that a later rotation would have kept was removed before."""
    history = _history(180, seed)
    on_disk: list[dt.datetime] = []
    for count, when in enumerate(history, 1):
        on_disk = sorted(_choose([*on_disk, when]))
        assert set(on_disk) == _expected(history[:count])
        assert len(on_disk) <= backup.KEEP == 11
        assert on_disk[-1] == when  # the newest is always kept
    assert len(on_disk) == 11  # half a year of use fills every place


def test_the_rule_as_written_matches_a_long_daily_history() -> None:
    history = [START + dt.timedelta(days=d, hours=d % 5) for d in range(400)]
    assert _choose(history) == _expected(history)
    assert len(_choose(history)) == 11


# --- on disk, with the fake clock ------------------------------------------------------------------------


def _on_disk(profile_dir: Path) -> list[dt.datetime]:
    return [backup.backup_time(path) for path in backup.backups(profile_dir)]


def test_rotation_on_disk_over_two_months(store: store_db.Store, profile_dir: Path) -> None:
    people.create_person({"family_name": "Bondarenko"})
    history = _history(75, seed=3)
    for count, when in enumerate(history, 1):
        backup.make_backup(when)
        assert set(_on_disk(profile_dir)) == _expected(history[:count])
        assert max(_on_disk(profile_dir)) == when
        assert len(_on_disk(profile_dir)) <= 11
    assert len(history) > 30 and len(backup.backups(profile_dir)) >= 10
    # Nothing but the kept backups is left in the folder.
    on_disk = sorted(p.name for p in (profile_dir / "backups").iterdir() if p.name != "keys.json")
    assert on_disk == [p.name for p in backup.backups(profile_dir)]


def test_nothing_is_removed_when_the_new_backup_does_not_verify(
    store: store_db.Store, profile_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for day in range(12):
        backup.make_backup(START + dt.timedelta(days=day))
    before = _on_disk(profile_dir)
    assert len(before) == 8

    def fails(path: Path, key_material: object = None) -> None:
        raise backup.BackupError("backup failed verification")

    monkeypatch.setattr(backup, "verify", fails)
    with pytest.raises(backup.BackupError):
        backup.make_backup(START + dt.timedelta(days=40))
    assert _on_disk(profile_dir) == before


def test_a_daily_backup_is_due_after_a_day(store: store_db.Store, profile_dir: Path) -> None:
    first = backup.make_backup(START)
    taken = dt.datetime.fromtimestamp(first.stat().st_mtime)
    assert backup.backup_if_due(now=taken + dt.timedelta(hours=23)) is None
    second = backup.backup_if_due(now=taken + dt.timedelta(hours=25))
    assert second is not None and second != first and len(backup.backups(profile_dir)) == 2


# --- the backup at closing ----------------------------------------------------------------------------------


def test_closing_makes_a_backup_only_when_something_was_written(store: store_db.Store, profile_dir: Path) -> None:
    people.create_person({"family_name": "Tkachenko"})
    store_db.checkpoint()  # as closing does first: the WAL folded in
    assert backup.backup_on_close(START) is not None  # there was none
    assert backup.backup_on_close(START + dt.timedelta(minutes=1)) is None  # nothing written since
    store_db.checkpoint()  # folding an empty WAL in writes nothing
    assert backup.backup_on_close(START + dt.timedelta(minutes=2)) is None
    people.create_person({"family_name": "Lysenko"})
    made = backup.backup_on_close(START + dt.timedelta(minutes=3))
    assert made is not None and made.name == "begleiter-20260101-080300.db"
    assert backup.backups(profile_dir) == [made]  # the same day: the newer backup takes the day's place


def test_a_write_while_the_backup_is_copied_counts_as_after_it(store: store_db.Store, profile_dir: Path) -> None:
    """A backup's time is when its copy began: a write during the copy is not taken for one in it."""
    made = backup.make_backup(START)
    began = made.stat().st_mtime_ns
    wal = profile_dir / "begleiter.db-wal"
    people.create_person({"family_name": "Moroz"})
    os.utime(wal, ns=(began + 1, began + 1))
    assert backup.changed_since(profile_dir, made)
    os.utime(wal, ns=(began - 1, began - 1))
    db_file = profile_dir / "begleiter.db"
    os.utime(db_file, ns=(began - 1, began - 1))
    assert not backup.changed_since(profile_dir, made)


def test_reopening_an_unchanged_profile_needs_no_closing_backup(store: store_db.Store, profile_dir: Path) -> None:
    from desktop import app
    from desktop.core import profile
    from tests.conftest import PASSPHRASE

    people.create_person({"family_name": "Shevchuk"})

    def written() -> list[tuple[str, int]]:
        return [(p.name, p.stat().st_mtime_ns) for p in backup.backups(profile_dir)]

    app.close_profile(with_backup=True)  # as the app closes: WAL folded in, then the backup
    first = written()
    assert len(first) == 1 and not store_db.is_open()
    time.sleep(0.01)
    profile.unlock(profile_dir, PASSPHRASE)
    assert people.count_people() == 1
    app.close_profile(with_backup=True)
    assert written() == first  # opened and read, nothing written: no second copy
    profile.unlock(profile_dir, PASSPHRASE)
    people.create_person({"family_name": "Kovalchuk"})
    app.close_profile(with_backup=False)  # ended by a signal: no backup
    assert written() == first
    profile.unlock(profile_dir, PASSPHRASE)
    app.close_profile(with_backup=True)  # the next closing catches up
    assert written() != first
