"""The Directory area: offices, initiatives and associations, contact persons; searched and filtered in SQL."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtWidgets import QPushButton, QWidget

from desktop import i18n
from desktop.core import cases
from desktop.core.network import directory
from desktop.core.network.directory import Entry
from desktop.core.network.labels import DIRECTORY_KIND_LABELS, label
from desktop.core.store.models import DirectoryEntry
from desktop.i18n import N_, _
from desktop.ui.directory_editor import DirectoryEditor
from desktop.ui.lazy_model import Column, LazyTableModel
from desktop.ui.list_area import AreaTexts, ListArea, shortcut_text

#: The main window's shortcut for this area (named in the title's tooltip of the View menu).
AREA_SHORTCUT = "Ctrl+7"

#: Filter keys and their labels, translated where shown; "all" shows every kind.
FILTER_LABELS: dict[str, str] = {
    "office": N_("Offices"),
    "initiative": N_("Initiatives and associations"),
    "contact": N_("Contact persons"),
    "all": N_("All entries"),
}


def place_text(entry: Entry) -> str:
    """Town and district ("Leipzig – Grünau")."""
    return " – ".join(x for x in (entry.town, entry.district) if x)


def what_text(entry: Entry) -> str:
    """What an entry is about: an office's authority, an initiative's categories, a contact's role and where."""
    if entry.kind == directory.OFFICE:
        return cases.authority_label(entry.authority) if entry.authority else ""
    if entry.kind == directory.INITIATIVE:
        return directory.category_text(entry.categories) or entry.offers.split("\n")[0]
    return " · ".join(x for x in (entry.role, entry.organisation_name) if x)


def _one_line(text: str) -> str:
    return " ".join(text.split())


DIRECTORY_COLUMNS: list[Column[Entry]] = [
    Column(N_("Kind"), lambda e: label(DIRECTORY_KIND_LABELS, e.kind)),
    Column(N_("Name or title"), lambda e: e.name),
    Column(N_("Town / district"), place_text),
    Column(N_("Authority, categories or role"), lambda e: _one_line(what_text(e))),
    Column(N_("Phone"), lambda e: e.phone),
    Column(N_("Opening hours"), lambda e: _one_line(e.hours)),
]


class DirectoryTableModel(LazyTableModel[Entry]):
    """Entries by name; the kind and the search words filter in SQL."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            DIRECTORY_COLUMNS,
            lambda after, limit: directory.page(after, limit, kind=self.kind, text=self.text),
            directory.sort_key,
            lambda: directory.count(kind=self.kind, text=self.text),
            parent,
        )
        self.kind: str | None = "office"
        self.text = ""


class DirectoryView(ListArea):
    """The directory: Show (offices, initiatives, contact persons, all), search, New, Edit, a new contact
    person of the selected office or initiative; Enter or a double click opens an entry."""

    DELETE_KIND = "directory_entry"
    FILTERS: ClassVar[dict[str, str]] = FILTER_LABELS
    RESORT_EDITED = True

    model: DirectoryTableModel

    def make_model(self) -> DirectoryTableModel:
        return DirectoryTableModel(self)

    def header_buttons(self) -> list[QWidget]:
        self.contact_button = QPushButton()
        self.contact_button.clicked.connect(self.new_contact)
        return [self.contact_button]

    def texts(self) -> AreaTexts:
        return AreaTexts(
            _("Directory"),
            _("New entry"),
            _("Add an office, initiative or contact person to the directory"),
            _("Open the selected entry (Enter)"),
            _("Which entries to show"),
        )

    def retranslate_ui(self) -> None:
        self.contact_button.setText(_("New contact person"))
        self.contact_button.setToolTip(_("Add a contact person at the selected office or initiative"))
        self.search_field.setPlaceholderText(_("Search name, town, authority, what they offer…"))
        self.search_field.setToolTip(_("Directory ({shortcut})").format(shortcut=shortcut_text(AREA_SHORTCUT)))
        super().retranslate_ui()

    def count_of(self, n: int) -> str:
        return i18n.ngettext("{n} entry", "{n} entries", n)

    # --- the list -------------------------------------------------------------------------------------
    def search(self, _text: str) -> None:
        self.refresh()

    def update_filter(self) -> None:
        self.model.text = self.search_field.text().strip()
        self.filter_complete = True

    def load(self) -> None:
        kind = self.current_filter()
        self.model.kind = None if kind == "all" else kind
        self.model.reload()

    def selection_changed(self) -> None:
        row = self.selected_row()
        self.edit_button.setEnabled(row is not None)
        self.contact_button.setEnabled(row is not None and row.kind != directory.CONTACT)

    def show_filter_for(self, row: Entry) -> None:
        """A saved entry is shown: under its kind when the filter hides it, without the search when the
        search words do not find it."""
        if self.current_filter() not in ("all", row.kind):
            self.set_filter(row.kind, quietly=True)
        text = self.model.text
        if text and all(e.id != row.id for e in directory.entries(kind=row.kind, text=text)):
            self.search_field.blockSignals(True)
            self.search_field.clear()
            self.search_field.blockSignals(False)
            self.update_filter()

    # --- opening and saving ---------------------------------------------------------------------------
    def open_record(self, record_id: str) -> None:
        record = DirectoryEntry.get_or_none(DirectoryEntry.id == record_id)
        if record is not None:
            self.run_editor(DirectoryEditor(record, parent=self), record_id)

    def new_record(self, kind: str | None = None, organisation_id: str | None = None) -> bool:
        chosen = self.current_filter()
        kind = kind or (chosen if chosen in directory.KINDS else directory.OFFICE)
        editor = DirectoryEditor(None, kind=kind, organisation_id=organisation_id, parent=self)
        return self.run_new(editor, lambda: editor.record)

    def new_contact(self) -> bool:
        """A new contact person of the selected office or initiative."""
        row = self.selected_row()
        organisation = row.id if row is not None and row.kind != directory.CONTACT else None
        return self.new_record(directory.CONTACT, organisation)

    def saved_row(self, record_id: str) -> Entry | None:
        return directory.entry(record_id)
