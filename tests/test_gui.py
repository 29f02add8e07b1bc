"""The GUI, driven as a user would (offscreen, failing on Qt warnings)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QMessageBox,
    QWidget,
)

from desktop import i18n
from desktop.core import demo, people
from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.models import Case, Person
from desktop.ui.about import AboutDialog
from desktop.ui.case_editor import CaseEditor
from desktop.ui.cases_view import cases_model
from desktop.ui.main_window import MainWindow
from desktop.ui.people_view import people_model
from desktop.ui.person_editor import PersonEditor
from desktop.ui.profile_dialogs import UnlockDialog, WelcomeDialog
from desktop.ui.qt_i18n import apply_language
from tests.conftest import PASSPHRASE


@pytest.fixture(autouse=True)
def _english(qapp) -> None:
    apply_language("en")
    return


def type_text(widget: QWidget, text: str) -> None:
    """Type any text, Cyrillic included, as key presses (QTest.keyClicks knows only ASCII)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))


def _texts(root: QWidget) -> list[str]:
    """Every text a user can see in a window: labels, buttons, group titles, menus, headers."""
    texts = [root.windowTitle()]
    for widget in root.findChildren(QWidget):
        if not widget.isVisible():
            continue  # hidden tabs and pages are retranslated when they are shown
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
    if hasattr(root, "menuBar"):
        for menu_action in root.menuBar().actions():
            texts.append(menu_action.text())
            texts.extend(a.text() for a in menu_action.menu().actions())
    return [t.replace("&", "") for t in texts if t and t.strip()]


def _untranslated(root: QWidget, lang: str) -> list[str]:
    """Visible texts that are still the English source of a string the catalog translates."""
    from babel.messages.pofile import read_po

    from desktop import paths

    with (paths.translations_dir() / lang / "LC_MESSAGES" / "desktop.po").open("rb") as fp:
        catalog = read_po(fp, locale=lang)
    english = {
        m.id.replace("&", "")
        for m in catalog
        if isinstance(m.id, str)
        and m.id
        and isinstance(m.string, str)
        and m.string.replace("&", "") != m.id.replace("&", "")
    }
    english -= set(i18n.LANGUAGES.values())  # the Language menu's endonyms stay as they are ("English")
    return [t for t in _texts(root) if t in english]


def test_main_window_shows_people_and_cases(qtbot, store) -> None:
    demo.generate(30, seed=5)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "Today",
        "People",
        "Cases",
        "Appointments",
        "Tasks",
        "Needs and offers",
        "Directory",
    ]
    assert window.stack.currentWidget() is window.today  # the week starts with what is due
    assert window.people.model.rowCount() == 30
    assert "30 people" in window.people.count_label.text()
    # hidden lists fit their columns when first shown, not at start
    assert window.cases.table.property("fit_pending") is True
    narrow = window.cases.table.columnWidth(0)
    window.act_cases.trigger()
    assert window.stack.currentWidget() is window.cases
    assert window.cases.model.rowCount() == Case.select().count()
    assert window.cases.table.property("fit_pending") is False and window.cases.table.columnWidth(0) != narrow
    assert "Test Volunteer" in window.who.text() and "test-laptop" in window.who.text()
    assert not window.act_demo.isEnabled()  # the profile is not empty any more


@pytest.mark.parametrize(
    ("lang", "cancel", "save"), [("de", "Abbrechen", "Speichern"), ("uk", "Скасувати", "Зберегти")]
)
def test_language_switch_changes_every_text_without_restart(qtbot, store, lang, cancel, save) -> None:
    people.create_person({"family_name": "Kovalenko", "given_name": "Olena", "birth_date": dt.date(1985, 3, 12)})
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    editor = PersonEditor(Person.select().get(), window)
    qtbot.addWidget(editor)
    editor.show()
    english_dates = window.people.model.data(window.people.model.index(0, 3))
    assert english_dates == "12/03/1985"  # the list date (i18n.fmt_list_date)
    window.language_actions[lang].trigger()
    qtbot.wait(10)  # Qt delivers LanguageChange through the event loop
    assert i18n.current_language() == lang
    for root in (window, editor):
        assert _untranslated(root, lang) == []
    assert editor.buttons.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == cancel
    assert editor.buttons.button(QDialogButtonBox.StandardButton.Save).text().replace("&", "") == save
    date = window.people.model.data(window.people.model.index(0, 3))
    assert date != english_dates and "1985" in date
    header = window.people.model.headerData(0, Qt.Orientation.Horizontal)
    assert header != "Family name"
    # The choice is remembered for the profile (it is read before unlock next time).
    from desktop.core import profile

    assert profile.profile_language(store.path) == lang
    window.language_actions["en"].trigger()
    qtbot.wait(10)
    assert window.nav.item(1).text() == "People"


def test_person_editor_saves_through_the_change_log(qtbot, store) -> None:
    editor = PersonEditor()
    qtbot.addWidget(editor)
    editor.show()
    type_text(editor.edits["family_name_cyr"], "Згурська")
    type_text(editor.edits["given_name_cyr"], "Юлія")
    assert editor.edits["family_name"].text() == "Zghurska"  # passport spelling proposed as you type
    assert editor.edits["given_name"].text() == "Yuliia"
    qtbot.keyClicks(editor.edits["birth_date"], "31.02.1979")
    editor.save()
    assert editor.errors["birth_date"].isVisible()
    assert Person.select().count() == 0  # nothing saved while a field is wrong
    editor.edits["birth_date"].clear()
    qtbot.keyClicks(editor.edits["birth_date"], "29.02.1980")
    qtbot.keyClicks(editor.edits["postcode"], "0410")
    editor.save()
    assert editor.errors["postcode"].isVisible() and Person.select().count() == 0
    qtbot.keyClicks(editor.edits["postcode"], "9")
    editor.save()
    assert editor.result() == editor.DialogCode.Accepted
    person = Person.get()
    assert (person.family_name, person.given_name, person.birth_date) == ("Zghurska", "Yuliia", dt.date(1980, 2, 29))
    assert {c.field for c in changelog.history(person.id)} >= {"family_name_cyr", "given_name", "birth_date"}
    # Edit again: only what changed is logged.
    editor = PersonEditor(person)
    qtbot.addWidget(editor)
    assert editor.edits["birth_date"].text() == "29.02.1980"
    editor.edits["phone"].setText("+49 341 1234567")
    before = len(changelog.history(person.id))
    editor.save()
    history = changelog.history(person.id)
    assert len(history) == before + 1 and history[-1].field == "phone"


def test_case_editor_creates_a_case(qtbot, store) -> None:
    person = people.create_person({"family_name": "Tkachenko", "given_name": "Iryna"})
    editor = CaseEditor(person_id=person.id)
    qtbot.addWidget(editor)
    editor.show()
    editor.case_type.setCurrentIndex(editor.case_type.findData("aufenthalt_24"))
    assert editor.authority.currentData() == "auslaenderbehoerde"
    editor.opened.setText("30.02.2026")
    editor.save()
    assert editor.checks.label("opened_on").isVisible() and Case.select().count() == 0
    editor.opened.setText("02.03.2026")
    editor.save()
    case = Case.get()
    assert (case.person_id, case.case_type, case.opened_on) == (person.id, "aufenthalt_24", dt.date(2026, 3, 2))
    assert case.reference.startswith("V-2026-")


def test_welcome_dialog_creates_the_profile_only_when_all_is_right(qtbot, tmp_path: Path) -> None:
    folder = tmp_path / "new-profile"
    dialog = WelcomeDialog(folder)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.language.setCurrentIndex(dialog.language.findData("uk"))
    qtbot.wait(10)
    assert dialog.windowTitle() != "Welcome to Begleiter" and i18n.current_language() == "uk"
    dialog.volunteer.setText("Anna")
    dialog.passphrase.setText("kobza vyshyvanka tram dnipro")
    dialog.repeat.setText("kobza vyshyvanka tram dnipr")
    dialog.ok_button.click()
    assert dialog.error.isVisible() and not folder.exists()  # nothing written before the profile exists
    dialog.passphrase.setText("password")
    dialog.repeat.setText("password")
    assert dialog.strength.value() <= 1
    dialog.ok_button.click()
    assert dialog.error.isVisible() and not folder.exists()
    assert "recovery key" in dialog.warning.text() or "ключ відновлення" in dialog.warning.text()
    dialog.passphrase.setText("kobza vyshyvanka tram dnipro")
    dialog.repeat.setText("kobza vyshyvanka tram dnipro")
    assert dialog.strength.value() >= 3
    dialog.ok_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert store_db.is_open() and (folder / "begleiter.db").is_file()
    from desktop.core import profile

    assert profile.volunteer_name() == "Anna"
    assert profile.profile_language(folder) == "uk"


def test_unlock_dialog_says_wrong_passphrase_and_lets_the_user_retry(qtbot, store, profile_dir) -> None:
    store_db.close_store()
    dialog = UnlockDialog(profile_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.passphrase.setText("not it")
    dialog.ok_button.click()
    assert dialog.error.isVisible() and "not correct" in dialog.error.text()
    assert not store_db.is_open() and dialog.result() != dialog.DialogCode.Accepted
    dialog.passphrase.setText(PASSPHRASE)
    dialog.ok_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted and store_db.is_open()


def test_list_models_are_lazy_and_pass_the_model_tester(qtbot, qtmodeltester, store) -> None:
    demo.generate(450, seed=2)
    model = people_model()
    model.reload()
    assert model.total == 450 and model.rowCount() == model.PAGE  # only the first page is loaded
    qtmodeltester.check(model)
    keys = []
    while model.canFetchMore():
        model.fetchMore()
    keys = [model.row_at(i).row.sort_key for i in range(model.rowCount())]
    assert len(keys) == 450 and keys == sorted(keys)
    cases = cases_model()
    cases.reload()
    qtmodeltester.check(cases)


def test_load_demo_data_from_the_help_menu(qtbot, store, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: (25, True)))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.act_demo.isEnabled()
    window.act_demo.trigger()
    qtbot.waitUntil(lambda: window.people.model.total == 25, timeout=20_000)
    assert not window.act_demo.isEnabled()
    assert "25" in window.statusBar().currentMessage()


def test_about_dialog_shows_version_and_licences(qtbot) -> None:
    from desktop import __version__

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert __version__ in dialog.heading.text()
    html = dialog.licences.toPlainText()
    assert "LGPL-3.0" in html and "GPL-3.0-or-later" in html and "SQLCipher" in html


def test_crash_handler_shows_one_dialog_per_distinct_crash(qtbot, store, monkeypatch) -> None:
    from desktop.ui.crash import CrashHandler

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    handler = CrashHandler()

    def boom(value: str) -> None:
        raise ValueError(f"bad birth date for {value}")

    for _ in range(3):
        try:
            boom("Kovalenko")
        except ValueError as exc:
            handler.handle(type(exc), exc, exc.__traceback__)
    try:
        {}["x"]
    except KeyError as exc:
        handler.handle(type(exc), exc, exc.__traceback__)
    assert len(shown) == 2
    log_text = (store.path / "logs" / "begleiter.log").read_text()
    assert "ValueError" in log_text and "Kovalenko" not in log_text


def test_a_crash_is_reported_at_the_next_start(store, profile_dir) -> None:
    from desktop.core import logs

    crash = profile_dir / "logs" / "crash.txt"
    crash.write_text("Fatal Python error: Segmentation fault\n")
    assert "Segmentation fault" in logs.take_crash_report(profile_dir)
    assert logs.take_crash_report(profile_dir) is None  # once only
    logs.enable_crash_file(profile_dir)
    assert crash.exists()


def test_background_backup_from_the_main_window(qtbot, store, profile_dir) -> None:
    from desktop.core.store import backup

    window = MainWindow()
    qtbot.addWidget(window)
    window.start_backup_if_due()
    qtbot.waitUntil(lambda: len(backup.backups(profile_dir)) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: "Backup" in window.statusBar().currentMessage(), timeout=5_000)


def test_closing_an_edited_form_asks_before_discarding(qtbot, store, monkeypatch) -> None:
    person = people.create_person({"family_name": "Lysenko", "given_name": "Olha"})
    asked: list[str] = []

    def answer(choice):
        def question(box):
            asked.append(box.windowTitle())
            return choice

        return question

    editor = PersonEditor(Person.get_by_id(person.id))
    qtbot.addWidget(editor)
    editor.show()
    editor.reject()  # nothing changed: closes without asking
    assert asked == [] and editor.result() == editor.DialogCode.Rejected
    editor = PersonEditor(Person.get_by_id(person.id))
    qtbot.addWidget(editor)
    editor.show()
    editor.edits["phone"].setText("+49 341 555")
    monkeypatch.setattr(QMessageBox, "exec", answer(QMessageBox.StandardButton.Cancel))
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert asked and editor.isVisible()  # the user chose to keep editing
    monkeypatch.setattr(QMessageBox, "exec", answer(QMessageBox.StandardButton.Discard))
    editor.reject()
    assert not editor.isVisible()
    assert Person.get_by_id(person.id).phone == ""


def test_saving_only_sends_what_the_user_changed(qtbot, store) -> None:
    person = people.create_person({"family_name": "Rudenko", "given_name": "Petro", "city": "Leipzig"})
    editor = PersonEditor(Person.get_by_id(person.id))
    qtbot.addWidget(editor)
    # Meanwhile the city changes elsewhere (another window, later a bundle from another laptop).
    people.update_person(person.id, {"city": "Dresden"})
    editor.edits["phone"].setText("+49 351 1234567")
    editor.save()
    saved = Person.get_by_id(person.id)
    assert (saved.phone, saved.city) == ("+49 351 1234567", "Dresden")


def test_the_list_keeps_its_place_after_an_edit(qtbot, store) -> None:
    demo.generate(450, seed=4)
    window = MainWindow()
    qtbot.addWidget(window)
    view = window.people
    while view.model.canFetchMore():
        view.model.fetchMore()
    target = view.model.row_at(420).row
    view.table.selectRow(420)
    people.update_person(target.id, {"phone": "+49 341 000111"})
    view.show_saved(target.id, new=False)
    assert view.model.rowCount() == 450 and view.table.currentIndex().row() == 420
    assert view.model.row_at(420).row.phone == "+49 341 000111"
    new = people.create_person({"family_name": "Zzyzx", "given_name": "Last"})
    view.show_saved(new.id, new=True)
    assert view.model.row_at(view.table.currentIndex().row()).row.id == new.id


@pytest.mark.parametrize("lang", ["de", "uk"])
def test_profile_dialogs_follow_the_language(qtbot, store, profile_dir, tmp_path, lang) -> None:
    store_db.close_store()
    unlock = UnlockDialog(profile_dir)
    welcome = WelcomeDialog(tmp_path / "other")
    for dialog in (unlock, welcome):
        qtbot.addWidget(dialog)
        dialog.show()
    unlock.language.setCurrentIndex(unlock.language.findData(lang))
    qtbot.wait(10)
    for dialog in (unlock, welcome):
        assert _untranslated(dialog, lang) == []
        assert dialog.ok_button.text() not in ("OK", "Unlock", "Create profile")
        cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")
        assert cancel in ("Abbrechen", "Скасувати")


def test_start_up_reports_a_hard_crash_of_the_previous_run(qtbot, store, profile_dir, monkeypatch) -> None:
    import os
    import subprocess
    import sys

    from desktop import app

    code = (
        "import faulthandler; from pathlib import Path; from desktop.core import logs\n"
        f"logs.enable_crash_file(Path({str(profile_dir)!r}))\n"
        "faulthandler._sigsegv()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, env={**os.environ})
    assert result.returncode != 0
    reported: list[str] = []
    monkeypatch.setattr("desktop.ui.crash.show_previous_crash", reported.append)
    app._after_unlock(profile_dir)
    assert len(reported) == 1 and "Segmentation fault" in reported[0]
    app._after_unlock(profile_dir)  # reported once only
    assert len(reported) == 1


def test_the_phone_column_fits_a_number_even_when_the_first_rows_have_none(qtbot, store) -> None:
    from desktop.ui.people_view import PeopleView
    from desktop.ui.search_widgets import PEOPLE_COLUMNS

    for i in range(30):
        people.create_person({"family_name": f"Aaron{i:02d}"})  # the first page: nobody with a phone
    people.create_person({"family_name": "Zyma", "phone": "+380 67 765 43 21"})
    view = PeopleView()
    qtbot.addWidget(view)
    view.show()
    phone = next(i for i, c in enumerate(PEOPLE_COLUMNS) if c.title == "Phone")
    assert view.table.columnWidth(phone) > view.table.fontMetrics().horizontalAdvance("+380 67 765 43 21")


@pytest.mark.parametrize("lang", ["de", "uk", "en"])
def test_every_menu_has_distinct_mnemonics_in_every_language(qtbot, store, lang) -> None:
    import re

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.language_actions[lang].trigger()
    try:
        qtbot.wait(10)  # LanguageChange comes through the event loop
        titles = [a.text() for a in window.menuBar().actions()]
        assert titles[0] == {"de": "&Datei", "uk": "&Файл", "en": "&File"}[lang]
        menus = [action.menu() for action in window.menuBar().actions()]
        for texts in [titles] + [[a.text() for a in m.actions() if not a.isSeparator()] for m in menus]:
            keys = [found.group(1).casefold() for t in texts if (found := re.search(r"&(\w)", t))]
            assert len(keys) == len(set(keys)), (lang, texts)
    finally:
        apply_language("en")
