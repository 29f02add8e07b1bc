"""The Tasks area: open, overdue, done or all tasks and deadlines, loaded lazily; ticking them off."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton, QWidget

from desktop import i18n
from desktop.core import appointments, cases, tasks
from desktop.core.store.models import Case, Task, Volunteer
from desktop.core.tasks import TaskRow
from desktop.i18n import N_, _
from desktop.ui.lazy_model import Column, LazyTableModel
from desktop.ui.list_area import AreaTexts, ListArea, shortcut_text
from desktop.ui.task_editor import KIND_LABELS, TaskEditor

#: The main window's shortcut for a new task (named in the New button's tooltip).
NEW_TASK_SHORTCUT = "Ctrl+Shift+T"
#: Keys that tick the selected task off (or open it again).
DONE_SHORTCUTS = ("Space", "Ctrl+Return", "Ctrl+Enter")
OVERDUE = QColor("#b00020")
DONE = QColor("#6b6b6b")

#: Filter keys (tasks.FILTERS) and their labels, translated where shown.
FILTER_LABELS: dict[str, str] = {"open": N_("Open"), "overdue": N_("Overdue"), "done": N_("Done"), "all": N_("All")}

TASK_COLUMNS: list[Column[TaskRow]] = [
    Column(N_("Due"), lambda r: i18n.fmt_list_date(r.due_date), align_right=True),
    Column(N_("Task"), tasks.title),
    Column(N_("Kind"), lambda r: _(KIND_LABELS.get(r.kind, r.kind)) if r.kind else ""),
    Column(N_("Case type"), lambda r: cases.case_type_label(r.case_type) if r.case_type else ""),
    Column(N_("Person"), lambda r: r.person_name),
    Column(N_("Volunteer"), lambda r: r.volunteer_name),
    Column(N_("Legal basis"), lambda r: r.basis),
]


def is_overdue(row: TaskRow, today: dt.date | None = None) -> bool:
    return not row.done and row.due_date is not None and row.due_date < (today or dt.date.today())


def matches(status: str, row: TaskRow, today: dt.date | None = None) -> bool:
    """Whether a task belongs in the list filtered by ``status`` (as tasks.page_tasks filters it)."""
    if status == "open":
        return not row.done
    if status == "overdue":
        return is_overdue(row, today)
    if status == "done":
        return row.done
    return True


def task_row(task_id: str) -> TaskRow | None:
    """One task as the list shows it (None when it is gone)."""
    t = Task.get_or_none(Task.id == task_id)
    if t is None or t.deleted:
        return None
    case = Case.get_or_none(Case.id == t.case_id) if t.case_id else None
    volunteer = Volunteer.get_or_none(Volunteer.id == t.volunteer_id) if t.volunteer_id else None
    return TaskRow(
        t.id,
        t.due_date,
        t.title,
        t.step_key,
        t.kind,
        bool(t.done),
        t.case_id,
        case.case_type if case else "",
        appointments.person_label(t.person_id),
        volunteer.name if volunteer else "",
        t.basis,
    )


class TaskTableModel(LazyTableModel[TaskRow]):
    """Tasks by due date, filtered in SQL; overdue ones in red, done ones grey and struck through."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            TASK_COLUMNS,
            lambda after, limit: tasks.page_tasks(after, limit, status=self.status, people=self.people),
            tasks.sort_key,
            lambda: tasks.count_tasks(self.status, people=self.people),
            parent,
        )
        self.status = "open"

    def set_status(self, status: str) -> None:
        """Show open, overdue, done or all tasks and load the list again."""
        self.status = status
        self.reload()

    def recount(self) -> None:
        self.total = tasks.count_tasks(self.status, people=self.people)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.done:
                return QBrush(DONE)
            return QBrush(OVERDUE) if is_overdue(row) else None
        if role == Qt.ItemDataRole.FontRole and row.done:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            if row.done:
                return _("Done")
            if is_overdue(row):
                return _("Overdue since {date}").format(date=i18n.fmt_list_date(row.due_date))
            return None
        return super().data(index, role)


def tasks_model(parent: QWidget | None = None) -> TaskTableModel:
    return TaskTableModel(parent)


class TasksView(ListArea):
    """List of tasks and deadlines with a filter, New, Edit and Done; Enter or a double click opens one."""

    DELETE_KIND = "task"

    model: TaskTableModel
    FILTERS: ClassVar[dict[str, str]] = {key: FILTER_LABELS[key] for key in tasks.FILTERS}
    RESORT_EDITED = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Space only while the list has the focus (on a button it presses the button); Ctrl+Return anywhere here.
        self.done_shortcuts: list[QShortcut] = []
        for keys in DONE_SHORTCUTS:
            owner = self.table if keys == "Space" else self
            shortcut = QShortcut(QKeySequence(keys), owner)
            shortcut.setContext(
                Qt.ShortcutContext.WidgetShortcut if keys == "Space" else Qt.ShortcutContext.WidgetWithChildrenShortcut
            )
            shortcut.activated.connect(self.toggle_done)
            self.done_shortcuts.append(shortcut)

    def make_model(self) -> TaskTableModel:
        return tasks_model(self)

    def header_buttons(self) -> list[QWidget]:
        self.done_button = QPushButton()
        self.done_button.clicked.connect(self.toggle_done)
        return [self.done_button]

    def texts(self) -> AreaTexts:
        return AreaTexts(
            _("Tasks and deadlines"),
            _("New task"),
            _("Create a new task or deadline ({shortcut})").format(shortcut=shortcut_text(NEW_TASK_SHORTCUT)),
            _("Open the selected task (Enter)"),
            _("Which tasks to show"),
        )

    def retranslate_ui(self) -> None:
        self.done_button.setToolTip(_("Tick the selected task off, or open it again (Space, Ctrl+Return)"))
        super().retranslate_ui()

    def count_of(self, n: int) -> str:
        return i18n.ngettext("{n} task", "{n} tasks", n)

    # --- the list -------------------------------------------------------------------------------------
    def load(self) -> None:
        self.model.set_status(self.current_filter())

    def selected_task_id(self) -> str | None:
        return self.selected_id()

    def selection_changed(self) -> None:
        row = self.selected_row()
        self.edit_button.setEnabled(row is not None)
        self.done_button.setEnabled(row is not None)
        self.done_button.setText(_("Open again") if row is not None and row.done else _("Done"))

    # --- ticking off ----------------------------------------------------------------------------------
    def toggle_done(self) -> None:
        """Tick the selected task off (or open a done one again); it stays where it is, selected."""
        index = self.table.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is None:
            return
        tasks.set_done(row.id, not row.done)
        self.model.replace_row(index.row(), dataclasses.replace(row, done=not row.done))
        self.edited_in_place()
        self.changed.emit()

    def edited_in_place(self) -> None:
        self.model.recount()  # ticked off or opened again: the open and done counts change
        self.update_count()
        self.selection_changed()

    # --- opening and saving ---------------------------------------------------------------------------
    def open_record(self, task_id: str) -> None:
        self.run_editor(TaskEditor(Task.get_by_id(task_id), parent=self), task_id)

    open_task = open_record

    def new_task(self, case_id: str | None = None, person_id: str | None = None) -> None:
        editor = TaskEditor(None, case_id=case_id, person_id=person_id, parent=self)
        self.run_new(editor, lambda: editor.task)

    new_record = new_task

    def saved_row(self, task_id: str) -> TaskRow | None:
        return task_row(task_id)

    def show_filter_for(self, row: TaskRow) -> None:
        if not matches(self.current_filter(), row):
            self.set_filter("done" if row.done else "open", quietly=True)
