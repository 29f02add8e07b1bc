"""The People area: a lazily loaded list of everyone, and the editor."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core import people
from desktop.core.people import PersonRow
from desktop.core.store.models import Person
from desktop.i18n import N_, _
from desktop.ui.common import Retranslatable, list_table
from desktop.ui.lazy_model import Column, LazyTableModel
from desktop.ui.person_editor import PersonEditor


def _cyrillic(row: PersonRow) -> str:
    return " ".join(p for p in (row.family_name_cyr, row.given_name_cyr) if p)


PEOPLE_COLUMNS: list[Column[PersonRow]] = [
    Column(N_("Family name"), lambda r: r.family_name),
    Column(N_("Given name"), lambda r: r.given_name),
    Column(N_("In Cyrillic"), _cyrillic),
    Column(N_("Date of birth"), lambda r: i18n.fmt_date(r.birth_date), align_right=True),
    Column(N_("City"), lambda r: r.city),
    Column(N_("Phone"), lambda r: r.phone),
]


def people_model(parent: QWidget | None = None) -> LazyTableModel[PersonRow]:
    return LazyTableModel(PEOPLE_COLUMNS, people.page_people, lambda r: (r.sort_key, r.id), people.count_people, parent)


class PeopleView(Retranslatable, QWidget):
    """List of people with New and Edit; Enter or a double click opens the editor."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = people_model(self)
        self.table = list_table(self.model, self._open_index)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.count_label = QLabel()
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self.new_person)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit_current)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
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
        self.table.resizeColumnsToContents()
        self._update_count()
        if self.model.rowCount():
            self.table.selectRow(0)

    def _update_count(self) -> None:
        n = self.model.total
        self.count_label.setText(i18n.ngettext("{n} person", "{n} people", n).format(n=i18n.fmt_number(n)))

    def selected_person_id(self) -> str | None:
        index = self.table.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        return row.id if row else None

    def _open_index(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_person(row.id)

    def edit_current(self) -> None:
        person_id = self.selected_person_id()
        if person_id:
            self.open_person(person_id)

    def open_person(self, person_id: str) -> None:
        editor = PersonEditor(Person.get_by_id(person_id), self)
        if editor.exec():
            self.show_saved(person_id, new=False)
            self.changed.emit()

    def new_person(self) -> None:
        editor = PersonEditor(None, self)
        if editor.exec() and editor.person is not None:
            self.show_saved(editor.person.id, new=True)
            self.changed.emit()

    def show_saved(self, person_id: str, new: bool) -> None:
        """Keep the user's place: an edited row changes in place, a new one is loaded and selected."""
        row = people.person_row(person_id)
        if row is None:
            return
        if not new:
            for i in range(self.model.rowCount()):
                if self.model.row_at(i).id == person_id:  # type: ignore[union-attr]
                    self.model.replace_row(i, row)
                    return
        self.model.reload()
        self._update_count()
        found = self.model.reveal((row.sort_key, row.id), lambda r: r.id == person_id)
        if found is not None:
            self.table.selectRow(found)
            self.table.scrollTo(self.model.index(found, 0))

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
