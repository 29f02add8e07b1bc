"""The recovery key, the passphrase change and unlocking with the recovery key, as a volunteer uses them:
keyboard first, in the dialogs of the app."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

from desktop.core import people, profile
from desktop.core.store import db as store_db
from desktop.ui.keys_ui import ChangePassphraseDialog, RecoveryKeyDialog, RecoveryUnlockDialog
from desktop.ui.profile_dialogs import UnlockDialog
from tests.conftest import PASSPHRASE

NEW = "a completely new passphrase 2026"


def _type(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def test_the_recovery_key_counts_only_once_the_user_confirms_it_is_on_paper(
    qtbot, store, tmp_path: Path, monkeypatch
) -> None:
    dialog = RecoveryKeyDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.key_label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter = Done, refused until the box is ticked
    assert dialog.isVisible() and dialog.error.isVisible() and profile.recovery_key_made() is None
    target = tmp_path / "sheet.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.save_button.click()
    assert target.is_file() and dialog.saved.isVisible()
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    assert all(group in text for group in dialog.key_text.split("-"))
    dialog.confirm.setChecked(True)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted and profile.recovery_key_made() is not None
    store_db.close_store()
    opened = profile.unlock_with_recovery_key(store.path, dialog.key_text, NEW, NEW)
    assert opened is not None


def test_not_now_leaves_the_previous_recovery_key_in_force(qtbot, store) -> None:
    first = profile.make_recovery_key()
    dialog = RecoveryKeyDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.confirm.setChecked(True)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    store_db.close_store()
    profile.unlock_with_recovery_key(store.path, first, NEW, NEW)


def test_change_passphrase_dialog(qtbot, store) -> None:
    dialog = ChangePassphraseDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.focusWidget() is dialog.current
    _type(qtbot, dialog.current, "not the passphrase")
    _type(qtbot, dialog.new, NEW)
    _type(qtbot, dialog.repeat, NEW)
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.isVisible() and "current passphrase" in dialog.error.text()
    assert dialog.focusWidget() is dialog.current
    dialog.current.setText(PASSPHRASE)
    dialog.repeat.setText(NEW + "!")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.isVisible() and "differ" in dialog.error.text()
    dialog.repeat.setText(NEW)
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert profile.passphrase_matches(NEW) and not profile.passphrase_matches(PASSPHRASE)


def test_a_forgotten_passphrase_is_replaced_with_the_recovery_key_from_the_unlock_dialog(
    qtbot, store, profile_dir: Path
) -> None:
    people.create_person({"family_name": "Kept"})
    key = profile.make_recovery_key()
    store_db.close_store()
    unlock = UnlockDialog(profile_dir)
    qtbot.addWidget(unlock)
    unlock.show()
    seen: list[str] = []

    def in_recovery_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RecoveryUnlockDialog)
        _type(qtbot, dialog.key, key[:-2])  # a typing error first
        _type(qtbot, dialog.new, NEW)
        _type(qtbot, dialog.repeat, NEW)
        qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
        seen.append(dialog.error.text())
        dialog.key.setText(key.lower().replace("-", " "))
        qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)

    QTimer.singleShot(50, in_recovery_dialog)
    unlock.forgot_button.click()
    assert seen and "six groups" in seen[0]
    assert unlock.result() == QDialog.DialogCode.Accepted and store_db.is_open()
    assert people.count_people() == 1
    store_db.close_store()
    with pytest.raises(Exception, match="not correct"):
        profile.unlock(profile_dir, PASSPHRASE)
    profile.unlock(profile_dir, NEW)


def test_the_file_menu_offers_passphrase_change_and_a_new_recovery_key(qtbot, store) -> None:
    from desktop.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    actions = window.menu_file.actions()
    assert window.act_change_passphrase in actions and window.act_recovery_key in actions
    assert "&" in window.act_change_passphrase.text() and "&" in window.act_recovery_key.text()


def test_the_unlock_dialog_rests_after_repeated_wrong_passphrases(qtbot, store, profile_dir: Path) -> None:
    store_db.close_store()
    dialog = UnlockDialog(profile_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    for _try in range(4):
        dialog.passphrase.setText("not it")
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert not dialog.ok_button.isEnabled() and "Too many wrong tries" in dialog.error.text()
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=3000)  # one second after the fourth
    assert "Too many" not in dialog.error.text() and "attempt 4" in dialog.error.text()
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_a_new_unlock_dialog_remembers_the_pause(qtbot, store, profile_dir: Path) -> None:
    store_db.close_store()
    for _try in range(5):
        with pytest.raises(Exception, match=r"not correct|wait"):
            profile.unlock(profile_dir, "not it")
    dialog = UnlockDialog(profile_dir)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()


def test_the_lock_screen_rests_too(qtbot, store) -> None:
    from desktop.ui.lock import LockPrompt

    prompt = LockPrompt()
    qtbot.addWidget(prompt)
    prompt.show()
    for _try in range(4):
        prompt.passphrase.setText("not it")
        qtbot.keyClick(prompt.passphrase, Qt.Key.Key_Return)
    assert not prompt.ok_button.isEnabled()
    qtbot.waitUntil(prompt.ok_button.isEnabled, timeout=3000)
    prompt.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(prompt.unlocked):
        qtbot.keyClick(prompt.passphrase, Qt.Key.Key_Return)
    qtbot.wait(10)
