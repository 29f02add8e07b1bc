"""The appointments calendar (.ics): parsed back with icalendar, minimal, stable UIDs, Europe/Berlin across
a daylight-saving change."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from desktop.core import appointments, people
from desktop.core.calendar import ics
from desktop.core.privacy import deletion
from desktop.core.store import changelog
from desktop.core.store.models import Volunteer


def _events(data: bytes) -> dict[str, object]:
    return {str(e["uid"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


@pytest.mark.usefixtures("store")
def test_the_calendar_is_minimal_stable_and_in_berlin_time_across_daylight_saving() -> None:
    person = people.create_person(
        {"family_name": "Kovalenko", "given_name": "Olena", "phone": "+49 151 1234567", "jobcenter_customer_no": ""}
    )
    before = appointments.create_appointment(
        {"person": person.id, "starts_at": dt.datetime(2026, 3, 28, 10, 0), "office": "Jobcenter Leipzig"}
    )
    after = appointments.create_appointment(
        {"person": person.id, "starts_at": dt.datetime(2026, 3, 30, 10, 0), "office": "Ausländerbehörde"}
    )
    data = ics.calendar(now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    assert b"Kovalenko" not in data and b"1234567" not in data and person.id.encode() not in data
    cal = Calendar.from_ical(data)
    assert cal.walk("VTIMEZONE") and str(cal.walk("VTIMEZONE")[0]["tzid"]) == "Europe/Berlin"
    events = _events(data)
    first, second = events[f"{before.id}@{ics.UID_DOMAIN}"], events[f"{after.id}@{ics.UID_DOMAIN}"]
    assert str(first["summary"]) == "Jobcenter Leipzig · O. K."
    # 10:00 in Berlin is 09:00 UTC before the change to summer time and 08:00 UTC after it.
    assert first.decoded("dtstart").astimezone(dt.UTC).hour == 9
    assert second.decoded("dtstart").astimezone(dt.UTC).hour == 8
    assert first.decoded("dtend") - first.decoded("dtstart") == dt.timedelta(minutes=60)
    # A second export has the same UIDs; an edit raises the SEQUENCE; a deletion cancels the event.
    appointments.update_appointment(after.id, {"office": "Ausländerbehörde Leipzig"})
    deletion.delete("appointment", before.id)
    again = _events(ics.calendar())
    assert set(again) == set(events)
    assert int(again[f"{after.id}@{ics.UID_DOMAIN}"]["sequence"]) > int(second["sequence"])
    assert str(again[f"{before.id}@{ics.UID_DOMAIN}"]["status"]) == "CANCELLED"


@pytest.mark.usefixtures("store")
def test_one_volunteers_calendar_holds_only_their_appointments() -> None:
    other = changelog.create(Volunteer, name="Andere Helferin")
    person = people.create_person({"family_name_cyr": "Шевченко", "given_name_cyr": "Тарас"})
    mine = appointments.create_appointment(
        {
            "person": person.id,
            "starts_at": dt.datetime(2026, 12, 10, 9, 0),
            "office": "Bürgeramt",
            "volunteer": other.id,
        }
    )
    appointments.create_appointment({"person": person.id, "starts_at": dt.datetime(2026, 12, 11, 9, 0), "office": "x"})
    events = _events(ics.calendar(other.id))
    assert list(events) == [f"{mine.id}@{ics.UID_DOMAIN}"]
    assert str(events[f"{mine.id}@{ics.UID_DOMAIN}"]["summary"]) == "Bürgeramt · T. S."  # the passport letters


def test_cli_ics(store, profile_dir, tmp_path, monkeypatch, capsys) -> None:
    from desktop import cli
    from desktop.core.store import db as store_db
    from tests.conftest import PASSPHRASE

    person = people.create_person({"family_name": "Bondarenko", "given_name": "Iryna"})
    appointments.create_appointment(
        {"person": person.id, "starts_at": dt.datetime(2026, 12, 7, 11), "office": "Jobcenter"}
    )
    store_db.close_store()
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "termine.ics"
    assert cli.main(["--data-dir", str(profile_dir), "ics", "--out", str(out)]) == cli.EXIT_OK
    assert [str(e["summary"]) for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT")] == ["Jobcenter · I. B."]
    assert cli.main(["--data-dir", str(profile_dir), "ics", "--volunteer", "nobody", "--out", str(out)]) != cli.EXIT_OK
    assert cli.main(["--data-dir", str(profile_dir), "ics", "--out", str(tmp_path / "no" / "x.ics")]) == cli.EXIT_USAGE


def test_the_file_menu_exports_the_volunteers_own_appointments(qtbot, store, tmp_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    from desktop.ui import common
    from desktop.ui.main_window import MainWindow

    person = people.create_person({"family_name": "Melnyk", "given_name": "Petro"})
    own = appointments.create_appointment(
        {
            "person": person.id,
            "starts_at": dt.datetime(2026, 12, 8, 9),
            "office": "Jobcenter",
            "volunteer": store.volunteer_id,
        }
    )
    appointments.create_appointment({"person": person.id, "starts_at": dt.datetime(2026, 12, 9, 9), "office": "Amt"})
    window = MainWindow()
    qtbot.addWidget(window)
    target = tmp_path / "mine.ics"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (a[3][0], True))
    monkeypatch.setattr(common, "ask_save_file", lambda *a, **k: str(target))
    window.act_calendar.trigger()
    assert list(_events(target.read_bytes())) == [f"{own.id}@{ics.UID_DOMAIN}"]
    assert "initials" in window.statusBar().currentMessage()
