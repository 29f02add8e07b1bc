"""Short projects: the list with the needs each serves, and the project editor (title, goal, status, dates,
town, volunteers, notes); a project started from a need takes its title from the need's category."""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core.network import labels, needs, projects
from desktop.core.store.models import Project, Volunteer
from desktop.i18n import N_, _
from desktop.ui.common import DialogButtons, Retranslatable, date_check, enter_activates, plain_label
from desktop.ui.editor import EditorDialog

PROJECT_COLUMNS = (N_("Project"), N_("Status"), N_("Town"), N_("Dates"), N_("Needs"), N_("Volunteers"))
NEED_COLUMNS = (N_("Kind"), N_("Category"), N_("Title"), N_("Place"), N_("Status"))


class ProjectEditor(EditorDialog):
    """Create or edit a short project; ``need_id``: a new project for this need (which it then serves)."""

    core_validate = staticmethod(projects.validate)

    def __init__(
        self, project: Project | None = None, *, need_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.need_id = need_id if project is None else None
        self.setMinimumWidth(560)
        self.title = QLineEdit()
        self.goal = QPlainTextEdit()
        self.goal.setTabChangesFocus(True)
        self.goal.setMaximumHeight(70)
        self.status = QComboBox()
        for key in labels.PROJECT_STATUS_LABELS:
            self.status.addItem("", key)
        self.starts_on = QLineEdit()
        self.ends_on = QLineEdit()
        dates_row = QHBoxLayout()
        dates_row.addWidget(self.starts_on, 1)
        dates_row.addWidget(QLabel("–"))
        dates_row.addWidget(self.ends_on, 1)
        self.town = QLineEdit()
        self.volunteers = QListWidget()
        self.volunteers.setMaximumHeight(100)
        for v in Volunteer.select().where(~Volunteer.deleted).order_by(Volunteer.name):
            item = QListWidgetItem(v.name)
            item.setData(Qt.ItemDataRole.UserRole, v.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.volunteers.addItem(item)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(70)

        self.form.add(N_("&Title"), self.title)
        self.checks.add("title", self.title, self._title_problem, self.form)
        self.form.add(N_("&Goal"), self.goal)
        self.form.add(N_("&Status"), self.status)
        dates_label = self.form.add(N_("&Dates"), dates_row)
        dates_label.setBuddy(self.starts_on)
        self.checks.add("starts_on", self.starts_on, date_check(self.starts_on), self.form)
        self.checks.add("ends_on", self.ends_on, self._end_problem, self.form)
        self.form.add(N_("T&own"), self.town)
        self.form.add(N_("&Volunteers"), self.volunteers)
        self.form.add(N_("&Notes"), self.notes)
        self._names: list[tuple[QWidget, str]] = [
            (self.title, N_("Title")),
            (self.goal, N_("Goal")),
            (self.status, N_("Status")),
            (self.starts_on, N_("Starts on (DD.MM.YYYY)")),
            (self.ends_on, N_("Ends on (DD.MM.YYYY)")),
            (self.town, N_("Town")),
            (self.volunteers, N_("Volunteers")),
            (self.notes, N_("Notes")),
        ]
        chain = [self.title, self.goal, self.status, self.starts_on, self.ends_on, self.town, self.volunteers]
        for first, second in itertools.pairwise([*chain, self.notes]):
            QWidget.setTabOrder(first, second)
        self.finish()

    def first_field(self) -> QWidget:
        return self.title

    def _title_problem(self) -> str:
        return "" if self.title.text().strip() else _("Give the project a title.")

    def _end_problem(self) -> str:
        problem = date_check(self.ends_on)()
        if problem:
            return problem
        try:
            start, end = i18n.parse_date(self.starts_on.text()), i18n.parse_date(self.ends_on.text())
        except ValueError:
            return ""
        return _("The end cannot lie before the start.") if start and end and end < start else ""

    def _chosen_volunteers(self) -> tuple[str, ...]:
        return tuple(
            self.volunteers.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.volunteers.count())
            if self.volunteers.item(i).checkState() == Qt.CheckState.Checked
        )

    def snapshot(self) -> dict[str, object]:
        return {
            "title": self.title.text().strip(),
            "goal": self.goal.toPlainText().strip(),
            "status": self.status.currentData(),
            "starts_on": self.starts_on.text().strip(),
            "ends_on": self.ends_on.text().strip(),
            "town": self.town.text().strip(),
            "volunteers": self._chosen_volunteers(),
            "notes": self.notes.toPlainText().strip(),
        }

    def retranslate_texts(self) -> None:
        self.setWindowTitle(_("Edit project") if self.project else _("New project"))
        for widget, title in self._names:
            widget.setAccessibleName(_(title))
        for i in range(self.status.count()):
            self.status.setItemText(i, projects.status_label(self.status.itemData(i)))
        self.title.setPlaceholderText(_("e.g. bicycle repair afternoon, German conversation group"))
        self.goal.setPlaceholderText(_("What the project is to achieve, and for whom"))
        self.starts_on.setPlaceholderText(_("from DD.MM.YYYY"))
        self.ends_on.setPlaceholderText(_("until DD.MM.YYYY"))

    def load(self) -> None:
        p = self.project
        if p is None:
            if self.need_id:
                need = needs.live(self.need_id)
                self.title.setText(projects.default_title(self.need_id))
                self.town.setText(need.town if need else "")
            return
        self.title.setText(p.title)
        self.goal.setPlainText(p.goal)
        self.status.setCurrentIndex(max(0, self.status.findData(p.status)))
        self.starts_on.setText(i18n.fmt_date_german(p.starts_on))
        self.ends_on.setText(i18n.fmt_date_german(p.ends_on))
        self.town.setText(p.town)
        chosen = set(projects.volunteer_ids(p.id))
        for i in range(self.volunteers.count()):
            item = self.volunteers.item(i)
            state = Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in chosen else Qt.CheckState.Unchecked
            item.setCheckState(state)
        self.notes.setPlainText(p.notes)

    def write(self) -> None:
        values: dict[str, Any] = {
            "title": self.title.text().strip(),
            "goal": self.goal.toPlainText().strip(),
            "status": self.status.currentData(),
            "starts_on": i18n.parse_date(self.starts_on.text()),
            "ends_on": i18n.parse_date(self.ends_on.text()),
            "town": self.town.text().strip(),
            "notes": self.notes.toPlainText().strip(),
        }
        self.written = values
        changed = self.changed_keys()
        if self.project is None:
            if self.need_id:
                self.project = projects.start_from_need(self.need_id, values)
            else:
                self.project = projects.create_project(values)
            projects.set_volunteers(self.project.id, self._chosen_volunteers())
            return
        update = {k: v for k, v in values.items() if k in changed}
        if update:
            projects.update_project(self.project.id, update)
        if "volunteers" in changed:
            projects.set_volunteers(self.project.id, self._chosen_volunteers())
        self.project = Project.get_by_id(self.project.id)


def _tree(columns: int) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setColumnCount(columns)
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAllColumnsShowFocus(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return tree


class ProjectsDialog(Retranslatable, QDialog):
    """The short projects (running and planned first) and, for the one selected, the needs it serves; New
    project, Edit (Enter or a double click) and taking a need off the project."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(820, 520)
        self.projects_label = plain_label(bold=True)
        self.list = enter_activates(_tree(len(PROJECT_COLUMNS)))
        self.projects_label.setBuddy(self.list)
        self.list.itemActivated.connect(lambda _i, _c: self.edit_current())
        self.list.currentItemChanged.connect(lambda _c, _p: self._show_needs())
        self.needs_label = plain_label(bold=True)
        self.needs = _tree(len(NEED_COLUMNS))
        self.needs_label.setBuddy(self.needs)
        self.needs.currentItemChanged.connect(lambda _c, _p: self._update_buttons())
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self.new_project)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit_current)
        self.detach_button = QPushButton()
        self.detach_button.clicked.connect(self.detach_current)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.new_button)
        buttons_row.addWidget(self.edit_button)
        buttons_row.addStretch(1)
        buttons_row.addWidget(self.detach_button)
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Close)
        self.buttons.dismiss_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.buttons.settle()
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.projects_label)
        layout.addWidget(self.list, 2)
        layout.addWidget(self.empty)
        layout.addLayout(buttons_row)
        layout.addWidget(self.needs_label)
        layout.addWidget(self.needs, 1)
        layout.addWidget(self.buttons)
        self.rows: list[projects.ProjectRow] = []
        self.need_rows: list[needs.NeedRow] = []
        self.load()
        self.retranslate_ui()
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- the lists ------------------------------------------------------------------------------------
    def load(self, select: str | None = None) -> None:
        self.rows = projects.projects()
        self.list.blockSignals(True)
        self.list.clear()
        for row in self.rows:
            item = QTreeWidgetItem([row.title, "", row.town, "", i18n.fmt_number(row.needs), ", ".join(row.volunteers)])
            item.setData(0, Qt.ItemDataRole.UserRole, row.id)
            self.list.addTopLevelItem(item)
        self.list.blockSignals(False)
        index = next((i for i, r in enumerate(self.rows) if r.id == select), 0)
        if self.rows:
            self.list.setCurrentItem(self.list.topLevelItem(index))
        self.empty.setVisible(not self.rows)
        self._texts_of_rows()
        self._show_needs()

    def selected_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def _show_needs(self) -> None:
        project_id = self.selected_id()
        self.need_rows = projects.needs_of(project_id) if project_id else []
        self.needs.clear()
        for row in self.need_rows:
            item = QTreeWidgetItem(["", "", row.title, row.place, ""])
            item.setData(0, Qt.ItemDataRole.UserRole, row.id)
            self.needs.addTopLevelItem(item)
        self._texts_of_needs()
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.selected_id() is not None)
        self.detach_button.setEnabled(self.needs.currentItem() is not None)

    # --- texts ----------------------------------------------------------------------------------------
    def _texts_of_rows(self) -> None:
        for i, row in enumerate(self.rows):
            item = self.list.topLevelItem(i)
            item.setText(1, projects.status_label(row.status))
            item.setText(3, needs.dates_text(row.starts_on, row.ends_on))
        for column in range(self.list.columnCount() - 1):
            self.list.resizeColumnToContents(column)

    def _texts_of_needs(self) -> None:
        for i, row in enumerate(self.need_rows):
            item = self.needs.topLevelItem(i)
            item.setText(0, needs.kind_label(row.kind))
            item.setText(1, needs.category_label(row.category))
            item.setText(4, needs.status_label(row.status))
        for column in range(self.needs.columnCount() - 1):
            self.needs.resizeColumnToContents(column)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Short projects"))
        self.projects_label.setText(_("&Projects"))
        self.needs_label.setText(_("Needs the project &serves"))
        self.list.setHeaderLabels([_(t) for t in PROJECT_COLUMNS])
        self.needs.setHeaderLabels([_(t) for t in NEED_COLUMNS])
        self.list.setAccessibleName(_("Projects"))
        self.needs.setAccessibleName(_("Needs the project serves"))
        self.empty.setText(
            _("No project yet. Start one from a need no offer meets (Start a project in Needs and offers), or here.")
        )
        self.new_button.setText(_("&New project…"))
        self.edit_button.setText(_("&Edit…"))
        self.detach_button.setText(_("&Take off the project"))
        self.detach_button.setToolTip(_("The selected need is no longer served by this project"))
        self._texts_of_rows()
        self._texts_of_needs()

    # --- actions --------------------------------------------------------------------------------------
    def new_project(self) -> None:
        editor = ProjectEditor(None, parent=self)
        if editor.exec() and editor.project is not None:
            self.load(editor.project.id)

    def edit_current(self) -> None:
        project_id = self.selected_id()
        if project_id is None:
            return
        editor = ProjectEditor(Project.get_by_id(project_id), parent=self)
        if editor.exec():
            self.load(project_id)

    def detach_current(self) -> None:
        item = self.needs.currentItem()
        if item is None:
            return
        projects.detach_need(item.data(0, Qt.ItemDataRole.UserRole))
        self.load(self.selected_id())
