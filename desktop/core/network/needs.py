"""Needs ("Suche") of people and families and offers ("Biete") of helpers: checks, writes, status, the list.

A need belongs to a person and/or a household (and may name one of their cases); an offer comes from a
volunteer, an initiative or office of the directory, or a private person (``provider_name``). Both have a
category, a place (town, district), languages, a time window (dates and a free "when" text) and a status:
open, matched, done or withdrawn. ``closed_on`` is the day it became done or withdrawn and is cleared when
it is opened again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.core.errors import ValidationError, refuse_first
from desktop.core.network import labels
from desktop.core.people import of_people
from desktop.core.store import changelog
from desktop.core.store.models import (
    NEED_CATEGORIES,
    Case,
    DirectoryEntry,
    Household,
    NeedOffer,
    Person,
    Project,
    Travelling,
    Volunteer,
    person_name,
)
from desktop.i18n import N_, _, pgettext

KINDS = NeedOffer.KINDS
STATUSES = NeedOffer.STATUSES
#: Statuses in which a need or offer is finished (``closed_on`` set).
CLOSED = ("done", "withdrawn")

#: The list's "Show:" filter: keys and their untranslated labels, in the order shown.
FILTER_LABELS: dict[str, str] = {
    "open": N_("All open"),
    "open_needs": N_("Open needs"),
    "open_offers": N_("Open offers"),
    "matched": N_("Matched"),
    "closed": N_("Done or withdrawn"),
    "all": N_("All"),
}
FILTERS = tuple(FILTER_LABELS)


# --- checks and writes ----------------------------------------------------------------------------------


def _id(value: Any) -> str | None:
    """A foreign key given as a record or its id ("" and None: none)."""
    if value is None or value == "":
        return None
    return str(getattr(value, "id", value))


#: Longest title of a need or offer (a line in a list, not a letter: the notes hold the rest).
TITLE_MAX = 200

#: Records a need or offer links to, which must exist and be live when it is saved.
_LINKS: dict[str, type[Travelling]] = {
    "person": Person,
    "household": Household,
    "case": Case,
    "provider": DirectoryEntry,
    "volunteer": Volunteer,
    "project": Project,
}


def validate(values: Mapping[str, Any], changed: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Problems by field, in the UI language (empty when the values can be saved). Linked records must exist
    and be live where they are set (``changed``: only those being changed; a link to a record deleted since
    does not stop an edit of something else)."""
    errors: dict[str, str] = {}
    kind = values.get("kind", "need")
    if kind not in KINDS:
        errors["kind"] = _("Choose whether this is a need or an offer.")
    if values.get("category", "other") not in NEED_CATEGORIES:
        errors["category"] = _("Choose a category from the list.")
    if values.get("status", "open") not in STATUSES:
        errors["status"] = _("Choose a status from the list.")
    if values.get("provider_kind", "") not in NeedOffer.PROVIDERS:
        errors["provider_kind"] = _("Choose who offers it from the list.")
    if kind == "need" and not _id(values.get("person")) and not _id(values.get("household")):
        errors["person"] = _("Choose the person or family who needs this.")
    for name, model in _LINKS.items():
        linked = _id((values if changed is None else changed).get(name))
        if linked and not model.select().where((model.id == linked) & ~model.deleted).exists():
            errors.setdefault(name, _("The record chosen here no longer exists; choose another."))
    if len(str(values.get("title") or "")) > TITLE_MAX:
        errors["title"] = _("The title is too long: at most {n} characters.").format(n=TITLE_MAX)
    if re.search(r"\d[\d /-]{4,}\d|@|://|www\.", str(values.get("time_window") or "")):
        # "Mo–Fr 9–12 Uhr" is a time; a phone number, e-mail or link would go into the group's post
        errors["time_window"] = _("Only days and times here, no phone number, e-mail or link.")
    for name in ("town", "district"):
        if re.search(r"\d", str(values.get(name) or "")):  # a street number or a postcode would reach the post
            errors[name] = _("Only the name of the town or district, without street, number or postcode.")
    start, end = values.get("available_from"), values.get("available_until")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        errors["available_until"] = _("The end cannot lie before the start.")
    return errors


def _check(values: Mapping[str, Any]) -> None:
    refuse_first(validate(values))


def languages_value(value: str | Iterable[str] | None) -> str:
    """Languages as stored: keys comma-separated in the order of labels.LANGUAGES."""
    keys = labels.keys_of(value) if isinstance(value, str) or value is None else list(value)
    return labels.keys_value(keys, labels.LANGUAGES)


def _stored(values: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """What is written: languages in their fixed order, text trimmed, a need without a provider and an offer
    without a person, household or case."""
    out = dict(values)
    if "languages" in out:
        out["languages"] = languages_value(out["languages"])
    for name in ("title", "town", "district", "time_window", "provider_name", "notes"):
        if isinstance(out.get(name), str):
            out[name] = out[name].strip()
    if kind == "need":
        for name, empty in (("provider_kind", ""), ("provider", None), ("volunteer", None), ("provider_name", "")):
            if name in out:
                out[name] = empty
    else:
        for name in ("person", "household", "case"):
            if name in out:
                out[name] = None
    return out


def _closing(status: str, current_closed: dt.date | None, day: dt.date | None) -> dt.date | None:
    """``closed_on`` for a status: kept or set when done/withdrawn, cleared otherwise."""
    if status in CLOSED:
        return current_closed or day or dt.date.today()
    return None


def create(values: Mapping[str, Any]) -> NeedOffer:
    """Create a need or an offer (ValidationError when the values do not fit)."""
    values = dict(values)
    values.setdefault("kind", "need")
    _check(values)
    stored = _stored(values, values["kind"])
    stored["closed_on"] = _closing(stored.get("status", "open"), stored.get("closed_on"), None)
    return changelog.create(NeedOffer, stored)


def _current(record: NeedOffer) -> dict[str, Any]:
    return {
        "kind": record.kind,
        "category": record.category,
        "status": record.status,
        "provider_kind": record.provider_kind,
        "person": record.person_id,
        "household": record.household_id,
        "available_from": record.available_from,
        "available_until": record.available_until,
    }


def update(record_id: str, values: Mapping[str, Any]) -> list[str]:
    """Change fields of a need or offer; a new status sets or clears ``closed_on``. Returns the changed fields."""
    record = NeedOffer.get_by_id(record_id)
    merged = {**_current(record), **values}
    refuse_first(validate(merged, values))
    changes = _stored(values, merged["kind"])
    if "status" in changes:
        changes["closed_on"] = _closing(changes["status"], record.closed_on, None)
    return changelog.update(NeedOffer, record_id, changes)


def set_status(record_id: str, status: str, day: dt.date | None = None) -> list[str]:
    """Set the status (done and withdrawn on ``day``, today unless given; open and matched clear it)."""
    if status not in STATUSES:
        raise ValidationError(_("Choose a status from the list."), "status")
    record = NeedOffer.get_by_id(record_id)
    closed = _closing(status, record.closed_on if record.status == status else None, day)
    return changelog.update(NeedOffer, record_id, status=status, closed_on=closed)


def live(record_id: str) -> NeedOffer | None:
    """The need or offer with this id, unless it is deleted (None)."""
    record = NeedOffer.get_or_none(NeedOffer.id == record_id)
    return None if record is None or record.deleted else record


# --- texts ----------------------------------------------------------------------------------------------


def category_label(key: str) -> str:
    return labels.label(labels.CATEGORY_LABELS, key)


def kind_label(key: str) -> str:
    return labels.label(labels.KIND_LABELS, key)


def status_label(key: str) -> str:
    """A status in the UI language; "open" in the sense of a need or offer still waiting (a task's "Open"
    is "not done yet", which reads wrong here in Ukrainian)."""
    if key == "open":
        return pgettext("need or offer", "Open")
    return labels.label(labels.STATUS_LABELS, key)


def languages_text(value: str | None) -> str:
    """The languages of a stored value, named in the UI language."""
    return ", ".join(labels.label(labels.LANGUAGE_LABELS, k) for k in labels.keys_of(value))


def place_text(town: str, district: str) -> str:
    return " – ".join(p for p in (town, district) if p)


def dates_text(start: dt.date | None, end: dt.date | None, fmt: Any = None) -> str:
    """A time window's dates: "from 1 Dec", "until 5 Dec", "1 Dec – 5 Dec" ("" without dates)."""
    from desktop import i18n

    fmt = fmt or i18n.fmt_list_date
    if start and end:
        return f"{fmt(start)} – {fmt(end)}"
    if start:
        return _("from {date}").format(date=fmt(start))
    if end:
        return _("until {date}").format(date=fmt(end))
    return ""


# --- the list -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)  # a list may hold 100,000 of them
class NeedRow:
    """What the list shows of a need or an offer."""

    id: str
    kind: str
    category: str
    title: str
    status: str
    town: str
    district: str
    languages: str
    available_from: dt.date | None
    available_until: dt.date | None
    time_window: str
    created_at: dt.datetime
    closed_on: dt.date | None
    who: str  # the person or family of a need; the provider of an offer

    @property
    def place(self) -> str:
        return place_text(self.town, self.district)

    @property
    def when(self) -> str:
        return ", ".join(p for p in (dates_text(self.available_from, self.available_until), self.time_window) if p)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "category": self.category,
            "status": self.status,
            "title": self.title,
            "town": self.town,
            "district": self.district,
            "languages": labels.keys_of(self.languages),
            "available_from": self.available_from.isoformat() if self.available_from else None,
            "available_until": self.available_until.isoformat() if self.available_until else None,
            "time_window": self.time_window,
            "created_at": self.created_at.isoformat(),
            "closed_on": self.closed_on.isoformat() if self.closed_on else None,
        }


_SELECT = (
    "SELECT n.id, n.kind, n.category, n.title, n.status, n.town, n.district, n.languages, n.available_from, "
    "n.available_until, n.time_window, n.created_at, n.closed_on, p.family_name, p.given_name, "
    "p.family_name_cyr, p.given_name_cyr, h.name, d.name, v.name, n.provider_name FROM need_offer n "
    "LEFT JOIN person p ON p.id = n.person_id LEFT JOIN household h ON h.id = n.household_id "
    "LEFT JOIN directory_entry d ON d.id = n.provider_id LEFT JOIN volunteer v ON v.id = n.volunteer_id "
)


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _datetime(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _row(r: tuple[Any, ...]) -> NeedRow:
    if r[1] == "need":
        who = person_name(r[13], r[14], r[15], r[16]) or (r[17] or "")
    else:
        who = r[18] or r[19] or r[20] or ""
    return NeedRow(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6],
        r[7],
        _date(r[8]),
        _date(r[9]),
        r[10],
        _datetime(r[11]),
        _date(r[12]),
        who,
    )


def _where(show: str, people: Sequence[str] | None, text: str = "", alias: str = "n.") -> tuple[list[str], list[Any]]:
    where = [f"{alias}deleted = 0"]
    params: list[Any] = []
    if show == "open":
        where.append(f"{alias}status = 'open'")
    elif show == "open_needs":
        where.append(f"{alias}status = 'open' AND {alias}kind = 'need'")
    elif show == "open_offers":
        where.append(f"{alias}status = 'open' AND {alias}kind = 'offer'")
    elif show == "matched":
        where.append(f"{alias}status = 'matched'")
    elif show == "closed":
        where.append(f"{alias}status IN ('done', 'withdrawn')")
    text = text.strip()
    found, found_params = of_people(f"{alias}person_id", f"{alias}case_id", people)
    if text:
        # Folded on both sides (SQLite's LIKE folds ASCII letters only), % and _ typed stand for themselves.
        folded = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{folded}%"
        fields = [f"bg_fold({alias}{name}) LIKE ? ESCAPE '\\'" for name in ("title", "town", "district", "time_window")]
        params_text: list[Any] = [like] * len(fields)
        categories = [k for k in NEED_CATEGORIES if text.casefold() in category_label(k).casefold()]
        if categories:
            fields.append(f"{alias}category IN ({','.join('?' * len(categories))})")
            params_text += categories
        if found and found != "0":
            fields.append(found)
            params_text += found_params
            fields.append(
                f"{alias}household_id IN (SELECT household_id FROM household_member WHERE deleted = 0 AND "
                f"person_id IN ({','.join('?' * len(people or []))}))"
            )
            params_text += list(people or [])
        where.append("(" + " OR ".join(fields) + ")")
        params += params_text
    return where, params


def page_needs(
    after: tuple[str, str] | None = None,
    limit: int = 200,
    *,
    show: str = "open",
    people: Sequence[str] | None = None,
    text: str = "",
) -> list[NeedRow]:
    """Needs and offers, newest first, filtered in SQL (see FILTERS); ``text`` and the ``people`` a search
    found narrow the list to rows whose title, place or category match or that are of these people."""
    where, params = _where(show, people, text)
    if after is not None:
        where.append("n.created_at <= ? AND (n.created_at < ? OR n.id < ?)")
        params += [after[0], after[0], after[1]]
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY n.created_at DESC, n.id DESC LIMIT ?"
    params.append(limit)
    return [_row(r) for r in NeedOffer._meta.database.execute_sql(sql, params).fetchall()]


def sort_key(row: NeedRow) -> tuple[str, str]:
    """The row's place in the list (newest first): the paging key."""
    return (row.created_at.strftime("%Y-%m-%d %H:%M:%S"), row.id)


def count_needs(show: str = "open", people: Sequence[str] | None = None, text: str = "") -> int:
    where, params = _where(show, people, text, alias="")
    sql = f"SELECT count(*) FROM need_offer WHERE {' AND '.join(where)}"
    return int(NeedOffer._meta.database.execute_sql(sql, params).fetchone()[0])


def need_row(record_id: str) -> NeedRow | None:
    """One need or offer as the list shows it (None when it is gone)."""
    r = NeedOffer._meta.database.execute_sql(f"{_SELECT} WHERE n.id = ? AND n.deleted = 0", (record_id,)).fetchone()
    return _row(r) if r else None


def shows_in(show: str, row: NeedRow) -> bool:
    """Whether a row belongs in the list filtered by ``show`` (as page_needs filters it)."""
    return {
        "open": row.status == "open",
        "open_needs": row.status == "open" and row.kind == "need",
        "open_offers": row.status == "open" and row.kind == "offer",
        "matched": row.status == "matched",
        "closed": row.status in CLOSED,
    }.get(show, True)
