"""Benchmark (`make bench`): from start to a usable main window on a big profile, against a bare PySide6
window on the same machine (DESIGN.md §9: within 1.5x; the passphrase's key derivation is excluded and
reported apart). The profile is the shared 100,000-person demo (51,000 cases), more than the 20,000 people
and 50,000 cases the budget names.

Each run is a fresh process: Python starts, imports, and the window is shown and painted once.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.core.store.db import derive_key
from tests.benchmarks.conftest import PASSPHRASE

RUNS = 5
BUDGET_RATIO = 1.5

BARE = """
import time, json
start = time.perf_counter()
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication([])
window = QMainWindow()
window.setCentralWidget(QLabel("Hello"))
window.resize(1100, 700)
window.show()
app.processEvents()
window.grab()
print(json.dumps({"window": time.perf_counter() - start}))
"""

BEGLEITER = """
import time, json, sys
start = time.perf_counter()
from pathlib import Path
from desktop.app import create_application
from desktop.core import profile
from desktop.core.store import db as store_db
from desktop import paths
app = create_application(["begleiter"])
paths.set_profile_dir(sys.argv[1])
kdf_start = time.perf_counter()
profile.unlock(Path(sys.argv[1]), sys.argv[2])
kdf = time.perf_counter() - kdf_start
from desktop.ui.main_window import MainWindow
window = MainWindow()
window.resize(1100, 700)
window.show()
app.processEvents()
window.grab()
print(json.dumps({"window": time.perf_counter() - start, "unlock": kdf, "people": window.people.model.total}))
window.close()
store_db.close_store()
"""


def _run(code: str, *args: str) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.timeout(900)
def test_main_window_starts_within_1_5x_of_a_bare_window(big_profile: Path) -> None:
    bare = [_run(BARE)["window"] for _ in range(RUNS)]
    ours = [_run(BEGLEITER, str(big_profile), PASSPHRASE) for _ in range(RUNS)]
    start = time.perf_counter()
    derive_key(PASSPHRASE, hashlib.sha256(b"salt").digest()[:16], 256_000)
    kdf = time.perf_counter() - start
    # The unlock step is the key derivation plus opening the database; the derivation alone is taken out.
    without_kdf = [r["window"] - kdf for r in ours]
    ratio = statistics.median(without_kdf) / statistics.median(bare)
    print(
        f"\nstart to a usable main window ({int(ours[0]['people']):,} people): median "
        f"{statistics.median(r['window'] for r in ours):.2f} s, of which key derivation {kdf:.2f} s; "
        f"without it {statistics.median(without_kdf):.2f} s; bare PySide6 window {statistics.median(bare):.2f} s; "
        f"ratio {ratio:.2f} (budget {BUDGET_RATIO})"
    )
    assert ratio <= BUDGET_RATIO
