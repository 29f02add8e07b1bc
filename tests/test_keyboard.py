"""Keyboard and accessibility: Enter inside an editor's lists and note field stays there, the checklist and
the case's tasks can be worked from the keyboard, focus starts in the first field, error messages and tab
titles follow the language, lists are brought up to date after changes made in an editor's tabs."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from desktop import i18n
from desktop.core import cases, documents, people, tasks, validation
from desktop.core.store.models import Case, Person, Task
from desktop.i18n import _
from desktop.ui.appointment_editor import AppointmentEditor
from desktop.ui.case_editor import CaseEditor, PersonPicker
from desktop.ui.cases_view import CasesView
from desktop.ui.checklist_widget import ChecklistWidget
from desktop.ui.common import list_table
from desktop.ui.people_view import PeopleView
from desktop.ui.person_editor import PersonEditor
from desktop.ui.person_tabs import CasesTab, DocumentDialog, DocumentsTab, HouseholdTab
from desktop.ui.qt_i18n import apply_language
from desktop.ui.task_editor import TaskEditor
from desktop.ui.timeline_widget import TimelineWidget


@pytest.fixture
def person(store) -> Person:
    created = people.create_person(
        {"family_name_cyr": "Руденко", "given_name_cyr": "Ірина", "family_name": "Rudenko", "given_name": "Iryna"}
    )
    documents.create_document({"person": created.id, "kind": "24", "printed_until": dt.date(2027, 3, 4)})
    return Person.get_by_id(created.id)


@pytest.fixture
def case(person: Person) -> Case:
    created = cases.create_case({"person": person.id, "case_type": "widerspruch"})
    tasks.create_task({"case": created.id, "title": "Call the Jobcenter", "due_date": dt.date(2026, 12, 1)})
    return Case.get_by_id(created.id)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Dialogs opened from inside an editor: recorded and cancelled at once (exec would wait offscreen)."""
    seen: list[str] = []

    def fake_exec(self) -> int:
        seen.append(type(self).__name__)
        return 0

    for dialog in (DocumentDialog, CaseEditor, TaskEditor, PersonPicker):
        monkeypatch.setattr(dialog, "exec", fake_exec)
    return seen


def _shown(qtbot, dialog: QWidget) -> QWidget:
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def _enter(qtbot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Return)


# --- 1, 12: Enter on a line of a list inside an editor ----------------------------------------------------


@pytest.mark.parametrize(
    ("tab", "kind", "expected"), [(1, DocumentsTab, "DocumentDialog"), (3, CasesTab, "CaseEditor")]
)
def test_enter_on_a_line_in_the_person_editor_opens_it_and_keeps_the_editor(
    qtbot, case, person, opened, tab, kind, expected
) -> None:
    editor = _shown(qtbot, PersonEditor(person))
    editor.edits["city"].setText("Leipzig")  # an edit that Enter must not save
    editor.tabs.setCurrentIndex(tab)
    tree = editor.tabs.currentWidget().tree
    assert isinstance(editor.tabs.currentWidget(), kind)
    tree.setCurrentItem(tree.topLevelItem(0))
    _enter(qtbot, tree)
    assert opened == [expected]
    assert editor.isVisible() and editor.result() == QDialog.DialogCode.Rejected
    assert Person.get_by_id(person.id).city == ""


def test_enter_on_the_other_lists_inside_editors_closes_nothing(qtbot, case, person, opened) -> None:
    editor = _shown(qtbot, PersonEditor(person))
    household = editor.tabs.widget(2)
    assert isinstance(household, HouseholdTab)
    household._create()
    for index in (2, 4, 5):  # household, consents, timeline
        editor.tabs.setCurrentIndex(index)
        tree = editor.tabs.currentWidget().tree
        tree.setCurrentItem(tree.topLevelItem(0))
        _enter(qtbot, tree)
        assert editor.isVisible()
    case_editor = _shown(qtbot, CaseEditor(case))
    case_editor.tabs.setCurrentIndex(1)
    table = case_editor.checklist.table
    table.setCurrentCell(0, 0)
    _enter(qtbot, table)
    assert case_editor.isVisible() and case_editor.result() == QDialog.DialogCode.Rejected


def _task_item(tree, task_id: str):
    return next(
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == task_id
    )


def test_enter_on_a_task_of_the_case_opens_it_in_the_task_editor(qtbot, case, opened, monkeypatch) -> None:
    editor = _shown(qtbot, CaseEditor(case))
    editor.tabs.setCurrentIndex(2)
    tree = editor.tasks
    task_id = Task.get((Task.case == case.id) & (Task.title == "Call the Jobcenter")).id
    tree.setCurrentItem(_task_item(tree, task_id))
    _enter(qtbot, tree)
    assert opened == ["TaskEditor"] and editor.isVisible()
    assert not editor.changed_inside  # cancelled: nothing changed

    def save_retitled(task_editor: TaskEditor) -> int:
        assert task_editor.task.id == task_id
        task_editor.title.setText("Call the Jobcenter again")
        task_editor.save()
        return task_editor.result()

    monkeypatch.setattr(TaskEditor, "exec", save_retitled)
    _enter(qtbot, tree)
    assert _task_item(tree, task_id).text(1) == "Call the Jobcenter again"  # the list shows what was saved
    assert tree.currentItem() is _task_item(tree, task_id)
    assert editor.changed_inside and editor.isVisible()


def test_space_ticks_a_task_of_the_case_off_and_on(qtbot, case) -> None:
    editor = _shown(qtbot, CaseEditor(case))
    editor.tabs.setCurrentIndex(2)
    tree = editor.tasks
    rows = tree.topLevelItemCount()
    task_id = Task.get((Task.case == case.id) & (Task.title == "Call the Jobcenter")).id
    tree.setFocus()
    tree.setCurrentItem(_task_item(tree, task_id))
    qtbot.keyClick(tree, Qt.Key.Key_Space)
    assert Task.get_by_id(task_id).done and Task.get_by_id(task_id).done_on == dt.date.today()
    item = _task_item(tree, task_id)
    assert item.text(3) == "yes" and tree.currentItem() is item and tree.topLevelItemCount() == rows
    assert editor.changed_inside
    qtbot.keyClick(tree, Qt.Key.Key_Space)
    assert not Task.get_by_id(task_id).done and _task_item(tree, task_id).text(3) == ""


# --- 2: Enter in the note field ---------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["person", "case"])
def test_enter_in_the_note_field_adds_the_note_and_keeps_the_editor(qtbot, case, person, which) -> None:
    editor = _shown(qtbot, PersonEditor(person) if which == "person" else CaseEditor(case))
    editor.tabs.setCurrentIndex(editor.tabs.count() - 1)
    timeline = editor.tabs.currentWidget()
    assert isinstance(timeline, TimelineWidget)
    rows = timeline.tree.topLevelItemCount()
    timeline.note.setFocus()
    qtbot.keyClicks(timeline.note, "Called the Jobcenter")
    qtbot.keyClick(timeline.note, Qt.Key.Key_Return)
    assert timeline.tree.topLevelItemCount() == rows + 1 and timeline.note.text() == ""
    assert editor.isVisible() and editor.result() == QDialog.DialogCode.Rejected


# --- 3: the checklist from the keyboard -------------------------------------------------------------------


def test_space_in_the_checklist_keeps_the_current_cell(qtbot, case) -> None:
    widget = _shown(qtbot, ChecklistWidget(case.id))
    table = widget.table
    table.setFocus()
    table.setCurrentCell(0, 1)
    before = [item.have for item in cases.checklist(case.id)]
    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert (table.currentRow(), table.currentColumn()) == (0, 1) and table.hasFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert (table.currentRow(), table.currentColumn()) == (1, 1)
    after = [item.have for item in cases.checklist(case.id)]
    assert after[:2] == [not before[0], not before[1]] and after[2:] == before[2:]
    assert table.item(1, 1).checkState() == (Qt.CheckState.Checked if after[1] else Qt.CheckState.Unchecked)


def test_choosing_how_with_the_keyboard_keeps_the_list_and_its_focus(qtbot, case) -> None:
    widget = _shown(qtbot, ChecklistWidget(case.id))
    table = widget.table
    table.setFocus()
    table.setCurrentCell(1, 4)
    qtbot.keyClick(table, Qt.Key.Key_Return)  # Enter opens the cell: the "How" list gets the focus
    combo = table.cellWidget(1, 4)
    assert combo.hasFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert cases.checklist(case.id)[1].submitted_how == "in_person"
    assert table.cellWidget(1, 4) is combo and combo.hasFocus()  # not deleted and rebuilt
    assert (table.currentRow(), table.currentColumn()) == (1, 4)
    assert table.item(1, 3).text() == i18n.fmt_date_german(dt.date.today())  # the core filled the day in


def test_adding_a_document_keeps_the_current_line(qtbot, case, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    widget = _shown(qtbot, ChecklistWidget(case.id))
    widget.table.setCurrentCell(2, 1)
    current = widget.table.item(2, 0).data(Qt.ItemDataRole.UserRole)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Birth certificate", True)))
    widget._add()
    assert widget.table.rowCount() == len(cases.checklist(case.id))
    assert widget.table.item(widget.table.currentRow(), 0).data(Qt.ItemDataRole.UserRole) == current


# --- 4: Tab in the notes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["person", "case"])
def test_tab_leaves_the_notes_field(qtbot, case, person, which) -> None:
    editor = _shown(qtbot, PersonEditor(person) if which == "person" else CaseEditor(case))
    editor.notes.setFocus()
    qtbot.keyClick(editor.notes, Qt.Key.Key_Tab)
    assert "\t" not in editor.notes.toPlainText() and not editor.notes.hasFocus()


# --- 5: a typed note is asked about ----------------------------------------------------------------------


@pytest.mark.parametrize("which", ["person", "case"])
def test_a_typed_note_not_yet_added_is_asked_about(qtbot, case, person, which, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: asked.append(box.text()) or QMessageBox.StandardButton.Cancel)
    editor = _shown(qtbot, PersonEditor(person) if which == "person" else CaseEditor(case))
    editor.tabs.setCurrentIndex(editor.tabs.count() - 1)
    editor.tabs.currentWidget().note.setText("ABH called: bring the passport")
    editor.reject()
    assert len(asked) == 1 and editor.isVisible()  # Cancel in the question keeps the editor and the note


# --- 6: lists after changes made in the tabs -------------------------------------------------------------


def test_a_case_made_from_the_persons_tab_updates_the_lists_even_when_cancelled(qtbot, person, monkeypatch) -> None:
    view = PeopleView()
    qtbot.addWidget(view)
    seen: dict[str, int] = {}

    def new_case_saved(case_editor: CaseEditor) -> int:
        case_editor.save()
        return case_editor.result()

    def cancel_after_a_new_case(editor: PersonEditor) -> int:
        timeline = editor.timeline
        seen["before"] = timeline.tree.topLevelItemCount()
        monkeypatch.setattr(CaseEditor, "exec", new_case_saved)
        editor.tabs.widget(3)._new()
        seen["after"] = timeline.tree.topLevelItemCount()
        seen["cases"] = editor.tabs.widget(3).tree.topLevelItemCount()
        return 0  # the person editor itself is cancelled

    monkeypatch.setattr(PersonEditor, "exec", cancel_after_a_new_case)
    with qtbot.waitSignal(view.changed, timeout=1000):
        view.open_person(person.id)
    assert seen["cases"] == 1 and seen["after"] > seen["before"]  # the timeline shows the new case


def test_nothing_changed_in_the_person_editor_changes_no_list(qtbot, person, monkeypatch) -> None:
    view = PeopleView()
    qtbot.addWidget(view)
    monkeypatch.setattr(PersonEditor, "exec", lambda editor: 0)
    with qtbot.assertNotEmitted(view.changed):
        view.open_person(person.id)


def test_ticks_in_a_cancelled_case_editor_update_the_lists(qtbot, case, monkeypatch) -> None:
    view = CasesView()
    qtbot.addWidget(view)

    def tick_then_cancel(editor: CaseEditor) -> int:
        editor.checklist.table.item(0, 1).setCheckState(Qt.CheckState.Checked)
        return 0

    monkeypatch.setattr(CaseEditor, "exec", tick_then_cancel)
    with qtbot.waitSignal(view.changed, timeout=1000):
        view.open_case(case.id)


# --- 7: error messages follow the language ---------------------------------------------------------------


def test_error_messages_on_screen_follow_the_language(qtbot, case, person) -> None:
    person_editor = _shown(qtbot, PersonEditor(person))
    person_editor.edits["iban"].setText("DE00 1234")
    person_editor._check_field("iban")
    case_editor = _shown(qtbot, CaseEditor(case))
    case_editor.dates["letter_date"].setText("31.02.2026")
    case_editor.save()
    appointment = _shown(qtbot, AppointmentEditor(person_id=person.id))
    appointment.date.setText("01.12.2026")
    appointment.time.setText("25:99")
    appointment.save()
    task = _shown(qtbot, TaskEditor(person_id=person.id))
    task.due.setText("99.99.2026")
    task.save()
    document = _shown(qtbot, DocumentDialog(person.id))
    document.until.setText("32.13.2026")
    document.save()
    english = {
        "iban": person_editor.errors["iban"].text(),
        "case": case_editor.checks.label("letter_date").text(),
        "appointment": appointment.checks.label("time").text(),
        "task": task.checks.label("due_date").text(),
        "document": document.checks.label("printed_until").text(),
    }
    assert all(english.values())
    apply_language("uk")
    qtbot.wait(10)
    expected = {
        "iban": validation.validate_field("iban", "DE00 1234"),
        "case": _("This is not a valid date (DD.MM.YYYY)."),  # said under the field it is about
        "appointment": _("This is not a valid time (HH:MM)."),
        "task": _("This is not a valid date (DD.MM.YYYY)."),
        "document": _("This is not a valid date (DD.MM.YYYY)."),
    }
    shown = {
        "iban": person_editor.errors["iban"].text(),
        "case": case_editor.checks.label("letter_date").text(),
        "appointment": appointment.checks.label("time").text(),
        "task": task.checks.label("due_date").text(),
        "document": document.checks.label("printed_until").text(),
    }
    assert shown == expected
    assert all(shown[key] != english[key] for key in shown)


def test_a_core_refusal_follows_the_language(qtbot, person) -> None:
    editor = _shown(qtbot, AppointmentEditor(person_id=person.id))
    editor.date.setText("01.12.2026")
    editor.time.setText("9:30")
    editor.save()  # no office
    assert editor.error.text() == "Enter the office."
    apply_language("de")
    qtbot.wait(10)
    assert editor.error.text() == _("Enter the office.") != "Enter the office."


# --- 8: where the focus starts, and the tab order ---------------------------------------------------------


def test_focus_starts_in_the_first_field(qtbot, case, person) -> None:
    assert _shown(qtbot, PersonEditor(person)).focusWidget().objectName() == "family_name_cyr"
    assert _shown(qtbot, PersonEditor(None)).focusWidget().objectName() == "family_name_cyr"
    case_editor = _shown(qtbot, CaseEditor(case))
    assert case_editor.focusWidget() is case_editor.case_type
    nobody = _shown(qtbot, CaseEditor(None))
    assert nobody.focusWidget() is nobody.person_button
    appointment = _shown(qtbot, AppointmentEditor(person_id=person.id))
    assert appointment.focusWidget() is appointment.date
    anyone = _shown(qtbot, AppointmentEditor())
    assert anyone.focusWidget() is anyone.person_button
    task = _shown(qtbot, TaskEditor(person_id=person.id))
    assert task.focusWidget() is task.title


def test_the_spelling_buttons_follow_the_latin_names(qtbot, person) -> None:
    editor = _shown(qtbot, PersonEditor(person))
    editor.edits["given_name"].setFocus()
    order = []
    for _step in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [editor.translit_button, editor.spellings_button, editor.edits["birth_date"]]


# --- 9: accessible names ---------------------------------------------------------------------------------


def test_accessible_names_tell_the_fields_apart(qtbot, case, person) -> None:
    editor = PersonEditor(person)
    qtbot.addWidget(editor)
    names = [edit.accessibleName() for edit in editor.edits.values()]
    assert len(names) == len(set(names))
    assert editor.edits["family_name_cyr"].accessibleName() == "Family name (Cyrillic)"
    assert editor.edits["family_name"].accessibleName() == "Family name (passport)"
    case_editor = CaseEditor(case)
    qtbot.addWidget(case_editor)
    assert case_editor.tasks.accessibleName() == "Deadlines and tasks"
    table = case_editor.checklist.table
    label = table.item(0, 0).text()
    assert label in table.cellWidget(0, 4).accessibleName()
    picker = PersonPicker()
    qtbot.addWidget(picker)
    assert picker.table.accessibleName() == "People"


# --- 10: Tab leaves the lists ----------------------------------------------------------------------------


def test_tab_leaves_a_list_area(qtbot, person) -> None:
    view = PeopleView()
    assert not view.table.tabKeyNavigation()
    assert not list_table(view.model, lambda _i: None).tabKeyNavigation()
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Tab)
    assert not view.table.hasFocus()


# --- 11: long tab titles --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["uk", "de", "en"])
def test_every_tab_title_shows(qtbot, case, person, lang) -> None:
    apply_language(lang)
    for editor in (PersonEditor(person), CaseEditor(case)):
        _shown(qtbot, editor)
        bar = editor.tabs.tabBar()
        assert bar.tabRect(bar.count() - 1).right() < bar.width(), (lang, type(editor).__name__)
