"""Consents and powers of attorney of a person: Einwilligung in die Datenverarbeitung,
Schweigepflichtentbindung and Vollmacht (per office), their state at a date, and the warnings shown when
a person's data is printed, taken to an office or exported without them.

A consent is valid from the day it was signed through ``valid_until`` (open-ended when empty) unless it
was withdrawn: from ``withdrawn_on`` on it is withdrawn. Within :data:`EXPIRING_DAYS` of its end it is
*expiring* (still valid). A person's state for a kind (and, for a Vollmacht, an office) is the best of
their consents' states when one is in force, otherwise the state of the one signed last.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from peewee import fn

from desktop.core import cases
from desktop.core.errors import ValidationError
from desktop.core.store import changelog
from desktop.core.store.models import Case, Consent, Person, PrintedDocument
from desktop.i18n import N_, _

KINDS = Consent.KINDS
OFFICES = Consent.OFFICES
DATA_PROCESSING, CONFIDENTIALITY, POWER_OF_ATTORNEY = KINDS
#: How many days before its end a consent is listed as running out.
EXPIRING_DAYS = 30

KIND_LABELS: dict[str, str] = {
    "data_processing": N_("Consent to data processing"),
    "confidentiality_release": N_("Release from confidentiality"),
    "power_of_attorney": N_("Power of attorney"),
}
#: The bundled template each kind is printed from (its paper copy).
TEMPLATES: dict[str, str] = {
    "data_processing": "einwilligung-datenverarbeitung",
    "confidentiality_release": "schweigepflichtentbindung",
    "power_of_attorney": "vollmacht",
}

VALID, EXPIRING, EXPIRED, WITHDRAWN, NONE = "valid", "expiring", "expired", "withdrawn", "none"
STATES = (VALID, EXPIRING, EXPIRED, WITHDRAWN, NONE)
STATE_LABELS: dict[str, str] = {
    VALID: N_("valid"),
    EXPIRING: N_("runs out soon"),
    EXPIRED: N_("expired"),
    WITHDRAWN: N_("withdrawn"),
    NONE: N_("none"),
}
#: States in which a consent is in force.
IN_FORCE = (VALID, EXPIRING)


def kind_label(key: str) -> str:
    return _(KIND_LABELS[key]) if key in KIND_LABELS else key


def state_label(key: str) -> str:
    return _(STATE_LABELS[key]) if key in STATE_LABELS else key


def office_label(key: str) -> str:
    """An office by its name in the UI language (the case authorities' names)."""
    return cases.authority_label(key)


def offices_value(keys: Iterable[str]) -> str:
    """The stored form of a set of offices: comma-separated keys in the fixed order of OFFICES."""
    wanted = set(keys)
    return ",".join(k for k in OFFICES if k in wanted)


def office_keys(value: str | Iterable[str] | None) -> list[str]:
    """The office keys of a stored value (or of a list), as given."""
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item.strip()]


def offices_text(value: str | Iterable[str] | None) -> str:
    return ", ".join(office_label(k) for k in office_keys(value))


# --- checks and writes ----------------------------------------------------------------------------------


def validate(values: Mapping[str, Any]) -> dict[str, str]:
    """Problems by field, in the UI language (empty when the values can be saved)."""
    errors: dict[str, str] = {}
    kind = values.get("kind")
    if kind not in KINDS:
        errors["kind"] = _("Choose the kind of consent.")
    signed = values.get("signed_on")
    if not isinstance(signed, dt.date):
        errors["signed_on"] = _("Enter the day it was signed.")
    until, withdrawn = values.get("valid_until"), values.get("withdrawn_on")
    if isinstance(signed, dt.date) and isinstance(until, dt.date) and until < signed:
        errors["valid_until"] = _("It cannot run out before it was signed.")
    if isinstance(signed, dt.date) and isinstance(withdrawn, dt.date) and withdrawn < signed:
        errors["withdrawn_on"] = _("It cannot be withdrawn before it was signed.")
    offices = office_keys(values.get("offices"))
    if any(k not in OFFICES for k in offices):
        errors["offices"] = _("Choose the offices from the list.")
    elif kind == POWER_OF_ATTORNEY and not offices:
        errors["offices"] = _("Name at least one office the power of attorney is for.")
    return errors


def _check(values: Mapping[str, Any]) -> None:
    errors = validate(values)
    paper = values.get("paper_copy")
    if not errors and paper:
        printed = PrintedDocument.get_or_none(PrintedDocument.id == str(getattr(paper, "id", paper)))
        if printed is None or printed.person_id != str(values.get("person")):
            errors["paper_copy"] = _("The paper copy must be a document printed for this person.")
    if errors:
        name, message = next(iter(errors.items()))
        raise ValidationError(message, name)


def _stored(values: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "offices" in out:
        out["offices"] = offices_value(office_keys(out["offices"]))
    if out.get("kind", POWER_OF_ATTORNEY) != POWER_OF_ATTORNEY:
        out["offices"] = ""  # only a Vollmacht names offices
    return out


def create_consent(values: Mapping[str, Any]) -> Consent:
    _check(values)
    return changelog.create(Consent, _stored(values))


def update_consent(consent_id: str, values: Mapping[str, Any]) -> list[str]:
    current = Consent.get_by_id(consent_id)
    merged = {
        "person": current.person_id,
        "kind": current.kind,
        "offices": current.offices,
        "signed_on": current.signed_on,
        "valid_until": current.valid_until,
        "withdrawn_on": current.withdrawn_on,
        "paper_copy": current.paper_copy_id,
        **values,
    }
    _check(merged)
    merged = _stored(merged)
    changes = {k: merged[k] for k in (*values, "offices") if k in merged}
    return changelog.update(Consent, consent_id, changes)


def withdraw(consent_id: str, on: dt.date | None = None) -> list[str]:
    """Note that the person withdrew the consent (today unless ``on``)."""
    return update_consent(consent_id, {"withdrawn_on": on or dt.date.today()})


def delete_consent(consent_id: str) -> None:
    changelog.delete(Consent, consent_id)


def paper_copies(person_id: str, kind: str) -> list[PrintedDocument]:
    """The person's printed documents of the kind's template, newest first (the paper copy to choose)."""
    query = PrintedDocument.select().where(
        (PrintedDocument.person == person_id)
        & ~PrintedDocument.deleted
        & (PrintedDocument.template_id == TEMPLATES.get(kind, ""))
    )
    return list(query.order_by(PrintedDocument.printed_on.desc(), PrintedDocument.created_at.desc()))


# --- states ---------------------------------------------------------------------------------------------


def state_at(signed_on: dt.date | None, valid_until: dt.date | None, withdrawn_on: dt.date | None, at: dt.date) -> str:
    """The state of one consent on the day ``at`` (see the module)."""
    if signed_on is None or signed_on > at:
        return NONE  # not signed yet
    if withdrawn_on is not None and withdrawn_on <= at:
        return WITHDRAWN
    if valid_until is not None and valid_until < at:
        return EXPIRED
    if valid_until is not None and (valid_until - at).days <= EXPIRING_DAYS:
        return EXPIRING
    return VALID


@dataclass(frozen=True)
class ConsentRow:
    """One consent of a person and its state on a day."""

    id: str
    person_id: str
    kind: str
    offices: tuple[str, ...]
    signed_on: dt.date
    valid_until: dt.date | None
    withdrawn_on: dt.date | None
    paper_copy: str | None
    notes: str
    state: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "offices": list(self.offices),
            "signed_on": self.signed_on.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "withdrawn_on": self.withdrawn_on.isoformat() if self.withdrawn_on else None,
            "state": self.state,
            "paper_copy": self.paper_copy,
        }


def _row(c: Consent, at: dt.date) -> ConsentRow:
    return ConsentRow(
        c.id,
        c.person_id,
        c.kind,
        tuple(office_keys(c.offices)),
        c.signed_on,
        c.valid_until,
        c.withdrawn_on,
        c.paper_copy_id,
        c.notes,
        state_at(c.signed_on, c.valid_until, c.withdrawn_on, at),
    )


def consents_of(person_id: str, at: dt.date | None = None) -> list[ConsentRow]:
    """The person's consents (not deleted), newest signature first, with their state on ``at``."""
    at = at or dt.date.today()
    query = Consent.select().where((Consent.person == person_id) & ~Consent.deleted)
    return [_row(c, at) for c in query.order_by(Consent.signed_on.desc(), Consent.created_at.desc())]


def _combined(rows: Sequence[ConsentRow]) -> str:
    """The state of several consents of one kind together (see the module)."""
    in_force = [r.state for r in rows if r.state in IN_FORCE]
    if in_force:
        return VALID if VALID in in_force else EXPIRING
    signed = [r for r in rows if r.state != NONE]
    return max(signed, key=lambda r: r.signed_on).state if signed else NONE


@dataclass(frozen=True)
class Standing:
    """A person's state per kind on a day, and per office for a Vollmacht."""

    kinds: dict[str, str] = field(default_factory=dict)
    offices: dict[str, str] = field(default_factory=dict)

    def office(self, key: str) -> str:
        return self.offices.get(key, NONE)


def standing(person_id: str, at: dt.date | None = None, rows: Sequence[ConsentRow] | None = None) -> Standing:
    """The person's state for each kind and each office on ``at``."""
    rows = consents_of(person_id, at) if rows is None else rows
    kinds = {kind: _combined([r for r in rows if r.kind == kind]) for kind in KINDS}
    powers = [r for r in rows if r.kind == POWER_OF_ATTORNEY]
    offices = {office: _combined([r for r in powers if office in r.offices]) for office in OFFICES}
    return Standing(kinds, offices)


# --- warnings -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentWarning:
    """A missing consent: which kind (and office), its state; the text in the UI language."""

    kind: str
    state: str
    office: str = ""

    @property
    def text(self) -> str:
        if self.kind == DATA_PROCESSING:
            return {
                NONE: _("No consent to data processing is on record for this person."),
                EXPIRED: _("The consent to data processing has expired."),
                WITHDRAWN: _("The consent to data processing has been withdrawn."),
            }[self.state]
        office = office_label(self.office)
        return {
            NONE: _("There is no power of attorney for the office {office}."),
            EXPIRED: _("The power of attorney for the office {office} has expired."),
            WITHDRAWN: _("The power of attorney for the office {office} has been withdrawn."),
        }[self.state].format(office=office)


def warnings(person_id: str, office: str | None = None, at: dt.date | None = None) -> list[ConsentWarning]:
    """What is missing to work with the person's data (and to act for them at ``office``) on ``at``."""
    state = standing(person_id, at)
    out = []
    if state.kinds[DATA_PROCESSING] not in IN_FORCE:
        out.append(ConsentWarning(DATA_PROCESSING, state.kinds[DATA_PROCESSING]))
    if office in OFFICES and office != "other" and state.office(office) not in IN_FORCE:
        out.append(ConsentWarning(POWER_OF_ATTORNEY, state.office(office), office))
    return out


def print_warnings(
    person_id: str, template_id: str, authority: str = "", at: dt.date | None = None
) -> list[ConsentWarning]:
    """Before printing a template for a person; none for the consent templates themselves (printing one
    is how a consent is given)."""
    if template_id in TEMPLATES.values():
        return []
    return warnings(person_id, authority or None, at)


def appointment_office(office_key: str = "", case_id: str | None = None) -> str | None:
    """The kind of office an appointment is at: from the office directory's entry, else the case's."""
    from desktop.core import appointments

    entry = appointments.office(office_key) if office_key else None
    if entry and entry.get("authority"):
        return str(entry["authority"])
    case = Case.get_or_none(Case.id == case_id) if case_id else None
    return case.authority if case is not None and case.authority else None


def appointment_warnings(
    person_id: str | None, office_key: str = "", case_id: str | None = None, at: dt.date | None = None
) -> list[ConsentWarning]:
    """Before an appointment for a person at an office (on the day of the appointment)."""
    if not person_id and case_id:
        case = Case.get_or_none(Case.id == case_id)
        person_id = case.person_id if case is not None else None
    if not person_id:
        return []
    return warnings(person_id, appointment_office(office_key, case_id), at)


def export_warnings(person_ids: Iterable[str], at: dt.date | None = None) -> list[tuple[str, ConsentWarning]]:
    """For a bundle that holds these people: (name, warning) for each without a data-processing consent."""
    out = []
    for person_id in person_ids:
        person = Person.get_or_none(Person.id == person_id)
        if person is None or person.deleted:
            continue
        for found in warnings(person_id, None, at):
            out.append((person.display_name(), found))
    return out


def people_of_selection(kind: str, record_id: str) -> list[str]:
    """The people a selection of the export (a person or a case) holds."""
    if kind == "person":
        return [record_id]
    case = Case.get_or_none(Case.id == record_id)
    return [case.person_id] if case is not None and case.person_id else []


# --- Today ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alert:
    """A consent on Today: running out in the window, or an expired Vollmacht of a person with an open case."""

    person_id: str
    name: str
    consent_id: str
    kind: str
    offices: tuple[str, ...]
    valid_until: dt.date
    state: str


def alerts(today: dt.date | None = None, days: int = EXPIRING_DAYS, limit: int = 200) -> list[Alert]:
    """Consents running out within ``days`` and expired Vollmachten of people with an open case, each
    only when the person has no other consent of the kind (for those offices) that stays in force.

    Expired Vollmachten end before today and so come before those running out: two queries in the order
    of the end date (the index's), each read only as far as ``limit`` needs, the people's other consents
    read for a batch of them at a time."""
    today = today or dt.date.today()
    end = today + dt.timedelta(days=days)
    open_case = Case.select(Case.id).where((Case.person == Consent.person) & ~Case.deleted & (Case.status != "closed"))
    live = ~Consent.deleted & ~Person.deleted & Consent.withdrawn_on.is_null() & (Consent.signed_on <= today)
    expired_power = (Consent.kind == POWER_OF_ATTORNEY) & (Consent.valid_until < today) & fn.EXISTS(open_case)
    running_out = Consent.valid_until.between(today, end)
    out: list[Alert] = []
    standings: dict[str, Standing] = {}
    for which in (expired_power, running_out):
        query = Consent.select(Consent, Person).join(Person).where(live & which).order_by(Consent.valid_until)
        rows = iter(query)
        while len(out) < limit:
            batch = list(islice(rows, _ALERT_BATCH))
            if not batch:
                break
            standings.update(_standings({c.person_id for c in batch} - standings.keys(), today))
            for consent in batch:
                row = _row(consent, today)
                state = standings[row.person_id]
                if row.kind == POWER_OF_ATTORNEY:
                    current = {state.office(o) for o in row.offices}
                else:
                    current = {state.kinds[row.kind]}
                if row.state not in current:
                    continue  # another consent stands in for this one
                name = consent.person.display_name()
                out.append(Alert(row.person_id, name, row.id, row.kind, row.offices, consent.valid_until, row.state))
                if len(out) >= limit:
                    break
    return out


#: Consents read at a time for Today's alerts (with one query for the other consents of their people).
_ALERT_BATCH = 50


def _standings(person_ids: set[str], at: dt.date) -> dict[str, Standing]:
    """``standing`` of several people, their consents read in one query (in ``consents_of``'s order)."""
    if not person_ids:
        return {}
    rows: dict[str, list[ConsentRow]] = {person_id: [] for person_id in person_ids}
    query = (
        Consent.select()
        .where(Consent.person.in_(list(person_ids)) & ~Consent.deleted)
        .order_by(Consent.signed_on.desc(), Consent.created_at.desc())
    )
    for c in query:
        rows[c.person_id].append(_row(c, at))
    return {person_id: standing(person_id, at, own) for person_id, own in rows.items()}
