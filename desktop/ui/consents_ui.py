"""A person's consents and powers of attorney: the tab that lists them with their state, the editor, and
the notice shown where a missing consent matters (printing, an appointment, an export)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core import consents
from desktop.core.store import db as store_db
from desktop.core.store.models import Consent, Person
from desktop.i18n import N_, _
from desktop.ui.common import Retranslatable, date_check, enter_activates
from desktop.ui.editor import EditorDialog

#: How a state looks in the list: colour and a sign, always next to its words (never colour alone).
STATE_LOOK: dict[str, tuple[str, str]] = {
    consents.VALID: ("#2e7d32", "✔"),
    consents.EXPIRING: ("#a65e00", "⚠"),
    consents.EXPIRED: ("#b00020", "✖"),
    consents.WITHDRAWN: ("#6b6b6b", "⊘"),
    consents.NONE: ("#6b6b6b", "–"),
}


def state_text(state: str) -> str:
    return f"{STATE_LOOK[state][1]} {consents.state_label(state)}"


class ConsentNotice(Retranslatable, QLabel):
    """A non-blocking notice of missing consents (the user may go on); hidden when nothing is missing.

    It holds the warnings themselves, so a language change says them again without reading the database."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet("color: #8a4b00; background: #fff4e0; padding: 4px;")
        # As high as its lines: a dialog's spare height goes elsewhere.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.found: list[tuple[str, consents.ConsentWarning]] = []
        self.hide()

    def show_warnings(self, found: Sequence[consents.ConsentWarning | tuple[str, consents.ConsentWarning]]) -> None:
        """The warnings to show (with the person's name where several people are concerned)."""
        self.found = [item if isinstance(item, tuple) else ("", item) for item in found]
        self.retranslate_ui()

    def lines(self) -> list[str]:
        return [f"⚠ {name}: {w.text}" if name else f"⚠ {w.text}" for name, w in self.found]

    def retranslate_ui(self) -> None:
        self.setAccessibleName(_("Missing consent"))
        lines = self.lines()
        if lines:
            lines.append(_("You can go on all the same; please ask the person to sign first where you can."))
        self.setText("\n".join(lines))
        self.setVisible(bool(self.found))


def export_notice(selection: tuple[str, str, str] | None) -> ConsentNotice:
    """For the export dialog: people of the selected person or case without a data-processing consent."""
    notice = ConsentNotice()
    if selection is not None and store_db.is_open():
        kind, record_id, _text = selection
        notice.show_warnings(consents.export_warnings(consents.people_of_selection(kind, record_id)))
    return notice


#: Columns of the consents list: the state comes right after the kind, the (long) offices last.
STATE_COLUMN, OFFICES_COLUMN = 1, 4


class ConsentDialog(EditorDialog):
    """Add or edit one consent or power of attorney; its state today shows as the dates are typed."""

    core_validate = staticmethod(consents.validate)

    def __init__(self, person_id: str, consent: Consent | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_id, self.consent = person_id, consent
        self.setMinimumWidth(560)
        self.kind = QComboBox()
        for kind in consents.KINDS:
            self.kind.addItem("", kind)
        self.offices: dict[str, QCheckBox] = {key: QCheckBox() for key in consents.OFFICES}
        grid = QVBoxLayout()  # one below the other: the Ukrainian names are long
        grid.setSpacing(2)
        for box in self.offices.values():
            grid.addWidget(box)
        self.signed = QLineEdit()
        self.until = QLineEdit()
        self.withdrawn = QLineEdit()
        self.paper = QComboBox()
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(80)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.form.add(N_("Kind"), self.kind)
        self.offices_label = self.form.add(N_("For the offices"), grid)
        self.form.add(N_("Signed on"), self.signed)
        self.checks.add(
            "signed_on", self.signed, date_check(self.signed, required=N_("Enter the day it was signed.")), self.form
        )
        self.form.add(N_("Valid until"), self.until)
        self.checks.add("valid_until", self.until, date_check(self.until), self.form)
        self.form.add(N_("Withdrawn on"), self.withdrawn)
        self.checks.add("withdrawn_on", self.withdrawn, date_check(self.withdrawn), self.form)
        self.form.add(N_("Paper copy"), self.paper)
        self.form.add(N_("Notes"), self.notes)
        self.form.add(N_("State today"), self.state)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for edit in (self.signed, self.until, self.withdrawn):
            edit.textChanged.connect(self._preview)
        self.finish()

    def first_field(self) -> QWidget:
        return self.kind

    def load(self) -> None:
        consent = self.consent
        if consent is None:
            self.signed.setText(i18n.fmt_date_german(dt.date.today()))
            self._kind_changed()
            return
        self.kind.setCurrentIndex(self.kind.findData(consent.kind))
        self._kind_changed()
        for key in consents.office_keys(consent.offices):
            if key in self.offices:
                self.offices[key].setChecked(True)
        self.signed.setText(i18n.fmt_date_german(consent.signed_on))
        self.until.setText(i18n.fmt_date_german(consent.valid_until))
        self.withdrawn.setText(i18n.fmt_date_german(consent.withdrawn_on))
        self.paper.setCurrentIndex(max(0, self.paper.findData(consent.paper_copy_id)))
        self.notes.setPlainText(consent.notes)

    def _kind_changed(self) -> None:
        """Offices only for a Vollmacht; the paper copies of the kind's template to choose from."""
        kind = self.kind.currentData()
        for box in self.offices.values():
            box.setEnabled(kind == consents.POWER_OF_ATTORNEY)
        chosen = self.paper.currentData()
        self.paper.clear()
        self.paper.addItem("", None)
        for printed in consents.paper_copies(self.person_id, kind):
            self.paper.addItem("", printed.id)
            self.paper.setItemData(self.paper.count() - 1, printed.printed_on, Qt.ItemDataRole.UserRole + 1)
        self.paper.setCurrentIndex(max(0, self.paper.findData(chosen)))
        self._paper_texts()

    def _paper_texts(self) -> None:
        self.paper.setItemText(0, _("(none)"))
        for index in range(1, self.paper.count()):
            printed_on = self.paper.itemData(index, Qt.ItemDataRole.UserRole + 1)
            self.paper.setItemText(index, _("printed on {date}").format(date=i18n.fmt_date(printed_on)))

    def chosen_offices(self) -> list[str]:
        return [key for key, box in self.offices.items() if box.isChecked() and box.isEnabled()]

    def snapshot(self) -> dict[str, object]:
        return {
            "kind": self.kind.currentData(),
            "offices": self.chosen_offices(),
            "signed_on": self.signed.text().strip(),
            "valid_until": self.until.text().strip(),
            "withdrawn_on": self.withdrawn.text().strip(),
            "paper_copy": self.paper.currentData(),
            "notes": self.notes.toPlainText().strip(),
        }

    def retranslate_texts(self) -> None:
        self.setWindowTitle(_("Consent or power of attorney"))
        for i in range(self.kind.count()):
            self.kind.setItemText(i, consents.kind_label(self.kind.itemData(i)))
        for key, box in self.offices.items():
            box.setText(consents.office_label(key))
        for edit in (self.signed, self.until, self.withdrawn):
            edit.setPlaceholderText(_("DD.MM.YYYY"))
        self.until.setToolTip(_("Leave empty when it holds until it is withdrawn."))
        self.paper.setToolTip(_("The printed copy the person signed (print it from Forms and letters)."))
        self.offices_label.setToolTip(_("Only a power of attorney names offices."))
        self._paper_texts()
        self._preview()

    def _dates(self) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
        return (
            i18n.parse_date(self.signed.text()),
            i18n.parse_date(self.until.text()),
            i18n.parse_date(self.withdrawn.text()),
        )

    def _preview(self) -> None:
        try:
            signed, until, withdrawn = self._dates()
        except ValueError:
            self.state.setText("–")
            return
        self.state.setText(state_text(consents.state_at(signed, until, withdrawn, dt.date.today())))

    def write(self) -> None:
        signed, until, withdrawn = self._dates()
        self.written = values = {
            "kind": self.kind.currentData(),
            "offices": self.chosen_offices(),
            "signed_on": signed,
            "valid_until": until,
            "withdrawn_on": withdrawn,
            "paper_copy": self.paper.currentData(),
            "notes": self.notes.toPlainText().strip(),
        }
        if self.consent is None:
            self.consent = consents.create_consent({"person": self.person_id, **values})
        else:
            consents.update_consent(self.consent.id, values)


class ConsentsTab(Retranslatable, QWidget):
    """The person's consents and powers of attorney with their state today; New, Edit and Withdraw.

    ``erased`` (with what went) when the person was erased after withdrawing their consent to data
    processing."""

    changed = Signal()
    erased = Signal(object)

    COLUMNS = 5

    def __init__(self, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_id = person_id
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnCount(self.COLUMNS)
        enter_activates(self.tree)
        self.tree.itemActivated.connect(lambda item, _c: self.edit(item.data(0, Qt.ItemDataRole.UserRole)))
        self.tree.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.new_button = QPushButton()
        self.new_button.clicked.connect(lambda: self.edit(None))
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(lambda: self.edit(self.selected_id()))
        self.withdraw_button = QPushButton()
        self.withdraw_button.clicked.connect(self.withdraw)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.withdraw_button, self.edit_button, self.new_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree)
        layout.addLayout(buttons)
        self.rows: list[consents.ConsentRow] = []
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.tree.setHeaderLabels([_("Kind"), _("State"), _("Signed"), _("Valid until"), _("Offices")])
        self.tree.setAccessibleName(_("Consents and powers of attorney"))
        self.new_button.setText(_("New consent…"))
        self.new_button.setToolTip(_("Note a consent or power of attorney the person signed"))
        self.edit_button.setText(_("Edit…"))
        self.withdraw_button.setText(_("Withdraw…"))
        self.withdraw_button.setToolTip(_("The person withdrew the selected consent today"))
        self.reload()

    def reload(self) -> None:
        if not store_db.is_open():
            return  # the window outlived the profile (closing down)
        current = self.selected_id()
        self.tree.clear()
        self.rows = consents.consents_of(self.person_id)
        for row in self.rows:
            state = state_text(row.state)
            item = QTreeWidgetItem(
                [
                    consents.kind_label(row.kind),
                    state,
                    i18n.fmt_list_date(row.signed_on),
                    i18n.fmt_list_date(row.valid_until),
                    consents.offices_text(row.offices),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, row.id)
            item.setForeground(STATE_COLUMN, QBrush(QColor(STATE_LOOK[row.state][0])))
            for column in (0, OFFICES_COLUMN):
                item.setToolTip(column, item.text(column))
            if row.withdrawn_on:
                when = _("{state} on {date}").format(state=state, date=i18n.fmt_list_date(row.withdrawn_on))
                item.setToolTip(STATE_COLUMN, when)
            self.tree.addTopLevelItem(item)
            if row.id == current:
                self.tree.setCurrentItem(item)
        for column in range(self.COLUMNS - 1):  # the offices, last, take the rest of the width (elided)
            self.tree.resizeColumnToContents(column)
        self.tree.header().setSectionResizeMode(OFFICES_COLUMN, QHeaderView.ResizeMode.Stretch)
        if self.tree.currentItem() is None and self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        self.summary.setText(self._summary())
        self._update_buttons()

    def _summary(self) -> str:
        state = consents.standing(self.person_id, rows=self.rows)
        data = state.kinds[consents.DATA_PROCESSING]
        return _("Consent to data processing: {state}").format(state=state_text(data))

    def _update_buttons(self) -> None:
        row = self.selected_row()
        self.edit_button.setEnabled(row is not None)
        self.withdraw_button.setEnabled(row is not None and row.withdrawn_on is None)

    def selected_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item else None

    def selected_row(self) -> consents.ConsentRow | None:
        chosen = self.selected_id()
        return next((r for r in self.rows if r.id == chosen), None)

    def edit(self, consent_id: str | None) -> None:
        consent = Consent.get_by_id(consent_id) if consent_id else None
        dialog = ConsentDialog(self.person_id, consent, self)
        if dialog.exec():
            if dialog.consent is not None:
                self.reload()
                self._select(dialog.consent.id)
            self.changed.emit()

    def _select(self, consent_id: str) -> None:
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item.data(0, Qt.ItemDataRole.UserRole) == consent_id:
                self.tree.setCurrentItem(item)

    def withdraw(self) -> None:
        """Note that the person withdrew the selected consent today; for the consent to data processing,
        offer to erase the person now."""
        row = self.selected_row()
        if row is None or row.withdrawn_on is not None:
            return
        answer = QMessageBox.question(
            self,
            _("Withdraw"),
            _("Note that the person withdrew this today: {kind}?").format(kind=consents.kind_label(row.kind)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        consents.withdraw(row.id)
        self.reload()
        self.changed.emit()
        if row.kind == consents.DATA_PROCESSING:
            self.propose_erasure()

    def propose_erasure(self) -> None:
        """Without the consent to data processing the person's data may have to go: ask, then the Erase
        person dialog (which asks once more)."""
        from desktop.ui.deletion_ui import erase_person

        name = Person.get_by_id(self.person_id).display_name()
        answer = QMessageBox.question(
            self,
            _("Erase person"),
            _(
                "The consent to data processing has been withdrawn. Erase {name} and everything of them now? "
                "Keep the data only where the law requires it."
            ).format(name=name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        counts = erase_person(self, self.person_id)
        if counts is not None:
            self.erased.emit(counts)
