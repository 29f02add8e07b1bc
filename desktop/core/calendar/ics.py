"""Appointments as iCalendar (RFC 5545), for a phone's calendar: minimal and stable.

Minimal: an event says the office, the time and the person's initials – never a family name, an address
of a client or an identifier – so a phone that syncs its calendar to a cloud carries nothing more. Times
are Europe/Berlin with its VTIMEZONE, so a phone abroad shows the right hour across daylight saving.
Stable: every event's UID is the appointment's id, and its SEQUENCE the number of changes it has had, so
importing a newer export updates events instead of duplicating them; a deleted appointment is exported
as cancelled, so it disappears from the calendar too.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import peewee as pw
from icalendar import Calendar, Event

from desktop.core.store import changelog
from desktop.core.store.hlc import physical_ms
from desktop.core.store.models import Appointment, Person

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//Begleiter//Termine//DE"
UID_DOMAIN = "begleiter.invalid"


def initials(person: Person | None) -> str:
    """ "O. K." from the passport names (the Cyrillic ones when there are none); "" without a person."""
    if person is None:
        return ""
    given = person.given_name or person.given_name_cyr
    family = person.family_name or person.family_name_cyr
    return " ".join(f"{name.strip()[0].upper()}." for name in (given, family) if name and name.strip())


def calendar(volunteer_id: str | None = None, now: dt.datetime | None = None) -> bytes:
    """The .ics of every appointment (of one volunteer, with ``volunteer_id``), deleted ones as cancelled."""
    query = Appointment.select(Appointment, Person).join(
        Person, pw.JOIN.LEFT_OUTER, on=(Appointment.person == Person.id)
    )
    if volunteer_id:
        query = query.where(Appointment.volunteer == volunteer_id)
    appointments = list(query.order_by(Appointment.starts_at, Appointment.id))
    changes = changelog.change_counts([a.id for a in appointments])
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Begleiter")
    cal.add("x-wr-timezone", "Europe/Berlin")
    for a in appointments:
        person = a.person if a.person_id else None
        count, newest = changes.get(a.id, (1, 0))
        start = a.starts_at.replace(tzinfo=BERLIN)
        event = Event()
        event.add("uid", f"{a.id}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=max(a.duration_min or 60, 5)))
        event.add("summary", " · ".join(p for p in (a.office or "Termin", initials(person)) if p))
        event.add("sequence", max(count - 1, 0))
        if newest:
            event.add(
                "last-modified", dt.datetime.fromtimestamp(physical_ms(newest) / 1000, tz=dt.UTC).replace(microsecond=0)
            )
        event.add("status", "CANCELLED" if a.deleted else "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
