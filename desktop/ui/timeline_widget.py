"""A chronological list of what happened and what is due, with a field to add a note."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from peewee import DoesNotExist
from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from desktop import i18n
from desktop.core import timeline
from desktop.core.errors import ValidationError
from desktop.core.store import db as store_db
from desktop.i18n import N_, _
from desktop.ui.common import Retranslatable, enter_activates, error_label, is_plain_enter, show_error
from desktop.ui.deletion_ui import UndoNotice, delete_action, delete_record

KINDS = {
    "note": N_("Note"),
    "appointment": N_("Appointment"),
    "task": N_("Task"),
    "status": N_("Status"),
    "document": N_("Document"),
    "case": N_("Case"),
    "printed": N_("Printout"),
}


class NoteField(QLineEdit):
    """The new note: Enter adds it (returnPressed) and goes no further, so the editor around the timeline
    does not take it for its Save button."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if is_plain_enter(event):
            event.accept()


class TimelineWidget(Retranslatable, QWidget):
    """Timeline of a case (``case_id``) or of a person (``person_id``); ``changed`` after a note was added.

    A document saved as PDF on this laptop opens again in the system's viewer on request: Enter on its
    line, or *Open PDF*."""

    changed = Signal()

    def __init__(
        self, *, case_id: str | None = None, person_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.case_id, self.person_id = case_id, person_id
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        enter_activates(self.tree)  # Enter on a line opens a saved PDF, never closes the editor around
        self.tree.itemActivated.connect(lambda _item, _column: self.open_file())
        self.tree.currentItemChanged.connect(lambda _item, _previous: self._update_open_button())
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_file)
        self.note = NoteField()
        self.note.returnPressed.connect(self._add_note)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self._add_note)
        self.error = error_label()
        self.delete_action = delete_action(self.tree, self.delete_note)
        self.undo_notice = UndoNotice()
        self.undo_notice.undone.connect(self._after_change)
        undo = QAction(self)
        undo.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        undo.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.triggered.connect(self.undo_notice.undo)
        self.addAction(undo)
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.undo_notice)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.tree.setHeaderLabels([_("When"), _("Kind"), _("What")])
        self.tree.setAccessibleName(_("Timeline"))
        self.note.setPlaceholderText(_("Write a note and press Enter"))
        self.note.setAccessibleName(_("New note"))
        self.add_button.setText(_("Add note"))
        self.open_button.setText(_("Open PDF"))
        self.delete_action.setText(_("&Delete note"))
        self.open_button.setToolTip(_("Opens the selected document where it was saved as PDF (Enter on its line)."))
        self.reload()

    def events(self) -> list[timeline.Event]:
        """The record's events; none when the record is gone (a window that outlived its record or its
        profile is still told when the language changes)."""
        try:
            if self.case_id:
                return timeline.for_case(self.case_id)
            return timeline.for_person(self.person_id) if self.person_id else []
        except DoesNotExist:
            return []

    def reload(self) -> None:
        if not store_db.is_open():
            return  # the window outlived the profile (closing down)
        self.tree.clear()
        now = dt.datetime.now()
        for event in self.events():
            when = (  # the list formats of every list: a day, or a day and its time
                i18n.fmt_list_date(event.when.date())
                if event.when.time() in (dt.time(), dt.time(23, 59))
                else i18n.fmt_list_datetime(event.when)
            )
            item = QTreeWidgetItem([when, _(KINDS.get(event.kind, event.kind)), event.text])
            if event.kind == "note":
                item.setData(1, Qt.ItemDataRole.UserRole, event.record_id)
            if event.file:
                item.setData(0, Qt.ItemDataRole.UserRole, event.file)
                item.setToolTip(2, event.file)
            if event.when > now:
                font = item.font(0)
                font.setItalic(True)  # still to come
                for column in range(3):
                    item.setFont(column, font)
            self.tree.addTopLevelItem(item)
        for column in range(2):
            self.tree.resizeColumnToContents(column)
        if self.tree.topLevelItemCount():
            self.tree.scrollToItem(self.tree.topLevelItem(self.tree.topLevelItemCount() - 1))
        self._update_open_button()

    def _current_file(self) -> str:
        item = self.tree.currentItem()
        return str(item.data(0, Qt.ItemDataRole.UserRole) or "") if item is not None else ""

    def _update_open_button(self) -> None:
        self.open_button.setEnabled(bool(self._current_file()))

    def open_file(self) -> bool:
        """Open the selected line's saved PDF in the system's viewer; say so when the file is gone."""
        file = self._current_file()
        if not file:
            return False
        if not Path(file).is_file():
            show_error(
                self.error,
                lambda: _("The PDF is no longer where it was saved ({file}): moved, renamed or deleted.").format(
                    file=file
                ),
            )
            return False
        show_error(self.error, "")
        return QDesktopServices.openUrl(QUrl.fromLocalFile(file))

    def delete_note(self) -> None:
        """Delete the selected note (Del); Undo (Ctrl+Z) restores it while the timeline is open."""
        item = self.tree.currentItem()
        note_id = item.data(1, Qt.ItemDataRole.UserRole) if item is not None else None
        if not note_id:
            return
        done = delete_record(self, "note", str(note_id))
        if done is not None:
            self.undo_notice.offer(done)
            self._after_change()

    def _after_change(self) -> None:
        self.reload()
        self.changed.emit()

    def _add_note(self) -> None:
        try:
            timeline.add_note(self.note.text(), case_id=self.case_id, person_id=self.person_id)
        except ValidationError as exc:
            show_error(self.error, str(exc))
            return
        show_error(self.error, "")
        self.note.clear()
        self.reload()
        self.changed.emit()
