"""Benchmark (`make bench`): the false-positive rate of the search on 10,000 generated distinct names."""

from __future__ import annotations

import time

import pytest

from desktop.core.store import db as store_db
from tests.name_material import add_people, distinct_names, measure

NAMES = 10_000


@pytest.mark.timeout(1200)
def test_false_positive_rate_on_10000_distinct_names(store: store_db.Store) -> None:
    people = add_people(distinct_names(NAMES, seed=11))
    start = time.perf_counter()
    quality = measure(people, systems=("kmu2010", "german", "iso9"))
    elapsed = time.perf_counter() - start
    print(
        f"\nsearch quality, {NAMES:,} distinct generated names, {quality.queries:,} searches "
        f"(KMU-55, German, ISO 9 spellings) in {elapsed:.0f} s: missed {quality.missed}, "
        f"searches with a false positive {quality.with_false_positive} ({quality.rate:.2%}), "
        f"false positives {quality.false_positives}"
    )
    assert quality.missed == 0
    assert quality.rate < 0.02
