"""Volunteers' hours, the initiative's settings, the certificate of voluntary work and their CLI commands."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop import cli
from desktop.core import appointments, audit, cases, people, profile
from desktop.core.errors import UserError, ValidationError
from desktop.core.network import certificate, hours, initiative
from desktop.core.privacy import erasure
from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.models import Appointment, Change, Volunteer, VolunteerHours
from tests.conftest import PASSPHRASE

CANARY = "Канарейкова"
CANARY_LATIN = "Kanareikova"
LETTERHEAD = initiative.Initiative(
    name="Ukraine-Hilfe Leipzig-Ost e.V.",
    address="Eisenbahnstraße 12\n04315 Leipzig",
    signer="Maria Muster",
    signer_role="Vorstand",
)


def _ago(days: int, hour: int = 9) -> dt.datetime:
    day = dt.date.today() - dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, 30)


@pytest.fixture
def client(store: store_db.Store) -> dict[str, str]:
    """A client with a canary name, a Jobcenter case and three appointments the profile's volunteer
    accompanied: two in the past (one at a directory office, one with only the case's authority) and one
    ahead; and one past appointment of nobody."""
    person = people.create_person(
        {"family_name_cyr": CANARY, "given_name_cyr": "Ольга", "family_name": CANARY_LATIN, "given_name": "Olha"}
    )
    case = cases.create_case({"person": person.id, "case_type": "widerspruch", "authority": "jobcenter"})
    me = store.volunteer_id
    base = {"person": person.id, "case": case.id, "volunteer": me}
    at_office = appointments.create_appointment(
        {**base, "starts_at": _ago(40), "office": "ABH", "office_key": "leipzig_ankommenszentrum_auslaenderbehoerde"}
    )
    of_case = appointments.create_appointment(
        {**base, "starts_at": _ago(10), "office": "Jobcenter", "duration_min": 120}
    )
    ahead = appointments.create_appointment({**base, "starts_at": _ago(-5), "office": "Jobcenter"})
    nobody = appointments.create_appointment(
        {"person": person.id, "starts_at": _ago(3), "office": "Sozialamt", "duration_min": 45}
    )
    return {
        "person": person.id,
        "case": case.id,
        "at_office": at_office.id,
        "of_case": of_case.id,
        "ahead": ahead.id,
        "nobody": nobody.id,
        "me": me,
    }


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages).split())


def every_font_embedded(data: bytes) -> bool:
    reader = PdfReader(io.BytesIO(data))
    found = False
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            if descriptor is None or "/FontFile2" not in descriptor.get_object():
                return False
            found = True
    return found


# --- hours from appointments -------------------------------------------------------------------------------
def test_past_accompanied_appointments_are_offered_until_recorded(client: dict[str, str]) -> None:
    offered = hours.unrecorded_appointments(client["me"])
    assert [a.id for a in offered] == [client["at_office"], client["of_case"]]  # oldest first, none ahead
    assert [a.duration_min for a in offered] == [60, 120]
    hours.record_from_appointment(client["at_office"])
    assert [a.id for a in hours.unrecorded_appointments(client["me"])] == [client["of_case"]]
    later = _ago(-10)
    assert client["ahead"] in [a.id for a in hours.unrecorded_appointments(client["me"], later)]


def test_planned_and_actual_duration_with_travel_time_and_the_office(client: dict[str, str]) -> None:
    planned = hours.record_from_appointment(client["at_office"], travel_minutes=35)
    actual = hours.record_from_appointment(client["of_case"], minutes=95)
    planned, actual = VolunteerHours.get_by_id(planned.id), VolunteerHours.get_by_id(actual.id)
    assert (planned.minutes, planned.travel_minutes) == (60, 35)
    assert (actual.minutes, actual.travel_minutes) == (95, 0)
    assert planned.on == _ago(40).date() and actual.on == _ago(10).date()
    assert planned.activity == actual.activity == "accompaniment"
    assert planned.volunteer_id == client["me"]
    assert planned.appointment_ref == client["at_office"]
    # From the directory's office, else the case's authority.
    assert planned.office == "auslaenderbehoerde"
    assert actual.office == "jobcenter"
    assert CANARY not in planned.notes and CANARY_LATIN not in planned.notes


def test_an_appointment_without_office_or_case_counts_as_other(store: store_db.Store) -> None:
    person = people.create_person({"family_name": "Bondar", "given_name": "Iryna"})
    a = appointments.create_appointment(
        {"person": person.id, "starts_at": _ago(2), "office": "Arztpraxis", "volunteer": store.volunteer_id}
    )
    assert VolunteerHours.get_by_id(hours.record_from_appointment(a.id).id).office == "other"


def test_an_appointment_is_never_recorded_twice(client: dict[str, str]) -> None:
    first = hours.record_from_appointment(client["of_case"])
    with pytest.raises(UserError, match="recorded already"):
        hours.record_from_appointment(client["of_case"], minutes=30)
    assert VolunteerHours.select().where(VolunteerHours.appointment_ref == client["of_case"]).count() == 1
    # Deleting the record offers the appointment again, and it can be recorded once more.
    hours.delete_hours(first.id)
    assert client["of_case"] in [a.id for a in hours.unrecorded_appointments(client["me"])]
    hours.record_from_appointment(client["of_case"])
    live = VolunteerHours.select().where(~VolunteerHours.deleted)
    assert live.where(VolunteerHours.appointment_ref == client["of_case"]).count() == 1


def test_appointments_ahead_or_without_a_volunteer_are_refused(client: dict[str, str]) -> None:
    with pytest.raises(UserError, match="lies ahead"):
        hours.record_from_appointment(client["ahead"])
    with pytest.raises(UserError, match="Nobody accompanied"):
        hours.record_from_appointment(client["nobody"])
    with pytest.raises(ValidationError):
        hours.record_from_appointment(client["of_case"], minutes=-5)
    assert VolunteerHours.select().count() == 0


def test_hours_survive_erasing_the_client(client: dict[str, str]) -> None:
    recorded = hours.record_from_appointment(client["at_office"], travel_minutes=20)
    erasure.erase_person(client["person"])
    assert Appointment.get_or_none(Appointment.id == client["at_office"]) is None
    kept = VolunteerHours.get_by_id(recorded.id)
    assert not kept.deleted
    assert (kept.minutes, kept.travel_minutes, kept.office) == (60, 20, "auslaenderbehoerde")
    assert kept.appointment_ref == client["at_office"]
    assert hours.totals()[0].total.total == 80
    # Nothing of the client travels with the hours.
    values = " ".join(str(e.value) for e in Change.select())
    assert CANARY not in values and CANARY_LATIN not in values


# --- hours by hand ---------------------------------------------------------------------------------------
def test_hours_by_hand_are_checked(store: store_db.Store) -> None:
    me = store.volunteer_id
    good = {"volunteer": me, "on": dt.date(2026, 5, 4), "minutes": 90, "activity": "interpreting"}
    assert hours.validate(good) == {}
    assert set(hours.validate({**good, "volunteer": None})) == {"volunteer"}
    assert set(hours.validate({**good, "on": None})) == {"on"}
    assert set(hours.validate({**good, "minutes": 0})) == {"minutes"}  # no time at all
    assert hours.validate({**good, "minutes": 0, "travel_minutes": 30}) == {}
    assert set(hours.validate({**good, "minutes": 25 * 60})) == {"minutes"}
    assert set(hours.validate({**good, "activity": "sleeping"})) == {"activity"}
    assert set(hours.validate({**good, "project": "no-such-project"})) == {"project"}
    with pytest.raises(ValidationError) as refused:
        hours.add_hours({**good, "minutes": -1})
    assert refused.value.field == "minutes"
    record = hours.add_hours({**good, "notes": "  Elternabend  "})
    assert VolunteerHours.get_by_id(record.id).notes == "Elternabend"
    assert hours.update_hours(record.id, {"minutes": 75}) == ["minutes"]
    with pytest.raises(ValidationError):
        hours.update_hours(record.id, {"activity": "nothing"})
    assert VolunteerHours.get_by_id(record.id).minutes == 75
    hours.delete_hours(record.id)
    assert hours.hours_of(me) == []
    with pytest.raises(UserError):
        hours.delete_hours(record.id)


def test_per_month_and_totals_equal_the_records(store: store_db.Store) -> None:
    me = store.volunteer_id
    other = changelog.create(Volunteer, {"name": "Anna Richter"}).id
    changelog.create(Volunteer, {"name": "Bohdan Idle"})
    rows = [
        (me, dt.date(2026, 1, 31), 60, 10, "accompaniment"),
        (me, dt.date(2026, 1, 5), 45, 0, "interpreting"),
        (me, dt.date(2026, 1, 20), 30, 15, "accompaniment"),
        (me, dt.date(2026, 2, 1), 120, 0, "forms"),
        (me, dt.date(2026, 3, 9), 200, 40, "project"),
        (other, dt.date(2026, 2, 14), 15, 5, "coordination"),
    ]
    for volunteer, on, minutes, travel, activity in rows:
        hours.add_hours(
            {"volunteer": volunteer, "on": on, "minutes": minutes, "travel_minutes": travel, "activity": activity}
        )
    deleted = hours.add_hours({"volunteer": me, "on": dt.date(2026, 2, 2), "minutes": 999, "activity": "forms"})
    hours.delete_hours(deleted.id)

    months = hours.per_month(me, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    assert [(m.month, m.activity, m.minutes, m.travel_minutes, m.entries) for m in months] == [
        (dt.date(2026, 1, 1), "accompaniment", 90, 25, 2),
        (dt.date(2026, 1, 1), "interpreting", 45, 0, 1),
        (dt.date(2026, 2, 1), "forms", 120, 0, 1),
    ]
    everything = hours.per_month(me)
    assert sum(m.total for m in everything) == sum(r[2] + r[3] for r in rows if r[0] == me)

    found = {t.name: t for t in hours.totals()}
    assert set(found) == {"Test Volunteer", "Anna Richter", "Bohdan Idle"}
    mine = found["Test Volunteer"]
    assert (mine.total.minutes, mine.total.travel_minutes, mine.total.entries) == (455, 65, 5)
    assert list(mine.activities) == ["accompaniment", "interpreting", "forms", "project"]
    assert mine.activities["accompaniment"].total == 115
    assert found["Bohdan Idle"].total.total == 0
    march = {t.name: t for t in hours.totals(dt.date(2026, 3, 1), dt.date(2026, 3, 31))}
    assert march["Test Volunteer"].total.total == 240 and march["Anna Richter"].total.total == 0
    assert hours.hours_value(455 + 65) == 8.67


# --- the initiative's settings ----------------------------------------------------------------------------
def test_the_initiative_settings_are_kept_tidy_and_local(store: store_db.Store) -> None:
    assert initiative.get() == initiative.Initiative()
    kept = initiative.save(
        initiative.Initiative(
            name="  Ukraine-Hilfe   Leipzig-Ost e.V. ",
            address="Eisenbahnstraße 12\r\n\n  04315   Leipzig  \n",
            signer=" Maria Muster",
            signer_role="Vorstand ",
        )
    )
    assert kept == initiative.get() == LETTERHEAD
    assert initiative.get().town == "Leipzig"
    assert initiative.Initiative(address="Postfach 1\nD-01067 Dresden").town == "Dresden"
    assert initiative.Initiative(address="somewhere").town == ""
    assert Change.select().where(Change.value.contains("Leipzig-Ost")).count() == 0
    initiative.save(initiative.Initiative(name="Other"))
    assert initiative.get() == initiative.Initiative(name="Other")
    initiative.set_certificate_folder(Path("/tmp/x"))
    assert initiative.certificate_folder() == Path("/tmp/x")


# --- the certificate --------------------------------------------------------------------------------------
def _hours_of_the_year(client: dict[str, str]) -> None:
    me = client["me"]
    hours.record_from_appointment(client["at_office"], travel_minutes=25)
    hours.record_from_appointment(client["of_case"], minutes=95, travel_minutes=40)
    hours.add_hours({"volunteer": me, "on": _ago(30).date(), "minutes": 130, "activity": "interpreting"})
    hours.add_hours({"volunteer": me, "on": _ago(70).date(), "minutes": 50, "travel_minutes": 20, "activity": "forms"})


def _times(text: str, label: str) -> list[str]:
    """The times on the line of ``label`` in the certificate's table."""
    match = re.search(re.escape(label) + r" (\d+) (\d+:\d\d) (\d+:\d\d) (\d+:\d\d)", text)
    assert match, f"no line {label!r} in {text!r}"
    return list(match.groups())


def test_the_certificate_sums_equal_the_data_and_name_no_client(client: dict[str, str], tmp_path: Path) -> None:
    _hours_of_the_year(client)
    initiative.save(LETTERHEAD)
    start, end = _ago(400).date(), dt.date.today()
    out = tmp_path / "nachweis.pdf"
    found = certificate.write_certificate(client["me"], start, end, out, issued=dt.date(2026, 12, 3))
    data = out.read_bytes()
    assert every_font_embedded(data)
    text = pdf_text(data)
    assert CANARY not in text and CANARY_LATIN not in text and "Olha" not in text
    assert "Nachweis über ehrenamtliche Tätigkeit" in text
    assert "Ukraine-Hilfe Leipzig-Ost e.V." in text and "04315 Leipzig" in text
    assert "Test Volunteer" in text
    assert f"vom {start:%d.%m.%Y} bis {end:%d.%m.%Y}" in text
    assert "Leipzig, 03.12.2026" in text and "Maria Muster, Vorstand" in text

    records = hours.hours_of(client["me"])
    by_activity: dict[str, list[int]] = {}
    for r in records:
        by_activity.setdefault(r.activity, [0, 0, 0])
        by_activity[r.activity][0] += 1
        by_activity[r.activity][1] += r.minutes
        by_activity[r.activity][2] += r.travel_minutes
    german = {"accompaniment": "Begleitung zu Ämtern", "interpreting": "Dolmetschen", "forms": "Hilfe bei"}
    for key, (count, minutes, travel) in by_activity.items():
        line = _times(text, german[key]) if key != "forms" else _times(text, "Formularen und Briefen")
        assert line == [str(count), certificate.hm(minutes), certificate.hm(travel), certificate.hm(minutes + travel)]
    all_minutes = sum(r.minutes for r in records)
    all_travel = sum(r.travel_minutes for r in records)
    assert _times(text, "Summe") == [
        str(len(records)),
        certificate.hm(all_minutes),
        certificate.hm(all_travel),
        certificate.hm(all_minutes + all_travel),
    ]
    assert found.total.total == all_minutes + all_travel == 60 + 25 + 95 + 40 + 130 + 50 + 20
    assert certificate.hours_words(found.total.total) in text
    assert sum(s.total for _m, s in found.months) == found.total.total


def test_the_certificate_period_leaves_out_other_days(client: dict[str, str]) -> None:
    _hours_of_the_year(client)
    initiative.save(LETTERHEAD)
    day = _ago(10).date()
    data, found = certificate.certificate_pdf(client["me"], day, day)
    assert found.total.total == 95 + 40 and found.total.entries == 1
    assert _times(pdf_text(data), "Summe") == ["1", "1:35", "0:40", "2:15"]
    assert "Zeiten nach Monaten" not in pdf_text(data)  # one month only


def test_the_certificate_asks_for_the_initiative_and_refuses_empty_periods(
    client: dict[str, str], tmp_path: Path
) -> None:
    _hours_of_the_year(client)
    out = tmp_path / "c.pdf"
    with pytest.raises(certificate.MissingInitiative, match="Preferences"):
        certificate.write_certificate(client["me"], dt.date(2000, 1, 1), dt.date.today(), out)
    initiative.save(LETTERHEAD)
    with pytest.raises(certificate.NoHours):
        certificate.write_certificate(client["me"], dt.date(2000, 1, 1), dt.date(2000, 12, 31), out)
    with pytest.raises(ValidationError):
        certificate.write_certificate(client["me"], dt.date(2026, 2, 1), dt.date(2026, 1, 1), out)
    with pytest.raises(UserError):
        certificate.write_certificate("no-such-volunteer", dt.date(2000, 1, 1), dt.date.today(), out)
    assert not out.exists()


def test_saving_a_certificate_is_in_the_audit_log(client: dict[str, str], tmp_path: Path) -> None:
    _hours_of_the_year(client)
    initiative.save(LETTERHEAD)
    certificate.write_certificate(client["me"], _ago(400).date(), dt.date.today(), tmp_path / "c.pdf")
    audit.flush()
    kinds = [(e.kind, e.record_type, e.detail) for e in audit.entries()]
    assert ("print", "volunteer", "pdf") in kinds


def test_hours_in_words_and_figures() -> None:
    assert certificate.hm(0) == "0:00" and certificate.hm(605) == "10:05"
    assert certificate.hours_words(60) == "1 Stunde"
    assert certificate.hours_words(45) == "45 Minuten"
    assert certificate.hours_words(121) == "2 Stunden und 1 Minute"


# --- the CLI ---------------------------------------------------------------------------------------------
def _cli(profile_dir: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    store_db.close_store()
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    return cli.main(["--data-dir", str(profile_dir), *args])


def test_cli_volunteers_lists_hours_per_volunteer_and_activity(
    client: dict[str, str], profile_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _hours_of_the_year(client)
    changelog.create(Volunteer, {"name": "Anna Richter"})
    store_db.checkpoint()
    assert _cli(profile_dir, monkeypatch, "volunteers", "--json") == 0
    listed = {v["name"]: v for v in json.loads(capsys.readouterr().out)}
    assert set(listed) == {"Test Volunteer", "Anna Richter"}
    mine = listed["Test Volunteer"]
    assert mine["id"] == client["me"]
    assert mine["hours"] == round((60 + 25 + 95 + 40 + 130 + 50 + 20) / 60, 2) == 7.0
    assert mine["travel_hours"] == round(85 / 60, 2)
    assert mine["activities"]["accompaniment"]["hours"] == round((60 + 25 + 95 + 40) / 60, 2)
    assert mine["activities"]["accompaniment"]["entries"] == 2
    assert listed["Anna Richter"]["hours"] == 0 and listed["Anna Richter"]["activities"] == {}
    assert _cli(profile_dir, monkeypatch, "volunteers") == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith(client["me"] + "\tTest Volunteer\t7") for line in lines)


def test_cli_certificate_writes_the_pdf(
    client: dict[str, str],
    profile_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _hours_of_the_year(client)
    store_db.checkpoint()
    out = tmp_path / "nachweis.pdf"
    me = client["me"]
    assert _cli(profile_dir, monkeypatch, "certificate", me, "--out", str(out)) == cli.EXIT_ERROR
    assert "Preferences" in capsys.readouterr().err and not out.exists()
    profile.unlock(profile_dir, PASSPHRASE)
    initiative.save(LETTERHEAD)
    store_db.checkpoint()
    day = _ago(10).date()
    args = ["certificate", me, "--from", f"{day:%d.%m.%Y}", "--to", day.isoformat(), "--out", str(out)]
    assert _cli(profile_dir, monkeypatch, *args) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert _times(pdf_text(out.read_bytes()), "Summe") == ["1", "1:35", "0:40", "2:15"]
    bad = ["certificate", me, "--from", "31.02.2026", "--out", str(out)]
    assert _cli(profile_dir, monkeypatch, *bad) == cli.EXIT_USAGE
    backwards = ["certificate", me, "--from", "2026-03-01", "--to", "2026-02-01", "--out", str(out)]
    assert _cli(profile_dir, monkeypatch, *backwards) == cli.EXIT_USAGE
    nowhere = ["certificate", me, "--out", str(tmp_path / "missing" / "c.pdf")]
    assert _cli(profile_dir, monkeypatch, *nowhere) == cli.EXIT_USAGE
    assert _cli(profile_dir, monkeypatch, "certificate", "nobody", "--out", str(out)) == cli.EXIT_ERROR


def test_two_laptops_recording_one_appointment_hold_one_record(tmp_path: Path) -> None:
    """Both laptops record the same accompanied appointment before they exchange: one hours record (its
    differing time a conflict to decide), never two that count the appointment twice."""
    from desktop.core.store.models import Appointment
    from tests.laptops import laptops

    a, b = laptops(tmp_path, "anna", "bohdan")
    a.use()
    volunteer = store_db.current().volunteer_id
    client = people.create_person({"family_name": "Melnyk", "given_name": "Olha"})
    start = dt.datetime(2026, 11, 3, 9, 0)
    appointment = changelog.create(
        Appointment,
        {"person": client.id, "starts_at": start, "duration_min": 90, "volunteer": volunteer, "office": "Jobcenter"},
    )
    b.apply(a.export())
    a.use()
    hours.record_from_appointment(appointment.id)
    b.use()
    hours.record_from_appointment(appointment.id, minutes=120)
    a.apply(b.export())
    b.apply(a.export())
    for laptop in (a, b):
        laptop.use()
        rows = list(
            VolunteerHours.select().where(~VolunteerHours.deleted & (VolunteerHours.appointment_ref == appointment.id))
        )
        assert len(rows) == 1
    assert a.digest() == b.digest()
    # deleted and recorded again: the same record comes back
    a.use()
    made = hours.appointment_hours_id(appointment.id)
    hours.delete_hours(made)
    again = hours.record_from_appointment(appointment.id, minutes=75)
    assert (again.id, again.minutes, again.deleted) == (made, 75, False)
