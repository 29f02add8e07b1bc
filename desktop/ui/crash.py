"""Unhandled exceptions: logged without personal data, shown once per distinct crash on the GUI thread."""

from __future__ import annotations

import logging
import sys
import threading
from types import TracebackType

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.core import logs
from desktop.i18n import _

log = logging.getLogger("desktop.crash")


class CrashHandler(QObject):
    """Installed as sys.excepthook and threading.excepthook; marshals to the GUI thread by signal."""

    _report = Signal(str, str, str)

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()
        self.shown: list[str] = []
        self._report.connect(self._show)

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = lambda a: self.handle(a.exc_type, a.exc_value, a.exc_traceback)

    def handle(self, exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        log.error("unhandled exception\n%s", logs.safe_traceback(exc_type, exc, tb))
        self._report.emit(logs.traceback_id(exc_type, tb), exc_type.__name__, str(exc) if exc else "")

    def _show(self, crash_id: str, type_name: str, message: str) -> None:
        if crash_id in self.seen:
            return
        self.seen.add(crash_id)
        self.shown.append(crash_id)
        if logs.active_log_file() is not None:
            text = _(
                "Something went wrong. Your saved data is safe; the last action may not have "
                "completed. The details were written to the log (without personal data)."
            )
        else:  # before a profile exists there is no log to write to
            text = _(
                "Something went wrong. Your saved data is safe; the last action may not have "
                "completed. There is no profile log yet: the details below are all there is."
            )
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            _("Unexpected error"),
            text,
            QMessageBox.StandardButton.Ok,
            QApplication.activeWindow(),
        )
        box.setDetailedText(f"{type_name}: {message}\n{_('Reference')}: {crash_id}")  # on screen only
        box.exec()


def show_previous_crash(report: str) -> None:
    """Tell the user the last session ended in a crash; the report stays in the profile's log folder."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _("Begleiter closed unexpectedly"),
        _(
            "Begleiter closed unexpectedly last time. A technical report (no personal data) is "
            "kept in the profile's log folder."
        ),
        QMessageBox.StandardButton.Ok,
    )
    box.setDetailedText(report[-4000:])
    box.exec()
