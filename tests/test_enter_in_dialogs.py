"""Enter in every dialog of the app: it accepts (the typed input kept) or stays open with what was typed and
says what is missing – it never closes the dialog as Cancel would. Focus starts in the first field to fill."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QWidget,
)

from desktop.core.store import db as store_db
from desktop.ui.common import ErrorLabel
from desktop.ui.profile_dialogs import UnlockDialog, WelcomeDialog
from tests.conftest import PASSPHRASE, TEST_KDF
from tests.dialogs import build, dialog_classes

TYPED = "Probe 7"


def _inputs(dialog: QDialog) -> list[QWidget]:
    """The fields a volunteer types into or chooses in, in focus order, as they are now."""
    out: list[QWidget] = []
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisibleTo(dialog) or not widget.isEnabled() or widget.window() is not dialog:
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parentWidget(), QComboBox | QAbstractSpinBox):
            continue  # the combo or spin box itself is the input
        if isinstance(widget, QLineEdit | QComboBox | QAbstractSpinBox) or (
            isinstance(widget, QAbstractButton) and widget.isCheckable()
        ):
            out.append(widget)
    return out


def _typed(dialog: QDialog) -> dict[QLineEdit, str]:
    return {
        edit: edit.text() for edit in dialog.findChildren(QLineEdit) if not isinstance(edit.parentWidget(), QComboBox)
    }


def _has_accept_button(dialog: QDialog) -> bool:
    """An enabled button that accepts (a disabled one, Import before a file is chosen, says itself that
    something is missing)."""
    return any(
        button.isEnabled()
        and box.buttonRole(button) in (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole)
        for box in dialog.findChildren(QDialogButtonBox)
        for button in box.buttons()
    )


def _says_something(dialog: QDialog, shown: list[tuple[str, str]], before: int) -> bool:
    errors = [e for e in dialog.findChildren(ErrorLabel) if e.isVisibleTo(dialog) and e.text()]
    return bool(errors) or len(shown) > before


def test_every_dialog_of_the_app_is_found() -> None:
    names = set(dialog_classes())
    assert {"WelcomeDialog", "UnlockDialog", "LockPrompt", "PersonEditor", "CaseEditor", "ImportDialog"} <= names


def test_enter_in_any_field_of_any_dialog_never_discards_what_was_typed(
    qtbot, records, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _no_blocking_message_boxes
) -> None:
    shown = _no_blocking_message_boxes
    monkeypatch.setattr(QDialog, "exec", lambda self: 0)  # a dialog opened from a dialog is cancelled at once
    checked: list[str] = []
    for name, cls in sorted(dialog_classes().items()):
        for dialog in build(name, cls, records, tmp_path):
            qtbot.addWidget(dialog)
            finished: list[int] = []
            dialog.finished.connect(finished.append)
            dialog.show()
            QApplication.processEvents()
            for edit in _typed(dialog):
                if edit.isVisibleTo(dialog) and edit.isEnabled() and not edit.isReadOnly() and not edit.text():
                    edit.setText(TYPED)
            typed = _typed(dialog)
            pressed = 0
            fields = _inputs(dialog)
            if not fields:  # About, the print preview: nothing typed that Enter could lose
                qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)
                checked.append(name)
                continue
            for field in fields:
                if not dialog.isVisible() or finished:
                    break
                field.setFocus()
                before = len(shown)
                qtbot.keyClick(field, Qt.Key.Key_Return)
                pressed += 1
                assert finished != [QDialog.DialogCode.Rejected], f"Enter in {name}'s {type(field).__name__} rejected"
                if dialog.isVisible() and _has_accept_button(dialog):
                    assert _says_something(dialog, shown, before), f"Enter in {name} did nothing and said nothing"
                assert _typed(dialog) == typed, f"Enter in {name} changed what was typed"
            checked.append(name)
            dialog.hide()
    assert set(checked) >= {"WelcomeDialog", "UnlockDialog", "PersonEditor", "TaskEditor", "LockPrompt"}


def test_the_unlock_dialog_opens_on_the_passphrase_and_enter_unlocks(qtbot, store, profile_dir: Path) -> None:
    store_db.close_store()
    dialog = UnlockDialog(profile_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.passphrase)
    assert (
        dialog.ok_button.isDefault() and not dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).isDefault()
    )
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)  # nothing typed: says so, stays
    assert dialog.isVisible() and dialog.error.text() == "Enter the passphrase of your profile."
    qtbot.keyClicks(dialog.passphrase, "wrong passphrase")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.isVisible() and "not correct" in dialog.error.text()
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted and store_db.is_open()


def test_the_welcome_dialog_says_what_is_missing_and_enter_creates_the_profile(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.core import profile

    real_create = profile.create
    monkeypatch.setattr(profile, "create", lambda *a, **k: real_create(*a, **{**k, "kdf_iterations": TEST_KDF}))
    dialog = WelcomeDialog(tmp_path / "new")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.passphrase)
    dialog.volunteer.setText("Oksana")
    dialog.demo.setChecked(True)
    qtbot.keyClick(dialog.volunteer, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error.text() == "Enter a passphrase for your profile."
    assert QApplication.focusWidget() is dialog.passphrase
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.isVisible() and "second time" in dialog.error.text()
    assert QApplication.focusWidget() is dialog.repeat
    qtbot.keyClicks(dialog.repeat, PASSPHRASE)
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.store is not None
    assert dialog.wants_demo() and dialog.volunteer.text() == "Oksana"
