"""The exchange between laptops (issue: bundles, merge, conflicts, knowledge, erasure that travels).

Laptops pass plaintext ZIPs here (see tests/laptops.py); encryption, transports and hostile input have their
own tests. Every test drives real profiles through the public core API.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from desktop.core import appointments, cases, people, tasks
from desktop.core.errors import UserError
from desktop.core.privacy import deletion, erasure
from desktop.core.store import db as store_db
from desktop.core.store.models import Appointment, Case, Person
from desktop.core.sync import conflicts, exchange, team
from desktop.core.sync.bundle import BundleRejected
from desktop.core.sync.exchange import Scope
from tests.laptops import Laptop, laptops


@pytest.fixture
def ab(tmp_path: Path) -> tuple[Laptop, Laptop]:
    a, b = laptops(tmp_path, "anna", "bohdan")
    return a, b


def _person(family: str = "Melnyk", given: str = "Olena", **more: object) -> Person:
    return people.create_person({"family_name": family, "given_name": given, **more})


def both_ways(*laptops_: Laptop) -> None:
    """Everyone receives everything (twice round, so what one learnt from another travels on)."""
    for _ in range(2):
        for giver in laptops_:
            plain = giver.export()
            for taker in laptops_:
                if taker is not giver:
                    taker.apply(plain)


def _changes_in(plain: bytes) -> list[dict]:
    with zipfile.ZipFile(BytesIO(plain)) as zf:
        return [json.loads(line) for line in zf.read("changes.jsonl").splitlines() if line]


def _manifest(plain: bytes) -> dict:
    with zipfile.ZipFile(BytesIO(plain)) as zf:
        return json.loads(zf.read("manifest.json"))


# --------------------------------------------------------------------------------------------- round trip


def test_everything_arrives_and_both_laptops_show_the_same(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    person = _person(city="Leipzig")
    case = cases.create_case({"person": person.id, "case_type": "widerspruch"})
    appointments.create_appointment(
        {"person": person.id, "case": case.id, "starts_at": dt.datetime(2026, 12, 7, 9, 30), "office": "Jobcenter"}
    )
    tasks.create_task({"case": case.id, "title": "Bescheid kopieren", "due_date": dt.date(2026, 12, 10)})
    report = b.apply(a.export())
    assert report.new >= 4 and report.updated == 0 and report.conflicts == 0
    assert report.source_name == "anna" and report.volunteer_name == "Volunteer anna"
    assert [f.name for f in report.families] and report.families[0].person_id == person.id
    both_ways(a, b)  # b's own volunteer record goes to a
    assert a.digest() == b.digest()
    b.use()
    assert Person.get_by_id(person.id).city == "Leipzig"
    assert Case.get_by_id(case.id).person_id == person.id


def test_importing_the_same_bundle_twice_changes_nothing(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    _person()
    plain = a.export()
    first = b.apply(plain)
    before = b.digest()
    again = b.apply(plain)
    assert first.new > 0 and not first.already_known
    assert again.already_known  # the report says so; the counts are those of the first import
    assert b.digest() == before
    a.use()
    same_changes = a.export()  # another bundle (new id) with the same changes
    third = b.apply(same_changes)
    assert not third.already_known and third.changes == third.new == third.updated == third.conflicts == 0
    assert b.digest() == before


def test_a_bundle_back_to_its_maker_changes_nothing(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    _person()
    both_ways(a, b)
    before = a.digest()
    report = a.apply(b.export())
    assert report.changes == report.new == report.updated == report.conflicts == 0
    assert a.digest() == before


# ------------------------------------------------------------------------------------------------- merge


def test_different_fields_merge_without_asking(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    pid = _person().id
    b.apply(a.export())
    a.use()
    people.update_person(pid, {"city": "Dresden"})
    b.use()
    people.update_person(pid, {"phone": "+49 351 1234567"})
    both_ways(a, b)
    for laptop in (a, b):
        laptop.use()
        person = Person.get_by_id(pid)
        assert (person.city, person.phone) == ("Dresden", "+49 351 1234567")
        assert conflicts.count() == 0
    assert a.digest() == b.digest()


def test_a_change_on_top_of_the_current_value_fast_forwards(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    pid = _person(city="Leipzig").id
    b.apply(a.export())
    b.use()
    people.update_person(pid, {"city": "Dresden"})
    a.apply(b.export())
    a.use()
    people.update_person(pid, {"city": "Chemnitz"})  # on top of Dresden
    report = b.apply(a.export())
    assert report.conflicts == 0
    for laptop in (a, b):
        laptop.use()
        assert Person.get_by_id(pid).city == "Chemnitz"
        assert conflicts.count() == 0


def _conflict(a: Laptop, b: Laptop) -> str:
    """The same field changed on both laptops from the same base, then exchanged both ways."""
    a.use()
    pid = _person(city="Leipzig").id
    b.apply(a.export())
    a.use()
    people.update_person(pid, {"city": "Dresden"})
    b.use()
    people.update_person(pid, {"city": "Chemnitz"})
    report = a.apply(b.export())
    assert report.conflicts == 1
    b.apply(a.export())
    return pid


def test_the_same_field_from_the_same_base_is_a_conflict_on_both(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    pid = _conflict(a, b)
    seen = []
    for laptop in (a, b):
        laptop.use()
        [c] = conflicts.open_conflicts()
        assert c.record_id == pid and c.field == "city"
        values = sorted(v.value for v in c.values)
        assert values == ["Chemnitz", "Dresden"]
        assert len({v.device for v in c.values}) == 2
        seen.append((c.id, values, Person.get_by_id(pid).city))
    assert seen[0] == seen[1]  # same conflict, same shown value on both
    both_ways(a, b)
    assert a.digest() == b.digest()


def test_a_resolution_travels_and_closes_the_conflict_everywhere(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    pid = _conflict(a, b)
    a.use()
    [c] = conflicts.open_conflicts()
    keep = next(v for v in c.values if v.value == "Chemnitz")
    conflicts.resolve(c.id, keep=keep.change_id)
    assert conflicts.count() == 0
    report = b.apply(a.export())
    assert report.conflicts == 0
    for laptop in (a, b):
        laptop.use()
        assert conflicts.count() == 0
        assert Person.get_by_id(pid).city == "Chemnitz"
    both_ways(a, b)
    assert a.digest() == b.digest()


def test_a_new_value_resolves_a_conflict(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    pid = _conflict(a, b)
    b.use()
    [c] = conflicts.open_conflicts()
    conflicts.resolve(c.id, value="Leipzig-Grünau")
    a.apply(b.export())
    a.use()
    assert conflicts.count() == 0 and Person.get_by_id(pid).city == "Leipzig-Grünau"


def test_resolving_needs_one_of_its_values_or_a_new_one(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    _conflict(a, b)
    a.use()
    [c] = conflicts.open_conflicts()
    with pytest.raises(UserError):
        conflicts.resolve(c.id, keep="not-a-change-of-this-conflict")
    with pytest.raises(UserError):
        conflicts.resolve(c.id)
    with pytest.raises(UserError):
        conflicts.resolve("0" * 64, value="x")
    assert conflicts.count() == 1


def test_an_edit_on_one_side_of_an_open_conflict_keeps_the_conflict_visible(ab: tuple[Laptop, Laptop]) -> None:
    """Editing the field again on one laptop replaces the value shown, not the one waiting in the inbox."""
    a, b = ab
    pid = _conflict(a, b)
    a.use()
    shown = Person.get_by_id(pid).city
    waiting = ({"Dresden", "Chemnitz"} - {shown}).pop()
    people.update_person(pid, {"city": "Zwickau"})
    b.apply(a.export())
    for laptop in (a, b):
        laptop.use()
        [c] = conflicts.open_conflicts()
        assert {v.value for v in c.values} == {waiting, "Zwickau"}


def test_bundles_in_any_order_with_duplicates_give_the_same_result(tmp_path: Path) -> None:
    a, b, c = laptops(tmp_path, "a", "b", "c")
    a.use()
    pid = _person(city="Leipzig").id
    base = a.export()
    b.apply(base)
    c.apply(base)
    bundles = []
    for laptop, city in ((a, "Dresden"), (b, "Chemnitz"), (c, "Plauen")):
        laptop.use()
        people.update_person(pid, {"city": city, "phone": f"+49 30 {len(bundles) + 1}000"})
        bundles.append(laptop.export())
    # Each receives the others' bundles in its own order, some twice.
    for taker, order in ((b, (0, 2, 2)), (c, (1, 0, 1)), (a, (2, 1))):
        for n in order:
            taker.apply(bundles[n])
    shown = set()
    for laptop in (a, b, c):
        laptop.use()
        open_now = conflicts.open_conflicts()
        shown.add(tuple(sorted((o.field, tuple(sorted(str(v.value) for v in o.values))) for o in open_now)))
    # Each laptop has seen all three bundles (in different orders, with duplicates): same data, same inbox.
    assert len(shown) == 1
    assert dict(next(iter(shown)))["city"] == ("Chemnitz", "Dresden", "Plauen")
    both_ways(a, b, c)
    assert len({x.digest() for x in (a, b, c)}) == 1


# --------------------------------------------------------------------------------------------- knowledge


def test_an_export_for_a_laptop_holds_exactly_what_it_lacks(tmp_path: Path) -> None:
    a, b, c = laptops(tmp_path, "a", "b", "c")
    a.use()
    first = _person("Shevchenko", "Taras").id
    b.apply(a.export())
    a.apply(b.export())  # b's bundle tells a what b holds
    c.use()
    _person("Kovalenko", "Iryna")
    a.apply(c.export())  # a now holds c's changes, which b lacks
    a.use()
    people.update_person(first, {"city": "Leipzig"})
    held_by_a = {ch["id"] for ch in _changes_in(a.export())}
    held_by_b = {ch["id"] for ch in _changes_in(b.export())}
    plain = a.export(Scope(kind="device", device=b.device))
    sent = {ch["id"] for ch in _changes_in(plain)}
    assert sent == held_by_a - held_by_b  # nothing b has, nothing b lacks left out
    assert len(sent) < len(held_by_a)
    b.apply(plain)
    assert {ch["id"] for ch in _changes_in(b.export())} >= held_by_a


def test_what_a_laptop_lacks_is_never_left_out_when_its_knowledge_is_old(tmp_path: Path) -> None:
    """Knowledge from b's last bundle is a floor, not a promise: a's export for b sends everything above it,
    even when b has meanwhile received some of it from elsewhere (duplicates are harmless)."""
    a, b, c = laptops(tmp_path, "a", "b", "c")
    a.apply(b.export())  # a knows b holds nothing of a's
    a.use()
    _person("Lysenko", "Mykola")
    c.apply(a.export())
    b.apply(c.export())  # b got a's person by way of c
    a.use()
    _person("Rudenko", "Halyna")
    plain = a.export(Scope(kind="device", device=b.device))
    report = b.apply(plain)
    assert report.new >= 1 and report.conflicts == 0
    held_by_a = {ch["id"] for ch in _changes_in(a.export())}
    assert {ch["id"] for ch in _changes_in(b.export())} >= held_by_a


def test_since_my_last_export_holds_only_what_came_after(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    pid = _person().id
    first = a.export(Scope(kind="since_last"), remember=True)
    a.use()
    people.update_person(pid, {"city": "Halle"})
    second = a.export(Scope(kind="since_last"), remember=True)
    fields = [ch["field"] for ch in _changes_in(second)]
    assert fields == ["city"]
    assert _changes_in(first) and all(ch["field"] != "city" for ch in _changes_in(first))
    assert _changes_in(a.export(Scope(kind="since_last"))) == []
    b.apply(first)
    b.apply(second)
    a.apply(b.export())
    assert a.digest() == b.digest()


def test_since_last_export_also_carries_what_arrived_from_others(tmp_path: Path) -> None:
    a, b, c = laptops(tmp_path, "a", "b", "c")
    a.use()
    a.export(Scope(kind="since_last"), remember=True)
    c.use()
    pid = _person("Bondarenko", "Oksana").id
    a.apply(c.export())
    plain = a.export(Scope(kind="since_last"))
    assert pid in {ch["record"] for ch in _changes_in(plain)}
    b.apply(plain)
    b.use()
    assert Person.get_by_id(pid)


def test_a_chosen_family_goes_with_everything_that_hangs_on_it(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    mother = _person("Melnyk", "Olena")
    other = _person("Tkachenko", "Petro")
    case = cases.create_case({"person": mother.id, "case_type": "widerspruch"})
    appointments.create_appointment(
        {"person": mother.id, "case": case.id, "starts_at": dt.datetime(2026, 12, 8, 10, 0), "office": "Jobcenter"}
    )
    cases.create_case({"person": other.id, "case_type": "widerspruch"})
    plain = a.export(Scope(kind="selection", people=(mother.id,)))
    assert _manifest(plain)["scope"]["kind"] == "selection"
    b.apply(plain)
    b.use()
    assert Person.get_or_none(Person.id == mother.id)
    assert Case.get_or_none(Case.id == case.id)
    assert Appointment.select().count() == 1
    assert Person.get_or_none(Person.id == other.id) is None
    assert Case.select().count() == 1


def test_a_selection_needs_something_chosen(ab: tuple[Laptop, Laptop]) -> None:
    a, _ = ab
    a.use()
    with pytest.raises(UserError):
        exchange.export(Scope(kind="selection"))
    with pytest.raises(UserError):
        exchange.export(Scope(kind="device"))
    with pytest.raises(UserError):
        exchange.export(Scope(kind="whatever"))


def test_a_bundle_that_refers_to_unknown_records_is_refused_and_writes_nothing(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    person = _person()
    a.export(Scope(kind="since_last"), remember=True)
    a.use()
    cases.create_case({"person": person.id, "case_type": "widerspruch"})
    later = a.export(Scope(kind="since_last"))
    before = b.digest()
    with pytest.raises(BundleRejected) as info:
        b.apply(later)
    assert info.value.kind == "references"
    assert "earlier bundles" in str(info.value)
    assert b.digest() == before


# ----------------------------------------------------------------------------------- delete and erasure


def test_a_delete_travels_as_a_tombstone(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    pid = _person().id
    b.apply(a.export())
    a.use()
    deletion.delete("person", pid)
    report = b.apply(a.export())
    assert report.deleted == 1
    b.use()
    assert Person.get_by_id(pid).deleted
    both_ways(a, b)
    assert a.digest() == b.digest()


def test_an_erasure_travels_and_an_old_bundle_does_not_bring_the_person_back(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    pid = _person("Zaporozhets", "Kateryna", phone="+49 341 999111").id
    cases.create_case({"person": pid, "case_type": "widerspruch"})
    keep = _person("Hnatiuk", "Roman").id
    b.apply(a.export())
    old = a.export()  # made before the erasure, arrives after it
    a.use()
    erasure.erase_person(pid)
    report = b.apply(a.export())
    assert report.erased >= 2  # the person and the case
    b.use()
    assert Person.get_or_none(Person.id == pid) is None and Case.select().count() == 0
    assert Person.get_by_id(keep)
    again = b.apply(old)  # the bundle from before the erasure arrives late
    b.use()
    assert again.new == 0 and not again.already_known
    db = store_db.current().db
    raw = bytes.fromhex(pid.replace("-", ""))
    assert db.execute_sql("SELECT count(*) FROM change WHERE record_id = ?", (raw,)).fetchone()[0] == 0
    both_ways(a, b)
    assert a.digest() == b.digest()


def test_an_erasure_wins_over_edits_made_elsewhere_meanwhile(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    pid = _person().id
    b.apply(a.export())
    b.use()
    people.update_person(pid, {"city": "Dresden"})
    a.use()
    erasure.erase_person(pid)
    both_ways(a, b)
    for laptop in (a, b):
        laptop.use()
        assert Person.get_or_none(Person.id == pid) is None
    assert a.digest() == b.digest()


# -------------------------------------------------------------------------------- report, team, claims


def test_a_family_entered_on_two_laptops_is_reported_as_a_likely_duplicate(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    mine = _person("Melnyk", "Olena", birth_date=dt.date(1984, 3, 2)).id
    b.use()
    theirs = _person("Melnyk", "Olena", birth_date=dt.date(1984, 3, 2)).id
    report = a.apply(b.export())
    assert (theirs, mine) in [tuple(p) for p in report.duplicates]


def test_two_volunteers_claiming_one_appointment_are_flagged(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    person = _person()
    appointment = appointments.create_appointment(
        {"person": person.id, "starts_at": dt.datetime(2026, 12, 9, 8, 0), "office": "Jobcenter"}
    )
    b.apply(a.export())
    a.use()
    appointments.claim(appointment.id, store_db.current().volunteer_id)
    b.use()
    appointments.claim(appointment.id, store_db.current().volunteer_id)
    report = a.apply(b.export())
    assert appointment.id in report.claims


def test_the_team_view_knows_every_laptop_and_who_is_behind(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    assert team.devices() == []
    b.use()
    _person()
    a.apply(b.export())
    a.use()
    [known] = team.devices()
    assert known.device == b.device and known.name == "bohdan" and known.volunteer_name == "Volunteer bohdan"
    assert known.last_received and known.counts.get("new", 0) >= 1
    assert known.behind == 1  # b has not seen a's volunteer yet
    b.apply(a.export())
    a.apply(b.export())
    a.use()
    assert team.devices()[0].behind == 0
    _person("Ivanenko", "Ivan")
    [known] = team.devices()
    assert known.behind > 0


def test_the_report_round_trips_through_json(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    _person()
    report = b.apply(a.export())
    b.use()
    again = exchange.Report.from_json(json.loads(json.dumps(report.as_json())))
    assert again.as_json() == report.as_json()


def test_two_changes_of_one_field_stamp_and_device_are_refused_before_anything_is_written(
    ab: tuple[Laptop, Laptop],
) -> None:
    """Such a pair cannot come from a Begleiter laptop (one stamp per change); applying it would break the
    change log's unique index halfway. It is a clear refusal instead, and nothing is written."""

    from desktop.core import ids
    from desktop.core.sync import bundle

    a, b = ab
    a.use()
    _person()
    payload = bundle.read_zip(a.export())
    twin = payload.entries[-1]._replace(change_id=ids.new_id_bytes())
    forged = bundle.Payload(payload.manifest, [*payload.entries, twin], payload.markers)
    before = b.digest()
    b.use()
    with pytest.raises(BundleRejected) as info:
        exchange.apply(forged)
    assert info.value.kind == "content"
    assert b.digest() == before


def test_an_edit_on_top_of_a_value_both_laptops_wrote_leaves_no_conflict_anywhere(ab: tuple[Laptop, Laptop]) -> None:
    """Two laptops wrote the same city from the same base (no dispute: one value, two heads). An edit made
    on top of it replaces that value for everyone: it names both heads, so no laptop lists a conflict."""
    a, b = ab
    a.use()
    pid = _person(city="Leipzig").id
    b.apply(a.export())
    for laptop in (a, b):
        laptop.use()
        people.update_person(pid, {"city": "Dresden"})
    both_ways(a, b)
    a.use()
    assert conflicts.count() == 0
    people.update_person(pid, {"city": "Görlitz"})
    both_ways(a, b)
    for laptop in (a, b):
        laptop.use()
        assert conflicts.count() == 0 and Person.get_by_id(pid).city == "Görlitz"
    assert a.digest() == b.digest()


def _index_state() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    db = store_db.current().db
    terms = db.execute_sql("SELECT term, col, doc, cnt FROM person_search_terms ORDER BY term, col").fetchall()
    mapping = db.execute_sql("SELECT record_id, person_id FROM search_map ORDER BY record_id").fetchall()
    return terms, mapping


def test_imported_people_and_cases_are_found_and_indexed_as_a_rebuild_would(ab: tuple[Laptop, Laptop]) -> None:
    from desktop.core.search import index, query

    a, b = ab
    a.use()
    olena = _person("Kovalenko", "Olena", family_name_cyr="Коваленко", phone="+49 151 2345678")
    cases.create_case({"person": olena.id, "case_type": "widerspruch", "reference": "W-123/26"})
    gone = _person("Geloescht", "Petro")
    deletion.delete("person", gone.id)  # arrives deleted: never indexed
    b.apply(a.export())
    b.use()
    assert [h.row.id for h in query.search("Коваленко").hits] == [olena.id]
    assert [h.row.id for h in query.search("Olena Kovalenko").hits] == [olena.id]
    assert [h.row.id for h in query.search("W-123/26").hits] == [olena.id]
    assert [h.row.id for h in query.search("0151 2345678").hits] == [olena.id]
    # An update travels into the index too (through the queue: the person is not new here).
    a.use()
    people.update_person(olena.id, {"family_name": "Kowalenko"})
    b.apply(a.export())
    b.use()
    assert query.search("Geloescht").hits == []
    assert [h.row.id for h in query.search("Kowalenko").hits] == [olena.id]
    db = store_db.current().db
    index.flush_queue(db)
    imported = _index_state()
    index.rebuild(db)
    assert _index_state()[0] == imported[0]
    assert sorted(_index_state()[1]) == sorted(imported[1])


def test_the_report_counts_each_kind_of_record_and_reads_reports_without_them(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    olena, petro = _person().id, _person("Melnyk", "Petro").id
    case = cases.create_case({"person": olena, "case_type": "widerspruch"}).id
    tasks.create_task({"case": case, "title": "Call the Jobcenter", "due_date": dt.date(2026, 12, 1)})
    first = b.apply(a.export())
    assert first.kinds["new"]["person"] == 2 and first.kinds["new"]["case"] == 1
    assert first.kinds["new"]["task"] >= 1 and first.kinds["new"]["volunteer"] == 1
    assert sum(first.kinds["new"].values()) == first.new and "updated" not in first.kinds
    a.use()
    people.update_person(olena, {"city": "Leipzig"})
    deletion.delete("person", petro)
    erasure.erase_person(olena)  # the person and her case and task
    a.use()
    second = b.apply(a.export())
    assert second.kinds["erased"]["person"] == 1 and second.kinds["erased"]["case"] == 1
    assert second.kinds["deleted"] == {"person": 1} and second.deleted == 1
    assert sum(second.kinds["erased"].values()) == second.erased
    again = exchange.Report.from_json(json.loads(json.dumps(second.as_json())))
    assert again.kinds == second.kinds
    stored_before = second.as_json()  # a report stored by the version before the kinds were counted
    del stored_before["kinds"]
    old = exchange.Report.from_json(stored_before)
    assert old.kinds == {} and old.erased == second.erased and old.deleted == 1
