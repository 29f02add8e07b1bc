"""Tools › Audit log…: the entries newest first in the user's language, the filter, Verify, the keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from desktop.core import audit, people
from desktop.core.privacy import deletion
from desktop.ui.audit_ui import AuditDialog
from desktop.ui.qt_i18n import apply_language


@pytest.fixture(autouse=True)
def _english(qapp) -> None:
    apply_language("en")


@pytest.fixture
def logged(store) -> str:
    """A log of an unlock, a delete, an export and a wrong passphrase on the screen lock."""
    person = people.create_person({"family_name": "Hrytsenko", "given_name": "Yulia"})
    deletion.delete("person", person.id)
    audit.record("export", count=1234)
    audit.record("failed_unlock", count=2, detail="screen_lock")
    return person.id


def _dialog(qtbot) -> AuditDialog:
    dialog = AuditDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _column(dialog: AuditDialog, title: str) -> list[str]:
    model = dialog.area.model
    column = next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == title)
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def test_the_dialog_lists_the_entries_newest_first_with_short_ids(qtbot, qtmodeltester, logged: str) -> None:
    dialog = _dialog(qtbot)
    qtmodeltester.check(dialog.area.model)
    assert _column(dialog, "No.") == ["4", "3", "2", "1"]
    assert _column(dialog, "Action") == ["Wrong passphrase", "Bundle exported", "Deleted", "Unlocked"]
    assert _column(dialog, "Record")[2] == "Person"
    assert _column(dialog, "Id")[2] == logged[:8]
    assert _column(dialog, "Details")[:2] == ["2 attempts, on the screen lock", "1,234 records"]
    assert "Hrytsenko" not in " ".join(" ".join(_column(dialog, t)) for t in ("Record", "Id", "Details"))
    assert dialog.area.count_label.text() == "4 entries"


def test_the_filter_narrows_to_one_group_of_kinds(qtbot, logged: str) -> None:
    dialog = _dialog(qtbot)
    dialog.area.set_filter("exchange")
    assert _column(dialog, "Action") == ["Bundle exported"]
    dialog.area.set_filter("access")
    assert _column(dialog, "Action") == ["Wrong passphrase", "Unlocked"]


def test_verify_says_whether_the_chain_is_whole(qtbot, store, logged: str) -> None:
    dialog = _dialog(qtbot)
    assert not dialog.area.result.isVisible()
    qtbot.keyClick(dialog.area.verify_button, Qt.Key.Key_Space)
    assert dialog.area.result.isVisible()
    assert "is whole" in dialog.area.result.text()
    store.db.execute_sql("DROP TRIGGER audit_log_no_update")
    store.db.execute_sql("UPDATE audit_log SET count = 1 WHERE kind = 'export'")
    dialog.area.verify()
    assert dialog.area.result.text() == "Entry 3 of the audit log is broken: its content was changed."


def test_the_dialog_speaks_the_users_language(qtbot, logged: str) -> None:
    dialog = _dialog(qtbot)
    dialog.area.verify()
    apply_language("uk")
    QApplication.processEvents()
    assert dialog.windowTitle() == "Журнал аудиту"
    assert _column(dialog, "Дія")[:2] == ["Неправильна парольна фраза", "Пакет експортовано"]
    assert _column(dialog, "Подробиці")[0] == "2 спроби, на блокуванні екрана"
    assert "цілісний" in dialog.area.result.text()
    apply_language("de")
    QApplication.processEvents()
    assert _column(dialog, "Aktion")[1] == "Paket exportiert"


def test_the_main_window_opens_it_from_tools_and_escape_closes_it(qtbot, logged: str, monkeypatch) -> None:
    from desktop.ui.main_window import MainWindow

    opened: list[AuditDialog] = []

    def run(dialog: QDialog) -> int:
        opened.append(dialog)  # type: ignore[arg-type]
        dialog.show()
        return 0

    monkeypatch.setattr(AuditDialog, "exec", run)
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.act_audit in window.menu_tools.actions()
    assert window.act_audit.text() == "&Audit log…"
    window.act_audit.trigger()
    dialog = opened[0]
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.area.table
    qtbot.keyClick(dialog.area.table, Qt.Key.Key_Down)
    assert dialog.area.table.currentIndex().row() == 1
    qtbot.keyClick(dialog.area.table, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
