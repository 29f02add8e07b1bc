"""Benchmark: `begleiter-cli demo --people 100000` as a whole process, key derivation included (the
profile every other benchmark of the run uses). Reported without a budget: the foundation's minute is not
among the budgets DESIGN.md §9 keeps (README, Benchmarks, says why); the figure still shows a regression."""

from __future__ import annotations

import json
import math
import os
import subprocess

import pytest

from tests.benchmarks.conftest import PASSPHRASE, BigProfile, cli_command
from tests.benchmarks.table import Run


def test_demo_generation(big_demo: BigProfile, bench: Run) -> None:
    if math.isnan(big_demo.demo_seconds):
        pytest.skip("the profile was built before the run (BENCH_PROFILE)")
    env = {**os.environ, "BEGLEITER_PASSPHRASE": PASSPHRASE}
    digest = subprocess.run(
        [*cli_command(big_demo.folder), "digest", "--json"], env=env, check=True, capture_output=True, text=True
    )
    counts = json.loads(digest.stdout)["counts"]
    size_mb = (big_demo.folder / "begleiter.db").stat().st_size / 1e6
    bench.record(
        f"`begleiter-cli demo --people {big_demo.people}`, whole process",
        "s",
        big_demo.demo_seconds,
        note=f"{counts['case']:,} cases, {counts['appointment']:,} appointments, {size_mb:.0f} MB database",
    )
    assert counts["person"] == big_demo.people
