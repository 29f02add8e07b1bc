"""The team as this laptop knows it from bundles: every laptop, its volunteer, and its last bundle."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from desktop.core.store import db as store_db


@dataclass(frozen=True)
class TeamDevice:
    device: str
    name: str
    volunteer: str | None
    volunteer_name: str
    last_bundle: str | None
    last_created: dt.datetime | None  # UTC, when that laptop made its last bundle that arrived here
    last_received: dt.datetime | None  # UTC, when it arrived
    counts: dict[str, int] = field(default_factory=dict)
    #: How many changes this laptop holds that that laptop had not seen when it made its last bundle.
    behind: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "name": self.name,
            "volunteer": self.volunteer,
            "volunteer_name": self.volunteer_name,
            "last_bundle": self.last_bundle,
            "last_created": self.last_created.isoformat() if self.last_created else None,
            "last_received": self.last_received.isoformat() if self.last_received else None,
            "counts": self.counts,
            "behind": self.behind,
        }


def _time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def _behind(db: Any, knowledge: dict[str, int]) -> int:
    """Changes in this laptop's log stamped above what the other laptop held of their device."""
    total = 0
    for peer, uuid in db.execute_sql("SELECT id, uuid FROM peer").fetchall():
        (n,) = db.execute_sql(
            "SELECT count(*) FROM change WHERE device = ? AND hlc > ?", (peer, int(knowledge.get(uuid, 0)))
        ).fetchone()
        total += n
    return total


def devices() -> list[TeamDevice]:
    """Every other laptop a bundle came from, the most recent first."""
    db = store_db.current().db
    out = []
    for device, name, volunteer, volunteer_name, knowledge, last_bundle, created, received, counts in db.execute_sql(
        "SELECT device, name, volunteer, volunteer_name, knowledge, last_bundle, last_created, last_received, "
        "last_counts FROM team_device ORDER BY last_received DESC"
    ).fetchall():
        out.append(
            TeamDevice(
                device,
                name,
                volunteer,
                volunteer_name,
                last_bundle,
                _time(created),
                _time(received),
                json.loads(counts or "{}"),
                _behind(db, json.loads(knowledge or "{}")),
            )
        )
    return out
