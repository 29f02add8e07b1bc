"""Every dialog of the app, built as the app opens it (new and with a record), for the tests that walk them
all: Enter in every dialog, every dialog fits in every language."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

import desktop.ui
from desktop.core import appointments, cases, consents, documents, ids, people, tasks
from desktop.core.store import changelog, migrations
from desktop.core.store import db as store_db
from desktop.core.store.models import Appointment, Case, Consent, Person, ResidenceDocument, Task, Volunteer
from desktop.core.sync import bundle, conflicts, exchange
from desktop.core.sync.changes import Entry


def dialog_classes() -> dict[str, type[QDialog]]:
    """Every QDialog subclass defined in desktop/ui (not the editors' base, which is no dialog of its own)."""
    from desktop.ui.editor import EditorDialog

    found: dict[str, type[QDialog]] = {}
    for info in pkgutil.iter_modules(desktop.ui.__path__):
        module = importlib.import_module(f"desktop.ui.{info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, QDialog) and cls.__module__ == module.__name__ and cls is not EditorDialog:
                found[name] = cls
    return found


@pytest.fixture
def records(store: store_db.Store) -> dict[str, object]:
    person = people.create_person({"family_name_cyr": "Мельник", "given_name_cyr": "Ольга", "family_name": "Melnyk"})
    case = cases.create_case({"person": person.id, "case_type": "widerspruch"})
    task = tasks.create_task({"case": case.id, "title": "Call the Jobcenter", "due_date": dt.date(2026, 12, 1)})
    appointment = appointments.create_appointment(
        {"person": person.id, "case": case.id, "starts_at": dt.datetime(2026, 12, 3, 9, 30), "office": "Jobcenter"}
    )
    document = documents.create_document({"person": person.id, "kind": "24", "printed_until": dt.date(2027, 3, 4)})
    consent = consents.create_consent(
        {
            "person": person.id,
            "kind": "power_of_attorney",
            "offices": ["jobcenter", "auslaenderbehoerde"],
            "signed_on": dt.date(2026, 11, 2),
            "valid_until": dt.date(2027, 11, 1),
        }
    )
    return {
        "person": Person.get_by_id(person.id),
        "case": Case.get_by_id(case.id),
        "task": Task.get_by_id(task.id),
        "appointment": Appointment.get_by_id(appointment.id),
        "document": ResidenceDocument.get_by_id(document.id),
        "consent": Consent.get_by_id(consent.id),
    }


OTHER_LAPTOP = "5d2f8c1e-7a43-4b9e-9c2d-3e8f1a6b7c90"
OTHER_VOLUNTEER = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"


def disputed(records: dict[str, object]) -> conflicts.Conflict:
    """An open conflict on the task's title: this laptop and another one changed it from the same value (the
    other laptop's bundle built and applied as an import does, without the slow scrypt)."""
    found = conflicts.open_conflicts()
    if found:
        return found[0]
    task_id = records["task"].id  # type: ignore[attr-defined]
    base = changelog.heads(task_id)["title"]
    tasks.update_task(task_id, {"title": "Call the Jobcenter about the rent"})
    stamp = store_db.current().clock.now()
    entries = [
        Entry(
            ids.new_id_bytes(),
            "task",
            ids.to_bytes(task_id),
            "title",
            '"Call the Ausländerbehörde"',
            stamp,
            OTHER_LAPTOP,
            OTHER_VOLUNTEER,
            base,
        )
    ]
    if Volunteer.get_or_none(Volunteer.id == OTHER_VOLUNTEER) is None:
        entries.insert(
            0,
            Entry(
                ids.new_id_bytes(),
                "volunteer",
                ids.to_bytes(OTHER_VOLUNTEER),
                "name",
                '"Оксана Бондаренко-Ковальчук"',
                stamp - 1,
                OTHER_LAPTOP,
                OTHER_VOLUNTEER,
                None,
            ),
        )
    source = {
        "device": OTHER_LAPTOP,
        "device_name": "Ноутбук Оксани (Лейпциг)",
        "volunteer": OTHER_VOLUNTEER,
        "volunteer_name": "Оксана Бондаренко-Ковальчук",
    }
    manifest = {
        "format": bundle.FORMAT,
        "format_version": bundle.FORMAT_VERSION,
        "bundle_id": ids.new_id(),
        "created": "2026-12-02T08:00:00Z",
        "schema_version": migrations.TRAVELLING_SCHEMA,
        "team": "",
        "source": source,
        "scope": {"kind": "all"},
        "counts": {},
        "knowledge": {},
        "coverage": {},
    }
    exchange.apply(bundle.read_zip(bundle.build_zip(manifest, entries, [])))
    return conflicts.open_conflicts()[0]


def build(name: str, cls: type[QDialog], records: dict[str, object], tmp_path: Path) -> list[QDialog]:
    """The dialog as the app opens it, new and (for editors) with a record."""
    person, case = records["person"], records["case"]
    if name == "WelcomeDialog":
        return [cls(tmp_path / "new-profile")]
    if name in ("UnlockDialog", "RecoveryUnlockDialog"):
        return [cls(tmp_path / "profile")]  # the open test profile's folder (conftest)
    if name == "RestoreDialog":  # asking the passphrase, and offered for a damaged database (no backups yet)
        damaged = store_db.damaged_error("page", store_db.current().db._key_material)
        return [cls(tmp_path / "profile"), cls(tmp_path / "profile", damaged=damaged)]
    if name == "PersonEditor":
        return [cls(), cls(person)]
    if name == "CaseEditor":
        return [cls(person_id=person.id), cls(case)]
    if name == "TaskEditor":
        return [cls(case_id=case.id), cls(records["task"])]
    if name == "AppointmentEditor":
        return [cls(person_id=person.id), cls(records["appointment"])]
    if name == "EraseDialog":
        return [cls(person.id)]
    if name == "DocumentDialog":
        return [cls(person.id), cls(person.id, records["document"])]
    if name == "ConsentDialog":
        return [cls(person.id), cls(person.id, records["consent"])]
    if name == "TemplatePicker":
        from desktop.core.forms import binding

        return [cls(binding.subject_for(person_id=person.id))]
    if name == "FormEditor":
        from desktop.core.forms import binding, service

        template = service.template("vollmacht")
        return [cls(template, binding.subject_for(person_id=person.id, template=template))]
    if name == "PreviewDialog":
        from desktop.core.forms import binding, service

        template = service.template("schweigepflichtentbindung")  # printable as it comes (a Vollmacht needs offices)
        subject = binding.subject_for(person_id=person.id, template=template)
        pdf = service.output(template, service.values_for(template, subject), subject, "de")
        return [cls(pdf, "Schweigepflichtentbindung")]
    if name in ("ConflictsDialog", "TeamDialog"):  # empty, then with a conflict from another laptop
        empty = cls()
        disputed(records)
        return [empty, cls()]
    if name == "NewValueDialog":
        return [cls(disputed(records))]
    if name == "ExportDialog":
        return [cls(), cls(selection=("person", person.id, person.display_name()))]
    if name == "PassphraseDialog":
        from desktop.i18n import _

        wrong = _("The team passphrase does not open this bundle (or the bundle was altered).")
        return [cls(), cls(wrong)]
    if name == "ReportDialog":
        return [cls(sample_report(records))]
    if name in ("NeedEditor", "MatchDialog", "ProjectEditor"):
        return network_dialogs(name, cls, records)
    if name in ("HoursEditor", "RecordAppointmentsDialog", "HoursDialog"):
        return hours_dialogs(name, cls, records)
    if name == "DirectoryEditor":  # each kind new, and a shipped office as seeded
        from desktop.core.network import directory
        from desktop.core.store.models import DirectoryEntry

        office = directory.office_id("dresden_auslaenderbehoerde")
        return [
            cls(),
            cls(kind="initiative"),
            cls(kind="contact", organisation_id=office),
            cls(DirectoryEntry.get_by_id(office)),
        ]
    return [cls()]


def hours_dialogs(name: str, cls: type[QDialog], records: dict[str, object]) -> list[QDialog]:
    """The hours dialogs with something to show: an accompanied appointment of the profile's volunteer in the
    past not recorded yet, and one recorded (hours entered from it)."""
    from desktop.core.network import hours

    me = store_db.current().volunteer_id
    person = records["person"]
    if not hours.hours_of(me):
        past = dt.datetime.now().replace(second=0, microsecond=0) - dt.timedelta(days=3)
        for offset, office in ((0, "Ausländerbehörde Leipzig, Technisches Rathaus"), (1, "Jobcenter Leipzig")):
            appointments.create_appointment(
                {
                    "person": person.id,  # type: ignore[attr-defined]
                    "starts_at": past - dt.timedelta(days=offset),
                    "office": office,
                    "office_key": "leipzig_jobcenter" if offset else "",
                    "volunteer": me,
                    "duration_min": 90,
                }
            )
        hours.record_from_appointment(hours.unrecorded_appointments(me)[0].id, travel_minutes=30)
        hours.add_hours(
            {"volunteer": me, "on": dt.date.today(), "minutes": 45, "activity": "forms", "notes": "Elternbrief"}
        )
    if name == "HoursEditor":
        from_appointment = next(r for r in hours.hours_of(me) if r.appointment_ref)
        return [cls(), cls(from_appointment)]
    if name == "RecordAppointmentsDialog":
        return [cls(me)]
    return [cls()]


def network_dialogs(name: str, cls: type[QDialog], records: dict[str, object]) -> list[QDialog]:
    """The needs area's dialogs: a need of the person (matched with an offer) and an offer of each kind."""
    from desktop.core.network import matching, needs
    from desktop.core.store.models import DirectoryEntry, NeedOffer

    person = records["person"]
    found = NeedOffer.select().where((NeedOffer.kind == "need") & ~NeedOffer.deleted).first()
    if found is None:
        entry = changelog.create(
            DirectoryEntry,
            {
                "kind": "initiative",
                "name": "Ukrainisch-Deutscher Verein Leipzig-Grünau e.V.",
                "town": "Leipzig",
                "categories": "accompaniment,interpreting",
            },
        )
        found = needs.create(
            {
                "kind": "need",
                "person": person.id,
                "case": records["case"].id,
                "category": "accompaniment",  # type: ignore[attr-defined]
                "title": "Begleitung zur Ausländerbehörde",
                "town": "Leipzig",
                "district": "Grünau",
                "languages": "uk,ru",
                "available_from": dt.date(2026, 12, 10),
                "time_window": "vormittags",
            }
        )
        offer = needs.create(
            {
                "kind": "offer",
                "category": "accompaniment",
                "title": "Begleitung zu Ämtern, auch Dolmetschen",
                "provider_kind": "initiative",
                "provider": entry.id,
                "town": "Leipzig",
                "district": "Grünau",
                "languages": "uk,de",
            }
        )
        needs.create(
            {
                "kind": "offer",
                "category": "accompaniment",
                "title": "Fahrt mit dem Auto",
                "provider_kind": "private",
                "provider_name": "Herr Schmidt",
                "town": "Leipzig",
                "district": "Paunsdorf",
                "languages": "de",
            }
        )
        matching.match(found.id, offer_id=offer.id)
        found = NeedOffer.get_by_id(found.id)
    offers = list(NeedOffer.select().where((NeedOffer.kind == "offer") & ~NeedOffer.deleted))
    if name == "NeedEditor":
        return [cls(kind="need"), cls(kind="offer"), cls(found), *(cls(o) for o in offers)]
    if name == "MatchDialog":
        return [cls(found.id)]
    from desktop.core.network import projects

    project = projects.start_from_need(found.id)
    return [cls(), cls(need_id=found.id), cls(project)]


def sample_report(records: dict[str, object]):  # type: ignore[no-untyped-def]
    """An import report with every part filled: counts, a likely duplicate, a family line, a double claim."""
    from desktop.core.sync.exchange import FamilyLine, Report

    person = records["person"]
    return Report(
        bundle="b1",
        source_device="d1",
        source_name="Laptop Leipzig-Ost",
        volunteer_name="Oksana Shevchenko",
        created="2026-12-02T20:31:00Z",
        new=12,
        updated=3,
        deleted=1,
        erased=1,
        conflicts=2,
        changes=40,
        duplicates=[(person.id, person.id)],
        families=[FamilyLine(person.id, person.display_name(), 5, 2)],
        claims=[records["appointment"].id],
        kinds={
            "new": {"person": 2, "household": 1, "case": 3, "appointment": 2, "task": 3, "note": 1},
            "updated": {"person": 2, "checklist_item": 1},
            "deleted": {"task": 1},
            "erased": {"residence_document": 1},
        },
    )
