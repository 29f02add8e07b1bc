"""The Directory area and its editor: Ctrl+7, the Show filter and search, a new initiative, a new contact
person of an office, deleting with Undo, and a user-made office in the appointment editor."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from desktop.core.network import directory
from desktop.core.store.models import DirectoryEntry
from desktop.ui.appointment_editor import AppointmentEditor
from desktop.ui.directory_editor import DirectoryEditor
from desktop.ui.main_window import DIRECTORY, MainWindow


def _window(qtbot) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _names(view) -> list[str]:  # type: ignore[no-untyped-def]
    return [view.model.row_at(i).name for i in range(view.model.rowCount())]


def test_ctrl_7_opens_the_directory_with_the_shipped_offices(qtbot, store) -> None:
    window = _window(qtbot)
    window.people.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentIndex() == DIRECTORY and window.stack.currentWidget() is window.directory
    view = window.directory
    assert QApplication.focusWidget() is view.table
    assert view.current_filter() == "office"
    assert view.model.total == len(directory.shipped()[1]) == view.model.rowCount()
    assert "Jobcenter Dresden" in _names(view)
    assert view.count_label.text() == f"{view.model.total} entries"


def test_the_filter_and_the_search_narrow_the_list(qtbot, store) -> None:
    directory.create({"kind": "initiative", "name": "Dresden hilft", "town": "Dresden", "offers": "Kleiderkammer"})
    window = _window(qtbot)
    view = window.directory
    view.set_filter("initiative")
    assert _names(view) == ["Dresden hilft"]
    view.set_filter("all")
    assert view.model.total == len(directory.shipped()[1]) + 1
    view.search_field.setText("kleiderkammer")
    assert _names(view) == ["Dresden hilft"] and view.count_label.text() == "1 entry"
    view.search_field.setText("Jobcenter Leipzig")  # every word
    assert set(_names(view)) == {"Jobcenter Leipzig", "Kommunales Jobcenter Landkreis Leipzig"}
    view.search_field.setText("Landkreis")
    assert {view.model.row_at(i).town for i in range(view.model.rowCount())} == {"Landkreis Leipzig"}


def test_a_new_initiative_by_keyboard(qtbot, store, monkeypatch) -> None:
    window = _window(qtbot)
    view = window.directory
    view.set_filter("initiative")
    seen: list[DirectoryEditor] = []

    def fill(editor: DirectoryEditor) -> int:
        seen.append(editor)
        editor.show()  # as exec() shows it: Enter presses Save
        qtbot.waitExposed(editor)
        assert editor.current_kind() == "initiative" and editor.focusWidget() is editor.name
        assert editor.form.isRowVisible(editor.category_box) and not editor.form.isRowVisible(editor.authority)
        editor.save()  # no name yet: refused
        assert editor.result() != QDialog.DialogCode.Accepted
        editor.name.setText("Willkommen in Grünau")
        editor.categories["language_course"].setChecked(True)
        editor.categories["housing"].setChecked(True)
        editor.offers.setPlainText("Deutschkurs dienstags")
        editor.town.setCurrentText("Leipzig")
        editor.postcode.setText("4109")
        editor.save()  # a postcode of four digits: refused with the field's message
        assert editor.checks.label("postcode").isVisibleTo(editor)
        assert editor.result() != QDialog.DialogCode.Accepted
        editor.postcode.setText("04209")
        editor.source.setPlainText("Flyer, Dezember 2026")
        editor.checked.setText("2026")
        qtbot.keyClick(editor.checked, Qt.Key.Key_Return)  # Enter saves
        assert not editor.error.text(), editor.error.text()
        return editor.result()

    monkeypatch.setattr(DirectoryEditor, "exec", fill)
    view.new_button.click()
    assert seen and seen[0].result() == QDialog.DialogCode.Accepted
    made = DirectoryEntry.get(DirectoryEntry.name == "Willkommen in Grünau")
    assert (made.kind, made.categories, made.postcode, made.source) == (
        "initiative",
        "housing,language_course",
        "04209",
        "Flyer, Dezember 2026",
    )
    assert view.selected_id() == made.id


def test_a_new_contact_person_of_the_selected_office(qtbot, store, monkeypatch) -> None:
    window = _window(qtbot)
    view = window.directory
    office = directory.office_id("leipzig_jobcenter")
    row = next(i for i in range(view.model.rowCount()) if view.model.row_at(i).id == office)
    view.table.selectRow(row)
    assert view.contact_button.isEnabled()

    def fill(editor: DirectoryEditor) -> int:
        assert editor.current_kind() == "contact" and editor.organisation.currentData() == office
        assert not editor.form.isRowVisible(editor.street) and editor.form.isRowVisible(editor.role)
        editor.name.setText("Frau Schmidt")
        editor.role.setText("Eingangszone")
        editor.engagement.setCurrentIndex(editor.engagement.findData("paid"))
        editor.email.setText("schmidt-at-jobcenter")
        editor.save()
        assert editor.checks.label("email").isVisibleTo(editor) and editor.result() != QDialog.DialogCode.Accepted
        editor.email.setText("")
        editor.save()
        return editor.result()

    monkeypatch.setattr(DirectoryEditor, "exec", fill)
    view.contact_button.click()
    [contact] = directory.contacts_of(office)
    assert (contact.name, contact.role, contact.engagement, contact.town) == (
        "Frau Schmidt",
        "Eingangszone",
        "paid",
        "Leipzig",
    )
    assert view.current_filter() == "contact" and view.selected_id() == contact.id
    assert not view.contact_button.isEnabled()  # a contact has no contacts of its own


def test_deleting_an_entry_offers_undo(qtbot, store) -> None:
    window = _window(qtbot)
    view = window.directory
    window.show_area(DIRECTORY)
    view.table.selectRow(0)
    view.table.setFocus()
    first = view.selected_id()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert DirectoryEntry.get_by_id(first).deleted and first not in [view.model.row_at(i).id for i in range(3)]
    assert window.undo_notice.deletion is not None
    window.undo_notice.undo()
    assert not DirectoryEntry.get_by_id(first).deleted


def test_an_office_added_in_the_directory_is_offered_in_the_appointment_editor(qtbot, store) -> None:
    made = directory.create(
        {
            "kind": "office",
            "name": "Jobcenter Görlitz",
            "authority": "jobcenter",
            "town": "Görlitz",
            "street": "Demianiplatz 1",
        }
    )
    editor = AppointmentEditor()
    qtbot.addWidget(editor)
    index = editor.office.findData(made.id)
    assert index >= 0
    editor.office.setCurrentIndex(index)
    editor.office.activated.emit(index)
    assert editor.address.text().startswith("Demianiplatz 1")


def test_a_saved_entry_the_search_would_hide_is_shown(qtbot, store, monkeypatch) -> None:
    window = _window(qtbot)
    view = window.directory
    view.search_field.setText("Dresden")

    def fill(editor: DirectoryEditor) -> int:
        editor.name.setText("Bürgerbüro Grünau")
        editor.town.setCurrentText("Leipzig")
        editor.save()
        return editor.result()

    monkeypatch.setattr(DirectoryEditor, "exec", fill)
    view.new_button.click()
    made = DirectoryEntry.get(DirectoryEntry.name == "Bürgerbüro Grünau")
    assert view.search_field.text() == "" and view.selected_id() == made.id
