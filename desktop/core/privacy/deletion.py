"""Deleting records from the app: tombstones through the change log, undone exactly.

Deleting a record also tombstones what would otherwise dangle in the lists because it hangs on it alone:
a person's cases, appointments, tasks, notes, residence documents, household memberships, forms, printed
documents, consents and distinct-pair marks, and a household left with no member (and no case of its own); a
case's appointments, tasks, notes, checklist, helpers, forms and printed documents. A case that names a
deleted household keeps standing when it has a person of its own. Undo restores exactly what that one
delete tombstoned, in one transaction, so nothing another delete took comes back with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core import audit
from desktop.core.errors import UserError
from desktop.core.privacy import graph
from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.models import model_for
from desktop.i18n import _

#: What a user can delete (record types).
KINDS = ("person", "household", "case", "appointment", "task", "note", "directory_entry", "need_offer")

#: A case is tombstoned with its household only when it has no person of its own.
_CASE_OF_HOUSEHOLD = ("case", "household")
_WITHOUT_PERSON = {_CASE_OF_HOUSEHOLD: "person_id IS NULL"}
#: A consent stands without its paper copy: deleting the printed record (with its case) leaves it.
_NOT_FOLLOWED = frozenset(
    {
        ("consent", "paper_copy"),
        # Needs and offers, their matches and hours stand without the project, directory entry, case or
        # appointment they name (a link to a deleted record reads as none).
        ("need_offer", "project"),
        ("need_offer", "provider"),
        ("need_offer", "case"),
        ("match", "directory_entry"),
        ("match", "case"),
        ("match", "appointment"),
        ("volunteer_hours", "project"),
        ("directory_entry", "organisation"),
    }
)


class RecordMissing(UserError):
    """No record of that kind with that id (or it was erased)."""


class AlreadyDeleted(UserError):
    """The record is deleted already."""


@dataclass(frozen=True)
class Deletion:
    """One delete: what was asked for and every record it tombstoned (the asked one first)."""

    record_type: str
    record_id: str
    tombstoned: tuple[tuple[str, str], ...]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for record_type, _id in self.tombstoned:
            out[record_type] = out.get(record_type, 0) + 1
        return out


def _empty_households(records: graph.Records) -> set[str]:
    """Households whose every live member and case is in ``records`` (they would be left empty)."""
    members = records.get("household_member", set())
    if not members:
        return set()
    households = graph.select_ids(
        "SELECT DISTINCT household_id FROM household_member WHERE id IN ({ids}) AND household_id IS NOT NULL", members
    )
    households -= records.get("household", set())
    db = store_db.current().db
    empty = set()
    for household_id in households:
        others = db.execute_sql(
            "SELECT id FROM household_member WHERE household_id = ? AND deleted = 0 "
            'UNION ALL SELECT id FROM "case" WHERE household_id = ? AND deleted = 0',
            (household_id, household_id),
        )
        if all(row[0] in members or row[0] in records.get("case", set()) for row in others):
            empty.add(household_id)
    return graph.present("household", empty, live_only=True)


def dependants(record_type: str, record_id: str) -> graph.Records:
    """What deleting one record tombstones: itself and its live dependants (see the module)."""
    records: graph.Records = {record_type: {record_id}}
    frontier: graph.Records = {record_type: {record_id}}
    while frontier:
        graph.hanging_on(records, frontier, live_only=True, skip=_NOT_FOLLOWED, conditions=_WITHOUT_PERSON)
        frontier = {}
        households = graph.add(records, "household", _empty_households(records))
        if households:
            frontier["household"] = households
    return records


def _ordered(records: graph.Records, record_type: str, record_id: str) -> tuple[tuple[str, str], ...]:
    rest = sorted((t, i) for t, found in records.items() for i in found if (t, i) != (record_type, record_id))
    return ((record_type, record_id), *rest)


def _require(record_type: str, record_id: str) -> bool:
    """Whether the record is deleted; raises RecordMissing when there is none."""
    if record_type not in KINDS:
        raise ValueError(f"cannot delete records of type {record_type!r}")
    row = model_for(record_type).get_or_none(model_for(record_type).id == record_id)
    if row is None:
        raise RecordMissing(_("There is no such record: {id}.").format(id=record_id))
    return bool(row.deleted)


def delete(record_type: str, record_id: str) -> Deletion:
    """Tombstone a record and its dependants in one transaction; the returned Deletion undoes it."""
    db = store_db.current().db
    with db.atomic("IMMEDIATE"):
        if _require(record_type, record_id):
            raise AlreadyDeleted(_("This record is deleted already."))
        deletion = Deletion(
            record_type, record_id, _ordered(dependants(record_type, record_id), record_type, record_id)
        )
        for kind, found_id in deletion.tombstoned:
            changelog.delete(model_for(kind), found_id)
    audit.record("delete", record_type, record_id, count=len(deletion.tombstoned))
    return deletion


def undo(deletion: Deletion) -> int:
    """Restore what ``deletion`` tombstoned (what is still there and still deleted); returns how many."""
    db = store_db.current().db
    restored = 0
    with db.atomic("IMMEDIATE"):
        for kind, record_id in deletion.tombstoned:
            model = model_for(kind)
            row = model.get_or_none(model.id == record_id)
            if row is not None and row.deleted:
                changelog.update(model, record_id, deleted=False)
                restored += 1
    return restored
