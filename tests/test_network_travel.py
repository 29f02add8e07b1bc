"""The network's records (directory, needs and offers, matches, projects, volunteers' hours) travel with the
exchange bundles like every other record, and erasing a client keeps the volunteers' hours."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop.core import demo
from desktop.core.privacy import erasure
from desktop.core.store import changelog, integrity
from desktop.core.store.models import (
    Appointment,
    DirectoryEntry,
    Match,
    NeedOffer,
    Project,
    ProjectVolunteer,
    Travelling,
    VolunteerHours,
)
from tests.laptops import Laptop, laptops

NETWORK = (DirectoryEntry, Project, ProjectVolunteer, NeedOffer, Match, VolunteerHours)


@pytest.fixture
def ab(tmp_path: Path) -> tuple[Laptop, Laptop]:
    a, b = laptops(tmp_path, "anna", "bohdan")
    return a, b


def _counts() -> dict[str, int]:
    return {m.record_type: m.select().where(~m.deleted).count() for m in NETWORK}


def test_the_network_records_reach_another_laptop_and_come_back_edited(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    made = demo.generate(40, seed=11, today=dt.date(2026, 12, 1))
    sent = _counts()
    assert all(sent[m.record_type] > 0 for m in NETWORK), sent
    assert {k: made[k] for k in ("project", "match", "volunteer_hours")} == {
        k: sent[k] for k in ("project", "match", "volunteer_hours")
    }
    b.apply(a.export())
    b.use()
    assert _counts() == sent
    a.apply(b.export())  # the second laptop's own volunteer, so both hold the same records
    assert a.digest() == b.digest()

    # Edits on the second laptop travel back: a need is done, an hours entry corrected, a project ends.
    need = NeedOffer.select().where((NeedOffer.kind == "need") & (NeedOffer.status == "open")).first()
    changelog.update(NeedOffer, need.id, {"status": "done", "closed_on": dt.date(2026, 12, 2)})
    hours = VolunteerHours.select().first()
    changelog.update(VolunteerHours, hours.id, {"minutes": 95, "travel_minutes": 25})
    project = Project.select().first()
    changelog.update(Project, project.id, {"status": "done", "ends_on": dt.date(2026, 12, 2)})
    a.apply(b.export())
    a.use()
    assert NeedOffer.get_by_id(need.id).status == "done"
    assert (VolunteerHours.get_by_id(hours.id).minutes, VolunteerHours.get_by_id(hours.id).travel_minutes) == (95, 25)
    assert Project.get_by_id(project.id).ends_on == dt.date(2026, 12, 2)
    assert a.digest() == b.digest()
    assert integrity.check() == []


def test_erasing_a_client_takes_their_needs_but_leaves_the_volunteers_hours(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    demo.generate(40, seed=5, today=dt.date(2026, 12, 1))
    recorded = VolunteerHours.select().where(VolunteerHours.appointment_ref != "").first()
    assert recorded is not None
    client = Appointment.get_by_id(recorded.appointment_ref).person_id
    needs_before = NeedOffer.select().where(NeedOffer.person == client).count()
    changelog.create(NeedOffer, {"kind": "need", "category": "housing", "person": client, "town": "Leipzig"})
    b.apply(a.export())
    a.use()
    counts = erasure.erase_person(client)
    assert counts.get("need_offer", 0) == needs_before + 1
    b.apply(a.export())
    a.apply(b.export())
    for laptop in (a, b):
        laptop.use()
        assert NeedOffer.select().where(NeedOffer.person == client).count() == 0
        assert Appointment.get_or_none(Appointment.id == recorded.appointment_ref) is None
        kept = VolunteerHours.get_by_id(recorded.id)
        assert (kept.minutes, kept.volunteer_id, kept.deleted) == (recorded.minutes, recorded.volunteer_id, False)
    assert a.digest() == b.digest()


def test_every_network_record_type_is_registered_to_travel() -> None:
    registered = {m.record_type for m in Travelling.registry}
    assert {m.record_type for m in NETWORK} <= registered


def test_demo_needs_and_offers_agree_with_their_matches(tmp_path: Path) -> None:
    """Demo statuses say what the matches say: settling them changes nothing."""
    from desktop.core.network import matching

    (a,) = laptops(tmp_path, "anna")
    a.use()
    demo.generate(300, seed=4, today=dt.date(2026, 12, 1))
    assert Match.select().where(~Match.deleted).count() > 0
    assert matching.settle() == 0
