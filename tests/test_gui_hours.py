"""Tools › Volunteer hours: recording accompanied appointments, entries by hand, the certificate, Preferences."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.core import appointments, people
from desktop.core.network import hours, initiative
from desktop.core.store import db as store_db
from desktop.core.store.models import VolunteerHours
from desktop.ui import hours_ui
from desktop.ui.hours_ui import HoursDialog, HoursEditor, RecordAppointmentsDialog
from tests.test_hours import CANARY, LETTERHEAD, _times, every_font_embedded, pdf_text


@pytest.fixture
def past(store: store_db.Store) -> list[str]:
    """Two past appointments the profile's volunteer accompanied (90 and 60 minutes planned)."""
    person = people.create_person({"family_name_cyr": CANARY, "given_name_cyr": "Ольга"})
    made = []
    for days, minutes in ((20, 90), (6, 60)):
        when = dt.datetime.now().replace(second=0, microsecond=0) - dt.timedelta(days=days)
        made.append(
            appointments.create_appointment(
                {
                    "person": person.id,
                    "starts_at": when,
                    "office": "Jobcenter Leipzig",
                    "office_key": "leipzig_jobcenter",
                    "volunteer": store.volunteer_id,
                    "duration_min": minutes,
                }
            ).id
        )
    return made


def _answer(monkeypatch: pytest.MonkeyPatch, button: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def question(*args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(str(args[2]))
        return button

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def test_ticked_appointments_are_recorded_with_the_time_set(qtbot, store, past) -> None:
    dialog = RecordAppointmentsDialog(store.volunteer_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.tree.topLevelItemCount() == 2
    assert not dialog.buttons.accept_button.isEnabled()  # nothing ticked: nothing to record
    # The first (older) one: it took longer than planned, with travel time; the second stays unticked.
    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(0))
    dialog.tree.setFocus()
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Space)
    assert dialog.ticked() == [past[0]]
    dialog.minutes.setValue(120)
    dialog.travel.setValue(40)
    assert dialog.tree.topLevelItem(0).text(4) == "2:00" and dialog.tree.topLevelItem(0).text(5) == "0:40"
    qtbot.mouseClick(dialog.buttons.accept_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.recorded == [past[0]]
    recorded = VolunteerHours.get(VolunteerHours.appointment_ref == past[0])
    assert (recorded.minutes, recorded.travel_minutes, recorded.office) == (120, 40, "jobcenter")
    assert VolunteerHours.select().count() == 1
    assert [a.id for a in hours.unrecorded_appointments(store.volunteer_id)] == [past[1]]


def test_the_dialog_shows_sums_and_records_from_appointments(qtbot, store, past, monkeypatch) -> None:
    def record_all(self: RecordAppointmentsDialog) -> int:
        self._tick_all()
        self.record()
        return 1

    monkeypatch.setattr(RecordAppointmentsDialog, "exec", record_all)
    hours.add_hours({"volunteer": store.volunteer_id, "on": dt.date.today(), "minutes": 45, "activity": "forms"})
    dialog = HoursDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.volunteer_id() == store.volunteer_id  # the profile's own volunteer first
    assert dialog.entries.topLevelItemCount() == 1
    assert "2 accompanied appointments are not recorded yet" in dialog.total.text()
    qtbot.mouseClick(dialog.appointments_button, Qt.MouseButton.LeftButton)
    assert dialog.entries.topLevelItemCount() == 3
    shown = sum(
        int(dialog.sums.topLevelItem(i).text(4).split(":")[0]) * 60 + int(dialog.sums.topLevelItem(i).text(4)[-2:])
        for i in range(dialog.sums.topLevelItemCount())
    )
    assert shown == sum(r.minutes + r.travel_minutes for r in hours.hours_of(store.volunteer_id)) == 45 + 90 + 60
    assert dialog.message.text() == "The hours of 2 appointments were recorded."
    assert "not recorded yet" not in dialog.total.text()
    assert CANARY not in " ".join(
        dialog.entries.topLevelItem(i).text(c) for i in range(3) for c in range(len(dialog.ENTRY_COLUMNS))
    )


def test_hours_by_hand_in_the_editor(qtbot, store) -> None:
    editor = HoursEditor(volunteer_id=store.volunteer_id)
    qtbot.addWidget(editor)
    editor.show()
    editor.day.setText("31.02.2026")
    editor.save()
    assert editor.isVisible() and VolunteerHours.select().count() == 0
    editor.day.setText("14.05.2026")
    editor.activity.setCurrentIndex(editor.activity.findData("interpreting"))
    editor.minutes.setValue(0)
    editor.save()  # no time at all: refused by the core, said in the editor
    assert editor.isVisible() and editor.error.isVisible()
    editor.minutes.setValue(150)
    editor.travel.setValue(30)
    editor.notes.setPlainText("Elternabend in der Schule")
    editor.save()
    assert not editor.isVisible()
    made = VolunteerHours.get()
    assert (made.on, made.activity) == (dt.date(2026, 5, 14), "interpreting")
    assert (made.minutes, made.travel_minutes, made.notes) == (150, 30, "Elternabend in der Schule")
    again = HoursEditor(made)
    qtbot.addWidget(again)
    again.minutes.setValue(100)
    again.save()
    assert VolunteerHours.get_by_id(made.id).minutes == 100


def test_del_deletes_an_entry_after_asking(qtbot, store, monkeypatch) -> None:
    hours.add_hours({"volunteer": store.volunteer_id, "on": dt.date.today(), "minutes": 30, "activity": "training"})
    dialog = HoursDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.entries.setFocus()
    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    qtbot.keyClick(dialog.entries, Qt.Key.Key_Delete)
    assert asked and dialog.entries.topLevelItemCount() == 1
    _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    qtbot.keyClick(dialog.entries, Qt.Key.Key_Delete)
    assert dialog.entries.topLevelItemCount() == 0 and hours.hours_of(store.volunteer_id) == []


def test_the_certificate_is_saved_and_its_folder_remembered(qtbot, store, past, tmp_path, monkeypatch) -> None:
    for appointment_id in past:
        hours.record_from_appointment(appointment_id, travel_minutes=15)
    initiative.save(LETTERHEAD)
    folder = tmp_path / "papers"
    folder.mkdir()
    proposed: list[str] = []

    def choose(parent, title, suggested, filters):  # type: ignore[no-untyped-def]
        proposed.append(suggested)
        return str(folder / "nachweis")  # without .pdf: it is added

    opened: list[str] = []
    monkeypatch.setattr(hours_ui, "ask_save_file", choose)
    monkeypatch.setattr("desktop.ui.exchange_ui.open_url", lambda url: opened.append(url.toLocalFile()) or True)
    _answer(monkeypatch, QMessageBox.StandardButton.Open)
    dialog = HoursDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    year = dt.date.today().year
    dialog.start.setText(f"01.01.{year - 1}")
    dialog.reload()
    qtbot.mouseClick(dialog.certificate_button, Qt.MouseButton.LeftButton)
    out = folder / "nachweis.pdf"
    assert out.is_file() and opened == [str(out)]
    assert Path(proposed[0]).parent == Path.home() and Path(proposed[0]).name.startswith("Nachweis-Ehrenamt-Test")
    data = out.read_bytes()
    assert every_font_embedded(data)
    text = pdf_text(data)
    assert _times(text, "Summe") == ["2", "2:30", "0:30", "3:00"]
    assert CANARY not in text
    assert initiative.certificate_folder() == folder
    assert str(out) in dialog.message.text()
    dialog.certificate_button.click()
    assert Path(proposed[1]).parent == folder  # the folder is proposed again


def test_the_certificate_asks_for_the_initiative_first(qtbot, store, past, tmp_path, monkeypatch) -> None:
    hours.record_from_appointment(past[0])
    saved: list[str] = []
    monkeypatch.setattr(hours_ui, "ask_save_file", lambda *a: saved.append("asked") or str(tmp_path / "c.pdf"))
    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    dialog = HoursDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.certificate_button.click()
    assert asked and "letterhead" in asked[0]
    assert saved == [] and not (tmp_path / "c.pdf").exists()


def test_the_initiative_is_entered_in_preferences(qtbot, store) -> None:
    from desktop.ui.preferences import PreferencesDialog

    dialog = PreferencesDialog(focus_initiative=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.focusWidget() is dialog.initiative_name
    qtbot.keyClicks(dialog.initiative_name, "Ukraine-Hilfe Leipzig-Ost e.V.")
    dialog.initiative_address.setPlainText("Eisenbahnstraße 12\n04315 Leipzig")
    dialog.signer.setText("Maria Muster")
    dialog.signer_role.setText("Vorstand")
    qtbot.keyClick(dialog.initiative_name, Qt.Key.Key_Return)
    assert dialog.saved
    assert initiative.get() == LETTERHEAD
    again = PreferencesDialog()
    qtbot.addWidget(again)
    assert again.initiative_address.toPlainText() == LETTERHEAD.address and again.signer_role.text() == "Vorstand"


def test_the_tools_menu_opens_the_hours(qtbot, store, monkeypatch) -> None:
    from desktop.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    shown: list[str] = []
    monkeypatch.setattr(HoursDialog, "exec", lambda self: shown.append(self.windowTitle()) or 0)
    assert window.act_hours in window.menu_tools.actions()
    window.act_hours.trigger()
    assert shown == ["Volunteer hours"]
