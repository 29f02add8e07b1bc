"""A table model that loads rows page by page (keyset paging in SQL), never the whole table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.i18n import _

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex


class Column(Generic[Row]):
    """One column: an untranslated title (N_ marker) and how to show a row in it."""

    def __init__(
        self,
        title: str,
        display: Callable[[Row], str],
        align_right: bool = False,
        sample: Callable[[], str] | None = None,
    ) -> None:
        self.title = title
        self.display = display
        self.align_right = align_right
        #: A long typical value: the column is never narrower, even when fitted to rows that leave it empty.
        self.sample = sample


class LazyTableModel(QAbstractTableModel, Generic[Row]):
    """Rows come from ``fetch_page(after_key, limit)``; ``key_of(row)`` gives the key to continue after.

    Qt views call ``canFetchMore``/``fetchMore`` as the user scrolls, so a list of 100,000 people holds
    only the pages seen so far.
    """

    #: Rows a page holds: three screens or more, and few enough that loading one while scrolling fits in a
    #: frame (16 ms) on a profile of 100,000 people, where a list's rows and the names it joins are read
    #: (and decrypted) from the disk for the first time.
    PAGE = 100

    def __init__(
        self,
        columns: Sequence[Column[Row]],
        fetch_page: Callable[[Any, int], list[Row]],
        key_of: Callable[[Row], Any],
        count: Callable[[], int] | None = None,
        parent: Any = None,
        descending: bool = False,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._fetch_page = fetch_page
        self._key_of = key_of
        self._count = count
        self._descending = descending
        self._rows: list[Row] = []
        self._exhausted = False
        self._fetching = False
        self.total = 0
        #: The people the list's search field found; the fetch and count functions keep only their rows.
        self.people: list[str] | None = None

    def column_samples(self) -> list[str]:
        """Per column, the typical long value it must fit ("" where any width will do)."""
        return [c.sample() if c.sample else "" for c in self._columns]

    # --- loading --------------------------------------------------------------------------------
    def reload(self) -> None:
        """Drop the loaded pages and start again from the top (after a change or a new filter)."""
        self._fetching = True  # no page is added from a listener of the reset before it is over (below)
        try:
            self.beginResetModel()
            self._rows = []
            self._exhausted = False
            self.total = self._count() if self._count else 0
            self._rows = self._load_page()
            self.endResetModel()
        finally:
            self._fetching = False

    def _load_page(self) -> list[Row]:
        after = self._key_of(self._rows[-1]) if self._rows else None
        page = self._fetch_page(after, self.PAGE)
        if len(page) < self.PAGE:
            self._exhausted = True
        return page

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        # Not while a page is being added or the list reloaded: whoever listens to rowsAboutToBeInserted or
        # modelReset (a view, Qt's model tester) may ask for more before the rows are in or the reset is
        # over, and would be handed the same page twice or rows in the middle of the reset.
        if parent.isValid() or self._exhausted or self._fetching:
            return
        self._fetching = True
        try:
            page = self._load_page()
            if not page:
                return
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()
        finally:
            self._fetching = False

    # --- Qt model API -----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(self._rows[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self._columns):
                return _(self._columns[section].title)
        return None

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def key_of(self, row: Row) -> Any:
        """The row's place in the list order (its keyset paging key)."""
        return self._key_of(row)

    def loaded_count(self) -> int:
        return len(self._rows)

    def replace_row(self, row: int, new: Row) -> None:
        """Show a record's new values in place (after an edit), without reloading the list."""
        self._rows[row] = new
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._columns) - 1))

    def reveal(self, key: Any, match: Callable[[Row], bool]) -> int | None:
        """Load pages up to ``key`` (in list order) and return the row that ``match`` finds there."""

        def before(row: Row) -> bool:
            k = self._key_of(row)
            return k > key if self._descending else k < key

        while self._rows and before(self._rows[-1]) and self.canFetchMore():
            self.fetchMore()
        for i, row in enumerate(self._rows):
            if match(row):
                return i
        return None

    def retranslate(self) -> None:
        """Headers and formatted cells follow the UI language."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, len(self._columns) - 1))
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1))
