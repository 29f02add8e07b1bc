"""Cases (Vorgänge): one matter at one office for a person or a household."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from desktop import paths
from desktop.core.errors import ValidationError
from desktop.core.store import changelog
from desktop.core.store.models import Case, Person
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


def _label(entry: Mapping[str, str]) -> str:
    return entry.get(current_language()) or entry["de"]


def case_type_label(key: str) -> str:
    for entry in case_types():
        if entry["key"] == key:
            return _label(entry)
    return key


def authority_label(key: str) -> str:
    for entry in _case_data()["authorities"]:
        if entry["key"] == key:
            return _label(entry)
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
    errors = validate(values)
    if errors:
        field, message = next(iter(errors.items()))
        raise ValidationError(message, field)


def create_case(values: Mapping[str, Any]) -> Case:
    values = dict(values)
    values.setdefault("opened_on", dt.date.today())
    values.setdefault("status", "open")
    values.setdefault("authority", default_authority(values.get("case_type", "")))
    values.setdefault("reference", next_reference(values["opened_on"]))
    _check(values)
    return changelog.create(Case, values)


def update_case(case_id: str, values: Mapping[str, Any]) -> list[str]:
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
    if merged.get("status") == "closed" and not merged.get("closed_on"):
        values = {**values, "closed_on": dt.date.today()}
        merged["closed_on"] = values["closed_on"]
    _check(merged)
    return changelog.update(Case, case_id, values)


@dataclass(frozen=True)
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


def count_cases() -> int:
    return int(Case.select().where(~Case.deleted).count())


_CASE_SELECT = (
    "SELECT c.id, c.opened_on, c.reference, c.case_type, c.authority, c.status, "
    "p.family_name, p.given_name, p.family_name_cyr, p.given_name_cyr, c.title "
    'FROM "case" c LEFT JOIN person p ON p.id = c.person_id '
)


def _case_row(r: tuple[Any, ...]) -> CaseRow:
    family, given = r[6] or r[8] or "", r[7] or r[9] or ""
    name = f"{family}, {given}" if family and given else family or given
    opened = dt.date.fromisoformat(r[1]) if r[1] else None
    return CaseRow(r[0], opened, r[2], r[3], r[4], r[5], name, r[10])


def page_cases(after: tuple[str, str] | None = None, limit: int = 200) -> list[CaseRow]:
    """Cases, newest first, ``limit`` at a time after the (opened_on, id) given (no date sorts last)."""
    db = Case._meta.database
    where = "c.deleted = 0"
    params: list[Any] = []
    if after is not None:
        where += " AND (coalesce(c.opened_on, ''), c.id) < (?, ?)"
        params += list(after)
    sql = f"{_CASE_SELECT} WHERE {where} ORDER BY coalesce(c.opened_on, '') DESC, c.id DESC LIMIT ?"
    params.append(limit)
    return [_case_row(r) for r in db.execute_sql(sql, params).fetchall()]


def case_row(case_id: str) -> CaseRow | None:
    """One case as the list shows it."""
    found = Case._meta.database.execute_sql(f"{_CASE_SELECT} WHERE c.id = ?", (case_id,)).fetchone()
    return _case_row(found) if found else None


def cases_of(person: Person) -> list[Case]:
    return list(Case.select().where((Case.person == person.id) & ~Case.deleted).order_by(Case.opened_on.desc()))
