"""One chronological view of a case or a person: notes, appointments, tasks, status changes, documents."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import PurePath

from desktop.core import cases, documents, ids
from desktop.core.store import changelog
from desktop.core.store.hlc import physical_ms
from desktop.core.store.models import (
    Appointment,
    Case,
    ChecklistItem,
    Note,
    PrintedDocument,
    ResidenceDocument,
    Task,
)
from desktop.i18n import _, current_language


@dataclass(frozen=True)
class Event:
    """One line of a timeline."""

    when: dt.datetime
    kind: str  # note | appointment | task | status | document | case | printed
    text: str
    record_id: str
    #: Where this laptop saved the document (a printed document saved as PDF), else "".
    file: str = ""


def _stamp_time(stamp: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(physical_ms(stamp) / 1000).replace(microsecond=0)


def _status_changes(case: Case) -> list[Event]:
    db = Case._meta.database
    rows = db.execute_sql(
        "SELECT value, hlc FROM change WHERE record_id = ? AND field = 'status' ORDER BY hlc",
        (ids.to_bytes(case.id),),
    ).fetchall()
    return [
        Event(
            _stamp_time(hlc), "status", _("Status: {status}").format(status=cases.status_label(json.loads(v))), case.id
        )
        for v, hlc in rows
    ]


def _case_events(case: Case) -> list[Event]:
    events = [
        Event(
            dt.datetime.combine(case.opened_on or case.created_at.date(), dt.time()),
            "case",
            _("Case opened: {type}").format(type=cases.case_type_label(case.case_type)),
            case.id,
        )
    ]
    events += _status_changes(case)
    if case.letter_date:
        events.append(
            Event(
                dt.datetime.combine(case.letter_date, dt.time()),
                "document",
                _("Letter from the authority dated {date}").format(date=_d(case.letter_date)),
                case.id,
            )
        )
    for item in ChecklistItem.select().where((ChecklistItem.case == case.id) & ~ChecklistItem.deleted):
        if item.submitted_on:
            events.append(
                Event(
                    dt.datetime.combine(item.submitted_on, dt.time(12)),
                    "document",
                    _("Submitted: {document}").format(document=cases.checklist_label(item, case.case_type)),
                    item.id,
                )
            )
    return events


def _d(day: dt.date) -> str:
    from desktop.i18n import fmt_date

    return fmt_date(day)


def _shared_events(*, case_id: str | None = None, person_id: str | None = None) -> list[Event]:
    def where(model):
        cond = ~model.deleted
        if case_id:
            cond &= model.case == case_id
        if person_id:
            cond &= model.person == person_id
        return cond

    events: list[Event] = []
    for note in Note.select().where(where(Note)):
        local = note.created_at.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)  # stored in UTC
        events.append(Event(local, "note", note.text, note.id))
    for appt in Appointment.select().where(where(Appointment)):
        text = _("Appointment at {office}").format(office=appt.office)
        if appt.outcome:
            text += f" – {appt.outcome}"
        events.append(Event(appt.starts_at, "appointment", text, appt.id))
    for task in Task.select().where(where(Task)):
        when = task.done_on or task.due_date
        if when is None:
            continue
        mark = _("done") if task.done else _("due")
        events.append(
            Event(dt.datetime.combine(when, dt.time(23, 59)), "task", f"{cases.task_title(task)} ({mark})", task.id)
        )
    return events


def _template_title(template_id: str, titles: dict[str, str]) -> str:
    """The template's title in the UI language; its id when the template is gone or broken."""
    if template_id not in titles:
        from desktop.core.errors import UserError
        from desktop.core.forms import service

        try:
            titles[template_id] = service.template(template_id).title.get(current_language()) or template_id
        except (UserError, OSError, LookupError):
            titles[template_id] = template_id
    return titles[template_id]


def _printed_events(*, case_id: str | None = None, person_id: str | None = None) -> list[Event]:
    """Documents printed or saved as PDF: template title, version, when, and where this laptop saved it."""
    condition = ~PrintedDocument.deleted
    if case_id:
        condition &= PrintedDocument.case == case_id
    if person_id:
        condition &= PrintedDocument.person == person_id
    rows = list(PrintedDocument.select().where(condition))
    files = documents.saved_files(r.id for r in rows)
    titles: dict[str, str] = {}  # a template is read once per timeline
    events = []
    for row in rows:
        title = _template_title(row.template_id, titles)
        file = files.get(row.id, "")
        if row.how == "pdf":
            text = _("Saved as PDF: {title} (version {version})").format(title=title, version=row.template_version)
            if file:
                text += " – " + PurePath(file).name
        else:
            text = _("Printed: {title} (version {version})").format(title=title, version=row.template_version)
        local = row.created_at.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)  # stored in UTC
        if row.printed_on and local.date() != row.printed_on:
            local = dt.datetime.combine(row.printed_on, dt.time())
        events.append(Event(local, "printed", text, row.id, file))
    return events


def for_case(case_id: str) -> list[Event]:
    """Everything that happened or is due in a case, oldest first."""
    case = Case.get_by_id(case_id)
    events = _case_events(case) + _shared_events(case_id=case_id) + _printed_events(case_id=case_id)
    return sorted(events, key=lambda e: (e.when, e.kind))


def for_person(person_id: str) -> list[Event]:
    """Everything about a person across their cases, oldest first."""
    events = _shared_events(person_id=person_id) + _printed_events(person_id=person_id)
    for case in Case.select().where((Case.person == person_id) & ~Case.deleted):
        events += _case_events(case)
    for doc in ResidenceDocument.select().where((ResidenceDocument.person == person_id) & ~ResidenceDocument.deleted):
        if doc.issued_on:
            events.append(
                Event(
                    dt.datetime.combine(doc.issued_on, dt.time()),
                    "document",
                    _("Residence document issued ({number})").format(number=doc.number or "–"),
                    doc.id,
                )
            )
    return sorted(events, key=lambda e: (e.when, e.kind))


def add_note(text: str, *, case_id: str | None = None, person_id: str | None = None) -> Note:
    from desktop.core.errors import ValidationError
    from desktop.core.store import db as store_db

    if not text.strip():
        raise ValidationError(_("The note is empty."))
    if case_id and not person_id:
        person_id = Case.get_by_id(case_id).person_id
    return changelog.create(
        Note, text=text.strip(), case=case_id, person=person_id, author=store_db.current().volunteer_id
    )
