"""The directory: offices, initiatives and associations, and contact persons, as travelling records.

The offices shipped in resources/offices.json are seeded into every profile (:func:`seed`) with an id derived
from their key, so two laptops that seed separately hold one record per office after an exchange. Each
release of the file carries a ``version``; a profile remembers the version it seeded (a local setting) and
seeds only what a newer file adds: an office the user edited keeps the edit, one the user deleted stays
deleted. Appointments and letters read offices through :func:`office_dict` (the shape the JSON had).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import peewee as pw

from desktop import paths
from desktop.core import cases, validation
from desktop.core.errors import refuse_first
from desktop.core.network.labels import CATEGORY_LABELS, ENGAGEMENT_LABELS, keys_of, keys_value
from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.models import NEED_CATEGORIES, DirectoryEntry
from desktop.i18n import LANGUAGES, _, gettext_in

log = logging.getLogger(__name__)

KINDS = DirectoryEntry.KINDS
OFFICE, INITIATIVE, CONTACT = KINDS
#: The namespace of the shipped offices' ids: uuid5(NAMESPACE, key). Never change it (ids travel).
NAMESPACE = uuid.UUID("5b0e6c1e-3f0d-4d51-9a43-7c1f2b8d9e60")
#: Local setting: the version of resources/offices.json this profile has seeded.
SEEDED_SETTING = "directory_seeded_version"
#: The author of the shipped offices' changes: not a laptop, the release. Every laptop writes the same changes
#: (ids, stamp, device), so an exchange finds them known instead of a second value or an update.
SHIPPED_DEVICE = str(uuid.uuid5(NAMESPACE, "resources/offices.json"))
#: The first release of offices.json that was seeded as records; an office added later names its release in
#: the file's "added" map (key -> version), so its changes carry that release's stamp on every laptop.
FIRST_SEEDED_VERSION = 2
_SHIPPED_EPOCH_MS = 1_767_225_600_000  # 2026-01-01 00:00 UTC; release n is stamped n milliseconds later

#: The fields a user edits (everything but the kind's own ones is shared).
TEXT_FIELDS = (
    "name",
    "authority",
    "town",
    "district",
    "street",
    "postcode",
    "hours",
    "phone",
    "email",
    "website",
    "offers",
    "role",
    "engagement",
    "notes",
    "source",
    "checked",
)
_WEBSITE = re.compile(r"\S+\.\S+\Z")


# --- the shipped offices and seeding ------------------------------------------------------------------------


def office_id(key: str) -> str:
    """The id every laptop gives the shipped office ``key``."""
    return str(uuid.uuid5(NAMESPACE, key))


@lru_cache(maxsize=1)
def _shipped_file() -> dict[str, Any]:
    path = paths.resources_dir() / "offices.json"
    if not path.is_file():
        return {"version": 0, "offices": []}
    with path.open(encoding="utf-8") as fp:
        data = json.load(fp)
    return {"version": 1, "offices": data} if isinstance(data, list) else data


def shipped() -> tuple[int, tuple[dict[str, str], ...]]:
    """The version and offices of resources/offices.json (version 0 and none when the file is missing)."""
    data = _shipped_file()
    return int(data.get("version", 1)), tuple(data.get("offices", ()))


def shipped_origin(key: str) -> changelog.Origin:
    """Who and when a shipped office was created on every laptop: the release that added it."""
    since = int(_shipped_file().get("added", {}).get(key, FIRST_SEEDED_VERSION))
    return changelog.Origin(SHIPPED_DEVICE, (_SHIPPED_EPOCH_MS + since) << 16)


def shipped_values(office: Mapping[str, str]) -> dict[str, str]:
    """The record's fields for one office of the JSON."""
    return {
        "kind": OFFICE,
        "key": office["key"],
        "name": office.get("name", ""),
        "authority": office.get("authority", ""),
        "town": office.get("city", ""),
        "street": office.get("address", ""),
        "postcode": office.get("postcode", ""),
        "phone": office.get("phone", ""),
        "email": office.get("email", ""),
        "hours": office.get("hours", ""),
        "notes": office.get("notes", ""),
        "source": office.get("source", ""),
        "checked": office.get("checked", ""),
    }


def seeded_version() -> int:
    try:
        return int(store_db.current().get_setting(SEEDED_SETTING, "0"))
    except ValueError:
        return 0


def seed() -> int:
    """Give the open profile the shipped offices it does not hold yet; returns how many were created.

    One query when this version is seeded already. An office whose id is known here – live, edited, deleted,
    or arrived from another laptop – is never created again. A profile that cannot be written (read-only
    media) is left as it is."""
    version, offices = shipped()
    if not offices or seeded_version() >= version:
        return 0
    wanted = {office_id(o["key"]): o for o in offices}
    try:
        present = {
            row.id for row in DirectoryEntry.select(DirectoryEntry.id).where(DirectoryEntry.id.in_(list(wanted)))
        }
        missing = [(record_id, office) for record_id, office in wanted.items() if record_id not in present]
        for record_id, office in missing:  # one release (stamp) per office: each its own write
            changelog.bulk_create(
                DirectoryEntry, [shipped_values(office)], record_ids=[record_id], origin=shipped_origin(office["key"])
            )
        _hold_shipped(max(shipped_origin(o["key"]).stamp for o in offices))
        store_db.current().set_setting(SEEDED_SETTING, str(version))
    except pw.OperationalError as exc:  # e.g. "attempt to write a readonly database"
        log.warning("the shipped offices were not added: %s", exc)
        return 0
    log.info("directory: %d shipped offices added (version %d)", len(missing), version)
    return len(missing)


def _hold_shipped(stamp: int) -> None:
    """This laptop holds every change of the shipped offices up to ``stamp`` (its release's): what it tells
    the others in its bundles (the exchange's knowledge), so nobody sends them to it again."""
    store_db.current().db.execute_sql(
        "INSERT INTO knowledge (device, stamp) VALUES (?, ?) "
        "ON CONFLICT(device) DO UPDATE SET stamp = max(stamp, excluded.stamp)",
        (SHIPPED_DEVICE, stamp),
    )


# --- checks and writes ------------------------------------------------------------------------------------


def _text(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name)
    return "" if value is None else str(value).strip()


def _organisation_id(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(getattr(value, "id", value))


def validate(values: Mapping[str, Any], record_id: str | None = None) -> dict[str, str]:
    """Problems by field, in the UI language (empty when the values can be saved)."""
    errors: dict[str, str] = {}
    kind = values.get("kind")
    if kind not in KINDS:
        errors["kind"] = _("Choose what the entry is: an office, an initiative or a contact person.")
    if not _text(values, "name"):
        errors["name"] = (
            _("Enter the person's name.") if kind == CONTACT else _("Enter the name of the office or initiative.")
        )
    postcode = _text(values, "postcode")
    if postcode and (message := validation.validate_postcode(postcode)):
        errors["postcode"] = message
    phone = _text(values, "phone")
    if phone and (message := validation.validate_phone(phone)):
        errors["phone"] = message
    email = _text(values, "email")
    if email and validation.validate_email(email):
        errors["email"] = _("The e-mail address needs the form name@example.org.")
    website = _text(values, "website")
    if website and not _WEBSITE.match(website):
        errors["website"] = _("A website address has no spaces and a dot, like www.example.org.")
    authority = _text(values, "authority")
    if authority and authority not in cases.authorities():
        errors["authority"] = _("Choose the authority from the list.")
    raw = values.get("categories") or ""
    categories = keys_of(raw) if isinstance(raw, str) else [str(k) for k in raw]
    if any(k not in NEED_CATEGORIES for k in categories):
        errors["categories"] = _("Choose the categories from the list.")
    if _text(values, "engagement") not in ENGAGEMENT_LABELS:
        errors["engagement"] = _("Choose paid staff or volunteer.")
    organisation = _organisation_id(values.get("organisation"))
    if organisation is not None:
        found = DirectoryEntry.get_or_none(DirectoryEntry.id == organisation)
        if found is None or found.deleted or found.kind == CONTACT:
            errors["organisation"] = _("Choose an office or initiative of the directory.")
        elif record_id is not None and organisation == record_id:
            errors["organisation"] = _("An entry cannot belong to itself.")
    return errors


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values as stored: texts trimmed, categories in their fixed order, the kind's own fields only."""
    out: dict[str, Any] = {}
    kind = values.get("kind")
    if "kind" in values:
        out["kind"] = kind
    for name in TEXT_FIELDS:
        if name in values:
            out[name] = _text(values, name)
    if "phone" in out:
        out["phone"] = validation.normalise_phone(out["phone"])
    if "categories" in values:
        raw = values["categories"]
        out["categories"] = keys_value(keys_of(raw) if isinstance(raw, str) else raw or (), NEED_CATEGORIES)
    if "organisation" in values:
        out["organisation"] = _organisation_id(values["organisation"])
    if "key" in values:
        out["key"] = _text(values, "key")
    return out


def _check(values: Mapping[str, Any], record_id: str | None = None) -> None:
    refuse_first(validate(values, record_id))


def create(values: Mapping[str, Any]) -> DirectoryEntry:
    """A new entry (office, initiative or contact person), checked."""
    cleaned = _clean(values)
    _check(cleaned)
    return changelog.create(DirectoryEntry, cleaned)


def update(record_id: str, values: Mapping[str, Any]) -> list[str]:
    """Change an entry; returns the names of the fields that changed."""
    current = DirectoryEntry.get_by_id(record_id)
    merged = {name: getattr(current, name) for name in (*TEXT_FIELDS, "kind", "categories")}
    merged["organisation"] = current.organisation_id
    cleaned = _clean(values)
    merged.update(cleaned)
    _check(merged, record_id)
    return changelog.update(DirectoryEntry, record_id, cleaned)


# --- reading ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What lists, the CLI, appointments and letters show of an entry."""

    id: str
    kind: str
    key: str
    name: str
    authority: str
    town: str
    district: str
    street: str
    postcode: str
    hours: str
    phone: str
    email: str
    website: str
    categories: str
    offers: str
    organisation_id: str | None
    organisation_name: str
    role: str
    engagement: str
    notes: str
    source: str
    checked: str

    @property
    def category_keys(self) -> list[str]:
        return keys_of(self.categories)


_ORG = DirectoryEntry.alias("org")
_COLUMNS = (
    "id",
    "kind",
    "key",
    "name",
    "authority",
    "town",
    "district",
    "street",
    "postcode",
    "hours",
    "phone",
    "email",
    "website",
    "categories",
    "offers",
)


def _query(kind: str | None, town: str | None, text: str | None) -> pw.ModelSelect:
    d = DirectoryEntry
    query = (
        d.select(
            *(getattr(d, c) for c in _COLUMNS),
            d.organisation.alias("organisation_id"),
            _ORG.name.alias("organisation_name"),
            d.role,
            d.engagement,
            d.notes,
            d.source,
            d.checked,
        )
        .join(_ORG, pw.JOIN.LEFT_OUTER, on=(d.organisation == _ORG.id) & ~_ORG.deleted)
        .where(~d.deleted)
        .objects()  # the organisation's name on the row itself
    )
    if kind:
        query = query.where(d.kind == kind)
    if town:
        query = query.where(pw.fn.bg_fold(d.town) == town.strip().casefold())
    words = (text or "").split()
    for word in words:
        query = query.where(_matches(word))
    return query


def _label_keys(word: str, keys: Iterable[str], label: Any) -> list[str]:
    """Keys whose label in any UI language contains ``word`` (case-insensitive)."""
    folded = word.casefold()
    return [k for k in keys if any(folded in label(k, lang).casefold() for lang in LANGUAGES) or folded in k]


def _matches(word: str) -> pw.Expression:
    """``word`` in one of the entry's texts, in any case and script (folded on both sides)."""
    d = DirectoryEntry
    folded = word.casefold()
    condition = pw.fn.bg_fold(d.name).contains(folded)
    for column in (d.town, d.district, d.offers, d.role, _ORG.name):
        condition |= pw.fn.bg_fold(column).contains(folded)
    authorities = _label_keys(word, cases.authorities(), cases.authority_label)
    if authorities:
        condition |= d.authority.in_(authorities)
    categories = _label_keys(word, NEED_CATEGORIES, lambda k, lang: gettext_in(lang, CATEGORY_LABELS[k]))
    for key in categories:
        condition |= d.categories.contains(key)
    return condition


def _entry(row: DirectoryEntry) -> Entry:
    return Entry(
        id=row.id,
        kind=row.kind,
        key=row.key,
        name=row.name,
        authority=row.authority,
        town=row.town,
        district=row.district,
        street=row.street,
        postcode=row.postcode,
        hours=row.hours,
        phone=row.phone,
        email=row.email,
        website=row.website,
        categories=row.categories,
        offers=row.offers,
        organisation_id=getattr(row, "organisation_id", None),
        organisation_name=getattr(row, "organisation_name", None) or "",
        role=row.role,
        engagement=row.engagement,
        notes=row.notes,
        source=row.source,
        checked=row.checked,
    )


def sort_key(entry: Entry) -> tuple[str, str]:
    return (entry.name, entry.id)


def entries(
    kind: str | None = None,
    town: str | None = None,
    text: str | None = None,
    *,
    after: tuple[str, str] | None = None,
    limit: int | None = None,
) -> list[Entry]:
    """Live entries by name, of one kind, in one town (any case), matching every word of ``text`` (name, town,
    district, authority, categories, what they offer, role, organisation); a page after ``after``."""
    d = DirectoryEntry
    query = _query(kind, town, text)
    if after is not None:
        query = query.where((d.name > after[0]) | ((d.name == after[0]) & (d.id > after[1])))
    query = query.order_by(d.name, d.id)
    if limit is not None:
        query = query.limit(limit)
    return [_entry(row) for row in query]


def page(after: tuple[str, str] | None, limit: int, **filters: Any) -> list[Entry]:
    """One page of :func:`entries` for the lazy list."""
    return entries(after=after, limit=limit, **filters)


def count(kind: str | None = None, town: str | None = None, text: str | None = None) -> int:
    return int(_query(kind, town, text).count())


def entry(record_id: str) -> Entry | None:
    """One live entry (None when it is gone)."""
    row = _query(None, None, None).where(DirectoryEntry.id == record_id).first()
    return _entry(row) if row is not None else None


def towns() -> list[str]:
    """The towns the live entries name, sorted."""
    query = (
        DirectoryEntry.select(DirectoryEntry.town)
        .where(~DirectoryEntry.deleted & (DirectoryEntry.town != ""))
        .distinct()
        .order_by(DirectoryEntry.town)
    )
    return [row.town for row in query]


def organisations(exclude: str | None = None) -> list[Entry]:
    """Offices and initiatives a contact person can belong to, by name."""
    found = [e for e in entries() if e.kind != CONTACT]
    return [e for e in found if e.id != exclude]


def contacts_of(organisation_id: str) -> list[Entry]:
    """The live contact persons of an office or initiative."""
    return [e for e in entries(CONTACT) if e.organisation_id == organisation_id]


# --- what appointments and letters read ------------------------------------------------------------------


def office_dict(entry: Entry | DirectoryEntry) -> dict[str, Any]:
    """An office as appointments, letters and consents use it (the shape resources/offices.json had); an
    office the user added has no key and goes by its id."""
    return {
        "key": entry.key or entry.id,
        "id": entry.id,
        "city": entry.town,
        "district": entry.district,
        "authority": entry.authority,
        "name": entry.name,
        "address": entry.street,
        "postcode": entry.postcode,
        "phone": entry.phone,
        "email": entry.email,
        "hours": entry.hours,
        "website": entry.website,
        "notes": entry.notes,
        "source": entry.source,
        "checked": entry.checked,
    }


def office_dicts() -> list[dict[str, Any]]:
    """Every live office, by town and name (the shipped file's when no profile is open)."""
    if not store_db.is_open():
        return [office_dict(_shipped_entry(o)) for o in shipped()[1]]
    rows = entries(OFFICE)
    rows.sort(key=lambda e: (e.town, e.name, e.id))
    return [office_dict(e) for e in rows]


def find_office(key: str) -> dict[str, Any] | None:
    """The live office with this key (or, for one the user added, this id)."""
    if not key:
        return None
    if not store_db.is_open():
        return next((o for o in office_dicts() if o["key"] == key), None)
    d = DirectoryEntry
    row = (
        _query(OFFICE, None, None)
        .where((d.key == key) | (d.id == key))
        .order_by(d.key != key, d.id)  # a key beats an id
        .first()
    )
    return office_dict(_entry(row)) if row is not None else None


def _shipped_entry(office: Mapping[str, str]) -> Entry:
    values = shipped_values(office)
    blank = {name: "" for name in Entry.__dataclass_fields__}
    blank.update(values)
    blank.update(id=office_id(office["key"]), organisation_id=None)
    return Entry(**blank)


def category_text(value: str | Sequence[str]) -> str:
    """Categories as the user reads them."""
    keys = keys_of(value) if isinstance(value, str) else list(value)
    return ", ".join(_(CATEGORY_LABELS[k]) if k in CATEGORY_LABELS else k for k in keys)
