"""The profile's secrets: the recovery key (shown once, printed for the coordinator's safe), a passphrase
change, and unlocking with the recovery key when the passphrase is forgotten."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import atomic, profile
from desktop.core.errors import UserError, ValidationError, WrongPassphrase, os_reason
from desktop.core.keys import recovery, sheet
from desktop.i18n import N_, _
from desktop.ui.common import (
    DialogButtons,
    LabelledForm,
    Retranslatable,
    ask_save_file,
    error_label,
    focus_first,
    plain_label,
    show_error,
)
from desktop.ui.profile_dialogs import STRENGTH_WORDS


def _secret_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class _Strength(QWidget):
    """A new passphrase's strength: a bar and a word, updated while it is typed."""

    def __init__(self, field: QLineEdit) -> None:
        super().__init__()
        self.field = field
        self.bar = QProgressBar()
        self.bar.setRange(0, 4)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        self.text = plain_label()
        self.text.setMinimumHeight(2 * self.text.fontMetrics().lineSpacing())  # the tip's two lines: no jump
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.text)
        field.textChanged.connect(self.update_strength)
        self.update_strength()

    def update_strength(self) -> None:
        typed = self.field.text()
        score = profile.passphrase_score(typed)
        self.bar.setValue(score if typed else 0)
        if typed:
            self.text.setText(_("Strength: {word}").format(word=_(STRENGTH_WORDS[score])))
        else:
            self.text.setText(_("Tip: four or more unrelated words make a strong passphrase."))


class RecoveryKeyDialog(Retranslatable, QDialog):
    """A new recovery key, shown once, to print (or save as a PDF) for the coordinator's safe.

    The key is made the profile's only when the user confirms it is printed or written down; closing the
    dialog otherwise changes nothing (a previous key keeps working)."""

    def __init__(self, parent: QWidget | None = None, *, first: bool = False) -> None:
        super().__init__(parent)
        self.first = first
        self.key_text = recovery.new_recovery_key()
        self.intro = plain_label()
        self.key_label = QLabel(self.key_text.replace("-", "  "))
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(17)
        font.setBold(True)
        self.key_label.setFont(font)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setStyleSheet("border: 1px solid #888; padding: 10px; background: white; color: black;")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)  # no copy into a clipboard
        self.print_button = QPushButton()
        self.save_button = QPushButton()
        self.print_button.clicked.connect(self.print_sheet)
        self.save_button.clicked.connect(self.save_sheet)
        self.confirm = QCheckBox()
        self.saved = plain_label()
        self.saved.setVisible(False)
        self.error = error_label()
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Cancel, accept_text="")
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.ok_button = self.buttons.accept_button
        self.buttons.accepted.connect(self._done)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.key_label)
        layout.addWidget(self.confirm)
        layout.addWidget(self.saved)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.setMinimumWidth(560)
        self.retranslate_ui()
        focus_first(self.print_button)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Recovery key"))
        text = _(
            "If the passphrase is forgotten, this recovery key opens the profile. Print the recovery sheet "
            "and give it to your coordinator for the safe; do not keep it with the laptop. It is shown only "
            "now. A new key replaces the previous one."
        )
        self.intro.setText(_("Your profile is ready.") + " " + text if self.first else text)
        self.print_button.setText(_("&Print sheet…"))
        self.save_button.setText(_("&Save sheet as PDF…"))
        self.confirm.setText(_("The sheet is printed or the key &written down"))
        self.ok_button.setText(_("Done"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Not now"))

    def _sheet(self) -> bytes:
        facts = sheet.SheetFacts(self.key_text, profile.device_name(), profile.volunteer_name(), dt.date.today())
        return sheet.recovery_sheet(facts)

    def print_sheet(self) -> None:
        from desktop.ui.forms_dialog import new_printer, print_pdf

        printer = new_printer()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            print_pdf(self._sheet(), printer)
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.confirm.setChecked(True)

    def save_sheet(self) -> None:
        name = ask_save_file(
            self, _("Save recovery sheet"), str(Path.home() / (_("recovery-sheet") + ".pdf")), _("PDF files (*.pdf)")
        )
        if not name:
            return
        try:
            atomic.atomic_write_bytes(Path(name), self._sheet())
        except OSError as exc:
            self.saved.setVisible(False)
            show_error(
                self.error,
                _("The sheet could not be saved: {reason}").format(reason=os_reason(exc.errno, writing=True)),
            )
            self.adjustSize()
            return
        self.error.setVisible(False)
        self.saved.setText(
            _("Saved. Print it, then delete the file: whoever has it and the laptop can read the profile.")
        )
        self.saved.setVisible(True)
        self.adjustSize()

    def _done(self) -> None:
        if not self.confirm.isChecked():
            show_error(self.error, _("Print the sheet or write the key down first, then tick the box."))
            self.adjustSize()
            self.confirm.setFocus()
            return
        try:
            profile.make_recovery_key(self.key_text)
        except UserError as exc:
            show_error(self.error, str(exc))
            return
        self.accept()


class ChangePassphraseDialog(Retranslatable, QDialog):
    """File › Change passphrase…: the current one, the new one twice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current = _secret_field()
        self.new = _secret_field()
        self.repeat = _secret_field()
        self.strength = _Strength(self.new)
        self.note = plain_label()
        self.error = error_label()
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Cancel, accept_text="")
        self.ok_button = self.buttons.accept_button
        self.buttons.accepted.connect(self._change)
        self.buttons.rejected.connect(self.reject)
        self.form = LabelledForm()
        self.form.add(N_("Current passphrase"), self.current)
        self.form.add(N_("New passphrase"), self.new)
        self.form.add(N_("Repeat new passphrase"), self.repeat)
        self.form.add("", self.strength)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.setMinimumWidth(520)
        self.retranslate_ui()
        focus_first(self.current)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Change passphrase"))
        self.form.retranslate(_)
        self.note.setText(_("The old passphrase no longer opens the profile afterwards. The recovery key stays valid."))
        self.ok_button.setText(_("Change passphrase"))
        self.strength.update_strength()

    def _change(self) -> None:
        if not self.current.text():
            show_error(self.error, _("Enter your current passphrase."))
            self.current.setFocus()
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            profile.change_passphrase(self.current.text(), self.new.text(), self.repeat.text())
        except UserError as exc:
            QGuiApplication.restoreOverrideCursor()
            show_error(self.error, str(exc))
            self.adjustSize()
            if isinstance(exc, WrongPassphrase):
                field = self.current
            elif self.new.text() and self.new.text() != self.repeat.text():
                field = self.repeat
            else:
                field = self.new
            field.selectAll()
            field.setFocus()
            return
        QGuiApplication.restoreOverrideCursor()
        self.accept()


class RecoveryUnlockDialog(Retranslatable, QDialog):
    """Passphrase forgotten: the recovery key from the sheet and a new passphrase open the profile."""

    def __init__(self, profile_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile_dir = profile_dir
        self.intro = plain_label()
        self.key = QLineEdit()
        self.key.setPlaceholderText(recovery.grouped("·" * recovery.LENGTH))  # the key's shape, six groups
        # The whole key visible while typing, to compare it with the sheet group by group.
        self.key.setMinimumWidth(self.key.fontMetrics().horizontalAdvance("W" * (recovery.LENGTH + 7)) + 16)
        self.new = _secret_field()
        self.repeat = _secret_field()
        self.strength = _Strength(self.new)
        self.error = error_label()
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Cancel, accept_text="")
        self.ok_button = self.buttons.accept_button
        self.buttons.accepted.connect(self._unlock)
        self.buttons.rejected.connect(self.reject)
        self.form = LabelledForm()
        self.form.add(N_("Recovery key"), self.key)
        self.form.add(N_("New passphrase"), self.new)
        self.form.add(N_("Repeat new passphrase"), self.repeat)
        self.form.add("", self.strength)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.setMinimumWidth(560)
        self.store = None
        from desktop.ui.profile_dialogs import RetryPause

        self.pause = RetryPause(self.ok_button, self.error, lambda: "")
        self.retranslate_ui()
        focus_first(self.key)
        self.pause.start(profile.unlock_wait(profile_dir))

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Open with the recovery key"))
        self.intro.setText(
            _(
                "Type the recovery key from the recovery sheet (capitals or not, with or without dashes) and "
                "choose a new passphrase. The forgotten passphrase no longer opens the profile afterwards."
            )
        )
        self.form.retranslate(_)
        self.ok_button.setText(_("Unlock"))
        self.strength.update_strength()

    def _unlock(self) -> None:
        if not self.key.text().strip():
            show_error(self.error, _("Type the recovery key from the sheet."))
            self.key.setFocus()
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            try:
                profile.check_recovery_key(self.profile_dir, self.key.text())
            except profile.TryLater as exc:
                self.pause.start(exc.seconds)
                return
            except UserError as exc:
                show_error(self.error, str(exc))
                self.adjustSize()
                self.key.selectAll()
                self.key.setFocus()
                self.pause.start(profile.unlock_wait(self.profile_dir))
                return
            try:
                self.store = profile.unlock_with_recovery_key(
                    self.profile_dir, self.key.text(), self.new.text(), self.repeat.text()
                )
            except ValidationError as exc:
                show_error(self.error, str(exc))
                self.new.selectAll()
                self.new.setFocus()
                return
            except UserError as exc:
                show_error(self.error, str(exc))
                return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()
