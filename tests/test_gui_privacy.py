"""Delete with Undo in the lists and timelines, and the erase confirmation, as a user works them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop.core.store.models import Note, Person, model_for
from desktop.ui.deletion_ui import EraseDialog
from tests.privacy_data import SECRETS, make_family


def listed(area) -> set[str]:  # type: ignore[no-untyped-def]
    while area.model.canFetchMore():
        area.model.fetchMore()
    return {area.row_id(area.model.row_at(i)) for i in range(area.model.rowCount())}


def select(area, record_id: str) -> None:  # type: ignore[no-untyped-def]
    for i in range(area.model.rowCount()):
        if area.row_id(area.model.row_at(i)) == record_id:
            area.table.selectRow(i)
            area.table.setFocus()
            return
    raise AssertionError("not listed")


@pytest.fixture
def window(qtbot, store):  # type: ignore[no-untyped-def]
    from desktop.ui.main_window import MainWindow

    family = make_family()
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.family = family
    return win


@pytest.mark.parametrize(
    ("area_index", "attribute", "kind"),
    [(1, "person", "person"), (2, "case", "case"), (3, "appointment", "appointment"), (4, "task", "task")],
)
def test_del_deletes_and_undo_brings_back(qtbot, window, area_index: int, attribute: str, kind: str) -> None:
    window.show_area(area_index)
    area = window.areas[area_index]
    record_id = getattr(window.family, attribute)
    area.refresh()
    select(area, record_id)
    qtbot.keyClick(area.table, Qt.Key.Key_Delete)
    assert model_for(kind).get_by_id(record_id).deleted
    assert record_id not in listed(area)
    assert window.undo_notice.isVisible()
    assert window.undo_notice.label.text().startswith("Deleted: 1 ")
    window.act_undo.trigger()  # Ctrl+Z
    assert not model_for(kind).get_by_id(record_id).deleted
    assert record_id in listed(area)
    assert not window.undo_notice.isVisible()


def test_ctrl_z_undoes_and_the_offer_ends_with_the_view(qtbot, window) -> None:
    window.show_area(2)
    select(window.cases, window.family.case)
    qtbot.keyClick(window.cases.table, Qt.Key.Key_Delete)
    qtbot.keyClick(window.cases.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.family.case in listed(window.cases)
    select(window.cases, window.family.case)
    qtbot.keyClick(window.cases.table, Qt.Key.Key_Delete)
    window.show_area(3)  # another view: the Undo is no longer offered
    assert not window.undo_notice.isVisible()
    window.act_undo.trigger()
    assert model_for("case").get_by_id(window.family.case).deleted


def test_a_note_is_deleted_from_the_timeline_and_restored(qtbot, store) -> None:
    from desktop.ui.timeline_widget import TimelineWidget

    family = make_family()
    timeline = TimelineWidget(case_id=family.case)
    qtbot.addWidget(timeline)
    timeline.show()
    texts = [timeline.tree.topLevelItem(i).text(2) for i in range(timeline.tree.topLevelItemCount())]
    timeline.tree.setCurrentItem(timeline.tree.topLevelItem(texts.index(SECRETS["case_note"])))
    timeline.activateWindow()
    timeline.tree.setFocus()
    qtbot.waitUntil(timeline.tree.hasFocus)
    qtbot.keyClick(timeline.tree, Qt.Key.Key_Delete)
    assert Note.get_by_id(family.case_note).deleted
    texts = [timeline.tree.topLevelItem(i).text(2) for i in range(timeline.tree.topLevelItemCount())]
    assert SECRETS["case_note"] not in texts
    assert timeline.undo_notice.isVisible()
    qtbot.mouseClick(timeline.undo_notice.button, Qt.MouseButton.LeftButton)
    assert not Note.get_by_id(family.case_note).deleted
    texts = [timeline.tree.topLevelItem(i).text(2) for i in range(timeline.tree.topLevelItemCount())]
    assert SECRETS["case_note"] in texts


def test_erase_dialog_names_what_goes_and_enter_cancels(qtbot, store) -> None:
    family = make_family()
    dialog = EraseDialog(family.person)
    qtbot.addWidget(dialog)
    dialog.show()
    assert SECRETS["family"] in dialog.heading.text()
    assert "1 person" in dialog.what.text() and "1 case" in dialog.what.text()
    assert "cannot be undone" in dialog.warning.text()
    assert not dialog.erase_button.isEnabled()
    qtbot.keyClick(dialog.understood, Qt.Key.Key_Space)  # ticked by keyboard
    assert dialog.understood.isChecked() and dialog.erase_button.isEnabled()
    qtbot.keyClick(dialog.understood, Qt.Key.Key_Return)  # Enter still cancels
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert Person.get_or_none(Person.id == family.person) is not None


def test_erase_dialog_erases_after_the_deliberate_act(qtbot, store) -> None:
    family = make_family()
    dialog = EraseDialog(family.person)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)  # disabled: nothing happens
    assert Person.get_or_none(Person.id == family.person) is not None
    dialog.understood.setChecked(True)
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert Person.get_or_none(Person.id == family.person) is None
    assert dialog.erased is not None and dialog.erased["person"] == 1


def test_erase_from_the_people_list(qtbot, window, monkeypatch) -> None:
    def confirm(dialog: EraseDialog) -> int:
        dialog.understood.setChecked(True)
        dialog.erase()
        return 1

    monkeypatch.setattr(EraseDialog, "exec", confirm)
    window.show_area(1)
    select(window.people, window.family.person)
    window.people.erase_action.trigger()
    assert Person.get_or_none(Person.id == window.family.person) is None
    assert window.family.person not in listed(window.people)
    assert window.statusBar().currentMessage().startswith("Erased: 1 person")


@pytest.mark.parametrize("language", ["de", "uk"])
def test_the_erase_question_wraps_a_long_name_instead_of_cutting_it(qtbot, store, language: str) -> None:
    from desktop.core import people
    from desktop.ui.qt_i18n import apply_language
    from tests.fit import SCREEN, clipped

    apply_language(language)
    person = people.create_person(
        {
            "family_name_cyr": "Бондаренко-Ковальчук-Шевченко-Ткаченко-Лисенко-Мельниченко-Гнатюк",
            "given_name_cyr": "Олександра-Анастасія-Христина-Ярослава-Валентина-Мирослава-"
            "Богдана-Катерина-Зоряна-Людмила",
            "family_name": "Bondarenko-Kovalchuk-Shevchenko-Tkachenko-Lysenko-Melnychenko-Hnatiuk",
            "given_name": "Oleksandra-Anastasiia-Khrystyna-Yaroslava-Valentyna-Myroslava-"
            "Bohdana-Kateryna-Zoriana-Liudmyla",
        }
    )
    dialog = EraseDialog(person.id)
    qtbot.addWidget(dialog)
    hint = dialog.sizeHint()
    dialog.resize(min(hint.width(), SCREEN[0]), min(hint.height(), SCREEN[1]))
    dialog.show()
    assert "Bondarenko" in dialog.heading.text() or "Бондаренко" in dialog.heading.text()
    assert dialog.heading.fontMetrics().horizontalAdvance(dialog.heading.text()) > SCREEN[0]  # wider than the screen
    assert dialog.width() <= SCREEN[0]
    assert clipped(dialog) == []
