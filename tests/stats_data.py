"""A profile with known appointments, cases, needs, matches and hours across January to April 2026, every
text field a canary, for the statistics tests (core, CLI and GUI)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count

from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.hlc import HybridClock
from desktop.core.store.models import (
    Appointment,
    Case,
    Match,
    NeedOffer,
    Person,
    Project,
    Volunteer,
    VolunteerHours,
)

START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
CANARY = "CANARY"
_serial = count(1)


def canary() -> str:
    return f"{CANARY}-{next(_serial):04d}"


@contextmanager
def created_on(when: dt.datetime) -> Iterator[None]:
    """Records created inside are stamped ``when`` (as if made on that day, here or on another laptop)."""
    store = store_db.current()
    saved = store.clock
    ms = int(when.replace(tzinfo=dt.UTC).timestamp() * 1000)
    store.clock = HybridClock(wall_ms=lambda: ms)
    try:
        yield
    finally:
        store.clock = saved


def _person() -> Person:
    return changelog.create(
        Person,
        {
            "family_name": canary(),
            "given_name": canary(),
            "family_name_cyr": canary(),
            "given_name_cyr": canary(),
            "patronymic": canary(),
            "birth_place": canary(),
            "phone": canary(),
            "telegram": canary(),
            "email": canary(),
            "street": canary(),
            "postcode": canary(),
            "city": canary(),
            "notes": canary(),
            "jobcenter_customer_no": canary(),
            "bg_number": canary(),
            "abh_file_no": canary(),
            "tax_id": canary(),
            "iban": canary(),
        },
    )


def _volunteer() -> Volunteer:
    return changelog.create(Volunteer, {"name": canary(), "phone": canary(), "email": canary()})


def _case(person: Person, case_type: str, authority: str, opened: dt.date, **more: object) -> Case:
    values = {
        "person": person.id,
        "reference": canary(),
        "title": canary(),
        "case_type": case_type,
        "authority": authority,
        "opened_on": opened,
        "notes": canary(),
        **more,
    }
    return changelog.create(Case, values)


def _appointment(person: Person, volunteer: Volunteer | None, when: dt.datetime, **more: object) -> Appointment:
    values = {
        "person": person.id,
        "volunteer": volunteer.id if volunteer else None,
        "starts_at": when,
        "office": canary(),
        "address": canary(),
        "outcome": canary(),
        "purpose": canary(),
        **more,
    }
    return changelog.create(Appointment, values)


def _need(person: Person, category: str, status: str, kind: str = "need") -> NeedOffer:
    values = {
        "kind": kind,
        "category": category,
        "title": canary(),
        "status": status,
        "person": person.id,
        "provider_name": canary(),
        "town": canary(),
        "district": canary(),
        "time_window": canary(),
        "notes": canary(),
    }
    return changelog.create(NeedOffer, values)


def build() -> dict[str, object]:
    """The records; returns the people, volunteers and other records made, for tests that look for them."""
    person = _person()
    volunteers = [_volunteer() for _i in range(6)]
    project = changelog.create(Project, {"title": canary(), "goal": canary(), "town": canary(), "notes": canary()})
    before = dt.date(2025, 12, 1)
    abh_case = _case(person, "aufenthalt_24", "auslaenderbehoerde", before)
    family_case = _case(person, "kindergeld", "familienkasse", before)
    v = volunteers[0]
    made: list[object] = [person, project, abh_case, family_case, *volunteers]

    # Accompaniments: Jobcenter 6 in January (by the office chosen from the directory), Ausländerbehörde 2 in
    # January (by the case), other 5 in February (neither), Familienkasse 1 in February (unknown office key).
    for day in range(6):
        made.append(_appointment(person, v, dt.datetime(2026, 1, 5 + day, 9), office_key="leipzig_jobcenter"))
    for day in range(2):
        made.append(_appointment(person, v, dt.datetime(2026, 1, 20 + day, 10), case=abh_case.id))
    for day in range(5):
        made.append(_appointment(person, v, dt.datetime(2026, 2, 2 + day, 11)))
    made.append(_appointment(person, v, dt.datetime(2026, 2, 20, 8), case=family_case.id, office_key="nowhere_office"))
    # Not counted: no volunteer, deleted, after the period.
    for day in range(3):
        made.append(_appointment(person, None, dt.datetime(2026, 1, 12 + day, 9), office_key="leipzig_jobcenter"))
    gone = _appointment(person, v, dt.datetime(2026, 1, 15, 9), office_key="leipzig_jobcenter")
    changelog.update(Appointment, gone.id, {"deleted": True})
    made.append(_appointment(person, v, dt.datetime(2026, 4, 2, 9), office_key="leipzig_jobcenter"))

    # Cases: 5 Widerspruch opened in January and decided in March; 3 Kindergeld opened in February; 7
    # Anmeldung opened in March, 2 of them closed in March.
    for i in range(5):
        made.append(
            _case(
                person,
                "widerspruch",
                "jobcenter",
                dt.date(2026, 1, 3 + i),
                status="decided",
                decision_on=dt.date(2026, 3, 10),
            )
        )
    for i in range(3):
        made.append(_case(person, "kindergeld", "familienkasse", dt.date(2026, 2, 3 + i)))
    for i in range(7):
        closed = {"status": "closed", "closed_on": dt.date(2026, 3, 25)} if i < 2 else {}
        made.append(_case(person, "anmeldung", "buergeramt", dt.date(2026, 3, 3 + i), **closed))

    # Needs: 6 housing needs of 10 January, 5 matched after 2, 4, 6, 8 and 10 days, one open; 3 pet care
    # needs of 5 February, one done after 3 days; 5 transport needs of March, withdrawn; 2 offers (not needs).
    housing = []
    with created_on(dt.datetime(2026, 1, 10, 12)):
        for i in range(6):
            housing.append(_need(person, "housing", "matched" if i < 5 else "open"))
    with created_on(dt.datetime(2026, 2, 5, 12)):
        pets = [_need(person, "pet_care", "done" if i == 0 else "open") for i in range(3)]
        offers = [_need(person, "housing", "open", kind="offer") for _i in range(2)]
    with created_on(dt.datetime(2026, 3, 2, 12)):
        transport = [_need(person, "transport", "withdrawn") for _i in range(5)]
    for need, days in zip(housing, (2, 4, 6, 8, 10), strict=False):
        made.append(
            changelog.create(
                Match,
                {"need": need.id, "offer": offers[0].id, "matched_on": dt.date(2026, 1, 10 + days), "notes": canary()},
            )
        )
    # A later second match of the first need does not change its first.
    made.append(changelog.create(Match, {"need": housing[0].id, "matched_on": dt.date(2026, 2, 20), "notes": canary()}))
    made.append(changelog.create(Match, {"need": pets[0].id, "matched_on": dt.date(2026, 2, 8), "notes": canary()}))
    made += housing + pets + offers + transport

    # Hours: six volunteers 90 minutes plus 30 travel in January (12 hours); two of them 60 minutes in
    # February (2 hours); a deleted entry.
    for volunteer in volunteers:
        made.append(_hours(volunteer, dt.date(2026, 1, 14), 90, 30, project))
    for volunteer in volunteers[:2]:
        made.append(_hours(volunteer, dt.date(2026, 2, 14), 60, 0, project))
    wrong = _hours(volunteers[3], dt.date(2026, 3, 1), 600, 0, project)
    changelog.update(VolunteerHours, wrong.id, {"deleted": True})
    return {"person": person, "volunteers": volunteers, "made": made}


def _hours(volunteer: Volunteer, on: dt.date, minutes: int, travel: int, project: Project) -> VolunteerHours:
    return changelog.create(
        VolunteerHours,
        {
            "volunteer": volunteer.id,
            "on": on,
            "minutes": minutes,
            "travel_minutes": travel,
            "activity": "accompaniment",
            "appointment_ref": canary(),
            "office": "jobcenter",
            "project": project.id,
            "notes": canary(),
        },
    )


def identifiers(made: list[object]) -> list[str]:
    """The ids of every record made, as they could leak (whole)."""
    return [str(record.id) for record in made]  # type: ignore[attr-defined]
