"""The Appointments and Tasks areas, driven as a user would (offscreen, failing on Qt warnings)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.core import appointments, cases, demo, people, tasks
from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.models import Appointment, Case, Task, Volunteer
from desktop.ui import appointment_editor as appointment_editor_module
from desktop.ui.appointment_editor import AppointmentEditor
from desktop.ui.appointments_view import AppointmentsView, appointments_model
from desktop.ui.qt_i18n import apply_language
from desktop.ui.task_editor import TaskEditor
from desktop.ui.tasks_view import OVERDUE, TasksView, tasks_model
from tests.test_gui import type_text

TODAY = dt.date.today()
MIDNIGHT = dt.datetime.combine(TODAY, dt.time())


@pytest.fixture(autouse=True)
def _english(qapp) -> None:
    apply_language("en")


@pytest.fixture
def no_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Warnings the code shows (modal boxes would block an offscreen test); their texts, in order."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *args, **kw: shown.append(args[2]) or 0))
    return shown


def _all_rows(model) -> list:
    while model.canFetchMore():
        model.fetchMore()
    return [model.row_at(i) for i in range(model.rowCount())]


def _person(name: str = "Kovalenko"):
    return people.create_person({"family_name": name, "given_name": "Olena"})


def _demo_with_past_appointments() -> None:
    """Demo data, and some appointments that are surely past (the demo's few depend on the weekday)."""
    demo.generate(300, seed=1)
    person = _person("Past")
    for days in (1, 8, 40):
        when = dt.datetime.combine(TODAY - dt.timedelta(days=days), dt.time(9, 0))
        appointments.create_appointment({"starts_at": when, "office": "Jobcenter Leipzig", "person": person.id})


def test_list_models_pass_the_model_tester(qtbot, qtmodeltester, store) -> None:
    _demo_with_past_appointments()
    for upcoming in (True, False):
        model = appointments_model()
        model.set_upcoming(upcoming)
        assert model.rowCount() > 0
        qtmodeltester.check(model)
    model = tasks_model()
    for status in tasks.FILTERS:
        model.set_status(status)
        qtmodeltester.check(model)


def test_appointment_filter_upcoming_or_past_in_sql(qtbot, store) -> None:
    _demo_with_past_appointments()
    view = AppointmentsView()
    qtbot.addWidget(view)
    upcoming = _all_rows(view.model)
    assert view.current_filter() == "upcoming" and upcoming
    assert all(r.starts_at >= MIDNIGHT for r in upcoming)
    assert [r.starts_at for r in upcoming] == sorted(r.starts_at for r in upcoming)
    assert view.model.total == len(upcoming)
    view.set_filter("past")
    past = _all_rows(view.model)
    assert past and all(r.starts_at < MIDNIGHT for r in past)
    assert [r.starts_at for r in past] == sorted((r.starts_at for r in past), reverse=True)  # newest first
    assert view.model.total == len(past) and f"{len(past)} appointment" in view.count_label.text()
    assert len(upcoming) + len(past) == Appointment.select().where(~Appointment.deleted).count()
    first = view.model.data(view.model.index(0, 0))
    assert first and str(past[0].starts_at.year % 100) in first


def test_task_filters_open_overdue_done(qtbot, store) -> None:
    demo.generate(300, seed=1)
    every = tasks.page_tasks(None, 10_000, status="all")
    for row in every[:7]:
        tasks.set_done(row.id, True)
    view = TasksView()
    qtbot.addWidget(view)
    listed = {}
    for status in tasks.FILTERS:
        view.set_filter(status)
        listed[status] = _all_rows(view.model)
        assert view.model.total == len(listed[status])
    assert len(listed["done"]) == 7 and all(r.done for r in listed["done"])
    assert listed["open"] and not any(r.done for r in listed["open"])
    assert len(listed["open"]) + len(listed["done"]) == len(listed["all"]) == len(every)
    overdue = listed["overdue"]
    assert overdue and all(r.due_date < TODAY and not r.done for r in overdue)
    view.set_filter("overdue")
    brush = view.model.data(view.model.index(0, 0), Qt.ItemDataRole.ForegroundRole)
    assert brush.color() == OVERDUE  # overdue rows are red
    assert "Overdue since" in view.model.data(view.model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    view.set_filter("open")
    later = next(i for i, r in enumerate(_all_rows(view.model)) if r.due_date and r.due_date >= TODAY)
    assert view.model.data(view.model.index(later, 0), Qt.ItemDataRole.ForegroundRole) is None


def test_creating_an_appointment_through_the_editor(qtbot, store, no_dialogs, monkeypatch) -> None:
    office = {"key": "jc_leipzig", "name": "Jobcenter", "city": "Leipzig", "address": "Georg-Schumann-Straße 171"}
    monkeypatch.setattr(appointments, "offices", lambda: [office])
    person = _person()
    day = TODAY + dt.timedelta(days=3)
    view = AppointmentsView()
    qtbot.addWidget(view)
    editor = AppointmentEditor(person_id=person.id, parent=view)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.person_label.text() == "Kovalenko, Olena"
    assert editor.office.count() == 1 and editor.office.itemText(0) == "Jobcenter, Leipzig"
    qtbot.keyClicks(editor.date, day.strftime("%d.%m.%Y"))
    qtbot.keyClicks(editor.time, "9:30")
    editor.duration.setValue(90)
    editor.office.setCurrentIndex(0)
    editor.office.activated.emit(0)  # what choosing from the list does
    assert editor.address.text() == "Georg-Schumann-Straße 171, Leipzig"
    me = store_db.current().volunteer_id
    editor.volunteer.setCurrentIndex(editor.volunteer.findData(me))
    assert "(you)" in editor.volunteer.currentText()
    editor.interpreter.setChecked(True)
    type_text(editor.purpose, "Продовження дозволу")
    editor.save()
    assert editor.result() == editor.DialogCode.Accepted and no_dialogs == []
    saved = Appointment.get()
    assert saved.starts_at == dt.datetime.combine(day, dt.time(9, 30))
    assert (saved.office, saved.office_key, saved.duration_min) == ("Jobcenter, Leipzig", "jc_leipzig", 90)
    assert (saved.person_id, saved.volunteer_id, saved.interpreter_needed) == (person.id, me, True)
    assert saved.purpose == "Продовження дозволу"
    fields = {c.field for c in changelog.history(saved.id)}
    assert {"starts_at", "office", "address", "person", "volunteer", "interpreter_needed", "purpose"} <= fields
    # The list shows it, selected, as it does after a save from the New button.
    view.show_saved(saved.id, new=True)
    assert view.selected_appointment_id() == saved.id
    row = view.model.row_at(view.table.currentIndex().row())
    assert (row.person_name, row.volunteer_name, row.purpose) == ("Kovalenko, Olena", "Test Volunteer", saved.purpose)
    assert view.model.data(view.model.index(view.table.currentIndex().row(), 4)) == "yes"
    # Editing sends only what changed.
    editor = AppointmentEditor(saved)
    qtbot.addWidget(editor)
    assert editor.date.text() == day.strftime("%d.%m.%Y") and editor.time.text() == "09:30"
    assert editor.office.currentText() == "Jobcenter, Leipzig" and editor.changed_keys() == set()
    before = len(changelog.history(saved.id))
    editor.outcome.setPlainText("Antrag abgegeben, Eingangsstempel erhalten")
    editor.save()
    history = changelog.history(saved.id)
    assert len(history) == before + 1 and history[-1].field == "outcome"


def test_an_appointment_from_a_case_and_free_office_text(qtbot, store, no_dialogs, monkeypatch) -> None:
    monkeypatch.setattr(appointments, "offices", lambda: [])  # the directory may be missing
    person = _person("Tkachenko")
    case = cases.create_case({"person": person.id, "case_type": "aufenthalt_24"})
    editor = AppointmentEditor(case_id=case.id)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.case.isVisible() and case.reference in editor.case.currentText()
    assert editor.case_id == case.id and editor.person_label.text() == "Tkachenko, Olena"
    editor.date.setText((TODAY + dt.timedelta(days=1)).strftime("%d.%m.%Y"))
    editor.time.setText("14:00")
    editor.save()
    assert editor.error.isVisible() and "office" in editor.error.text()  # the core's message, inline
    assert Appointment.select().count() == 0
    editor.office.setEditText("Ausländerbehörde Leipzig, Technisches Rathaus")
    editor.save()
    saved = Appointment.get()
    assert (saved.case_id, saved.person_id, saved.office_key) == (case.id, person.id, "")


@pytest.mark.parametrize(
    ("date", "time", "message"),
    [
        ("31.02.2026", "10:00", "not a valid date"),
        ("", "10:00", "Enter the date"),
        ("02.03.2026", "25:00", "not a valid time"),
        ("02.03.2026", "10", "not a valid time"),
    ],
)
def test_an_invalid_date_or_time_is_said_inline_and_nothing_is_saved(
    qtbot, store, no_dialogs, date, time, message
) -> None:
    person = _person()
    editor = AppointmentEditor(person_id=person.id)
    qtbot.addWidget(editor)
    editor.show()
    editor.office.setEditText("Jobcenter Leipzig")
    qtbot.keyClicks(editor.date, date)
    qtbot.keyClicks(editor.time, time)
    editor.save()
    shown = [editor.checks.label(key) for key in ("date", "time")]
    assert any(label.isVisible() and message in label.text() for label in shown)
    assert editor.isVisible() and Appointment.select().count() == 0
    assert changelog.history(person.id)  # the person was logged, nothing else


def test_claiming_and_a_double_booking(qtbot, store, no_dialogs, monkeypatch) -> None:
    person = _person()
    other = changelog.create(Volunteer, name="Maria")
    when = dt.datetime.combine(TODAY + dt.timedelta(days=2), dt.time(10, 0))
    first = appointments.create_appointment({"starts_at": when, "office": "Jobcenter Leipzig", "person": person.id})
    second = appointments.create_appointment(
        {"starts_at": when + dt.timedelta(minutes=30), "office": "Bürgeramt Leipzig", "person": person.id}
    )
    taken = appointments.create_appointment(
        {
            "starts_at": when + dt.timedelta(days=1),
            "office": "Ausländerbehörde",
            "person": person.id,
            "volunteer": other,
        }
    )
    me = store_db.current().volunteer_id
    view = AppointmentsView()
    qtbot.addWidget(view)
    view.show()
    assert view.selected_appointment_id() == first.id and view.claim_button.isEnabled()
    assert not view.clash_label.isVisible()
    view.claim_button.click()
    assert Appointment.get_by_id(first.id).volunteer_id == me
    assert view.selected_appointment_id() == first.id and not view.claim_button.isEnabled()
    assert view.model.row_at(0).volunteer_name == "Test Volunteer" and not view.clash_label.isVisible()
    view.table.selectRow(1)
    view.claim_current()
    assert Appointment.get_by_id(second.id).volunteer_id == me
    assert view.clash_label.isVisible()
    assert "Test Volunteer is booked at Jobcenter Leipzig at the same time (10:00)." in view.clash_label.text()
    view.table.selectRow(0)
    assert "Bürgeramt Leipzig" in view.clash_label.text()
    # Taking over from another volunteer asks first; "No" leaves it with them.
    asked: list[str] = []
    answer = QMessageBox.StandardButton.No

    def question(*args, **kwargs):
        asked.append(args[2])
        return answer

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    view.table.selectRow(2)
    assert view.selected_appointment_id() == taken.id
    view.claim_current()
    assert asked and "Maria" in asked[0] and Appointment.get_by_id(taken.id).volunteer_id == other.id
    answer = QMessageBox.StandardButton.Yes
    view.claim_current()
    assert Appointment.get_by_id(taken.id).volunteer_id == me and view.selected_appointment_id() == taken.id


def test_saving_a_double_booked_appointment_warns(qtbot, store, no_dialogs) -> None:
    person = _person()
    me = store_db.current().volunteer_id
    when = dt.datetime.combine(TODAY + dt.timedelta(days=5), dt.time(11, 0))
    appointments.create_appointment({"starts_at": when, "office": "Jobcenter", "person": person.id, "volunteer": me})
    editor = AppointmentEditor(person_id=person.id)
    qtbot.addWidget(editor)
    editor.date.setText(when.strftime("%d.%m.%Y"))
    editor.time.setText("11:15")
    editor.office.setEditText("Bürgeramt")
    editor.volunteer.setCurrentIndex(editor.volunteer.findData(me))
    editor.save()
    assert editor.result() == editor.DialogCode.Accepted  # saved all the same
    assert len(no_dialogs) == 1 and "same time (11:00)" in no_dialogs[0]


def test_ticking_a_task_done_keeps_the_selection(qtbot, store) -> None:
    person = _person()
    for days in (-3, 1, 2, 5):
        tasks.create_task({"title": f"Task {days}", "person": person.id, "due_date": TODAY + dt.timedelta(days=days)})
    view = TasksView()
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()  # shortcuts work in the active window only
    qtbot.waitUntil(view.isActiveWindow)
    assert view.model.total == 4 and "4 tasks" in view.count_label.text()
    view.table.selectRow(2)
    target = view.selected_task_id()
    assert view.done_button.text() == "Done"
    view.focus_list()
    qtbot.keyClick(view.table, Qt.Key.Key_Space)
    assert Task.get_by_id(target).done and Task.get_by_id(target).done_on == TODAY
    assert view.table.currentIndex().row() == 2 and view.selected_task_id() == target
    assert view.model.rowCount() == 4 and "3 tasks" in view.count_label.text()
    font = view.model.data(view.model.index(2, 1), Qt.ItemDataRole.FontRole)
    assert font.strikeOut() and view.done_button.text() == "Open again"
    view.done_button.click()  # a mistake is undone the same way
    assert not Task.get_by_id(target).done and view.selected_task_id() == target
    view.table.selectRow(3)
    qtbot.keyClick(view.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert Task.get_by_id(view.selected_task_id()).done and view.table.currentIndex().row() == 3
    view.refresh()
    assert view.model.total == 3


def test_task_editor_creates_and_edits(qtbot, store) -> None:
    person = _person()
    case = cases.create_case({"person": person.id, "case_type": "widerspruch"})
    view = TasksView()
    qtbot.addWidget(view)
    editor = TaskEditor(case_id=case.id, parent=view)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.person_label.text() == "Kovalenko, Olena" and editor.title.isVisible()
    assert editor.volunteer.currentData() == store_db.current().volunteer_id
    editor.save()
    assert editor.checks.label("title").isVisible() and editor.isVisible()  # a title is needed
    type_text(editor.title, "Копії документів зробити")
    assert not editor.checks.label("title").isVisible()  # gone as soon as it is right
    editor.kind.setCurrentIndex(editor.kind.findData("deadline"))
    editor.due.setText("30.02.2026")
    count = Task.select().count()
    editor.save()
    assert editor.checks.label("due_date").isVisible() and Task.select().count() == count
    assert editor.focusWidget() is editor.due  # the first problem has the focus
    editor.due.setText((TODAY + dt.timedelta(days=4)).strftime("%d.%m.%Y"))
    editor.save()
    task = editor.task
    assert (task.title, task.kind, task.case_id, task.person_id) == (
        "Копії документів зробити",
        "deadline",
        case.id,
        person.id,
    )
    assert task.due_date == TODAY + dt.timedelta(days=4)
    view.show_saved(task.id, new=True)
    assert view.selected_task_id() == task.id
    row = view.table.currentIndex().row()
    assert view.model.data(view.model.index(row, 2)) == "Deadline"
    # Editing: ticking done through the editor sets the day it was done, and only changed fields go out.
    editor = TaskEditor(Task.get_by_id(task.id))
    qtbot.addWidget(editor)
    assert editor.changed_keys() == set()
    editor.done_check.setChecked(True)
    before = len(changelog.history(task.id))
    editor.save()
    history = changelog.history(task.id)
    assert {c.field for c in history[before:]} == {"done", "done_on"}
    view.show_saved(task.id, new=False)  # it stays where it is, selected, shown as done until the next refresh
    assert view.selected_task_id() == task.id and view.table.currentIndex().row() == row
    assert view.model.row_at(row).done and view.done_button.text() == "Open again"
    # A task saved as done while the list shows open ones: the list switches to done tasks to show it.
    editor = TaskEditor(person_id=person.id, parent=view)
    qtbot.addWidget(editor)
    editor.title.setText("Kopie an die Familie")
    editor.done_check.setChecked(True)
    editor.save()
    view.set_filter("open")
    view.show_saved(editor.task.id, new=True)
    assert view.current_filter() == "done" and view.selected_task_id() == editor.task.id
    assert editor.task.done_on == TODAY


def test_a_timeline_task_shows_its_step_title(qtbot, store) -> None:
    person = _person()
    case = cases.create_case({"person": person.id, "case_type": "buergergeld_erstantrag"})
    step_task = Task.select().where((Task.case == case.id) & (Task.step_key != "")).first()
    assert step_task is not None
    editor = TaskEditor(step_task)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.step_label.isVisible() and not editor.title.isVisible()
    assert editor.step_label.text() == cases.task_title(step_task) and editor.step_label.text()
    step = next(s for s in cases.case_type(case.case_type)["timeline"] if s["key"] == step_task.step_key)
    apply_language("de")
    qtbot.wait(10)
    assert editor.step_label.text() == step["de"]


def test_language_switch_retranslates_the_new_areas(qtbot, store, no_dialogs) -> None:
    demo.generate(30, seed=1)
    person = Case.select().first().person_id
    widgets = [AppointmentsView(), TasksView(), AppointmentEditor(person_id=person), TaskEditor(person_id=person)]
    for widget in widgets:
        qtbot.addWidget(widget)
        widget.show()
    apply_language("de")
    qtbot.wait(10)
    for view in widgets[:2]:
        headers = [view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(view.model.columnCount())]
        assert all(headers)
        assert view.title.text() and view.new_button.text() and view.filter.currentText()
    for editor in widgets[2:]:
        assert editor.windowTitle() and editor.person_button.text()
    assert widgets[1].done_button.text()
    apply_language("uk")
    qtbot.wait(10)
    assert widgets[0].model.headerData(1, Qt.Orientation.Horizontal)
    for widget in widgets:
        widget.retranslate_ui()  # callable directly too


def test_the_editors_ask_before_discarding(qtbot, store, monkeypatch) -> None:
    asked: list[str] = []

    def question(box):
        asked.append(box.windowTitle())
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "exec", question)
    for editor in (AppointmentEditor(), TaskEditor()):
        qtbot.addWidget(editor)
        editor.show()
        editor.reject()  # nothing changed: closes without asking
        assert not asked and not editor.isVisible()
        editor.show()
        (editor.date if isinstance(editor, AppointmentEditor) else editor.due).setText("01.04.2026")
        editor.reject()
        assert asked and editor.isVisible()
        asked.clear()


def test_office_helpers_cope_with_other_directory_shapes() -> None:
    assert appointment_editor_module._office_text({"key": "x", "name": "Jobcenter Dresden", "city": "Dresden"}) == (
        "Jobcenter Dresden"
    )
    assert appointment_editor_module._office_address(
        {"street": "Theaterstraße 13", "postcode": "01067", "city": "Dresden"}
    ) == ("Theaterstraße 13, 01067 Dresden")
    assert appointment_editor_module._office_address({"name": "Jobcenter Dresden", "city": "Dresden"}) == ""
    assert appointment_editor_module.parse_time("09.05") == dt.time(9, 5)
    with pytest.raises(ValueError):
        appointment_editor_module.parse_time("9")


def test_the_office_list_comes_from_the_directory(qtbot, store) -> None:
    directory = appointments.offices()  # may still be empty while resources/offices.json is written
    editor = AppointmentEditor()
    qtbot.addWidget(editor)
    assert editor.office.count() == len(directory) and editor.office.currentText() == ""
    for i, entry in enumerate(directory):
        editor.office.setCurrentIndex(i)
        editor.office.activated.emit(i)
        assert editor.office.currentData() == entry["key"] and editor.snapshot()["office_key"] == entry["key"]
        if entry.get("address"):
            assert editor.address.text().startswith(entry["address"])
