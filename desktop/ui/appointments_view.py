"""The Appointments area: upcoming or past appointments, loaded lazily; claiming and double bookings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QWidget

from desktop import i18n
from desktop.core import appointments
from desktop.core.appointments import AppointmentRow
from desktop.core.store import db as store_db
from desktop.core.store.models import Appointment, Volunteer
from desktop.i18n import N_, _
from desktop.ui.appointment_editor import AppointmentEditor
from desktop.ui.lazy_model import Column, LazyTableModel
from desktop.ui.list_area import AreaTexts, ListArea, shortcut_text

#: The main window's shortcut for a new appointment (named in the New button's tooltip).
NEW_APPOINTMENT_SHORTCUT = "Ctrl+Shift+A"
WARNING_STYLE = "color: #6b4400; background-color: #fff4d6; border: 1px solid #e2b340; padding: 4px;"

#: Filter keys and their labels (translated where shown); "upcoming" starts at today's midnight.
FILTERS: dict[str, str] = {"upcoming": N_("Upcoming"), "past": N_("Past")}

APPOINTMENT_COLUMNS: list[Column[AppointmentRow]] = [
    Column(N_("Date and time"), lambda r: i18n.fmt_list_datetime(r.starts_at), align_right=True),
    Column(N_("Office"), lambda r: r.office),
    Column(N_("Person"), lambda r: r.person_name),
    Column(N_("Accompanied by"), lambda r: r.volunteer_name),
    Column(N_("Interpreter"), lambda r: _("yes") if r.interpreter_needed else "—"),
    Column(N_("Purpose"), lambda r: r.purpose),
]


def _cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Where upcoming begins: today's midnight, as in appointments.page_appointments."""
    return (now or dt.datetime.now()).replace(hour=0, minute=0, second=0, microsecond=0)


def appointment_key(row: AppointmentRow) -> tuple[str, str]:
    """The keyset paging key, in the database's text form of the time."""
    return (row.starts_at.isoformat(sep=" "), row.id)


def appointment_row(appointment_id: str) -> AppointmentRow | None:
    """One appointment as the list shows it (None when it is gone)."""
    a = Appointment.get_or_none(Appointment.id == appointment_id)
    if a is None or a.deleted:
        return None
    volunteer = Volunteer.get_or_none(Volunteer.id == a.volunteer_id) if a.volunteer_id else None
    return AppointmentRow(
        a.id,
        a.starts_at,
        a.office,
        appointments.person_label(a.person_id),
        volunteer.name if volunteer else "",
        bool(a.interpreter_needed),
        a.case_id,
        a.purpose,
    )


class AppointmentTableModel(LazyTableModel[AppointmentRow]):
    """Upcoming appointments in time order, or past ones newest first; the filter is applied in SQL."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            APPOINTMENT_COLUMNS,
            lambda after, limit: appointments.page_appointments(
                after, limit, upcoming=self.upcoming, people=self.people
            ),
            appointment_key,
            lambda: appointments.count_upcoming(people=self.people, past=not self.upcoming),
            parent,
        )
        self.upcoming = True

    def set_upcoming(self, upcoming: bool) -> None:
        """Choose upcoming or past appointments and load the list again."""
        self.upcoming = upcoming
        self._descending = not upcoming
        self.reload()


def appointments_model(parent: QWidget | None = None) -> AppointmentTableModel:
    return AppointmentTableModel(parent)


class AppointmentsView(ListArea):
    """List of appointments with New, Edit and "I'll accompany"; Enter or a double click opens one."""

    DELETE_KIND = "appointment"

    model: AppointmentTableModel
    FILTERS = FILTERS
    RESORT_EDITED = True

    def make_model(self) -> AppointmentTableModel:
        return appointments_model(self)

    def header_buttons(self) -> list[QWidget]:
        self.claim_button = QPushButton()
        self.claim_button.clicked.connect(self.claim_current)
        return [self.claim_button]

    def below_table(self) -> list[QWidget]:
        self.clash_label = QLabel()
        self.clash_label.setStyleSheet(WARNING_STYLE)
        self.clash_label.setWordWrap(True)
        self.clash_label.setVisible(False)
        return [self.clash_label]

    def texts(self) -> AreaTexts:
        return AreaTexts(
            _("Appointments"),
            _("New appointment"),
            _("Create a new appointment ({shortcut})").format(shortcut=shortcut_text(NEW_APPOINTMENT_SHORTCUT)),
            _("Open the selected appointment (Enter)"),
            _("Which appointments to show"),
        )

    def retranslate_ui(self) -> None:
        self.claim_button.setText(_("I'll accompany"))
        self.claim_button.setToolTip(_("Take on accompanying the selected appointment"))
        self.clash_label.setAccessibleName(_("Double bookings"))
        super().retranslate_ui()  # clash messages are in the UI language too

    def count_of(self, n: int) -> str:
        return i18n.ngettext("{n} appointment", "{n} appointments", n)

    # --- the list -------------------------------------------------------------------------------------
    def load(self) -> None:
        self.model.set_upcoming(self.current_filter() == "upcoming")

    def selected_appointment_id(self) -> str | None:
        return self.selected_id()

    def selection_changed(self) -> None:
        row = self.selected_row()
        self.edit_button.setEnabled(row is not None)
        if not store_db.is_open():
            return  # the view outlived the profile (closing down)
        me = store_db.current().volunteer_id
        appointment = Appointment.get_or_none(Appointment.id == row.id) if row else None
        self.claim_button.setEnabled(appointment is not None and me is not None and appointment.volunteer_id != me)
        self._show_clashes(appointment)

    def _show_clashes(self, appointment: Appointment | None) -> None:
        found = appointments.clashes(appointment.id) if appointment is not None else []
        self.clash_label.setText("\n".join(f"⚠ {c.message}" for c in found))
        self.clash_label.setVisible(bool(found))

    # --- opening and saving ---------------------------------------------------------------------------
    def open_record(self, appointment_id: str) -> None:
        self.run_editor(AppointmentEditor(Appointment.get_by_id(appointment_id), parent=self), appointment_id)

    open_appointment = open_record

    def new_appointment(self, person_id: str | None = None, case_id: str | None = None) -> None:
        editor = AppointmentEditor(None, person_id=person_id, case_id=case_id, parent=self)
        self.run_new(editor, lambda: editor.appointment)

    new_record = new_appointment

    def saved_row(self, appointment_id: str) -> AppointmentRow | None:
        return appointment_row(appointment_id)

    def show_filter_for(self, row: AppointmentRow) -> None:
        upcoming = row.starts_at >= _cutoff()
        if upcoming != self.model.upcoming:
            self.set_filter("upcoming" if upcoming else "past", quietly=True)

    # --- claiming -------------------------------------------------------------------------------------
    def claim_current(self) -> None:
        """The volunteer at this laptop takes on the selected appointment (asking first if it is taken)."""
        appointment_id = self.selected_appointment_id()
        me = store_db.current().volunteer_id
        if not appointment_id or not me:
            return
        appointment = Appointment.get_by_id(appointment_id)
        if appointment.volunteer_id == me:
            return
        if appointment.volunteer_id:
            other = Volunteer.get_or_none(Volunteer.id == appointment.volunteer_id)
            answer = QMessageBox.question(
                self,
                _("Already accompanied"),
                _("{volunteer} already accompanies this appointment. Do you want to take it over?").format(
                    volunteer=other.name if other else "?"
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        appointments.claim(appointment_id, me)
        self.show_saved(appointment_id, new=False)
        self.changed.emit()
