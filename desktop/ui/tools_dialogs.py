"""Tools: the objection-deadline calculator and the residence-permit validity check."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core import deadlines, residence
from desktop.i18n import N_, _
from desktop.ui.common import LabelledForm, Retranslatable


class DeadlineDialog(Retranslatable, QDialog):
    """Widerspruch deadline from the letter's date or the day of notification; result as you type."""

    def __init__(self, state: str = "SN", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(560)
        self.from_letter = QRadioButton()
        self.from_letter.setChecked(True)
        self.from_notified = QRadioButton()
        self.date = QLineEdit()
        self.state = QComboBox()
        for code in deadlines.federal_states():
            self.state.addItem(code, code)
        self.state.setCurrentIndex(max(0, self.state.findData(state)))
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.form = LabelledForm()
        self.form.add("", self.from_letter)
        self.form.add("", self.from_notified)
        self.form.add(N_("Date"), self.date)
        self.form.add(N_("Federal state (public holidays)"), self.state)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.result)
        layout.addWidget(buttons)
        for signal in (self.date.textChanged, self.from_letter.toggled, self.state.currentIndexChanged):
            signal.connect(self._compute)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Objection deadline (Widerspruch)"))
        self.form.retranslate(_)
        self.from_letter.setText(_("From the date of the letter (posted by ordinary mail)"))
        self.from_notified.setText(_("From the day the letter was received"))
        self.date.setPlaceholderText(_("DD.MM.YYYY"))
        self._compute()

    def _compute(self) -> None:
        try:
            day = i18n.parse_date(self.date.text())
        except ValueError:
            self.result.setText(_("This is not a valid date (DD.MM.YYYY)."))
            return
        if day is None:
            self.result.setText("")
            return
        given = {"letter_date": day} if self.from_letter.isChecked() else {"notified": day}
        result = deadlines.widerspruch(state=self.state.currentData(), **given)
        self.result.setText(
            "<p style='font-size:14pt'><b>"
            + _("Deadline: {date}").format(date=i18n.fmt_date(result.due, "full"))
            + "</b></p><p>"
            + result.explanation
            + "</p>"
        )


class PermitDialog(Retranslatable, QDialog):
    """Printed validity → effective validity under the continuation ordinances, with the reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(560)
        self.kind = QComboBox()
        for kind in residence.KINDS:
            self.kind.addItem("", kind)
        self.printed = QLineEdit()
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.form = LabelledForm()
        self.form.add(N_("Kind"), self.kind)
        self.form.add(N_("Printed valid until"), self.printed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.result)
        layout.addWidget(buttons)
        self.printed.textChanged.connect(self._compute)
        self.kind.currentIndexChanged.connect(self._compute)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Residence permit: valid until?"))
        self.form.retranslate(_)
        for i in range(self.kind.count()):
            self.kind.setItemText(i, residence.kind_label(self.kind.itemData(i)))
        self.printed.setPlaceholderText(_("DD.MM.YYYY"))
        self._compute()

    def _compute(self) -> None:
        try:
            day = i18n.parse_date(self.printed.text())
        except ValueError:
            self.result.setText(_("This is not a valid date (DD.MM.YYYY)."))
            return
        if day is None:
            self.result.setText("")
            return
        result = residence.effective_validity(day, self.kind.currentData())
        self.result.setText(
            "<p style='font-size:14pt'><b>"
            + _("Valid until {date}").format(date=i18n.fmt_date(result.effective_until))
            + "</b></p><p>"
            + result.explanation
            + "</p>"
        )
