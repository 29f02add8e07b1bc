"""File › Import people from spreadsheet: check every row first, then import all or nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core import importer
from desktop.core.errors import UserError
from desktop.i18n import _
from desktop.ui.common import DialogButtons, Retranslatable, ask_open_file, error_label, show_error


class ImportDialog(Retranslatable, QDialog):
    """Shows which column goes where, every problem with its line, and imports only a clean sheet."""

    def __init__(self, parent: QWidget | None = None, path: str | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(760, 560)
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.columns = QTreeWidget()
        self.columns.setRootIsDecorated(False)
        self.columns.setColumnCount(2)
        self.problems = QTreeWidget()
        self.problems.setRootIsDecorated(False)
        self.problems.setColumnCount(3)
        self.problems.setWordWrap(True)  # a long reason wraps in its column instead of running off
        self.duplicate_label = QLabel()
        self.duplicate_label.setWordWrap(True)
        self.duplicate_choice = QComboBox()
        self.duplicate_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for key in importer.DUPLICATE_CHOICES:
            self.duplicate_choice.addItem("", key)
        self.duplicate_label.setBuddy(self.duplicate_choice)
        duplicate_row = QVBoxLayout()  # the question above its answers: both are long in Ukrainian
        duplicate_row.addWidget(self.duplicate_label)
        duplicate_row.addWidget(self.duplicate_choice, 0, Qt.AlignmentFlag.AlignLeft)
        self.error = error_label()
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Cancel, accept_text="")
        self.import_button = self.buttons.accept_button
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self._import)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.columns, 1)
        layout.addWidget(self.problems, 2)
        layout.addLayout(duplicate_row)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.plan: importer.ImportPlan | None = None
        self.likely_duplicates: list[importer.LikelyDuplicate] = []
        self.created: list[str] = []  # the people created or merged into
        self.result_of_import: importer.ImportResult | None = None
        self.retranslate_ui()
        if path:
            self.load(path)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Import people from a spreadsheet"))
        self.browse.setText(_("Choose file…"))
        self.columns.setHeaderLabels([_("Column in the sheet"), _("Goes into")])
        self.problems.setHeaderLabels([_("Line"), _("Column"), _("Problem")])
        self._fit_columns()
        self.problems.setAccessibleName(_("Problems"))
        self.import_button.setText(_("Import"))
        self.duplicate_label.setText(_("Rows that may be someone already here or an earlier row:"))
        for i, text in enumerate(
            (
                _("merge into the existing person (fill empty fields)"),
                _("import as new people anyway"),
                _("leave them out"),
            )
        ):
            self.duplicate_choice.setItemText(i, text)
        if self.plan is None:
            self.summary.setText(
                _(
                    "Choose a CSV or Excel (XLSX) file. Every row is checked first; "
                    "nothing is imported while a row has a problem."
                )
            )
        else:
            self._show()

    def _browse(self) -> None:
        name = ask_open_file(self, _("Choose a spreadsheet"), str(Path.home()), _("Spreadsheets (*.csv *.xlsx *.txt)"))
        if name:
            self.load(name)

    def load(self, path: str) -> None:
        self.path.setText(path)
        try:
            self.plan = importer.plan_import(path)
        except UserError as exc:
            self.plan = None
            show_error(self.error, str(exc))
            self.import_button.setEnabled(False)
            return
        show_error(self.error, "")
        self.likely_duplicates = importer.likely_duplicates(self.plan) if not self.plan.errors else []
        self._show()

    def _show(self) -> None:
        plan = self.plan
        if plan is None:
            return
        from desktop.ui.person_editor import LAYOUT

        labels = {key: f"{_(label)} ({_(group)})" for group, fields in LAYOUT for key, label in fields}
        labels["notes"] = _("Notes")
        self.columns.clear()
        for heading, field in plan.columns.items():
            self.columns.addTopLevelItem(
                QTreeWidgetItem([heading, labels.get(field, field) if field else _("(ignored)")])
            )
        self.problems.clear()
        for problem in plan.errors:
            self.problems.addTopLevelItem(QTreeWidgetItem([str(problem.line), problem.column or "", problem.reason]))
        for warning in plan.warnings:
            self.problems.addTopLevelItem(QTreeWidgetItem(["", "", str(warning)]))
        for likely in self.likely_duplicates:
            self.problems.addTopLevelItem(QTreeWidgetItem([str(likely.line), "", str(likely)]))
        self.duplicate_label.setVisible(bool(self.likely_duplicates))
        self.duplicate_choice.setVisible(bool(self.likely_duplicates))
        rows, bad = len(plan.rows), len({e.line for e in plan.errors})
        if bad:
            self.summary.setText(
                i18n.ngettext(
                    "{n} row has a problem. Correct the sheet and choose it again; nothing is imported until every "
                    "row is right.",
                    "{n} rows have problems. Correct the sheet and choose it again; nothing is imported until every "
                    "row is right.",
                    bad,
                ).format(n=bad)
            )
        else:
            self.summary.setText(
                i18n.ngettext(
                    "{n} person is ready to be imported.", "{n} people are ready to be imported.", rows
                ).format(n=rows)
            )
        self.import_button.setEnabled(not bad and rows > 0)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Every column but the last as wide as its heading and its cells (the sheet's headings, the line
        numbers); the last one takes the rest, and a long problem wraps in it."""
        for tree, fitted in ((self.columns, 1), (self.problems, 2)):
            for column in range(fitted):
                tree.resizeColumnToContents(column)

    def _import(self) -> None:
        if self.plan is None:
            return
        try:
            self.result_of_import = importer.apply_import(self.plan, str(self.duplicate_choice.currentData()))
            self.created = list(self.result_of_import)
        except UserError as exc:
            show_error(self.error, str(exc))
            return
        self.accept()
