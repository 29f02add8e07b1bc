"""A 100,000-person profile shared by the benchmarks of one run (built once, ~1 minute)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PASSPHRASE = "benchmark passphrase"
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "100000"))


@pytest.fixture(scope="session")
def big_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bench") / "profile"
    env = {**os.environ, "BEGLEITER_PASSPHRASE": PASSPHRASE}
    cli = [
        sys.executable,
        "-c",
        "from desktop.__main__ import cli_entry; raise SystemExit(cli_entry())",
        "--data-dir",
        str(folder),
    ]
    subprocess.run([*cli, "init"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "demo", "--people", str(PEOPLE), "--seed", "1"], env=env, check=True, capture_output=True)
    return folder
