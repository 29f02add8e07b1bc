"""Tools › Team: every laptop a bundle came from, its volunteer, its last bundle and how far behind it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop import i18n
from desktop.core.sync import team
from desktop.i18n import N_, _
from desktop.ui.common import DialogButtons, Retranslatable, fit_columns, list_table

Index = QModelIndex | QPersistentModelIndex


def local_time(utc: dt.datetime | None) -> dt.datetime | None:
    """A UTC time (as the team table keeps it) in this computer's time zone."""
    if utc is None:
        return None
    return utc.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


#: A bundle's counts in words, in the order they are said.
_HELD = {
    "new": lambda n: i18n.ngettext("{n} new", "{n} new", n),
    "updated": lambda n: i18n.ngettext("{n} updated", "{n} updated", n),
    "deleted": lambda n: i18n.ngettext("{n} deleted", "{n} deleted", n),
    "erased": lambda n: i18n.ngettext("{n} erased", "{n} erased", n),
    "conflicts": lambda n: i18n.ngettext("{n} conflict", "{n} conflicts", n),
}


def held_text(counts: dict[str, int]) -> str:
    """What a bundle held, in words: '12 changes: 3 new, 2 updated, 1 conflict'."""
    parts = [words(n).format(n=i18n.fmt_number(n)) for key, words in _HELD.items() if (n := int(counts.get(key, 0)))]
    changes = int(counts.get("changes", 0))
    total = i18n.ngettext("{n} change", "{n} changes", changes).format(n=i18n.fmt_number(changes))
    return f"{total}: {', '.join(parts)}" if parts else total


@dataclass(frozen=True)
class TeamColumn:
    """A column of the team list: its untranslated title, how a laptop shows in it and how it sorts."""

    title: str
    display: Callable[[team.TeamDevice], str]
    key: Callable[[team.TeamDevice], Any]
    align_right: bool = False


_NEVER = dt.datetime.min


def _when(value: dt.datetime | None) -> str:
    return i18n.fmt_list_datetime(local_time(value)) if value else "–"


COLUMNS = (
    TeamColumn(N_("Laptop"), lambda d: d.name or d.device[:8], lambda d: (d.name or d.device).casefold()),
    TeamColumn(N_("Volunteer"), lambda d: d.volunteer_name or "–", lambda d: (d.volunteer_name or "").casefold()),
    TeamColumn(N_("Not seen yet"), lambda d: i18n.fmt_number(d.behind), lambda d: d.behind, align_right=True),
    TeamColumn(N_("Last bundle arrived"), lambda d: _when(d.last_received), lambda d: d.last_received or _NEVER),
    TeamColumn(N_("Bundle made"), lambda d: _when(d.last_created), lambda d: d.last_created or _NEVER),
    TeamColumn(N_("What it held"), lambda d: held_text(d.counts), lambda d: int(d.counts.get("changes", 0))),
)
BEHIND = 2


class TeamModel(QAbstractTableModel):
    """The team's laptops (a few dozen at most: all in memory), sortable by any column."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.devices: list[team.TeamDevice] = []
        self._sorted = (BEHIND, Qt.SortOrder.DescendingOrder)

    def reload(self) -> None:
        self.beginResetModel()
        self.devices = team.devices()
        self._sort_rows()
        self.endResetModel()

    def _sort_rows(self) -> None:
        column, order = self._sorted
        key = COLUMNS[column].key
        # Ties: the most recent bundle first, whatever the order asked for.
        self.devices.sort(key=lambda d: d.last_received or _NEVER, reverse=True)
        self.devices.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        before = {id(d): i for i, d in enumerate(self.devices)}
        self._sorted = (column, order)
        self._sort_rows()
        moved = {before[id(d)]: i for i, d in enumerate(self.devices)}
        for index in self.persistentIndexList():
            self.changePersistentIndex(index, self.index(moved[index.row()], index.column()))
        self.layoutChanged.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.devices)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.devices):
            return None
        device, column = self.devices[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(device)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and index.column() == BEHIND and device.behind:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section].title)
        if role == Qt.ItemDataRole.ToolTipRole and section == BEHIND:
            return _(
                "How many changes of this laptop that laptop had not seen when it made its last bundle: "
                "send it a bundle of what it has not seen yet."
            )
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self.devices:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.devices) - 1, len(COLUMNS) - 1))


class TeamDialog(Retranslatable, QDialog):
    """Tools › Team…: read only; the laptop furthest behind comes first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(760, 360)
        self.resize(1000, 460)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.model = TeamModel(self)
        self.model.reload()
        self.table = list_table(self.model, lambda _index: None)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(BEHIND, Qt.SortOrder.DescendingOrder)
        self.close_box = DialogButtons(self, QDialogButtonBox.StandardButton.Close)
        self.close_box.dismiss_button = self.close_box.button(QDialogButtonBox.StandardButton.Close)
        self.close_box.settle()  # read-only: Enter closes it
        self.close_box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.close_box)
        known = bool(self.model.devices)
        self.table.setVisible(known)
        self.intro.setVisible(known)
        self.empty.setVisible(not known)
        if known:
            self.table.selectRow(0)
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.retranslate_ui()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_columns(self.table)  # on screen now
        header = self.table.horizontalHeader()
        if header.stretchLastSection():  # set again: the fitting sized the last column after it was stretched
            header.setStretchLastSection(False)
            header.setStretchLastSection(True)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Team"))
        self.intro.setText(
            _(
                "Every laptop a bundle came from, with its volunteer and its last bundle. The laptop that has "
                "not seen the most of this laptop's changes comes first."
            )
        )
        self.empty.setText(
            _("No bundle from another laptop has arrived yet.")
            + " "
            + _(
                "The list fills as bundles from the other laptops of your team are imported: each laptop appears "
                "with its volunteer, when its last bundle arrived and what it held."
            )
        )
        self.table.setAccessibleName(_("The team's laptops"))
        self.model.retranslate()
        fit_columns(self.table)
