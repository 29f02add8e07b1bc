"""A case's document checklist: have / copied / submitted (when, how) / receipt received.

Every tick is saved at once through the change log (each item is its own travelling record); the table is
updated in place, so the current cell and the keyboard focus stay where they were.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core import cases
from desktop.core.errors import ValidationError
from desktop.core.store import db as store_db
from desktop.core.store.models import Case, ChecklistItem
from desktop.core.validation import DateInputError, parse_german_date
from desktop.i18n import N_, _
from desktop.ui.common import Retranslatable, enter_activates, error_label, show_error

COLUMNS = (N_("Document"), N_("Have"), N_("Copied"), N_("Submitted on"), N_("How"), N_("Receipt"))
CHECKS = {1: "have", 2: "copied", 5: "receipt"}


class ChecklistWidget(Retranslatable, QWidget):
    changed = Signal()

    def __init__(self, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case_id = case_id
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Tab leaves the table (the arrow keys move between cells); Enter stays in it (the case editor would take
        # it for Save) and opens the cell: the date for typing, the "How" list for choosing.
        self.table.setTabKeyNavigation(False)
        enter_activates(self.table)
        self.table.activated.connect(self._open_cell)
        self.table.itemChanged.connect(self._item_changed)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self._add)
        self.error = error_label()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.table)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self._loading = False
        self.table.setWordWrap(True)
        self.retranslate_ui()  # fills the table

    def retranslate_ui(self) -> None:
        self.hint.setText(_("Ticks are saved at once. Record when and how each document was handed in."))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.setAccessibleName(_("Document checklist"))
        self.add_button.setText(_("Add document…"))
        self.reload()

    def reload(self) -> None:
        """Show what is stored: row by row in place while the items are the same ones (the current cell, an
        open "How" list and the focus stay), else the table is built anew and the current item kept."""
        if not store_db.is_open():
            return  # the window outlived the profile (closing down)
        self._loading = True
        case = Case.get_by_id(self.case_id)
        items = cases.checklist(self.case_id)
        if [item.id for item in items] != self._row_ids():
            self._rebuild(items)
        for row, item in enumerate(items):
            self._fill_row(row, item, case.case_type)
        header = self.table.horizontalHeader()
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        self._loading = False

    def _row_ids(self) -> list[str]:
        return [
            self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) if self.table.item(row, 0) else ""
            for row in range(self.table.rowCount())
        ]

    def _rebuild(self, items: list[ChecklistItem]) -> None:
        """New rows for ``items`` (filled by _fill_row); the current item and column stay current."""
        current_id = self._row_ids()[self.table.currentRow()] if self.table.currentRow() >= 0 else None
        column = max(0, self.table.currentColumn())
        had_focus = self.table.hasFocus()
        self.table.clearContents()  # also deletes the previous rows' combo boxes
        self.table.setRowCount(0)
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            name = QTableWidgetItem()
            name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            name.setData(Qt.ItemDataRole.UserRole, item.id)
            self.table.setItem(row, 0, name)
            for column_ in CHECKS:
                check = QTableWidgetItem()
                check.setFlags(
                    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
                )
                check.setCheckState(Qt.CheckState.Unchecked)  # a check box from the start (_fill_row ticks it)
                self.table.setItem(row, column_, check)
            self.table.setItem(row, 3, QTableWidgetItem())
            how = QComboBox()
            for key in cases.HOW_LABELS:
                how.addItem("", key)
            how.currentIndexChanged.connect(
                lambda _i, item_id=item.id, combo=how: self._how_changed(item_id, combo.currentData())
            )
            self.table.setCellWidget(row, 4, how)
        # Tab goes from the table through the "How" lists, in row order, to the Add button.
        previous: QWidget = self.table
        for row in range(len(items)):
            QWidget.setTabOrder(previous, self.table.cellWidget(row, 4))
            previous = self.table.cellWidget(row, 4)
        QWidget.setTabOrder(previous, self.add_button)
        ids = [item.id for item in items]
        if current_id in ids:
            self.table.setCurrentCell(ids.index(current_id), column)
            if had_focus:
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill_row(self, row: int, item: ChecklistItem, case_type: str) -> None:
        """Row ``row`` shows ``item`` as stored, in the UI language (signals of the combo held back)."""
        label = cases.checklist_label(item, case_type)
        name = self.table.item(row, 0)
        name.setText(label)
        name.setToolTip(label)
        for column, field in CHECKS.items():
            state = Qt.CheckState.Checked if getattr(item, field) else Qt.CheckState.Unchecked
            if self.table.item(row, column).checkState() != state:
                self.table.item(row, column).setCheckState(state)
        date = self.table.item(row, 3)
        date.setText(i18n.fmt_date_german(item.submitted_on))
        date.setToolTip(_("DD.MM.YYYY"))
        how = self.table.cellWidget(row, 4)
        how.blockSignals(True)
        for i in range(how.count()):
            how.setItemText(i, _(cases.HOW_LABELS[how.itemData(i)]))
        how.setCurrentIndex(max(0, how.findData(item.submitted_how)))
        how.blockSignals(False)
        how.setAccessibleName(_("How “{document}” was handed in").format(document=label))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.table.resizeRowsToContents()  # wrapped document names get the height they need

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.table.resizeRowsToContents()

    def _item_changed(self, cell: QTableWidgetItem) -> None:
        if self._loading:
            return
        item_id = self.table.item(cell.row(), 0).data(Qt.ItemDataRole.UserRole)
        if cell.column() in CHECKS:
            self._save(item_id, {CHECKS[cell.column()]: cell.checkState() == Qt.CheckState.Checked})
        elif cell.column() == 3:
            text = cell.text().strip()
            try:
                day = parse_german_date(text)
            except DateInputError as exc:
                # The cell goes back to what is stored, so that nobody reads a date that was not recorded.
                show_error(self.error, _("“{text}” was not saved: {reason}").format(text=text, reason=str(exc)))
                self.reload()
                return
            self._save(item_id, {"submitted_on": day})

    def _open_cell(self, index: QModelIndex) -> None:
        """Enter on a cell: the date is typed, the “How” list gets the focus (Space ticks the boxes)."""
        if index.column() == 3:
            self.table.edit(index)
        elif index.column() == 4:
            self.table.cellWidget(index.row(), 4).setFocus(Qt.FocusReason.OtherFocusReason)

    def _how_changed(self, item_id: str, how: str) -> None:
        if not self._loading:
            self._save(item_id, {"submitted_how": how})

    def _save(self, item_id: str, values: dict) -> None:
        try:
            cases.update_checklist_item(item_id, values)
        except ValidationError as exc:
            show_error(self.error, str(exc))
            self.reload()  # the table shows what is stored, not the change that was refused
            return
        show_error(self.error, "")
        self.reload()
        self.changed.emit()

    def _add(self) -> None:
        text, ok = QInputDialog.getText(self, _("Add document"), _("Name of the document:"))
        if ok and text.strip():
            cases.add_checklist_item(self.case_id, text)
            self.reload()
            self.changed.emit()
