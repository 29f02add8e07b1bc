"""The screen lock: every window covered until the profile's passphrase is entered; nothing typed is lost."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.core import people
from desktop.core.store import db as store_db
from desktop.ui.lock import LockPrompt, ScreenLock, lock_minutes
from desktop.ui.main_window import MainWindow
from desktop.ui.person_editor import PersonEditor
from tests.conftest import PASSPHRASE


def _prompt() -> LockPrompt:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, LockPrompt) and w.isVisible()]
    assert len(found) == 1
    return found[0]


def test_lock_covers_every_window_and_only_the_passphrase_unlocks(qtbot, store: store_db.Store) -> None:
    people.create_person({"family_name": "Zyma", "given_name": "Olha"})
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    editor = PersonEditor(parent=window)  # an editor open with something typed in it
    qtbot.addWidget(editor)
    editor.show()
    editor.edits["family_name"].setText("Bondar")
    window.act_lock.trigger()
    lock = window.screen_lock
    assert lock.locked and {c.parentWidget() for c in lock.covers} >= {window, editor}
    assert all(c.isVisible() and c.geometry() == c.parentWidget().rect() for c in lock.covers)
    prompt = _prompt()
    prompt.passphrase.setText("not the passphrase")
    prompt.ok_button.click()
    assert lock.locked and "not correct" in prompt.error.text()
    prompt.reject()  # Esc does not unlock
    assert lock.locked
    prompt.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(lock.locked_changed):
        prompt.ok_button.click()
    assert not lock.locked and lock.covers == []
    assert editor.isVisible() and editor.edits["family_name"].text() == "Bondar"  # nothing typed is lost


def test_the_app_locks_itself_after_the_idle_time_and_input_postpones_it(qtbot, store: store_db.Store) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    lock = ScreenLock(QApplication.instance(), 1)
    lock.timer.start(1_000)  # as if 59 of the 60 seconds had passed
    qtbot.keyClick(field, "a")  # input starts the idle time again
    assert lock.timer.interval() == 60_000 and lock.timer.remainingTime() > 59_000 and not lock.locked
    store.set_setting("lock_minutes", "0.002")  # 120 ms
    assert lock_minutes() == 0.002
    lock.set_minutes(lock_minutes())
    qtbot.waitUntil(lambda: lock.locked, timeout=5000)
    assert any(c.parentWidget() is field for c in lock.covers)
    lock.unlock()
    lock.set_minutes(0)  # a profile that never locks by itself
    qtbot.wait(200)
    assert not lock.locked
    store.set_setting("lock_minutes", "soon")
    assert lock_minutes() == 10


def test_ctrl_l_locks_from_a_modal_editor_and_input_in_it_postpones_the_idle_lock(qtbot, store) -> None:
    from PySide6.QtCore import Qt

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    editor = PersonEditor(parent=window)
    qtbot.addWidget(editor)
    editor.setWindowModality(Qt.WindowModality.ApplicationModal)  # as exec() opens it
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    field = editor.edits["family_name"]
    lock = window.screen_lock
    lock.timer.start(1_000)  # as if most of the idle time had passed
    qtbot.keyClicks(field, "Bondar")  # typing in the dialog starts the idle time again
    assert lock.timer.remainingTime() > 60_000 and not lock.locked
    qtbot.keyClick(field, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert lock.locked and {c.parentWidget() for c in lock.covers} >= {window, editor}
    assert field.text() == "Bondar"  # the shortcut typed nothing
    prompt = _prompt()
    prompt.passphrase.setText(PASSPHRASE)
    prompt.ok_button.click()
    assert not lock.locked and editor.isVisible() and field.text() == "Bondar"
    # From a dialog without a parent too (the duplicates list, a message): every window of the app.
    other = QLineEdit()
    qtbot.addWidget(other)
    other.show()
    qtbot.keyClick(other, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert lock.locked and any(c.parentWidget() is other for c in lock.covers)
