"""Consents and powers of attorney: checks, states at dates, warnings, Today, erasure, exchange, CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from desktop import i18n
from desktop.core import appointments, cases, consents, dashboard, people
from desktop.core.errors import ValidationError
from desktop.core.privacy import deletion, erasure, words
from desktop.core.search import duplicates
from desktop.core.store import changelog, integrity
from desktop.core.store import db as store_db
from desktop.core.store.models import Consent, Person, PrintedDocument
from desktop.core.sync import conflicts
from tests.laptops import Laptop, laptops

DAY = dt.date(2026, 12, 3)


def _person(family: str = "Melnyk", given: str = "Olena") -> Person:
    return people.create_person({"family_name": family, "given_name": given})


def _consent(person_id: str, kind: str = "data_processing", **more: object) -> Consent:
    return consents.create_consent({"person": person_id, "kind": kind, "signed_on": dt.date(2026, 1, 10), **more})


def _refused(values: dict[str, object]) -> tuple[str | None, str]:
    with pytest.raises(ValidationError) as caught:
        consents.create_consent(values)
    return caught.value.field, str(caught.value)


# --- checks ---------------------------------------------------------------------------------------------


def test_dates_must_not_come_before_the_signature(store: store_db.Store) -> None:
    person = _person()
    base = {"person": person.id, "kind": "data_processing", "signed_on": dt.date(2026, 5, 2)}
    assert _refused({**base, "valid_until": dt.date(2026, 5, 1)}) == (
        "valid_until",
        "It cannot run out before it was signed.",
    )
    assert _refused({**base, "withdrawn_on": dt.date(2026, 5, 1)})[0] == "withdrawn_on"
    assert _refused({**base, "signed_on": None})[0] == "signed_on"
    assert _refused({**base, "kind": "blanket"})[0] == "kind"
    # the same day is fine for both
    consents.create_consent({**base, "valid_until": dt.date(2026, 5, 2), "withdrawn_on": dt.date(2026, 5, 2)})


def test_a_power_of_attorney_names_at_least_one_known_office(store: store_db.Store) -> None:
    person = _person()
    base = {"person": person.id, "kind": "power_of_attorney", "signed_on": dt.date(2026, 5, 2)}
    assert _refused(base)[0] == "offices"
    assert _refused({**base, "offices": ["jobcenter", "finanzamt"]})[0] == "offices"
    made = consents.create_consent({**base, "offices": ["sozialamt", "jobcenter"]})
    assert Consent.get_by_id(made.id).offices == "jobcenter,sozialamt"  # one stored form on every laptop
    # other kinds name no offices
    other = _consent(person.id, "confidentiality_release", offices=["jobcenter"])
    assert Consent.get_by_id(other.id).offices == ""


def test_messages_follow_the_language(store: store_db.Store) -> None:
    i18n.set_language("de")
    try:
        problems = consents.validate({"kind": "power_of_attorney", "signed_on": dt.date(2026, 5, 2)})
    finally:
        i18n.set_language("en")
    assert problems["offices"] != "Name at least one office the power of attorney is for."
    assert "Vollmacht" in problems["offices"]


def test_the_paper_copy_is_a_document_printed_for_the_person(store: store_db.Store) -> None:
    person, other = _person(), _person("Shevchenko", "Taras")
    printed = changelog.create(PrintedDocument, person=person.id, template_id="vollmacht", printed_on=DAY)
    foreign = changelog.create(PrintedDocument, person=other.id, template_id="vollmacht", printed_on=DAY)
    with pytest.raises(ValidationError):
        _consent(person.id, "power_of_attorney", offices=["jobcenter"], paper_copy=foreign.id)
    made = _consent(person.id, "power_of_attorney", offices=["jobcenter"], paper_copy=printed.id)
    assert [p.id for p in consents.paper_copies(person.id, "power_of_attorney")] == [printed.id]
    assert consents.paper_copies(person.id, "data_processing") == []
    # deleting the printed record leaves the consent standing
    deletion.delete("person", other.id)
    changelog.delete(PrintedDocument, printed.id)
    assert not Consent.get_by_id(made.id).deleted


def test_an_update_is_checked_against_what_is_stored(store: store_db.Store) -> None:
    made = _consent(_person().id, valid_until=dt.date(2027, 1, 10))
    with pytest.raises(ValidationError):
        consents.update_consent(made.id, {"signed_on": dt.date(2027, 2, 1)})
    consents.withdraw(made.id, dt.date(2026, 6, 1))
    assert Consent.get_by_id(made.id).withdrawn_on == dt.date(2026, 6, 1)


# --- states ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("until", "withdrawn", "at", "state"),
    [
        (None, None, dt.date(2026, 1, 9), "none"),  # the day before the signature
        (None, None, dt.date(2026, 1, 10), "valid"),  # signed today
        (dt.date(2026, 3, 1), None, dt.date(2026, 1, 29), "valid"),  # 31 days left
        (dt.date(2026, 3, 1), None, dt.date(2026, 1, 30), "expiring"),  # exactly 30 days left
        (dt.date(2026, 3, 1), None, dt.date(2026, 3, 1), "expiring"),  # its last day
        (dt.date(2026, 3, 1), None, dt.date(2026, 3, 2), "expired"),
        (None, dt.date(2026, 2, 1), dt.date(2026, 1, 31), "valid"),
        (None, dt.date(2026, 2, 1), dt.date(2026, 2, 1), "withdrawn"),  # withdrawn from that day
        (dt.date(2026, 3, 1), dt.date(2026, 2, 1), dt.date(2026, 4, 1), "withdrawn"),
    ],
)
def test_state_at_a_date(until, withdrawn, at, state) -> None:
    assert consents.state_at(dt.date(2026, 1, 10), until, withdrawn, at) == state


def test_a_persons_state_per_kind_and_office(store: store_db.Store) -> None:
    person = _person()
    assert consents.standing(person.id, DAY).kinds == dict.fromkeys(consents.KINDS, "none")
    old = _consent(person.id, valid_until=dt.date(2026, 6, 30))
    assert consents.standing(person.id, DAY).kinds["data_processing"] == "expired"
    _consent(person.id, signed_on=dt.date(2026, 7, 1), withdrawn_on=dt.date(2026, 9, 1))
    assert consents.standing(person.id, DAY).kinds["data_processing"] == "withdrawn"  # the latest decision
    _consent(person.id, signed_on=dt.date(2026, 11, 1), valid_until=DAY + dt.timedelta(days=10))
    assert consents.standing(person.id, DAY).kinds["data_processing"] == "expiring"
    assert consents.standing(person.id, DAY).kinds["confidentiality_release"] == "none"
    _consent(person.id, "power_of_attorney", offices=["jobcenter", "sozialamt"], valid_until=dt.date(2026, 11, 30))
    _consent(person.id, "power_of_attorney", offices=["sozialamt"], signed_on=dt.date(2026, 11, 1))
    state = consents.standing(person.id, DAY)
    assert state.office("jobcenter") == "expired"
    assert state.office("sozialamt") == "valid"
    assert state.office("auslaenderbehoerde") == "none"
    assert {r.id: r.state for r in consents.consents_of(person.id, DAY)}[old.id] == "expired"


# --- warnings -------------------------------------------------------------------------------------------


def test_warnings_name_the_missing_consent_and_power_of_attorney(store: store_db.Store) -> None:
    person = _person()
    found = consents.warnings(person.id, "jobcenter", DAY)
    assert [(w.kind, w.state, w.office) for w in found] == [
        ("data_processing", "none", ""),
        ("power_of_attorney", "none", "jobcenter"),
    ]
    assert "Jobcenter" in found[1].text
    _consent(person.id)
    _consent(person.id, "power_of_attorney", offices=["jobcenter"], withdrawn_on=dt.date(2026, 11, 1))
    found = consents.warnings(person.id, "jobcenter", DAY)
    assert [(w.kind, w.state) for w in found] == [("power_of_attorney", "withdrawn")]
    assert consents.warnings(person.id, "other", DAY) == []  # "another office" cannot be covered by name
    assert consents.warnings(person.id, None, DAY) == []


def test_print_warnings_spare_the_consent_forms_themselves(store: store_db.Store) -> None:
    person = _person()
    assert consents.print_warnings(person.id, "vollmacht", "other", DAY) == []
    assert consents.print_warnings(person.id, "einwilligung-datenverarbeitung", "other", DAY) == []
    assert [w.kind for w in consents.print_warnings(person.id, "arbeitsblatt-kindergeld", "familienkasse", DAY)] == [
        "data_processing",
        "power_of_attorney",
    ]


def test_appointment_warnings_know_the_office_from_the_directory_or_the_case(store: store_db.Store) -> None:
    person = _person()
    _consent(person.id)
    _consent(person.id, "power_of_attorney", offices=["jobcenter"])
    case = cases.create_case({"person": person.id, "case_type": "widerspruch"})
    assert consents.appointment_office("leipzig_jobcenter") == "jobcenter"
    assert consents.appointment_office("", case.id) == cases.Case.get_by_id(case.id).authority == "jobcenter"
    assert consents.appointment_warnings(person.id, "leipzig_jobcenter", None, DAY) == []
    abh = next(o["key"] for o in appointments.offices() if o["authority"] == "auslaenderbehoerde")
    assert [w.office for w in consents.appointment_warnings(None, abh, case.id, DAY)] == ["auslaenderbehoerde"]
    assert consents.appointment_warnings(None, "", None, DAY) == []


def test_export_warnings_name_the_people_without_consent(store: store_db.Store) -> None:
    with_consent, without = _person(), _person("Bondar", "Iryna")
    _consent(with_consent.id)
    case = cases.create_case({"person": without.id, "case_type": "widerspruch"})
    assert consents.people_of_selection("case", case.id) == [without.id]
    found = consents.export_warnings([with_consent.id, without.id], DAY)
    assert [(name, w.kind) for name, w in found] == [("Bondar, Iryna", "data_processing")]


# --- Today ----------------------------------------------------------------------------------------------


def test_today_lists_what_runs_out_and_expired_powers_of_people_with_an_open_case(store: store_db.Store) -> None:
    soon, later, replaced = _person("Soon", "A"), _person("Later", "B"), _person("Replaced", "C")
    lapsed, idle = _person("Lapsed", "D"), _person("Idle", "E")
    _consent(soon.id, valid_until=DAY + dt.timedelta(days=30))
    _consent(later.id, valid_until=DAY + dt.timedelta(days=31))
    _consent(replaced.id, valid_until=DAY + dt.timedelta(days=3))
    _consent(replaced.id, signed_on=dt.date(2026, 11, 1))  # a new one stands in
    _consent(soon.id, "confidentiality_release", valid_until=DAY, withdrawn_on=dt.date(2026, 11, 1))
    for who in (lapsed, idle):
        _consent(who.id, "power_of_attorney", offices=["jobcenter"], valid_until=dt.date(2026, 10, 1))
    cases.create_case({"person": lapsed.id, "case_type": "widerspruch"})
    found = consents.alerts(DAY)
    assert [(a.name, a.kind, a.state) for a in found] == [
        ("Lapsed, D", "power_of_attorney", "expired"),
        ("Soon, A", "data_processing", "expiring"),
    ]
    assert dashboard.build(DAY).consents == found


def test_today_says_when_more_consents_run_out_than_it_shows(store: store_db.Store, qtbot, monkeypatch) -> None:
    """The other groups count every line; the consents are read only as far as shown, so beyond that the
    count says "more than"."""
    from desktop.ui.dashboard_view import DashboardView

    monkeypatch.setattr(dashboard, "LIMIT", 3)
    for n in range(4):
        _consent(_person(f"Soon{n}", "A").id, valid_until=DAY + dt.timedelta(days=n + 1))
    board = dashboard.build(DAY)
    assert len(board.consents) == 3 and board.consents_more
    view = DashboardView()
    qtbot.addWidget(view)
    view.board = board
    view._fill()
    titles = [view.tree.topLevelItem(g).text(0) for g in range(view.tree.topLevelItemCount())]
    assert "Consents and powers of attorney running out (more than 3)" in titles
    # The residence documents are all read: their count is exact beyond the lines shown.
    documents = [("p", f"Name{n}", DAY, DAY, "aufenthaltserlaubnis") for n in range(5)]
    monkeypatch.setattr(dashboard, "expiring_documents", lambda _start, _end: documents)
    board = dashboard.build(DAY)
    assert len(board.expiring) == 3 and board.expiring_total == 5
    view.board = board
    view._fill()
    titles = [view.tree.topLevelItem(g).text(0) for g in range(view.tree.topLevelItemCount())]
    assert "Residence documents running out (5)" in titles
    monkeypatch.setattr(dashboard, "LIMIT", 4)
    board = dashboard.build(DAY)
    assert len(board.consents) == 4 and not board.consents_more
    view.board = board
    view._fill()
    titles = [view.tree.topLevelItem(g).text(0) for g in range(view.tree.topLevelItemCount())]
    assert "Consents and powers of attorney running out (4)" in titles


# --- with the rest of the data ---------------------------------------------------------------------------


def test_every_consent_field_has_a_label_for_conflicts() -> None:
    assert "consent" in conflicts.RECORD_LABELS
    for f in Consent.data_fields():
        assert f.name in conflicts.FIELD_LABELS, f.name
    assert conflicts.field_label("consent", "withdrawn_on") == "Withdrawn on"
    assert "consent" in words._WORDS


def test_consents_go_with_an_erased_person(store: store_db.Store) -> None:
    person, other = _person(), _person("Bondar", "Iryna")
    printed = changelog.create(PrintedDocument, person=person.id, template_id="vollmacht", printed_on=DAY)
    made = _consent(person.id, "power_of_attorney", offices=["jobcenter"], paper_copy=printed.id)
    kept = _consent(other.id)
    assert erasure.preview(person.id)["consent"] == 1
    erasure.erase_person(person.id)
    assert Consent.get_or_none(Consent.id == made.id) is None
    assert changelog.history(made.id) == []
    assert Consent.get_or_none(Consent.id == kept.id) is not None
    assert integrity.check() == []


def test_deleting_a_person_tombstones_their_consents_and_undo_restores_them(store: store_db.Store) -> None:
    person = _person()
    made = _consent(person.id)
    done = deletion.delete("person", person.id)
    assert ("consent", made.id) in done.tombstoned
    deletion.undo(done)
    assert not Consent.get_by_id(made.id).deleted


def test_a_merge_moves_the_consents_to_the_kept_record(store: store_db.Store) -> None:
    keep, drop = _person(), _person("Melnyk", "Olena")
    made = _consent(drop.id)
    duplicates.merge_people(keep.id, drop.id)
    assert Consent.get_by_id(made.id).person_id == keep.id


@pytest.fixture
def ab(tmp_path: Path) -> tuple[Laptop, Laptop]:
    a, b = laptops(tmp_path, "anna", "bohdan")
    return a, b


def test_consents_travel_between_laptops_and_their_withdrawal_too(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    person = _person()
    made = _consent(person.id, "power_of_attorney", offices=["jobcenter", "familienkasse"])
    b.apply(a.export())
    b.use()
    row = Consent.get_by_id(made.id)
    assert (row.person_id, row.offices, row.signed_on) == (person.id, "jobcenter,familienkasse", dt.date(2026, 1, 10))
    consents.withdraw(made.id, dt.date(2026, 11, 20))
    a.apply(b.export())
    a.use()
    assert consents.standing(person.id, DAY).office("jobcenter") == "withdrawn"
    assert a.digest() == b.digest()
    # erasure travels too
    erasure.erase_person(person.id)
    b.apply(a.export())
    b.use()
    assert Consent.get_or_none(Consent.id == made.id) is None
    assert integrity.check() == []


def test_cli_lists_a_persons_consents(
    store: store_db.Store, profile_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop import cli
    from tests.conftest import PASSPHRASE

    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    person = _person()
    printed = changelog.create(PrintedDocument, person=person.id, template_id="vollmacht", printed_on=DAY)
    _consent(person.id, valid_until=dt.date(2026, 3, 1))
    power = _consent(person.id, "power_of_attorney", offices=["jobcenter"], paper_copy=printed.id)
    folder = profile_dir
    store_db.close_store()
    assert cli.main(["--data-dir", str(folder), "consents", person.id, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out) == 2
    by_kind = {c["kind"]: c for c in out}
    assert by_kind["power_of_attorney"] == {
        "id": power.id,
        "kind": "power_of_attorney",
        "offices": ["jobcenter"],
        "signed_on": "2026-01-10",
        "valid_until": None,
        "withdrawn_on": None,
        "state": "valid",
        "paper_copy": printed.id,
    }
    assert by_kind["data_processing"]["state"] == "expired"
    assert cli.main(["--data-dir", str(folder), "consents", person.id]) == 0
    text = capsys.readouterr().out
    assert "Power of attorney" in text and "Jobcenter" in text and "expired" in text
    assert cli.main(["--data-dir", str(folder), "consents", "no-such-person"]) == cli.EXIT_ERROR


def _demo_consents(laptop: Laptop) -> list[tuple]:
    from desktop.core import demo

    laptop.use()
    counts = demo.generate(200, seed=3, today=DAY)
    assert counts["consent"] == Consent.select().count()
    assert integrity.check() == []
    return sorted(((c.kind, c.offices, c.signed_on, c.valid_until, c.withdrawn_on) for c in Consent.select()), key=repr)


def test_demo_people_mostly_consented_some_powers_running_out_one_withdrawn(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    made = _demo_consents(a)
    assert made == _demo_consents(b)  # the same with the same seed
    data = [c for c in made if c[0] == "data_processing"]
    powers = [c for c in made if c[0] == "power_of_attorney"]
    assert len(data) > 0.7 * 200
    assert all(c[1] for c in powers) and len(powers) >= 5
    assert sum(1 for c in powers if c[4] is not None) == 1
    assert any(c[3] is not None and DAY <= c[3] <= DAY + dt.timedelta(days=30) for c in powers)
    assert any(c[3] is not None and DAY <= c[3] <= DAY + dt.timedelta(days=30) for c in data)
    assert consents.alerts(DAY)


def test_a_consent_changed_on_two_laptops_is_a_conflict_with_labels(ab: tuple[Laptop, Laptop]) -> None:
    a, b = ab
    a.use()
    person = _person()
    made = _consent(person.id, "power_of_attorney", offices=["jobcenter"])
    b.apply(a.export())
    a.use()
    consents.update_consent(made.id, {"offices": ["jobcenter", "sozialamt"]})
    b.use()
    consents.update_consent(made.id, {"offices": ["krankenkasse"]})
    a.apply(b.export())
    a.use()
    (found,) = conflicts.open_conflicts()
    assert (found.record_kind, found.field_text) == ("Consent or power of attorney", "Offices")
    assert found.record_text == "Consent or power of attorney · Melnyk, Olena"
    assert sorted(v.text for v in found.values) == ["Health insurer", "Jobcenter, Social welfare office"]
