"""A new list area built on ListArea gets search, filter, count, opening, keep-my-place and retranslation."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop import i18n
from desktop.core import people
from desktop.core.store import db as store_db
from desktop.i18n import N_, _
from desktop.ui.lazy_model import Column, LazyTableModel
from desktop.ui.list_area import AreaTexts, ListArea
from desktop.ui.qt_i18n import apply_language
from tests.test_gui import type_text


@dataclasses.dataclass(frozen=True)
class Note:
    id: str
    person_id: str
    text: str
    done: bool = False


class NoteModel(LazyTableModel[Note]):
    """Notes in text order, three a page, narrowed to the people found and by status (as SQL would)."""

    PAGE = 3

    def __init__(self, notes: dict[str, Note], parent: Any = None) -> None:
        super().__init__(
            [Column(N_("Note"), lambda n: n.text)], self._page, lambda n: (n.text, n.id), self._count, parent
        )
        self.notes = notes
        self.status = "open"

    def _matching(self) -> list[Note]:
        rows = [n for n in self.notes.values() if self.people is None or n.person_id in self.people]
        rows = [n for n in rows if self.status == "all" or n.done == (self.status == "done")]
        return sorted(rows, key=lambda n: (n.text, n.id))

    def _page(self, after: Any, limit: int) -> list[Note]:
        return [n for n in self._matching() if after is None or (n.text, n.id) > after][:limit]

    def _count(self) -> int:
        return len(self._matching())


class NotesArea(ListArea):
    """All a new area has to say for itself."""

    FILTERS = {"open": N_("Open"), "done": N_("Done"), "all": N_("All")}  # noqa: RUF012

    def __init__(self, notes: dict[str, Note]) -> None:
        self.notes = notes
        self.opened: list[str] = []
        super().__init__()

    def make_model(self) -> NoteModel:
        return NoteModel(self.notes, self)

    def texts(self) -> AreaTexts:
        return AreaTexts(_("Notes"), _("New note"), "", filter_name=_("Notes"))

    def count_of(self, n: int) -> str:
        return i18n.ngettext("{n} note", "{n} notes", n)

    def load(self) -> None:
        self.model.status = self.current_filter()
        self.model.reload()

    def open_record(self, record_id: str) -> None:
        self.opened.append(record_id)

    def new_record(self) -> None:
        raise AssertionError("not clicked here")

    def saved_row(self, record_id: str) -> Note | None:
        return self.notes.get(record_id)

    def show_filter_for(self, row: Note) -> None:
        if self.current_filter() not in ("all", "done" if row.done else "open"):
            self.set_filter("done" if row.done else "open", quietly=True)


@pytest.fixture
def notes(store: store_db.Store) -> dict[str, Note]:
    olena = people.create_person({"family_name_cyr": "Коваленко", "given_name_cyr": "Олена"}).id
    ivan = people.create_person({"family_name_cyr": "Бондар", "given_name_cyr": "Іван"}).id
    texts = ["b", "d", "f", "h", "j", "l", "n"]  # seven notes: three pages of three
    return {f"n{i}": Note(f"n{i}", olena if i % 2 else ivan, text) for i, text in enumerate(texts)}


def test_a_new_area_gets_search_filter_count_and_opening(qtbot, notes: dict[str, Note]) -> None:
    area = NotesArea(notes)
    qtbot.addWidget(area)
    area.show()
    assert area.count_label.text() == "7 notes" and area.model.rowCount() == 3  # the first page, lazily
    assert area.title.text() == "Notes" and area.new_button.text() == "New note" and area.edit_button.text() == "Edit"
    assert area.table.currentIndex().row() == 0
    type_text(area.search_field, "Jelena")  # any spelling of Олена: the list narrows to her notes
    assert area.count_label.text() == "3 notes"
    assert {area.model.row_at(i).person_id for i in range(area.model.rowCount())} == {notes["n1"].person_id}
    QTest.keyClick(area.search_field, Qt.Key.Key_Return)  # Enter in the search goes to the list
    assert area.focusWidget() is area.table
    QTest.keyClick(area.table, Qt.Key.Key_Down)
    QTest.keyClick(area.table, Qt.Key.Key_Return)  # Enter opens the current row
    assert area.opened == ["n3"]
    area.focus_search()
    QTest.keyClick(area.search_field, Qt.Key.Key_Escape)  # Esc clears the search
    assert area.search_field.text() == "" and area.count_label.text() == "7 notes"
    area.set_filter("done")
    assert area.model.rowCount() == 0 and area.count_label.text() == "0 notes"
    area.set_filter("open")
    area.edit_current()
    assert area.opened == ["n3", "n0"]


def test_a_new_area_keeps_the_users_place_after_a_save(qtbot, notes: dict[str, Note]) -> None:
    area = NotesArea(notes)
    qtbot.addWidget(area)
    area.show()
    area.model.fetchMore()
    area.table.selectRow(4)
    notes["n4"] = dataclasses.replace(notes["n4"], text="k")  # edited: it changes where it stands
    area.show_saved("n4", new=False)
    assert area.model.rowCount() == 6 and area.table.currentIndex().row() == 4
    assert area.model.data(area.model.index(4, 0)) == "k"
    notes["n9"] = Note("n9", notes["n0"].person_id, "m")  # new, beyond the loaded pages: loaded and selected
    area.show_saved("n9", new=True)
    assert area.count_label.text() == "8 notes"
    assert area.selected_id() == "n9" and area.model.row_at(area.table.currentIndex().row()).text == "m"
    notes["n8"] = Note("n8", notes["n0"].person_id, "a", done=True)  # new under another filter: it switches
    area.show_saved("n8", new=True)
    assert area.current_filter() == "done" and area.selected_id() == "n8" and area.count_label.text() == "1 note"


def test_a_new_area_follows_a_language_switch(qtbot, notes: dict[str, Note]) -> None:
    apply_language("en")
    area = NotesArea(notes)
    qtbot.addWidget(area)
    area.show()
    apply_language("de")
    qtbot.wait(10)  # the widgets get the LanguageChange
    assert area.title.text() == "Notizen" and area.new_button.text() == "Neue Notiz"
    assert area.edit_button.text() == "Bearbeiten" and area.filter_label.text() == "&Anzeigen:"
    assert [area.filter.itemText(i) for i in range(area.filter.count())] == ["Offen", "Erledigt", "Alle"]
    assert area.model.headerData(0, Qt.Orientation.Horizontal) == "Notiz"
    assert area.table.accessibleName() == "Notizen" and area.filter.accessibleName() == "Notizen"
    apply_language("en")
    qtbot.wait(10)
    assert area.title.text() == "Notes" and area.filter.currentText() == "Open"


def test_a_page_asked_for_while_rows_go_in_or_the_list_reloads_is_not_added_twice(qtbot) -> None:
    """Listeners of rowsAboutToBeInserted and modelReset (views, Qt's model tester) may call fetchMore:
    the page being added is not handed out again, and no rows go in while the reset is under way."""
    notes = {f"n{i}": Note(f"n{i}", "p", f"Note {i:02d}") for i in range(10)}
    model = NoteModel(notes)
    asked = []

    def ask_for_more(*_args: object) -> None:
        asked.append(model.rowCount())
        model.fetchMore()

    model.rowsAboutToBeInserted.connect(ask_for_more)
    model.modelReset.connect(ask_for_more)
    model.reload()
    while model.canFetchMore():
        model.fetchMore()
    ids = [model.row_at(i).id for i in range(model.rowCount())]
    assert ids == [f"n{i}" for i in range(10)]
    assert asked == [3, 3, 6, 9]  # after the reset, then before each page that followed
