"""Tools: the objection-deadline calculator and the residence-permit validity check."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
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
from desktop.ui.common import ERROR_STYLE, DialogButtons, LabelledForm, Retranslatable

#: The narrowest the tool dialogs are; wider when a text that cannot wrap needs it.
MIN_WIDTH = 560


class DeadlineDialog(Retranslatable, QDialog):
    """Widerspruch deadline from the letter's date or the day of notification; result as you type."""

    def __init__(self, state: str = deadlines.DEFAULT_STATE, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(MIN_WIDTH)
        self.from_letter = QRadioButton()
        self.from_letter.setChecked(True)
        self.from_notified = QRadioButton()
        self.date = QLineEdit()
        self.state = QComboBox()
        for code in sorted(deadlines.federal_states(), key=deadlines.state_name):
            self.state.addItem(f"{deadlines.state_name(code)} ({code})", code)
        found = self.state.findData(state)
        self.state.setCurrentIndex(found if found >= 0 else self.state.findData(deadlines.DEFAULT_STATE))
        self.missing_instructions = QCheckBox()
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.form = LabelledForm()
        self.form.add(N_("Date"), self.date)
        self.form.add(N_("Federal state (public holidays)"), self.state)
        buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.from_letter)  # full width: the texts are long in Ukrainian
        layout.addWidget(self.from_notified)
        layout.addLayout(self.form)
        layout.addWidget(self.missing_instructions)
        layout.addWidget(self.result)
        layout.addStretch(1)
        layout.addWidget(buttons)
        for signal in (
            self.date.textChanged,
            self.from_letter.toggled,
            self.state.currentIndexChanged,
            self.missing_instructions.toggled,
        ):
            signal.connect(self._compute)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Objection deadline (Widerspruch)"))
        self.form.retranslate(_)
        self.from_letter.setText(_("From the date of the letter (posted by ordinary mail)"))
        self.from_notified.setText(_("From the day the letter was received"))
        self.date.setPlaceholderText(_("DD.MM.YYYY"))
        self.missing_instructions.setText(
            _("The notice has no or wrong instructions on how to object (Rechtsbehelfsbelehrung)")
        )
        self.missing_instructions.setToolTip(
            _("Then the objection period is one year instead of one month (§ 66(2) SGG).")
        )
        fit_width(self, (self.from_letter, self.from_notified, self.missing_instructions))
        self._compute()

    def _show_problem(self, message: str) -> None:
        """An error instead of a result: no deadline of an earlier date may stay readable."""
        self.result.setStyleSheet(ERROR_STYLE)
        self.result.setText(message)

    def _compute(self) -> None:
        try:
            day = i18n.parse_date(self.date.text())
        except ValueError:
            self._show_problem(_("This is not a valid date (DD.MM.YYYY)."))
            return
        self.result.setStyleSheet("")
        if day is None:
            self.result.setText("")
            return
        given = {"letter_date": day} if self.from_letter.isChecked() else {"notified": day}
        try:
            result = deadlines.widerspruch(
                state=self.state.currentData(), missing_instructions=self.missing_instructions.isChecked(), **given
            )
        except (ValueError, OverflowError):  # the deadline would lie after the year 9999
            self._show_problem(
                _("No deadline can be computed from this date: it lies too far in the future. Check the year.")
            )
            return
        self.result.setText(
            "<p style='font-size:14pt'><b>"
            + _("Deadline: {date}").format(date=i18n.fmt_date(result.due, "full"))
            + "</b></p><p>"
            + result.explanation
            + "</p>"
        )


def fit_width(dialog: QDialog, widgets: tuple[QWidget, ...]) -> None:
    """Widen ``dialog`` so that texts which cannot wrap (radio buttons, check boxes) are never cut off."""
    margins = dialog.layout().contentsMargins()
    wanted = max(w.sizeHint().width() for w in widgets) + margins.left() + margins.right()
    dialog.setMinimumWidth(max(MIN_WIDTH, wanted))


class PermitDialog(Retranslatable, QDialog):
    """Printed validity → effective validity under the continuation ordinances, with the reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(MIN_WIDTH)
        self.kind = QComboBox()
        for kind in residence.KINDS:
            self.kind.addItem("", kind)
        self.printed = QLineEdit()
        self.issued = QLineEdit()  # an ordinance extends only permits issued before its cut-off
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.form = LabelledForm()
        self.form.add(N_("Kind"), self.kind)
        self.form.add(N_("Printed valid until"), self.printed)
        self.form.add(N_("Issued on (if known)"), self.issued)
        buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.result)
        layout.addWidget(buttons)
        self.printed.textChanged.connect(self._compute)
        self.issued.textChanged.connect(self._compute)
        self.kind.currentIndexChanged.connect(self._compute)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Residence permit: valid until?"))
        self.form.retranslate(_)
        for i in range(self.kind.count()):
            self.kind.setItemText(i, residence.kind_label(self.kind.itemData(i)))
        self.printed.setPlaceholderText(_("DD.MM.YYYY"))
        self.issued.setPlaceholderText(_("DD.MM.YYYY"))
        self._compute()

    def _compute(self) -> None:
        try:
            day = i18n.parse_date(self.printed.text())
            issued = i18n.parse_date(self.issued.text(), past=True)
        except ValueError:
            self.result.setText(_("This is not a valid date (DD.MM.YYYY)."))
            return
        if day is None:
            self.result.setText("")
            return
        try:
            result = residence.effective_validity(day, self.kind.currentData(), issued_on=issued)
        except (ValueError, OverflowError):  # a date at the very end of the calendar
            self.result.setText(_("This is not a valid date (DD.MM.YYYY)."))
            return
        self.result.setText(
            "<p style='font-size:14pt'><b>"
            + _("Valid until {date}").format(date=i18n.fmt_date(result.effective_until))
            + "</b></p><p>"
            + result.explanation
            + "</p>"
        )
