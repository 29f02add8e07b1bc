"""Tasks and deadlines: open, due, overdue, done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.core.errors import ValidationError
from desktop.core.people import of_people
from desktop.core.store import changelog
from desktop.core.store.models import Task, person_name
from desktop.i18n import _


def create_task(values: Mapping[str, Any]) -> Task:
    values = dict(values)
    if not str(values.get("title", "")).strip() and not values.get("step_key"):
        raise ValidationError(_("Enter what is to be done."), "title")
    if values.get("case") and not values.get("person"):
        from desktop.core.store.models import Case

        values["person"] = Case.get_by_id(values["case"]).person_id
    return changelog.create(Task, values)


def update_task(task_id: str, values: Mapping[str, Any]) -> list[str]:
    return changelog.update(Task, task_id, values)


def set_done(task_id: str, done: bool, day: dt.date | None = None) -> list[str]:
    """Tick a task off (with the day it was done) or open it again."""
    return changelog.update(Task, task_id, done=done, done_on=(day or dt.date.today()) if done else None)


@dataclass(frozen=True, slots=True)  # a list may hold 100,000 of them
class TaskRow:
    """What lists and the dashboard show of a task."""

    id: str
    due_date: dt.date | None
    title: str
    step_key: str
    kind: str
    done: bool
    case_id: str | None
    case_type: str
    person_name: str
    volunteer_name: str
    basis: str


_SELECT = (
    "SELECT t.id, t.due_date, t.title, t.step_key, t.kind, t.done, t.case_id, c.case_type, "
    "p.family_name, p.given_name, p.family_name_cyr, p.given_name_cyr, v.name, t.basis FROM task t "
    'LEFT JOIN "case" c ON c.id = t.case_id LEFT JOIN person p ON p.id = t.person_id '
    "LEFT JOIN volunteer v ON v.id = t.volunteer_id "
)


def _row(r: tuple[Any, ...]) -> TaskRow:
    name = person_name(r[8], r[9], r[10], r[11])
    due = dt.date.fromisoformat(r[1]) if r[1] else None
    return TaskRow(r[0], due, r[2], r[3], r[4], bool(r[5]), r[6], r[7] or "", name, r[12] or "", r[13])


def title(row: TaskRow) -> str:
    """The step's label in the UI language for timeline tasks, else the typed title."""
    if row.step_key and row.case_type:
        from desktop.core.cases import case_type, label

        for step in case_type(row.case_type).get("timeline", []):
            if step["key"] == row.step_key:
                return label(step)
    return row.title


FILTERS = ("open", "overdue", "done", "all")


def _status_where(alias: str, status: str, today: dt.date, people: Sequence[str] | None) -> tuple[list[str], list[Any]]:
    where = [f"{alias}deleted = 0"]
    params: list[Any] = []
    if status == "open":
        where.append(f"{alias}done = 0")
    elif status == "overdue":
        where.append(f"{alias}done = 0 AND {alias}due_date < ?")
        params.append(today.isoformat())
    elif status == "done":
        where.append(f"{alias}done = 1")
    condition, people_params = of_people(f"{alias}person_id", f"{alias}case_id", people)
    if condition:
        where.append(condition)
        params += people_params
    return where, params


def page_tasks(
    after: tuple[str, str] | None = None,
    limit: int = 200,
    *,
    status: str = "open",
    today: dt.date | None = None,
    people: Sequence[str] | None = None,
) -> list[TaskRow]:
    """Tasks by due date (no date last), filtered in SQL: open, overdue, done or all; of these people."""
    where, params = _status_where("t.", status, today or dt.date.today(), people)
    key = "coalesce(t.due_date, '9999-12-31')"
    if after is not None:
        # Written so that SQLite seeks in the index to the page's start instead of scanning up to it.
        where.append(f"{key} >= ? AND ({key} > ? OR t.id > ?)")
        params += [after[0], after[0], after[1]]
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY {key}, t.id LIMIT ?"
    params.append(limit)
    return [_row(r) for r in Task._meta.database.execute_sql(sql, params).fetchall()]


def sort_key(row: TaskRow) -> tuple[str, str]:
    return (row.due_date.isoformat() if row.due_date else "9999-12-31", row.id)


def count_tasks(status: str = "open", today: dt.date | None = None, people: Sequence[str] | None = None) -> int:
    where, params = _status_where("", status, today or dt.date.today(), people)
    sql = f"SELECT count(*) FROM task WHERE {' AND '.join(where)}"
    return int(Task._meta.database.execute_sql(sql, params).fetchone()[0])


def _due_where(alias: str, day: dt.date, since: dt.date | None) -> tuple[list[str], list[Any]]:
    """Open tasks due on or before ``day`` (from ``since`` when given), written so that SQLite seeks
    task_open_due (``done = 0``, not NOT done) and counts in it alone."""
    where = [f"{alias}deleted = 0", f"{alias}done = 0", f"{alias}due_date IS NOT NULL", f"{alias}due_date <= ?"]
    params: list[Any] = [day.isoformat()]
    if since is not None:
        where.append(f"{alias}due_date >= ?")
        params.append(since.isoformat())
    return where, params


def count_due(since: dt.date | None, until: dt.date) -> int:
    """How many open tasks fall due between the two days (inclusive; no start: all overdue)."""
    where, params = _due_where("", until, since)
    sql = f"SELECT count(*) FROM task WHERE {' AND '.join(where)}"
    return int(Task._meta.database.execute_sql(sql, params).fetchone()[0])


def due_until(
    day: dt.date,
    *,
    since: dt.date | None = None,
    case_id: str | None = None,
    person_id: str | None = None,
    limit: int | None = None,
) -> list[TaskRow]:
    """Open tasks due on or before ``day`` (from ``since`` when given), earliest first."""
    where, params = _due_where("t.", day, since)
    if case_id:
        where.append("t.case_id = ?")
        params.append(case_id)
    if person_id:
        where.append("t.person_id = ?")
        params.append(person_id)
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY t.due_date, t.id"
    if limit is not None:
        # The tasks first, then the names of only those: joined before the LIMIT, SQLite reads a person and
        # a case for every task it sorts (3 times as long on a fresh start of a big profile).
        first = f"SELECT * FROM task t WHERE {' AND '.join(where)} ORDER BY t.due_date, t.id LIMIT {int(limit)}"
        sql = _SELECT.replace("FROM task t", f"FROM ({first}) t") + "ORDER BY t.due_date, t.id"
    return [_row(r) for r in Task._meta.database.execute_sql(sql, params).fetchall()]


def tasks_of(*, case_id: str | None = None, person_id: str | None = None) -> list[TaskRow]:
    where = ["t.deleted = 0"]
    params: list[Any] = []
    if case_id:
        where.append("t.case_id = ?")
        params.append(case_id)
    if person_id:
        where.append("t.person_id = ?")
        params.append(person_id)
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY t.done, coalesce(t.due_date, '9999-12-31'), t.id"
    return [_row(r) for r in Task._meta.database.execute_sql(sql, params).fetchall()]
