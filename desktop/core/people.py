"""People: creating, editing and listing the persons a volunteer supports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.core import validation
from desktop.core.errors import ValidationError
from desktop.core.search.translit import has_cyrillic, kmu55
from desktop.core.store import changelog
from desktop.core.store.models import Person, person_sort_key
from desktop.i18n import N_, _

#: A person's fields as a user knows them, each understandable on its own (messages, merge notes).
FIELD_LABELS: dict[str, str] = {
    "family_name_cyr": N_("Family name (Cyrillic)"),
    "given_name_cyr": N_("Given name (Cyrillic)"),
    "patronymic": N_("Patronymic"),
    "family_name": N_("Family name (passport)"),
    "given_name": N_("Given name (passport)"),
    "birth_date": N_("Date of birth"),
    "birth_place": N_("Place of birth"),
    "nationality": N_("Nationality"),
    "languages": N_("Languages"),
    "phone": N_("Phone"),
    "telegram": N_("Telegram"),
    "email": N_("E-mail"),
    "street": N_("Street and number"),
    "postcode": N_("Postcode"),
    "city": N_("City"),
    "notes": N_("Notes"),
    "jobcenter_customer_no": N_("Jobcenter customer number"),
    "bg_number": N_("BG number"),
    "abh_file_no": N_("Immigration office file number"),
    "tax_id": N_("Tax ID"),
    "pension_no": N_("Pension insurance number"),
    "health_insurer": N_("Health insurer"),
    "insurance_no": N_("Health insurance number"),
    "iban": N_("IBAN"),
}


def field_label(name: str) -> str:
    """The translated label of a person's field (the field's name if it has none)."""
    return _(FIELD_LABELS[name]) if name in FIELD_LABELS else name


#: The order of people in lists (derived by the store, see Person.derive).
sort_key = person_sort_key


def passport_spelling(cyrillic: str) -> str:
    """The passport (KMU-55) spelling proposed for a Cyrillic name."""
    return kmu55(cyrillic.strip())


_CYRILLIC_OF = {"family_name": "family_name_cyr", "given_name": "given_name_cyr"}


#: Letters by Unicode's count that show nothing (the Hangul fillers).
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")

NAME_KEYS = ("family_name", "given_name", "family_name_cyr", "given_name_cyr")


def is_name(value: object) -> bool:
    """A name has at least one letter: a dash, a dot or an invisible character (a zero-width space left
    by copying from a web page) is not a name."""
    return any(ch.isalpha() and ch not in _FILLERS for ch in str(value or ""))


def has_name(values: Mapping[str, Any]) -> bool:
    """The rule for every way a person comes in (editor, spreadsheet import, CLI): a family or a given
    name, in either script."""
    return any(is_name(values.get(key)) for key in NAME_KEYS)


def validate(values: Mapping[str, Any]) -> dict[str, str]:
    """Problems with a person's values, by field name, in the UI language; empty when all is well."""
    errors: dict[str, str] = {}
    if not has_name(values):
        errors["family_name"] = _("Enter at least a family name or a given name.")
    for key in ("family_name", "given_name"):
        if has_cyrillic(str(values.get(key, ""))):
            errors[key] = _("Passport names are written in Latin letters.")
    birth = values.get("birth_date")
    if isinstance(birth, dt.date):
        if birth > dt.date.today():
            errors["birth_date"] = _("The birth date lies in the future.")
        elif birth.year < 1900:
            errors["birth_date"] = _("The birth date is before 1900.")
    for field in ("phone", "email", "postcode", "iban", "tax_id", *validation.NAME_FIELDS):
        if _CYRILLIC_OF.get(field) in errors:
            continue  # a passport spelling proposed from an overlong Cyrillic name: one problem, said once
        problem = validation.validate_field(field, values.get(field))
        if problem:
            errors.setdefault(field, problem)
    pension = str(values.get("pension_no") or "").strip()
    if pension:
        # Structure and check digit only: a genuine number may carry another date (VKVV §2).
        problem = validation.validate_pension_no(pension)
        if problem:
            errors["pension_no"] = problem
    return errors


_NORMALISE = {
    "iban": validation.normalise_iban,
    "tax_id": validation.normalise_tax_id,
    "pension_no": validation.normalise_pension_no,
    "postcode": validation.normalise_postcode,
}


def _cleaned(values: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    for key, normalise in _NORMALISE.items():
        if out.get(key):
            out[key] = normalise(out[key])
    for latin, cyr in (("family_name", "family_name_cyr"), ("given_name", "given_name_cyr")):
        if not out.get(latin) and out.get(cyr):
            out[latin] = passport_spelling(out[cyr])
    return out


def create_person(values: Mapping[str, Any]) -> Person:
    """Validate and create a person; raises ValidationError naming the first bad field."""
    values = _cleaned(values)
    errors = validate(values)
    if errors:
        field, message = next(iter(errors.items()))
        raise ValidationError(message, field)
    return changelog.create(Person, values)


def update_person(person_id: str, values: Mapping[str, Any]) -> list[str]:
    """Validate and save changed fields of a person; returns the names of the fields that changed."""
    current = Person.get_by_id(person_id)
    merged = {f.name: getattr(current, f.name) for f in Person.data_fields()}
    cleaned = _cleaned(values)
    merged.update(cleaned)
    # Judge what is being changed (an old value that fails a newer rule does not block other edits).
    errors = {k: v for k, v in validate(merged).items() if k in cleaned or k == "family_name"}
    if errors:
        field, message = next(iter(errors.items()))
        raise ValidationError(message, field)
    return changelog.update(Person, person_id, cleaned)


@dataclass(frozen=True, slots=True)  # a list may hold 100,000 of them
class PersonRow:
    """What a people list shows of one person."""

    id: str
    sort_key: str
    family_name: str
    given_name: str
    family_name_cyr: str
    given_name_cyr: str
    birth_date: dt.date | None
    city: str
    phone: str


_LIST_COLUMNS = "id, sort_key, family_name, given_name, family_name_cyr, given_name_cyr, birth_date, city, phone"


def row_from(r: tuple[Any, ...]) -> PersonRow:
    birth = dt.date.fromisoformat(r[6]) if r[6] else None
    return PersonRow(r[0], r[1], r[2], r[3], r[4], r[5], birth, r[7], r[8])


def of_people(person_column: str, case_column: str | None, ids: Sequence[str] | None) -> tuple[str, list[Any]]:
    """A WHERE condition keeping the rows of these people, directly or through one of their cases
    (``("", [])`` without a filter; an empty list of people keeps nothing)."""
    if ids is None:
        return "", []
    if not ids:
        return "0", []
    marks = ",".join("?" * len(ids))
    if case_column is None:
        return f"{person_column} IN ({marks})", list(ids)
    return (
        f'({person_column} IN ({marks}) OR {case_column} IN (SELECT id FROM "case" WHERE person_id IN ({marks})))',
        [*ids, *ids],
    )


def count_people() -> int:
    return int(Person.select().where(~Person.deleted).count())


def page_people(after: tuple[str, str] | None = None, limit: int = 200, prefix: str = "") -> list[PersonRow]:
    """People in alphabetical order, ``limit`` at a time, starting after the (sort_key, id) given.

    ``prefix`` narrows the list to sort keys that start with it (typed in Latin or Cyrillic letters).
    """
    db = Person._meta.database
    where = ["deleted = 0"]
    params: list[Any] = []
    key = sort_key({"family_name": prefix}) if not has_cyrillic(prefix) else kmu55(prefix).casefold()
    if key:
        where.append("sort_key >= ? AND sort_key < ?")
        params += [key, key + "\U0010ffff"]
    if after is not None:
        where.append("(sort_key, id) > (?, ?)")
        params += [after[0], after[1]]
    sql = f"SELECT {_LIST_COLUMNS} FROM person WHERE {' AND '.join(where)} ORDER BY sort_key, id LIMIT ?"
    params.append(limit)
    return [row_from(r) for r in db.execute_sql(sql, params).fetchall()]


def person_row(person_id: str) -> PersonRow | None:
    """One person as the lists show them."""
    db = Person._meta.database
    found = db.execute_sql(f"SELECT {_LIST_COLUMNS} FROM person WHERE id = ?", (person_id,)).fetchone()
    return row_from(found) if found else None
