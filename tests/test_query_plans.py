"""The queries Today runs while the window opens read indexes, not tables: each count is answered from an
index alone (on a fresh start of a big profile a count that visits the table decrypts a page for nearly
every row it counts) and each list's first lines come in index order, without sorting every match."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.core import dashboard
from desktop.core.store import db as store_db
from desktop.core.store.models import Person


@pytest.fixture
def today_queries(store: store_db.Store, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple]]:
    """Every statement the first look at Today (``dashboard.start_early``'s reading) runs, with its
    parameters."""
    seen: list[tuple[str, tuple]] = []
    database = store.db
    original = type(database).execute_sql

    def recording(self, sql: str, params=None):
        if self is database:
            seen.append((sql, tuple(params or ())))
        return original(self, sql, params)

    monkeypatch.setattr(type(database), "execute_sql", recording)
    board = dashboard.Dashboard(dt.date(2026, 12, 3), limit=dashboard.FIRST_LINES)
    dashboard._read_appointments_and_more(board, dashboard.DAYS_AHEAD)
    dashboard._read_tasks(board, dashboard.DAYS_AHEAD)
    monkeypatch.undo()
    return [(sql, params) for sql, params in seen if sql.lstrip().upper().startswith("SELECT")]


def _plan(sql: str, params: tuple) -> list[str]:
    return [row[3] for row in Person._meta.database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()]


def test_today_counts_come_from_an_index_alone(today_queries: list[tuple[str, tuple]]) -> None:
    counts = [(sql, params) for sql, params in today_queries if "count(" in sql.lower()]
    assert len(counts) == 3  # the appointments, the overdue tasks, the tasks due
    for sql, params in counts:
        plan = _plan(sql, params)
        assert any("USING COVERING INDEX" in step for step in plan), (sql, plan)


def test_today_first_lines_need_no_sort_of_every_match(today_queries: list[tuple[str, tuple]]) -> None:
    lines = [(sql, params) for sql, params in today_queries if "LIMIT" in sql.upper()]
    assert len(lines) == 3  # the appointments, the overdue tasks, the tasks due
    for sql, params in lines:
        plan = _plan(sql, params)
        subqueries = {step.split()[1] for step in plan if step.startswith("CO-ROUTINE")}
        scanned = [step for step in plan if step.startswith("SCAN") and "INDEX" not in step]
        assert all(step.split()[1] in subqueries for step in scanned), (sql, plan)  # no table read whole
        # The outer query may sort the few lines it was handed; the inner one reads them in index order.
        inner = sql.upper().rsplit("LIMIT", 1)[0]
        assert "ORDER BY" in inner
        sorted_steps = [step for step in plan if "TEMP B-TREE FOR ORDER BY" in step]
        assert len(sorted_steps) <= (1 if "FROM (SELECT" in sql.upper() else 0), (sql, plan)
