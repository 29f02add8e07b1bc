"""The directory: seeding the shipped offices (one record per office on every laptop), checks, lists, and
appointments, letters and the CLI reading the records."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from desktop import cli
from desktop.core import appointments, cases, people
from desktop.core.errors import ValidationError
from desktop.core.forms import binding
from desktop.core.network import directory
from desktop.core.privacy import deletion
from desktop.core.store import db as store_db
from desktop.core.store.models import Change, DirectoryEntry
from desktop.core.sync import bundle
from desktop.core.sync.exchange import Scope
from tests.laptops import laptops

SHIPPED_VERSION, SHIPPED = directory.shipped()


def _offices() -> list[DirectoryEntry]:
    return list(DirectoryEntry.select().where(DirectoryEntry.kind == "office"))


# --- seeding ------------------------------------------------------------------------------------------------


def test_a_new_profile_holds_every_shipped_office_once_under_its_derived_id(store: store_db.Store) -> None:
    rows = _offices()
    assert len(rows) == len(SHIPPED) > 10
    by_key = {r.key: r for r in rows}
    assert set(by_key) == {o["key"] for o in SHIPPED}
    for office in SHIPPED:
        row = by_key[office["key"]]
        assert row.id == directory.office_id(office["key"])
        assert (row.name, row.town, row.street, row.postcode, row.source) == (
            office["name"],
            office["city"],
            office["address"],
            office["postcode"],
            office["source"],
        )
    assert directory.seeded_version() == SHIPPED_VERSION


def test_seeding_again_writes_nothing(store: store_db.Store) -> None:
    before = Change.select().count()
    assert directory.seed() == 0
    store.set_setting(directory.SEEDED_SETTING, "0")  # even when asked to look again: every office is there
    assert directory.seed() == 0
    assert Change.select().count() == before
    assert len(_offices()) == len(SHIPPED)


def test_a_deleted_or_edited_office_is_never_brought_back_or_overwritten(
    store: store_db.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = directory.office_id("dresden_jobcenter")
    edited = directory.office_id("leipzig_jobcenter")
    deletion.delete("directory_entry", gone)
    directory.update(edited, {"postcode": "04109", "notes": "checked at the counter"})
    extra = {**SHIPPED[0], "key": "chemnitz_jobcenter", "city": "Chemnitz", "name": "Jobcenter Chemnitz"}
    newer = (SHIPPED_VERSION + 1, (*SHIPPED, extra))
    monkeypatch.setattr(directory, "shipped", lambda: newer)
    assert directory.seed() == 1  # only the office the newer release adds
    assert DirectoryEntry.get_by_id(gone).deleted
    assert DirectoryEntry.get_by_id(edited).postcode == "04109"
    assert DirectoryEntry.get_by_id(directory.office_id("chemnitz_jobcenter")).name == "Jobcenter Chemnitz"
    assert directory.seeded_version() == SHIPPED_VERSION + 1
    assert appointments.office("dresden_jobcenter") is None


def test_two_laptops_seeded_apart_end_with_one_record_per_office(tmp_path: Path) -> None:
    a, b = laptops(tmp_path, "anna", "bohdan")
    a.use()
    seeded = Change.select().count() - 1  # all but the volunteer's name
    b.use()
    directory.update(directory.office_id("dresden_jobcenter"), {"phone": "0351 123456"})
    first = a.apply(b.export())
    assert first.new == 1 and first.updated == 1  # b's volunteer and b's edit: the offices are known changes
    b.apply(a.export())
    a.apply(b.export())
    a.use()
    assert Change.select().where(Change.record_type == "directory_entry").count() == seeded + 1
    everything = bundle.read_zip(a.export()).entries
    assert sum(e.record_type == "directory_entry" for e in everything) == seeded + 1
    lacking = bundle.read_zip(a.export(Scope(kind="device", device=b.device))).entries
    assert not [e for e in lacking if e.record_type == "directory_entry"]  # b holds the offices already
    for laptop in (a, b):
        laptop.use()
        assert DirectoryEntry.select().count() == len(SHIPPED)
        assert appointments.office("dresden_jobcenter")["phone"] == "0351 123456"
        assert store_db.current().db.execute_sql("SELECT count(*) FROM conflict").fetchone()[0] == 0
    assert a.digest() == b.digest()


# --- checks and writes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("postcode", "123"), ("phone", "call me"), ("email", "office-at-leipzig"), ("website", "www example")],
)
def test_badly_shaped_contact_data_is_refused_with_the_field_named(
    store: store_db.Store, field: str, value: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        directory.create({"kind": "office", "name": "Bürgerbüro Grünau", field: value})
    assert caught.value.field == field and str(caught.value)


def test_an_entry_needs_a_name_and_a_known_kind(store: store_db.Store) -> None:
    with pytest.raises(ValidationError) as caught:
        directory.create({"kind": "initiative", "name": "  "})
    assert caught.value.field == "name"
    with pytest.raises(ValidationError) as caught:
        directory.create({"kind": "shop", "name": "Tafel"})
    assert caught.value.field == "kind"


def test_a_contact_belongs_to_an_office_or_initiative_not_to_a_person(store: store_db.Store) -> None:
    office = directory.office_id("leipzig_jobcenter")
    first = directory.create(
        {
            "kind": "contact",
            "name": "Frau Schmidt",
            "role": "Sachbearbeiterin",
            "engagement": "paid",
            "organisation": office,
        }
    )
    assert first.organisation_id == office
    with pytest.raises(ValidationError) as caught:
        directory.create({"kind": "contact", "name": "Herr Meyer", "organisation": first.id})
    assert caught.value.field == "organisation"
    with pytest.raises(ValidationError) as caught:
        directory.update(first.id, {"engagement": "sometimes"})
    assert caught.value.field == "engagement"
    assert [c.name for c in directory.contacts_of(office)] == ["Frau Schmidt"]
    assert directory.entry(first.id).organisation_name == "Jobcenter Leipzig"


def test_categories_are_stored_in_the_fixed_order(store: store_db.Store) -> None:
    made = directory.create(
        {"kind": "initiative", "name": "Willkommen in Connewitz", "town": "Leipzig", "categories": ["work", "housing"]}
    )
    assert DirectoryEntry.get_by_id(made.id).categories == "housing,work"
    with pytest.raises(ValidationError) as caught:
        directory.update(made.id, {"categories": ["housing", "rockets"]})
    assert caught.value.field == "categories"


# --- lists -----------------------------------------------------------------------------------------------


def test_the_list_filters_by_kind_town_and_words(store: store_db.Store) -> None:
    directory.create(
        {
            "kind": "initiative",
            "name": "Dresden hilft",
            "town": "Dresden",
            "district": "Neustadt",
            "offers": "Begleitung zu Ämtern, Kleiderkammer",
            "categories": "donations,accompaniment",
        }
    )
    offices_in_dresden = directory.entries(kind="office", town="dresden")
    assert offices_in_dresden and {e.town for e in offices_in_dresden} == {"Dresden"}
    assert directory.count(kind="office", town="DRESDEN") == len(offices_in_dresden)
    assert [e.name for e in directory.entries(text="kleiderkammer")] == ["Dresden hilft"]
    # in any case of any script: SQLite's LIKE and lower() fold ASCII letters only
    assert [e.name for e in directory.entries(text="ÄMTERN")] == ["Dresden hilft"]
    directory.create({"kind": "initiative", "name": "Українська громада", "town": "Київ", "offers": "Юристи"})
    assert [e.name for e in directory.entries(text="УКРАЇНСЬКА юристи")] == ["Українська громада"]
    assert [e.name for e in directory.entries(town="київ")] == ["Українська громада"]
    assert [e.name for e in directory.entries(text="neustadt")] == ["Dresden hilft"]
    assert [e.name for e in directory.entries(text="donations")] == ["Dresden hilft"]
    # the authority's and the category's label in any language finds them
    found = {e.key for e in directory.entries(text="Ausländerbehörde")}
    assert "dresden_auslaenderbehoerde" in found and "leipzig_aufnahme_mockau" not in found
    assert [e.name for e in directory.entries(text="in kind", kind="initiative")] == ["Dresden hilft"]
    assert "Dresden" in directory.towns() and "Leipzig" in directory.towns()
    first = directory.entries(limit=5)
    rest = directory.entries(after=directory.sort_key(first[-1]))
    assert [e.id for e in first + rest] == [e.id for e in directory.entries()]


# --- appointments and letters -----------------------------------------------------------------------------


def test_an_office_a_user_adds_reaches_appointments_and_letters(store: store_db.Store) -> None:
    made = directory.create(
        {
            "kind": "office",
            "name": "Jobcenter Görlitz",
            "authority": "jobcenter",
            "town": "Görlitz",
            "street": "Demianiplatz 1",
            "postcode": "02826",
        }
    )
    listed = {o["key"]: o for o in appointments.offices()}
    assert listed[made.id]["name"] == "Jobcenter Görlitz" and listed[made.id]["address"] == "Demianiplatz 1"
    assert appointments.office(made.id)["city"] == "Görlitz"
    person = people.create_person({"family_name": "Shevchenko", "given_name": "Olena", "city": "Görlitz"})
    case = cases.create_case({"person": person.id, "case_type": "widerspruch"})
    assert appointments.office_for_case(case.id)["key"] == made.id
    context = binding.context(binding.subject_for(case_id=case.id))
    assert context["case.authority"] == "Jobcenter Görlitz"
    assert context["case.authority_address"] == "Demianiplatz 1, 02826 Görlitz"
    deletion.delete("directory_entry", made.id)
    assert made.id not in {o["key"] for o in appointments.offices()}
    assert appointments.office_for_case(case.id) is None


def test_an_edited_shipped_office_is_what_a_letter_prints(store: store_db.Store) -> None:
    directory.update(directory.office_id("dresden_jobcenter"), {"street": "Musterweg 2", "postcode": "01069"})
    person = people.create_person({"family_name": "Bondar", "given_name": "Iryna", "city": "Dresden"})
    case = cases.create_case({"person": person.id, "case_type": "widerspruch"})
    context = binding.context(binding.subject_for(case_id=case.id))
    assert context["case.authority_address"] == "Musterweg 2, 01069 Dresden"
    starts = dt.datetime(2026, 12, 10, 9, 0)
    appointments.create_appointment(
        {"case": case.id, "starts_at": starts, "office": "Jobcenter Dresden", "office_key": "dresden_jobcenter"}
    )
    assert binding.context(binding.subject_for(case_id=case.id))["case.authority_street"] == "Musterweg 2"


# --- the CLI --------------------------------------------------------------------------------------------------


def test_the_cli_lists_the_directory_with_filters(
    store: store_db.Store, profile_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import PASSPHRASE

    office = directory.office_id("leipzig_jobcenter")
    directory.create({"kind": "contact", "name": "Frau Schmidt", "role": "Eingangszone", "organisation": office})
    store_db.close_store()
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    base = ["--data-dir", str(profile_dir), "directory"]
    assert cli.main([*base, "--json", "--kind", "office", "--town", "dresden"]) == cli.EXIT_OK
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["town"] for r in rows} == {"Dresden"} and {r["kind"] for r in rows} == {"office"}
    abh = next(r for r in rows if r["id"] == directory.office_id("dresden_auslaenderbehoerde"))
    assert abh["street"] == "Theaterstraße 11–15" and abh["email"] == "auslaenderbehoerde@dresden.de"
    assert abh["source"].startswith("dresden.de")
    assert cli.main([*base, "--json", "--kind", "contact"]) == cli.EXIT_OK
    [contact] = json.loads(capsys.readouterr().out)
    assert contact["organisation_name"] == "Jobcenter Leipzig" and contact["role"] == "Eingangszone"
    assert cli.main([*base, "--kind", "contact"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "Frau Schmidt" in out and "Eingangszone, Jobcenter Leipzig" in out
    assert cli.main([*base, "--town", "Atlantis"]) == cli.EXIT_OK
    assert "no entry" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main([*base, "--kind", "shop"])


def test_a_profile_with_nothing_but_the_shipped_offices_is_sound(profile_dir: Path) -> None:
    """A profile made without a volunteer (begleiter-cli init) holds only the seeded changes: the clock has
    seen their stamp, so the integrity check finds nothing."""
    from desktop.core import profile
    from desktop.core.store import integrity
    from tests.conftest import PASSPHRASE, TEST_KDF

    profile.create(profile_dir, PASSPHRASE, language="en", device_name="x", volunteer_name="", kdf_iterations=TEST_KDF)
    assert Change.select().count() > 0
    assert integrity.check() == []
    store_db.close_store()
    profile.unlock(profile_dir, PASSPHRASE)  # opened again: nothing seeded twice, still sound
    assert integrity.check() == [] and DirectoryEntry.select().count() == len(SHIPPED)
