"""Households (Bedarfsgemeinschaften): who belongs together at the Jobcenter, and which attachments
(Anlagen) each member needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from desktop.core.errors import ValidationError
from desktop.core.store import changelog
from desktop.core.store.models import Case, Household, HouseholdMember, Person
from desktop.i18n import N_, _

ROLE_LABELS: dict[str, str] = {
    "applicant": N_("applicant"),
    "partner": N_("partner"),
    "child_u15": N_("child under 15"),
    "child_15_24": N_("child 15 to 24"),
    "other": N_("other member"),
}


def role_label(role: str) -> str:
    return _(ROLE_LABELS.get(role, role))


def age_on(birth: dt.date | None, day: dt.date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class MemberInfo:
    """A member as the household view shows them, with the Jobcenter attachment they need."""

    member_id: str
    person_id: str
    name: str
    role: str
    age: int | None
    attachment: str  # "" (the applicant: main form), "WEP", "KI"
    reason: str


#: From this age a child is no longer in the parents' Bedarfsgemeinschaft (§ 7 Abs. 3 Nr. 4 SGB II).
OWN_BG_AGE = 25


def in_bedarfsgemeinschaft(role: str, age: int | None) -> bool:
    """Whether a household member belongs to the applicant's Bedarfsgemeinschaft (others only live there)."""
    if role == "other":
        return False
    return not (role.startswith("child") and age is not None and age >= OWN_BG_AGE)


def attachment_for(role: str, age: int | None) -> tuple[str, str]:
    """Which Jobcenter form a member needs (Hauptantrag 04/2020, section 3.2): the applicant the main form;
    in the Bedarfsgemeinschaft KI for children under 15 and WEP for everyone else; a relative or flatmate
    who only lives there Anlage HG (or VE); a child of 25 or over an application of their own. The age
    decides over the role when they disagree."""
    if role == "applicant":
        return "", _("fills in the main application (Hauptantrag)")
    if not in_bedarfsgemeinschaft(role, age):
        if role == "other":
            return "HG", _(
                "Anlage HG for a relative living in the household (Anlage VE for others): "
                "not in the Bedarfsgemeinschaft"
            )
        return "", _(
            "own application: a child of 25 or over is not in the parents' Bedarfsgemeinschaft ({age} years)"
        ).format(age=age)
    if age is None:
        if role == "child_u15":
            return "KI", _("Anlage KI: child under 15 (date of birth missing)")
        return "WEP", _("Anlage WEP: further person aged 15 or over (date of birth missing)")
    if age < 15:
        return "KI", _("Anlage KI: child under 15 ({age} years)").format(age=age)
    return "WEP", _("Anlage WEP: further person aged 15 or over ({age} years)").format(age=age)


def members(household_id: str, today: dt.date | None = None) -> list[MemberInfo]:
    today = today or dt.date.today()
    rows = (
        HouseholdMember.select(HouseholdMember, Person)
        .join(Person)
        .where((HouseholdMember.household == household_id) & ~HouseholdMember.deleted & ~Person.deleted)
        .order_by(HouseholdMember.role != "applicant", Person.birth_date)
    )
    out = []
    for m in rows:
        age = age_on(m.person.birth_date, today)
        attachment, reason = attachment_for(m.role, age)
        out.append(MemberInfo(m.id, m.person.id, m.person.display_name(), m.role, age, attachment, reason))
    return out


#: Of age: from 18 a member may lead the household or be its partner.
ADULT_AGE = 18
#: A parent is at least this much older than their child (below it, a young adult is taken for a partner).
PARENT_GAP = 15


def propose_role(household_id: str | None, birth_date: dt.date | None, today: dt.date | None = None) -> str:
    """The role a new member most likely has, from their age and who is already there (a proposal the user
    confirms): the first adult applies (applicant); a child under 15 needs Anlage KI (child_u15); anyone
    under 18, and an adult under 25 young enough to be the applicant's child, is a child of 15 to 24 in the
    Bedarfsgemeinschaft; another adult is the partner while there is none, else another member."""
    today = today or dt.date.today()
    age = age_on(birth_date, today)
    present = members(household_id, today) if household_id else []
    roles = {m.role for m in present}
    if age is not None and age < 15:
        return "child_u15"
    if age is not None and age < ADULT_AGE:
        return "child_15_24"
    if "applicant" not in roles:
        return "applicant"
    if age is not None and age < OWN_BG_AGE:
        applicant_age = next((m.age for m in present if m.role == "applicant"), None)
        if applicant_age is None or applicant_age - age >= PARENT_GAP or "partner" in roles:
            return "child_15_24"
    return "partner" if "partner" not in roles else "other"


def household_of(person_id: str) -> Household | None:
    member = (
        HouseholdMember.select()
        .join(Household)
        .where((HouseholdMember.person == person_id) & ~HouseholdMember.deleted & ~Household.deleted)
        .first()
    )
    return member.household if member else None


def create_household(name: str, people: Sequence[tuple[str, str]]) -> Household:
    """A household with its members as (person id, role) pairs; the first applicant leads it."""
    if sum(1 for _pid, role in people if role == "applicant") > 1:
        raise ValidationError(_("A household has one applicant."))
    household = changelog.create(Household, name=name.strip())
    for person_id, role in people:
        add_member(household.id, person_id, role)
    return household


def add_member(household_id: str, person_id: str, role: str) -> HouseholdMember:
    if role not in ROLE_LABELS:
        raise ValidationError(_("Unknown role."))
    current = household_of(person_id)
    if current is not None:
        raise ValidationError(_("This person already belongs to the household {name}.").format(name=current.name))
    if role == "applicant" and any(m.role == "applicant" for m in members(household_id)):
        raise ValidationError(_("A household has one applicant."))
    return changelog.create(HouseholdMember, household=household_id, person=person_id, role=role)


def set_role(member_id: str, role: str) -> None:
    if role not in ROLE_LABELS:
        raise ValidationError(_("Unknown role."))
    member = HouseholdMember.get_by_id(member_id)
    if role == "applicant" and any(
        m.role == "applicant" and m.member_id != member_id for m in members(member.household_id)
    ):
        raise ValidationError(_("A household has one applicant."))
    changelog.update(HouseholdMember, member_id, role=role)


def remove_member(member_id: str) -> None:
    """Take a member out; a household left without members (and without cases) is deleted too."""
    member = HouseholdMember.get_by_id(member_id)
    with HouseholdMember._meta.database.atomic("IMMEDIATE"):
        changelog.delete(HouseholdMember, member_id)
        left = HouseholdMember.select().where(
            (HouseholdMember.household == member.household_id) & ~HouseholdMember.deleted
        )
        if (
            not left.exists()
            and not Case.select().where((Case.household == member.household_id) & ~Case.deleted).exists()
        ):
            changelog.delete(Household, member.household_id)
