"""The People area: a lazily loaded list of everyone, and the editor."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from desktop.core import people
from desktop.core.search.query import EXACT, Hit
from desktop.core.store.models import Person
from desktop.i18n import _
from desktop.ui.common import fit_columns
from desktop.ui.deletion_ui import erase_person
from desktop.ui.list_area import AreaTexts, ListArea
from desktop.ui.person_editor import PersonEditor
from desktop.ui.search_widgets import FOUND_AS_COLUMN, PeopleSearchModel


def people_model(parent: QWidget | None = None) -> PeopleSearchModel:
    return PeopleSearchModel(parent)


#: How long the typing pauses before the columns fit what the search found.
FIT_AFTER_TYPING_MS = 200


class PeopleView(ListArea):
    """List of people with a search field, New and Edit; Enter or a double click opens the editor.

    Its model searches by itself (ranked, with a "Found as" column while searching)."""

    DELETE_KIND = "person"
    #: A person was erased: what went, per record type.
    erased = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        self.erase_action = QAction()
        super().__init__(parent)
        #: The columns fit what a search found once the typing pauses (not at every keystroke).
        self._fit_after_typing = QTimer(self, singleShot=True, interval=FIT_AFTER_TYPING_MS)
        self._fit_after_typing.timeout.connect(lambda: fit_columns(self.table))
        self.erase_action.setParent(self.table)
        self.erase_action.triggered.connect(self.erase_current)
        self.table.addAction(self.erase_action)

    def retranslate_ui(self) -> None:
        self.erase_action.setText(_("&Erase person…"))
        super().retranslate_ui()

    def erase_current(self) -> None:
        """Erase the selected person for good, after the confirmation."""
        person_id = self.selected_id()
        if person_id is None:
            return
        erased = erase_person(self, person_id)
        if erased is None:
            return
        self.refresh()
        self.erased.emit(erased)
        self.changed.emit()

    model: PeopleSearchModel

    def make_model(self) -> PeopleSearchModel:
        return people_model(self)

    def texts(self) -> AreaTexts:
        return AreaTexts(
            _("People"), _("New person"), _("Create a new person (Ctrl+N)"), _("Open the selected person (Enter)")
        )

    def count_text(self) -> str:
        return self.model.count_text()

    # --- the list -------------------------------------------------------------------------------------
    def update_filter(self) -> None:
        """Nothing to narrow: the model searches itself (``search``)."""

    def load(self) -> None:
        self.model.reload()
        self.table.setColumnHidden(FOUND_AS_COLUMN, not self.model.searching())

    def search(self, text: str) -> None:
        """Show the people matching ``text`` (everyone when it is empty), best match first."""
        self.model.set_query(text)
        self.table.setColumnHidden(FOUND_AS_COLUMN, not self.model.searching())
        self.show_first()
        self._fit_after_typing.start()

    def row_id(self, row: Hit) -> str:
        return row.row.id

    def selected_person_id(self) -> str | None:
        return self.selected_id()

    # --- opening and saving ---------------------------------------------------------------------------
    def open_record(self, person_id: str) -> None:
        editor = PersonEditor(Person.get_by_id(person_id), self)
        # A case, document or household saved from a tab counts even when the editor is cancelled.
        self.run_editor(editor, person_id, lambda: editor.tabs_changed)
        if editor.erased_counts is not None:  # erased after withdrawing the consent to data processing
            self.refresh()
            self.erased.emit(editor.erased_counts)

    open_person = open_record

    def new_record(self) -> None:
        editor = PersonEditor(None, self)
        if not self.run_new(editor, lambda: editor.person) and editor.open_instead:
            self.open_person(editor.open_instead)

    new_person = new_record

    def saved_row(self, person_id: str) -> Hit | None:
        row = people.person_row(person_id)
        return Hit(row, EXACT, "") if row is not None else None

    def replace_row(self, index: int, row: Hit) -> None:
        self.model.replace_person(index, row.row)  # keeps how the search found the person

    def show_filter_for(self, row: Hit) -> None:
        if self.model.searching():
            self.search_field.clear()  # a new person is shown in the whole list
