"""Review fixes in the UI: the deadline calculator's errors, one-year rule and state names; the checklist's
refused dates; the residence document's discard question; texts cut off in Ukrainian."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.core import cases, documents, people
from desktop.core.store.models import ResidenceDocument
from desktop.ui.appointments_view import AppointmentsView
from desktop.ui.checklist_widget import ChecklistWidget
from desktop.ui.import_dialog import ImportDialog
from desktop.ui.person_tabs import DocumentDialog
from desktop.ui.qt_i18n import apply_language
from desktop.ui.tasks_view import TasksView
from desktop.ui.tools_dialogs import DeadlineDialog

# --- deadline calculator -------------------------------------------------------------------------------


def test_a_deadline_beyond_the_calendar_clears_the_result(qtbot, store) -> None:
    dialog = DeadlineDialog()
    qtbot.addWidget(dialog)
    dialog.from_notified.setChecked(True)
    dialog.date.setText("18.10.2026")
    assert "2026" in dialog.result.text()
    dialog.date.setText("15.12.9999")  # one month later is the year 10000
    assert "2026" not in dialog.result.text() and "9999" not in dialog.result.text()
    assert "too far in the future" in dialog.result.text()
    dialog.from_letter.setChecked(True)
    dialog.date.setText("31.12.9999")
    assert "too far in the future" in dialog.result.text()
    dialog.date.setText("31.02.2026")
    assert "DD.MM.YYYY" in dialog.result.text()
    dialog.date.setText("18.10.2026")
    assert "2026" in dialog.result.text() and "too far" not in dialog.result.text()


def test_the_year_one_is_not_2001(qtbot, store) -> None:
    dialog = DeadlineDialog()
    qtbot.addWidget(dialog)
    dialog.from_notified.setChecked(True)
    dialog.date.setText("01.01.0001")
    assert "2001" not in dialog.result.text()


def test_missing_instructions_give_a_year(qtbot, store) -> None:
    dialog = DeadlineDialog()
    qtbot.addWidget(dialog)
    dialog.from_notified.setChecked(True)
    dialog.date.setText("19.10.2026")  # a Monday
    assert "19 Nov 2026" in dialog.result.text() and "§ 66(2)" not in dialog.result.text()
    assert "Rechtsbehelfsbelehrung" in dialog.missing_instructions.text()
    dialog.missing_instructions.setChecked(True)
    assert "§ 66(2) SGG" in dialog.result.text() and "19 Oct 2027" in dialog.result.text()
    dialog.missing_instructions.setChecked(False)
    assert "§ 66(2)" not in dialog.result.text()


def test_the_federal_states_have_names(qtbot, store) -> None:
    dialog = DeadlineDialog()
    qtbot.addWidget(dialog)
    assert dialog.state.currentData() == "SN" and dialog.state.currentText() == "Sachsen (SN)"
    texts = [dialog.state.itemText(i) for i in range(dialog.state.count())]
    assert len(texts) == 16 and "Nordrhein-Westfalen (NW)" in texts and texts == sorted(texts)
    apply_language("uk")
    assert dialog.state.currentText() == "Sachsen (SN)"  # proper names, in every language
    other = DeadlineDialog("BE")
    qtbot.addWidget(other)
    assert other.state.currentText() == "Berlin (BE)"
    unknown = DeadlineDialog("XX")
    qtbot.addWidget(unknown)
    assert unknown.state.currentData() == "SN"


def test_texts_that_cannot_wrap_widen_the_dialog(qtbot, store) -> None:
    dialog = DeadlineDialog()
    qtbot.addWidget(dialog)
    dialog.missing_instructions.setText("x" * 200)
    dialog.retranslate_ui()  # sets the real text again
    long = dialog.missing_instructions.sizeHint().width()
    assert dialog.minimumWidth() >= long
    dialog.show()
    assert dialog.missing_instructions.width() >= long


# --- checklist -------------------------------------------------------------------------------------------


def test_a_refused_submission_date_goes_back_to_the_stored_one(qtbot, store) -> None:
    person = people.create_person({"family_name": "Rudenko", "given_name": "Iryna"})
    case = cases.create_case({"person": person.id, "case_type": "widerspruch"})
    widget = ChecklistWidget(case.id)
    qtbot.addWidget(widget)
    widget.show()
    widget.table.item(0, 3).setText("31.02.2026")
    assert widget.table.item(0, 3).text() == ""  # nothing is stored, so nothing is shown
    assert cases.checklist(case.id)[0].submitted_on is None
    assert not widget.error.isHidden() and "31.02.2026" in widget.error.text()
    assert "February 2026 has only 28 days" in widget.error.text()
    widget.table.item(0, 3).setText("13.11.2026")
    assert cases.checklist(case.id)[0].submitted_on == dt.date(2026, 11, 13)
    assert widget.error.isHidden()
    widget.table.item(0, 3).setText("32.11.2026")
    assert widget.table.item(0, 3).text() == "13.11.2026"
    assert cases.checklist(case.id)[0].submitted_on == dt.date(2026, 11, 13)
    assert not widget.error.isHidden()


# --- residence document ----------------------------------------------------------------------------------


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    questions: list[str] = []

    def question(box):
        questions.append(box.windowTitle())
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "exec", question)
    return questions


def test_the_document_dialog_asks_before_discarding(qtbot, store, asked: list[str]) -> None:
    person = people.create_person({"family_name": "Lytvyn", "given_name": "Olha"})
    dialog = DocumentDialog(person.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()  # nothing typed: closes without asking
    assert not asked and not dialog.isVisible()
    dialog.show()
    dialog.number.setText("Y12345678")
    dialog.until.setText("01.03.2027")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == ["Discard changes?"] and dialog.isVisible()
    dialog.save()
    assert not dialog.isVisible()
    assert [d.number for d in documents.documents_of(person.id)] == ["Y12345678"]


def test_an_unchanged_document_closes_without_asking(qtbot, store, asked: list[str]) -> None:
    person = people.create_person({"family_name": "Lytvyn", "given_name": "Olha"})
    doc = documents.create_document(
        {"person": person.id, "kind": "24", "number": "Y1", "printed_until": dt.date(2024, 3, 1)}
    )
    dialog = DocumentDialog(person.id, ResidenceDocument.get_by_id(doc.id))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()
    assert not asked and not dialog.isVisible()
    dialog.show()
    dialog.kind.setCurrentIndex(dialog.kind.findData("fiktion"))
    dialog.reject()
    assert asked and dialog.isVisible()


# --- texts cut off ---------------------------------------------------------------------------------------


def test_the_import_dialog_lets_long_texts_fit(qtbot, store, tmp_path: Path) -> None:
    person = people.create_person({"family_name": "Melnyk", "given_name": "Yivha", "birth_date": dt.date(1990, 4, 13)})
    sheet = tmp_path / "liste.csv"
    sheet.write_text(
        "Nachname;Vorname;Geburtsdatum;Telefonnummer des Kontakts\n"
        f"{person.family_name};{person.given_name};13.04.1990;0351 1234567\n",
        encoding="utf-8",
    )
    apply_language("uk")
    dialog = ImportDialog(path=str(sheet))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.resize(dialog.minimumSize())
    assert dialog.duplicate_choice.isVisible() and dialog.duplicate_label.wordWrap()
    assert dialog.problems.wordWrap()
    header = dialog.columns.header()
    column = dialog.columns.columnWidth(0)
    assert column >= header.sectionSizeHint(0)  # "Стовпець у таблиці"
    metrics = dialog.columns.fontMetrics()
    assert column >= metrics.horizontalAdvance("Telefonnummer des Kontakts")
    combo = dialog.duplicate_choice
    widest = max(combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
    assert combo.width() > widest
    label = dialog.duplicate_label
    assert label.height() >= label.heightForWidth(label.width())  # all its lines are shown


@pytest.mark.parametrize("view_type", [TasksView, AppointmentsView])
def test_the_list_headers_fit_a_1280_pixel_screen_in_ukrainian(qtbot, store, view_type) -> None:
    apply_language("uk")
    view = view_type()
    qtbot.addWidget(view)
    view.show()
    navigation, margins = 180, 40  # the main window's area list, its margins and the window frame
    assert view.minimumSizeHint().width() + navigation + margins <= 1277
    top = view.layout().itemAt(0).layout()
    after_search = top.itemAt(top.indexOf(view.search_field) + 1)
    assert after_search.spacerItem() is not None and after_search.sizeHint().width() >= 12  # a gap before "Show:"


@pytest.mark.parametrize("view_type", [TasksView, AppointmentsView])
def test_column_headings_fit_after_a_language_switch(qtbot, store, view_type) -> None:
    apply_language("en")
    view = view_type()
    qtbot.addWidget(view)
    view.show()
    apply_language("uk")  # "Interpreter" becomes "Перекладач", "Accompanied by" "Супроводжує"
    qtbot.wait(10)  # the widgets get the LanguageChange
    header = view.table.horizontalHeader()
    for column in range(view.model.columnCount() - 1):  # the last one stretches
        assert view.table.columnWidth(column) >= header.sectionSizeHint(column), column
