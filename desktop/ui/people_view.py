"""The People area: a lazily loaded list of everyone, and the editor."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import people
from desktop.core.store.models import Person
from desktop.i18n import _
from desktop.ui.common import Retranslatable, area_title, fit_columns, header_row, list_table
from desktop.ui.person_editor import PersonEditor
from desktop.ui.search_widgets import FOUND_AS_COLUMN, PeopleSearchModel, SearchField


def people_model(parent: QWidget | None = None) -> PeopleSearchModel:
    return PeopleSearchModel(parent)


class PeopleView(Retranslatable, QWidget):
    """List of people with a search field, New and Edit; Enter or a double click opens the editor."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = people_model(self)
        self.table = list_table(self.model, self._open_index)
        self.title = area_title()
        self.count_label = QLabel()
        self.search_field = SearchField()
        self.search_field.textChanged.connect(self.search)
        self.search_field.returnPressed.connect(self.focus_list)
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self.new_person)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit_current)
        top = header_row(self.title, self.search_field, self.count_label, self.new_button, self.edit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.refresh()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText(_("People"))
        self.new_button.setText(_("New person"))
        self.new_button.setToolTip(_("Create a new person (Ctrl+N)"))
        self.edit_button.setText(_("Edit"))
        self.edit_button.setToolTip(_("Open the selected person (Enter)"))
        self.table.setAccessibleName(_("People"))
        self._update_count()
        self.model.retranslate()

    def refresh(self) -> None:
        self.model.reload()
        self.table.setColumnHidden(FOUND_AS_COLUMN, not self.model.searching())
        fit_columns(self.table)
        self._update_count()
        if self.model.rowCount():
            self.table.selectRow(0)

    def search(self, text: str) -> None:
        """Show the people matching ``text`` (everyone when it is empty), best match first."""
        self.model.set_query(text)
        self.table.setColumnHidden(FOUND_AS_COLUMN, not self.model.searching())
        self._update_count()
        if self.model.rowCount():
            self.table.selectRow(0)

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def _update_count(self) -> None:
        self.count_label.setText(self.model.count_text())

    def selected_person_id(self) -> str | None:
        index = self.table.currentIndex()
        hit = self.model.row_at(index.row()) if index.isValid() else None
        return hit.row.id if hit else None

    def _open_index(self, index: QModelIndex) -> None:
        hit = self.model.row_at(index.row())
        if hit is not None:
            self.open_person(hit.row.id)

    def edit_current(self) -> None:
        person_id = self.selected_person_id()
        if person_id:
            self.open_person(person_id)

    def open_person(self, person_id: str) -> None:
        editor = PersonEditor(Person.get_by_id(person_id), self)
        saved = editor.exec()
        if saved:
            self.show_saved(person_id, new=False)
        if saved or editor.tabs_changed:  # a case, document or household saved from a tab, even when cancelled
            self.changed.emit()

    def new_person(self) -> None:
        editor = PersonEditor(None, self)
        if editor.exec() and editor.person is not None:
            self.show_saved(editor.person.id, new=True)
            self.changed.emit()
        elif editor.open_instead:
            self.open_person(editor.open_instead)

    def show_saved(self, person_id: str, new: bool) -> None:
        """Keep the user's place: an edited row changes in place, a new one is loaded and selected."""
        row = people.person_row(person_id)
        if row is None:
            return
        if not new:
            for i in range(self.model.rowCount()):
                if self.model.row_at(i).row.id == person_id:  # type: ignore[union-attr]
                    self.model.replace_person(i, row)
                    return
        if self.model.searching():
            self.search_field.clear()  # a new person is shown in the whole list
        self.model.reload()
        self._update_count()
        found = self.model.reveal((row.sort_key, row.id), lambda h: h.row.id == person_id)
        if found is not None:
            self.table.selectRow(found)
            self.table.scrollTo(self.model.index(found, 0))

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
