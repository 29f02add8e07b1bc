"""The case editor and the person picker it uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
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
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core import cases
from desktop.core import tasks as task_service
from desktop.core.store import db as store_db
from desktop.core.store.models import Case, Person, Task, Volunteer
from desktop.i18n import N_, _
from desktop.ui.checklist_widget import ChecklistWidget
from desktop.ui.common import (
    Retranslatable,
    date_check,
    enter_activates,
    fit_columns,
    fit_tabs,
)
from desktop.ui.editor import EditorDialog
from desktop.ui.timeline_widget import TimelineWidget


def person_chooser(choose: Callable[[], None]) -> tuple[QLabel, QPushButton, QHBoxLayout]:
    """An editor's person row: the chosen person's name and a button that opens the chooser (``choose``)."""
    label = QLabel()
    button = QPushButton()
    button.clicked.connect(choose)
    row = QHBoxLayout()
    row.addWidget(label, 1)
    row.addWidget(button)
    return label, button, row


class PersonPicker(Retranslatable, QDialog):
    """Choose a person from the (lazily loaded) list, or search by any spelling, date of birth or number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from desktop.ui.search_widgets import PeopleSearchModel, SearchField

        self.setMinimumSize(760, 440)
        self.filter = SearchField()
        self.model = PeopleSearchModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setResizeContentsPrecision(50)  # fitted to the first rows, not all
        self.table.setTabKeyNavigation(False)
        enter_activates(self.table)
        self.table.activated.connect(lambda _i: self.accept())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        self.filter.textChanged.connect(self._reload)
        self._reload("")
        self.retranslate_ui()

    def _reload(self, text: str) -> None:
        self.model.set_query(text)
        if self.model.rowCount():
            self.table.selectRow(0)
        self._fit()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Choose a person"))
        self.table.setAccessibleName(_("People"))
        self.model.retranslate()
        self._fit()  # the headings changed: a longer one must not be cut

    def _fit(self) -> None:
        """Columns fitted to the names and headings; the dialog as wide as they need, within the screen."""
        fit_columns(self.table)
        if not self.table.isVisible():
            return
        header = self.table.horizontalHeader()
        last = header.count() - 1  # stretched to the edge: its own width is what it needs
        wanted = sum(header.sectionSize(c) for c in range(last))
        wanted += max(self.table.sizeHintForColumn(last), header.sectionSizeHint(last))
        wanted += self.table.verticalScrollBar().sizeHint().width() + 2 * self.table.frameWidth()
        margins = self.layout().contentsMargins()
        wanted += margins.left() + margins.right()
        screen = self.screen().availableGeometry().width() if self.screen() else wanted
        if self.width() < wanted:
            self.resize(min(wanted, int(screen * 0.95)), self.height())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit()

    def chosen_id(self) -> str | None:
        index = self.table.currentIndex()
        hit = self.model.row_at(index.row()) if index.isValid() else None
        return hit.row.id if hit else None


DATE_FIELDS = (
    ("opened_on", N_("Opened on")),
    ("letter_date", N_("Date of the authority's letter")),
    ("period_end", N_("End of the approval period")),
    ("move_in", N_("Moving-in day")),
    ("decision_on", N_("Decision received on")),
)


#: The case editor's narrowest width (wider when its tab titles need it).
MIN_WIDTH = 680


class CaseEditor(EditorDialog):
    """A case: details (type, authority, status, person, volunteers, dates) and, once saved, its
    checklist, deadlines and timeline in tabs. The tabs save at once: ``changed_inside`` tells that they
    changed something, even when the editor itself is then cancelled."""

    core_validate = staticmethod(cases.validate)

    def __init__(self, case: Case | None = None, person_id: str | None = None, parent: QWidget | None = None):
        super().__init__(parent, form_is_body=False)  # the form is the first of the tabs
        self.case = case
        self.person_id = case.person_id if case else person_id
        self.changed_inside = False
        self.setMinimumSize(MIN_WIDTH, 560)
        self.person_label, self.person_button, person_row = person_chooser(self._choose_person)
        self.case_type = QComboBox()
        self.authority = QComboBox()
        self.status = QComboBox()
        self.title = QLineEdit()
        self.lead = QComboBox()
        self.helpers = QListWidget()
        self.helpers.setMaximumHeight(90)
        self.dates = {key: QLineEdit() for key, _label in DATE_FIELDS}
        self.opened = self.dates["opened_on"]
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(90)
        self.form.add(N_("Person"), person_row)
        self.form.add(N_("Case type"), self.case_type)
        self.form.add(N_("Authority"), self.authority)
        self.form.add(N_("Status"), self.status)
        self.form.add(N_("Title"), self.title)
        self.form.add(N_("Lead volunteer"), self.lead)
        self.form.add(N_("Helpers"), self.helpers)
        for key, title in DATE_FIELDS:
            self.form.add(title, self.dates[key])
            self.checks.add(key, self.dates[key], date_check(self.dates[key]), self.form)
        self.form.add(N_("Notes"), self.notes)
        details = QWidget()
        details.setLayout(self.form)
        self.tabs = QTabWidget()
        self.tabs.addTab(details, "")
        self.checklist = ChecklistWidget(case.id) if case else None
        self.tasks = QTreeWidget() if case else None
        self.timeline = TimelineWidget(case_id=case.id) if case else None
        if case:
            self.tabs.addTab(self.checklist, "")
            self.tasks.setRootIsDecorated(False)
            self.tasks.setColumnCount(4)
            enter_activates(self.tasks)
            self.tasks.itemActivated.connect(self._open_task)  # Enter or a double click
            self.done_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Space), self.tasks)
            self.done_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            self.done_shortcut.activated.connect(self._toggle_task)
            self.tabs.addTab(self.tasks, "")
            self.tabs.addTab(self.timeline, "")
            self.checklist.changed.connect(self._inside_changed)
            self.timeline.changed.connect(self._inside_changed)
        self.forms_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.forms_button.setVisible(case is not None)
        self.forms_button.clicked.connect(self.open_forms)
        self.appointment_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.appointment_button.setVisible(case is not None)
        self.appointment_button.clicked.connect(self.new_appointment)
        self.case_type.currentIndexChanged.connect(self._type_changed)
        self._fill_choices()
        self.finish(self.tabs)

    def first_field(self) -> QWidget:
        """The first field that needs input (rather than the tab bar)."""
        return self.case_type if self.person_id else self.person_button

    def _inside_changed(self) -> None:
        self.changed_inside = True

    def snapshot(self) -> dict[str, object]:
        state: dict[str, object] = {
            "person": self.person_id,
            "case_type": self.case_type.currentData(),
            "authority": self.authority.currentData(),
            "status": self.status.currentData(),
            "title": self.title.text(),
            "lead_volunteer": self.lead.currentData(),
            "helpers": tuple(self._checked_helpers()),
            "notes": self.notes.toPlainText(),
        }
        state.update({key: edit.text() for key, edit in self.dates.items()})
        if self.timeline is not None:  # a note typed but not yet added is asked about too
            state["timeline_note"] = self.timeline.note.text().strip()
        return state

    def _checked_helpers(self) -> list[str]:
        return [
            self.helpers.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.helpers.count())
            if self.helpers.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _fill_choices(self) -> None:
        """(Re)fill the combo boxes with labels in the current language, keeping the selection."""
        volunteers = [(v.id, v.name) for v in Volunteer.select().where(~Volunteer.deleted).order_by(Volunteer.name)]
        for combo, items in (
            (self.case_type, [(t["key"], cases.case_type_label(t["key"])) for t in cases.case_types()]),
            (self.authority, [(a, cases.authority_label(a)) for a in cases.authorities()]),
            (self.status, [(s, cases.status_label(s)) for s in cases.STATUS_LABELS]),
            (self.lead, [(None, _("nobody yet")), *volunteers]),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for key, label in items:
                combo.addItem(label, key)
            if current is not None:
                combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)
        if self.helpers.count() == 0:
            for vid, name in volunteers:
                item = QListWidgetItem(name)
                item.setData(Qt.ItemDataRole.UserRole, vid)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.helpers.addItem(item)

    def open_forms(self) -> None:
        """Fill in a form, letter or checklist for this case."""
        from desktop.core.forms.binding import subject_for
        from desktop.ui.forms_dialog import open_forms

        if self.case is not None:
            open_forms(subject_for(case_id=self.case.id), self)

    def new_appointment(self) -> bool:
        """An appointment for this case (its person, and its office where the directory knows it); once
        saved it shows in the timeline, and its checklist (Ctrl+P) lists the case's documents."""
        from desktop.ui.appointment_editor import AppointmentEditor

        if self.case is None:
            return False
        editor = AppointmentEditor(case_id=self.case.id, parent=self)
        if not editor.exec():
            return False
        self.changed_inside = True
        if self.timeline is not None:
            self.timeline.reload()
        return True

    def retranslate_texts(self) -> None:
        self.forms_button.setText(_("&Forms and letters…"))
        self.appointment_button.setText(_("New &appointment…"))
        self.setWindowTitle(_("Case {reference}").format(reference=self.case.reference) if self.case else _("New case"))
        self.person_button.setText(_("Choose…"))
        for edit in self.dates.values():
            edit.setPlaceholderText(_("DD.MM.YYYY"))
        self.tabs.setTabText(0, _("Details"))
        if self.case:
            self.tabs.setTabText(1, _("Checklist"))
            self.tabs.setTabText(2, _("Deadlines and tasks"))
            self.tabs.setTabText(3, _("Timeline"))
            self.tasks.setAccessibleName(_("Deadlines and tasks"))
            self.tasks.setToolTip(_("Enter opens the selected task; Space ticks it off or opens it again."))
            self._fill_tasks()
        fit_tabs(self, self.tabs, MIN_WIDTH)
        self._fill_choices()
        self._show_person()

    def _fill_tasks(self, current_id: str | None = None) -> None:
        """The case's tasks; the line of ``current_id`` (else the current one) stays current."""
        if not store_db.is_open():
            return  # the window outlived the profile (closing down)
        if self.tasks is None or self.case is None:
            return
        if current_id is None:
            current_id = self._current_task()[0]
        self.tasks.setHeaderLabels([_("Due"), _("What"), _("Basis"), _("Done")])
        self.tasks.clear()
        for row in task_service.tasks_of(case_id=self.case.id):
            item = QTreeWidgetItem(
                [
                    i18n.fmt_date(row.due_date),
                    task_service.title(row),
                    row.basis,
                    _("yes") if row.done else "",
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, row.id)
            item.setData(3, Qt.ItemDataRole.UserRole, row.done)
            self.tasks.addTopLevelItem(item)
            if row.id == current_id:
                self.tasks.setCurrentItem(item)
        self.tasks.resizeColumnToContents(0)
        self.tasks.resizeColumnToContents(1)

    def _current_task(self) -> tuple[str | None, bool]:
        item = self.tasks.currentItem() if self.tasks is not None else None
        if item is None:
            return None, False
        return item.data(0, Qt.ItemDataRole.UserRole), bool(item.data(3, Qt.ItemDataRole.UserRole))

    def _open_task(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        """Open the task in the task editor; the list and the timeline show what was saved."""
        from desktop.ui.task_editor import TaskEditor

        task = Task.get_or_none(Task.id == item.data(0, Qt.ItemDataRole.UserRole))
        if task is not None and TaskEditor(task, parent=self).exec():
            self._task_changed(task.id)

    def _toggle_task(self) -> None:
        """Tick the current task off, or open it again (Space)."""
        task_id, done = self._current_task()
        if task_id is not None:
            task_service.set_done(task_id, not done)
            self._task_changed(task_id)

    def _task_changed(self, task_id: str) -> None:
        self.changed_inside = True
        self._fill_tasks(task_id)
        if self.timeline is not None:
            self.timeline.reload()

    def _show_person(self) -> None:
        person = Person.get_or_none(Person.id == self.person_id) if self.person_id else None
        self.person_label.setText(person.display_name() if person else _("(nobody chosen yet)"))

    def _choose_person(self) -> None:
        picker = PersonPicker(self)
        if picker.exec() and picker.chosen_id():
            self.person_id = picker.chosen_id()
            self._show_person()

    def _type_changed(self) -> None:
        if self.case is None:
            self.authority.setCurrentIndex(
                max(0, self.authority.findData(cases.default_authority(self.case_type.currentData())))
            )

    def load(self) -> None:
        if self.case is None:
            self.opened.setText(i18n.fmt_date_german(dt.date.today()))
            self.lead.setCurrentIndex(max(0, self.lead.findData(store_db.current().volunteer_id)))
            self._type_changed()
            return
        case = self.case
        self.case_type.setCurrentIndex(max(0, self.case_type.findData(case.case_type)))
        self.authority.setCurrentIndex(max(0, self.authority.findData(case.authority)))
        self.status.setCurrentIndex(max(0, self.status.findData(case.status)))
        self.lead.setCurrentIndex(max(0, self.lead.findData(case.lead_volunteer_id)))
        self.title.setText(case.title)
        for key, edit in self.dates.items():
            edit.setText(i18n.fmt_date_german(getattr(case, key)))
        helpers = set(cases.helpers(case.id))
        for i in range(self.helpers.count()):
            item = self.helpers.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in helpers
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.notes.setPlainText(case.notes)

    def write(self) -> None:
        values: dict[str, object] = {key: i18n.parse_date(self.dates[key].text()) for key, _title in DATE_FIELDS}
        values["opened_on"] = values["opened_on"] or dt.date.today()
        values.update(
            {
                "person": self.person_id,
                "case_type": self.case_type.currentData(),
                "authority": self.authority.currentData(),
                "status": self.status.currentData(),
                "title": self.title.text().strip(),
                "lead_volunteer": self.lead.currentData(),
                "notes": self.notes.toPlainText().strip(),
            }
        )
        self.written = values
        changed = self.changed_keys()
        if self.case is None:
            self.case = cases.create_case(values)
        else:
            # Only what the user changed here.
            cases.update_case(self.case.id, {k: v for k, v in values.items() if k in changed})
        if self.case is not None and "helpers" in changed:
            cases.set_helpers(self.case.id, self._checked_helpers())
