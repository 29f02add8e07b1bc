"""The case editor and the person picker it uses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core import cases, people
from desktop.core.errors import ValidationError
from desktop.core.store.models import Case, Person
from desktop.i18n import N_, _
from desktop.ui.common import GuardedEditor, LabelledForm, Retranslatable, error_label, show_error
from desktop.ui.lazy_model import LazyTableModel


class PersonPicker(Retranslatable, QDialog):
    """Choose a person from the (lazily loaded) list, narrowed by the start of the name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from desktop.ui.people_view import PEOPLE_COLUMNS

        self.setMinimumSize(640, 420)
        self.filter = QLineEdit()
        self.model: LazyTableModel[people.PersonRow] = LazyTableModel(
            PEOPLE_COLUMNS, self._page, lambda r: (r.sort_key, r.id), None, self
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.activated.connect(lambda _i: self.accept())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        self.filter.textChanged.connect(lambda _t: self._reload())
        self._reload()
        self.retranslate_ui()

    def _page(self, after: Any, limit: int) -> list[people.PersonRow]:
        return people.page_people(after, limit, prefix=self.filter.text())

    def _reload(self) -> None:
        self.model.reload()
        if self.model.rowCount():
            self.table.selectRow(0)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Choose a person"))
        self.filter.setPlaceholderText(_("Type the start of the family name"))
        self.model.retranslate()

    def chosen_id(self) -> str | None:
        index = self.table.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        return row.id if row else None


class CaseEditor(GuardedEditor, Retranslatable, QDialog):
    """Create or edit a case: type, authority, status, person, dates, notes."""

    def __init__(self, case: Case | None = None, person_id: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.case = case
        self.person_id = case.person_id if case else person_id
        self.setMinimumWidth(560)
        self.person_label = QLabel()
        self.person_button = QPushButton()
        self.person_button.clicked.connect(self._choose_person)
        person_row = QHBoxLayout()
        person_row.addWidget(self.person_label, 1)
        person_row.addWidget(self.person_button)
        self.case_type = QComboBox()
        self.authority = QComboBox()
        self.status = QComboBox()
        self.title = QLineEdit()
        self.opened = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(100)
        self.error = error_label()
        self.form = LabelledForm()
        self.form.add(N_("Person"), person_row)
        self.form.add(N_("Case type"), self.case_type)
        self.form.add(N_("Authority"), self.authority)
        self.form.add(N_("Status"), self.status)
        self.form.add(N_("Title"), self.title)
        self.form.add(N_("Opened on"), self.opened)
        self.form.add(N_("Notes"), self.notes)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.case_type.currentIndexChanged.connect(self._type_changed)
        self._fill_choices()
        self._load()
        self.mark_clean()
        self.retranslate_ui()

    def snapshot(self) -> dict[str, object]:
        return {
            "person": self.person_id,
            "case_type": self.case_type.currentData(),
            "authority": self.authority.currentData(),
            "status": self.status.currentData(),
            "title": self.title.text(),
            "opened_on": self.opened.text(),
            "notes": self.notes.toPlainText(),
        }

    def _fill_choices(self) -> None:
        """(Re)fill the combo boxes with labels in the current language, keeping the selection."""
        for combo, items in (
            (self.case_type, [(t["key"], cases.case_type_label(t["key"])) for t in cases.case_types()]),
            (self.authority, [(a, cases.authority_label(a)) for a in cases.authorities()]),
            (self.status, [(s, cases.status_label(s)) for s in cases.STATUS_LABELS]),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for key, label in items:
                combo.addItem(label, key)
            if current is not None:
                combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Edit case") if self.case else _("New case"))
        self.form.retranslate(_)
        self.person_button.setText(_("Choose…"))
        self.opened.setPlaceholderText(_("DD.MM.YYYY"))
        self._fill_choices()
        self._show_person()

    def _show_person(self) -> None:
        person = Person.get_or_none(Person.id == self.person_id) if self.person_id else None
        self.person_label.setText(person.display_name() if person else _("(nobody chosen yet)"))

    def _choose_person(self) -> None:
        picker = PersonPicker(self)
        if picker.exec() and picker.chosen_id():
            self.person_id = picker.chosen_id()
            self._show_person()

    def _type_changed(self) -> None:
        if self.case is None:
            self.authority.setCurrentIndex(
                max(0, self.authority.findData(cases.default_authority(self.case_type.currentData())))
            )

    def _load(self) -> None:
        if self.case is None:
            self.opened.setText(i18n.fmt_date_german(dt.date.today()))
            self._type_changed()
            return
        self.case_type.setCurrentIndex(max(0, self.case_type.findData(self.case.case_type)))
        self.authority.setCurrentIndex(max(0, self.authority.findData(self.case.authority)))
        self.status.setCurrentIndex(max(0, self.status.findData(self.case.status)))
        self.title.setText(self.case.title)
        self.opened.setText(i18n.fmt_date_german(self.case.opened_on))
        self.notes.setPlainText(self.case.notes)

    def save(self) -> None:
        try:
            opened = i18n.parse_date(self.opened.text())
        except ValueError:
            show_error(self.error, _("This is not a valid date (DD.MM.YYYY)."))
            return
        values = {
            "person": self.person_id,
            "case_type": self.case_type.currentData(),
            "authority": self.authority.currentData(),
            "status": self.status.currentData(),
            "title": self.title.text().strip(),
            "opened_on": opened or dt.date.today(),
            "notes": self.notes.toPlainText().strip(),
        }
        try:
            if self.case is None:
                self.case = cases.create_case(values)
            else:
                changed = self.changed_keys()  # only what the user changed here
                cases.update_case(self.case.id, {k: v for k, v in values.items() if k in changed})
        except ValidationError as exc:
            show_error(self.error, str(exc))
            return
        self.mark_clean()
        self.accept()
