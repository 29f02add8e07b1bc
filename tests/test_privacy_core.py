"""Deleting with undo, and erasing a person (GDPR Art. 17), in the core."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.core import appointments, cases, households, ids, people, tasks, timeline
from desktop.core.privacy import deletion, erasure
from desktop.core.search import query
from desktop.core.store import changelog, integrity
from desktop.core.store import db as store_db
from desktop.core.store.models import Change, HouseholdMember, Person, Travelling, model_for
from tests.privacy_data import SECRETS, make_family


def deleted(record_type: str, record_id: str) -> bool:
    return bool(model_for(record_type).get_by_id(record_id).deleted)


def listed_people() -> set[str]:
    return {r.id for r in people.page_people(limit=1000)}


def listed_cases() -> set[str]:
    return {r.id for r in cases.page_cases(None, 1000, None)}


def listed_tasks() -> set[str]:
    return {r.id for r in tasks.page_tasks(None, 1000, status="all", people=None)}


def listed_appointments() -> set[str]:
    future = {r.id for r in appointments.page_appointments(None, 1000, upcoming=True)}
    return future | {r.id for r in appointments.page_appointments(None, 1000, upcoming=False)}


def search(text: str) -> set[str]:
    return {hit.row.id for hit in query.search(text).hits}


# --- delete and undo ------------------------------------------------------------------------------------
def test_delete_person_tombstones_what_hangs_on_them_alone_and_undo_restores_exactly(store):
    f = make_family()
    before = integrity.digest()
    assert f.person in listed_people() and f.case in listed_cases() and f.task in listed_tasks()
    assert search(SECRETS["family"]) == {f.person}

    done = deletion.delete("person", f.person)
    assert integrity.digest() != before

    for kind, record_id in [
        ("person", f.person),
        ("case", f.case),
        ("task", f.task),
        ("appointment", f.appointment),
        ("note", f.note),
        ("note", f.case_note),
        ("residence_document", f.document),
        ("filled_form", f.filled_form),
        ("printed_document", f.printed),
        ("case_volunteer", f.helper),
    ]:
        assert deleted(kind, record_id), kind
        assert (kind, record_id) in done.tombstoned
    # The partner, the partner's case and the household (it keeps a member) stay.
    for kind, record_id in [("person", f.partner), ("case", f.partner_case), ("household", f.household)]:
        assert not deleted(kind, record_id), kind
    assert households.household_of(f.partner) is not None
    assert done.counts()["household_member"] == 1
    assert f.person not in listed_people() and f.case not in listed_cases()
    assert f.task not in listed_tasks() and f.appointment not in listed_appointments()
    assert search(SECRETS["family"]) == set()
    assert integrity.check() == []

    assert deletion.undo(done) == len(done.tombstoned)
    assert not any(deleted(kind, record_id) for kind, record_id in done.tombstoned)
    assert integrity.digest() == before  # the same state as before the delete
    assert f.person in listed_people() and f.case in listed_cases() and f.task in listed_tasks()
    assert search(SECRETS["family"]) == {f.person}
    assert integrity.check() == []


def test_undo_does_not_bring_back_what_an_earlier_delete_took(store):
    f = make_family()
    first = deletion.delete("task", f.task)
    second = deletion.delete("case", f.case)
    assert ("task", f.task) not in second.tombstoned
    deletion.undo(second)
    assert deleted("task", f.task) and not deleted("case", f.case) and not deleted("appointment", f.appointment)
    deletion.undo(first)
    assert not deleted("task", f.task)


@pytest.mark.parametrize("kind", ["case", "appointment", "task", "note", "household"])
def test_delete_and_undo_each_kind(store, kind):
    f = make_family()
    record_id = {
        "case": f.case,
        "appointment": f.appointment,
        "task": f.task,
        "note": f.case_note,
        "household": f.household,
    }[kind]
    done = deletion.delete(kind, record_id)
    assert done.tombstoned[0] == (kind, record_id) and deleted(kind, record_id)
    if kind == "case":
        assert {("task", f.task), ("appointment", f.appointment), ("note", f.case_note)} <= set(done.tombstoned)
        assert f.case not in listed_cases() and f.task not in listed_tasks()
        assert f.appointment not in listed_appointments()
        assert not deleted("person", f.person) and not deleted("note", f.note)
    if kind == "note":
        assert f.case_note not in {e.record_id for e in timeline.for_case(f.case)}
    if kind == "household":
        assert households.household_of(f.person) is None and households.household_of(f.partner) is None
        assert not deleted("person", f.person) and not deleted("case", f.case)  # cases of a person stay
    if kind == "task":
        assert f.task not in listed_tasks()
    if kind == "appointment":
        assert f.appointment not in listed_appointments()
    with pytest.raises(deletion.AlreadyDeleted):
        deletion.delete(kind, record_id)
    deletion.undo(done)
    assert not any(deleted(k, i) for k, i in done.tombstoned)
    assert integrity.check() == []


def test_deleting_the_last_member_deletes_the_household(store):
    f = make_family()
    deletion.delete("person", f.partner)
    done = deletion.delete("person", f.person)
    assert ("household", f.household) in done.tombstoned
    deletion.undo(done)
    assert not deleted("household", f.household)


def test_delete_refuses_an_unknown_record(store):
    with pytest.raises(deletion.RecordMissing):
        deletion.delete("person", ids.new_id())


# --- erasure --------------------------------------------------------------------------------------------
def test_closure_takes_the_person_and_everything_hanging_on_them(store):
    f = make_family()
    members = {m.id for m in HouseholdMember.select().where(HouseholdMember.person == f.person)}
    gone = erasure.closure([f.person])
    assert gone["person"] == {f.person}
    assert gone["case"] == {f.case}
    assert gone["task"] == {f.task} | {t.id for t in model_for("task").select().where(model_for("task").case == f.case)}
    assert gone["appointment"] == {f.appointment}
    assert gone["note"] == {f.note, f.case_note}
    assert gone["residence_document"] == {f.document}
    assert gone["filled_form"] == {f.filled_form}
    assert gone["printed_document"] == {f.printed}
    assert gone["case_volunteer"] == {f.helper}
    assert gone["household_member"] == members
    assert len(gone["distinct_pair"]) == 1
    assert gone["checklist_item"]  # the case type's checklist
    assert "household" not in gone  # the partner is still a member
    assert "volunteer" not in gone
    assert f.partner not in gone["person"] and f.stranger not in gone["person"]
    assert erasure.preview(f.person) == {kind: len(found) for kind, found in gone.items()}


def test_closure_takes_a_household_left_with_no_member_and_what_points_at_it(store):
    f = make_family()
    household_case = cases.create_case(
        {"person": f.partner, "household": f.household, "case_type": "buergergeld_erstantrag"}
    )
    both = erasure.closure([f.person, f.partner])
    assert both["household"] == {f.household}
    assert {f.case, f.partner_case, household_case.id} <= both["case"]
    # A household case of someone who stays goes with the household (its key points at an erased id).
    other = people.create_person({"family_name": "Dritte", "given_name": "Anna"})
    third = cases.create_case({"person": other.id, "household": f.household, "case_type": "buergergeld_erstantrag"})
    assert third.id in erasure.closure([f.person, f.partner])["case"]


def test_closure_takes_records_merged_into_the_person(store):
    f = make_family()
    twin = people.create_person({"family_name": SECRETS["family"], "given_name": SECRETS["given"]})
    changelog.update(Person, twin.id, deleted=True, merged_into=f.person)
    assert twin.id in erasure.closure([f.person])["person"]


def test_erase_person_leaves_nothing_and_a_sound_profile(store):
    f = make_family()
    before = integrity.digest()
    expected = erasure.preview(f.person)
    gone = erasure.closure([f.person])
    counts = erasure.erase_person(f.person)
    assert counts == expected
    assert integrity.check() == []
    assert integrity.digest() != before
    db = store_db.current().db
    all_ids = [i for found in gone.values() for i in found]
    for kind, found in gone.items():
        table = model_for(kind)._meta.table_name
        for record_id in found:
            assert db.execute_sql(f'SELECT 1 FROM "{table}" WHERE id = ?', (record_id,)).fetchone() is None
    raw = [ids.to_bytes(i) for i in all_ids]
    assert Change.select().where(Change.record_id.in_(raw)).count() == 0
    assert erasure.erased_among(raw) == set(raw)
    assert {m[0] for m in erasure.markers()} == set(raw)
    assert {m[3] for m in erasure.markers()} == {store.device_id}
    assert db.execute_sql("SELECT count(*) FROM saved_file").fetchone()[0] == 0
    assert search(SECRETS["family"]) == set() and search(SECRETS["reference"]) == set()
    values = " ".join(v or "" for (v,) in db.execute_sql("SELECT value FROM change"))
    for secret in SECRETS.values():
        assert secret not in values
    # The others are untouched and still found.
    assert search("Partnerova") == {f.partner}
    assert not deleted("household", f.household)
    assert [m.person_id for m in HouseholdMember.select().where(HouseholdMember.household == f.household)] == [
        f.partner
    ]
    with pytest.raises(deletion.RecordMissing):
        erasure.erase_person(f.person)


def test_markers_are_stamped_within_the_clock_and_check_sees_leftovers(store):
    f = make_family()
    erasure.erase_person(f.partner)
    stamps = [m[2] for m in erasure.markers()]
    assert max(stamps) <= int(store.get_setting("clock_high"))
    assert integrity.check() == []
    # A leftover change of an erased record (what a broken merge would leave) is reported.
    person = Person.get_by_id(f.person)
    with store.db.atomic(), store_db.guard_open():
        store.db.execute_sql(
            "INSERT INTO erasure (record_id, record_type, hlc, device) VALUES (?, 'person', ?, ?)",
            (ids.to_bytes(person.id), store.clock.now(), store.device_id),
        )
        changelog.remember_clock(store.clock.last)
    problems = [str(p) for p in integrity.check()]
    assert any("erased but is still here" in p for p in problems)
    assert any("rows of change belong to erased records" in p for p in problems)


def test_erase_in_transaction_with_markers_for_absent_ids_only_records_markers(store):
    f = make_family()
    before = integrity.digest()
    absent = [("person", ids.new_id()), ("case", ids.new_id()), ("note", ids.new_id())]
    with store.db.atomic("IMMEDIATE"), store_db.guard_open():
        stamp = store.clock.now()
        counts = erasure.erase_in_transaction(absent, stamp, "other-device")
    assert counts == {}
    assert integrity.digest() == before
    assert integrity.check() == []
    raw = {ids.to_bytes(i) for _k, i in absent}
    assert erasure.erased_among([*raw, ids.to_bytes(f.person)]) == raw
    assert {(m[0], m[1], m[2], m[3]) for m in erasure.markers()} == {
        (ids.to_bytes(i), k, stamp, "other-device") for k, i in absent
    }
    # Again, later: markers are permanent and keep their first stamp.
    with store.db.atomic("IMMEDIATE"), store_db.guard_open():
        erasure.erase_in_transaction(absent, store.clock.now(), "third-device")
    assert {m[3] for m in erasure.markers()} == {"other-device"}


def test_erase_in_transaction_of_a_case_takes_what_points_at_it(store):
    f = make_family()
    with store.db.atomic("IMMEDIATE"), store_db.guard_open():
        counts = erasure.erase_in_transaction([("case", f.case)], store.clock.now(), store.device_id)
    assert counts["case"] == 1 and counts["task"] >= 1 and counts["appointment"] == 1
    assert counts["note"] == 1 and counts["printed_document"] == 1 and counts["case_volunteer"] == 1
    assert "person" not in counts
    assert not deleted("person", f.person) and not deleted("note", f.note)
    assert integrity.check() == []


def test_volunteers_are_never_erased(store):
    f = make_family()
    with store.db.atomic("IMMEDIATE"), store_db.guard_open():
        assert erasure.erase_in_transaction([("volunteer", f.volunteer)], store.clock.now(), store.device_id) == {}
    assert not deleted("volunteer", f.volunteer)
    assert list(erasure.markers()) == []


def test_erased_tombstones_go_too(store):
    f = make_family()
    deletion.delete("person", f.person)
    counts = erasure.erase_person(f.person)
    assert counts["person"] == 1 and counts["case"] == 1
    assert integrity.check() == []
    assert all(issubclass(m, Travelling) for m in Travelling.registry)
    assert dt.date.today()  # the profile is still usable:
    assert people.create_person({"family_name": "Neu", "given_name": "Nina"}).id
