"""Two records of one person: finding them, warning before a third is made, and merging them.

Two people are likely the same when they share a birth date and their names match in some spelling: a key
of the family name in common, and a key or a curated name group of the given name in common. Names that
only look alike (Oleksandr/Oleksandra, Ivan/Ivanna, Mariia/Maryna) have different keys and groups and are
not flagged.

Merging keeps one record, fills its empty fields from the other, notes the other's differing values on the
kept one, moves every case, household membership, document, appointment, task and note over, and deletes
the other with ``merged_into`` naming the kept one: all through the change log, so a merge travels.

A pair the volunteer has looked at and found to be two people is marked distinct (a travelling record too)
and is no longer listed, on any laptop.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop import i18n
from desktop.core import people
from desktop.core.errors import UserError
from desktop.core.people import PersonRow
from desktop.core.search import variants
from desktop.core.search.keys import word_keys, words
from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.models import (
    Appointment,
    Case,
    Consent,
    DistinctPair,
    FilledForm,
    HouseholdMember,
    Note,
    Person,
    PrintedDocument,
    ResidenceDocument,
    Task,
)
from desktop.i18n import _

_COLUMNS = "id, family_name, given_name, family_name_cyr, given_name_cyr, birth_date"
_NEVER_FILLED = {"deleted", "merged_into", "notes"}


@dataclass(frozen=True)
class Pair:
    first: PersonRow
    second: PersonRow
    #: Marked as two different people (listed only when asked for).
    distinct: bool = False


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def distinct_pairs() -> set[tuple[str, str]]:
    """Pairs of person ids marked as different people, each as (smaller id, larger id)."""
    db = store_db.current().db
    rows = db.execute_sql("SELECT first_id, second_id FROM distinct_pair WHERE deleted = 0")
    return {_ordered(a, b) for a, b in rows}


def mark_distinct(first_id: str, second_id: str) -> None:
    """Record that two records are different people; a pair already marked stays as it is."""
    if first_id == second_id:
        raise MergeRefused(_("A record cannot be different from itself."))
    a, b = _ordered(first_id, second_id)
    store = store_db.current()
    with store.db.atomic("IMMEDIATE"):
        for person_id in (a, b):
            person = Person.get_or_none(Person.id == person_id)
            if person is None or person.deleted:
                raise MergeRefused(_("One of the two records has been deleted or merged meanwhile."))
        if (a, b) not in distinct_pairs():
            changelog.create(DistinctPair, {"first": a, "second": b})


def unmark_distinct(first_id: str, second_id: str) -> None:
    """Take a "different people" mark back: the pair is listed as a likely duplicate again."""
    a, b = _ordered(first_id, second_id)
    store = store_db.current()
    with store.db.atomic("IMMEDIATE"):
        marks = DistinctPair.select(DistinctPair.id).where(
            (DistinctPair.first == a) & (DistinctPair.second == b) & ~DistinctPair.deleted
        )
        for mark in marks:
            changelog.delete(DistinctPair, mark.id)


def _name_keys(name: str) -> set[str]:
    """Keys of a whole (possibly multi-word) name, and of each of its words."""
    parts = [word_keys(w) for w in words(name)]
    out = {k for keys in parts for k in keys}
    if len(parts) > 1:
        out |= set(variants.form_keys(name))
    return out


def signature(family: str, given: str, family_cyr: str, given_cyr: str) -> set[tuple[str, str]]:
    """(family key, given key or group) pairs; two records of one person share at least one."""
    family_keys = _name_keys(family) | _name_keys(family_cyr)
    given_keys: set[str] = set()
    for name in (given, given_cyr):
        if name:
            given_keys |= _name_keys(name) | variants.given_groups(name)
    return {(f, g) for f in family_keys for g in given_keys}


def _signature_of(row: tuple[Any, ...]) -> set[tuple[str, str]]:
    return signature(row[1] or "", row[2] or "", row[3] or "", row[4] or "")


def find_duplicates(include_distinct: bool = False) -> list[Pair]:
    """Every likely pair among the people in the profile, by name; pairs marked distinct only if asked for."""
    db = store_db.current().db
    by_date: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in db.execute_sql(f"SELECT {_COLUMNS} FROM person WHERE deleted = 0 AND birth_date IS NOT NULL"):
        by_date[row[5]].append(row)
    found: list[tuple[str, str]] = []
    for rows in by_date.values():
        if len(rows) < 2:
            continue
        signatures = [_signature_of(r) for r in rows]
        for i in range(len(rows)):
            for j in range(i + 1, len(rows)):
                if signatures[i] & signatures[j]:
                    found.append((rows[i][0], rows[j][0]))
    marked = distinct_pairs()
    pairs = []
    for a, b in found:
        distinct = _ordered(a, b) in marked
        if distinct and not include_distinct:
            continue
        first, second = people.person_row(a), people.person_row(b)
        if first and second:
            if (second.sort_key, second.id) < (first.sort_key, first.id):
                first, second = second, first
            pairs.append(Pair(first, second, distinct))
    return sorted(pairs, key=lambda p: (p.first.sort_key, p.second.sort_key))


def candidates(values: Mapping[str, Any], exclude: str | None = None) -> list[PersonRow]:
    """People already in the profile who are likely the person described by ``values``."""
    birth = values.get("birth_date")
    if not birth:
        return []
    if isinstance(birth, dt.date):
        birth = birth.isoformat()
    mine = signature(
        values.get("family_name") or "",
        values.get("given_name") or "",
        values.get("family_name_cyr") or "",
        values.get("given_name_cyr") or "",
    )
    if not mine:
        return []
    db = store_db.current().db
    rows = db.execute_sql(f"SELECT {_COLUMNS} FROM person WHERE deleted = 0 AND birth_date = ?", (str(birth),))
    out = []
    for row in rows:
        if row[0] != exclude and _signature_of(row) & mine:
            found = people.person_row(row[0])
            if found:
                out.append(found)
    return out


def _empty(value: Any) -> bool:
    return value is None or value == ""


#: Every record that belongs to a person and moves with a merge.
_REFERENCES: tuple[type, ...] = (
    Case,
    ResidenceDocument,
    Appointment,
    Task,
    Note,
    FilledForm,
    PrintedDocument,
    Consent,
)


#: Which role a person keeps when both records were members of one household.
_ROLE_WEIGHT = {"applicant": 4, "partner": 3, "child_15_24": 2, "child_u15": 2, "other": 1}


class MergeRefused(UserError):
    """Two records that cannot be merged (the same one, or one of them already deleted or merged)."""


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().casefold() == b.strip().casefold()
    return bool(a == b)


def merge_people(keep_id: str, drop_id: str) -> None:
    """Merge the record ``drop_id`` into ``keep_id`` (one transaction, every step in the change log)."""
    if keep_id == drop_id:
        raise MergeRefused(_("A record cannot be merged into itself."))
    store = store_db.current()
    with store.db.atomic("IMMEDIATE"):
        keep, drop = Person.get_or_none(Person.id == keep_id), Person.get_or_none(Person.id == drop_id)
        if keep is None or drop is None or keep.deleted or drop.deleted:
            raise MergeRefused(_("One of the two records has been deleted or merged meanwhile."))
        fill: dict[str, Any] = {}
        differing: list[str] = []
        for f in Person.data_fields():
            if f.name in _NEVER_FILLED:
                continue
            mine, theirs = getattr(keep, f.name), getattr(drop, f.name)
            if _empty(theirs):
                continue
            if _empty(mine):
                fill[f.name] = theirs
            elif not _same(mine, theirs):
                shown = i18n.fmt_date(theirs) if isinstance(theirs, dt.date) else theirs
                differing.append(f"{people.field_label(f.name)}: {shown}")
        notes = [keep.notes] if keep.notes else []
        if drop.notes and drop.notes != keep.notes:
            notes.append(drop.notes)
        if differing:
            notes.append(_("From the merged record:") + " " + "; ".join(differing))
        if len(notes) > 1 or (notes and not keep.notes):
            fill["notes"] = "\n".join(notes)
        if fill:
            changelog.update(Person, keep_id, fill)
        kept_memberships = {
            m.household_id: m
            for m in HouseholdMember.select().where((HouseholdMember.person == keep_id) & ~HouseholdMember.deleted)
        }
        for member in HouseholdMember.select().where((HouseholdMember.person == drop_id) & ~HouseholdMember.deleted):
            mine = kept_memberships.get(member.household_id)
            if mine is None:
                changelog.update(HouseholdMember, member.id, person=keep_id)
                kept_memberships[member.household_id] = member
                continue
            if _ROLE_WEIGHT.get(member.role, 0) > _ROLE_WEIGHT.get(mine.role, 0):
                changelog.update(HouseholdMember, mine.id, role=member.role)  # e.g. keep "applicant"
            changelog.delete(HouseholdMember, member.id)
        for model in _REFERENCES:
            for record in model.select(model.id).where((model.person == drop_id) & ~model.deleted):
                changelog.update(model, record.id, person=keep_id)
        _move_distinct_marks(keep_id, drop_id)
        changelog.update(Person, drop_id, deleted=True, merged_into=keep_id)


def _move_distinct_marks(keep_id: str, drop_id: str) -> None:
    """Whoever was marked different from the merged-away record is different from the kept one."""
    marks = DistinctPair.select().where(
        ((DistinctPair.first == drop_id) | (DistinctPair.second == drop_id)) & ~DistinctPair.deleted
    )
    kept = distinct_pairs()
    for mark in list(marks):
        changelog.delete(DistinctPair, mark.id)
        other = mark.second_id if mark.first_id == drop_id else mark.first_id
        if other != keep_id and _ordered(other, keep_id) not in kept:
            a, b = _ordered(other, keep_id)
            changelog.create(DistinctPair, {"first": a, "second": b})
            kept.add((a, b))
