"""Short projects: what the initiative starts for needs no offer meets (title, goal, volunteers, the needs it
serves, status, dates, town, notes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from desktop.core.errors import ValidationError, refuse_first
from desktop.core.network import labels, needs
from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.models import NeedOffer, Project, ProjectVolunteer, Volunteer
from desktop.i18n import _

STATUSES = Project.STATUSES


def validate(values: Mapping[str, Any]) -> dict[str, str]:
    """Problems by field, in the UI language (empty when the values can be saved)."""
    errors: dict[str, str] = {}
    if not str(values.get("title", "")).strip():
        errors["title"] = _("Give the project a title.")
    if values.get("status", "planned") not in STATUSES:
        errors["status"] = _("Choose a status from the list.")
    start, end = values.get("starts_on"), values.get("ends_on")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        errors["ends_on"] = _("The end cannot lie before the start.")
    return errors


def _check(values: Mapping[str, Any]) -> None:
    refuse_first(validate(values))


def _trimmed(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def create_project(values: Mapping[str, Any]) -> Project:
    _check(values)
    return changelog.create(Project, _trimmed(values))


def update_project(project_id: str, values: Mapping[str, Any]) -> list[str]:
    current = Project.get_by_id(project_id)
    merged = {
        "title": current.title,
        "status": current.status,
        "starts_on": current.starts_on,
        "ends_on": current.ends_on,
        **values,
    }
    _check(merged)
    return changelog.update(Project, project_id, _trimmed(values))


def default_title(need_id: str) -> str:
    """The title a project started from a need begins with: its category (and town)."""
    need = NeedOffer.get_by_id(need_id)
    category = needs.category_label(need.category)
    return _("{category} in {town}").format(category=category, town=need.town) if need.town else category


def start_from_need(need_id: str, values: Mapping[str, Any] | None = None) -> Project:
    """A new project for a need (title from its category unless given; its town); the need is attached."""
    need = needs.live(need_id)
    if need is None:
        raise ValidationError(_("There is no such need: {id}.").format(id=need_id), "need")
    given = dict(values or {})
    given.setdefault("title", default_title(need_id))
    given.setdefault("town", need.town)
    db = store_db.current().db
    with db.atomic("IMMEDIATE"):
        project = create_project(given)
        changelog.update(NeedOffer, need.id, project=project.id)
    return project


def attach_need(project_id: str, need_id: str) -> None:
    """Let the project serve this need."""
    changelog.update(NeedOffer, need_id, project=project_id)


def detach_need(need_id: str) -> None:
    """The project no longer serves this need."""
    changelog.update(NeedOffer, need_id, project=None)


def volunteer_ids(project_id: str) -> list[str]:
    query = ProjectVolunteer.select().where((ProjectVolunteer.project == project_id) & ~ProjectVolunteer.deleted)
    return [pv.volunteer_id for pv in query]


def set_volunteers(project_id: str, wanted: Iterable[str]) -> None:
    """The project's volunteers become ``wanted``: new ones are added, the others' links deleted."""
    wanted_set = set(wanted)
    db = store_db.current().db
    with db.atomic("IMMEDIATE"):
        links = ProjectVolunteer.select().where((ProjectVolunteer.project == project_id) & ~ProjectVolunteer.deleted)
        have: set[str] = set()
        for link in links:
            if link.volunteer_id in wanted_set and link.volunteer_id not in have:
                have.add(link.volunteer_id)
            else:
                changelog.delete(ProjectVolunteer, link.id)
        for volunteer_id in sorted(wanted_set - have):
            changelog.create(ProjectVolunteer, {"project": project_id, "volunteer": volunteer_id})


@dataclass(frozen=True)
class ProjectRow:
    """A project as the list shows it."""

    id: str
    title: str
    status: str
    town: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    volunteers: tuple[str, ...]
    needs: int

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "town": self.town,
            "starts_on": self.starts_on.isoformat() if self.starts_on else None,
            "ends_on": self.ends_on.isoformat() if self.ends_on else None,
            "volunteers": list(self.volunteers),
            "needs": self.needs,
        }


def status_label(key: str) -> str:
    return labels.label(labels.PROJECT_STATUS_LABELS, key)


def projects() -> list[ProjectRow]:
    """Every project: planned and running ones first, then by start (newest first) and title."""
    order = {"running": 0, "planned": 1, "done": 2, "cancelled": 3}
    names = {v.id: v.name for v in Volunteer.select()}
    rows: list[ProjectRow] = []
    for p in Project.select().where(~Project.deleted):
        volunteers = tuple(sorted(names.get(v, "") for v in volunteer_ids(p.id)))
        count = NeedOffer.select().where((NeedOffer.project == p.id) & ~NeedOffer.deleted).count()
        rows.append(ProjectRow(p.id, p.title, p.status, p.town, p.starts_on, p.ends_on, volunteers, count))
    return sorted(
        rows,
        key=lambda r: (order.get(r.status, 9), -(r.starts_on or dt.date.min).toordinal(), r.title.casefold(), r.id),
    )


def needs_of(project_id: str) -> list[needs.NeedRow]:
    """The needs (and offers) the project serves, newest first."""
    ids = [n.id for n in NeedOffer.select(NeedOffer.id).where((NeedOffer.project == project_id) & ~NeedOffer.deleted)]
    rows = [needs.need_row(i) for i in ids]
    return sorted((r for r in rows if r is not None), key=needs.sort_key, reverse=True)
