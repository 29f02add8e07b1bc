"""The Cases area: every case, newest first, loaded lazily; the case editor."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core import cases
from desktop.core.cases import CaseRow
from desktop.core.store.models import Case
from desktop.i18n import N_, _
from desktop.ui.case_editor import CaseEditor
from desktop.ui.common import Retranslatable, area_title, fit_columns, header_row, list_table
from desktop.ui.lazy_model import Column, LazyTableModel
from desktop.ui.search_widgets import PeopleFilter

CASE_COLUMNS: list[Column[CaseRow]] = [
    Column(N_("Opened"), lambda r: i18n.fmt_list_date(r.opened_on), align_right=True),
    Column(N_("Reference"), lambda r: r.reference),
    Column(N_("Case type"), lambda r: cases.case_type_label(r.case_type)),
    Column(N_("Authority"), lambda r: cases.authority_label(r.authority)),
    Column(N_("Status"), lambda r: cases.status_label(r.status)),
    Column(N_("Person"), lambda r: r.person_name),
]


def cases_model(parent: QWidget | None = None) -> LazyTableModel[CaseRow]:
    model: LazyTableModel[CaseRow] = LazyTableModel(
        CASE_COLUMNS,
        lambda after, limit: cases.page_cases(after, limit, model.people),
        lambda r: (r.opened_on.isoformat() if r.opened_on else "", r.id),
        lambda: cases.count_cases(model.people),
        parent,
    )
    return model


class CasesView(PeopleFilter, Retranslatable, QWidget):
    """List of cases with a search for their people, New and Edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = cases_model(self)
        self.table = list_table(self.model, self._open_index)
        self.title = area_title()
        self.count_label = QLabel()
        self.new_button = QPushButton()
        self.new_button.clicked.connect(lambda: self.new_case())
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit_current)
        top = header_row(self.title, self.add_search_field(), self.count_label, self.new_button, self.edit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.refresh()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText(_("Cases"))
        self.new_button.setText(_("New case"))
        self.new_button.setToolTip(_("Open a new case (Ctrl+Shift+N)"))
        self.edit_button.setText(_("Edit"))
        self.table.setAccessibleName(_("Cases"))
        self._update_count()
        self.model.retranslate()

    def refresh(self) -> None:
        self.update_filter()
        self.model.reload()
        fit_columns(self.table)
        self._update_count()
        if self.model.rowCount():
            self.table.selectRow(0)

    def _update_count(self) -> None:
        n = self.model.total
        self.count_label.setText(
            self.count_text(i18n.ngettext("{n} case", "{n} cases", n).format(n=i18n.fmt_number(n)))
        )

    def _open_index(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_case(row.id)

    def edit_current(self) -> None:
        index = self.table.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is not None:
            self.open_case(row.id)

    def open_case(self, case_id: str) -> None:
        editor = CaseEditor(Case.get_by_id(case_id), parent=self)
        saved = editor.exec()
        if saved:
            self.show_saved(case_id, new=False)
        if saved or editor.changed_inside:  # ticks, tasks and notes are saved at once, even when cancelled
            self.changed.emit()

    def new_case(self, person_id: str | None = None) -> None:
        editor = CaseEditor(None, person_id=person_id, parent=self)
        if editor.exec() and editor.case is not None:
            self.show_saved(editor.case.id, new=True)
            self.changed.emit()

    def show_saved(self, case_id: str, new: bool) -> None:
        """Keep the user's place: an edited row changes in place, a new one is loaded and selected."""
        row = cases.case_row(case_id)
        if row is None:
            return
        if not new:
            for i in range(self.model.rowCount()):
                if self.model.row_at(i).id == case_id:  # type: ignore[union-attr]
                    self.model.replace_row(i, row)
                    return
        self.model.reload()
        self._update_count()
        key = (row.opened_on.isoformat() if row.opened_on else "", row.id)
        found = self.model.reveal(key, lambda r: r.id == case_id)
        if found is not None:
            self.table.selectRow(found)
            self.table.scrollTo(self.model.index(found, 0))

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
