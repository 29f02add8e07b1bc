"""Today & the next 14 days: appointments, overdue and due deadlines and tasks, expiring documents, and the
consents running out within 30 days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from desktop import i18n
from desktop.core import cases, consents, dashboard, residence, tasks
from desktop.core.privacy import retention
from desktop.core.store import db as store_db
from desktop.i18n import _
from desktop.ui.common import Retranslatable, area_title
from desktop.ui.retention_ui import kind_text, since_text
from desktop.ui.worker import run_in_background

OVERDUE = QColor("#b00020")
#: A group of the tree: its title, its lines, how a line is shown, and its count ("…" while not yet read).
_Group = tuple[str, Sequence[Any], Callable[[Any], QTreeWidgetItem], Any]


class DashboardView(Retranslatable, QWidget):
    """One tree with four groups; Enter on a line opens what it stands for."""

    open_appointment = Signal(str)
    open_task = Signal(str)
    open_person = Signal(str)
    review_retention = Signal()

    def __init__(self, parent: QWidget | None = None, *, first_look: bool = False) -> None:
        """``first_look``: the main window's start – the first lines of each group now, the rest and what is
        due for erasure when it calls ``complete`` after its first paint."""
        super().__init__(parent)
        self._wanted: list[int] = []  # the widths the lines want (When, What, Who), measured when filled
        self.title = area_title()
        self.summary = QLabel()
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemActivated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree)
        self.board: dashboard.Dashboard | None = None
        #: What is due for erasure: looked for in the background (it reads the whole change log), None until
        #: known.
        self.retention: list[retention.Due] | None = None
        self._retention_asked = 0
        #: Whether the rest of the lines are being read (after the first look).
        self.completing = False
        if first_look:
            self.board = dashboard.build(limit=dashboard.FIRST_LINES)
            self._fill()
        else:
            self.refresh()

    def refresh(self, today: dt.date | None = None) -> None:
        """Read the dashboard again; what is due for erasure is looked for in the background."""
        self.board = dashboard.build(today)
        self._fill()
        self._look_for_retention(today)

    def complete(self) -> None:
        """After the first look: the rest of the lines in the background, then what is due for erasure
        (one after the other: two jobs at once would each wait for the GIL at every row the other reads)."""
        board = self.board
        if board is None or board.complete():
            self._look_for_retention(None)
            return
        self.completing = True
        asked = self._retention_asked  # a refresh meanwhile reads everything anyway

        def done(full: dashboard.Dashboard) -> None:
            self.completing = False
            if asked == self._retention_asked:
                self._add_lines(board, full)
                self._look_for_retention(None)

        def failed(_exc: Exception) -> None:
            self.completing = False  # logged by the job; the first lines stay until the next refresh
            self._look_for_retention(None)

        run_in_background(lambda: dashboard.completed(board), done, failed)

    def _add_lines(self, first: dashboard.Dashboard, full: dashboard.Dashboard) -> None:
        """Show ``full``, the ``first`` look's board completed: the lines it adds go below those shown and
        the counts follow (the current line and the scrolling stay), or the tree is filled again should the
        lines shown have changed."""
        self.board = full
        shown, groups = self._groups(first), self._groups(full)
        if self.tree.topLevelItemCount() < len(groups) or any(
            lines[: len(old)] != old for (_t, lines, _i, _n), (_u, old, _j, _m) in zip(groups, shown, strict=True)
        ):
            self._fill(keep_place=True)
            return
        for g, ((title, lines, item, total), (_u, old, _j, _m)) in enumerate(zip(groups, shown, strict=True)):
            group = self.tree.topLevelItem(g)
            group.setText(0, f"{title} ({total})")
            group.addChildren([item(line) for line in lines[len(old) :]])
        self._measure()
        self._size_columns()

    def _look_for_retention(self, today: dt.date | None) -> None:
        self._retention_asked += 1
        asked = self._retention_asked
        # Bound methods: Qt drops the delivery when this view is gone before the job ends.
        run_in_background(lambda: (asked, retention.due(today)), self._retention_found, self._retention_failed)

    def _retention_found(self, result: tuple[int, list[retention.Due]]) -> None:
        asked, found = result
        if asked == self._retention_asked:  # not overtaken by a newer refresh
            self.retention = found
            self._fill(keep_place=True)

    def _retention_failed(self, _exc: Exception) -> None:
        """Logged by the job; the group keeps its "…" and the next refresh tries again."""

    def retranslate_ui(self) -> None:
        self._fill()

    def _fill(self, keep_place: bool = False) -> None:
        """Show the board; ``keep_place``: the same line stays current and the list where it was scrolled."""
        if not store_db.is_open():
            return  # the window outlived the profile (closing down)
        current = self.selected() if keep_place else None
        scrolled = self.tree.verticalScrollBar().value()
        board = self.board
        self.title.setText(_("Today and the next 14 days"))
        self.tree.setAccessibleName(_("Today and the next 14 days"))
        self.tree.setHeaderLabels([_("When"), _("What"), _("Who"), _("Details")])
        if board is None:
            return
        self.summary.setText(
            _("{today}: {appointments}, {overdue} overdue, {due} due").format(
                today=i18n.fmt_date(board.today, "full"),
                appointments=i18n.ngettext("{n} appointment", "{n} appointments", board.appointments_total).format(
                    n=board.appointments_total
                ),
                overdue=board.overdue_total,
                due=board.due_total,
            )
        )
        self.tree.clear()
        due = self.retention
        groups = [
            *self._groups(board),
            (
                i18n.ngettext(
                    "Kept longer than {months} month", "Kept longer than {months} months", retention.period_months()
                ).format(months=retention.period_months()),
                (due or [])[: dashboard.LIMIT],
                self._retention_item,
                len(due) if due is not None else "…",
            ),
        ]
        for title, lines, item, total in groups:
            group = QTreeWidgetItem([f"{title} ({total})"])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.tree.addTopLevelItem(group)
            group.setFirstColumnSpanned(True)  # only once in the tree: before, it is silently ignored
            group.addChildren([item(line) for line in lines])
            group.setExpanded(True)
        self._measure()
        self._size_columns()
        if current is not None and self._select(current):
            self.tree.verticalScrollBar().setValue(scrolled)
            return
        first = self.tree.topLevelItem(0)
        if first is not None and first.childCount():
            self.tree.setCurrentItem(first.child(0))

    def _select(self, wanted: tuple[str, str]) -> bool:
        """Make the line of ``wanted`` (kind, id) current, if it is there."""
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            for i in range(group.childCount()):
                item = group.child(i)
                if tuple(item.data(0, Qt.ItemDataRole.UserRole) or ()) == wanted:
                    self.tree.setCurrentItem(item)
                    return True
        return False

    def _groups(self, board: dashboard.Dashboard) -> list[_Group]:
        """The board's groups, in the order shown (what is due for erasure comes last, apart)."""
        return [
            (_("Appointments"), board.appointments, self._appointment_item, board.appointments_total),
            (_("Overdue"), board.overdue, lambda t: self._task_item(t, overdue=True), board.overdue_total),
            (_("Due"), board.due, lambda t: self._task_item(t, overdue=False), board.due_total),
            (
                _("Residence documents running out"),
                board.expiring or [],
                lambda d: self._document_item(*d),
                board.expiring_total if board.expiring is not None else "…",
            ),
            (
                _("Consents and powers of attorney running out"),
                board.consents or [],
                self._consent_item,
                self._consents_count(board),
            ),
        ]

    @staticmethod
    def _consents_count(board: dashboard.Dashboard) -> str | int:
        """The consents group's count: exact up to the lines it shows, "more than …" beyond."""
        if board.consents is None:
            return "…"
        if board.consents_more:
            return _("more than {n}").format(n=len(board.consents))
        return len(board.consents)

    def _measure(self) -> None:
        """The widths the lines want (once per fill, not on every resize): When by its dates – the group
        titles span the whole row and do not count – What and Who by their text."""
        header = self.tree.header()
        metrics = self.tree.fontMetrics()
        dates = [
            metrics.horizontalAdvance(group.child(i).text(0))
            for group in (self.tree.topLevelItem(g) for g in range(self.tree.topLevelItemCount()))
            for i in range(group.childCount())
        ]
        when = max([header.sectionSizeHint(0), *dates]) + 2 * self.tree.indentation() + 12
        self._wanted = [when] + [
            max(self.tree.sizeHintForColumn(column), header.sectionSizeHint(column)) + 12 for column in (1, 2)
        ]

    def _size_columns(self) -> None:
        """When fits its dates; What and Who fit theirs, up to 40 % and 33 % of the rest; Details takes what
        is left."""
        if not self._wanted:
            return
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, self._wanted[0])
        rest = max(self.tree.viewport().width() - self._wanted[0], 400)
        for column, share in ((1, 0.40), (2, 0.33)):
            self.tree.setColumnWidth(column, min(self._wanted[column], int(rest * share)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._size_columns()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._size_columns()  # the viewport has its real width only now

    def _appointment_item(self, a) -> QTreeWidgetItem:
        when = i18n.fmt_list_datetime(a.starts_at)
        details = a.purpose
        if a.interpreter_needed:
            details = ", ".join(p for p in (details, _("interpreter needed")) if p)
        who = a.person_name + (f" · {a.volunteer_name}" if a.volunteer_name else " · " + _("nobody accompanies yet"))
        item = QTreeWidgetItem([when, a.office, who, details])
        for column in range(4):
            item.setToolTip(column, item.text(column))
        item.setData(0, Qt.ItemDataRole.UserRole, ("appointment", a.id))
        return item

    def _task_item(self, t: tasks.TaskRow, overdue: bool) -> QTreeWidgetItem:
        kind = _("deadline") if t.kind == "deadline" else _("task")
        title = tasks.title(t)
        # A title that names its kind already (typed so, or from older demo data) does not get it twice.
        what = title if title.casefold().endswith(f"({kind})".casefold()) else f"{title} ({kind})"
        details = " · ".join(p for p in (cases.case_type_label(t.case_type) if t.case_type else "", t.basis) if p)
        item = QTreeWidgetItem([i18n.fmt_list_date(t.due_date), what, t.person_name, details])
        for column in range(4):
            item.setToolTip(column, item.text(column))
        item.setData(0, Qt.ItemDataRole.UserRole, ("task", t.id))
        if overdue:
            for column in range(4):
                item.setForeground(column, QBrush(OVERDUE))
        return item

    def _document_item(
        self, person_id: str, name: str, printed: dt.date, effective: dt.date, kind: str
    ) -> QTreeWidgetItem:
        details = _("printed until {printed}, valid until {effective}").format(
            printed=i18n.fmt_list_date(printed), effective=i18n.fmt_list_date(effective)
        )
        item = QTreeWidgetItem([i18n.fmt_list_date(effective), residence.kind_label(kind), name, details])
        item.setData(0, Qt.ItemDataRole.UserRole, ("person", person_id))
        return item

    def _retention_item(self, due: retention.Due) -> QTreeWidgetItem:
        item = QTreeWidgetItem([since_text(due), kind_text(due.kind), due.label, _("to review for erasure")])
        item.setData(0, Qt.ItemDataRole.UserRole, ("retention", due.record_id))
        return item

    def _consent_item(self, alert: consents.Alert) -> QTreeWidgetItem:
        what = consents.kind_label(alert.kind)
        if alert.offices:
            what = f"{what} ({consents.offices_text(alert.offices)})"
        if alert.state == consents.EXPIRED:
            details = _("expired on {date}").format(date=i18n.fmt_list_date(alert.valid_until))
        else:
            details = _("valid until {date}").format(date=i18n.fmt_list_date(alert.valid_until))
        item = QTreeWidgetItem([i18n.fmt_list_date(alert.valid_until), what, alert.name, details])
        for column in range(4):
            item.setToolTip(column, item.text(column))
        item.setData(0, Qt.ItemDataRole.UserRole, ("person", alert.person_id))
        if alert.state == consents.EXPIRED:
            for column in range(4):
                item.setForeground(column, QBrush(OVERDUE))
        return item

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if not data:
            return
        kind, record_id = data
        if kind == "retention":
            self.review_retention.emit()
            return
        {"appointment": self.open_appointment, "task": self.open_task, "person": self.open_person}[kind].emit(record_id)

    def selected(self) -> tuple[str, str] | None:
        item = self.tree.currentItem()
        data = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        return tuple(data) if data else None  # type: ignore[return-value]

    def focus_list(self) -> None:
        self.tree.setFocus(Qt.FocusReason.ShortcutFocusReason)
