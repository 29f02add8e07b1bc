"""Matching a need with what meets it: the directory's offices and initiatives first, then ranked offers.

Offers of the need's category are suggested when open or matched (done and withdrawn never); open ones
rank before matched ones, then the same town (and district), a shared language, a time window that overlaps
the need's (no dates: always available), and at last the newest. Each suggestion says why it ranks where
it does. A match links the need with an offer or a directory entry (and, where it led to one, a case or an
appointment) and marks both matched; undoing it deletes the match through the change log and opens the
need (and the offer) again when nothing else matches them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from desktop.core.errors import ValidationError
from desktop.core.network import labels, needs
from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.models import Appointment, Case, DirectoryEntry, Match, NeedOffer
from desktop.i18n import N_, _

#: Offer statuses that can be suggested, best first.
SUGGESTED = ("open", "matched")
#: The words of the reasons a suggestion ranks (the shared languages are named apart).
REASON_LABELS: dict[str, str] = {
    "same_district": N_("same district"),
    "same_town": N_("same town"),
    "time": N_("available at the time"),
}


class NotANeed(ValidationError):
    """The id names no need (an offer, a deleted record, nothing)."""


def _need(need_id: str) -> NeedOffer:
    need = needs.live(need_id)
    if need is None or need.kind != "need":
        raise NotANeed(_("There is no such need: {id}.").format(id=need_id), "need")
    return need


# --- the directory first --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryHit:
    """An office or initiative of the directory that serves the need's category."""

    id: str
    kind: str
    name: str
    town: str
    district: str
    same_town: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "town": self.town,
            "district": self.district,
            "same_town": self.same_town,
        }


def _same(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


def directory_first(need_id: str) -> list[DirectoryHit]:
    """Offices and initiatives of the directory whose categories hold the need's; the need's town first,
    then by name."""
    need = _need(need_id)
    query = DirectoryEntry.select().where(
        ~DirectoryEntry.deleted
        & DirectoryEntry.kind.in_(("office", "initiative"))
        & DirectoryEntry.categories.contains(need.category)
    )
    hits = [
        DirectoryHit(e.id, e.kind, e.name, e.town, e.district, _same(e.town, need.town))
        for e in query
        if need.category in labels.keys_of(e.categories)
    ]
    return sorted(hits, key=lambda h: (not h.same_town, h.name.casefold(), h.id))


# --- ranked offers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """An offer suggested for a need, with why it ranks where it does."""

    id: str
    title: str
    category: str
    status: str
    town: str
    district: str
    languages: str
    available_from: dt.date | None
    available_until: dt.date | None
    time_window: str
    provider: str
    #: Why it ranks where it does: same_district, same_town, language, time (words: ``reasons``).
    reason_keys: tuple[str, ...] = ()
    #: The languages it shares with the need (keys).
    shared: tuple[str, ...] = ()
    rank: tuple[Any, ...] = field(default=(), compare=False)

    @property
    def reasons(self) -> list[str]:
        """The reasons in the UI language ("same district", "speaks Ukrainian", …)."""
        words = []
        for key in self.reason_keys:
            if key == "language":
                names = ", ".join(labels.label(labels.LANGUAGE_LABELS, k) for k in self.shared)
                words.append(_("speaks {languages}").format(languages=names))
            else:
                words.append(_(REASON_LABELS[key]))
        if self.status == "matched":
            words.append(_("already matched with another need"))
        return words

    @property
    def why(self) -> str:
        return " · ".join(self.reasons)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "category": self.category,
            "status": self.status,
            "town": self.town,
            "district": self.district,
            "languages": labels.keys_of(self.languages),
            "reasons": list(self.reason_keys),
            "why": self.why,
        }


def overlaps(a_from: dt.date | None, a_until: dt.date | None, b_from: dt.date | None, b_until: dt.date | None) -> bool:
    """Whether two time windows share a day (an open end reaches forever)."""
    start = max((d for d in (a_from, b_from) if d is not None), default=None)
    end = min((d for d in (a_until, b_until) if d is not None), default=None)
    return start is None or end is None or start <= end


def _provider(offer: NeedOffer) -> str:
    if offer.provider_id:
        entry = DirectoryEntry.get_or_none(DirectoryEntry.id == offer.provider_id)
        if entry is not None and not entry.deleted:
            return str(entry.name)
    if offer.volunteer_id and offer.volunteer is not None:
        return str(offer.volunteer.name)
    return str(offer.provider_name or "")


def suggestions(need_id: str, today: dt.date | None = None) -> list[Suggestion]:
    """The offers of the need's category, best first (see the module), each with its reasons. Offers already
    matched with this need are left out."""
    need = _need(need_id)
    today = today or dt.date.today()
    wanted = set(labels.keys_of(need.languages))
    # The need's window from today on: an offer that ended before today no longer fits.
    need_from = max(need.available_from, today) if need.available_from else today
    taken = {
        m.offer_id for m in Match.select(Match.offer).where((Match.need == need.id) & ~Match.deleted) if m.offer_id
    }
    query = NeedOffer.select().where(
        ~NeedOffer.deleted
        & (NeedOffer.kind == "offer")
        & (NeedOffer.category == need.category)
        & NeedOffer.status.in_(SUGGESTED)
    )
    found: list[Suggestion] = []
    for offer in query:
        if offer.id in taken:
            continue
        keys: list[str] = []
        place = 0
        if _same(offer.town, need.town):
            place = 2 if _same(offer.district, need.district) else 1
            keys.append("same_district" if place == 2 else "same_town")
        shared = tuple(k for k in labels.keys_of(offer.languages) if k in wanted)
        if shared:
            keys.append("language")
        in_time = overlaps(need_from, need.available_until, offer.available_from, offer.available_until)
        has_dates = any((need.available_from, need.available_until, offer.available_from, offer.available_until))
        if in_time and has_dates:
            keys.append("time")
        created = offer.created_at.strftime("%Y-%m-%d %H:%M:%S")
        rank = (SUGGESTED.index(offer.status), -place, not shared, not in_time, _Desc(created), _Desc(offer.id))
        found.append(
            Suggestion(
                offer.id,
                offer.title,
                offer.category,
                offer.status,
                offer.town,
                offer.district,
                offer.languages,
                offer.available_from,
                offer.available_until,
                offer.time_window,
                _provider(offer),
                tuple(keys),
                shared,
                rank,
            )
        )
    return sorted(found, key=lambda s: s.rank)


class _Desc:
    """Sorts a string in descending order inside an ascending sort key."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __lt__(self, other: _Desc) -> bool:
        return self.value > other.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)


# --- matches --------------------------------------------------------------------------------------------


def match(
    need_id: str,
    *,
    offer_id: str | None = None,
    directory_entry_id: str | None = None,
    case_id: str | None = None,
    appointment_id: str | None = None,
    notes: str = "",
    today: dt.date | None = None,
) -> Match:
    """Record that an offer or a directory entry meets the need; the need (and an open offer) become
    matched. ``case_id``: the case it belongs to (the need's own case unless given); ``appointment_id``: an
    appointment of the need's person it led to."""
    need = _need(need_id)
    if need.status not in SUGGESTED:
        raise ValidationError(_("This need is done or withdrawn: open it again before matching it."), "need")
    if bool(offer_id) == bool(directory_entry_id):
        raise ValidationError(_("Choose one offer or one entry of the directory."), "offer")
    offer = None
    if offer_id:
        offer = needs.live(offer_id)
        if offer is None or offer.kind != "offer":
            raise ValidationError(_("There is no such offer: {id}.").format(id=offer_id), "offer")
        if offer.status not in SUGGESTED:
            raise ValidationError(_("This offer is done or withdrawn."), "offer")
    if directory_entry_id:
        entry = DirectoryEntry.get_or_none(DirectoryEntry.id == directory_entry_id)
        if entry is None or entry.deleted:
            raise ValidationError(_("There is no such directory entry: {id}.").format(id=directory_entry_id), "entry")
    case_id = case_id or need.case_id
    if case_id:
        case = Case.get_or_none(Case.id == case_id)
        if case is None or case.deleted:
            raise ValidationError(_("There is no such case: {id}.").format(id=case_id), "case")
    if appointment_id:
        appointment = Appointment.get_or_none(Appointment.id == appointment_id)
        if appointment is None or appointment.deleted or appointment.person_id != need.person_id:
            raise ValidationError(_("The appointment must be one of the person's."), "appointment")
    db = store_db.current().db
    with db.atomic("IMMEDIATE"):
        made = changelog.create(
            Match,
            {
                "need": need.id,
                "offer": offer_id or None,
                "directory_entry": directory_entry_id or None,
                "case": case_id or None,
                "appointment": appointment_id or None,
                "matched_on": today or dt.date.today(),
                "notes": notes.strip(),
            },
        )
        if need.status != "matched":
            needs.set_status(need.id, "matched")
        if offer is not None and offer.status != "matched":
            needs.set_status(offer.id, "matched")
    return made


def _has_matches(record_id: str, as_offer: bool) -> bool:
    column = Match.offer if as_offer else Match.need
    return Match.select().where((column == record_id) & ~Match.deleted).exists()


def unmatch(match_id: str) -> None:
    """Undo a match: it is deleted (a tombstone that travels); the need and the offer go back to open when
    they are matched and nothing else matches them."""
    found = Match.get_or_none(Match.id == match_id)
    if found is None or found.deleted:
        raise ValidationError(_("There is no such match: {id}.").format(id=match_id), "match")
    db = store_db.current().db
    with db.atomic("IMMEDIATE"):
        changelog.delete(Match, match_id)
        need = needs.live(found.need_id)
        if need is not None and need.status == "matched" and not _has_matches(need.id, as_offer=False):
            needs.set_status(need.id, "open")
        offer = needs.live(found.offer_id) if found.offer_id else None
        if offer is not None and offer.status == "matched" and not _has_matches(offer.id, as_offer=True):
            needs.set_status(offer.id, "open")


def settle() -> int:
    """Put every need and offer that is open or matched in the state its live matches say: matched when
    one stands, open when none does (after a delete, an undo, an erasure or a bundle that changed matches
    but not the status). Returns how many changed; a quick query when nothing has to."""
    live = "SELECT 1 FROM match m WHERE m.deleted = 0 AND (m.need_id = n.id OR m.offer_id = n.id)"
    db = store_db.current().db
    rows = db.execute_sql(
        f"SELECT n.id, n.status FROM need_offer n WHERE n.deleted = 0 AND ("
        f"(n.status = 'matched' AND NOT EXISTS ({live})) OR (n.status = 'open' AND EXISTS ({live})))"
    ).fetchall()
    with db.atomic("IMMEDIATE"):
        for record_id, status in rows:
            needs.set_status(record_id, "open" if status == "matched" else "matched")
    return len(rows)


@dataclass(frozen=True)
class MatchRow:
    """A match of a need as the editor and the CLI show it."""

    id: str
    matched_on: dt.date | None
    offer_id: str | None
    directory_entry_id: str | None
    what: str  # the offer's title (or its category) or the directory entry's name
    provider: str
    case_id: str | None
    appointment_id: str | None
    notes: str


def matches_of(need_id: str) -> list[MatchRow]:
    """The need's matches (not deleted), oldest first."""
    rows: list[MatchRow] = []
    query = Match.select().where((Match.need == need_id) & ~Match.deleted).order_by(Match.created_at, Match.id)
    for m in query:
        what, provider = "", ""
        if m.offer_id:
            offer = NeedOffer.get_or_none(NeedOffer.id == m.offer_id)
            if offer is not None:
                what = offer.title or needs.category_label(offer.category)
                provider = _provider(offer)
        elif m.directory_entry_id:
            entry = DirectoryEntry.get_or_none(DirectoryEntry.id == m.directory_entry_id)
            what = entry.name if entry is not None else ""
        rows.append(
            MatchRow(
                m.id,
                m.matched_on,
                m.offer_id,
                m.directory_entry_id,
                what,
                provider,
                m.case_id,
                m.appointment_id,
                m.notes,
            )
        )
    return rows
