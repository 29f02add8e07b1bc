"""The demo data of a seed is frozen: the same records, change-log entries and search index as when
these figures were taken (tests/demo_state.py leaves out only the random ids and the clock's times), so
work on how fast the demo is written cannot change what it writes."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from desktop.core import cases, demo
from desktop.core.store import db as store_db
from desktop.core.store import integrity
from tests.demo_state import canonical_digest

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def seeded_references(monkeypatch: pytest.MonkeyPatch) -> None:
    """Case references are drawn from the system's generator; the test draws them from a seeded one."""

    class Seeded:
        choice = random.Random(0).choice

    monkeypatch.setattr(cases, "secrets", Seeded)


@pytest.mark.parametrize(
    ("people", "seed", "counts", "digest"),
    [
        (
            300,
            7,
            {
                "volunteer": 7,
                "person": 300,
                "household": 114,
                "household_member": 300,
                "case": 157,
                "case_volunteer": 0,
                "residence_document": 25,
                "checklist_item": 366,
                "appointment": 111,
                "task": 121,
                "note": 34,
                "filled_form": 0,
                "printed_document": 0,
                "distinct_pair": 0,
                "consent": 301,
                "directory_entry": 31,
                "project": 3,
                "project_volunteer": 6,
                "need_offer": 37,
                "match": 6,
                "volunteer_hours": 195,
            },
            "970065d0be085cf2e3f0a6246bb6ef1e592173426118200538f07d5e8750b513",
        ),
        # More rows of a type than one batch of the bulk writer holds (5,000).
        (
            5200,
            3,
            {
                "volunteer": 7,
                "person": 5200,
                "household": 2032,
                "household_member": 5200,
                "case": 2689,
                "case_volunteer": 0,
                "residence_document": 531,
                "checklist_item": 5220,
                "appointment": 1830,
                "task": 2138,
                "note": 612,
                "filled_form": 0,
                "printed_document": 0,
                "distinct_pair": 0,
                "consent": 4847,
                "directory_entry": 31,
                "project": 3,
                "project_volunteer": 6,
                "need_offer": 140,
                "match": 37,
                "volunteer_hours": 509,
            },
            "471d3eda4c55eaac4843b58e395adb46e4c7d02660e39507551a1d408ae33ce9",
        ),
    ],
)
def test_demo_of_a_seed_is_frozen(
    store: store_db.Store, seeded_references: None, people: int, seed: int, counts: dict, digest: str
) -> None:
    demo.generate(people, seed=seed, today=DAY)
    assert integrity.counts() == counts
    assert canonical_digest() == digest
    assert integrity.check() == []


def test_the_frozen_digest_sees_a_changed_value(store: store_db.Store, seeded_references: None) -> None:
    demo.generate(40, seed=1, today=DAY)
    before = canonical_digest()
    assert canonical_digest() == before
    store.db.execute_sql("DROP TRIGGER IF EXISTS guard_person_update")
    store.db.execute_sql("UPDATE person SET birth_place = 'Odesa' WHERE rowid = (SELECT min(rowid) FROM person)")
    assert canonical_digest() != before
