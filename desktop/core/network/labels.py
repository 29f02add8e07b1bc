"""The keys of the network's lists (categories, kinds, statuses, activities, languages) and their labels.

Keys are stored and travel: never rename one. Labels are marked for translation; ``label_in`` gives one in
a language other than the user's (the bilingual Telegram post and the German certificate need that).
"""

from __future__ import annotations

from collections.abc import Iterable

from desktop.core.store.models import NEED_CATEGORIES, DirectoryEntry, NeedOffer, Project, VolunteerHours
from desktop.i18n import N_, _, gettext_in

CATEGORY_LABELS: dict[str, str] = {
    "housing": N_("Housing"),
    "pet_care": N_("Pet care"),
    "accompaniment": N_("Accompaniment to an office"),
    "interpreting": N_("Interpreting"),
    "forms": N_("Help with forms"),
    "donations": N_("Donations in kind"),
    "childcare": N_("Childcare"),
    "language_course": N_("Language course"),
    "work": N_("Work"),
    "transport": N_("Transport"),
    "medical": N_("Medical help"),
    "other": N_("Other"),
}
assert tuple(CATEGORY_LABELS) == NEED_CATEGORIES

KIND_LABELS: dict[str, str] = {"need": N_("Need"), "offer": N_("Offer")}
assert tuple(KIND_LABELS) == NeedOffer.KINDS

STATUS_LABELS: dict[str, str] = {
    "open": N_("Open"),
    "matched": N_("Matched"),
    "done": N_("Done"),
    "withdrawn": N_("Withdrawn"),
}
assert tuple(STATUS_LABELS) == NeedOffer.STATUSES

PROVIDER_LABELS: dict[str, str] = {
    "": N_("Not said"),
    "volunteer": N_("A volunteer"),
    "initiative": N_("An initiative or association"),
    "office": N_("An office"),
    "private": N_("A private person"),
}
assert tuple(PROVIDER_LABELS) == NeedOffer.PROVIDERS

PROJECT_STATUS_LABELS: dict[str, str] = {
    "planned": N_("Planned"),
    "running": N_("Running"),
    "done": N_("Done"),
    "cancelled": N_("Cancelled"),
}
assert tuple(PROJECT_STATUS_LABELS) == Project.STATUSES

DIRECTORY_KIND_LABELS: dict[str, str] = {
    "office": N_("Office"),
    "initiative": N_("Initiative or association"),
    "contact": N_("Contact person"),
}
assert tuple(DIRECTORY_KIND_LABELS) == DirectoryEntry.KINDS

ENGAGEMENT_LABELS: dict[str, str] = {"": N_("Not said"), "paid": N_("Paid staff"), "volunteer": N_("Volunteer")}

ACTIVITY_LABELS: dict[str, str] = {
    "accompaniment": N_("Accompaniment to offices"),
    "interpreting": N_("Interpreting"),
    "forms": N_("Help with forms and letters"),
    "counselling": N_("Counselling and advice"),
    "project": N_("Project work"),
    "coordination": N_("Coordination"),
    "training": N_("Training"),
    "other": N_("Other voluntary work"),
}
assert tuple(ACTIVITY_LABELS) == VolunteerHours.ACTIVITIES

#: Languages a need asks for or an offer brings, in the order they are stored.
LANGUAGE_LABELS: dict[str, str] = {
    "uk": N_("Ukrainian"),
    "ru": N_("Russian"),
    "de": N_("German"),
    "en": N_("English"),
    "pl": N_("Polish"),
}
LANGUAGES: tuple[str, ...] = tuple(LANGUAGE_LABELS)


def label(labels: dict[str, str], key: str) -> str:
    """The label of ``key`` in the user's language (an unknown key as it is: a newer laptop's)."""
    return _(labels[key]) if key in labels else key


def label_in(lang: str, labels: dict[str, str], key: str) -> str:
    """The label of ``key`` in ``lang`` (de, uk, en), whatever the user's language."""
    return gettext_in(lang, labels[key]) if key in labels else key


def keys_value(keys: Iterable[str], order: Iterable[str]) -> str:
    """Keys as stored: comma-separated, in the fixed ``order`` (unknown keys last, sorted), no repeats; two
    laptops write one set the same way."""
    wanted = {k.strip() for k in keys if k and k.strip()}
    known = [k for k in order if k in wanted]
    return ",".join(known + sorted(wanted - set(known)))


def keys_of(value: str | None) -> list[str]:
    """The keys of a stored comma-separated value."""
    return [k for k in (value or "").split(",") if k]
