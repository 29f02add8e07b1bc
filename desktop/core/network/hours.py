"""Volunteers' hours: accompanied appointments and other voluntary work, per volunteer, month and activity.

An hours record made from an appointment keeps the appointment's id as plain text (``appointment_ref``) and
the authority of its office (``office``), so erasing the client leaves the volunteer's hours standing. An
appointment is recorded once; hours are never made up: the user records each appointment (with its planned
or actual duration) or types the hours in.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import peewee as pw

from desktop.core import appointments
from desktop.core.errors import UserError, refuse_first
from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.models import Appointment, Case, Person, Project, Volunteer, VolunteerHours, person_name
from desktop.i18n import _

#: The most minutes one record may hold (activity or travel): a day.
MAX_MINUTES = 24 * 60
#: The office key of an appointment whose office and case name no authority.
OTHER_OFFICE = "other"

_EDITABLE = ("volunteer", "on", "minutes", "travel_minutes", "activity", "project", "notes")


def validate(values: Mapping[str, Any]) -> dict[str, str]:
    """Problems with the values of an hours record, by field ({} when they are right)."""
    errors: dict[str, str] = {}
    volunteer = values.get("volunteer")
    if not volunteer or Volunteer.get_or_none((Volunteer.id == volunteer) & ~Volunteer.deleted) is None:
        errors["volunteer"] = _("Choose the volunteer.")
    if not isinstance(values.get("on"), dt.date) or isinstance(values.get("on"), dt.datetime):
        errors["on"] = _("Enter the day (DD.MM.YYYY).")
    minutes = values.get("minutes", 0)
    travel = values.get("travel_minutes", 0)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 <= minutes <= MAX_MINUTES:
        errors["minutes"] = _("The time is between 0 and 24 hours.")
    if not isinstance(travel, int) or isinstance(travel, bool) or not 0 <= travel <= MAX_MINUTES:
        errors["travel_minutes"] = _("The travel time is between 0 and 24 hours.")
    if "minutes" not in errors and "travel_minutes" not in errors and minutes + travel == 0:
        errors["minutes"] = _("Enter the time given.")
    if values.get("activity", "other") not in VolunteerHours.ACTIVITIES:
        errors["activity"] = _("Choose the kind of activity.")
    project = values.get("project")
    if project and Project.get_or_none((Project.id == project) & ~Project.deleted) is None:
        errors["project"] = _("This project does not exist (any more).")
    return errors


def _check(values: Mapping[str, Any]) -> None:
    refuse_first(validate(values))


def add_hours(values: Mapping[str, Any]) -> VolunteerHours:
    """Record hours typed in (another activity, or an appointment's hours corrected by hand)."""
    values = {k: v for k, v in values.items() if k in _EDITABLE}
    values.setdefault("activity", "other")
    values.setdefault("minutes", 0)
    values.setdefault("travel_minutes", 0)
    values["notes"] = str(values.get("notes") or "").strip()
    _check(values)
    return changelog.create(VolunteerHours, values)


def update_hours(hours_id: str, values: Mapping[str, Any]) -> list[str]:
    """Change an hours record; returns the fields that changed. The appointment it came from stays."""
    record = VolunteerHours.get_or_none((VolunteerHours.id == hours_id) & ~VolunteerHours.deleted)
    if record is None:
        raise UserError(_("There is no such record: {id}.").format(id=hours_id))
    changes = {k: v for k, v in values.items() if k in _EDITABLE}
    if "notes" in changes:
        changes["notes"] = str(changes["notes"] or "").strip()
    keys = {"volunteer": "volunteer_id", "project": "project_id"}
    merged = {name: getattr(record, keys.get(name, name)) for name in _EDITABLE}
    merged.update(changes)
    _check(merged)
    return changelog.update(VolunteerHours, hours_id, changes)


def delete_hours(hours_id: str) -> None:
    """Delete an hours record (a tombstone that travels); an appointment it came from may be recorded again."""
    record = VolunteerHours.get_or_none((VolunteerHours.id == hours_id) & ~VolunteerHours.deleted)
    if record is None:
        raise UserError(_("There is no such record: {id}.").format(id=hours_id))
    changelog.delete(VolunteerHours, hours_id)


def hours_of(volunteer_id: str, start: dt.date | None = None, end: dt.date | None = None) -> list[VolunteerHours]:
    """A volunteer's hours records between two days (inclusive), newest first."""
    query = VolunteerHours.select().where((VolunteerHours.volunteer == volunteer_id) & ~VolunteerHours.deleted)
    if start is not None:
        query = query.where(VolunteerHours.on >= start)
    if end is not None:
        query = query.where(VolunteerHours.on <= end)
    return list(query.order_by(VolunteerHours.on.desc(), VolunteerHours.created_at.desc(), VolunteerHours.id))


# --- accompanied appointments -----------------------------------------------------------------------------
def office_key(appointment: Appointment) -> str:
    """The authority of an appointment's office: from the office directory, else the case's, else "other"."""
    if appointment.office_key:
        entry = appointments.office(appointment.office_key)
        if entry and entry.get("authority"):
            return str(entry["authority"])
    if appointment.case_id:
        case = Case.get_or_none(Case.id == appointment.case_id)
        if case is not None and case.authority:
            return str(case.authority)
    return OTHER_OFFICE


def _recorded_refs() -> set[str]:
    rows = VolunteerHours.select(VolunteerHours.appointment_ref).where(
        ~VolunteerHours.deleted & (VolunteerHours.appointment_ref != "")
    )
    return {r.appointment_ref for r in rows}


@dataclass(frozen=True)
class OpenAppointment:
    """A past appointment a volunteer accompanied whose hours are not recorded yet."""

    id: str
    starts_at: dt.datetime
    office: str
    duration_min: int
    person: str  # shown to the volunteer to recognise it, never written into the hours


def unrecorded_appointments(volunteer_id: str, until: dt.datetime | None = None) -> list[OpenAppointment]:
    """The volunteer's appointments that began before ``until`` (default: now) and have no hours record yet,
    oldest first."""
    until = until or dt.datetime.now()
    done = _recorded_refs()
    query = (
        Appointment.select(
            Appointment.id,
            Appointment.starts_at,
            Appointment.office,
            Appointment.duration_min,
            Person.family_name,
            Person.given_name,
            Person.family_name_cyr,
            Person.given_name_cyr,
        )
        .join(Person, pw.JOIN.LEFT_OUTER, on=(Appointment.person == Person.id))
        .where((Appointment.volunteer == volunteer_id) & ~Appointment.deleted & (Appointment.starts_at <= until))
        .order_by(Appointment.starts_at, Appointment.id)
        .tuples()
    )
    return [
        OpenAppointment(record_id, starts_at, office, duration, person_name(*names))
        for record_id, starts_at, office, duration, *names in query
        if record_id not in done
    ]


def record_from_appointment(appointment_id: str, minutes: int | None = None, travel_minutes: int = 0) -> VolunteerHours:
    """Record the hours of an accompanied appointment: its planned duration unless ``minutes`` (the actual
    one) is given, plus the travel time. Refused when it was recorded already, lies ahead or nobody
    accompanied it. Nothing about the client is written: only the appointment's id and office key."""
    store = store_db.current()
    with store.db.atomic("IMMEDIATE"):
        appointment = Appointment.get_or_none((Appointment.id == appointment_id) & ~Appointment.deleted)
        if appointment is None:
            raise UserError(_("There is no such appointment: {id}.").format(id=appointment_id))
        if not appointment.volunteer_id:
            raise UserError(_("Nobody accompanied this appointment: there are no hours to record."))
        if appointment.starts_at > dt.datetime.now():
            raise UserError(_("This appointment lies ahead: its hours can be recorded once it has taken place."))
        if appointment_id in _recorded_refs():
            raise UserError(_("The hours of this appointment are recorded already."))
        values = {
            "volunteer": appointment.volunteer_id,
            "on": appointment.starts_at.date(),
            "minutes": appointment.duration_min if minutes is None else minutes,
            "travel_minutes": travel_minutes,
            "activity": "accompaniment",
            "appointment_ref": appointment_id,
            "office": office_key(appointment),
            "notes": "",
        }
        _check(values)
        record_id = appointment_hours_id(appointment_id)
        earlier = VolunteerHours.get_or_none(VolunteerHours.id == record_id)
        if earlier is not None:  # recorded once and deleted since: the same record comes back
            changelog.update(VolunteerHours, record_id, {**values, "deleted": False})
            return VolunteerHours.get_by_id(record_id)
        changelog.bulk_create(VolunteerHours, [values], record_ids=[record_id])
        return VolunteerHours.get_by_id(record_id)


#: Ids of hours recorded from an appointment are derived from the appointment's id.
_APPOINTMENT_HOURS = uuid.UUID("5f0c8a52-1d4e-4a53-9a55-7d0a3c1b2e61")


def appointment_hours_id(appointment_id: str) -> str:
    """The id of the hours recorded from an appointment: the same on every laptop, so two laptops that both
    record one appointment before they exchange hold one record (with a conflict where their times differ),
    never two that would count the appointment twice."""
    return str(uuid.uuid5(_APPOINTMENT_HOURS, appointment_id))


# --- sums -------------------------------------------------------------------------------------------------
@dataclass
class Sum:
    """Minutes given (activity and travel) and how many records."""

    minutes: int = 0
    travel_minutes: int = 0
    entries: int = 0

    @property
    def total(self) -> int:
        return self.minutes + self.travel_minutes

    def add(self, minutes: int, travel_minutes: int, entries: int = 1) -> None:
        self.minutes += minutes
        self.travel_minutes += travel_minutes
        self.entries += entries


def hours_value(minutes: int) -> float:
    """Minutes as hours with at most two decimals."""
    return round(minutes / 60, 2)


def _activity_order(key: str) -> tuple[int, str]:
    order = VolunteerHours.ACTIVITIES
    return (order.index(key), "") if key in order else (len(order), key)


def _grouped(volunteer_id: str | None, start: dt.date | None, end: dt.date | None, by_month: bool) -> list[Any]:
    month = 'substr("on", 1, 7)' if by_month else "''"
    where = ["deleted = 0"]
    params: list[Any] = []
    if volunteer_id is not None:
        where.append("volunteer_id = ?")
        params.append(volunteer_id)
    if start is not None:
        where.append('"on" >= ?')
        params.append(start.isoformat())
    if end is not None:
        where.append('"on" <= ?')
        params.append(end.isoformat())
    sql = (
        f"SELECT volunteer_id, {month}, activity, sum(minutes), sum(travel_minutes), count(*) FROM volunteer_hours "
        f"WHERE {' AND '.join(where)} GROUP BY volunteer_id, 2, activity"
    )
    return list(VolunteerHours._meta.database.execute_sql(sql, params).fetchall())


@dataclass(frozen=True)
class MonthActivity:
    """One activity of one month: its minutes, travel minutes and records."""

    month: dt.date  # the month's first day
    activity: str
    minutes: int
    travel_minutes: int
    entries: int

    @property
    def total(self) -> int:
        return self.minutes + self.travel_minutes


def per_month(volunteer_id: str, start: dt.date | None = None, end: dt.date | None = None) -> list[MonthActivity]:
    """A volunteer's hours per month and activity between two days (inclusive), months in order, activities
    in their fixed order."""
    rows = [
        MonthActivity(dt.date.fromisoformat(f"{r[1]}-01"), r[2], int(r[3] or 0), int(r[4] or 0), int(r[5]))
        for r in _grouped(volunteer_id, start, end, True)
    ]
    return sorted(rows, key=lambda r: (r.month, _activity_order(r.activity)))


@dataclass
class VolunteerTotal:
    """A volunteer's recorded time, in all and per activity."""

    id: str
    name: str
    total: Sum = field(default_factory=Sum)
    activities: dict[str, Sum] = field(default_factory=dict)


def totals(start: dt.date | None = None, end: dt.date | None = None) -> list[VolunteerTotal]:
    """Every volunteer (those without hours too) with their hours between two days, by name."""
    found = {
        v.id: VolunteerTotal(v.id, v.name)
        for v in Volunteer.select().where(~Volunteer.deleted).order_by(Volunteer.name, Volunteer.id)
    }
    for volunteer_id, _month, activity, minutes, travel, count in _grouped(None, start, end, False):
        entry = found.get(volunteer_id)
        if entry is None:
            continue  # hours of a deleted volunteer
        entry.total.add(int(minutes or 0), int(travel or 0), int(count))
        entry.activities.setdefault(activity, Sum()).add(int(minutes or 0), int(travel or 0), int(count))
    for entry in found.values():
        entry.activities = dict(sorted(entry.activities.items(), key=lambda kv: _activity_order(kv[0])))
    return list(found.values())


def activity_sums(volunteer_id: str, start: dt.date | None = None, end: dt.date | None = None) -> dict[str, Sum]:
    """A volunteer's time per activity between two days (inclusive), in the activities' fixed order."""
    out: dict[str, Sum] = {}
    for _volunteer, _month, activity, minutes, travel, count in _grouped(volunteer_id, start, end, False):
        out.setdefault(activity, Sum()).add(int(minutes or 0), int(travel or 0), int(count))
    return dict(sorted(out.items(), key=lambda kv: _activity_order(kv[0])))


def own_volunteer() -> str | None:
    """The volunteer who uses this laptop's profile, if it names one."""
    return store_db.current().volunteer_id
