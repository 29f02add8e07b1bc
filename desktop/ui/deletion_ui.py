"""Deleting from the lists and timelines with an Undo while the view is open; erasing a person after a
strong confirmation."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import UserError
from desktop.core.privacy import deletion, erasure, words
from desktop.core.store import backup
from desktop.core.store.models import Person
from desktop.i18n import _
from desktop.ui.common import DialogButtons, Retranslatable, plain_label


def delete_record(parent: QWidget, kind: str, record_id: str) -> deletion.Deletion | None:
    """Delete a record (and what hangs on it alone); a refusal is shown, None returned."""
    try:
        return deletion.delete(kind, record_id)
    except UserError as exc:
        QMessageBox.warning(parent, _("Delete"), str(exc))
        return None


def delete_action(view: QWidget, slot: Callable[[], None]) -> QAction:
    """Delete (the Del key) on a list or timeline: its context menu and its own shortcut."""
    action = QAction(view)
    action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.triggered.connect(slot)
    view.addAction(action)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return action


def deleted_text(done: deletion.Deletion) -> str:
    return _("Deleted: {what}.").format(what=words.count_text(done.counts()))


class UndoNotice(Retranslatable, QWidget):
    """ "Deleted: …" and an Undo button (Ctrl+Z in its window) while the view that deleted is open."""

    undone = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deletion: deletion.Deletion | None = None
        self.label = QLabel()
        self.button = QPushButton()
        self.button.clicked.connect(self.undo)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        self.hide()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.button.setText(_("&Undo"))
        self.button.setToolTip(_("Restore what was just deleted (Ctrl+Z)"))
        self.label.setText(deleted_text(self.deletion) if self.deletion else "")

    def offer(self, done: deletion.Deletion) -> None:
        self.deletion = done
        self.retranslate_ui()
        self.show()

    def forget(self) -> None:
        self.deletion = None
        self.hide()

    def undo(self) -> bool:
        """Restore the last deletion; False when there is none."""
        done, self.deletion = self.deletion, None
        self.hide()
        if done is None:
            return False
        try:
            deletion.undo(done)
        except UserError as exc:
            QMessageBox.warning(self, _("Undo"), str(exc))
            return False
        self.undone.emit()
        return True


class EraseDialog(Retranslatable, QDialog):
    """Erase a person for good: what goes, in words; that it cannot be undone and reaches every laptop.

    Cancel is the default (Enter cancels); *Erase* is enabled only once "I understand" is ticked."""

    def __init__(self, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_id = person_id
        person = Person.get_by_id(person_id)
        self.name = person.display_name() or "–"
        self.counts = erasure.preview(person_id)
        self.erased: dict[str, int] | None = None
        self.heading = plain_label(bold=True)  # a long name, in German or Ukrainian, wraps
        self.what = QLabel()
        self.what.setTextFormat(Qt.TextFormat.PlainText)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.understood = QCheckBox()
        self.understood.toggled.connect(self._update)
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.erase_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.erase_button.clicked.connect(self.erase)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.heading, self.what, self.warning, self.understood, self.buttons):
            layout.addWidget(widget)
        self.retranslate_ui()
        self._update()
        self.cancel_button.setDefault(True)
        self.understood.setFocus(Qt.FocusReason.OtherFocusReason)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Erase person"))
        self.heading.setText(_("Erase {name} for good?").format(name=self.name))
        lines = "\n".join(f"• {line}" for line in words.count_lines(self.counts))
        self.what.setText(_("This removes from this laptop:") + "\n" + lines)
        self.warning.setText(
            _(
                "Erasing cannot be undone: every earlier value goes too. The erasure reaches the other "
                "laptops of the team with the next exchange, and they erase the person as well. The automatic "
                "backups made before keep the person until rotation removes them: about {weeks} weeks when "
                "Begleiter is used every day, longer when it is not."
            ).format(weeks=backup.WEEKLY + 1)
        )
        self.understood.setText(_("I understand that this cannot be undone"))
        self.cancel_button.setText(_("Cancel"))
        self.erase_button.setText(_("&Erase for good"))

    def _update(self) -> None:
        self.erase_button.setEnabled(self.understood.isChecked())
        self.erase_button.setDefault(False)
        self.cancel_button.setDefault(True)

    def erase(self) -> None:
        if not self.understood.isChecked():
            return
        try:
            self.erased = erasure.erase_person(self.person_id)
        except UserError as exc:
            QMessageBox.warning(self, _("Erase person"), str(exc))
            self.reject()
            return
        self.accept()


def erase_person(parent: QWidget, person_id: str) -> dict[str, int] | None:
    """Ask, and erase; what went, or None when cancelled."""
    dialog = EraseDialog(person_id, parent)
    dialog.exec()
    return dialog.erased
