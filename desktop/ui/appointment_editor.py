"""The appointment editor: when, where, for whom, who accompanies, interpreter, purpose and outcome."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from desktop import i18n
from desktop.core import appointments, cases, consents
from desktop.core.store import db as store_db
from desktop.core.store.models import Appointment, Case, Volunteer
from desktop.i18n import N_, _
from desktop.ui.case_editor import PersonPicker, person_chooser
from desktop.ui.common import date_check
from desktop.ui.consents_ui import ConsentNotice
from desktop.ui.editor import EditorDialog

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_time(text: str) -> dt.time | None:
    """A time typed by a user: 9:15, 09:15 or 09.15. None when empty; ValueError when invalid."""
    if not text.strip():
        return None
    match = _TIME.match(text)
    if not match:
        raise ValueError(text)
    return dt.time(int(match.group(1)), int(match.group(2)))


def _office_text(entry: dict[str, Any]) -> str:
    """How an office of the directory is shown and stored: its name, with the city unless the name has it."""
    name = entry.get("name") or entry.get("key") or ""
    if isinstance(name, dict):  # a name given per language
        name = cases.label(name)
    city = str(entry.get("city") or "")
    name = str(name)
    return f"{name}, {city}" if city and city not in name else name


def _office_address(entry: dict[str, Any]) -> str:
    """The street address of an office of the directory with postcode and city; empty when unknown."""
    street = str(entry.get("address") or entry.get("street") or "")
    if not street:
        return ""
    city = str(entry.get("city") or "")
    town = " ".join(p for p in (str(entry.get("postcode") or ""), city) if p)
    return street if not town or (city and city in street) else f"{street}, {town}"


def case_text(case: Case) -> str:
    """A case as one line: reference and type."""
    return _case_line(case.reference, case.case_type)


def _case_line(reference: str, case_type: str) -> str:
    return " · ".join(p for p in (reference, cases.case_type_label(case_type)) if p)


class AppointmentEditor(EditorDialog):
    """Create or edit an appointment for a person and, if it is for one, one of their open cases (it then
    shows in the case's timeline and its checklist prints the case's documents); after saving, double
    bookings are shown as a warning."""

    core_validate = staticmethod(appointments.validate)

    def __init__(
        self,
        appointment: Appointment | None = None,
        *,
        person_id: str | None = None,
        case_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.appointment = appointment
        case_id = appointment.case_id if appointment else case_id
        case = Case.get_or_none(Case.id == case_id) if case_id else None
        if appointment is not None:
            self.person_id = appointment.person_id or (case.person_id if case else None)
        else:
            self.person_id = (case.person_id if case else None) or person_id
        # Looked up when the person changes: retranslate_ui reads no database (it may run while another
        # profile opens).
        self._person_name = appointments.person_label(self.person_id)
        self._cases: list[tuple[str, str, str]] = []  # (id, reference, type) of the person's open cases
        self._me = store_db.current().volunteer_id
        self.setMinimumWidth(560)

        self.date = QLineEdit()
        self.time = QLineEdit()
        self.time.setMaxLength(5)
        when_row = QHBoxLayout()
        when_row.addWidget(self.date, 2)
        when_row.addWidget(self.time, 1)
        self.duration = QSpinBox()
        self.duration.setRange(5, 600)
        self.duration.setSingleStep(5)
        self.duration.setValue(60)
        self.office = QComboBox()
        self.office.setEditable(True)
        self.office.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.address = QLineEdit()
        self.case = QComboBox()  # "no case", then the person's open cases
        self.person_label, self.person_button, person_row = person_chooser(self._choose_person)
        self.volunteer = QComboBox()
        self.interpreter = QCheckBox()
        self.purpose = QLineEdit()
        self.outcome = QPlainTextEdit()
        self.outcome.setTabChangesFocus(True)
        self.outcome.setMaximumHeight(110)

        self.form.add(N_("Person"), person_row)
        self.form.add(N_("Case"), self.case)
        self.form.add(N_("Date and time"), when_row)
        missing = N_("Enter the date and time of the appointment.")
        self.checks.add("date", self.date, date_check(self.date, required=missing), self.form)
        self.checks.add("time", self.time, self._time_problem, self.form)
        self.form.add(N_("Duration"), self.duration)
        self.form.add(N_("Office"), self.office)
        self.form.add(N_("Address"), self.address)
        self.form.add(N_("Accompanied by"), self.volunteer)
        self.form.add(N_("Interpreter"), self.interpreter)
        self.form.add(N_("Purpose"), self.purpose)
        self.form.add(N_("Outcome"), self.outcome)
        # Without the person's consent, or a Vollmacht for the office: said under the form, never blocking.
        self.consent_notice = ConsentNotice()
        self.form.addRow(self.consent_notice)
        # Labels of rows that hold a layout have no buddy; these give the inputs their names.
        self._names: list[tuple[QWidget, str]] = [
            (self.date, N_("Date (DD.MM.YYYY)")),
            (self.time, N_("Time (HH:MM)")),
            (self.duration, N_("Duration in minutes")),
            (self.office, N_("Office")),
            (self.address, N_("Address")),
            (self.person_button, N_("Choose the person")),
            (self.case, N_("Case")),
            (self.volunteer, N_("Accompanied by")),
            (self.interpreter, N_("Interpreter needed")),
            (self.purpose, N_("Purpose")),
            (self.outcome, N_("Outcome")),
        ]
        # Tab goes down the form as it is shown (the case combo box was made after the fields below it).
        chain = [self.person_button, self.case, self.date, self.time, self.duration, self.office, self.address]
        chain += [self.volunteer, self.interpreter, self.purpose, self.outcome]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self._fill_offices()
        self._fill_volunteers()
        self._fill_cases(case_id)
        self.office.activated.connect(self._office_chosen)
        self.case.activated.connect(lambda _index: self._case_chosen())
        self.office.currentIndexChanged.connect(lambda _index: self.check_consents())
        self.office.editTextChanged.connect(lambda _text: self.check_consents())
        self.case.currentIndexChanged.connect(lambda _index: self.check_consents())
        self.date.editingFinished.connect(self.check_consents)
        self._opened_from_case = appointment is None and case_id is not None
        self.finish()
        self.check_consents()

    def check_consents(self) -> None:
        """Say which consent the person lacks for this appointment (the office's Vollmacht included)."""
        if not store_db.is_open():
            return
        day = self._day()
        self.consent_notice.show_warnings(
            consents.appointment_warnings(self.person_id, self._office_key(), self.case_id, day)
        )

    def _day(self) -> dt.date | None:
        """The appointment's day as typed so far (None: today)."""
        try:
            return i18n.parse_date(self.date.text())
        except ValueError:
            return None

    def first_field(self) -> QWidget:
        """The first field that needs input: the person only while nobody is chosen (rather than "Choose…")."""
        return self.person_button if self.person_id is None else self.date

    @property
    def case_id(self) -> str | None:
        """The case chosen (None: an appointment for the person only)."""
        return self.case.currentData()

    # --- choices --------------------------------------------------------------------------------------
    def _fill_offices(self) -> None:
        """The office directory; empty while resources/offices.json is missing (free text still works)."""
        self._offices = [o for o in appointments.offices() if isinstance(o, dict)]
        for entry in self._offices:
            self.office.addItem(_office_text(entry), entry.get("key", ""))
        self.office.setCurrentIndex(-1)
        completer = self.office.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def _fill_volunteers(self) -> None:
        self.volunteer.addItem("", None)  # "nobody", set in retranslate_ui
        self._volunteer_names: dict[str, str] = {}
        for v in Volunteer.select().where(~Volunteer.deleted).order_by(Volunteer.name):
            self.volunteer.addItem(v.name, v.id)
            self._volunteer_names[v.id] = v.name

    def _fill_cases(self, chosen: str | None) -> None:
        """The person's open cases (and ``chosen``, e.g. the closed case an appointment already has)."""
        found = appointments.cases_for(self.person_id, keep=chosen)
        self._cases = [(c.id, c.reference, c.case_type) for c in found]
        self.case.clear()
        self.case.addItem("", None)  # "no case", set in retranslate_ui
        for case_id, reference, case_type in self._cases:
            self.case.addItem(_case_line(reference, case_type), case_id)
        self.case.setCurrentIndex(max(0, self.case.findData(chosen)) if chosen else 0)
        self.case.setEnabled(bool(self._cases))

    def _case_chosen(self) -> None:
        """A case chosen: its office becomes the place while none is entered yet."""
        if not self.case_id or self.office.currentText().strip():
            return
        entry = appointments.office_for_case(self.case_id)
        index = self.office.findData(entry.get("key")) if entry else -1
        if index >= 0:
            self.office.setCurrentIndex(index)
            self._office_chosen(index)

    def _office_chosen(self, index: int) -> None:
        if 0 <= index < len(self._offices):
            address = _office_address(self._offices[index])
            if address:
                self.address.setText(address)

    def _office_key(self) -> str:
        """The directory key when the office text is exactly one of the directory's entries."""
        index = self.office.findText(self.office.currentText().strip(), Qt.MatchFlag.MatchFixedString)
        return str(self.office.itemData(index) or "") if index >= 0 else ""

    # --- GuardedEditor --------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, object]:
        return {
            "starts_at": (self.date.text().strip(), self.time.text().strip()),
            "duration_min": self.duration.value(),
            "office": self.office.currentText().strip(),
            "office_key": self._office_key(),
            "address": self.address.text().strip(),
            "case": self.case_id,
            "person": self.person_id,
            "volunteer": self.volunteer.currentData(),
            "interpreter_needed": self.interpreter.isChecked(),
            "purpose": self.purpose.text().strip(),
            "outcome": self.outcome.toPlainText().strip(),
        }

    # --- texts ----------------------------------------------------------------------------------------
    def retranslate_texts(self) -> None:
        self.setWindowTitle(_("Edit appointment") if self.appointment else _("New appointment"))
        for widget, title in self._names:
            widget.setAccessibleName(_(title))
        self.date.setPlaceholderText(_("DD.MM.YYYY"))
        self.time.setPlaceholderText(_("HH:MM"))
        self.duration.setSuffix(" " + _("min"))
        self.office.lineEdit().setPlaceholderText(_("Choose from the list or type the office"))
        self.person_button.setText(_("Choose…"))
        self.case.setItemText(0, _("no case") if self._cases or not self.person_id else _("no open case"))
        for index, (_id, reference, case_type) in enumerate(self._cases, start=1):
            self.case.setItemText(index, _case_line(reference, case_type))
        self.volunteer.setItemText(0, _("nobody yet"))
        mine = self.volunteer.findData(self._me) if self._me else -1
        if mine > 0:
            self.volunteer.setItemText(mine, _("{name} (you)").format(name=self._volunteer_names[self._me]))
        self.interpreter.setText(_("An interpreter is needed"))
        self.purpose.setPlaceholderText(_("e.g. hand in the application, collect the residence permit"))
        self._show_context()

    def _show_context(self) -> None:
        self.person_label.setText(self._person_name or _("(nobody chosen yet)"))

    def _choose_person(self) -> None:
        picker = PersonPicker(self)
        if picker.exec() and picker.chosen_id():
            self.set_person(picker.chosen_id())

    def set_person(self, person_id: str) -> None:
        """Another person: their open cases to choose from (the case stays when it is theirs)."""
        self.person_id = person_id
        self._person_name = appointments.person_label(person_id)
        self._fill_cases(self.case_id)
        self.retranslate_ui()
        self.check_consents()

    # --- loading and saving ---------------------------------------------------------------------------
    def load(self) -> None:
        a = self.appointment
        if a is None:
            if self._opened_from_case:
                self._case_chosen()  # opened from a case: its office, where the directory knows it
            return
        self.date.setText(i18n.fmt_date_german(a.starts_at.date()))
        self.time.setText(a.starts_at.strftime("%H:%M"))
        self.duration.setValue(a.duration_min or 60)
        index = self.office.findData(a.office_key) if a.office_key else -1
        if index >= 0 and self.office.itemText(index) == a.office:
            self.office.setCurrentIndex(index)
        else:
            self.office.setCurrentIndex(-1)
            self.office.setEditText(a.office)
        self.address.setText(a.address)
        self.volunteer.setCurrentIndex(max(0, self.volunteer.findData(a.volunteer_id)))
        self.interpreter.setChecked(bool(a.interpreter_needed))
        self.purpose.setText(a.purpose)
        self.outcome.setPlainText(a.outcome)

    def _time_problem(self) -> str:
        try:
            time = parse_time(self.time.text())
        except ValueError:
            return _("This is not a valid time (HH:MM).")
        return _("Enter the date and time of the appointment.") if time is None else ""

    def write(self) -> None:
        day, time = i18n.parse_date(self.date.text()), parse_time(self.time.text())
        values: dict[str, Any] = {
            "starts_at": dt.datetime.combine(day, time),  # both checked by FieldChecks before
            "duration_min": self.duration.value(),
            "office": self.office.currentText().strip(),
            "office_key": self._office_key(),
            "address": self.address.text().strip(),
            "case": self.case_id,
            "person": self.person_id,
            "volunteer": self.volunteer.currentData(),
            "interpreter_needed": self.interpreter.isChecked(),
            "purpose": self.purpose.text().strip(),
            "outcome": self.outcome.toPlainText().strip(),
        }
        self.written = values
        if self.appointment is None:
            self.appointment = appointments.create_appointment(values)
            return
        changed = self.changed_keys()  # only what the user changed here
        appointments.update_appointment(self.appointment.id, {k: v for k, v in values.items() if k in changed})
        self.appointment = Appointment.get_by_id(self.appointment.id)

    def after_save(self) -> None:
        self.warn_about_clashes()

    def warn_about_clashes(self) -> None:
        """Say so when the saved appointment is double booked; the appointment is saved all the same."""
        if self.appointment is None:
            return
        found = appointments.clashes(self.appointment.id)
        if found:
            QMessageBox.warning(self, _("Double booking"), "\n".join(c.message for c in found))
