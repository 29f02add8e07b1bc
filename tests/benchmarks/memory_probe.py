"""A fresh process for the memory benchmark: `python -m tests.benchmarks.memory_probe DIR [--bare]`.

Unlocks the profile in DIR (passphrase from BEGLEITER_PASSPHRASE), opens the main window and every area,
and scrolls the people list through all its rows page by page, as a volunteer dragging the scroll bar down
would (with --all-lists every list to its end); then prints the peak resident memory (MB) and the rows
loaded as JSON. With --bare, the same for a bare PySide6 window (the baseline).
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path


def _peak_mb() -> float:
    """Peak resident set of this process. On Linux from /proc (VmHWM): getrusage's maximum survives exec, so
    a probe started by a big test process would report its parent's peak."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB elsewhere


def _bare() -> dict[str, float]:
    from tests.benchmarks.bare import BARE_WINDOW

    window = {}  # the bare window stays open while its memory is read
    exec(BARE_WINDOW, window)
    return {"rss_mb": _peak_mb(), "rows": 0}


AREAS = ("people", "cases", "appointments", "tasks", "needs", "directory")


def _scroll_to_end(model, app) -> int:
    """Page after page until the model has every row, as dragging the scroll bar to the bottom does."""
    while model.canFetchMore():
        model.fetchMore()
        app.processEvents()
    return model.rowCount()


def _main_window(folder: Path) -> dict[str, float]:
    from desktop.app import create_application
    from desktop.core import profile
    from desktop.core.store import db as store_db
    from desktop.ui import worker
    from desktop.ui.main_window import MainWindow

    app = create_application(["begleiter"])
    profile.unlock(folder, os.environ["BEGLEITER_PASSPHRASE"])
    window = MainWindow()
    window.resize(1100, 700)
    window.show()
    while window.starting():  # start-up work deferred until after the first paint
        app.processEvents()
    # Every area opened (its first page); the people list, or with --all-lists every list, to its end.
    ends = AREAS if "--all-lists" in sys.argv else ("people",)
    rows = sum(_scroll_to_end(getattr(window, area).model, app) if area in ends else 0 for area in AREAS)
    rows += sum(getattr(window, area).model.rowCount() for area in AREAS if area not in ends)
    people = window.people.model
    result = {"rss_mb": _peak_mb(), "rows": rows, "people": people.rowCount(), "people_total": people.total}
    window.close()
    worker.wait_all()  # the window's background jobs end before their profile is closed
    store_db.close_store()
    return result


if __name__ == "__main__":
    if sys.argv[1:] == ["--bare"]:
        print(json.dumps(_bare()))
    else:
        print(json.dumps(_main_window(Path(sys.argv[1]))))
