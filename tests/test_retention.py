"""Retention: closed cases and inactive people past the period are listed, then erased or anonymised."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop.core import appointments, cases, ids, people, tasks
from desktop.core.privacy import retention
from desktop.core.store import changelog, integrity
from desktop.core.store import db as store_db
from desktop.core.store.models import Case, Person

TODAY = dt.date.today()


def _later(months: int) -> dt.date:
    return retention.cutoff(TODAY, -months)


def test_the_cutoff_goes_back_calendar_months() -> None:
    assert retention.cutoff(dt.date(2026, 12, 3), 12) == dt.date(2025, 12, 3)
    assert retention.cutoff(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert retention.cutoff(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)
    assert retention.cutoff(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)
    assert retention.cutoff(dt.date(2026, 1, 15), -1) == dt.date(2026, 2, 15)


@pytest.mark.usefixtures("store")
def test_what_is_due_closed_cases_and_people_without_open_case_or_activity() -> None:
    open_case_person = people.create_person({"family_name": "Offen"})
    cases.create_case({"person": open_case_person.id, "case_type": "sonstiges", "title": "still open"})
    idle = people.create_person({"family_name": "Ruhig"})
    closed_person = people.create_person({"family_name": "Abgeschlossen"})
    old_case = cases.create_case(
        {
            "person": closed_person.id,
            "case_type": "widerspruch",
            "reference": "ALT-1",
            "status": "closed",
            "opened_on": TODAY - dt.timedelta(days=900),
            "closed_on": TODAY - dt.timedelta(days=800),
        }
    )
    recent_case = cases.create_case(
        {
            "person": closed_person.id,
            "case_type": "sonstiges",
            "title": "recent",
            "status": "closed",
            "closed_on": TODAY,
        }
    )
    # Within the period nothing but the long-closed case is due.
    now_due = retention.due(TODAY, 12)
    assert [(d.kind, d.record_id) for d in now_due] == [("case", old_case.id)]
    assert "ALT-1" in now_due[0].label and "ABGESCHLOSSEN" in now_due[0].label.upper()
    # Thirteen months on: both closed cases, the idle person and the one whose cases are all closed.
    later = retention.due(_later(13), 12)
    assert {(d.kind, d.record_id) for d in later} == {
        ("case", old_case.id),
        ("case", recent_case.id),
        ("person", idle.id),
        ("person", closed_person.id),
    }
    assert [d.kind for d in later] == ["case", "case", "person", "person"]  # cases first, oldest first
    assert open_case_person.id not in {d.record_id for d in later}


@pytest.mark.usefixtures("store")
def test_activity_on_anything_that_hangs_on_a_person_counts() -> None:
    person = people.create_person({"family_name": "Aktiv"})
    case = cases.create_case({"person": person.id, "case_type": "sonstiges", "title": "t", "status": "closed"})
    first = retention.last_activity()[person.id]
    task = tasks.create_task({"case": case.id, "title": "Nachfragen"})  # two steps away: task → case → person
    after_task = retention.last_activity()[person.id]
    assert after_task > first
    assert after_task == max(e.hlc for e in changelog.history(task.id))
    appointments.create_appointment(
        {"person": person.id, "starts_at": dt.datetime(2027, 1, 5, 9, 0), "office": "Jobcenter"}
    )
    assert retention.last_activity()[person.id] > after_task


@pytest.mark.usefixtures("store")
def test_erase_and_anonymise_what_is_due() -> None:
    keep = people.create_person({"family_name": "Bleibt"})
    cases.create_case({"person": keep.id, "case_type": "sonstiges", "title": "open"})
    gone = [people.create_person({"family_name": f"Geht{n}"}) for n in range(3)]
    due = retention.due(_later(13), 12)
    assert {d.record_id for d in due} == {p.id for p in gone}
    retention.anonymise(due[:2])
    counts = retention.kept_counts()
    assert sum(c.get("person", 0) for c in counts.values()) == 2
    assert json.dumps(counts)  # a count per month and kind, nothing else
    retention.erase(due[2:])
    assert Person.select().where(Person.id.in_([p.id for p in gone])).count() == 0
    assert Person.get_or_none(Person.id == keep.id) is not None
    assert retention.due(_later(13), 12) == []
    from desktop.core.privacy import erasure

    assert erasure.erased_among([ids.to_bytes(p.id) for p in gone]) == {ids.to_bytes(p.id) for p in gone}
    assert integrity.check() == []
    assert Case.select().count() == 1


@pytest.mark.usefixtures("store")
def test_the_period_is_a_setting_with_a_default() -> None:
    assert retention.period_months() == 12
    retention.set_period_months(6)
    assert retention.period_months() == 6
    with pytest.raises(ValueError):
        retention.set_period_months(0)
    store_db.current().set_setting(retention.SETTING_MONTHS, "many")
    assert retention.period_months() == 12


def test_cli_retention_lists_and_erases_with_yes(store, profile_dir, monkeypatch, capsys) -> None:
    from desktop import cli
    from tests.conftest import PASSPHRASE

    person = people.create_person({"family_name": "Kommandozeile"})
    case = cases.create_case(
        {
            "person": person.id,
            "case_type": "widerspruch",
            "reference": "CLI-7",
            "status": "closed",
            "opened_on": TODAY - dt.timedelta(days=900),
            "closed_on": TODAY - dt.timedelta(days=700),
        }
    )
    store_db.close_store()
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    base = ["--data-dir", str(profile_dir), "retention"]
    assert cli.main([*base, "--json"]) == cli.EXIT_OK
    listed = json.loads(capsys.readouterr().out)
    assert [(d["kind"], d["id"]) for d in listed] == [("case", case.id)] and "CLI-7" in listed[0]["label"]
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert cli.main([*base, "--erase"]) == cli.EXIT_USAGE  # never without --yes when nobody can be asked
    capsys.readouterr()
    assert cli.main([*base, "--anonymise", "--yes"]) == cli.EXIT_OK
    assert "Anonymised (only counts kept)" in capsys.readouterr().out
    assert cli.main([*base, "--json"]) == cli.EXIT_OK
    assert json.loads(capsys.readouterr().out) == []
    assert Person.get_or_none(Person.id == person.id) is not None  # the person stays: only the case was due
