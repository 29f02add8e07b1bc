"""First start (welcome: language, passphrase, names) and later starts (unlock)."""

from __future__ import annotations

import math
import platform
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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

from desktop import i18n
from desktop.core import profile, storage
from desktop.core.errors import ProfileDamaged, UserError, ValidationError, WrongPassphrase
from desktop.i18n import N_, _
from desktop.ui.common import DialogButtons, LabelledForm, Retranslatable, error_label, focus_first, show_error
from desktop.ui.qt_i18n import apply_language
from desktop.ui.restore_ui import RestoreOffer

STRENGTH_WORDS = (N_("very weak"), N_("weak"), N_("fair"), N_("good"), N_("strong"))


def _language_combo(parent: QWidget) -> QComboBox:
    combo = QComboBox(parent)
    for code, name in i18n.LANGUAGES.items():
        combo.addItem(name, code)
    combo.setCurrentIndex(list(i18n.LANGUAGES).index(i18n.current_language()))
    combo.currentIndexChanged.connect(lambda _i: apply_language(combo.currentData()))
    return combo


WARNING_STYLE = "background: #fff4e5; border: 1px solid #e0a040; padding: 6px;"


def _location_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(WARNING_STYLE)
    label.setVisible(False)
    return label


def _show_location(label: QLabel, folder: Path) -> None:
    """Warn (in the UI language) when the profile folder is one a sync service copies to other computers."""
    warning = storage.profile_location_warning(folder)
    label.setText(warning or "")
    label.setVisible(bool(warning))


def wrong_passphrase(attempts: int) -> str:
    """What the unlock and lock dialogs say after a wrong passphrase."""
    return _("The passphrase is not correct. Please try again (attempt {count}).").format(count=attempts)


class RetryPause(QObject):
    """After repeated wrong passphrases the Unlock button rests for a while (desktop.core.keys.delay): the
    message counts the seconds down, then the button works again."""

    def __init__(self, button: QPushButton, message: QLabel, first_text: Callable[[], str]) -> None:
        super().__init__(button)
        self.button = button
        self.message = message
        self.first_text = first_text
        self.until = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self._tick)

    def start(self, seconds: float) -> None:
        if seconds <= 0:
            return
        self.until = time.monotonic() + seconds
        self.button.setEnabled(False)
        self.timer.start()
        self._tick()

    def active(self) -> bool:
        return self.timer.isActive()

    def _tick(self) -> None:
        left = self.until - time.monotonic()
        if left <= 0:
            self.timer.stop()
            self.button.setEnabled(True)
            show_error(self.message, self.first_text())
            return
        show_error(
            self.message,
            self.first_text()
            + " "
            + _("Too many wrong tries: the next one is possible in {seconds} s.").format(seconds=math.ceil(left)),
        )


class WelcomeDialog(Retranslatable, QDialog):
    """Creates a new profile: language, passphrase (twice, with strength), laptop and volunteer names."""

    def __init__(self, profile_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile_dir = profile_dir
        self.setMinimumWidth(560)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.language = _language_combo(self)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.strength = QProgressBar()
        self.strength.setRange(0, 4)
        self.strength.setTextVisible(False)
        self.strength.setMaximumHeight(8)
        self.strength_text = QLabel()
        self.strength_text.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(WARNING_STYLE)
        self.location = _location_label()
        self.device = QLineEdit(platform.node())
        self.volunteer = QLineEdit()
        self.demo = QCheckBox()
        self.error = error_label()
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Cancel, accept_text="")
        self.ok_button = self.buttons.accept_button
        self.buttons.accepted.connect(self._create)
        self.buttons.rejected.connect(self.reject)

        self.form = LabelledForm()
        self.form.add(N_("Language"), self.language)
        self.form.add(N_("Passphrase"), self.passphrase)
        self.form.add(N_("Repeat passphrase"), self.repeat)
        self.form.add(N_("Strength"), self.strength)
        self.form.add("", self.strength_text)
        self.form.add(N_("Name of this laptop"), self.device)
        self.form.add(N_("Your name (volunteer)"), self.volunteer)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.location)
        layout.addWidget(self.warning)
        layout.addWidget(self.demo)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        # Never narrower than its widest line (the demo choice is long in Ukrainian), whatever the minimum width.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.passphrase.textChanged.connect(self._update_strength)
        self.store = None
        self.retranslate_ui()
        self._update_strength()
        focus_first(self.passphrase)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Welcome to Begleiter"))
        self.intro.setText(
            _(
                "Begleiter keeps the cases of the families you accompany on this laptop, encrypted. "
                "Choose your language and a passphrase for your profile."
            )
        )
        self.form.retranslate(_)
        self.passphrase.setPlaceholderText(_("at least {count} characters").format(count=profile.MIN_PASSPHRASE_LENGTH))
        self.warning.setText(
            _(
                "If this passphrase is forgotten, only the recovery key opens the profile: you get it in the next "
                "step, to print for your coordinator. Without both, the data cannot be opened again."
            )
        )
        self.demo.setText(_("Load demo data to try Begleiter out (fictional families)"))
        self.ok_button.setText(_("Create profile"))
        _show_location(self.location, self.profile_dir)
        self._update_strength()

    def _update_strength(self) -> None:
        score = profile.passphrase_score(self.passphrase.text(), [self.volunteer.text(), self.device.text()])
        self.strength.setValue(score if self.passphrase.text() else 0)
        if not self.passphrase.text():
            self.strength_text.setText(_("Tip: four or more unrelated words make a strong passphrase."))
        else:
            self.strength_text.setText(_("Strength: {word}").format(word=_(STRENGTH_WORDS[score])))

    def _create(self) -> None:
        try:
            if not self.passphrase.text():
                self.passphrase.setFocus()
                raise ValidationError(_("Enter a passphrase for your profile."))
            if not self.repeat.text():
                self.repeat.setFocus()
                raise ValidationError(_("Enter the passphrase a second time, in “Repeat passphrase”."))
            profile.check_new_passphrase(
                self.passphrase.text(), self.repeat.text(), [self.volunteer.text(), self.device.text()]
            )
            if not self.volunteer.text().strip():
                self.volunteer.setFocus()
                raise ValidationError(_("Enter your name."))
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self.store = profile.create(
                    self.profile_dir,
                    self.passphrase.text(),
                    language=i18n.current_language(),
                    device_name=self.device.text().strip() or platform.node(),
                    volunteer_name=self.volunteer.text(),
                )
            finally:
                QGuiApplication.restoreOverrideCursor()
        except UserError as exc:
            show_error(self.error, str(exc))
            return
        self.accept()

    def wants_demo(self) -> bool:
        return self.demo.isChecked()


class UnlockDialog(Retranslatable, QDialog):
    """Asks for the passphrase; a wrong one is said plainly and may be tried again."""

    def __init__(self, profile_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile_dir = profile_dir
        self.setMinimumWidth(440)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.location = _location_label()
        self.language = _language_combo(self)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label()
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Cancel, accept_text="")
        self.ok_button = self.buttons.accept_button
        self.forgot_button = QPushButton()
        self.buttons.addButton(self.forgot_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.forgot_button.clicked.connect(self.open_with_recovery_key)
        self.buttons.accepted.connect(self._unlock)
        self.buttons.rejected.connect(self.reject)
        self.restore = RestoreOffer(self)
        self.form = LabelledForm()
        self.form.add(N_("Language"), self.language)
        self.form.add(N_("Passphrase"), self.passphrase)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.location)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        # Never narrower than its row of buttons (four of them, long in German and Ukrainian).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.attempts = 0
        self.store = None
        self.pause = RetryPause(self.ok_button, self.error, self._wrong_text)
        self.retranslate_ui()
        focus_first(self.passphrase)
        self.pause.start(profile.unlock_wait(profile_dir))  # wrong tries of an earlier start count too

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Unlock Begleiter"))
        self.intro.setText(_("Enter the passphrase of your profile."))
        self.form.retranslate(_)
        self.ok_button.setText(_("Unlock"))
        self.forgot_button.setText(_("&Forgot the passphrase?"))
        self.restore.retranslate_ui()
        _show_location(self.location, self.profile_dir)
        if self.error.isVisible() and self.attempts:
            show_error(self.error, self._wrong_text())

    def _wrong_text(self) -> str:
        return wrong_passphrase(self.attempts) if self.attempts else ""

    def _unlock(self) -> None:
        if not self.passphrase.text():
            show_error(self.error, _("Enter the passphrase of your profile."))
            self.passphrase.setFocus()
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.store = profile.unlock(self.profile_dir, self.passphrase.text())
        except WrongPassphrase:
            self.attempts += 1
            show_error(self.error, self._wrong_text())
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            self.pause.start(profile.unlock_wait(self.profile_dir))
            return
        except profile.TryLater as exc:
            self.pause.start(exc.seconds)
            return
        except ProfileDamaged as exc:
            damaged = exc
        except UserError as exc:
            show_error(self.error, str(exc))
            return
        else:
            damaged = None
        finally:
            QGuiApplication.restoreOverrideCursor()
        if damaged is not None:
            if self._offer_backup(damaged):
                self._unlock()
            return
        profile.set_language(self.profile_dir, i18n.current_language())
        self.accept()

    def open_with_recovery_key(self) -> None:
        """Passphrase forgotten: the recovery key and a new passphrase open the profile."""
        from desktop.ui.keys_ui import RecoveryUnlockDialog

        dialog = RecoveryUnlockDialog(self.profile_dir, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            dialog.deleteLater()
            self.passphrase.setFocus()
            return
        self.store = dialog.store
        dialog.deleteLater()
        profile.set_language(self.profile_dir, i18n.current_language())
        self.accept()

    def _offer_backup(self, exc: ProfileDamaged) -> bool:
        """Say that the database is damaged and offer the newest good backup; True once one is restored."""
        return self.restore.offer(exc)
