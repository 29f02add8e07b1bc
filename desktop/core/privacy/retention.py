"""Retention: what has been kept long enough is listed for review and erased, or anonymised into counts.

Due (the period is a profile setting, 12 months by default):
- a **closed case** whose closing date (or, without one, its last change) is older than the period;
- a **person** with no case that is still open and no activity for that long: no change to the person or
  to anything that hangs on them (cases, appointments, notes, documents, …; found by following the
  foreign keys) within the period.

Nothing is erased by itself: the list is shown for review (Today, ``begleiter-cli retention``) and one
action erases what is due, or anonymises it, which keeps only a count per month and kind (in the
profile's settings, for the statistics) and then erases the records.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import peewee as pw

from desktop.core import audit
from desktop.core.privacy import erasure
from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.hlc import physical_ms
from desktop.core.store.models import Person, Travelling, Volunteer, person_name
from desktop.i18n import _

log = logging.getLogger(__name__)

SETTING_MONTHS = "retention_months"
SETTING_COUNTS = "retention_counts"
DEFAULT_MONTHS = 12
MAX_MONTHS = 240
#: How far foreign keys are followed from a record to its person (task → case → person is two steps).
DEPTH = 3


@dataclass(frozen=True)
class Due:
    """A record due for erasure: ``kind`` "case" or "person", its id, what the list shows, and since when."""

    kind: str
    record_id: str
    label: str
    since: dt.date


def kind_label(kind: str) -> str:
    """What a due record is, in the user's language."""
    return _("closed case") if kind == "case" else _("person without open case")


def period_months() -> int:
    raw = store_db.current().get_setting(SETTING_MONTHS, str(DEFAULT_MONTHS))
    try:
        value = int(raw)
    except ValueError:
        return DEFAULT_MONTHS
    return value if 1 <= value <= MAX_MONTHS else DEFAULT_MONTHS


def set_period_months(months: int) -> None:
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError("retention period out of range")
    store_db.current().set_setting(SETTING_MONTHS, str(months))


def cutoff(today: dt.date, months: int) -> dt.date:
    """``today`` minus ``months`` calendar months (the last day of a shorter month when needed)."""
    month = today.month - months
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for day in (today.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _day(stamp: int) -> dt.date:
    return dt.datetime.fromtimestamp(physical_ms(stamp) / 1000, tz=dt.UTC).date()


def _paths_to_person() -> list[list[tuple[type[Travelling], pw.ForeignKeyField]]]:
    """Chains of foreign keys from a travelling table to person (each chain starts at its table)."""
    chains: list[list[tuple[type[Travelling], pw.ForeignKeyField]]] = []

    def walk(model: type[Travelling], path: list[tuple[type[Travelling], pw.ForeignKeyField]]) -> None:
        if len(path) >= DEPTH:
            return
        for field in model._meta.sorted_fields:
            if not isinstance(field, pw.ForeignKeyField) or field.rel_model is Volunteer:
                continue
            step = [*path, (model, field)]
            if field.rel_model is Person:
                chains.append(step)
            else:
                walk(field.rel_model, step)

    for model in Travelling.registry:
        if model is not Person:
            walk(model, [])
    return chains


def last_activity() -> dict[str, int]:
    """Per person id: the newest change-log stamp of the person or of anything that hangs on them."""
    db = store_db.current().db
    newest: dict[str, int] = defaultdict(int)

    def take(rows: Iterable[tuple[str, int]]) -> None:
        for person_id, stamp in rows:
            if person_id and stamp and stamp > newest[person_id]:
                newest[person_id] = stamp

    take(
        db.execute_sql(
            "SELECT p.id, max(c.hlc) FROM person p JOIN change c "
            "ON c.record_id = unhex(replace(p.id, '-', '')) GROUP BY p.id"
        )
    )
    for chain in _paths_to_person():
        first = chain[0][0]
        joins = []
        alias = "t0"
        for n, (_model, field) in enumerate(chain[1:], start=1):
            previous = chain[n - 1][1]
            joins.append(f'JOIN "{field.model._meta.table_name}" t{n} ON t{n}.id = t{n - 1}."{previous.column_name}"')
            alias = f"t{n}"
        last_field = chain[-1][1]
        person_column = f'{alias}."{last_field.column_name}"'
        take(
            db.execute_sql(
                f'SELECT {person_column}, max(c.hlc) FROM "{first._meta.table_name}" t0 {" ".join(joins)} '
                "JOIN change c ON c.record_id = unhex(replace(t0.id, '-', '')) "
                f"WHERE {person_column} IS NOT NULL GROUP BY {person_column}"
            )
        )
    return dict(newest)


def due(today: dt.date | None = None, months: int | None = None) -> list[Due]:
    """What is due for erasure at ``today`` (closed cases, then people), oldest first within each kind."""
    today = today or dt.date.today()
    limit = cutoff(today, months or period_months())
    db = store_db.current().db
    activity = last_activity()
    out: list[Due] = []
    case_rows = db.execute_sql(
        'SELECT c.id, c.title, c.reference, c.closed_on, c.person_id FROM "case" c '
        "WHERE c.deleted = 0 AND c.status = 'closed'"
    ).fetchall()
    changes_of_case = changelog.change_counts([r[0] for r in case_rows])
    names = _names({r[4] for r in case_rows if r[4]})
    for case_id, title, reference, closed_on, person_id in case_rows:
        since = dt.date.fromisoformat(closed_on) if closed_on else _day(changes_of_case.get(case_id, (0, 0))[1])
        if since < limit:
            label = " · ".join(x for x in (reference or title, names.get(person_id, "")) if x)
            out.append(Due("case", case_id, label, since))
    open_people = {
        r[0]
        for r in db.execute_sql(
            "SELECT DISTINCT person_id FROM \"case\" WHERE deleted = 0 AND status != 'closed' AND person_id IS NOT NULL"
        )
    }
    people_rows = db.execute_sql(
        "SELECT id, family_name, given_name, family_name_cyr, given_name_cyr FROM person "
        "WHERE deleted = 0 AND merged_into = ''"
    ).fetchall()
    for person_id, family, given, family_cyr, given_cyr in people_rows:
        if person_id in open_people:
            continue
        stamp = activity.get(person_id, 0)
        since = _day(stamp) if stamp else dt.date.min
        if since < limit:
            out.append(Due("person", person_id, person_name(family, given, family_cyr, given_cyr), since))
    out.sort(key=lambda d: (d.kind != "case", d.since, d.label))
    return out


def _names(person_ids: set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in Person.select(
        Person.id, Person.family_name, Person.given_name, Person.family_name_cyr, Person.given_name_cyr
    ).where(Person.id.in_(list(person_ids))):
        out[p.id] = p.display_name()
    return out


def erase(items: Iterable[Due]) -> dict[str, int]:
    """Erase the given due records (and what goes with them); returns rows erased per type."""
    chosen = [(d.kind, d.record_id) for d in items]
    counts = erasure.erase_records(chosen, within=lambda: audit.record("retention", count=len(chosen), detail="erased"))
    log.info("retention: %d records erased", len(chosen))
    return counts


def anonymise(items: Iterable[Due]) -> dict[str, int]:
    """Keep only a count per month and kind (the month of the closing or the last activity), then erase
    the records; both in one transaction."""
    chosen = list(items)
    counts = kept_counts()
    for d in chosen:
        month = d.since.strftime("%Y-%m") if d.since != dt.date.min else "unknown"
        counts.setdefault(month, {})
        counts[month][d.kind] = counts[month].get(d.kind, 0) + 1

    def keep_counts() -> None:
        store_db.current().set_setting(SETTING_COUNTS, json.dumps(counts, sort_keys=True))
        audit.record("retention", count=len(chosen), detail="anonymised")

    result = erasure.erase_records([(d.kind, d.record_id) for d in chosen], within=keep_counts)
    log.info("retention: %d records anonymised", len(chosen))
    return result


def kept_counts() -> dict[str, dict[str, int]]:
    """What anonymising kept: month → kind → count."""
    raw = store_db.current().get_setting(SETTING_COUNTS, "{}")
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
