"""Case work in the core: households, case checklists and timelines, appointments, tasks, dashboard."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.core import appointments, cases, dashboard, documents, households, ids, people, tasks, timeline
from desktop.core.errors import ValidationError
from desktop.core.store import changelog, integrity
from desktop.core.store import db as store_db
from desktop.core.store.models import Appointment, Case, Task, Volunteer

TODAY = dt.date.today()


def _person(name: str, birth: dt.date | None = None):
    return people.create_person({"family_name": name, "given_name": "Test", "birth_date": birth})


def test_household_roles_and_attachments(store: store_db.Store) -> None:
    mother = _person("Melnyk", dt.date(1985, 3, 12))
    son = _person("Melnyk", TODAY.replace(year=TODAY.year - 16))
    daughter = _person("Melnyk", TODAY.replace(year=TODAY.year - 7))
    household = households.create_household(
        "BG Melnyk", [(mother.id, "applicant"), (son.id, "child_15_24"), (daughter.id, "child_u15")]
    )
    forms = {m.person_id: m.attachment for m in households.members(household.id)}
    assert forms == {mother.id: "", son.id: "WEP", daughter.id: "KI"}
    # The age decides when a role is out of date (a child turned 15).
    households.set_role(
        next(m.member_id for m in households.members(household.id) if m.person_id == son.id), "child_u15"
    )
    assert {m.person_id: m.attachment for m in households.members(household.id)}[son.id] == "WEP"
    with pytest.raises(ValidationError):
        households.add_member(household.id, son.id, "other")  # already a member
    with pytest.raises(ValidationError):
        households.add_member(household.id, _person("Other").id, "applicant")  # one applicant only
    assert households.household_of(daughter.id).id == household.id
    # Hauptantrag 04/2020, 3.2: a grandmother only lives there (Anlage HG), a son of 26 applies himself
    grandmother = _person("Melnyk", dt.date(1950, 1, 1))
    elder = _person("Melnyk", TODAY.replace(year=TODAY.year - 26))
    households.add_member(household.id, grandmother.id, "other")
    households.add_member(household.id, elder.id, "child_15_24")
    forms = {m.person_id: m.attachment for m in households.members(household.id)}
    assert forms[grandmother.id] == "HG" and forms[elder.id] == ""
    from desktop.core.forms import binding

    ctx = binding.context(binding.subject_for(person_id=mother.id))
    assert ctx["household.size"] == 3  # mother, son, daughter
    children = ctx["household.children"].splitlines()
    assert len(children) == 2 and all("Melnyk" in c or "MELNYK" in c.upper() for c in children)


def test_case_brings_its_checklist_and_timeline(store: store_db.Store) -> None:
    person = _person("Shevchuk")
    case = cases.create_case({"person": person.id, "case_type": "widerspruch"})
    items = cases.checklist(case.id)
    assert items and all(cases.checklist_label(i, "widerspruch") for i in items)
    assert not [t for t in tasks.tasks_of(case_id=case.id) if t.step_key == "widerspruch_deadline"]
    # Entering the date of the Bescheid creates the legal deadline with its basis.
    cases.update_case(case.id, {"letter_date": dt.date(2026, 11, 13)})
    rule_steps = [s for s in cases.case_type("widerspruch")["timeline"] if s.get("rule") == "widerspruch"]
    deadline = next(t for t in tasks.tasks_of(case_id=case.id) if t.step_key == rule_steps[0]["key"])
    assert deadline.due_date == dt.date(2026, 12, 17) and deadline.kind == "deadline"
    # A corrected letter date moves the open deadline; no duplicate task appears.
    cases.update_case(case.id, {"letter_date": dt.date(2026, 11, 16)})
    same = [t for t in tasks.tasks_of(case_id=case.id) if t.step_key == rule_steps[0]["key"]]
    assert len(same) == 1 and same[0].due_date == dt.date(2026, 12, 21)


def test_checklist_records_submission(store: store_db.Store) -> None:
    case = cases.create_case({"person": _person("Hnatiuk").id, "case_type": "anmeldung"})
    item = cases.checklist(case.id)[0]
    cases.update_checklist_item(item.id, {"have": True, "copied": True, "submitted_how": "in_person"})
    saved = cases.checklist(case.id)[0]
    assert (saved.have, saved.copied, saved.submitted_how, saved.submitted_on) == (True, True, "in_person", TODAY)
    with pytest.raises(ValidationError):
        cases.update_checklist_item(item.id, {"submitted_how": "pigeon"})
    extra = cases.add_checklist_item(case.id, "Mietvertrag (Kopie)")
    assert cases.checklist(case.id)[-1].id == extra.id
    events = timeline.for_case(case.id)
    assert any(e.kind == "document" for e in events)


def test_appointment_clashes(store: store_db.Store) -> None:
    anna = changelog.create(Volunteer, name="Anna")
    person = _person("Boiko")
    at = dt.datetime.combine(TODAY + dt.timedelta(days=2), dt.time(10, 0))
    first = appointments.create_appointment({"starts_at": at, "office": "Jobcenter Leipzig", "person": person.id})
    second = appointments.create_appointment(
        {"starts_at": at + dt.timedelta(minutes=30), "office": "Ausländerbehörde Leipzig", "person": person.id}
    )
    appointments.claim(first.id, anna.id)
    assert appointments.clashes(first.id) == []
    appointments.claim(second.id, anna.id)
    kinds = [c.kind for c in appointments.clashes(first.id)]
    assert kinds == ["double_booked"]
    # Two laptops claimed the same appointment for different volunteers (two changes, one base).
    taras = changelog.create(Volunteer, name="Taras")
    base = changelog.heads(first.id)["volunteer"]
    device = changelog.peer_id(store.device_id)
    with store_db.guard_open():
        store.db.execute_sql(
            "INSERT INTO change (change_id, record_type, record_id, field, value, hlc, device, base) "
            "VALUES (?, 'appointment', ?, 'volunteer', ?, ?, ?, ?)",
            (ids.new_id_bytes(), ids.to_bytes(first.id), f'"{taras.id}"', store.clock.now(), device, base),
        )
        store.db.execute_sql(
            "INSERT INTO change (change_id, record_type, record_id, field, value, hlc, device, base) "
            "VALUES (?, 'appointment', ?, 'volunteer', ?, ?, ?, ?)",
            (ids.new_id_bytes(), ids.to_bytes(first.id), f'"{anna.id}"', store.clock.now(), device, base),
        )
    messages = [c.message for c in appointments.clashes(first.id) if c.kind == "two_claims"]
    assert messages and "Anna" in messages[0] and "Taras" in messages[0]
    with pytest.raises(ValidationError):
        appointments.create_appointment({"starts_at": at, "office": "", "person": person.id})


def test_task_filters_and_dashboard(store: store_db.Store) -> None:
    person = _person("Tkachuk")
    overdue = tasks.create_task({"title": "Kopie holen", "person": person.id, "due_date": TODAY - dt.timedelta(days=2)})
    due = tasks.create_task({"title": "Antrag abgeben", "person": person.id, "due_date": TODAY + dt.timedelta(days=5)})
    later = tasks.create_task({"title": "Später", "person": person.id, "due_date": TODAY + dt.timedelta(days=40)})
    done = tasks.create_task({"title": "Erledigt", "person": person.id, "due_date": TODAY})
    tasks.set_done(done.id, True)
    assert {r.id for r in tasks.page_tasks(status="open")} == {overdue.id, due.id, later.id}
    assert {r.id for r in tasks.page_tasks(status="overdue")} == {overdue.id}
    assert {r.id for r in tasks.page_tasks(status="done")} == {done.id}
    assert Task.get_by_id(done.id).done_on == TODAY
    at = dt.datetime.combine(TODAY + dt.timedelta(days=3), dt.time(9, 30))
    appointments.create_appointment({"starts_at": at, "office": "Bürgeramt", "person": person.id})
    appointments.create_appointment(
        {"starts_at": at + dt.timedelta(days=30), "office": "Bürgeramt", "person": person.id}
    )
    documents.create_document({"person": person.id, "kind": "passport", "printed_until": TODAY + dt.timedelta(days=9)})
    documents.create_document({"person": person.id, "kind": "24", "printed_until": dt.date(2024, 6, 30)})
    board = dashboard.build()
    assert [t.id for t in board.overdue] == [overdue.id] and [t.id for t in board.due] == [due.id]
    assert len(board.appointments) == 1
    assert [e[2] for e in board.expiring] == [TODAY + dt.timedelta(days=9)]  # the §24 permit is extended


def test_today_lists_a_permit_issued_after_the_cut_off_as_running_out(store: store_db.Store) -> None:
    person = _person("Shevchuk")
    documents.create_document(
        {"person": person.id, "kind": "24", "issued_on": dt.date(2026, 2, 10), "printed_until": dt.date(2026, 12, 1)}
    )
    expiring = dashboard.expiring_documents(dt.date(2026, 11, 21), dt.date(2026, 12, 5))
    # issued after 1.2.2026, the continuation ordinance does not extend it: it really ends on 1.12.2026
    assert [(e[0], e[3], e[4]) for e in expiring] == [(person.id, dt.date(2026, 12, 1), "24")]


def test_timeline_of_a_person_is_chronological(store: store_db.Store) -> None:
    person = _person("Savchuk")
    case = cases.create_case(
        {"person": person.id, "case_type": "anmeldung", "opened_on": TODAY - dt.timedelta(days=10)}
    )
    cases.update_case(case.id, {"status": "waiting"})
    timeline.add_note("Wohnungsgeberbestätigung fehlt noch", case_id=case.id)
    appointments.create_appointment(
        {"starts_at": dt.datetime.combine(TODAY, dt.time(8)), "office": "Bürgeramt", "case": case.id}
    )
    events = timeline.for_person(person.id)
    kinds = [e.kind for e in events]
    assert {"case", "status", "note", "appointment"} <= set(kinds)
    assert [e.when for e in events] == sorted(e.when for e in events)
    with pytest.raises(ValidationError):
        timeline.add_note("   ", case_id=case.id)
    assert Appointment.get().person_id == person.id  # an appointment of a case belongs to its person


def test_what_hangs_on_a_case_follows_its_person_type_dates_and_status(store: store_db.Store) -> None:
    wrong, right = _person("Wrong"), _person("Right")
    case = cases.create_case(
        {
            "person": wrong.id,
            "case_type": "widerspruch",
            "opened_on": TODAY - dt.timedelta(days=20),
            "letter_date": TODAY - dt.timedelta(days=10),
        }
    )
    at = dt.datetime.combine(TODAY + dt.timedelta(days=2), dt.time(10, 0))
    visit = appointments.create_appointment(
        {"starts_at": at, "office": "Jobcenter", "person": wrong.id, "case": case.id}
    )
    deadline = Task.get((Task.case == case.id) & (Task.step_key == "widerspruchsfrist") & ~Task.deleted)
    timeline_tasks = (Task.case == case.id) & (Task.step_key != "") & ~Task.deleted
    steps = Task.select().where(timeline_tasks).count()
    # 1. given to another person: tasks and appointments go along
    cases.update_case(case.id, {"person": right.id})
    assert Task.get_by_id(deadline.id).person_id == right.id
    assert Appointment.get_by_id(visit.id).person_id == right.id
    # 2. the letter date was typed by mistake: the deadline computed from it goes
    cases.update_case(case.id, {"letter_date": None})
    assert Task.get_by_id(deadline.id).deleted
    cases.update_case(case.id, {"letter_date": TODAY - dt.timedelta(days=10)})
    renewed = Task.get((Task.case == case.id) & (Task.step_key == "widerspruchsfrist") & ~Task.deleted)
    # 3. closed: its open timeline tasks leave Today; reopened: they come back and the closing date goes
    cases.update_case(case.id, {"status": "closed"})
    assert Task.get_by_id(renewed.id).deleted and Case.get_by_id(case.id).closed_on == TODAY
    assert Task.select().where(timeline_tasks).count() == 0
    assert case.id not in {t.case_id for t in dashboard.build().due + dashboard.build().overdue}
    cases.update_case(case.id, {"status": "open"})
    assert Case.get_by_id(case.id).closed_on is None
    assert Task.select().where(timeline_tasks).count() == steps
    # 4. another case type: its timeline, checklist and office; done history keeps its name
    done = Task.get(timeline_tasks)
    tasks.set_done(done.id, True)
    ticked = cases.checklist(case.id)[0]
    cases.update_checklist_item(ticked.id, {"have": True})
    old_keys = {i.item_key for i in cases.checklist(case.id)}
    cases.update_case(case.id, {"case_type": "anmeldung", "move_in": TODAY})
    changed = Case.get_by_id(case.id)
    assert changed.authority == cases.default_authority("anmeldung")
    kept = Task.get_by_id(done.id)
    assert kept.step_key == "" and kept.title and not kept.deleted
    assert all(
        t.step_key in {s["key"] for s in cases.case_type("anmeldung")["timeline"]} or t.step_key == ""
        for t in Task.select().where((Task.case == case.id) & ~Task.deleted)
    )
    keys = {i.item_key for i in cases.checklist(case.id)}
    assert {e["key"] for e in cases.case_type("anmeldung")["checklist"]} <= keys
    assert ticked.item_key in keys and not (old_keys - {ticked.item_key}) & keys - {
        e["key"] for e in cases.case_type("anmeldung")["checklist"]
    }
    assert integrity.check() == []


def test_a_decision_received_puts_the_objection_deadline_on_the_case(store: store_db.Store) -> None:
    person = _person("Hnatiuk")
    for case_type, step in (("buergergeld_erstantrag", "widerspruchsfrist"), ("kindergeld", "einspruchsfrist")):
        case = cases.create_case({"person": person.id, "case_type": case_type, "opened_on": dt.date(2026, 9, 1)})
        assert not Task.select().where((Task.case == case.id) & (Task.step_key == step)).exists()
        cases.update_case(case.id, {"decision_on": dt.date(2026, 10, 30)})
        deadline = Task.get((Task.case == case.id) & (Task.step_key == step) & ~Task.deleted)
        # one month from the day received: 30.11.2026 is a Monday
        assert deadline.kind == "deadline" and deadline.due_date == dt.date(2026, 11, 30)
    wba = cases.case_type("weiterbewilligung")
    assert next(s for s in wba["timeline"] if s["key"] == "einreichen")["kind"] == "reminder"  # no legal deadline


def test_removing_the_last_member_removes_the_household(store: store_db.Store) -> None:
    from desktop.core.store.models import Household

    alone = _person("Lysenko")
    household = households.create_household("BG Lysenko", [(alone.id, "applicant")])
    only = households.members(household.id)[0]
    households.remove_member(only.member_id)
    assert Household.get_by_id(household.id).deleted and households.household_of(alone.id) is None
    kept = households.create_household("BG Lysenko", [(alone.id, "applicant")])
    cases.create_case({"person": alone.id, "household": kept.id, "case_type": "buergergeld_erstantrag"})
    households.remove_member(households.members(kept.id)[0].member_id)
    assert not Household.get_by_id(kept.id).deleted  # a case still refers to it
    assert integrity.check() == []
