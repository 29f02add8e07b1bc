"""The Needs and offers area, driven as a user would (offscreen, failing on Qt warnings): Ctrl+6, New need,
the filter, the Match dialog, the Telegram post on the clipboard, undoing a match, short projects."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog

from desktop.core import people
from desktop.core.network import matching, needs, projects, telegram
from desktop.core.store import changelog
from desktop.core.store.models import DirectoryEntry, Household, HouseholdMember, Match, NeedOffer, Project
from desktop.ui import needs_view as needs_view_module
from desktop.ui.match_ui import MatchDialog
from desktop.ui.need_editor import NeedEditor
from desktop.ui.needs_view import NeedsView, NeedTableModel
from desktop.ui.projects_ui import ProjectEditor, ProjectsDialog
from desktop.ui.qt_i18n import apply_language
from tests.test_gui import type_text


@pytest.fixture(autouse=True)
def _english(qapp) -> None:
    apply_language("en")


@pytest.fixture
def person(store):
    return people.create_person({"family_name": "Kovalenko", "given_name": "Olena"})


def _rows(view: NeedsView) -> list:
    while view.model.canFetchMore():
        view.model.fetchMore()
    return [view.model.row_at(i) for i in range(view.model.rowCount())]


def _select(view: NeedsView, record_id: str) -> None:
    for i, row in enumerate(_rows(view)):
        if row.id == record_id:
            view.table.selectRow(i)
            return
    raise AssertionError(f"{record_id} is not listed")


def test_the_model_passes_the_model_tester(qtbot, qtmodeltester, person) -> None:
    for i in range(5):
        needs.create({"kind": "need", "person": person.id, "category": "housing", "title": f"n{i}"})
        needs.create({"kind": "offer", "category": "housing", "title": f"o{i}", "languages": "uk"})
    model = NeedTableModel()
    for show in needs.FILTERS:
        model.show = show
        model.reload()
        qtmodeltester.check(model)


def test_ctrl_6_shows_the_area(qtbot, person) -> None:
    from desktop.ui.main_window import MainWindow

    needs.create({"kind": "need", "person": person.id, "category": "pet_care", "title": "Katze versorgen"})
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.needs
    assert window.nav.currentItem().text() == "Needs and offers"
    assert window.needs.table.hasFocus()
    assert [r.title for r in _rows(window.needs)] == ["Katze versorgen"]
    assert "Short pro&jects…" in [a.text() for a in window.menu_tools.actions()]


def test_new_need_saves_and_is_shown_selected(qtbot, person, monkeypatch) -> None:
    household = changelog.create(Household, {"name": "Familie Kovalenko"})
    changelog.create(HouseholdMember, {"household": household.id, "person": person.id})
    view = NeedsView()
    qtbot.addWidget(view)
    made: list[NeedEditor] = []

    def run(editor: NeedEditor) -> int:
        made.append(editor)
        editor.set_person(person.id)
        assert editor.household.currentData() == household.id  # the person's only family, chosen
        editor.category.setCurrentIndex(editor.category.findData("interpreting"))
        qtbot.keyClicks(editor.title, "Dolmetschen beim Arzt")
        qtbot.keyClicks(editor.town, "Leipzig")
        type_text(editor.district, "Grünau")
        editor.language_checks["uk"].setChecked(True)
        qtbot.keyClicks(editor.available_from, "10.12.2026")
        qtbot.keyClicks(editor.available_until, "01.12.2026")
        editor.save()
        assert editor.result() != QDialog.DialogCode.Accepted  # the end lies before the start
        assert editor.checks.label("available_until").isVisibleTo(editor)
        editor.available_until.clear()
        qtbot.keyClicks(editor.available_until, "20.12.2026")
        editor.save()
        return editor.result()

    monkeypatch.setattr(NeedEditor, "exec", run)
    view.new_button.click()
    saved = NeedOffer.get()
    assert (saved.kind, saved.category, saved.person_id, saved.household_id) == (
        "need",
        "interpreting",
        person.id,
        household.id,
    )
    assert (saved.town, saved.district, saved.languages) == ("Leipzig", "Grünau", "uk")
    assert (saved.available_from, saved.available_until) == (dt.date(2026, 12, 10), dt.date(2026, 12, 20))
    row = view.selected_row()
    assert (
        row.id == saved.id
        and row.who == "Kovalenko, Olena"
        and "Interpreting" in view.model.data(view.model.index(view.table.currentIndex().row(), 1))
    )
    assert "1 entry" in view.count_label.text()


def test_a_need_without_a_person_is_refused(qtbot, store) -> None:
    editor = NeedEditor(kind="need")
    qtbot.addWidget(editor)
    assert editor.first_field() is editor.person_button
    editor.save()
    assert editor.result() != QDialog.DialogCode.Accepted
    assert "person or family" in editor.error.text()
    assert NeedOffer.select().count() == 0


def test_new_offer_of_a_private_person(qtbot, store, monkeypatch) -> None:
    view = NeedsView()
    qtbot.addWidget(view)

    def run(editor: NeedEditor) -> int:
        assert not editor.form.isRowVisible(editor.case)  # an offer names no person or case
        editor.provider_kind.setCurrentIndex(editor.provider_kind.findData("private"))
        assert editor.form.isRowVisible(editor.provider_name) and not editor.form.isRowVisible(editor.volunteer)
        qtbot.keyClicks(editor.provider_name, "Herr Schmidt")
        qtbot.keyClicks(editor.title, "Fahrten mit dem Auto")
        editor.save()
        return editor.result()

    monkeypatch.setattr(NeedEditor, "exec", run)
    view.new_offer()
    saved = NeedOffer.get()
    assert (saved.kind, saved.provider_kind, saved.provider_name) == ("offer", "private", "Herr Schmidt")
    assert view.selected_row().who == "Herr Schmidt"


def test_the_filter_shows_what_it_says(qtbot, person) -> None:
    n = needs.create({"kind": "need", "person": person.id, "category": "housing", "title": "need"})
    o = needs.create({"kind": "offer", "category": "housing", "title": "offer"})
    done = needs.create({"kind": "offer", "category": "housing", "title": "done"})
    needs.set_status(done.id, "done")
    view = NeedsView()
    qtbot.addWidget(view)
    assert view.current_filter() == "open"
    assert {r.id for r in _rows(view)} == {n.id, o.id}
    view.set_filter("open_offers")
    assert [r.id for r in _rows(view)] == [o.id] and "1 entry" in view.count_label.text()
    view.set_filter("closed")
    assert [r.id for r in _rows(view)] == [done.id]
    view.set_filter("all")
    assert len(_rows(view)) == 3
    qtbot.keyClicks(view.search_field, "Kovalenko")
    assert [r.id for r in _rows(view)] == [n.id]


def test_match_dialog_creates_a_match_and_the_editor_undoes_it(qtbot, person, monkeypatch) -> None:
    n = needs.create(
        {"kind": "need", "person": person.id, "category": "accompaniment", "town": "Leipzig", "district": "Grünau"}
    )
    far = needs.create({"kind": "offer", "category": "accompaniment", "title": "far", "town": "Dresden"})
    near = needs.create(
        {"kind": "offer", "category": "accompaniment", "title": "near", "town": "Leipzig", "district": "Grünau"}
    )
    entry = changelog.create(
        DirectoryEntry, {"kind": "initiative", "name": "Hilfe e.V.", "town": "Leipzig", "categories": "accompaniment"}
    )
    dialog = MatchDialog(n.id)
    qtbot.addWidget(dialog)
    assert dialog.directory.topLevelItem(0).text(0) == "Hilfe e.V."
    assert [dialog.offers.topLevelItem(i).text(0) for i in range(2)] == ["near", "far"]
    assert dialog.offers.topLevelItem(0).text(1) == "same district"
    assert dialog.chosen() == ("offer", near.id)  # the best offer, ready for Enter
    dialog.directory.setCurrentItem(dialog.directory.topLevelItem(0))
    assert dialog.chosen() == ("entry", entry.id)
    assert far.id  # listed, not chosen

    view = NeedsView()
    qtbot.addWidget(view)
    _select(view, n.id)

    def run(self: MatchDialog) -> int:
        self.show()
        self.offers.setFocus()
        self.offers.setCurrentItem(self.offers.topLevelItem(0))
        qtbot.keyClicks(self.notes, "Anna ruft an")
        self.notes.setFocus()
        qtbot.keyClick(self.notes, Qt.Key.Key_Return)  # Enter matches
        return self.result()

    monkeypatch.setattr(MatchDialog, "exec", run)
    view.match_button.click()
    made = Match.get()
    assert (made.need_id, made.offer_id, made.notes) == (n.id, near.id, "Anna ruft an")
    assert NeedOffer.get_by_id(near.id).status == "matched"
    assert view.selected_row().status == "matched"
    assert view.model.data(view.model.index(view.table.currentIndex().row(), 6)) == "Matched"

    editor = NeedEditor(NeedOffer.get_by_id(n.id))
    qtbot.addWidget(editor)
    assert editor.matches.count() == 1 and "near" in editor.matches.item(0).text()
    editor.unmatch_button.click()
    assert editor.matches.count() == 0 and editor.unmatched
    assert editor.status.currentData() == "open" and editor.changed_keys() == set()
    assert NeedOffer.get_by_id(n.id).status == "open" and NeedOffer.get_by_id(near.id).status == "open"
    assert Match.get_by_id(made.id).deleted


def test_telegram_post_is_copied_with_a_notice(qtbot, person) -> None:
    n = needs.create(
        {
            "kind": "need",
            "person": person.id,
            "category": "housing",
            "title": "Wohnung für Familie Kovalenko",
            "town": "Dresden",
            "district": "Gorbitz",
        }
    )
    view = NeedsView()
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    QGuiApplication.clipboard().setText("before")
    _select(view, n.id)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    copied = QGuiApplication.clipboard().text()
    assert copied == telegram.post(n.id)
    assert "Gorbitz" in copied and "Kovalenko" not in copied
    assert view.notice.isVisible() and telegram.reference(n.id) in view.notice.text()
    assert needs_view_module.TELEGRAM_SHORTCUT in view.telegram_button.toolTip()


def test_start_a_project_from_a_need_and_the_projects_dialog(qtbot, person, monkeypatch) -> None:
    n = needs.create({"kind": "need", "person": person.id, "category": "childcare", "town": "Leipzig"})
    view = NeedsView()
    qtbot.addWidget(view)
    _select(view, n.id)
    assert view.project_button.isEnabled()

    def run(editor: ProjectEditor) -> int:
        assert editor.title.text() == "Childcare in Leipzig" and editor.town.text() == "Leipzig"
        editor.volunteers.item(0).setCheckState(Qt.CheckState.Checked)
        editor.save()
        return editor.result()

    monkeypatch.setattr(ProjectEditor, "exec", run)
    view.project_button.click()
    project = Project.get()
    assert NeedOffer.get_by_id(n.id).project_id == project.id
    assert projects.volunteer_ids(project.id)

    dialog = ProjectsDialog()
    qtbot.addWidget(dialog)
    assert dialog.list.topLevelItemCount() == 1 and dialog.list.topLevelItem(0).text(0) == "Childcare in Leipzig"
    assert dialog.needs.topLevelItemCount() == 1 and dialog.needs.topLevelItem(0).text(1) == "Childcare"
    dialog.needs.setCurrentItem(dialog.needs.topLevelItem(0))
    dialog.detach_button.click()
    assert dialog.needs.topLevelItemCount() == 0 and NeedOffer.get_by_id(n.id).project_id is None
    assert dialog.list.topLevelItem(0).text(4) == "0"


def test_reasons_follow_the_language(qtbot, person) -> None:
    n = needs.create({"kind": "need", "person": person.id, "category": "housing", "languages": "uk"})
    needs.create({"kind": "offer", "category": "housing", "languages": "uk"})
    dialog = MatchDialog(n.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.offers.topLevelItem(0).text(1) == "speaks Ukrainian"
    apply_language("de")
    qtbot.wait(10)  # Qt delivers LanguageChange through the event loop
    assert dialog.offers.topLevelItem(0).text(1) == matching.suggestions(n.id)[0].why == "spricht Ukrainisch"
    assert dialog.offers_heading.text() == "Vorgeschlagene &Angebote, die besten zuerst"


def test_del_deletes_a_need_with_its_matches_and_undo_brings_them_back(qtbot, person) -> None:
    from desktop.ui.main_window import MainWindow

    need = needs.create({"kind": "need", "person": person.id, "category": "housing", "title": "Wohnung"})
    offer = needs.create({"kind": "offer", "category": "housing", "title": "Zimmer frei"})
    made = matching.match(need.id, offer_id=offer.id)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    window.needs.set_filter("all")
    _select(window.needs, need.id)
    qtbot.keyClick(window.needs.table, Qt.Key.Key_Delete)
    assert NeedOffer.get_by_id(need.id).deleted and Match.get_by_id(made.id).deleted
    assert need.id not in [r.id for r in _rows(window.needs)]
    assert window.undo_notice.isVisible()
    window.undo_notice.undo()
    assert not NeedOffer.get_by_id(need.id).deleted and not Match.get_by_id(made.id).deleted


def test_a_deleted_need_leaves_its_offer_open_again_and_undo_matches_it_again(qtbot, person) -> None:
    from desktop.ui.main_window import MainWindow

    need = needs.create({"kind": "need", "person": person.id, "category": "housing", "title": "Wohnung"})
    offer = needs.create({"kind": "offer", "category": "housing", "title": "Zimmer frei"})
    matching.match(need.id, offer_id=offer.id)
    assert needs.live(offer.id).status == "matched"
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.show_area(window.areas.index(window.needs))
    window.needs.set_filter("all")
    _select(window.needs, need.id)
    window.needs.delete_current()
    assert needs.live(offer.id).status == "open"
    window.undo_notice.undo()
    assert needs.live(offer.id).status == "matched" and needs.live(need.id).status == "matched"
