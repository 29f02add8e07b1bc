"""The base of every list area: title, search, filter, count, New/Edit, the lazy table, keeping the place."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, NamedTuple

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop import i18n
from desktop.i18n import _
from desktop.ui.common import (
    Retranslatable,
    area_title,
    filter_combo,
    fit_columns,
    header_row,
    list_table,
    retranslate_filter,
)
from desktop.ui.deletion_ui import delete_action, delete_record
from desktop.ui.lazy_model import LazyTableModel
from desktop.ui.search_widgets import FILTER_LIMIT, SearchField, people_matching


class AreaTexts(NamedTuple):
    """What an area says, in the UI language (asked for again on every language change)."""

    title: str
    new: str
    new_tip: str
    edit_tip: str = ""
    filter_name: str = ""


def shortcut_text(keys: str) -> str:
    """A shortcut as the platform writes it (for a tooltip)."""
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


class ListArea(Retranslatable, QWidget):
    """A list area: its title, a search field, an optional "Show:" filter, the count, New and Edit (and the
    area's own buttons) in one row above a lazily loaded table; Enter or a double click opens a row, a saved
    record keeps the user's place. A subclass declares what is its own: the model, texts, filters, the
    editor it opens and how a saved record is read back.

    By default the search narrows the list to the people it finds (the model's fetch and count honour
    ``model.people``); an area whose model searches by itself overrides ``search`` and ``update_filter``.
    """

    changed = Signal()
    #: A record was deleted from the list (the Deletion, for an Undo).
    deleted = Signal(object)

    #: Filter keys and their untranslated labels, in the order shown; none: the area has no filter.
    FILTERS: ClassVar[dict[str, str]] = {}
    #: An edited row whose sort key changed is loaded again and revealed in its new place (lists in time
    #: order, where a moved record may also leave the filter); otherwise it changes where it stands.
    RESORT_EDITED = False
    #: The record type Delete (the Del key, the context menu) deletes; none: the area deletes nothing.
    DELETE_KIND = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter_complete = True
        self.model: LazyTableModel[Any] = self.make_model()
        self.table = list_table(self.model, self._open_index)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self.selection_changed())
        self.delete_action = delete_action(self.table, self.delete_current) if self.DELETE_KIND else None
        self.title = area_title()
        self.search_field = SearchField()
        self.search_field.textChanged.connect(self.search)
        self.search_field.returnPressed.connect(self.focus_list)
        self.filter_label: QLabel | None = None
        self.filter: QComboBox | None = None
        filters: list[QWidget] = []
        if self.FILTERS:
            self.filter_label, self.filter = filter_combo(self.FILTERS, self.refresh)
            filters = [self.filter_label, self.filter]
        self.count_label = QLabel()
        self.new_button = QPushButton()
        self.new_button.clicked.connect(lambda: self.new_record())
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit_current)
        top = header_row(
            self.title,
            self.search_field,
            *filters,
            self.count_label,
            self.new_button,
            self.edit_button,
            *self.header_buttons(),
        )
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        for widget in self.below_table():
            layout.addWidget(widget)
        self.refresh()
        self.retranslate_ui()

    # --- what a subclass declares ---------------------------------------------------------------------
    def make_model(self) -> LazyTableModel[Any]:
        """The area's lazy model (parented to the area)."""
        raise NotImplementedError

    def texts(self) -> AreaTexts:
        """The title, the New button's text and tooltip, Edit's tooltip and the filter's accessible name."""
        raise NotImplementedError

    def count_of(self, n: int) -> str:
        """The count's words with an ``{n}`` placeholder ("{n} cases"), from ngettext."""
        raise NotImplementedError

    def header_buttons(self) -> Sequence[QWidget]:
        """The area's own buttons after New and Edit (created here: they exist before the first refresh)."""
        return ()

    def below_table(self) -> Sequence[QWidget]:
        """Widgets under the table (such as a warning)."""
        return ()

    def new_record(self) -> None:
        """New: open the editor for a new record."""
        raise NotImplementedError

    def open_record(self, record_id: str) -> None:
        """Open the record in its editor."""
        raise NotImplementedError

    def saved_row(self, record_id: str) -> Any:
        """A record read back as the list shows it (None when it is gone)."""
        raise NotImplementedError

    def row_id(self, row: Any) -> str:
        return str(row.id)

    def load(self) -> None:
        """Load the list again under the current filter."""
        self.model.reload()

    def selection_changed(self) -> None:
        """The current row changed (buttons that depend on it follow)."""

    def show_filter_for(self, row: Any) -> None:
        """Before a saved record is revealed: choose the filter under which it shows."""

    def replace_row(self, index: int, row: Any) -> None:
        self.model.replace_row(index, row)

    def edited_in_place(self) -> None:
        """A row was changed where it stands."""
        self.selection_changed()

    # --- texts ----------------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        texts = self.texts()
        self.title.setText(texts.title)
        if self.filter is not None and self.filter_label is not None:
            retranslate_filter(self.filter_label, self.filter, self.FILTERS)
            self.filter.setAccessibleName(texts.filter_name)
        self.new_button.setText(texts.new)
        self.new_button.setToolTip(texts.new_tip)
        self.edit_button.setText(_("Edit"))
        self.edit_button.setToolTip(texts.edit_tip)
        self.table.setAccessibleName(texts.title)
        if self.delete_action is not None:
            self.delete_action.setText(_("&Delete"))
        self.update_count()
        self.model.retranslate()  # list_table refits the columns to the new headings
        self.selection_changed()  # texts that depend on the selection

    def count_text(self) -> str:
        """The list's count, saying when the search found more people than the list is narrowed to."""
        n = self.model.total
        count = self.count_of(n).format(n=i18n.fmt_number(n))
        if self.filter_complete:
            return count
        return _("{count} (of the first {n} people found – type more)").format(
            count=count, n=i18n.fmt_number(FILTER_LIMIT)
        )

    def update_count(self) -> None:
        self.count_label.setText(self.count_text())

    # --- the list -------------------------------------------------------------------------------------
    def search(self, _text: str) -> None:
        """The search text changed: narrow the list to the people found."""
        self.refresh()

    def update_filter(self) -> None:
        """Search again (the people may have changed since the text was typed); called by ``refresh``."""
        self.model.people, self.filter_complete = people_matching(self.search_field.text())

    def current_filter(self) -> str:
        data = self.filter.currentData() if self.filter is not None else None
        return str(data or next(iter(self.FILTERS), ""))

    def set_filter(self, key: str, quietly: bool = False) -> None:
        """Show the rows of filter ``key`` (``quietly``: only choose it, the caller loads the list)."""
        if self.filter is None:
            return
        self.filter.blockSignals(quietly)
        self.filter.setCurrentIndex(max(0, self.filter.findData(key)))
        self.filter.blockSignals(False)

    def refresh(self) -> None:
        """Read the list again from the top (after changes elsewhere), the first row selected."""
        self.update_filter()
        self.load()
        fit_columns(self.table)
        self.show_first()

    def show_first(self) -> None:
        """The count of a freshly loaded list, its first row selected."""
        self.update_count()
        if self.model.rowCount():
            self.table.selectRow(0)
        self.selection_changed()

    def selected_row(self) -> Any:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def selected_id(self) -> str | None:
        row = self.selected_row()
        return self.row_id(row) if row is not None else None

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # --- opening and saving ---------------------------------------------------------------------------
    def _open_index(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_record(self.row_id(row))

    def edit_current(self) -> None:
        record_id = self.selected_id()
        if record_id:
            self.open_record(record_id)

    def delete_current(self) -> None:
        """Delete the selected record (Del); the list keeps its place and ``deleted`` offers an Undo."""
        index = self.table.currentIndex()
        record_id = self.selected_id()
        if not self.DELETE_KIND or record_id is None:
            return
        done = delete_record(self, self.DELETE_KIND, record_id)
        if done is None:
            return
        self.update_filter()
        self.load()
        self.update_count()
        if self.model.rowCount():
            self.table.selectRow(min(index.row(), self.model.rowCount() - 1))
        self.selection_changed()
        self.deleted.emit(done)
        self.changed.emit()

    def run_editor(self, editor: QDialog, record_id: str, changed_anyway: Callable[[], bool] = lambda: False) -> None:
        """Run the editor of a listed record; a save shows it in place. ``changed_anyway`` tells whether
        something was saved from inside the editor although it was cancelled."""
        saved = editor.exec()
        if saved:
            self.show_saved(record_id, new=False)
        if saved or changed_anyway():
            self.changed.emit()

    def run_new(self, editor: QDialog, record: Callable[[], Any]) -> bool:
        """Run the editor of a new record (``record`` gives it once saved); True when one was saved, and the
        list then shows it, selected."""
        if not editor.exec():
            return False
        saved = record()
        if saved is None:
            return False
        self.show_saved(saved.id, new=True)
        self.changed.emit()
        return True

    def show_saved(self, record_id: str, new: bool) -> None:
        """Keep the user's place: an edited row changes in place, a new (or moved) one is loaded and selected."""
        row = self.saved_row(record_id)
        if row is None:
            return
        if not new:
            for i in range(self.model.rowCount()):
                old = self.model.row_at(i)
                if old is None or self.row_id(old) != record_id:
                    continue
                if not self.RESORT_EDITED or self.model.key_of(old) == self.model.key_of(row):
                    self.replace_row(i, row)
                    self.edited_in_place()
                    return
        self.show_filter_for(row)
        self.load()
        self.update_count()
        found = self.model.reveal(self.model.key_of(row), lambda r: self.row_id(r) == record_id)
        if found is not None:
            self.table.selectRow(found)
            self.table.scrollTo(self.model.index(found, 0))
        self.selection_changed()
