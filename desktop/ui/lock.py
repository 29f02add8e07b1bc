"""The screen lock: after some minutes without input (or on File › Lock, Ctrl+L) every window of the app is
covered and the passphrase is asked before anything shows again.

Windows are covered, not hidden: hiding an editor that runs its own event loop would end it and lose what
was typed. The lock prompt is application-modal, so nothing underneath takes input while locked.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from desktop.core import profile
from desktop.core.keys import delay
from desktop.core.store import db as store_db
from desktop.i18n import _
from desktop.ui.common import DialogButtons, Retranslatable, error_label, show_error
from desktop.ui.profile_dialogs import RetryPause, wrong_passphrase

#: Minutes without keyboard or mouse input before the app locks (DESIGN.md §4); a profile may set its own
#: ("lock_minutes" in its settings; 0 never locks by itself).
IDLE_MINUTES = 10


def lock_minutes() -> float:
    """The open profile's idle time before locking, in minutes."""
    raw = store_db.current().get_setting("lock_minutes", "") if store_db.is_open() else ""
    try:
        return max(0.0, float(raw)) if raw else IDLE_MINUTES
    except ValueError:
        return IDLE_MINUTES


#: Locks at once, in every window of the app (File › Lock shows it).
LOCK_SHORTCUT = "Ctrl+L"

_INPUT = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


def _is_lock_key(event: QEvent) -> bool:
    return (
        isinstance(event, QKeyEvent)
        and not event.isAutoRepeat()
        and QKeySequence(event.keyCombination()) == QKeySequence(LOCK_SHORTCUT)
    )


class _Cover(QWidget):
    """An opaque sheet over one window's content that keeps its size."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setAutoFillBackground(True)
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            self.setGeometry(self.parentWidget().rect())
            self.raise_()
        return False


class LockPrompt(Retranslatable, QDialog):
    """Asks for the profile's passphrase; only the right one unlocks (there is no cancel)."""

    unlocked = Signal()

    def __init__(self) -> None:
        super().__init__(None, Qt.WindowType.Dialog | Qt.WindowType.CustomizeWindowHint | Qt.WindowType.WindowTitleHint)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setMinimumWidth(440)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setMinimumWidth(400)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label()
        self.buttons = DialogButtons(self, accept_text="")
        self.ok_button = self.buttons.accept_button
        self.buttons.accepted.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.attempts = 0
        self.pause = RetryPause(self.ok_button, self.error, lambda: wrong_passphrase(self.attempts))
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Begleiter is locked"))
        self.intro.setText(_("Begleiter was locked to protect the data. Enter the passphrase to continue."))
        self.passphrase.setAccessibleName(_("Passphrase"))
        self.ok_button.setText(_("Unlock"))

    def reject(self) -> None:  # Esc and the window's close button do not unlock
        self.passphrase.setFocus()

    def _check(self) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            right = profile.passphrase_matches(self.passphrase.text())
        finally:
            QGuiApplication.restoreOverrideCursor()
        if not right:  # kept and selected, as in the unlock dialog: typing replaces it
            self.attempts += 1
            show_error(self.error, wrong_passphrase(self.attempts))
            self.pause.start(delay.delay_after(self.attempts))
            self.adjustSize()  # room for the message
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            return
        self.attempts = 0
        self.passphrase.clear()
        self.hide()
        self.unlocked.emit()


class ScreenLock(QObject):
    """Watches the app's input; locks after ``minutes`` without any (0: never), or when asked."""

    locked_changed = Signal(bool)

    def __init__(self, app: QApplication, minutes: float = IDLE_MINUTES, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.covers: list[_Cover] = []
        self.prompt: LockPrompt | None = None
        self.set_minutes(minutes)
        app.installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        self.minutes = minutes
        if minutes > 0:
            self.timer.start(int(minutes * 60_000))
        else:
            self.timer.stop()

    @property
    def locked(self) -> bool:
        return self.prompt is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Sees every event of the app, whichever window it goes to (a modal editor's too): input starts
        the idle time again, and the lock shortcut locks. A window's shortcut (QAction) would not do: it
        fires only while its own window is active, and Qt does not offer it while a modal dialog is open –
        just when a volunteer steps away from an editor."""
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and _is_lock_key(event):
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()  # Qt then sends it as a key press, taken here once
            else:
                self.lock()
            return True
        if kind in _INPUT and not self.locked and self.minutes > 0:
            self.timer.start(int(self.minutes * 60_000))
        return False

    def lock(self) -> None:
        """Cover every window and ask for the passphrase."""
        if self.locked:
            return
        self.timer.stop()
        QToolTip.hideText()
        while (popup := QApplication.activePopupWidget()) is not None:
            popup.close()
        for window in QApplication.topLevelWidgets():
            if window.isVisible() and window.isWindow():
                cover = _Cover(window)
                cover.label.setText(_("Locked"))
                self.covers.append(cover)
        self.prompt = LockPrompt()
        self.prompt.unlocked.connect(self.unlock)
        self.prompt.adjustSize()  # the wrapped text gets its height
        self.prompt.show()
        self.prompt.raise_()
        self.prompt.activateWindow()
        self.prompt.passphrase.setFocus()
        self.locked_changed.emit(True)

    def unlock(self) -> None:
        for cover in self.covers:
            parent = cover.parentWidget()
            if parent is not None:
                parent.removeEventFilter(cover)
            cover.deleteLater()
        self.covers = []
        if self.prompt is not None:
            self.prompt.deleteLater()
            self.prompt = None
        self.set_minutes(self.minutes)
        self.locked_changed.emit(False)
