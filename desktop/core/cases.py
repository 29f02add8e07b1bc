"""Cases (Vorgänge): one matter at one office for a person or a household."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from desktop import paths
from desktop.core.errors import ValidationError, refuse_first
from desktop.core.people import of_people
from desktop.core.store import changelog
from desktop.core.store.models import Case, CaseVolunteer, ChecklistItem, Person, Task, person_name
from desktop.i18n import N_, _, current_language

#: Status keys and their labels (translated where shown).
STATUS_LABELS: dict[str, str] = {
    "open": N_("open"),
    "waiting": N_("waiting for the authority"),
    "decided": N_("decision received"),
    "closed": N_("closed"),
}


@lru_cache(maxsize=1)
def _case_data() -> dict[str, Any]:
    with (paths.resources_dir() / "case_types.json").open(encoding="utf-8") as fp:
        return dict(json.load(fp))


def case_types() -> list[dict[str, str]]:
    """Case types from resources/case_types.json (key, authority, de/uk/en labels)."""
    return list(_case_data()["types"])


def _label(entry: Mapping[str, str], lang: str | None = None) -> str:
    return entry.get(lang or current_language()) or entry["de"]


def case_type_label(key: str) -> str:
    for entry in case_types():
        if entry["key"] == key:
            return _label(entry)
    return key


def authority_label(key: str, lang: str | None = None) -> str:
    """The authority's name in ``lang`` (default: the UI language); German letters pass "de"."""
    for entry in _case_data()["authorities"]:
        if entry["key"] == key:
            return _label(entry, lang)
    return key


def authorities() -> list[str]:
    return [a["key"] for a in _case_data()["authorities"]]


def status_label(key: str) -> str:
    return _(STATUS_LABELS.get(key, key))


def default_authority(case_type: str) -> str:
    for entry in case_types():
        if entry["key"] == case_type:
            return entry["authority"]
    return "other"


_REFERENCE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def next_reference(opened: dt.date) -> str:
    """A short human reference such as 'V-2026-K7QX3M', easy to read out on the phone (no 0/O, 1/I)."""
    return f"V-{opened.year}-{''.join(secrets.choice(_REFERENCE_LETTERS) for _ in range(6))}"


def validate(values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not values.get("person") and not values.get("household"):
        errors["person"] = _("Choose the person the case is about.")
    if values.get("case_type") not in {t["key"] for t in case_types()}:
        errors["case_type"] = _("Choose a case type.")
    if values.get("status", "open") not in STATUS_LABELS:
        errors["status"] = _("Unknown status.")
    opened, closed = values.get("opened_on"), values.get("closed_on")
    if isinstance(opened, dt.date) and isinstance(closed, dt.date) and closed < opened:
        errors["closed_on"] = _("A case cannot be closed before it was opened.")
    return errors


def _check(values: Mapping[str, Any]) -> None:
    refuse_first(validate(values))


def case_type(key: str) -> dict[str, Any]:
    """The case type's data (labels, checklist, timeline); an empty type for unknown keys."""
    for entry in case_types():
        if entry["key"] == key:
            return entry
    return {"key": key, "checklist": [], "timeline": []}


def label(entry: Mapping[str, Any]) -> str:
    """A data entry's label in the UI language (German when the language is missing)."""
    return str(entry.get(current_language()) or entry.get("de") or entry.get("key", ""))


def create_case(values: Mapping[str, Any]) -> Case:
    """Open a case with the type's document checklist and the timeline steps whose dates are known."""
    values = dict(values)
    values.setdefault("opened_on", dt.date.today())
    values.setdefault("status", "open")
    values.setdefault("authority", default_authority(values.get("case_type", "")))
    values.setdefault("reference", next_reference(values["opened_on"]))
    _check(values)
    with Case._meta.database.atomic("IMMEDIATE"):
        case = changelog.create(Case, values)
        items = [
            {"case": case.id, "item_key": item["key"], "position": i}
            for i, item in enumerate(case_type(case.case_type).get("checklist", []))
        ]
        changelog.bulk_create(ChecklistItem, items)
        sync_timeline(case.id)
    return case


ANCHORS = {
    "opened": "opened_on",
    "letter_date": "letter_date",
    "period_end": "period_end",
    "move_in": "move_in",
    "decision": "decision_on",
}


def step_due(case: Case, step: Mapping[str, Any], state: str = "SN") -> dt.date | None:
    """When a timeline step falls due for this case, or None while its anchor date is unknown."""
    from desktop.core import deadlines

    if step.get("rule") == "widerspruch":  # one month from notification: the letter's date, or the day received
        if step.get("anchor") == "decision":
            received = case.decision_on
            return deadlines.widerspruch(notified=received, state=state).due if received else None
        return deadlines.widerspruch(letter_date=case.letter_date, state=state).due if case.letter_date else None
    anchor = getattr(case, ANCHORS.get(str(step.get("anchor")), ""), None)
    if anchor is None:
        return None
    day = deadlines.add_months(anchor, int(step.get("offset_months", 0)))
    day += dt.timedelta(days=int(step.get("offset_days", 0)), weeks=int(step.get("offset_weeks", 0)))
    if step.get("kind") == "deadline":
        day = deadlines.next_working_day(day, state)
    return day


def sync_timeline(case_id: str, old_type: str | None = None) -> None:
    """Keep the case type's timeline tasks in step with the case: create those whose dates are known, move
    open ones whose anchor date changed, and remove open ones that no longer apply (their anchor date was
    cleared, the case was closed, or the case type changed). Done tasks stay as they were; a done task of a
    former case type keeps its step's label as its title."""
    case = Case.get_by_id(case_id)
    state = _state()
    existing = {
        t.step_key: t for t in Task.select().where((Task.case == case_id) & ~Task.deleted & (Task.step_key != ""))
    }
    steps = {step["key"]: step for step in case_type(case.case_type).get("timeline", [])}
    former = {step["key"]: step for step in case_type(old_type).get("timeline", [])} if old_type else {}
    for key, task in existing.items():
        if key in steps:
            continue
        if task.done:  # history: it keeps the name it had
            title = task.title or (label(former[key]) if key in former else key)
            changelog.update(Task, task.id, {"title": title, "step_key": ""})
        else:
            changelog.delete(Task, task.id)
    for key, step in steps.items():
        due = None if case.status == "closed" else step_due(case, step, state)
        task = existing.get(key)
        if task is None and due is not None:
            changelog.create(
                Task,
                {
                    "case": case.id,
                    "person": case.person_id,
                    "step_key": key,
                    "due_date": due,
                    "kind": "deadline" if step.get("kind") == "deadline" else "task",
                    "basis": str(step.get("basis", "")),
                    "volunteer": case.lead_volunteer_id,
                },
            )
        elif task is not None and not task.done:
            if due is None:
                changelog.delete(Task, task.id)  # a deadline from a date that is no longer there is no deadline
            elif task.due_date != due:
                changelog.update(Task, task.id, due_date=due)


def _state() -> str:
    from desktop.core.store import db as store_db

    return store_db.current().get_setting("state", "SN") or "SN"


def task_title(task: Task) -> str:
    """A task's title: the timeline step's label in the UI language, or what the user typed."""
    if task.step_key and task.case_id:
        for step in case_type(Case.get_by_id(task.case_id).case_type).get("timeline", []):
            if step["key"] == task.step_key:
                return label(step)
    return task.title


def checklist_label(item: ChecklistItem, type_key: str) -> str:
    for entry in case_type(type_key).get("checklist", []):
        if entry["key"] == item.item_key:
            return label(entry)
    return item.label or item.item_key


def set_helpers(case_id: str, volunteer_ids: list[str]) -> None:
    """The volunteers helping on a case besides the lead (added and removed through the change log)."""
    current = {
        h.volunteer_id: h.id
        for h in CaseVolunteer.select().where((CaseVolunteer.case == case_id) & ~CaseVolunteer.deleted)
    }
    for vid in volunteer_ids:
        if vid not in current:
            changelog.create(CaseVolunteer, case=case_id, volunteer=vid)
    for vid, helper_id in current.items():
        if vid not in volunteer_ids:
            changelog.delete(CaseVolunteer, helper_id)


def helpers(case_id: str) -> list[str]:
    return [
        h.volunteer_id for h in CaseVolunteer.select().where((CaseVolunteer.case == case_id) & ~CaseVolunteer.deleted)
    ]


def update_case(case_id: str, values: Mapping[str, Any]) -> list[str]:
    """Change a case; what hangs on it follows in the same transaction: its tasks, appointments and forms
    move to a new person, its timeline and checklist to a new case type, its timeline tasks are removed
    when it is closed (and come back when it is reopened)."""
    case = Case.get_by_id(case_id)
    merged = {
        "person": case.person_id,
        "household": case.household_id,
        "case_type": case.case_type,
        "status": case.status,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
    }
    merged.update(values)
    values = dict(values)
    if merged.get("status") == "closed" and not merged.get("closed_on"):
        values["closed_on"] = merged["closed_on"] = dt.date.today()
    elif case.status == "closed" and merged.get("status") != "closed" and case.closed_on:
        values["closed_on"] = merged["closed_on"] = None  # reopened: not closed on that day any more
    new_type = merged.get("case_type") != case.case_type
    if new_type and "authority" not in values and case.authority == default_authority(case.case_type):
        values["authority"] = default_authority(str(merged["case_type"]))  # the user had not chosen another
    _check(merged)
    with Case._meta.database.atomic("IMMEDIATE"):
        changed = changelog.update(Case, case_id, values)
        if "person" in changed:
            _move_to_person(case_id, case.person_id, merged.get("person"))
        if "case_type" in changed:
            _replace_checklist(case_id, case.case_type, str(merged["case_type"]))
        if set(changed) & (set(ANCHORS.values()) | {"case_type", "status"}):
            sync_timeline(case_id, old_type=case.case_type if "case_type" in changed else None)
    return changed


def _move_to_person(case_id: str, old_person: str | None, new_person: Any) -> None:
    """A case given to another person takes its tasks, appointments, notes and forms along."""
    from desktop.core.store.models import Appointment, FilledForm, Note, PrintedDocument

    for model in (Task, Appointment, Note, FilledForm, PrintedDocument):
        records = model.select(model.id).where((model.case == case_id) & ~model.deleted)
        if old_person:
            records = records.where((model.person == old_person) | model.person.is_null())
        for record in records:
            changelog.update(model, record.id, person=new_person)


def _replace_checklist(case_id: str, old_type: str, new_type: str) -> None:
    """The new case type's documents are added; the former type's documents nobody has touched are
    removed (ticked, submitted or typed-in entries stay)."""
    wanted = {entry["key"] for entry in case_type(new_type).get("checklist", [])}
    present = checklist(case_id)
    keys = {item.item_key for item in present}
    for item in present:
        untouched = not (
            item.have or item.copied or item.submitted_on or item.submitted_how or item.receipt or item.notes
        )
        if item.item_key and item.item_key not in wanted and untouched:
            changelog.delete(ChecklistItem, item.id)
    position = len(present)
    for entry in case_type(new_type).get("checklist", []):
        if entry["key"] not in keys:
            changelog.create(ChecklistItem, {"case": case_id, "item_key": entry["key"], "position": position})
            position += 1


@dataclass(frozen=True, slots=True)  # a list may hold 100,000 of them
class CaseRow:
    """What the case list shows of one case."""

    id: str
    opened_on: dt.date | None
    reference: str
    case_type: str
    authority: str
    status: str
    person_name: str
    title: str


def count_cases(people: Sequence[str] | None = None) -> int:
    """How many cases there are (of these people only, when given)."""
    condition, params = of_people("person_id", None, people)
    where = f"deleted = 0 AND {condition}" if condition else "deleted = 0"
    return int(Case._meta.database.execute_sql(f'SELECT count(*) FROM "case" WHERE {where}', params).fetchone()[0])


_CASE_SELECT = (
    "SELECT c.id, c.opened_on, c.reference, c.case_type, c.authority, c.status, "
    "p.family_name, p.given_name, p.family_name_cyr, p.given_name_cyr, c.title "
    'FROM "case" c LEFT JOIN person p ON p.id = c.person_id '
)


def _case_row(r: tuple[Any, ...]) -> CaseRow:
    name = person_name(r[6], r[7], r[8], r[9])
    opened = dt.date.fromisoformat(r[1]) if r[1] else None
    return CaseRow(r[0], opened, r[2], r[3], r[4], r[5], name, r[10])


def page_cases(
    after: tuple[str, str] | None = None, limit: int = 200, people: Sequence[str] | None = None
) -> list[CaseRow]:
    """Cases, newest first, ``limit`` at a time after the (opened_on, id) given (no date sorts last)."""
    db = Case._meta.database
    where = "c.deleted = 0"
    params: list[Any] = []
    condition, people_params = of_people("c.person_id", None, people)
    if condition:
        where += f" AND {condition}"
        params += people_params
    if after is not None:
        # Written so that SQLite seeks in the index to the page's start instead of scanning up to it.
        where += " AND coalesce(c.opened_on, '') <= ? AND (coalesce(c.opened_on, '') < ? OR c.id < ?)"
        params += [after[0], after[0], after[1]]
    sql = f"{_CASE_SELECT} WHERE {where} ORDER BY coalesce(c.opened_on, '') DESC, c.id DESC LIMIT ?"
    params.append(limit)
    return [_case_row(r) for r in db.execute_sql(sql, params).fetchall()]


def case_row(case_id: str) -> CaseRow | None:
    """One case as the list shows it."""
    found = Case._meta.database.execute_sql(f"{_CASE_SELECT} WHERE c.id = ?", (case_id,)).fetchone()
    return _case_row(found) if found else None


def cases_of(person: Person) -> list[Case]:
    return list(Case.select().where((Case.person == person.id) & ~Case.deleted).order_by(Case.opened_on.desc()))


HOW_LABELS: dict[str, str] = {
    "": N_("not yet"),
    "in_person": N_("in person, with stamp"),
    "letter": N_("by letter"),
    "fax": N_("by fax"),
    "online": N_("online"),
}


def checklist(case_id: str) -> list[ChecklistItem]:
    return list(
        ChecklistItem.select()
        .where((ChecklistItem.case == case_id) & ~ChecklistItem.deleted)
        .order_by(ChecklistItem.position, ChecklistItem.id)
    )


def update_checklist_item(item_id: str, values: Mapping[str, Any]) -> list[str]:
    """Tick have / copied / receipt, or record when and how a document was submitted."""
    if "submitted_how" in values and values["submitted_how"] not in HOW_LABELS:
        raise ValidationError(_("Unknown way of submitting."))
    item = ChecklistItem.get_by_id(item_id)
    values = dict(values)
    if values.get("submitted_how") and not (values.get("submitted_on") or item.submitted_on):
        values["submitted_on"] = dt.date.today()
    return changelog.update(ChecklistItem, item_id, values)


def add_checklist_item(case_id: str, text: str) -> ChecklistItem:
    if not text.strip():
        raise ValidationError(_("Enter the document's name."))
    position = len(checklist(case_id))
    return changelog.create(ChecklistItem, case=case_id, label=text.strip(), position=position)
