"""Tools › Audit log…: who did what with the data on this laptop and when (never content), newest first,
and a check that the log's hash chain is whole."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop import i18n
from desktop.core import audit
from desktop.core.sync.conflicts import record_label
from desktop.i18n import N_, _
from desktop.ui.common import ERROR_STYLE, DialogButtons, Retranslatable
from desktop.ui.lazy_model import Column, LazyTableModel
from desktop.ui.list_area import AreaTexts, ListArea

AUDIT_COLUMNS: list[Column[audit.Entry]] = [
    Column(N_("No."), lambda e: i18n.fmt_number(e.seq), align_right=True),
    Column(N_("Time"), lambda e: i18n.fmt_list_datetime(audit.local_time(e.at)), align_right=True),
    Column(N_("Action"), lambda e: audit.kind_label(e.kind)),
    Column(N_("Record"), lambda e: record_label(e.record_type) if e.record_type else ""),
    Column(N_("Id"), lambda e: audit.short_id(e.record_id)),
    Column(N_("Details"), lambda e: audit.details_text(e.kind, e.count, e.detail)),
]


class AuditArea(ListArea):
    """The audit log as a list area: a filter by kind of entry, the count, the lazy table and Verify.

    It only reads: there is nothing to create, edit, delete or search for by name.
    """

    FILTERS: ClassVar[dict[str, str]] = {key: label for key, (label, _kinds) in audit.GROUPS.items()}

    def __init__(self, parent: QWidget | None = None) -> None:
        self.verify_button = QPushButton()
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        super().__init__(parent)
        for widget in (self.search_field, self.new_button, self.edit_button):
            widget.hide()
        self.verify_button.clicked.connect(self.verify)
        self.result.hide()

    def make_model(self) -> LazyTableModel[audit.Entry]:
        return LazyTableModel(
            AUDIT_COLUMNS,
            lambda after, limit: audit.entries(after, limit, self.kinds()),
            lambda e: e.seq,
            lambda: audit.count(self.kinds()),
            self,
            descending=True,
        )

    def kinds(self) -> tuple[str, ...]:
        return audit.GROUPS[self.current_filter()][1]

    def texts(self) -> AreaTexts:
        return AreaTexts(_("Audit log"), "", "", filter_name=_("Which entries to show"))

    def count_of(self, n: int) -> str:
        return i18n.ngettext("{n} entry", "{n} entries", n)

    def header_buttons(self) -> Sequence[QWidget]:
        return (self.verify_button,)

    def below_table(self) -> Sequence[QWidget]:
        return (self.result,)

    def update_filter(self) -> None:
        """The list is narrowed by its filter only (no person search)."""

    def new_record(self) -> None:
        """Nothing to create: the log is written by the app."""

    def open_record(self, record_id: str) -> None:
        """An entry opens nothing: its record may be gone or erased."""

    def saved_row(self, record_id: str) -> None:
        return None

    def row_id(self, row: audit.Entry) -> str:
        return str(row.seq)

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self.verify_button.setText(_("&Verify"))
        self.verify_button.setToolTip(_("Check that no entry of the log was removed, reordered or changed"))
        if self.result.isVisible() or self.result.text():
            self.verify()

    def verify(self) -> None:
        """Check the chain and say whether it is whole (entries written meanwhile are listed too)."""
        broken = audit.verify()
        self.refresh()
        if broken is None:
            self.result.setStyleSheet("")
            self.result.setText(_("The audit log is whole: no entry was removed, reordered or changed."))
        else:
            self.result.setStyleSheet(ERROR_STYLE)
            self.result.setText(
                _("Entry {seq} of the audit log is broken: {what}.").format(
                    seq=i18n.fmt_number(broken.seq), what=broken.text()
                )
            )
        self.result.show()


class AuditDialog(Retranslatable, QDialog):
    """Tools › Audit log…: read only; Escape or Close closes it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(760, 420)
        self.resize(980, 560)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.area = AuditArea(self)
        # Escape or Close closes it; Enter does not (it would close the log while choosing a filter).
        self.close_box = DialogButtons(self, QDialogButtonBox.StandardButton.Close)
        self.close_box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.area, 1)
        layout.addWidget(self.close_box)
        self.retranslate_ui()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.area.focus_list()  # the arrow keys move through the entries at once

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Audit log"))
        self.intro.setText(
            _(
                "What was done with the data on this laptop, by whom and when: never the content. Each entry "
                "is chained to the one before it, so an entry removed, reordered or changed is found by Verify."
            )
        )
