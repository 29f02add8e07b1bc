"""Retention review: what has been kept longer than the retention period, to erase or anonymise."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core.errors import UserError
from desktop.core.privacy import retention, words
from desktop.i18n import _
from desktop.ui.common import DialogButtons, Retranslatable, error_label, plain_label, show_error


def kind_text(kind: str) -> str:
    return retention.kind_label(kind)


def since_text(due: retention.Due) -> str:
    return i18n.fmt_list_date(due.since) if due.since.year > 1 else "–"


class RetentionDialog(Retranslatable, QDialog):
    """The list of what is due, every line ticked; Erase or Anonymise act on the ticked ones."""

    def __init__(self, parent: QWidget | None = None, due: list[retention.Due] | None = None) -> None:
        super().__init__(parent)
        self.due = retention.due() if due is None else due
        self.intro = plain_label()
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnCount(3)
        self.tree.setAlternatingRowColors(True)
        for d in self.due:
            item = QTreeWidgetItem([since_text(d), kind_text(d.kind), d.label])
            item.setCheckState(0, Qt.CheckState.Checked)
            item.setData(0, Qt.ItemDataRole.UserRole, d)
            self.tree.addTopLevelItem(item)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.error = error_label()
        self.erase_button = QPushButton()
        self.anonymise_button = QPushButton()
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.erase_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.anonymise_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.dismiss_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.buttons.settle()
        self.buttons.rejected.connect(self.reject)
        self.erase_button.clicked.connect(lambda: self._act(anonymise=False))
        self.anonymise_button.clicked.connect(lambda: self._act(anonymise=True))
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.tree)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(760, 460)
        self.acted = False
        self.retranslate_ui()
        self.tree.setFocus()
        if self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Retention review"))
        self.tree.setHeaderLabels([_("Since"), _("Kind"), _("Record")])
        months = retention.period_months()
        self.intro.setText(
            i18n.ngettext(
                "Closed cases and people without an open case or any activity for more than {months} month. "
                "Untick what must stay. Erasing removes them here and, through the next bundles, on every laptop. "
                "Anonymising keeps only a count per month for the statistics.",
                "Closed cases and people without an open case or any activity for more than {months} months. "
                "Untick what must stay. Erasing removes them here and, through the next bundles, on every laptop. "
                "Anonymising keeps only a count per month for the statistics.",
                months,
            ).format(months=months)
            if self.due
            else i18n.ngettext(
                "Nothing has been kept longer than {months} month.",
                "Nothing has been kept longer than {months} months.",
                months,
            ).format(months=months)
        )
        self.erase_button.setText(_("&Erase ticked…"))
        self.anonymise_button.setText(_("&Anonymise ticked…"))
        self.erase_button.setEnabled(bool(self.due))
        self.anonymise_button.setEnabled(bool(self.due))
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            item.setText(1, kind_text(item.data(0, Qt.ItemDataRole.UserRole).kind))

    def ticked(self) -> list[retention.Due]:
        return [
            item.data(0, Qt.ItemDataRole.UserRole)
            for item in (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
            if item.checkState(0) == Qt.CheckState.Checked
        ]

    def _act(self, *, anonymise: bool) -> None:
        chosen = self.ticked()
        if not chosen:
            show_error(self.error, _("Tick at least one line."))
            return
        if anonymise:
            question = i18n.ngettext(
                "Anonymise {n} record? Only a count per month is kept; the record and everything that belongs "
                "to it are erased. This cannot be undone.",
                "Anonymise {n} records? Only a count per month is kept; the records and everything that belongs "
                "to them are erased. This cannot be undone.",
                len(chosen),
            ).format(n=len(chosen))
        else:
            question = i18n.ngettext(
                "Erase {n} record and everything that belongs to it? This cannot be undone.",
                "Erase {n} records and everything that belongs to them? This cannot be undone.",
                len(chosen),
            ).format(n=len(chosen))
        if not self._confirm(question, _("Anonymise") if anonymise else _("Erase")):
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            counts = retention.anonymise(chosen) if anonymise else retention.erase(chosen)
        except UserError as exc:
            show_error(self.error, str(exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.acted = True
        what = words.count_text(counts)
        self.summary = (_("Anonymised (only counts kept): {what}.") if anonymise else _("Erased: {what}.")).format(
            what=what
        )
        self.accept()

    def _confirm(self, question: str, action: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, _("Retention review"), question, parent=self)
        go = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is go
