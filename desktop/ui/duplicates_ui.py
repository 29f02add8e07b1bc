"""Duplicate warnings when a person is entered, and Tools > Find duplicates with merging."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core.people import PersonRow
from desktop.core.search import duplicates
from desktop.core.store.models import person_name
from desktop.i18n import _
from desktop.ui.common import DialogButtons, Retranslatable
from desktop.ui.worker import run_in_background

OPEN, MERGE, NEW, CANCEL = "open", "merge", "new", "cancel"


def describe_name(row: PersonRow) -> str:
    """'KOVALENKO, OLENA (Коваленко Олена)'."""
    name = person_name(row.family_name, row.given_name, row.family_name_cyr, row.given_name_cyr)
    cyrillic = " ".join(p for p in (row.family_name_cyr, row.given_name_cyr) if p)
    return f"{name} ({cyrillic})" if cyrillic and row.family_name else name


def describe(row: PersonRow) -> str:
    """'KOVALENKO, OLENA (Коваленко Олена), 12.03.1985'."""
    name = describe_name(row)
    return f"{name}, {i18n.fmt_date(row.birth_date)}" if row.birth_date else name


def ask_about_duplicates(parent: QWidget | None, found: list[PersonRow]) -> tuple[str, str | None]:
    """Tell the user who already exists; returns (OPEN | MERGE | NEW | CANCEL, the existing person's id)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("This person may already exist"))
    box.setText(
        i18n.ngettext(
            "A person with the same date of birth and a matching name (in some spelling) already exists:",
            "People with the same date of birth and a matching name (in some spelling) already exist:",
            len(found),
        )
        + "\n\n"
        + "\n".join(describe(r) for r in found)
    )
    box.setInformativeText(_("Open the existing record, merge what you entered into it, or save a new person anyway?"))
    open_button = box.addButton(_("Open existing"), QMessageBox.ButtonRole.AcceptRole)
    merge_button = box.addButton(_("Merge into existing"), QMessageBox.ButtonRole.AcceptRole)
    new_button = box.addButton(_("Save as new person"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(open_button)
    box.exec()
    clicked = box.clickedButton()
    choice = {open_button: OPEN, merge_button: MERGE, new_button: NEW}.get(clicked, CANCEL)
    return choice, found[0].id


def ask_which_to_keep(parent: QWidget | None, first: PersonRow, second: PersonRow) -> str | None:
    """Which record of a pair to keep when merging (the other is merged into it), or None."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Merge two records"))
    box.setText(
        _(
            "Merge these two records of one person? The kept record gets the other's cases, documents, "
            "appointments, tasks and notes, and its empty fields are filled in from the other."
        )
        + f"\n\n1: {describe(first)}\n2: {describe(second)}"
    )
    keep_first = box.addButton(_("Keep 1"), QMessageBox.ButtonRole.AcceptRole)
    keep_second = box.addButton(_("Keep 2"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return {keep_first: first.id, keep_second: second.id}.get(box.clickedButton())


class DuplicatesDialog(Retranslatable, QDialog):
    """Likely pairs of records of one person, with Open, Merge and "Not the same person"."""

    changed = Signal()
    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(900, 420)
        self.pairs: list[duplicates.Pair] = []
        self._searches = 0
        self.status = QLabel()
        self.table = QTableWidget(0, 4)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        # Names share the width; the date and the mark fit their heading too (also before a search ends).
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.open_first = QPushButton()
        self.open_second = QPushButton()
        self.merge_button = QPushButton()
        self.distinct_button = QPushButton()
        self.show_distinct = QCheckBox()
        self.open_first.clicked.connect(lambda: self._open(0))
        self.open_second.clicked.connect(lambda: self._open(1))
        self.merge_button.clicked.connect(self.merge_selected)
        self.distinct_button.clicked.connect(self.toggle_distinct)
        self.show_distinct.toggled.connect(lambda _checked: self.search())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        buttons = QHBoxLayout()
        for button in (self.open_first, self.open_second, self.merge_button, self.distinct_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.show_distinct)
        self.close_box = DialogButtons(self, QDialogButtonBox.StandardButton.Close)
        self.close_box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.close_box)
        self.retranslate_ui()
        self.search()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Find duplicates"))
        self.table.setHorizontalHeaderLabels([_("Record 1"), _("Record 2"), _("Date of birth"), _("Marked")])
        self.table.setAccessibleName(_("Likely duplicate pairs"))
        self.open_first.setText(_("Open record &1"))
        self.open_second.setText(_("Open record &2"))
        self.merge_button.setText(_("&Merge…"))
        self.show_distinct.setText(_("&Show pairs marked as different people"))
        for row, pair in enumerate(self.pairs):
            marked = self.table.item(row, 3)
            if marked is not None:
                marked.setText(_("different people") if pair.distinct else "")
        self._selection_changed()
        self._show_status()

    def search(self) -> None:
        """Look for pairs in the background; the list fills in when done."""
        self.status.setText(_("Looking for people entered twice…"))
        self._set_buttons(False)
        include = self.show_distinct.isChecked()
        self._searches += 1
        searched = self._searches

        def found(pairs: list[duplicates.Pair]) -> None:
            if searched == self._searches:  # an older search that ends late is not shown
                self._found(pairs)

        run_in_background(lambda: duplicates.find_duplicates(include_distinct=include), found, self._failed, self)

    def _found(self, pairs: list[duplicates.Pair]) -> None:
        self.pairs = pairs
        self.table.setRowCount(len(pairs))
        for i, pair in enumerate(pairs):
            for column, text in enumerate((describe_name(pair.first), describe_name(pair.second))):
                self.table.setItem(i, column, QTableWidgetItem(text))
            born = QTableWidgetItem(i18n.fmt_list_date(pair.first.birth_date))
            born.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(i, 2, born)
            self.table.setItem(i, 3, QTableWidgetItem(_("different people") if pair.distinct else ""))
        self.table.setColumnHidden(3, not any(p.distinct for p in pairs))
        self._set_buttons(bool(pairs))
        if pairs:
            self.table.selectRow(0)
        self._selection_changed()
        self._show_status()

    def _failed(self, exc: Exception) -> None:
        self.status.setText(_("Could not look for duplicates ({kind}).").format(kind=type(exc).__name__))

    def _show_status(self) -> None:
        if not hasattr(self, "pairs"):
            return
        n = sum(not p.distinct for p in self.pairs)
        self.status.setText(
            i18n.ngettext(
                "{n} likely pair: same date of birth, matching name in some spelling.",
                "{n} likely pairs: same date of birth, matching name in some spelling.",
                n,
            ).format(n=n)
            if n
            else _("No likely duplicates found.")
        )

    def _set_buttons(self, enabled: bool) -> None:
        for button in (self.open_first, self.open_second, self.merge_button, self.distinct_button):
            button.setEnabled(enabled)

    def _selection_changed(self) -> None:
        pair = self.selected()
        self.distinct_button.setText(
            _("List as &likely duplicates again") if pair and pair.distinct else _("&Not the same person")
        )

    def toggle_distinct(self) -> None:
        """Mark the selected pair as two people (or take the mark back); the list is searched again."""
        pair = self.selected()
        if pair is None:
            return
        try:
            if pair.distinct:
                duplicates.unmark_distinct(pair.first.id, pair.second.id)
            else:
                duplicates.mark_distinct(pair.first.id, pair.second.id)
        except duplicates.MergeRefused as exc:
            self.status.setText(str(exc))
            return
        self.search()
        self.changed.emit()

    def selected(self) -> duplicates.Pair | None:
        row = self.table.currentRow()
        return self.pairs[row] if 0 <= row < len(self.pairs) else None

    def _open(self, which: int) -> None:
        pair = self.selected()
        if pair:
            self.open_requested.emit((pair.first, pair.second)[which].id)

    def merge_selected(self) -> None:
        pair = self.selected()
        if pair is None:
            return
        keep = ask_which_to_keep(self, pair.first, pair.second)
        if keep is None:
            return
        drop = pair.second.id if keep == pair.first.id else pair.first.id
        try:
            duplicates.merge_people(keep, drop)
        except duplicates.MergeRefused as exc:
            self.status.setText(str(exc))
            return
        self._found([p for p in self.pairs if drop not in (p.first.id, p.second.id)])
        self.search()  # the kept record may pair with others now, and marks moved to it
        self.changed.emit()
