"""The Appointments area: upcoming or past appointments, loaded lazily; claiming and double bookings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core import appointments
from desktop.core.appointments import AppointmentRow
from desktop.core.store import db as store_db
from desktop.core.store.models import Appointment, Volunteer
from desktop.i18n import N_, _
from desktop.ui.appointment_editor import AppointmentEditor
from desktop.ui.common import (
    Retranslatable,
    area_title,
    filter_combo,
    fit_columns,
    header_row,
    list_table,
    retranslate_filter,
)
from desktop.ui.lazy_model import Column, LazyTableModel
from desktop.ui.search_widgets import PeopleFilter

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


class AppointmentsView(PeopleFilter, Retranslatable, QWidget):
    """List of appointments with New, Edit and "I'll accompany"; Enter or a double click opens one."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = appointments_model(self)
        self.table = list_table(self.model, self._open_index)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._selection_changed())
        self.title = area_title()
        self.filter_label, self.filter = filter_combo(FILTERS, self.refresh)
        self.count_label = QLabel()
        self.new_button = QPushButton()
        self.new_button.clicked.connect(lambda: self.new_appointment())
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit_current)
        self.claim_button = QPushButton()
        self.claim_button.clicked.connect(self.claim_current)
        self.clash_label = QLabel()
        self.clash_label.setStyleSheet(WARNING_STYLE)
        self.clash_label.setWordWrap(True)
        self.clash_label.setVisible(False)
        top = header_row(
            self.title,
            self.add_search_field(),
            self.filter_label,
            self.filter,
            self.count_label,
            self.new_button,
            self.edit_button,
            self.claim_button,
        )
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addWidget(self.clash_label)
        self.refresh()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText(_("Appointments"))
        retranslate_filter(self.filter_label, self.filter, FILTERS)
        self.filter.setAccessibleName(_("Which appointments to show"))
        shortcut = QKeySequence(NEW_APPOINTMENT_SHORTCUT).toString(QKeySequence.SequenceFormat.NativeText)
        self.new_button.setText(_("New appointment"))
        self.new_button.setToolTip(_("Create a new appointment ({shortcut})").format(shortcut=shortcut))
        self.edit_button.setText(_("Edit"))
        self.edit_button.setToolTip(_("Open the selected appointment (Enter)"))
        self.claim_button.setText(_("I'll accompany"))
        self.claim_button.setToolTip(_("Take on accompanying the selected appointment"))
        self.table.setAccessibleName(_("Appointments"))
        self.clash_label.setAccessibleName(_("Double bookings"))
        self._update_count()
        self.model.retranslate()  # list_table refits the columns to the new headings
        self._selection_changed()  # clash messages are in the UI language too

    # --- the list -------------------------------------------------------------------------------------
    def current_filter(self) -> str:
        return str(self.filter.currentData() or "upcoming")

    def set_filter(self, key: str) -> None:
        self.filter.setCurrentIndex(max(0, self.filter.findData(key)))

    def refresh(self) -> None:
        self.update_filter()
        self.model.set_upcoming(self.current_filter() == "upcoming")
        fit_columns(self.table)
        self._update_count()
        if self.model.rowCount():
            self.table.selectRow(0)
        self._selection_changed()

    def _update_count(self) -> None:
        n = self.model.total
        self.count_label.setText(
            self.count_text(i18n.ngettext("{n} appointment", "{n} appointments", n).format(n=i18n.fmt_number(n)))
        )

    def selected_row(self) -> AppointmentRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def selected_appointment_id(self) -> str | None:
        row = self.selected_row()
        return row.id if row else None

    def _selection_changed(self) -> None:
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
    def _open_index(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_appointment(row.id)

    def edit_current(self) -> None:
        appointment_id = self.selected_appointment_id()
        if appointment_id:
            self.open_appointment(appointment_id)

    def open_appointment(self, appointment_id: str) -> None:
        editor = AppointmentEditor(Appointment.get_by_id(appointment_id), parent=self)
        if editor.exec():
            self.show_saved(appointment_id, new=False)
            self.changed.emit()

    def new_appointment(self, person_id: str | None = None, case_id: str | None = None) -> None:
        editor = AppointmentEditor(None, person_id=person_id, case_id=case_id, parent=self)
        if editor.exec() and editor.appointment is not None:
            self.show_saved(editor.appointment.id, new=True)
            self.changed.emit()

    def show_saved(self, appointment_id: str, new: bool) -> None:
        """Keep the user's place: an edited row changes in place, a new or moved one is loaded and selected."""
        row = appointment_row(appointment_id)
        if row is None:
            return
        if not new:
            for i in range(self.model.rowCount()):
                old = self.model.row_at(i)
                if old is not None and old.id == appointment_id and appointment_key(old) == appointment_key(row):
                    self.model.replace_row(i, row)
                    self._selection_changed()
                    return
        upcoming = row.starts_at >= _cutoff()
        if upcoming != self.model.upcoming:
            self.filter.blockSignals(True)
            self.set_filter("upcoming" if upcoming else "past")
            self.filter.blockSignals(False)
        self.model.set_upcoming(upcoming)
        self._update_count()
        found = self.model.reveal(appointment_key(row), lambda r: r.id == appointment_id)
        if found is not None:
            self.table.selectRow(found)
            self.table.scrollTo(self.model.index(found, 0))
        self._selection_changed()

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

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
