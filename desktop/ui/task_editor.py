"""The task editor: what is to be done, task or deadline, by when, by whom, done or not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desktop import i18n
from desktop.core import appointments, cases, tasks
from desktop.core.errors import ValidationError
from desktop.core.store import db as store_db
from desktop.core.store.models import Case, Task, Volunteer
from desktop.i18n import N_, _
from desktop.ui.appointment_editor import case_text
from desktop.ui.case_editor import PersonPicker, person_chooser
from desktop.ui.common import date_check
from desktop.ui.editor import EditorDialog

#: Task kinds and their labels, translated where shown.
KIND_LABELS: dict[str, str] = {"task": N_("Task"), "deadline": N_("Deadline")}


class TaskEditor(EditorDialog):
    """Create or edit a task; a task from a case's timeline shows its step's title, which cannot be typed over."""

    def __init__(
        self,
        task: Task | None = None,
        *,
        case_id: str | None = None,
        person_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.task = task
        self.case_id = task.case_id if task else case_id
        case = Case.get_or_none(Case.id == self.case_id) if self.case_id else None
        if task is not None:
            self.person_id = task.person_id
        else:
            self.person_id = person_id or (case.person_id if case else None)
        self.step_key = task.step_key if task else ""
        # Looked up once: retranslate_ui reads no database (it may run while another profile opens).
        self._case = case
        self._person_name = appointments.person_label(self.person_id)
        self._me = store_db.current().volunteer_id
        self.setMinimumWidth(520)

        self.case_label = QLabel()
        self.case_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.person_label, self.person_button, person_row = person_chooser(self._choose_person)
        self.person_button.setEnabled(self.case_id is None)
        self.step_label = QLabel()
        self.step_label.setWordWrap(True)
        self.step_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title = QLineEdit()
        self.kind = QComboBox()
        for key in KIND_LABELS:
            self.kind.addItem("", key)
        self.due = QLineEdit()
        self.done_check = QCheckBox()
        self.volunteer = QComboBox()
        self.volunteer.addItem("", None)  # "nobody", set in retranslate_ui
        self._volunteer_names: dict[str, str] = {}
        for v in Volunteer.select().where(~Volunteer.deleted).order_by(Volunteer.name):
            self.volunteer.addItem(v.name, v.id)
            self._volunteer_names[v.id] = v.name
        self.basis = QLabel()
        self.basis.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(110)

        self.form.add(N_("Case"), self.case_label)
        self.form.add(N_("Person"), person_row)
        self.form.add(N_("Timeline step"), self.step_label)
        self.form.add(N_("Title"), self.title)
        self.checks.add("title", self.title, self._title_problem, self.form)
        self.form.add(N_("Kind"), self.kind)
        self.form.add(N_("Due on"), self.due)
        self.checks.add("due_date", self.due, date_check(self.due), self.form)
        self.form.add(N_("Done"), self.done_check)
        self.form.add(N_("Volunteer"), self.volunteer)
        self.form.add(N_("Legal basis"), self.basis)
        self.form.add(N_("Notes"), self.notes)
        self.form.setRowVisible(self.case_label, self.case_id is not None)
        self.form.setRowVisible(self.step_label, bool(self.step_key))
        self.form.setRowVisible(self.title, not self.step_key)
        self.form.setRowVisible(self.basis, bool(task and task.basis))
        self._names: list[tuple[QWidget, str]] = [
            (self.person_button, N_("Choose the person")),
            (self.title, N_("Title")),
            (self.kind, N_("Kind")),
            (self.due, N_("Due on (DD.MM.YYYY)")),
            (self.done_check, N_("Done")),
            (self.volunteer, N_("Volunteer")),
            (self.notes, N_("Notes")),
        ]
        self.finish()

    def first_field(self) -> QWidget:
        """The first field that needs input: the person only while nobody is chosen (rather than "Choose…"),
        then the title (a timeline step has its own), else the due date."""
        if self.person_id is None and self.case_id is None:
            return self.person_button
        return self.due if self.step_key else self.title

    def snapshot(self) -> dict[str, object]:
        return {
            "title": self.title.text().strip(),
            "kind": self.kind.currentData(),
            "due_date": self.due.text().strip(),
            "done": self.done_check.isChecked(),
            "case": self.case_id,
            "person": self.person_id,
            "volunteer": self.volunteer.currentData(),
            "notes": self.notes.toPlainText().strip(),
        }

    def retranslate_texts(self) -> None:
        self.setWindowTitle(_("Edit task") if self.task else _("New task"))
        for widget, title in self._names:
            widget.setAccessibleName(_(title))
        self.person_button.setText(_("Choose…"))
        for i in range(self.kind.count()):
            self.kind.setItemText(i, _(KIND_LABELS[self.kind.itemData(i)]))
        self.due.setPlaceholderText(_("DD.MM.YYYY"))
        self.done_check.setText(_("This is done"))
        self.volunteer.setItemText(0, _("nobody yet"))
        mine = self.volunteer.findData(self._me) if self._me else -1
        if mine > 0:
            self.volunteer.setItemText(mine, _("{name} (you)").format(name=self._volunteer_names[self._me]))
        self.title.setPlaceholderText(_("What is to be done?"))
        self.step_label.setText(self._step_title())
        self._show_context()

    def _step_title(self) -> str:
        """The timeline step's title in the UI language (the typed title if the step is unknown)."""
        if not self.step_key:
            return ""
        case_type = self._case.case_type if self._case else ""
        for step in cases.case_type(case_type).get("timeline", []):
            if step["key"] == self.step_key:
                return cases.label(step)
        return self.task.title if self.task else self.step_key

    def _show_context(self) -> None:
        self.case_label.setText(case_text(self._case) if self._case else "")
        self.person_label.setText(self._person_name or _("(nobody chosen yet)"))

    def _choose_person(self) -> None:
        picker = PersonPicker(self)
        if picker.exec() and picker.chosen_id():
            self.person_id = picker.chosen_id()
            self._person_name = appointments.person_label(self.person_id)
            self._show_context()

    def load(self) -> None:
        t = self.task
        if t is None:
            me = store_db.current().volunteer_id
            self.volunteer.setCurrentIndex(max(0, self.volunteer.findData(me)) if me else 0)
            return
        self.title.setText(t.title)
        self.kind.setCurrentIndex(max(0, self.kind.findData(t.kind)))
        self.due.setText(i18n.fmt_date_german(t.due_date))
        self.done_check.setChecked(bool(t.done))
        self.volunteer.setCurrentIndex(max(0, self.volunteer.findData(t.volunteer_id)))
        self.basis.setText(t.basis)
        self.notes.setPlainText(t.notes)

    def _title_problem(self) -> str:
        return "" if self.step_key or self.title.text().strip() else _("Enter what is to be done.")

    def write(self) -> None:
        due = i18n.parse_date(self.due.text())
        done = self.done_check.isChecked()
        values: dict[str, Any] = {
            "title": self.title.text().strip(),
            "kind": self.kind.currentData(),
            "due_date": due,
            "done": done,
            "case": self.case_id,
            "person": self.person_id,
            "volunteer": self.volunteer.currentData(),
            "notes": self.notes.toPlainText().strip(),
        }
        if self.task is None:
            if done:
                values["done_on"] = dt.date.today()
            self.task = tasks.create_task(values)
            return
        changed = self.changed_keys()  # only what the user changed here
        update = {k: v for k, v in values.items() if k in changed}
        if "done" in update:
            update["done_on"] = dt.date.today() if done else None
        if update:
            tasks.update_task(self.task.id, update)
        self.task = Task.get_by_id(self.task.id)

    def refusal(self, exc: ValidationError) -> Callable[[], str]:
        # The core's only refusal is an empty title (tasks.create_task): said again in a new language.
        field, message = exc.field or "", str(exc)
        return lambda: _("Enter what is to be done.") if field == "title" else message
