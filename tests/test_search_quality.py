"""Search quality on generated names: every system's spelling finds the person, few other names match."""

from __future__ import annotations

from desktop.core.store import db as store_db
from tests.name_material import add_people, distinct_names, measure


def test_generated_names_are_found_in_every_system_with_few_false_positives(store: store_db.Store) -> None:
    people = add_people(distinct_names(600, seed=5))
    quality = measure(people)
    assert quality.missed == 0
    assert quality.rate < 0.02, quality
