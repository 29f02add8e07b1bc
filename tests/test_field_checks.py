"""One validation behaviour in every editor: checked as you leave a field, the message under the field,
gone as soon as the value is right, and a failed save brings the first problem into view."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from desktop.core import cases, people
from desktop.core.store.models import Case, Task
from desktop.ui.appointment_editor import AppointmentEditor
from desktop.ui.case_editor import CaseEditor
from desktop.ui.task_editor import TaskEditor


@pytest.fixture
def person(store):
    return people.create_person({"family_name": "Bondar", "given_name": "Iryna"})


def _leave(qtbot, field: QLineEdit, text: str) -> None:
    field.setFocus()
    field.clear()
    qtbot.keyClicks(field, text)
    field.editingFinished.emit()  # what leaving the field with Tab does


def _editors(person):
    case = cases.create_case({"person": person.id, "case_type": "widerspruch"})
    return [
        (CaseEditor(case), "letter_date", lambda e: e.dates["letter_date"]),
        (AppointmentEditor(person_id=person.id), "date", lambda e: e.date),
        (AppointmentEditor(person_id=person.id), "time", lambda e: e.time),
        (TaskEditor(case_id=case.id), "due_date", lambda e: e.due),
    ]


def test_a_field_is_checked_as_it_is_left_and_its_message_goes_when_it_is_right(qtbot, person) -> None:
    for editor, key, field_of in _editors(person):
        qtbot.addWidget(editor)
        editor.show()
        field = field_of(editor)
        label = editor.checks.label(key)
        _leave(qtbot, field, "31.02.2026" if key != "time" else "25:61")
        assert label.isVisible() and label.text(), (type(editor).__name__, key)  # before any save
        field.clear()
        qtbot.keyClicks(field, "02.03.2026" if key != "time" else "09:30")
        assert not label.isVisible(), (type(editor).__name__, key)  # cleared as it is corrected


def test_a_failed_save_brings_the_first_problem_into_view(qtbot, person) -> None:
    case = cases.create_case({"person": person.id, "case_type": "widerspruch"})
    editor = CaseEditor(case)
    qtbot.addWidget(editor)
    editor.show()
    editor.dates["period_end"].setText("99.99.2026")
    editor.dates["decision_on"].setText("xx")
    editor.tabs.setCurrentIndex(editor.tabs.count() - 1)  # the user is looking at another tab
    count = Case.select().count()
    editor.save()
    assert editor.tabs.currentIndex() == 0 and editor.focusWidget() is editor.dates["period_end"]
    assert editor.checks.label("period_end").isVisible() and editor.checks.label("decision_on").isVisible()
    assert Case.select().count() == count and editor.isVisible()


def test_a_task_without_a_title_is_said_at_the_title(qtbot, person) -> None:
    case = cases.create_case({"person": person.id, "case_type": "widerspruch"})
    editor = TaskEditor(case_id=case.id)
    qtbot.addWidget(editor)
    editor.show()
    editor.due.setText((dt.date.today() + dt.timedelta(days=3)).strftime("%d.%m.%Y"))
    editor.save()
    assert editor.checks.label("title").isVisible() and editor.focusWidget() is editor.title
    qtbot.keyClicks(editor.title, "Kopien machen")
    assert not editor.checks.label("title").isVisible()
    qtbot.keyClick(editor.title, Qt.Key.Key_Return)
    assert Task.select().where(Task.title == "Kopien machen").count() == 1


def test_the_person_editor_brings_its_first_problem_into_view(qtbot, person) -> None:
    from desktop.ui.person_editor import PersonEditor

    editor = PersonEditor(person)
    qtbot.addWidget(editor)
    editor.resize(700, 560)
    editor.show()
    editor.edits["iban"].setText("DE00 1234")  # at the foot of the long form
    editor.tabs.setCurrentIndex(editor.tabs.count() - 1)
    editor.save()
    assert editor.tabs.currentIndex() == 0 and editor.focusWidget() is editor.edits["iban"]
    assert editor.errors["iban"].isVisible()
    assert editor.edits["iban"].visibleRegion().isEmpty() is False  # scrolled into view


def test_the_person_editor_marks_every_problem_at_once_and_clears_as_typed(qtbot, person) -> None:
    from desktop.ui.person_editor import PersonEditor

    editor = PersonEditor(person)
    qtbot.addWidget(editor)
    editor.show()
    editor.edits["postcode"].setText("12")
    editor.edits["postcode"].editingFinished.emit()
    editor.edits["birth_date"].setText("1980")  # a date that cannot be read
    editor.save()
    assert editor.errors["postcode"].isVisible() and editor.errors["birth_date"].isVisible()
    editor.edits["birth_date"].clear()
    qtbot.keyClicks(editor.edits["birth_date"], "01.03.1980")
    assert not editor.errors["birth_date"].isVisible()  # gone as it is corrected, before leaving the field


def test_today_group_titles_span_the_row_and_the_summary_counts_in_plural(qtbot, store) -> None:
    import datetime as dt

    from desktop.core import appointments
    from desktop.ui.dashboard_view import DashboardView
    from desktop.ui.qt_i18n import apply_language

    person = people.create_person({"family_name": "Bondar", "given_name": "Iryna"})
    when = dt.datetime.combine(dt.date.today() + dt.timedelta(days=1), dt.time(10, 0))
    appointments.create_appointment({"person": person.id, "starts_at": when, "office": "Jobcenter Leipzig"})
    apply_language("de")
    view = DashboardView()
    qtbot.addWidget(view)
    view.resize(1280, 700)
    view.show()
    view.refresh()
    assert "1 Termin," in view.summary.text()
    for i in range(view.tree.topLevelItemCount()):
        assert view.tree.topLevelItem(i).isFirstColumnSpanned()
