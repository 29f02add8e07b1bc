"""Search, transliteration and duplicates on the command line, in imports and in the GUI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop.core import importer, people
from desktop.core.search import duplicates
from desktop.core.store import db as store_db
from desktop.core.store.models import Person
from desktop.ui import duplicates_ui, person_editor
from desktop.ui.main_window import MainWindow
from desktop.ui.people_view import PeopleView
from tests.test_cli import run_cli
from tests.test_gui import type_text

KMU_CASES = [
    ("Олена Коваленко", "kmu2010", "Olena Kovalenko"),
    ("Згурський Єгор", "kmu2010", "Zghurskyi Yehor"),
    ("Юлія Мар’яна", "kmu2010", "Yuliia Mariana"),
    ("Олена Коваленко", "german", "Olena Kowalenko"),
    ("Щербина", "iso9", "Ŝerbina"),
    ("Харків", "icao", "Kharkiv"),
    ("Юрій", "passport2007", "Iurii"),
    ("Щербина", "national1996", "Scherbyna"),
]


@pytest.mark.parametrize(("text", "system", "latin"), KMU_CASES)
def test_translit_needs_no_profile(tmp_path: Path, text: str, system: str, latin: str) -> None:
    args = ["--data-dir", str(tmp_path / "none"), "translit", text]
    if system != "kmu2010" or text == "Олена Коваленко":
        args += ["--system", system]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert result.stdout == latin + "\n"
    assert not (tmp_path / "none").exists()


def test_translit_default_is_kmu55() -> None:
    assert run_cli("translit", "ЄВГЕН", "ЗГУРСЬКИЙ").stdout.strip() == "YEVHEN ZGHURSKYI"
    assert run_cli("translit", "x", "--system", "klingon").returncode == 2


def test_search_and_duplicates_on_the_command_line(tmp_path: Path) -> None:
    passphrase = tmp_path / "pass.txt"
    passphrase.write_text("correct horse battery staple\n", encoding="utf-8")
    common = ["--data-dir", str(tmp_path / "p"), "--passphrase-file", str(passphrase)]
    assert run_cli(*common, "init", "--language", "en").returncode == 0
    sheet = tmp_path / "people.csv"
    sheet.write_text(
        "Прізвище,Ім'я,Geburtsdatum\nКоваленко,Олена,12.03.1985\nKowalenko,Jelena,12.03.1985\nБондар,Іван,01.01.1990\n",
        encoding="utf-8",
    )
    imported = run_cli(*common, "import-csv", str(sheet))
    assert imported.returncode == 0, imported.stderr
    assert "line 3 may be the same person as line 2" in imported.stderr.lower()
    found = run_cli(*common, "search", "Елена Коваленко", "--json")
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert len(hits) == 2 and {h["birth_date"] for h in hits} == {"1985-03-12"}
    assert {"id", "family_name", "given_name", "birth_date", "matched"} <= set(hits[0])
    assert {h["matched"] for h in hits} >= {"Jelena · Kowalenko"}
    everyone = json.loads(run_cli(*common, "search", "", "--json", "--limit", "2").stdout)
    assert [h["family_name"] for h in everyone] == ["Bondar", "Kovalenko"]
    pairs = json.loads(run_cli(*common, "duplicates", "--json").stdout)
    assert len(pairs) == 1 and {p["given_name"] for p in pairs[0]} == {"Olena", "Jelena"}
    text = run_cli(*common, "duplicates").stdout
    assert "1 likely duplicate pair" in text
    marked = run_cli(*common, "duplicates", "--not-same", pairs[0][0]["id"], pairs[0][1]["id"])
    assert marked.returncode == 0 and "no longer listed" in marked.stdout
    assert json.loads(run_cli(*common, "duplicates", "--json").stdout) == []
    assert run_cli(*common, "duplicates", "--same-again", pairs[0][1]["id"], pairs[0][0]["id"]).returncode == 0
    assert len(json.loads(run_cli(*common, "duplicates", "--json").stdout)) == 1
    unknown = run_cli(*common, "duplicates", "--not-same", pairs[0][0]["id"], "no-such-id")
    assert unknown.returncode == 4 and "no person with the id no-such-id" in unknown.stderr
    assert run_cli(*common, "search", "x", "--limit", "0").returncode == 2  # a usage error


def _sheet(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "sheet.csv"
    path.write_text("Nachname,Vorname,Geburtsdatum\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(("choice", "people_after"), [("new", 3), ("merge", 2), ("skip", 2)])
def test_import_warns_about_people_already_here(
    store: store_db.Store, tmp_path: Path, choice: str, people_after: int
) -> None:
    here = people.create_person({"family_name_cyr": "Коваленко", "given_name_cyr": "Олена", "birth_date": "1985-03-12"})
    plan = importer.plan_import(_sheet(tmp_path, "Kowalenko,Jelena,12.03.1985\nKovalenko,Oleksandra,12.03.1985\n"))
    [likely] = importer.likely_duplicates(plan)
    assert likely.line == 2 and [p.id for p in likely.existing] == [here.id]
    assert "Line 2 may be someone already here" in str(likely)
    importer.apply_import(plan, choice)
    assert Person.select().where(~Person.deleted).count() == people_after
    if choice == "merge":
        assert Person.get_by_id(here.id).family_name == "KOVALENKO" or Person.get_by_id(here.id).family_name


def test_people_list_searches_as_you_type(qtbot, store: store_db.Store) -> None:
    olena = people.create_person(
        {"family_name_cyr": "Коваленко", "given_name_cyr": "Олена", "birth_date": "1985-03-12"}
    )
    people.create_person({"family_name_cyr": "Бондар", "given_name_cyr": "Іван"})
    view = PeopleView()
    qtbot.addWidget(view)
    view.show()
    assert view.model.rowCount() == 2 and view.table.isColumnHidden(6)
    type_text(view.search_field, "Jelena Kowal")
    assert view.model.rowCount() == 1 and view.model.row_at(0).row.id == olena.id
    assert not view.table.isColumnHidden(6)
    assert view.model.data(view.model.index(0, 6)) == "Olena · Kovalenko"  # the passport spelling it found
    assert view.count_label.text() == "1 found"
    QTest.keyClick(view.search_field, Qt.Key.Key_Escape)
    assert view.search_field.text() == "" and view.model.rowCount() == 2
    view.search_field.setText("12.03.1985")
    assert view.model.rowCount() == 1
    view.search_field.setText("Zzzzqx")
    assert view.model.rowCount() == 0 and view.count_label.text() == "0 found"


def test_ctrl_f_focuses_the_search_from_anywhere(qtbot, store: store_db.Store) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_area(0)
    window.act_find.trigger()
    assert window.stack.currentWidget() is window.people
    qtbot.waitUntil(lambda: window.people.search_field.hasFocus())
    assert window.act_find.shortcut().toString() == "Ctrl+F"


def test_new_person_warns_and_can_open_or_merge(qtbot, store: store_db.Store, monkeypatch) -> None:
    here = people.create_person({"family_name_cyr": "Коваленко", "given_name_cyr": "Олена", "birth_date": "1985-03-12"})
    asked: list[list] = []

    def answer(choice):
        def ask(parent, found):
            asked.append(found)
            return choice, found[0].id

        return ask

    for choice in (duplicates_ui.CANCEL, duplicates_ui.OPEN, duplicates_ui.MERGE):
        monkeypatch.setattr(person_editor, "ask_about_duplicates", answer(choice))
        editor = person_editor.PersonEditor()
        qtbot.addWidget(editor)
        editor.edits["family_name"].setText("Kowalenko")
        editor.edits["given_name"].setText("Jelena")
        editor.edits["birth_date"].setText("12.03.1985")
        editor.save()
        if choice == duplicates_ui.CANCEL:
            assert editor.isVisible() is False and editor.person is None and editor.result() == 0
        elif choice == duplicates_ui.OPEN:
            assert editor.open_instead == here.id and editor.person is None
        else:
            assert editor.person is not None and editor.person.id == here.id
    assert len(asked) == 3 and [p.id for p in asked[0]] == [here.id]
    assert Person.select().where(~Person.deleted).count() == 1
    assert Person.get_by_id(here.id).family_name  # the Latin spelling was merged in


def test_find_duplicates_dialog_merges_a_pair(qtbot, store: store_db.Store, monkeypatch) -> None:
    a = people.create_person({"family_name": "KOVALENKO", "given_name": "OLENA", "birth_date": "1985-03-12"})
    b = people.create_person({"family_name": "Kowalenko", "given_name": "Jelena", "birth_date": "1985-03-12"})
    monkeypatch.setattr(duplicates_ui, "ask_which_to_keep", lambda parent, first, second: a.id)
    dialog = duplicates_ui.DuplicatesDialog()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    assert "1 likely pair" in dialog.status.text()
    opened: list[str] = []
    dialog.open_requested.connect(opened.append)
    dialog.open_second.click()
    assert opened and opened[0] in (a.id, b.id)
    with qtbot.waitSignal(dialog.changed):
        dialog.merge_button.click()
    assert dialog.table.rowCount() == 0 and Person.get_by_id(b.id).merged_into == a.id
    qtbot.waitUntil(lambda: dialog.status.text() == "No likely duplicates found.", timeout=10_000)


def test_a_pair_marked_as_different_people_leaves_the_list_and_can_come_back(qtbot, store: store_db.Store) -> None:
    a = people.create_person({"family_name": "BONDAR", "given_name": "IVAN", "birth_date": "1990-01-01"})
    b = people.create_person({"family_name": "Bondar", "given_name": "Iwan", "birth_date": "1990-01-01"})
    dialog = duplicates_ui.DuplicatesDialog()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    assert dialog.distinct_button.text() == "&Not the same person"
    with qtbot.waitSignal(dialog.changed):
        dialog.distinct_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=10_000)
    assert dialog.status.text() == "No likely duplicates found."
    assert duplicates.distinct_pairs() == {tuple(sorted((a.id, b.id)))}
    dialog.show_distinct.setChecked(True)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    assert dialog.table.item(0, 3).text() == "different people" and not dialog.table.isColumnHidden(3)
    assert dialog.distinct_button.text() == "List as &likely duplicates again"
    with qtbot.waitSignal(dialog.changed):
        dialog.distinct_button.click()
    qtbot.waitUntil(
        lambda: dialog.table.item(0, 3) is not None and dialog.table.item(0, 3).text() == "", timeout=10_000
    )
    assert duplicates.distinct_pairs() == set() and "1 likely pair" in dialog.status.text()


def test_every_list_narrows_to_the_people_found(qtbot, store: store_db.Store) -> None:
    import datetime as dt

    from desktop.core import appointments, cases, tasks

    olena = people.create_person({"family_name_cyr": "Коваленко", "given_name_cyr": "Олена"})
    ivan = people.create_person({"family_name_cyr": "Бондар", "given_name_cyr": "Іван"})
    soon = dt.datetime.now().replace(microsecond=0, second=0) + dt.timedelta(days=1)
    for person in (olena, ivan):
        case = cases.create_case({"person": person.id, "case_type": "anmeldung"})
        appointments.create_appointment({"person": person.id, "case": case.id, "starts_at": soon, "office": "Amt"})
        tasks.create_task({"title": "Kopien", "case": case.id, "due_date": dt.date.today()})
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    for area, view in ((3, window.cases), (4, window.appointments), (5, window.tasks)):
        window.show_area(area - 1)
        before = view.model.total
        window.act_find.trigger()
        assert view.search_field.hasFocus() or window.stack.currentWidget() is view
        type_text(view.search_field, "Jelena Kowalenko")
        assert 0 < view.model.total < before, view
        assert view.model.rowCount() == view.model.total == 1
        view.search_field.clear()
        assert view.model.total == before
        view.search_field.setText("Nobody Zzzq")
        assert view.model.total == 0 and view.model.rowCount() == 0
        view.search_field.clear()


@pytest.mark.parametrize(("choice", "people_after"), [("new", 3), ("merge", 2), ("skip", 2)])
def test_two_rows_of_one_person_in_a_sheet(
    store: store_db.Store, tmp_path: Path, choice: str, people_after: int
) -> None:
    plan = importer.plan_import(
        _sheet(tmp_path, "Kovalenko,Olena,12.03.1985\nKowalenko,Jelena,12.03.1985\nBondar,Ivan,01.01.1990\n")
    )
    [likely] = importer.likely_duplicates(plan)
    assert (likely.line, likely.earlier_line, likely.existing) == (3, 2, [])
    created = importer.apply_import(plan, choice)
    assert Person.select().where(~Person.deleted).count() == people_after == len(created)


def test_merging_refuses_deleted_records_and_keeps_the_stronger_household_role(store: store_db.Store) -> None:
    from desktop.core import households
    from desktop.core.search import duplicates
    from desktop.core.store import changelog, integrity
    from desktop.core.store.models import HouseholdMember

    a = people.create_person({"family_name": "Kovalenko", "given_name": "Olena", "birth_date": "1985-03-12"})
    b = people.create_person({"family_name": "KOVALENKO", "given_name": "OLENA", "birth_date": "1985-03-12"})
    house = households.create_household("Kovalenko", [(a.id, "other"), (b.id, "applicant")])
    duplicates.merge_people(a.id, b.id)
    [member] = HouseholdMember.select().where((HouseholdMember.household == house.id) & ~HouseholdMember.deleted)
    assert (member.person_id, member.role) == (a.id, "applicant")
    assert "From the merged record" not in Person.get_by_id(a.id).notes  # only capitals differed
    with pytest.raises(duplicates.MergeRefused):
        duplicates.merge_people(a.id, b.id)  # b is merged already
    c = people.create_person({"family_name": "Bondar", "given_name": "Ivan"})
    changelog.delete(Person, c.id)
    with pytest.raises(duplicates.MergeRefused):
        duplicates.merge_people(c.id, a.id)
    with pytest.raises(duplicates.MergeRefused):
        duplicates.merge_people(a.id, a.id)
    assert integrity.check() == []


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("!!!", False),
        ("12", False),
        ("+49", False),
        ("'", False),
        ("😀", False),
        ("12.03.1985 0151 23", True),
        ("12.03.19", True),
        ("12.3.85", True),
        ("Kovalenko AZ-77", True),
        ("Kovalenko 12.03.", True),
        ("0151", True),
        ("AZ-77/2025", True),
        ("77/2025", True),
        ('"Koval*" NEAR(x) AND', False),
    ],
)
def test_odd_input_finds_only_what_it_says(store: store_db.Store, typed: str, found: bool) -> None:
    from desktop.core import cases
    from desktop.core.search import query

    olena = people.create_person(
        {"family_name_cyr": "Коваленко", "given_name_cyr": "Олена", "birth_date": "1985-03-12", "phone": "0151 2345678"}
    )
    people.create_person({"family_name_cyr": "Бондар", "given_name_cyr": "Іван", "birth_date": "1990-01-01"})
    cases.create_case({"person": olena.id, "case_type": "anmeldung", "reference": "AZ-77/2025"})
    hits = [h.row.id for h in query.search(typed).hits]
    assert hits == ([olena.id] if found else []), typed


def test_the_person_editor_shows_the_name_in_every_system(qtbot, store: store_db.Store) -> None:
    editor = person_editor.PersonEditor()
    qtbot.addWidget(editor)
    assert editor.spellings() == []
    editor.edits["family_name_cyr"].setText("Згурський")
    editor.edits["given_name_cyr"].setText("Євген")
    found = dict(editor.spellings())
    assert len(found) == 6
    assert "Yevhen Zghurskyi" in found.values() and "Jewhen Shurskyj" in found.values()


def test_the_people_columns_fit_what_a_search_finds_once_the_typing_pauses(qtbot, store) -> None:
    """A name in Cyrillic longer than the list's first page had shows whole after a search."""
    from desktop.core import people as people_core
    from desktop.core.store import changelog
    from desktop.core.store.models import Person
    from desktop.ui.lazy_model import LazyTableModel
    from desktop.ui.people_view import FIT_AFTER_TYPING_MS, PeopleView

    # The first page holds short names only; the long one comes later in the alphabet.
    changelog.bulk_create(
        Person,
        [{"family_name": f"A{n:03}", "family_name_cyr": "Ан", "given_name": "B"} for n in range(LazyTableModel.PAGE)],
    )
    people_core.create_person(
        {"family_name": "Zkostenko", "given_name_cyr": "Олександра-Анастасія", "family_name_cyr": "Костенко"}
    )
    view = PeopleView()
    qtbot.addWidget(view)
    view.resize(1400, 600)
    view.show()
    view.refresh()
    qtbot.wait(10)
    from PySide6.QtCore import Qt

    titles = [view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(view.model.columnCount())]
    column = titles.index("In Cyrillic")
    view.search_field.setText("Zkostenko")
    qtbot.wait(FIT_AFTER_TYPING_MS + 100)
    assert view.table.columnWidth(column) >= view.table.sizeHintForColumn(column)
