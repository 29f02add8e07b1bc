"""Restoring a backup from the unlock dialog: chosen with the "Restore a backup…" button, and offered when the
database is damaged. Backups carry the times a fake clock gave them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog

from desktop.core import cases, people
from desktop.core.store import backup
from desktop.core.store import db as store_db
from desktop.ui.profile_dialogs import UnlockDialog
from desktop.ui.restore_ui import RestoreDialog
from tests.conftest import PASSPHRASE

PAGE = 4096
DAY1 = dt.datetime(2026, 3, 1, 9, 0)
DAY2 = dt.datetime(2026, 3, 2, 18, 30)
DAY3 = dt.datetime(2026, 3, 3, 12, 15)


def _add(count: int, with_cases: int) -> None:
    for i in range(count):
        person = people.create_person({"family_name": f"Marchenko{i}"})
        if i < with_cases:
            cases.create_case({"person": person.id, "case_type": "widerspruch"})


@pytest.fixture
def history(store: store_db.Store, profile_dir: Path) -> list[Path]:
    """Backups of 3 people/1 case (DAY1) and 5 people/3 cases (DAY2); the profile then holds 6 people."""
    _add(3, 1)
    first = backup.make_backup(DAY1)
    _add(2, 2)
    second = backup.make_backup(DAY2)
    _add(1, 0)
    store_db.checkpoint()
    store_db.close_store()
    return [first, second]


def _drive(monkeypatch: pytest.MonkeyPatch, steps: Callable[[RestoreDialog], None]) -> list[RestoreDialog]:
    """RestoreDialog.exec runs ``steps`` on the dialog (as the user would) instead of waiting offscreen;
    the restore is confirmed."""
    opened: list[RestoreDialog] = []

    def run(self: RestoreDialog) -> int:
        opened.append(self)
        self.show()
        steps(self)
        return self.result()

    monkeypatch.setattr(RestoreDialog, "exec", run)
    monkeypatch.setattr(RestoreDialog, "confirm", lambda self, info: True)
    return opened


def _rows(dialog: RestoreDialog) -> list[list[str]]:
    return [[item.text(c) for c in range(4)] for item in dialog._items()]


def _mnemonic(button: QAbstractButton) -> str:
    return QKeySequence.mnemonic(button.text()).toString()


def test_the_restore_button_has_its_own_mnemonic_and_takes_the_focus(qtbot, history, profile_dir: Path) -> None:
    dialog = UnlockDialog(profile_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    mnemonics = [_mnemonic(b) for b in dialog.findChildren(QAbstractButton) if b.isVisible() and "&" in b.text()]
    assert _mnemonic(dialog.restore.button) == "Alt+R" and mnemonics.count("Alt+R") == 1
    assert dialog.restore.button.focusPolicy() & Qt.FocusPolicy.TabFocus


def test_restore_from_the_unlock_dialog(qtbot, history, profile_dir: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: said.append(text))
    current = (profile_dir / "begleiter.db").read_bytes()

    def steps(restore: RestoreDialog) -> None:
        qtbot.waitUntil(lambda: QApplication.focusWidget() is restore.passphrase)  # opens on the passphrase
        restore.passphrase.setText("not the passphrase")
        qtbot.keyClick(restore.passphrase, Qt.Key.Key_Return)  # Enter shows the backups
        assert "not correct" in restore.error.text() and _rows(restore) == []
        restore.passphrase.setText(PASSPHRASE)
        qtbot.keyClick(restore.passphrase, Qt.Key.Key_Return)
        assert _rows(restore) == [["02/03/2026 18:30", "5", "3", ""], ["01/03/2026 09:00", "3", "1", ""]]
        assert restore.ok_button.text() == "&Restore this backup"
        restore.table.setCurrentItem(restore.table.topLevelItem(1))  # the older one
        qtbot.keyClick(restore.table, Qt.Key.Key_Return)

    opened = _drive(monkeypatch, steps)
    dialog = UnlockDialog(profile_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.restore.button.click()
    assert opened and opened[0].result() == QDialog.DialogCode.Accepted
    assert dialog.result() == QDialog.DialogCode.Accepted and store_db.is_open()
    assert people.count_people() == 3
    kept = list((profile_dir / "replaced").iterdir())
    assert len(kept) == 1 and (kept[0] / "begleiter.db").read_bytes() == current  # kept aside, not overwritten
    assert len(said) == 1 and str(kept[0]) in said[0] and "01/03/2026" in said[0]


def test_cancelling_the_restore_changes_nothing(qtbot, history, profile_dir: Path, monkeypatch) -> None:
    current = (profile_dir / "begleiter.db").read_bytes()

    def steps(restore: RestoreDialog) -> None:
        restore.passphrase.setText(PASSPHRASE)
        restore.ok_button.click()
        assert len(_rows(restore)) == 2
        restore.reject()

    _drive(monkeypatch, steps)
    dialog = UnlockDialog(profile_dir)
    qtbot.addWidget(dialog)
    dialog.restore.button.click()
    assert dialog.result() == 0 and not store_db.is_open()
    assert (profile_dir / "begleiter.db").read_bytes() == current and not (profile_dir / "replaced").exists()


def test_the_restore_dialog_speaks_the_users_language(qtbot, history, profile_dir: Path) -> None:
    from desktop.ui.qt_i18n import apply_language

    apply_language("uk")
    try:
        restore = RestoreDialog(profile_dir)
        qtbot.addWidget(restore)
        restore.passphrase.setText(PASSPHRASE)
        restore.ok_button.click()
        assert restore.windowTitle() != "Restore a backup" and restore.ok_button.text() != "&Restore this backup"
        assert restore.table.topLevelItem(0).text(0) == "02.03.2026 18:30"
        assert restore.windowTitle() == "Відновити резервну копію"
    finally:
        apply_language("en")


# --- a damaged database ---------------------------------------------------------------------------------------


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-PAGE + 200 : -PAGE + 232] = bytes(32)  # a page fails its MAC
    path.write_bytes(bytes(data))


def _cut(profile_dir: Path) -> bytes:
    database = profile_dir / "begleiter.db"
    database.write_bytes(database.read_bytes()[: -2 * PAGE])
    return database.read_bytes()


def _unlock_damaged(qtbot, profile_dir: Path) -> UnlockDialog:
    dialog = UnlockDialog(profile_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.ok_button.click()
    return dialog


def test_a_damaged_database_offers_the_newest_good_backup(qtbot, history, profile_dir: Path, monkeypatch) -> None:
    newest = history[1].with_name("begleiter-20260303-121500.db")
    newest.write_bytes(history[1].read_bytes())
    _damage(newest)  # the newest backup is damaged too: DAY2's is the newest good one
    damaged = _cut(profile_dir)

    def steps(restore: RestoreDialog) -> None:
        assert restore.passphrase.isHidden() and "damaged" in restore.intro.text()
        assert [row[1:] for row in _rows(restore)] == [
            ["–", "–", "does not open"],
            ["5", "3", "passes its check"],
            ["3", "1", ""],
        ]
        assert restore.table.currentItem() is restore.table.topLevelItem(1)
        assert not restore.table.topLevelItem(0).flags() & Qt.ItemFlag.ItemIsEnabled
        restore.ok_button.click()

    opened = _drive(monkeypatch, steps)
    dialog = _unlock_damaged(qtbot, profile_dir)
    assert opened and dialog.result() == QDialog.DialogCode.Accepted and store_db.is_open()
    assert people.count_people() == 5
    kept = list((profile_dir / "damaged").iterdir())
    assert len(kept) == 1 and (kept[0] / "begleiter.db").read_bytes() == damaged


def test_a_damaged_database_may_go_back_to_an_older_backup(qtbot, history, profile_dir: Path, monkeypatch) -> None:
    _cut(profile_dir)

    def steps(restore: RestoreDialog) -> None:
        assert restore.table.currentItem() is restore.table.topLevelItem(0)  # the newest, good
        restore.table.setCurrentItem(restore.table.topLevelItem(1))
        restore.ok_button.click()

    _drive(monkeypatch, steps)
    dialog = _unlock_damaged(qtbot, profile_dir)
    assert dialog.result() == QDialog.DialogCode.Accepted and people.count_people() == 3


def test_declining_the_offer_writes_nothing_on_the_damaged_file(qtbot, history, profile_dir: Path, monkeypatch):
    damaged = _cut(profile_dir)

    def steps(restore: RestoreDialog) -> None:
        restore.reject()

    _drive(monkeypatch, steps)
    dialog = _unlock_damaged(qtbot, profile_dir)
    assert dialog.result() == 0 and not store_db.is_open()
    assert "damaged" in dialog.error.text()
    assert (profile_dir / "begleiter.db").read_bytes() == damaged and not (profile_dir / "damaged").exists()


def test_no_good_backup_is_said_and_nothing_can_be_restored(qtbot, history, profile_dir: Path, monkeypatch) -> None:
    for path in history:
        _damage(path)
    _cut(profile_dir)

    def steps(restore: RestoreDialog) -> None:
        assert "No backup of this profile passes its check" in restore.error.text()
        assert restore.table.currentItem() is None
        restore.ok_button.click()
        assert restore.isVisible() and "Choose the backup" in restore.error.text()
        restore.reject()

    _drive(monkeypatch, steps)
    dialog = _unlock_damaged(qtbot, profile_dir)
    assert dialog.result() == 0 and not (profile_dir / "damaged").exists()


@pytest.mark.parametrize("language", ["en", "de", "uk"])
def test_mnemonics_are_distinct_in_every_language(qtbot, history, profile_dir: Path, language: str) -> None:
    from PySide6.QtWidgets import QLabel

    from desktop.ui.qt_i18n import apply_language

    apply_language(language)
    try:
        unlock = UnlockDialog(profile_dir)
        restore = RestoreDialog(profile_dir)
        for dialog in (unlock, restore):
            qtbot.addWidget(dialog)
            dialog.show()
        restore.passphrase.setText(PASSPHRASE)
        restore.ok_button.click()  # the list is shown: Restore this backup
        for dialog in (unlock, restore):
            texts = [w.text() for w in dialog.findChildren(QAbstractButton) if w.isVisible()]
            texts += [w.text() for w in dialog.findChildren(QLabel) if w.isVisible() and w.buddy() is not None]
            keys = [QKeySequence.mnemonic(t).toString() for t in texts if "&" in t.replace("&&", "")]
            assert len(keys) == len(set(keys)), (language, texts)
        assert QKeySequence.mnemonic(unlock.restore.button.text()).toString()
    finally:
        apply_language("en")
