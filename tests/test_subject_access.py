"""Subject access (Art. 15): the report holds every record about the person, every field, its history,
the audit entries; which tables belong is read from the schema, so a table added later is covered."""

from __future__ import annotations

import json
from pathlib import Path

import peewee as pw
import pytest
from pypdf import PdfReader

from desktop.core import people
from desktop.core.privacy import subject
from desktop.core.privacy.deletion import RecordMissing
from desktop.core.store.models import Person, Travelling, Volunteer, model_for
from tests.privacy_data import make_family


def _refers_to_a_person(model: type[Travelling]) -> bool:
    """Whether the model reaches Person through foreign keys (volunteers excluded), independently of the
    report's own rule."""
    seen: set[type] = set()
    stack = [model]
    while stack:
        current = stack.pop()
        if current is Person:
            return True
        if current in seen or current is Volunteer:
            continue
        seen.add(current)
        stack += [f.rel_model for f in current._meta.sorted_fields if isinstance(f, pw.ForeignKeyField)]
    return False


def test_the_report_covers_every_table_that_refers_to_a_person() -> None:
    expected = {m.record_type for m in Travelling.registry if _refers_to_a_person(m)} | {"household"}
    assert set(subject.tables_about_a_person()) == expected


@pytest.mark.usefixtures("store")
def test_every_record_field_and_change_of_the_person_is_in_the_json(tmp_path: Path) -> None:
    family = make_family(tmp_path)
    person_id = family.person
    report = subject.build(person_id)
    data = report.data
    assert data["format"] == subject.FORMAT and data["person_id"] == person_id
    assert set(data["records"]) == set(subject.tables_about_a_person())
    # Every record type the family has rows of, every column of each.
    filled = {kind for kind, records in data["records"].items() if records}
    assert {
        "person",
        "case",
        "appointment",
        "note",
        "task",
        "household",
        "household_member",
        "printed_document",
    } <= filled
    for record_type, records in data["records"].items():
        columns = {f.name for f in model_for(record_type)._meta.sorted_fields}
        for record in records:
            assert set(record["fields"]) == columns, record_type
    person = data["records"]["person"][0]
    assert person["fields"]["family_name"] == Person.get_by_id(person_id).family_name
    # The history: each edit of the notes with when, by whom and on which laptop.
    notes = [h for h in person["history"] if h["field"] == "notes"]
    assert len(notes) == 2 and notes[-1]["value"].endswith("(ergänzt)")
    assert all(h["when"] and h["volunteer"] and h["laptop"] for h in person["history"])
    # Other people are not in it.
    other = people.create_person({"family_name": "Fremder"})
    assert other.id not in json.dumps(subject.build(person_id).data)


@pytest.mark.usefixtures("store")
def test_write_makes_a_json_and_a_bilingual_pdf_and_audits_the_access(tmp_path: Path) -> None:
    from desktop.core import audit

    family = make_family(tmp_path)
    out = tmp_path / "report"
    out.mkdir()
    json_path, pdf_path = subject.write(family.person, out)
    assert json.loads(json_path.read_text(encoding="utf-8"))["person_id"] == family.person
    text = "".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    assert "Art. 15 DSGVO" in text and "ст. 15 GDPR" in text
    assert Person.get_by_id(family.person).family_name in text
    assert "Verlauf / Історія" in text
    entries = [e for e in audit.entries() if e.kind == "subject_access"]
    assert entries and entries[0].record_id == family.person


@pytest.mark.usefixtures("store")
def test_an_unknown_person_is_named_as_such() -> None:
    with pytest.raises(RecordMissing):
        subject.build("00000000-0000-7000-8000-000000000000")


def test_cli_subject_report(store, profile_dir: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    from desktop import cli
    from desktop.core.store import db as store_db
    from tests.conftest import PASSPHRASE

    family = make_family(tmp_path)
    store_db.close_store()
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "out"
    base = ["--data-dir", str(profile_dir), "subject-report", family.person, "--out"]
    assert cli.main([*base, str(out)]) == cli.EXIT_USAGE  # the folder must exist
    out.mkdir()
    capsys.readouterr()
    assert cli.main([*base, str(out)]) == cli.EXIT_OK
    printed = capsys.readouterr().out.split()
    assert [Path(p).suffix for p in printed] == [".pdf", ".json"] and all(Path(p).is_file() for p in printed)
    assert cli.main(["--data-dir", str(profile_dir), "subject-report", "nobody", "--out", str(out)]) != cli.EXIT_OK


@pytest.mark.usefixtures("store")
def test_reports_of_two_people_made_together_never_overwrite_each_other(tmp_path: Path) -> None:
    first = people.create_person({"family_name": "Erste"})
    second = people.create_person({"family_name": "Zweite"})  # ids made in one millisecond share a prefix
    out = tmp_path / "out"
    out.mkdir()
    written = [*subject.write(first.id, out), *subject.write(second.id, out), *subject.write(first.id, out)]
    assert len({p.name for p in written}) == 6 and all(p.is_file() for p in written)
    assert json.loads(written[2].read_text(encoding="utf-8"))["person_id"] == second.id
