"""The conflict inbox: fields that two laptops changed from the same value, until a person decides.

The value shown meanwhile is the deterministic winner (highest stamp, then device id), the same on every
laptop; every other current value is kept here. A decision is a change whose bases name every current
value, so once it has travelled the field has one value again on every laptop.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import peewee as pw

from desktop import i18n
from desktop.core import ids, people
from desktop.core.errors import UserError
from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.hlc import physical_ms
from desktop.core.store.models import person_name
from desktop.core.sync.changes import BadLine, canonical_value, models
from desktop.i18n import N_, _

RECORD_LABELS = {
    "volunteer": N_("Volunteer"),
    "person": N_("Person"),
    "household": N_("Household"),
    "household_member": N_("Household member"),
    "case": N_("Case"),
    "case_volunteer": N_("Helper on a case"),
    "residence_document": N_("Residence document"),
    "checklist_item": N_("Checklist document"),
    "appointment": N_("Appointment"),
    "task": N_("Task"),
    "note": N_("Note"),
    "filled_form": N_("Filled form"),
    "printed_document": N_("Printed document"),
    "distinct_pair": N_("Different people"),
    "consent": N_("Consent or power of attorney"),
    "directory_entry": N_("Directory entry"),
    "project": N_("Project"),
    "project_volunteer": N_("Volunteer on a project"),
    "need_offer": N_("Need or offer"),
    "match": N_("Match"),
    "volunteer_hours": N_("Volunteer hours"),
}

#: Fields of other records as a user knows them (a person's come from people.FIELD_LABELS).
FIELD_LABELS = {
    "deleted": N_("Deleted"),
    "name": N_("Name"),
    "notes": N_("Notes"),
    "title": N_("Title"),
    "reference": N_("Reference"),
    "status": N_("Status"),
    "case_type": N_("Kind of case"),
    "authority": N_("Authority"),
    "person": N_("Person"),
    "household": N_("Household"),
    "lead_volunteer": N_("Lead volunteer"),
    "volunteer": N_("Volunteer"),
    "opened_on": N_("Opened on"),
    "closed_on": N_("Closed on"),
    "starts_at": N_("Date and time"),
    "office": N_("Office"),
    "address": N_("Address"),
    "outcome": N_("Outcome"),
    "purpose": N_("Purpose"),
    "interpreter_needed": N_("Interpreter needed"),
    "duration_min": N_("Duration (minutes)"),
    "due_date": N_("Due date"),
    "done": N_("Done"),
    "text": N_("Text"),
    "role": N_("Role"),
    "values": N_("Form values"),
    "number": N_("Number"),
    "printed_until": N_("Valid until"),
    "letter_date": N_("Date of the authority's letter"),
    "period_end": N_("End of the approval period"),
    "move_in": N_("Moving-in day"),
    "decision_on": N_("Decision received on"),
    "issued_on": N_("Issued on"),
    "kind": N_("Kind"),
    "label": N_("Document"),
    "have": N_("Have"),
    "copied": N_("Copied"),
    "submitted_on": N_("Submitted on"),
    "submitted_how": N_("How"),
    "receipt": N_("Receipt"),
    "done_on": N_("Done on"),
    "basis": N_("Legal basis"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "case": N_("Case"),
    "offices": N_("Offices"),
    "signed_on": N_("Signed on"),
    "valid_until": N_("Valid until"),
    "withdrawn_on": N_("Withdrawn on"),
    "paper_copy": N_("Paper copy"),
    "key": N_("Directory key"),
    "town": N_("Town"),
    "district": N_("District"),
    "street": N_("Street"),
    "postcode": N_("Postcode"),
    "hours": N_("Opening hours"),
    "website": N_("Website"),
    "categories": N_("Categories"),
    "offers": N_("What they offer"),
    "organisation": N_("Organisation"),
    "engagement": N_("Paid or volunteer"),
    "source": N_("Source"),
    "checked": N_("Checked"),
    "goal": N_("Goal"),
    "starts_on": N_("Starts on"),
    "ends_on": N_("Ends on"),
    "project": N_("Project"),
    "category": N_("Category"),
    "provider_kind": N_("Offered by"),
    "provider": N_("Provider"),
    "provider_name": N_("Name of the provider"),
    "languages": N_("Languages"),
    "available_from": N_("Available from"),
    "available_until": N_("Available until"),
    "time_window": N_("When"),
    "need": N_("Need"),
    "offer": N_("Offer"),
    "directory_entry": N_("Directory entry"),
    "appointment": N_("Appointment"),
    "matched_on": N_("Matched on"),
    "on": N_("Date"),
    "minutes": N_("Minutes"),
    "travel_minutes": N_("Travel time (minutes)"),
    "activity": N_("Activity"),
    "appointment_ref": N_("Appointment"),
}


def _choice_labels() -> dict[tuple[str, str], Any]:
    """Fields whose values are keys of a list: shown by their label in the user's language."""
    from desktop.core import cases, consents, households, residence

    return {
        ("case", "status"): cases.status_label,
        ("case", "case_type"): cases.case_type_label,
        ("household_member", "role"): households.role_label,
        ("residence_document", "kind"): residence.kind_label,
        ("consent", "kind"): consents.kind_label,
        ("consent", "offices"): consents.offices_text,
    }


def record_label(record_type: str) -> str:
    return _(RECORD_LABELS[record_type]) if record_type in RECORD_LABELS else record_type


def field_label(record_type: str, field: str) -> str:
    if record_type == "person" and field in people.FIELD_LABELS:
        return people.field_label(field)
    return _(FIELD_LABELS[field]) if field in FIELD_LABELS else field.replace("_", " ")


@dataclass(frozen=True)
class Value:
    """One current value of a disputed field: what, who, when, on which laptop."""

    change_id: str
    value: Any
    text: str
    when: dt.datetime  # local time
    device: str
    device_name: str
    author_name: str
    winner: bool


@dataclass(frozen=True)
class Conflict:
    id: str
    record_type: str
    record_id: str
    field: str
    record_text: str  # e.g. the person's name, for the inbox
    values: list[Value]  # the winner first

    @property
    def field_text(self) -> str:
        return field_label(self.record_type, self.field)

    @property
    def record_kind(self) -> str:
        return record_label(self.record_type)


def conflict_id(record_id: bytes, field: str) -> str:
    """The same on every laptop for the same field of the same record."""
    return ids.to_text(hashlib.sha256(b"conflict:" + record_id + field.encode()).digest()[:16])


def count() -> int:
    return int(store_db.current().db.execute_sql("SELECT count(*) FROM conflict").fetchone()[0])


def _heads(record_id: bytes, field: str) -> list[changelog.Head]:
    return changelog.heads_of_field(record_id, field)


def _names() -> tuple[dict[str, str], dict[str, str]]:
    store = store_db.current()
    devices = {d: n for d, n in store.db.execute_sql("SELECT device, name FROM team_device")}
    devices[store.device_id] = _("this laptop")
    volunteers = {v: n for v, n in store.db.execute_sql("SELECT id, name FROM volunteer")}
    return devices, volunteers


def _display(record_type: str, field: str, value: Any) -> str:
    if value is None or value == "":
        return _("(empty)")
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    _model, fields = models()[record_type]
    f = fields.get(field)
    db = store_db.current().db
    if isinstance(value, str) and isinstance(f, pw.DateField | pw.DateTimeField):
        try:
            if isinstance(f, pw.DateTimeField):
                return i18n.fmt_list_datetime(dt.datetime.fromisoformat(value))
            return i18n.fmt_list_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    label = _choice_labels().get((record_type, field))
    if label is not None and isinstance(value, str):
        return label(value)
    if isinstance(f, pw.ForeignKeyField) and isinstance(value, str):
        target = f.rel_model._meta.table_name
        if target == "person":
            row = db.execute_sql(
                "SELECT family_name, given_name, family_name_cyr, given_name_cyr FROM person WHERE id = ?", (value,)
            ).fetchone()
            return person_name(*row) if row else value
        if target == "volunteer":
            row = db.execute_sql("SELECT name FROM volunteer WHERE id = ?", (value,)).fetchone()
            return row[0] if row else value
        if target == "case":
            row = db.execute_sql('SELECT reference, title FROM "case" WHERE id = ?', (value,)).fetchone()
            return " ".join(x for x in row if x) if row else value
    return str(value)


def _record_text(record_type: str, record_id: str) -> str:
    db = store_db.current().db
    person = None
    if record_type == "person":
        person = record_id
    else:
        model, _fields = models()[record_type]
        if "person" in model._meta.fields:
            table = model._meta.table_name
            row = db.execute_sql(f'SELECT person_id FROM "{table}" WHERE id = ?', (record_id,)).fetchone()
            person = row[0] if row else None
        if person is None and "case" in model._meta.fields:
            row = db.execute_sql(
                f'SELECT c.person_id FROM "{model._meta.table_name}" t JOIN "case" c ON c.id = t.case_id '
                "WHERE t.id = ?",
                (record_id,),
            ).fetchone()
            person = row[0] if row else None
    if person:
        row = db.execute_sql(
            "SELECT family_name, given_name, family_name_cyr, given_name_cyr FROM person WHERE id = ?", (person,)
        ).fetchone()
        if row:
            name = person_name(*row)
            return name if record_type == "person" else f"{record_label(record_type)} · {name}"
    return record_label(record_type)


def open_conflicts() -> list[Conflict]:
    """Every open conflict, oldest record first."""
    db = store_db.current().db
    devices, volunteers = _names()
    out = []
    for raw_id, field, record_type in db.execute_sql(
        "SELECT record_id, field, record_type FROM conflict ORDER BY record_id, field"
    ).fetchall():
        heads = _heads(raw_id, field)
        if not changelog.is_dispute(heads):
            continue
        authors = {
            cid: a
            for cid, a in db.execute_sql(
                "SELECT c.change_id, p.uuid FROM change c LEFT JOIN peer p ON p.id = c.author "
                "WHERE c.record_id = ? AND c.field = ?",
                (raw_id, field),
            )
        }
        values = []
        for position, head in enumerate(reversed(heads)):
            value = json.loads(head.value)
            when = dt.datetime.fromtimestamp(physical_ms(head.hlc) / 1000).replace(microsecond=0)
            values.append(
                Value(
                    ids.to_text(head.change_id),
                    value,
                    _display(record_type, field, value),
                    when,
                    head.device,
                    devices.get(head.device, head.device[:8]),
                    volunteers.get(authors.get(head.change_id) or "", ""),
                    position == 0,
                )
            )
        record_id = ids.to_text(raw_id)
        text = _record_text(record_type, record_id)
        out.append(Conflict(conflict_id(raw_id, field), record_type, record_id, field, text, values))
    return out


_KEEP = object()


def find(conflict: str) -> Conflict:
    for c in open_conflicts():
        if c.id == conflict:
            return c
    raise UserError(_("There is no open conflict {id}.").format(id=conflict))


def resolve(conflict: str, keep: str | None = None, value: Any = _KEEP) -> None:
    """Decide a conflict: keep one of its values (by change id) or set a new one. The decision is a
    change based on every current value, so it closes the conflict wherever it travels."""
    found = find(conflict)
    model, fields = models()[found.record_type]
    if keep is not None:
        chosen = [v for v in found.values if v.change_id == keep]
        if not chosen:
            raise UserError(_("That value is not one of the conflict's values."))
        new_value = chosen[0].value
    elif value is not _KEEP:
        new_value = value
    else:
        raise UserError(_("Choose a value to keep or enter a new one."))
    try:
        value_json = canonical_value(fields[found.field], new_value)
    except BadLine as exc:
        raise UserError(str(exc)) from None
    store = store_db.current()
    raw_id = ids.to_bytes(found.record_id)
    with store.db.atomic("IMMEDIATE"), store_db.guard_open():
        heads = _heads(raw_id, found.field)
        if len(heads) < 2:
            return
        winner, others = heads[-1], heads[:-1]
        stamp = store.clock.now()
        change_id = ids.new_id_bytes()
        python = changelog.coerce(fields[found.field], json.loads(value_json))
        assignments = {fields[found.field]: python}
        if model.derived:
            record = model.get_by_id(found.record_id)
            full = {name: changelog._current(model, record, name) for name in fields}
            full[found.field] = python
            for name, derived in model.derive(full).items():
                assignments[model._meta.fields[name]] = derived
        model.update(assignments).where(model.id == found.record_id).execute()
        store.db.execute_sql(
            changelog._INSERT_CHANGE,
            (
                change_id,
                found.record_type,
                raw_id,
                found.field,
                value_json,
                stamp,
                changelog.peer_id(store.device_id),
                changelog.peer_id(store.volunteer_id),
                winner.change_id,
            ),
        )
        store.db.cursor().executemany(
            "INSERT INTO change_base (change_id, base) VALUES (?, ?)", [(change_id, h.change_id) for h in others]
        )
        changelog.remember_clock(stamp)
        changelog.refresh_conflicts([(found.record_type, raw_id, found.field)])
        from desktop.core.search import index as search_index

        search_index.flush_queue(store.db)
