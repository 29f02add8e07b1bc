"""Review in use: Qt's file dialog in Ukrainian, demo tasks in the profile's language and without a doubled
"(Frist)", a discard prompt whose buttons say what they do, one date format per list, and an import status
line that tells new people from merged rows."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QTreeWidgetItem

from desktop import i18n
from desktop.core import appointments, cases, demo, people, tasks
from desktop.core.store import db as store_db
from desktop.core.store.models import Task
from desktop.ui.qt_i18n import apply_language


@pytest.mark.parametrize(("lang", "look_in"), [("uk", "&Перегляд в:"), ("de", "&Suchen in:")])
def test_qt_file_dialog_speaks_the_ui_language(qtbot, lang: str, look_in: str) -> None:
    apply_language(lang)
    try:
        dialog = QFileDialog(None, "", str(Path.home()))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # as common.ask_open_file opens it
        qtbot.addWidget(dialog)
        labels = [label.text() for label in dialog.findChildren(QLabel) if label.text()]
        assert look_in in labels
        assert not [text for text in labels if text in ("&Look in:", "Files of &type:", "File &name:")]
    finally:
        apply_language("en")


def test_demo_tasks_are_in_the_profile_language_and_name_their_kind_once(qtbot, store: store_db.Store) -> None:
    i18n.set_language("uk")
    demo.generate(40, seed=3)
    titles = {t.title for t in Task.select()}
    assert titles and "Подати заперечення (Widerspruch)" in titles
    assert not [t for t in titles if "(Frist)" in t or "einreichen" in t or "besorgen" in t]
    # An older profile's demo task (its title ends in its kind) is not shown with the kind twice.
    from desktop.ui.dashboard_view import DashboardView

    i18n.set_language("de")
    person = people.create_person({"family_name": "Hnatiuk", "given_name": "Iryna"})
    case = cases.create_case({"person": person.id, "case_type": "widerspruch"})
    tasks.create_task(
        {"case": case.id, "title": "Widerspruch einlegen (Frist)", "kind": "deadline", "due_date": dt.date.today()}
    )
    view = DashboardView()
    qtbot.addWidget(view)
    texts = [item.text(1) for item in _items(view)]
    assert "Widerspruch einlegen (Frist)" in texts and not [t for t in texts if "(Frist) (Frist)" in t]


def _items(view) -> list[QTreeWidgetItem]:
    tree = view.tree
    return [
        tree.topLevelItem(g).child(i)
        for g in range(tree.topLevelItemCount())
        for i in range(tree.topLevelItem(g).childCount())
    ]


@pytest.mark.parametrize(
    ("lang", "discard", "keep", "title"),
    [
        ("uk", "Відкинути зміни", "Повернутися до редагування", "Відкинути зміни?"),
        ("de", "Änderungen verwerfen", "Zurück zur Bearbeitung", "Änderungen verwerfen?"),
        ("en", "Discard changes", "Back to editing", "Discard changes?"),
    ],
)
def test_the_discard_prompt_names_its_buttons_by_what_they_do(
    qtbot, store, monkeypatch: pytest.MonkeyPatch, lang: str, discard: str, keep: str, title: str
) -> None:
    from desktop.ui.person_editor import PersonEditor

    seen: list[tuple[str, dict[str, str], str]] = []

    def exec_box(box: QMessageBox) -> int:
        buttons = {box.buttonRole(b).name: b.text() for b in box.buttons()}
        seen.append((box.windowTitle(), buttons, box.defaultButton().text()))
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    apply_language(lang)
    try:
        editor = PersonEditor()
        qtbot.addWidget(editor)
        editor.show()
        editor.edits["family_name"].setText("Bondar")
        editor.reject()
        assert seen == [(title, {"DestructiveRole": discard, "RejectRole": keep}, keep)]
        assert editor.isVisible()  # "back to editing" keeps the editor and what was typed
    finally:
        apply_language("en")


@pytest.mark.parametrize("lang", ["uk", "de", "en"])
def test_every_list_shows_dates_in_one_format(qtbot, store, lang: str) -> None:
    from desktop.ui.appointments_view import AppointmentsView
    from desktop.ui.dashboard_view import DashboardView
    from desktop.ui.people_view import PeopleView
    from desktop.ui.tasks_view import TasksView

    today = dt.date.today()
    person = people.create_person({"family_name": "Savchenko", "given_name": "Olha", "birth_date": today})
    case = cases.create_case({"person": person.id, "case_type": "widerspruch", "opened_on": today})
    tasks.create_task({"case": case.id, "title": "Call", "due_date": today})
    appointments.create_appointment(
        {
            "person": person.id,
            "case": case.id,
            "starts_at": dt.datetime.combine(today, dt.time(9, 5)),
            "office": "Jobcenter",
        }
    )
    apply_language(lang)
    try:
        date = i18n.fmt_list_date(today)
        assert date.count(today.strftime("%Y")) == 1 and today.strftime("%m") in date  # digits, four-digit year
        dashboard = DashboardView()
        qtbot.addWidget(dashboard)
        shape = re.sub(r"\d", "9", date)  # 99.99.9999 or 99/99/9999
        whens = [re.sub(r"\d", "9", item.text(0)) for item in _items(dashboard)]
        assert whens and all(w.startswith(shape) for w in whens), whens
        assert f"{date} 09:05" in [item.text(0) for item in _items(dashboard)]
        for view_class in (AppointmentsView, TasksView, PeopleView):
            view = view_class()
            qtbot.addWidget(view)
            model = view.model
            shown = [str(model.index(0, c).data()) for c in range(model.columnCount())]
            assert any(text.startswith(date) for text in shown), (view_class.__name__, shown)
            assert not [t for t in shown if today.strftime("%Y") in t and not t.startswith(date)], shown
    finally:
        apply_language("en")


def test_the_status_line_tells_new_people_from_merged_rows(qtbot, store, tmp_path: Path, monkeypatch) -> None:
    from desktop.ui.import_dialog import ImportDialog
    from desktop.ui.main_window import MainWindow

    people.create_person({"family_name": "Kovalenko", "given_name": "Olena", "birth_date": "1985-03-12"})
    sheet = tmp_path / "people.csv"
    sheet.write_text("Nachname,Vorname,Geburtsdatum\nKovalenko,Olena,12.03.1985\nBondar,Ivan,01.01.1990\n", "utf-8")

    def exec_dialog(dialog: ImportDialog) -> int:
        dialog.load(str(sheet))
        dialog.duplicate_choice.setCurrentIndex(dialog.duplicate_choice.findData("merge"))
        dialog._import()
        return dialog.result()

    monkeypatch.setattr(ImportDialog, "exec", exec_dialog)
    window = MainWindow()
    qtbot.addWidget(window)
    window.import_spreadsheet()
    assert window.statusBar().currentMessage() == (
        "Imported 1 new person. 1 row was merged into a person already here."
    )
    assert people.count_people() == 2
