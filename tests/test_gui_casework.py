"""The case-work GUI: dashboard, case tabs, person tabs, import dialog, tools."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt

from desktop.core import cases, demo, documents, people, tasks
from desktop.core.store.models import Case, Person
from desktop.ui.case_editor import CaseEditor
from desktop.ui.dashboard_view import DashboardView
from desktop.ui.import_dialog import ImportDialog
from desktop.ui.person_editor import PersonEditor
from desktop.ui.qt_i18n import apply_language
from desktop.ui.tools_dialogs import DeadlineDialog, PermitDialog

TODAY = dt.date.today()


def test_dashboard_lists_what_is_due(qtbot, store) -> None:
    apply_language("en")
    demo.generate(120, seed=8)
    view = DashboardView()
    qtbot.addWidget(view)
    groups = [view.tree.topLevelItem(i) for i in range(view.tree.topLevelItemCount())]
    assert len(groups) == 6  # appointments, overdue, due, documents, consents, kept past the retention period
    assert groups[5].text(0).startswith("Kept longer than")
    board = view.board
    assert groups[0].childCount() == len(board.appointments) > 0
    assert groups[1].childCount() == len(board.overdue)
    red = groups[1].child(0).foreground(0).color().name() if groups[1].childCount() else "#b00020"
    assert red == "#b00020"
    opened: list[str] = []
    view.open_task.connect(opened.append)
    if groups[2].childCount():
        view._activated(groups[2].child(0), 0)
        assert opened == [board.due[0].id]


def test_case_editor_tabs_checklist_and_deadline(qtbot, store) -> None:
    person = people.create_person({"family_name": "Rudenko", "given_name": "Iryna"})
    case = cases.create_case({"person": person.id, "case_type": "widerspruch"})
    editor = CaseEditor(Case.get_by_id(case.id))
    qtbot.addWidget(editor)
    editor.show()
    assert editor.tabs.count() == 4
    table = editor.checklist.table
    assert table.rowCount() == len(cases.checklist(case.id)) > 0
    table.item(0, 1).setCheckState(Qt.CheckState.Checked)  # "have"
    assert cases.checklist(case.id)[0].have
    editor.dates["letter_date"].setText("13.11.2026")
    editor.save()
    deadlines = [t for t in tasks.tasks_of(case_id=case.id) if t.kind == "deadline"]
    assert any(t.due_date == dt.date(2026, 12, 17) for t in deadlines)
    reopened = CaseEditor(Case.get_by_id(case.id))
    qtbot.addWidget(reopened)
    assert reopened.tasks.topLevelItemCount() == len(tasks.tasks_of(case_id=case.id))
    reopened.timeline.note.setText("Bescheid liegt in Kopie vor")
    reopened.timeline._add_note()
    assert any(
        "Bescheid" in reopened.timeline.tree.topLevelItem(i).text(2)
        for i in range(reopened.timeline.tree.topLevelItemCount())
    )


def test_person_tabs_show_documents_and_household(qtbot, store) -> None:
    person = people.create_person({"family_name": "Lytvyn", "given_name": "Olha", "birth_date": dt.date(1980, 1, 1)})
    documents.create_document({"person": person.id, "kind": "24", "printed_until": dt.date(2024, 3, 1)})
    editor = PersonEditor(Person.get_by_id(person.id))
    qtbot.addWidget(editor)
    editor.show()
    docs_tab, household_tab = editor.extra_tabs[0][0], editor.extra_tabs[1][0]
    item = docs_tab.tree.topLevelItem(0)
    assert item.text(3) != item.text(2) and "2027" in item.text(3)  # printed 2024, valid until 2027
    assert "2027" in docs_tab.why.text()
    household_tab._create()
    assert household_tab.tree.topLevelItemCount() == 1
    editor.edits["iban"].setText("DE89 3704 0044 0532 0130 01")
    editor._check_field("iban")
    assert not editor.errors["iban"].isHidden()
    editor.edits["iban"].setText("DE89 3704 0044 0532 0130 00")
    editor._check_field("iban")
    assert editor.errors["iban"].isHidden()


def test_import_dialog_imports_all_or_nothing(qtbot, store, tmp_path: Path) -> None:
    sheet = tmp_path / "liste.csv"
    sheet.write_text("Nachname;Vorname;Geburtsdatum\nKoval;Anna;31.02.1979\nМороз;Іван;01.02.1990\n", encoding="utf-8")
    dialog = ImportDialog(path=str(sheet))
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled()
    assert dialog.problems.topLevelItem(0).text(0) == "2"
    sheet.write_text("Nachname;Vorname;Geburtsdatum\nKoval;Anna;28.02.1979\nМороз;Іван;01.02.1990\n", encoding="utf-8")
    dialog.load(str(sheet))
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    assert len(dialog.created) == 2 and people.count_people() == 2


def test_tools_compute_as_you_type(qtbot, store) -> None:
    deadline = DeadlineDialog()
    qtbot.addWidget(deadline)
    deadline.from_notified.setChecked(True)
    deadline.date.setText("18.10.2026")
    assert "19" in deadline.result.text() and "2026" in deadline.result.text()
    deadline.date.setText("31.02.2026")
    assert "DD.MM.YYYY" in deadline.result.text()
    permit = PermitDialog()
    qtbot.addWidget(permit)
    permit.printed.setText("01.03.2024")
    assert "2027" in permit.result.text()
