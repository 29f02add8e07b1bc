"""Slow work off the GUI thread: one helper, results back on the GUI thread by signal."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from desktop.core import logs
from desktop.core.store import db as store_db

log = logging.getLogger(__name__)


class _Job(QThread):
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fn = fn

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # reported to the GUI thread, which shows it
            log.error("background job failed\n%s", logs.safe_traceback(*sys.exc_info()))
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        finally:
            if store_db.is_open():
                store_db.current().db.close()  # this thread's connection only


_running: set[_Job] = set()


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None],
    parent: QObject | None = None,
) -> QThread:
    """Run ``fn`` in a worker thread; ``on_done(result)`` or ``on_error(exc)`` run on the GUI thread."""
    job = _Job(fn)  # no parent: a widget deleted while the thread finishes must not take the thread with it
    job.succeeded.connect(on_done)
    job.failed.connect(on_error)

    def _finished() -> None:
        _running.discard(job)
        job.deleteLater()

    job.finished.connect(_finished)
    _running.add(job)
    job.start()
    return job


def wait_all(timeout_ms: int = 30_000) -> None:
    """Wait for running jobs (on quit and in tests)."""
    for job in list(_running):
        job.wait(timeout_ms)
