"""What a template's ``bind`` names stand for: the person's, household's, case's and volunteer's data.

Values keep their Python type (dates stay dates) so each output formats them its own way; German outputs
show dates as TT.MM.JJJJ and names in the passport's Latin letters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from desktop import i18n
from desktop.core import appointments, cases, documents, households
from desktop.core.forms.templates import BINDINGS, Template
from desktop.core.store import db as store_db
from desktop.core.store.models import Appointment, Case, Person, Volunteer, person_name
from desktop.i18n import fmt_date_german


@dataclass
class ChecklistLine:
    """One thing to bring, in the three languages, and whether it is ready."""

    de: str
    uk: str
    en: str
    have: bool = False
    copied: bool = False
    #: The checklist item's key (case_types.json), so that a template's own item for the same document is
    #: not listed a second time.
    key: str = ""


@dataclass
class Subject:
    """Whom a form is filled for: a person, and (for case templates) one of their cases."""

    person: Person
    case: Case | None = None
    volunteer: Volunteer | None = None
    today: dt.date = field(default_factory=dt.date.today)
    appointment: Appointment | None = None  # the appointment a checklist is printed for (else the next one)
    bound: dict[str, Any] | None = field(default=None, repr=False, compare=False)  # context(), once read
    #: The case was chosen by the user (opened from a case), not looked up for the person.
    case_chosen: bool = False
    #: The child a per-child form (Anlage KI) is filled for (``child.…`` bindings).
    child: Person | None = None


def children_under_15(person_id: str, today: dt.date | None = None) -> list[Person]:
    """The children under 15 in the person's household (each needs an Anlage KI of their own), eldest
    first; a child whose date of birth is missing counts, as the household view counts it."""
    household = households.household_of(person_id)
    if household is None:
        return []
    found = [
        Person.get_by_id(m.person_id)
        for m in households.members(household.id, today)
        if m.attachment == "KI" and m.person_id != person_id
    ]
    return sorted(found, key=lambda c: (c.birth_date or dt.date.max, c.id))


def for_child(subject: Subject, child: Person | None) -> Subject:
    """The same subject, for another child (nothing read for the previous one is kept)."""
    return Subject(
        subject.person,
        subject.case,
        subject.volunteer,
        subject.today,
        subject.appointment,
        case_chosen=subject.case_chosen,
        child=child,
    )


def subject_for_appointment(appointment_id: str) -> Subject:
    """Whom an appointment's checklist is for: its case (or only its person), with that appointment."""
    appointment = Appointment.get_by_id(appointment_id)
    if appointment.case_id:
        subject = subject_for(case_id=appointment.case_id)
    else:  # an appointment of its own (a doctor's): not filed on some other case of the person
        subject = subject_for(person_id=appointment.person_id)
        subject.case = None
    subject.appointment = appointment
    return subject


def fitting_case(person_id: str, template: Template | None = None) -> Case | None:
    """The person's most recent open case a template is for: one of the template's case types, else one
    with the template's authority; a template for no particular case or office takes the most recent
    open case. None when no open case fits: a Widerspruch to the Jobcenter is never addressed to the office
    of some other case."""
    open_cases = (
        Case.select()
        .where((Case.person == person_id) & ~Case.deleted & (Case.status != "closed"))
        .order_by(Case.opened_on.desc(), Case.id.desc())
    )
    if template is None or (not template.case_types and template.authority in ("", "other")):
        return open_cases.first()
    if template.case_types:
        found = open_cases.where(Case.case_type.in_(template.case_types)).first()
        if found is not None or template.authority in ("", "other"):
            return found
    return open_cases.where(Case.authority == template.authority).first()


def subject_for(person_id: str | None = None, case_id: str | None = None, template: Template | None = None) -> Subject:
    """The person and case a form is for; with only a person, their open case the template fits (the most
    recent open case without a template)."""
    case = Case.get_or_none((Case.id == case_id) & ~Case.deleted) if case_id else None
    if case_id and case is None:
        raise LookupError(case_id)
    if case is not None and case.person_id:
        person = Person.get_by_id(case.person_id)
    else:
        person = Person.get_or_none((Person.id == person_id) & ~Person.deleted) if person_id else None
        if person is None:
            raise LookupError(person_id or case_id or "")
        if case is None:
            case = fitting_case(person.id, template)
    volunteer_id = store_db.current().volunteer_id if store_db.is_open() else None
    if case is not None and case.lead_volunteer_id:
        volunteer_id = case.lead_volunteer_id
    volunteer = Volunteer.get_or_none(Volunteer.id == volunteer_id) if volunteer_id else None
    return Subject(person, case, volunteer, case_chosen=bool(case_id))


#: Nationalities as German forms write them ("Staatsangehörigkeit: ukrainisch"); others stay as entered.
_NATIONALITY_DE = {
    "UKR": "ukrainisch",
    "UA": "ukrainisch",
    "RUS": "russisch",
    "BLR": "belarussisch",
    "MDA": "moldauisch",
    "POL": "polnisch",
    "DEU": "deutsch",
    "DE": "deutsch",
    "GEO": "georgisch",
    "ARM": "armenisch",
    "AZE": "aserbaidschanisch",
    "KAZ": "kasachisch",
    "ROU": "rumänisch",
    "HUN": "ungarisch",
    "XXA": "staatenlos",
}


def german_nationality(value: str) -> str:
    return _NATIONALITY_DE.get(value.strip().upper(), value) if value else ""


def _address(person: Person) -> str:
    place = " ".join(p for p in (person.postcode, person.city) if p)
    return ", ".join(p for p in (person.street, place) if p)


def _office(case: Case | None, person: Person) -> dict[str, Any] | None:
    """The office a case's letters go to: the one of its next appointment, else the authority's office in
    the person's town; None (the letter leaves the address to be written) when the directory has none."""
    if case is None:
        return None
    upcoming = _next_appointment(case)
    if upcoming is not None and upcoming.office_key:
        found = appointments.office(upcoming.office_key)
        if found:
            return found
    candidates = [e for e in appointments.offices() if e.get("authority") == case.authority]
    local = [e for e in candidates if person.city and e.get("city", "").startswith(person.city)]
    local.sort(key=lambda e: not e.get("address"))  # the directory's offices; one with a street first
    return local[0] if local else None  # an office of another town would be the wrong one: left blank


def _next_appointment(case: Case | None) -> Appointment | None:
    if case is None:
        return None
    return (
        Appointment.select()
        .where((Appointment.case == case.id) & ~Appointment.deleted & (Appointment.starts_at >= dt.datetime.now()))
        .order_by(Appointment.starts_at)
        .first()
    )


#: Bindings that are a column of the person as it is stored.
_PERSON_COLUMNS = tuple(b for b in BINDINGS if b.startswith("person.") and b.split(".", 1)[1] in Person._meta.fields)


def context(subject: Subject) -> dict[str, Any]:
    """Every binding's value for this subject (missing data: empty string or None), read once per subject:
    prefilling a form and rendering it use the same values."""
    if subject.bound is None:
        subject.bound = _read_context(subject)
    return subject.bound


#: Residence titles as German forms name them (a passport is no residence title).
RESIDENCE_TITLES = {
    "24": "Aufenthaltserlaubnis nach § 24 AufenthG",
    "fiktion": "Fiktionsbescheinigung (§ 81 Abs. 5 AufenthG)",
}


def _read_context(subject: Subject) -> dict[str, Any]:
    p, case = subject.person, subject.case
    out: dict[str, Any] = {name: getattr(p, name.split(".", 1)[1]) for name in _PERSON_COLUMNS}
    out["person.address"] = _address(p)
    out["person.nationality"] = german_nationality(p.nationality)
    # The residence title, never the passport: the § 24 permit or Fiktionsbescheinigung valid longest.
    titles = [d for d in documents.documents_of(p.id, subject.today) if d.kind in RESIDENCE_TITLES]
    titles.sort(key=lambda d: d.effective_until or dt.date.min, reverse=True)
    newest = titles[0] if titles else None
    out["person.residence_document"] = f"{RESIDENCE_TITLES[newest.kind]} {newest.number}".strip() if newest else ""
    out["person.residence_valid_until"] = newest.effective_until if newest else None
    household = households.household_of(p.id)
    members = households.members(household.id, subject.today) if household else []
    lines = []
    children = []
    for m in members:
        person = Person.get_by_id(m.person_id)
        born = fmt_date_german(person.birth_date) if person.birth_date else ""
        line = ", ".join(
            x
            for x in (
                person_name(person.family_name, person.given_name, person.family_name_cyr, person.given_name_cyr),
                born,
                i18n.gettext_in("de", households.ROLE_LABELS.get(m.role, m.role)),  # German forms
            )
            if x
        )
        lines.append(line)
        # the applicant's children up to 24 (Kindergeld runs to 25 for a child in school or training)
        if m.role.startswith("child") and (m.age is None or m.age < households.OWN_BG_AGE):
            children.append(line)
    out["household.members"] = "\n".join(lines)
    out["household.children"] = "\n".join(children)
    # the Bedarfsgemeinschaft, not everyone under the roof (a grandmother or a flatmate is not in it)
    out["household.size"] = sum(households.in_bedarfsgemeinschaft(m.role, m.age) for m in members) or 1
    office = _office(case, p)
    out["case.reference"] = case.reference if case else ""
    out["case.title"] = case.title if case else ""
    out["case.authority"] = (office or {}).get("name") or (cases.authority_label(case.authority, "de") if case else "")
    office = office or {}
    town = " ".join(x for x in (office.get("postcode", ""), office.get("city", "")) if x)
    out["case.authority_address"] = ", ".join(x for x in (office.get("address", ""), town) if x)
    out["case.authority_street"] = office.get("address", "")
    out["case.authority_town"] = town
    for name in ("letter_date", "period_end", "move_in", "opened_on"):
        out[f"case.{name}"] = getattr(case, name) if case else None
    items = []
    if case is not None:
        definitions = {e["key"]: e for e in cases.case_type(case.case_type).get("checklist", [])}
        for item in cases.checklist(case.id):
            entry = definitions.get(item.item_key, {})
            label = item.label or item.item_key
            items.append(
                ChecklistLine(
                    entry.get("de", label),
                    entry.get("uk", label),
                    entry.get("en", label),
                    item.have,
                    item.copied,
                    item.item_key or "",
                )
            )
    out["case.checklist"] = items
    upcoming = subject.appointment or _next_appointment(case)
    out["case.next_appointment"] = upcoming.starts_at if upcoming else None
    out["case.next_appointment_date"] = upcoming.starts_at.date() if upcoming else None
    out["case.next_appointment_place"] = (
        ", ".join(x for x in (upcoming.office, upcoming.address) if x) if upcoming else ""
    )
    child = subject.child
    out["child.family_name"] = child.family_name if child else ""
    out["child.given_name"] = child.given_name if child else ""
    out["child.birth_date"] = child.birth_date if child else None
    out["child.birth_place"] = child.birth_place if child else ""
    out["child.nationality"] = german_nationality(child.nationality) if child else ""
    out["child.pension_no"] = child.pension_no if child else ""
    v = subject.volunteer
    out["volunteer.name"] = v.name if v else ""
    out["volunteer.phone"] = (v.phone or "") if v else ""
    out["volunteer.email"] = (v.email or "") if v else ""
    out["today"] = subject.today
    return out


def prefill(template: Template, subject: Subject, draft: dict[str, Any] | None = None) -> dict[str, Any]:
    """Field values: a saved draft's where it has them, else what the bindings give, else empty."""
    ctx = context(subject)
    values: dict[str, Any] = {}
    for f in template.fields():
        if draft is not None and f.key in draft:
            values[f.key] = draft[f.key]
        elif f.bind:
            values[f.key] = ctx.get(f.bind)
        else:
            values[f.key] = None  # a yes/no question nobody answered is not "no"
    return values
