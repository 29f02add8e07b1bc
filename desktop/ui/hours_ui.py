"""Tools › Volunteer hours: a volunteer's hours per month and activity, the entries with New/Edit/Delete,
recording the accompanied appointments not recorded yet, and the certificate of voluntary work (PDF)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QUrl
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core.errors import UserError, ValidationError, os_reason
from desktop.core.network import certificate, hours, initiative, labels
from desktop.core.store import db as store_db
from desktop.core.store.models import Project, Volunteer, VolunteerHours
from desktop.i18n import N_, _
from desktop.ui.common import (
    DialogButtons,
    Retranslatable,
    ask_save_file,
    date_check,
    enter_activates,
    error_label,
    focus_first,
    show_error,
)
from desktop.ui.editor import EditorDialog

ID_ROLE = Qt.ItemDataRole.UserRole


def hm(minutes: int) -> str:
    """Minutes as hours:minutes ("12:05"), as the certificate prints them."""
    return certificate.hm(minutes)


def _minutes_box(maximum: int = hours.MAX_MINUTES) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, maximum)
    box.setSingleStep(15)
    box.setAccelerated(True)
    box.setMinimumWidth(110)
    box.setMaximumWidth(160)
    return box


def _volunteers() -> list[tuple[str, str]]:
    return [(v.id, v.name) for v in Volunteer.select().where(~Volunteer.deleted).order_by(Volunteer.name, Volunteer.id)]


def _volunteer_combo(names: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    for volunteer_id, name in names:
        combo.addItem(name, volunteer_id)
    return combo


def _mark_me(combo: QComboBox, names: dict[str, str]) -> None:
    """The profile's own volunteer reads "Name (you)"."""
    me = hours.own_volunteer() if store_db.is_open() else None
    for i in range(combo.count()):
        volunteer_id = combo.itemData(i)
        name = names.get(volunteer_id, "")
        combo.setItemText(i, _("{name} (you)").format(name=name) if volunteer_id == me else name)


# --- one hours record -----------------------------------------------------------------------------------
class HoursEditor(EditorDialog):
    """Record or change the hours of one day: volunteer, day, activity, time, travel time, project, notes."""

    def __init__(
        self,
        record: VolunteerHours | None = None,
        *,
        volunteer_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.record = record
        self.setMinimumWidth(500)
        self._names = dict(_volunteers())
        self._start_volunteer = record.volunteer_id if record else (volunteer_id or hours.own_volunteer())
        self.volunteer = _volunteer_combo(list(self._names.items()))
        self.day = QLineEdit()
        self.activity = QComboBox()
        for key in VolunteerHours.ACTIVITIES:
            self.activity.addItem("", key)
        self.minutes = _minutes_box()
        self.travel = _minutes_box()
        self.project = QComboBox()
        self.project.addItem("", None)
        keep = record.project_id if record else None
        projects = Project.select().where(~Project.deleted | (Project.id == keep)).order_by(Project.title)
        for p in projects:
            self.project.addItem(p.title, p.id)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(90)
        self.source = QLabel()
        self.source.setWordWrap(True)

        self.form.add(N_("&Volunteer:"), self.volunteer)
        self.form.add(N_("D&ay:"), self.day)
        self.checks.add("on", self.day, date_check(self.day, required=N_("Enter the day (DD.MM.YYYY).")), self.form)
        self.form.add(N_("A&ctivity:"), self.activity)
        self.form.add(N_("&Time given:"), self.minutes)
        self.form.add(N_("T&ravel time:"), self.travel)
        self.form.add(N_("&Project:"), self.project)
        self.form.add(N_("&Notes:"), self.notes)
        self.form.addRow(self.source)
        self.source.setVisible(bool(record and record.appointment_ref))
        self.project.setVisible(self.project.count() > 1)
        self.form.setRowVisible(self.project, self.project.count() > 1)
        self.core_validate = hours.validate
        self.finish()

    def first_field(self) -> QWidget:
        return self.day if self.record is None else self.minutes

    def load(self) -> None:
        r = self.record
        if r is None:
            index = self.volunteer.findData(self._start_volunteer)
            self.volunteer.setCurrentIndex(max(0, index))
            self.day.setText(i18n.fmt_date_german(dt.date.today()))
            self.activity.setCurrentIndex(max(0, self.activity.findData("accompaniment")))
            return
        self.volunteer.setCurrentIndex(max(0, self.volunteer.findData(r.volunteer_id)))
        self.day.setText(i18n.fmt_date_german(r.on))
        self.activity.setCurrentIndex(max(0, self.activity.findData(r.activity)))
        self.minutes.setValue(r.minutes)
        self.travel.setValue(r.travel_minutes)
        self.project.setCurrentIndex(max(0, self.project.findData(r.project_id)))
        self.notes.setPlainText(r.notes)

    def snapshot(self) -> dict[str, object]:
        return {
            "volunteer": self.volunteer.currentData(),
            "on": self.day.text().strip(),
            "activity": self.activity.currentData(),
            "minutes": self.minutes.value(),
            "travel_minutes": self.travel.value(),
            "project": self.project.currentData(),
            "notes": self.notes.toPlainText().strip(),
        }

    def retranslate_texts(self) -> None:
        self.setWindowTitle(_("Edit hours") if self.record else _("New hours"))
        _mark_me(self.volunteer, self._names)
        for i in range(self.activity.count()):
            self.activity.setItemText(i, labels.label(labels.ACTIVITY_LABELS, self.activity.itemData(i)))
        suffix = " " + _("min")
        self.minutes.setSuffix(suffix)
        self.travel.setSuffix(suffix)
        self.minutes.setAccessibleName(_("Time given in minutes"))
        self.travel.setAccessibleName(_("Travel time in minutes"))
        self.day.setPlaceholderText(_("DD.MM.YYYY"))
        self.project.setItemText(0, _("no project"))
        self.notes.setAccessibleName(_("Notes"))
        self.notes.setPlaceholderText(_("What was done (no names of the people accompanied)"))
        self.source.setText(_("Recorded from an accompanied appointment."))

    def write(self) -> None:
        values = self.snapshot()
        values["on"] = i18n.parse_date(self.day.text())
        self.written = values
        if self.record is None:
            self.record = hours.add_hours(values)
            return
        changed = {k: v for k, v in values.items() if k in self.changed_keys()}
        if changed:
            hours.update_hours(self.record.id, changed)
        self.record = VolunteerHours.get_by_id(self.record.id)


# --- recording accompanied appointments ------------------------------------------------------------------
class RecordAppointmentsDialog(Retranslatable, QDialog):
    """The volunteer's past appointments whose hours are not recorded: tick them (Space), correct the time
    and add the travel time of the current one, then Record. Nothing is recorded without being ticked."""

    COLUMNS = (N_("To record"), N_("When"), N_("Office"), N_("Person"), N_("Time"), N_("Travel"))

    def __init__(self, volunteer_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(720, 420)
        self.volunteer_id = volunteer_id
        self.recorded: list[str] = []
        self.rows = hours.unrecorded_appointments(volunteer_id)
        #: Per appointment: [minutes, travel minutes], as the user set them.
        self.times: dict[str, list[int]] = {a.id: [a.duration_min, 0] for a in self.rows}
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnCount(len(self.COLUMNS))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        enter_activates(self.tree)
        for a in self.rows:
            item = QTreeWidgetItem(["", i18n.fmt_list_datetime(a.starts_at), a.office, a.person, "", ""])
            item.setData(0, ID_ROLE, a.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Unchecked)
            for column in (4, 5):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.tree.addTopLevelItem(item)
        self.tree.currentItemChanged.connect(lambda *_a: self._current_changed())
        self.tree.itemChanged.connect(lambda *_a: self._update_buttons())
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.minutes_label = QLabel()
        self.minutes = _minutes_box()
        self.minutes_label.setBuddy(self.minutes)
        self.travel_label = QLabel()
        self.travel = _minutes_box()
        self.travel_label.setBuddy(self.travel)
        self.minutes.valueChanged.connect(lambda v: self._set_time(0, v))
        self.travel.valueChanged.connect(lambda v: self._set_time(1, v))
        times = QHBoxLayout()
        times.addWidget(self.minutes_label)
        times.addWidget(self.minutes)
        times.addSpacing(16)
        times.addWidget(self.travel_label)
        times.addWidget(self.travel)
        times.addStretch(1)
        self.all_button = QPushButton()
        self.all_button.clicked.connect(self._tick_all)
        self.all_button.setAutoDefault(False)
        times.addWidget(self.all_button)
        self.error = error_label()
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Cancel, accept_text="")
        self.buttons.accepted.connect(self.record)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty)
        layout.addLayout(times)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.tree.setVisible(bool(self.rows))
        self.empty.setVisible(not self.rows)
        for widget in (self.minutes, self.travel, self.all_button):
            widget.setEnabled(bool(self.rows))
        self.retranslate_ui()
        if self.rows:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
            focus_first(self.tree)
        self._update_buttons()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Record accompanied appointments"))
        self.intro.setText(
            _(
                "Past appointments this volunteer accompanied whose hours are not recorded yet. Tick the ones to "
                "record (Space), correct the time if it took longer or shorter than planned, and add the travel "
                "time."
            )
        )
        self.empty.setText(_("There are no past accompanied appointments left to record."))
        self.tree.setHeaderLabels([_(c) for c in self.COLUMNS])
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tree.setAccessibleName(_("Appointments not recorded yet"))
        self.minutes_label.setText(_("&Time:"))
        self.travel_label.setText(_("T&ravel time:"))
        suffix = " " + _("min")
        self.minutes.setSuffix(suffix)
        self.travel.setSuffix(suffix)
        self.all_button.setText(_("Tick &all"))
        self.buttons.accept_button.setText(_("Re&cord"))
        self._fill_times()
        for column in (0, 1, 3, 4, 5):
            self.tree.resizeColumnToContents(column)

    def _fill_times(self) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            minutes, travel = self.times[item.data(0, ID_ROLE)]
            item.setText(4, hm(minutes))
            item.setText(5, hm(travel))

    def _current_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item else None

    def _current_changed(self) -> None:
        current = self._current_id()
        if current is None:
            return
        minutes, travel = self.times[current]
        for box, value in ((self.minutes, minutes), (self.travel, travel)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)

    def _set_time(self, which: int, value: int) -> None:
        current = self._current_id()
        if current is None:
            return
        self.times[current][which] = value
        item = self.tree.currentItem()
        item.setText(4 + which, hm(value))
        item.setCheckState(0, Qt.CheckState.Checked)  # a time set by hand means: record this one

    def _tick_all(self) -> None:
        for i in range(self.tree.topLevelItemCount()):
            self.tree.topLevelItem(i).setCheckState(0, Qt.CheckState.Checked)

    def ticked(self) -> list[str]:
        return [
            self.tree.topLevelItem(i).data(0, ID_ROLE)
            for i in range(self.tree.topLevelItemCount())
            if self.tree.topLevelItem(i).checkState(0) == Qt.CheckState.Checked
        ]

    def _update_buttons(self) -> None:
        self.buttons.accept_button.setEnabled(bool(self.ticked()))

    def record(self) -> None:
        chosen = self.ticked()
        if not chosen:
            return
        problems: list[str] = []
        for appointment_id in chosen:
            minutes, travel = self.times[appointment_id]
            try:
                hours.record_from_appointment(appointment_id, minutes=minutes, travel_minutes=travel)
            except UserError as exc:
                problems.append(str(exc))
            else:
                self.recorded.append(appointment_id)
        if problems:
            show_error(self.error, "\n".join(dict.fromkeys(problems)))
            return
        self.accept()


# --- the dialog ----------------------------------------------------------------------------------------
class _DeleteKey(QObject):
    """Del in the list of entries deletes the current one (after asking)."""

    def __init__(self, dialog: HoursDialog) -> None:
        super().__init__(dialog)
        self.dialog = dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        delete = QKeySequence.StandardKey.Delete
        if event.type() == QEvent.Type.KeyPress and event.matches(delete):  # type: ignore[attr-defined]
            self.dialog.delete()
            return True
        return False


class HoursDialog(Retranslatable, QDialog):
    """A volunteer's hours in a period: per month and activity with the sums, and the entries."""

    SUM_COLUMNS = (N_("Month / activity"), N_("Entries"), N_("Time"), N_("Travel"), N_("Total"))
    ENTRY_COLUMNS = (N_("Day"), N_("Activity"), N_("Time"), N_("Travel"), N_("Source"), N_("Notes"))

    def __init__(self, parent: QWidget | None = None, volunteer_id: str | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(860, 600)
        self._names = dict(_volunteers())
        today = dt.date.today()
        self.volunteer_label = QLabel()
        self.volunteer = _volunteer_combo(list(self._names.items()))
        self.volunteer_label.setBuddy(self.volunteer)
        start = volunteer_id or hours.own_volunteer()
        self.volunteer.setCurrentIndex(max(0, self.volunteer.findData(start)))
        self.from_label = QLabel()
        self.start = QLineEdit(i18n.fmt_date_german(dt.date(today.year, 1, 1)))
        self.from_label.setBuddy(self.start)
        self.to_label = QLabel()
        self.end = QLineEdit(i18n.fmt_date_german(dt.date(today.year, 12, 31)))
        self.to_label.setBuddy(self.end)
        for field in (self.start, self.end):
            field.setMaximumWidth(120)
            field.editingFinished.connect(self.reload)
        self.volunteer.currentIndexChanged.connect(lambda _i: self.reload())
        top = QHBoxLayout()
        top.addWidget(self.volunteer_label)
        top.addWidget(self.volunteer, 1)
        top.addSpacing(12)
        top.addWidget(self.from_label)
        top.addWidget(self.start)
        top.addWidget(self.to_label)
        top.addWidget(self.end)
        self.period_error = error_label()

        self.sums_box = QGroupBox()
        self.sums = QTreeWidget()
        self.sums.setColumnCount(len(self.SUM_COLUMNS))
        self.sums.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.total = QLabel()
        self.total.setWordWrap(True)
        sums_layout = QVBoxLayout(self.sums_box)
        sums_layout.addWidget(self.sums)
        sums_layout.addWidget(self.total)

        self.entries_box = QGroupBox()
        self.entries = QTreeWidget()
        self.entries.setRootIsDecorated(False)
        self.entries.setColumnCount(len(self.ENTRY_COLUMNS))
        self.entries.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        enter_activates(self.entries)
        self.entries.itemActivated.connect(lambda item, _c: self.edit(item.data(0, ID_ROLE)))
        self.entries.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.entries.installEventFilter(_DeleteKey(self))
        self.new_button = QPushButton()
        self.new_button.clicked.connect(lambda: self.edit(None))
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(lambda: self.edit(self.selected_id()))
        self.delete_button = QPushButton()
        self.delete_button.clicked.connect(self.delete)
        self.appointments_button = QPushButton()
        self.appointments_button.clicked.connect(self.record_appointments)
        entry_buttons = QHBoxLayout()
        entry_buttons.addWidget(self.appointments_button)
        entry_buttons.addStretch(1)
        for button in (self.new_button, self.edit_button, self.delete_button):
            entry_buttons.addWidget(button)
        for button in (self.appointments_button, self.new_button, self.edit_button, self.delete_button):
            button.setAutoDefault(False)  # Enter never presses one of them unseen (see DialogButtons)
        entries_layout = QVBoxLayout(self.entries_box)
        entries_layout.addWidget(self.entries)
        entries_layout.addLayout(entry_buttons)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.sums_box)
        splitter.addWidget(self.entries_box)
        splitter.setChildrenCollapsible(False)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.certificate_button = QPushButton()
        self.certificate_button.setAutoDefault(False)
        self.certificate_button.clicked.connect(self.save_certificate)
        # Escape or Close closes it; Enter does not (it applies a typed date, opens an entry).
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.certificate_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.buttons.settle()

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.period_error)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.months: list[hours.MonthActivity] = []
        self.records: list[VolunteerHours] = []
        self.open_count = 0
        self._message: Callable[[], str] | None = None
        self.retranslate_ui()
        focus_first(self.volunteer)

    # --- texts ------------------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Volunteer hours"))
        _mark_me(self.volunteer, self._names)
        self.volunteer_label.setText(_("&Volunteer:"))
        self.from_label.setText(_("&From:"))
        self.to_label.setText(_("&To:"))
        for field in (self.start, self.end):
            field.setPlaceholderText(_("DD.MM.YYYY"))
        self.start.setAccessibleName(_("From (DD.MM.YYYY)"))
        self.end.setAccessibleName(_("To (DD.MM.YYYY)"))
        self.sums_box.setTitle(_("Per month and activity"))
        self.sums.setHeaderLabels([_(c) for c in self.SUM_COLUMNS])
        self.sums.setAccessibleName(_("Hours per month and activity"))
        self.entries_box.setTitle(_("Entries"))
        self.entries.setHeaderLabels([_(c) for c in self.ENTRY_COLUMNS])
        self.entries.setAccessibleName(_("Hours entries"))
        self.new_button.setText(_("&New…"))
        self.edit_button.setText(_("&Edit…"))
        self.delete_button.setText(_("&Delete"))
        self.appointments_button.setText(_("Record &accompanied appointments…"))
        self.certificate_button.setText(_("&Certificate…"))
        self.certificate_button.setToolTip(
            _("The certificate of voluntary work for this period as a German PDF, on the initiative's letterhead")
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("C&lose"))
        self._show_message()
        self.reload()

    # --- data -------------------------------------------------------------------------------------------
    def volunteer_id(self) -> str | None:
        return self.volunteer.currentData()

    def period(self) -> tuple[dt.date, dt.date] | None:
        """The period typed, or None (with the problem shown) when a date is wrong."""
        try:
            start = i18n.parse_date(self.start.text())
            end = i18n.parse_date(self.end.text())
        except ValueError:
            show_error(self.period_error, _("This is not a valid date (DD.MM.YYYY)."))
            return None
        if start is None or end is None:
            show_error(self.period_error, _("Enter the first and the last day of the period."))
            return None
        if start > end:
            show_error(self.period_error, _("The period ends before it begins."))
            return None
        show_error(self.period_error, "")
        return start, end

    def reload(self) -> None:
        if not store_db.is_open():
            return
        current = self.selected_id()
        self.sums.clear()
        self.entries.clear()
        volunteer, period = self.volunteer_id(), self.period()
        if volunteer is None or period is None:
            self.months, self.records = [], []
            self.total.setText("")
            self._update_buttons()
            return
        self.months = hours.per_month(volunteer, *period)
        self.records = hours.hours_of(volunteer, *period)
        self.open_count = len(hours.unrecorded_appointments(volunteer))
        self._fill_sums()
        self._fill_entries(current)
        self._update_buttons()

    def _fill_sums(self) -> None:
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        months: dict[dt.date, QTreeWidgetItem] = {}
        totals: dict[dt.date, hours.Sum] = {}
        for row in self.months:
            parent = months.get(row.month)
            if parent is None:
                parent = QTreeWidgetItem([i18n.fmt_date(row.month, "LLLL yyyy")])
                months[row.month] = parent
                totals[row.month] = hours.Sum()
                self.sums.addTopLevelItem(parent)
            totals[row.month].add(row.minutes, row.travel_minutes, row.entries)
            child = QTreeWidgetItem(
                [
                    labels.label(labels.ACTIVITY_LABELS, row.activity),
                    i18n.fmt_number(row.entries),
                    hm(row.minutes),
                    hm(row.travel_minutes),
                    hm(row.total),
                ]
            )
            parent.addChild(child)
        everything = hours.Sum()
        for month, parent in months.items():
            s = totals[month]
            everything.add(s.minutes, s.travel_minutes, s.entries)
            for column, text in ((1, i18n.fmt_number(s.entries)), (2, hm(s.minutes)), (3, hm(s.travel_minutes))):
                parent.setText(column, text)
            parent.setText(4, hm(s.total))
            font = parent.font(0)
            font.setBold(True)
            for column in range(len(self.SUM_COLUMNS)):
                parent.setFont(column, font)
        for item in [*months.values(), *(p.child(i) for p in months.values() for i in range(p.childCount()))]:
            for column in range(1, len(self.SUM_COLUMNS)):
                item.setTextAlignment(column, right)
        self.sums.expandAll()
        self.sums.header().setStretchLastSection(False)
        self.sums.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(self.SUM_COLUMNS)):
            self.sums.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        if everything.entries:
            text = _("In all: {total} h, {entries} (activity {minutes} h, travel {travel} h).").format(
                total=hm(everything.total),
                entries=i18n.ngettext("{n} entry", "{n} entries", everything.entries).format(n=everything.entries),
                minutes=hm(everything.minutes),
                travel=hm(everything.travel_minutes),
            )
        else:
            text = _("No hours recorded in this period.")
        if self.open_count:
            text += " " + i18n.ngettext(
                "{n} accompanied appointment is not recorded yet.",
                "{n} accompanied appointments are not recorded yet.",
                self.open_count,
            ).format(n=self.open_count)
        self.total.setText(text)

    def _fill_entries(self, current: str | None) -> None:
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r in self.records:
            source = _("Appointment ({office})").format(office=self._office_text(r.office)) if r.appointment_ref else ""
            item = QTreeWidgetItem(
                [
                    i18n.fmt_list_date(r.on),
                    labels.label(labels.ACTIVITY_LABELS, r.activity),
                    hm(r.minutes),
                    hm(r.travel_minutes),
                    source,
                    " ".join(r.notes.split()),
                ]
            )
            item.setData(0, ID_ROLE, r.id)
            item.setTextAlignment(2, right)
            item.setTextAlignment(3, right)
            item.setToolTip(5, r.notes)
            self.entries.addTopLevelItem(item)
            if r.id == current:
                self.entries.setCurrentItem(item)
        for column in range(len(self.ENTRY_COLUMNS) - 1):
            self.entries.resizeColumnToContents(column)
        if self.entries.currentItem() is None and self.entries.topLevelItemCount():
            self.entries.setCurrentItem(self.entries.topLevelItem(0))

    @staticmethod
    def _office_text(key: str) -> str:
        from desktop.core import cases

        if not key or key == hours.OTHER_OFFICE:
            return _("other office")
        return cases.authority_label(key)

    def selected_id(self) -> str | None:
        item = self.entries.currentItem()
        return item.data(0, ID_ROLE) if item else None

    def _update_buttons(self) -> None:
        chosen = self.selected_id() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)
        has_volunteer = self.volunteer_id() is not None
        self.new_button.setEnabled(has_volunteer)
        self.appointments_button.setEnabled(has_volunteer)
        self.certificate_button.setEnabled(bool(self.records))

    def _say(self, text: Callable[[], str]) -> None:
        """A notice under the lists (a function, so it follows a language switch)."""
        self._message = text
        self._show_message()

    def _show_message(self) -> None:
        if self._message is None:
            self.message.setVisible(False)
            return
        self.message.setText(self._message())
        self.message.setVisible(True)

    # --- actions -----------------------------------------------------------------------------------------
    def edit(self, hours_id: str | None) -> None:
        record = VolunteerHours.get_or_none(VolunteerHours.id == hours_id) if hours_id else None
        if hours_id and (record is None or record.deleted):
            self.reload()
            return
        if record is None and self.volunteer_id() is None:
            return
        editor = HoursEditor(record, volunteer_id=self.volunteer_id(), parent=self)
        try:
            if editor.exec() and editor.record is not None:
                self.reload()
                self._select(editor.record.id)
        finally:
            editor.deleteLater()

    def _select(self, hours_id: str) -> None:
        for i in range(self.entries.topLevelItemCount()):
            item = self.entries.topLevelItem(i)
            if item.data(0, ID_ROLE) == hours_id:
                self.entries.setCurrentItem(item)
                self.entries.setFocus()

    def delete(self) -> None:
        hours_id = self.selected_id()
        if hours_id is None:
            return
        answer = QMessageBox.question(
            self,
            _("Delete hours"),
            _("Delete the selected hours entry? An appointment it was recorded from can then be recorded again."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            hours.delete_hours(hours_id)
        except UserError as exc:
            show_error(self.period_error, str(exc))
        self.reload()
        self.entries.setFocus()

    def record_appointments(self) -> None:
        volunteer = self.volunteer_id()
        if volunteer is None:
            return
        dialog = RecordAppointmentsDialog(volunteer, self)
        try:
            dialog.exec()
            if dialog.recorded:
                n = len(dialog.recorded)
                self._say(
                    lambda: i18n.ngettext(
                        "The hours of {n} appointment were recorded.", "The hours of {n} appointments were recorded.", n
                    ).format(n=n)
                )
        finally:
            dialog.deleteLater()
        self.reload()

    def save_certificate(self) -> None:
        volunteer, period = self.volunteer_id(), self.period()
        if volunteer is None or period is None:
            return
        if not initiative.get().name:
            if not self._ask_for_initiative():
                return
        name = self._names.get(volunteer, "")
        folder = initiative.certificate_folder()
        if folder is None or not folder.is_dir():
            folder = Path.home()
        start, end = period
        suggested = folder / f"Nachweis-Ehrenamt-{_file_part(name)}-{start:%Y-%m-%d}-{end:%Y-%m-%d}.pdf"
        chosen = ask_save_file(self, _("Save the certificate"), str(suggested), _("PDF documents (*.pdf)"))
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            certificate.write_certificate(volunteer, start, end, path)
        except (UserError, ValidationError) as exc:
            show_error(self.period_error, str(exc))
            return
        except OSError as exc:
            show_error(
                self.period_error,
                _("The file could not be written: {reason}").format(reason=os_reason(exc.errno, writing=True)),
            )
            return
        initiative.set_certificate_folder(path.parent)
        self._say(lambda: _("Certificate saved as {file}.").format(file=str(path)))
        opened = QMessageBox.question(
            self,
            _("Certificate saved"),
            _("The certificate was saved as {file}. Open it now?").format(file=path.name),
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close,
            QMessageBox.StandardButton.Open,
        )
        if opened == QMessageBox.StandardButton.Open:
            from desktop.ui.exchange_ui import open_url

            open_url(QUrl.fromLocalFile(str(path)))

    def _ask_for_initiative(self) -> bool:
        """Without the initiative's name there is no letterhead: say so and offer the preferences."""
        answer = QMessageBox.question(
            self,
            _("Certificate"),
            _(
                "The certificate is issued on the initiative's letterhead, and its name is not set yet. Enter the "
                "initiative's name and address in the preferences now?"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        from desktop.ui.preferences import PreferencesDialog

        dialog = PreferencesDialog(self, focus_initiative=True)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
        return bool(initiative.get().name)


def _file_part(name: str) -> str:
    """A volunteer's name as part of a file name (letters, digits and dashes)."""
    kept = "".join(c if c.isalnum() else "-" for c in name)
    return "-".join(p for p in kept.split("-") if p)[:60] or "Ehrenamt"
