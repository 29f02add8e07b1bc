"""Appointments (Termine): when, where, who accompanies; claims and double bookings."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.core import ids
from desktop.core.errors import refuse_first
from desktop.core.network import directory
from desktop.core.people import of_people
from desktop.core.store import changelog
from desktop.core.store.models import Appointment, Case, Person, Volunteer, person_name
from desktop.i18n import _


def offices() -> list[dict[str, Any]]:
    """The offices of the directory (travelling records, seeded from resources/offices.json and edited by the
    users), by town and name; each as a dict with key, city, authority, name, address, postcode, phone,
    email, hours, notes (an office a user added goes by its id as key)."""
    return directory.office_dicts()


def office(key: str) -> dict[str, Any] | None:
    """The directory's office with this key (or id), None when there is none or it was deleted."""
    return directory.find_office(key)


def validate(values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not isinstance(values.get("starts_at"), dt.datetime):
        errors["starts_at"] = _("Enter the date and time of the appointment.")
    if not values.get("case") and not values.get("person"):
        errors["person"] = _("Choose the person or case the appointment is for.")
    elif values.get("case") and values.get("person"):
        case = Case.get_or_none(Case.id == values["case"])
        if case is None or case.person_id != values["person"]:
            errors["case"] = _("The case belongs to another person; choose one of this person's cases.")
    if not str(values.get("office", "")).strip():
        errors["office"] = _("Enter the office.")
    duration = values.get("duration_min", 60)
    if not isinstance(duration, int) or not 5 <= duration <= 600:
        errors["duration_min"] = _("The duration is between 5 and 600 minutes.")
    return errors


def _check(values: Mapping[str, Any]) -> None:
    refuse_first(validate(values))


def create_appointment(values: Mapping[str, Any]) -> Appointment:
    values = dict(values)
    if values.get("case") and not values.get("person"):
        values["person"] = Case.get_by_id(values["case"]).person_id
    _check(values)
    return changelog.create(Appointment, values)


def cases_for(person_id: str | None, keep: str | None = None) -> list[Case]:
    """The cases an appointment of this person can be for: their open cases, newest first, and ``keep``
    (the case the appointment already has) even when it is closed."""
    if not person_id:
        return []
    condition = (Case.person == person_id) & ~Case.deleted
    condition &= (Case.status != "closed") | (Case.id == keep) if keep else Case.status != "closed"
    return list(Case.select().where(condition).order_by(Case.opened_on.desc(), Case.id.desc()))


def office_for_case(case_id: str) -> dict[str, Any] | None:
    """The directory's office of the case's authority in the person's town, None when it has none there
    (an office of another town would be the wrong place)."""
    case = Case.get_or_none(Case.id == case_id)
    if case is None or not case.authority:
        return None
    person = Person.get_or_none(Person.id == case.person_id) if case.person_id else None
    city = person.city.strip() if person else ""
    if not city:
        return None
    return next(
        (o for o in offices() if o.get("authority") == case.authority and str(o.get("city", "")).startswith(city)),
        None,
    )


def update_appointment(appointment_id: str, values: Mapping[str, Any]) -> list[str]:
    current = Appointment.get_by_id(appointment_id)
    merged = {
        "starts_at": current.starts_at,
        "case": current.case_id,
        "person": current.person_id,
        "office": current.office,
        "duration_min": current.duration_min,
    }
    merged.update(values)
    _check(merged)
    return changelog.update(Appointment, appointment_id, values)


def claim(appointment_id: str, volunteer_id: str | None) -> list[str]:
    """A volunteer takes on accompanying an appointment (None gives it up)."""
    return changelog.update(Appointment, appointment_id, volunteer=volunteer_id)


@dataclass(frozen=True)
class Clash:
    """A warning about an appointment: the volunteer is elsewhere then, or two volunteers claimed it."""

    kind: str  # "double_booked" | "two_claims"
    appointment_id: str
    other_id: str | None
    message: str


def _end(a: Appointment) -> dt.datetime:
    return a.starts_at + dt.timedelta(minutes=a.duration_min or 60)


def clashes(appointment_id: str) -> list[Clash]:
    """Warnings for one appointment: its volunteer is booked elsewhere at an overlapping time, or
    two volunteers claimed it on different laptops (two changes of the claim with the same base)."""
    a = Appointment.get_by_id(appointment_id)
    found: list[Clash] = []
    if a.volunteer_id and not a.deleted:
        window_start = a.starts_at - dt.timedelta(hours=10)
        others = Appointment.select().where(
            (Appointment.volunteer == a.volunteer_id)
            & (Appointment.id != a.id)
            & ~Appointment.deleted
            & (Appointment.starts_at >= window_start)
            & (Appointment.starts_at < _end(a))
        )
        name = Volunteer.get_by_id(a.volunteer_id).name
        for other in others:
            if other.starts_at < _end(a) and a.starts_at < _end(other):
                found.append(
                    Clash(
                        "double_booked",
                        a.id,
                        other.id,
                        _("{volunteer} is booked at {office} at the same time ({time}).").format(
                            volunteer=name, office=other.office, time=other.starts_at.strftime("%H:%M")
                        ),
                    )
                )
    found.extend(_two_claims(a))
    return found


def _two_claims(a: Appointment) -> list[Clash]:
    db = Appointment._meta.database
    rows = db.execute_sql(
        "SELECT base, value FROM change WHERE record_id = ? AND field = 'volunteer'", (ids.to_bytes(a.id),)
    ).fetchall()
    by_base: dict[bytes | None, set[str]] = {}
    for base, value in rows:
        volunteer = json.loads(value)
        if volunteer:
            by_base.setdefault(base, set()).add(volunteer)
    for claimants in by_base.values():
        if len(claimants) > 1:
            names = sorted(v.name for v in Volunteer.select().where(Volunteer.id.in_(list(claimants))))
            return [
                Clash("two_claims", a.id, None, _("Claimed by two volunteers: {names}.").format(names=", ".join(names)))
            ]
    return []


@dataclass(frozen=True, slots=True)  # a list may hold 100,000 of them
class AppointmentRow:
    """What lists and the dashboard show of an appointment."""

    id: str
    starts_at: dt.datetime
    office: str
    person_name: str
    volunteer_name: str
    interpreter_needed: bool
    case_id: str | None
    purpose: str


_SELECT = (
    "SELECT a.id, a.starts_at, a.office, p.family_name, p.given_name, p.family_name_cyr, p.given_name_cyr, "
    "v.name, a.interpreter_needed, a.case_id, a.purpose FROM appointment a "
    "LEFT JOIN person p ON p.id = a.person_id LEFT JOIN volunteer v ON v.id = a.volunteer_id "
)


def _row(r: tuple[Any, ...]) -> AppointmentRow:
    name = person_name(r[3], r[4], r[5], r[6])
    return AppointmentRow(r[0], dt.datetime.fromisoformat(r[1]), r[2], name, r[7] or "", bool(r[8]), r[9], r[10])


def page_appointments(
    after: tuple[str, str] | None = None,
    limit: int = 200,
    *,
    upcoming: bool = True,
    now: dt.datetime | None = None,
    people: Sequence[str] | None = None,
) -> list[AppointmentRow]:
    """Appointments in time order (upcoming from now, or past ones newest first), page by page."""
    now = now or dt.datetime.now()
    cutoff = now.replace(hour=0, minute=0, second=0, microsecond=0).isoformat(sep=" ")
    where = ["a.deleted = 0", "a.starts_at >= ?" if upcoming else "a.starts_at < ?"]
    params: list[Any] = [cutoff]
    condition, people_params = of_people("a.person_id", "a.case_id", people)
    if condition:
        where.append(condition)
        params += people_params
    if after is not None:
        where.append("(a.starts_at, a.id) > (?, ?)" if upcoming else "(a.starts_at, a.id) < (?, ?)")
        params += list(after)
    order = "ASC" if upcoming else "DESC"
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY a.starts_at {order}, a.id {order} LIMIT ?"
    params.append(limit)
    return [_row(r) for r in Appointment._meta.database.execute_sql(sql, params).fetchall()]


def appointments_between(
    start: dt.datetime,
    end: dt.datetime,
    *,
    case_id: str | None = None,
    person_id: str | None = None,
    limit: int | None = None,
) -> list[AppointmentRow]:
    where, params = _between_where("a.", start, end)
    if case_id:
        where.append("a.case_id = ?")
        params.append(case_id)
    if person_id:
        where.append("a.person_id = ?")
        params.append(person_id)
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY a.starts_at, a.id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_row(r) for r in Appointment._meta.database.execute_sql(sql, params).fetchall()]


def _between_where(alias: str, start: dt.datetime, end: dt.datetime) -> tuple[list[str], list[Any]]:
    """Live appointments starting in [start, end): a range of appointment_starts, which also holds
    ``deleted`` (a count needs no table row)."""
    where = [f"{alias}deleted = 0", f"{alias}starts_at >= ?", f"{alias}starts_at < ?"]
    return where, [start.isoformat(sep=" "), end.isoformat(sep=" ")]


def count_between(start: dt.datetime, end: dt.datetime) -> int:
    where, params = _between_where("", start, end)
    sql = f"SELECT count(*) FROM appointment WHERE {' AND '.join(where)}"
    return int(Appointment._meta.database.execute_sql(sql, params).fetchone()[0])


def count_upcoming(now: dt.datetime | None = None, people: Sequence[str] | None = None, *, past: bool = False) -> int:
    """Appointments from today on (before today with ``past``), of these people only when given."""
    now = now or dt.datetime.now()
    cutoff = now.replace(hour=0, minute=0, second=0, microsecond=0).isoformat(sep=" ")
    condition, params = of_people("person_id", "case_id", people)
    where = "deleted = 0 AND starts_at " + ("< ?" if past else ">= ?") + (f" AND {condition}" if condition else "")
    sql = f"SELECT count(*) FROM appointment WHERE {where}"
    return int(Appointment._meta.database.execute_sql(sql, [cutoff, *params]).fetchone()[0])


def person_label(person_id: str | None) -> str:
    if not person_id:
        return ""
    person = Person.get_or_none(Person.id == person_id)
    return person.display_name() if person else ""
