"""Benchmark: `begleiter-cli demo --people 100000` as a whole process, key derivation included (the
profile every other benchmark of the run uses; the foundation asked for under a minute)."""

from __future__ import annotations

import json
import math
import os
import subprocess

import pytest

from tests.benchmarks.conftest import PASSPHRASE, QUICK, BigProfile, cli_command
from tests.benchmarks.table import Run

BUDGET_S = 60.0


def test_demo_generation(big_demo: BigProfile, bench: Run) -> None:
    if math.isnan(big_demo.demo_seconds):
        pytest.skip("the profile was built before the run (BENCH_PROFILE)")
    env = {**os.environ, "BEGLEITER_PASSPHRASE": PASSPHRASE}
    digest = subprocess.run(
        [*cli_command(big_demo.folder), "digest", "--json"], env=env, check=True, capture_output=True, text=True
    )
    counts = json.loads(digest.stdout)["counts"]
    size_mb = (big_demo.folder / "begleiter.db").stat().st_size / 1e6
    figure = bench.record(
        f"`begleiter-cli demo --people {big_demo.people}`, whole process",
        "s",
        big_demo.demo_seconds,
        budget=None if QUICK else BUDGET_S,  # the budget is for 100,000 people
        note=f"{counts['case']:,} cases, {counts['appointment']:,} appointments, {size_mb:.0f} MB database",
    )
    assert counts["person"] == big_demo.people
    assert figure.ok, figure.describe()
