"""Benchmark (`make bench`): the false-positive rate of the search on 10,000 generated distinct names."""

from __future__ import annotations

import pytest

from desktop.core.store import db as store_db
from tests.benchmarks.conftest import runs
from tests.benchmarks.table import Run
from tests.name_material import add_people, distinct_names, measure

NAMES = runs(10_000, 2_000)


@pytest.mark.timeout(1200)
def test_false_positive_rate_on_distinct_names(store: store_db.Store, bench: Run) -> None:
    people = add_people(distinct_names(NAMES, seed=11))
    quality = measure(people, systems=("kmu2010", "german", "iso9"))
    figure = bench.record(
        f"search quality: searches showing a different name among the best hits, {NAMES:,} generated names",
        "%",
        quality.rate * 100,
        budget=2.0,
        note=f"{quality.queries:,} searches in KMU-55, German and ISO 9 spelling; missed {quality.missed}",
    )
    assert quality.missed == 0
    assert figure.ok, figure.describe()
