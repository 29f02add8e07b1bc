"""Benchmark (run with `make bench`): `begleiter-cli demo --people 100000` as a whole process.

Budget from the foundation issue: 100,000 people with their families, cases, appointments and tasks in
under a minute, key derivation included.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "100000"))
BUDGET_S = 60.0


def _cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BEGLEITER_PASSPHRASE": "benchmark passphrase"}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from desktop.__main__ import cli_entry; raise SystemExit(cli_entry())",
            "--data-dir",
            str(folder),
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )


def test_demo_100k_people_under_a_minute(tmp_path: Path) -> None:
    folder = tmp_path / "bench"
    _cli(folder, "init")
    started = time.perf_counter()
    _cli(folder, "demo", "--people", str(PEOPLE), "--seed", "1")
    elapsed = time.perf_counter() - started
    counts = json.loads(_cli(folder, "digest", "--json").stdout)["counts"]
    size_mb = (folder / "begleiter.db").stat().st_size / 1e6
    print(
        f"\ndemo --people {PEOPLE}: {elapsed:.1f} s (budget {BUDGET_S:.0f} s), "
        f"ratio {elapsed / BUDGET_S:.2f}; counts {counts}; database {size_mb:.0f} MB"
    )
    assert counts["person"] == PEOPLE
    assert elapsed < BUDGET_S
