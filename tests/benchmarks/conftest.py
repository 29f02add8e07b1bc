"""Shared by the benchmarks of one run: the 100,000-person demo profile (built once and timed: the demo
generation is itself a figure), the ``bench`` recorder and the table printed at the end of the run.

``python -m tests.benchmarks --quick`` sets BENCH_QUICK (fewer repetitions, a 10,000-person profile);
``--json FILE`` sets BENCH_JSON.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.benchmarks.table import Run

PASSPHRASE = "benchmark passphrase"
QUICK = os.environ.get("BENCH_QUICK") == "1"
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "10000" if QUICK else "100000"))
ROOT = Path(__file__).resolve().parents[2]

_RUN = pytest.StashKey[Run]()
_CONFIG: list[pytest.Config] = []  # the run's configuration, for the report hook that is not given it


def runs(full: int, quick: int) -> int:
    """How many times a figure is measured: fewer in a quick run."""
    return quick if QUICK else full


def cli_command(folder: Path) -> list[str]:
    """begleiter-cli of this checkout as a fresh process."""
    return [
        sys.executable,
        "-c",
        "from desktop.__main__ import cli_entry; raise SystemExit(cli_entry())",
        "--data-dir",
        str(folder),
    ]


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_RUN] = Run(quick=QUICK, people=PEOPLE)
    _CONFIG[:] = [config]


@pytest.fixture(scope="session")
def bench(pytestconfig: pytest.Config) -> Run:
    return pytestconfig.stash[_RUN]


@dataclass
class BigProfile:
    folder: Path
    people: int
    demo_seconds: float  # `begleiter-cli demo --people N` as a whole process


@pytest.fixture(scope="session")
def big_demo(tmp_path_factory: pytest.TempPathFactory) -> BigProfile:
    """The demo profile of this run; BENCH_PROFILE names one built before (`begleiter-cli demo --people N
    --seed 1` with the benchmark passphrase) to measure again without building it (the demo is then not timed)."""
    reused = os.environ.get("BENCH_PROFILE")
    if reused:
        return BigProfile(Path(reused), PEOPLE, float("nan"))
    folder = tmp_path_factory.mktemp("bench") / "profile"
    env = {**os.environ, "BEGLEITER_PASSPHRASE": PASSPHRASE}
    subprocess.run([*cli_command(folder), "init"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run(
        [*cli_command(folder), "demo", "--people", str(PEOPLE), "--seed", "1"], env=env, check=True, capture_output=True
    )
    return BigProfile(folder, PEOPLE, time.perf_counter() - started)


@pytest.fixture(scope="session")
def big_profile(big_demo: BigProfile) -> Path:
    return big_demo.folder


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and report.when in ("setup", "call"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        name = report.nodeid.split("::")[-1]
        run = _current_run()
        if run is not None:
            run.skipped.append(f"{name}: {reason.removeprefix('Skipped: ')}")


def _current_run() -> Run | None:
    return _CONFIG[0].stash[_RUN] if _CONFIG else None


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    run = config.stash.get(_RUN, None)
    if run is None or not (run.figures or run.skipped):
        return
    terminalreporter.section("benchmarks")
    for line in run.table().splitlines():
        terminalreporter.write_line(line)
    missed = run.missed()
    if missed:
        terminalreporter.write_line(f"\n{len(missed)} budget(s) missed: " + ", ".join(f.name for f in missed))
    target = os.environ.get("BENCH_JSON")
    if target:
        run.write_json(Path(target))
        terminalreporter.write_line(f"figures written to {target}")
