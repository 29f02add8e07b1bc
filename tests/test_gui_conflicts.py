"""The conflict inbox, its badge and the Team view, as a user works them, on real conflicts between two profiles
(a bundle exported on one laptop and applied on the other, without the slow scrypt)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QPushButton

from desktop import i18n
from desktop.core import appointments, people
from desktop.core.store.models import Appointment, Person, Volunteer
from desktop.core.sync import conflicts, team
from desktop.ui.conflicts_ui import ConflictsDialog, NewValueDialog
from desktop.ui.qt_i18n import apply_language
from desktop.ui.team_ui import BEHIND, TeamDialog
from tests.laptops import Laptop


class Team:
    """Two laptops of one team: the office laptop (A, open) and Oksana's (B), which share one family."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.office = Laptop(folder / "office", "Büro-Laptop", "Anna Weber")
        self.oksana = Laptop(folder / "oksana", "Laptop Oksana", "Оксана Бондар")
        self.on_a()
        self.person = people.create_person(
            {
                "family_name_cyr": "Коваленко",
                "given_name_cyr": "Олена",
                "family_name": "Kovalenko",
                "given_name": "Olena",
                "city": "Chemnitz",
                "birth_date": dt.date(1985, 3, 12),
            }
        ).id
        self.appointment = appointments.create_appointment(
            {"person": self.person, "starts_at": dt.datetime(2026, 12, 10, 9, 30), "office": "Jobcenter Leipzig"}
        ).id
        # Oksana's laptop gets the family; the office laptop gets to know Oksana's laptop and volunteer.
        self.oksana.apply(self.office.export())
        self.office.apply(self.oksana.export())

    def on_a(self) -> None:
        self.office.use()

    def on_b(self) -> None:
        self.oksana.use()

    def dispute(self, edit_a: Callable[[], object], edit_b: Callable[[], object]) -> None:
        """Both laptops change the same field from the same value and exchange: a conflict on both."""
        self.on_b()
        edit_b()
        from_b = self.oksana.export()
        self.on_a()
        edit_a()
        from_a = self.office.export()
        self.office.apply(from_b)
        self.oksana.apply(from_a)
        self.on_a()

    def volunteer(self, name: str) -> str:
        return Volunteer.get(Volunteer.name == name).id


@pytest.fixture
def laptops(tmp_path: Path) -> Team:
    return Team(tmp_path)


def city_dispute(t: Team) -> None:
    t.dispute(
        lambda: people.update_person(t.person, {"city": "Dresden"}),
        lambda: people.update_person(t.person, {"city": "Leipzig"}),
    )


def _update_appointment(t: Team, **values: object) -> None:
    a = Appointment.get_by_id(t.appointment)
    current = {
        "person": a.person_id,
        "case": a.case_id,
        "starts_at": a.starts_at,
        "office": a.office,
        "duration_min": a.duration_min,
        "volunteer": a.volunteer_id,
    }
    appointments.update_appointment(t.appointment, {**current, **values})


def switch(language: str) -> None:
    apply_language(language)
    QApplication.processEvents()  # the language change reaches the widgets as a posted event


def _inbox(qtbot) -> ConflictsDialog:
    dialog = ConflictsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _card(dialog: ConflictsDialog, field: str):
    return next(c for c in dialog.cards.values() if c.conflict.field == field)


def _value_id(card, text: str) -> str:
    return next(cid for cid, label in card.value_labels.items() if label.text() == text)


@pytest.fixture
def window(qtbot, laptops: Team, monkeypatch: pytest.MonkeyPatch):
    """The main window of the office laptop; the inbox it opens shows without waiting (exec is modal)."""
    from desktop.ui.main_window import MainWindow

    opened: list[ConflictsDialog] = []

    def show(self: ConflictsDialog) -> int:
        opened.append(self)
        self.show()
        return 0

    monkeypatch.setattr(ConflictsDialog, "exec", show)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.opened = opened
    return win


# --- the badge and the inbox ------------------------------------------------------------------------------


def test_the_badge_counts_open_conflicts_and_is_hidden_at_none(qtbot, window, laptops: Team) -> None:
    assert not window.conflicts_badge.isVisible()
    city_dispute(laptops)
    window._data_changed()  # what an import elsewhere in the window does after applying a bundle
    assert window.conflicts_badge.isVisible()
    assert window.conflicts_badge.text() == "Conflicts: 1"
    assert window.conflicts_badge.isFlat()
    switch("de")
    assert window.conflicts_badge.text() == "Konflikte: 1"
    switch("en")


def test_keeping_the_other_value_resolves_and_the_decision_travels(qtbot, window, laptops: Team) -> None:
    city_dispute(laptops)
    window._data_changed()
    qtbot.mouseClick(window.conflicts_badge, Qt.MouseButton.LeftButton)  # the badge opens the inbox
    inbox = window.opened[-1]
    card = _card(inbox, "city")
    assert card.heading.text() == "Kovalenko, Olena · City"
    rows = {
        card.value_labels[v.change_id].text(): tuple(label.text() for label in card.detail_labels[v.change_id])
        for v in card.conflict.values
    }
    assert set(rows) == {"Dresden", "Leipzig"}
    assert rows["Dresden"][0] == "Anna Weber" and rows["Dresden"][2] == "this laptop"
    assert rows["Leipzig"][0] == "Оксана Бондар" and rows["Leipzig"][2] == "Laptop Oksana"
    for when in (rows["Dresden"][1], rows["Leipzig"][1]):
        assert dt.datetime.strptime(when, "%d/%m/%Y %H:%M").date() == dt.date.today()  # en_GB list format
    # Dresden was saved last: it is the value shown meanwhile, on both laptops.
    assert card.shown_marks[_value_id(card, "Dresden")].isVisibleTo(inbox)
    assert not card.shown_marks[_value_id(card, "Leipzig")].isVisibleTo(inbox)
    assert Person.get_by_id(laptops.person).city == "Dresden"

    qtbot.mouseClick(card.keep_buttons[_value_id(card, "Leipzig")], Qt.MouseButton.LeftButton)
    assert inbox.cards == {} and inbox.empty.isVisibleTo(inbox)
    assert "nothing to decide" in inbox.empty.text()
    assert not window.conflicts_badge.isVisible()
    assert Person.get_by_id(laptops.person).city == "Leipzig"
    assert conflicts.count() == 0
    inbox.close()
    window.close()

    decision = laptops.office.export()
    laptops.on_b()
    assert conflicts.count() == 1  # Oksana's laptop has the same conflict open
    laptops.oksana.apply(decision)
    assert conflicts.count() == 0
    assert Person.get_by_id(laptops.person).city == "Leipzig"


def test_the_other_conflicts_stay_in_place_when_one_is_decided(qtbot, laptops: Team) -> None:
    city_dispute(laptops)
    laptops.dispute(
        lambda: people.update_person(laptops.person, {"phone": "+49 341 111111"}),
        lambda: people.update_person(laptops.person, {"phone": "+49 341 222222"}),
    )
    laptops.dispute(
        lambda: people.update_person(laptops.person, {"street": "Karl-Liebknecht-Str. 1"}),
        lambda: people.update_person(laptops.person, {"street": "Karl-Liebknecht-Str. 10"}),
    )
    inbox = _inbox(qtbot)
    order = [c.conflict.field for c in inbox.cards.values()]
    assert sorted(order) == ["city", "phone", "street"]
    middle = _card(inbox, order[1])
    others = [inbox.cards[cid] for cid in inbox.cards if inbox.cards[cid] is not middle]
    middle.keep_buttons[middle.conflict.values[1].change_id].click()
    assert [c.conflict.field for c in inbox.cards.values()] == [order[0], order[2]]
    assert list(inbox.cards.values()) == others  # the same cards, not built again
    assert inbox.count.text() == "2 conflicts to decide"


def test_a_new_value_is_checked_and_then_decides(qtbot, laptops: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    laptops.dispute(
        lambda: people.update_person(laptops.person, {"birth_date": dt.date(1985, 3, 21)}),
        lambda: people.update_person(laptops.person, {"birth_date": dt.date(1985, 12, 3)}),
    )
    laptops.dispute(
        lambda: _update_appointment(laptops, office="Jobcenter Leipzig, Georg-Schumann-Str."),
        lambda: _update_appointment(laptops, office="Jobcenter Leipzig-Nord"),
    )
    dialogs: list[NewValueDialog] = []

    def show(self: NewValueDialog) -> int:
        dialogs.append(self)
        self.show()
        return 0

    monkeypatch.setattr(NewValueDialog, "exec", show)
    inbox = _inbox(qtbot)
    born = _card(inbox, "birth_date")
    assert {label.text() for label in born.value_labels.values()} == {"21/03/1985", "03/12/1985"}
    born.new_button.click()
    editor = dialogs[-1]
    assert isinstance(editor.input.edit, QLineEdit) and editor.input.edit.text() == "21.03.1985"  # shown value
    editor.input.edit.setText("31.02.1985")
    qtbot.keyClick(editor.input.edit, Qt.Key.Key_Return)
    assert editor.isVisible() and editor.error.text() == "This is not a valid date (DD.MM.YYYY)."
    assert conflicts.count() == 2 and Person.get_by_id(laptops.person).birth_date == dt.date(1985, 3, 21)
    editor.input.edit.setText("12.03.2099")
    qtbot.keyClick(editor.input.edit, Qt.Key.Key_Return)
    assert editor.isVisible() and editor.error.text() == "The birth date lies in the future."
    editor.input.edit.setText("13.03.1985")
    qtbot.keyClick(editor.input.edit, Qt.Key.Key_Return)
    assert editor.result() == QDialog.DialogCode.Accepted
    assert Person.get_by_id(laptops.person).birth_date == dt.date(1985, 3, 13)
    assert conflicts.count() == 1
    inbox.enter_new_value(born.conflict.id)  # what the inbox does once the dialog was accepted (exec patched)
    inbox.cards.pop(born.conflict.id, None)

    office = _card(inbox, "office")
    office.new_button.click()
    editor = dialogs[-1]
    editor.input.edit.setText("   ")
    editor.buttons.accept_button.click()
    assert editor.isVisible() and editor.error.text() == "Enter the office."
    assert conflicts.count() == 1
    editor.input.edit.setText("Jobcenter Leipzig, Georg-Schumann-Str. 150")
    editor.buttons.accept_button.click()
    assert editor.result() == QDialog.DialogCode.Accepted
    assert Appointment.get_by_id(laptops.appointment).office == "Jobcenter Leipzig, Georg-Schumann-Str. 150"
    assert conflicts.count() == 0

    laptops.oksana.apply(laptops.office.export())
    assert conflicts.count() == 0
    assert Person.get_by_id(laptops.person).birth_date == dt.date(1985, 3, 13)


def test_a_date_and_time_takes_both(qtbot, laptops: Team) -> None:
    laptops.dispute(
        lambda: _update_appointment(laptops, starts_at=dt.datetime(2026, 12, 10, 10, 0)),
        lambda: _update_appointment(laptops, starts_at=dt.datetime(2026, 12, 11, 9, 30)),
    )
    (found,) = conflicts.open_conflicts()
    dialog = NewValueDialog(found)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.input.time is not None
    dialog.input.edit.setText("12.12.2026")
    dialog.input.time.setText("25:00")
    dialog.save()
    assert dialog.isVisible() and dialog.error.text() == "This is not a valid time (HH:MM)."
    dialog.input.time.setText("8:45")
    dialog.save()
    assert Appointment.get_by_id(laptops.appointment).starts_at == dt.datetime(2026, 12, 12, 8, 45)
    assert conflicts.count() == 0


def test_references_are_decided_by_keeping_a_value(qtbot, laptops: Team) -> None:
    anna, oksana = laptops.volunteer("Anna Weber"), laptops.volunteer("Оксана Бондар")
    laptops.dispute(
        lambda: _update_appointment(laptops, volunteer=anna), lambda: _update_appointment(laptops, volunteer=oksana)
    )
    inbox = _inbox(qtbot)
    card = _card(inbox, "volunteer")
    assert card.heading.text() == "Appointment · Kovalenko, Olena · Volunteer"
    assert {label.text() for label in card.value_labels.values()} == {"Anna Weber", "Оксана Бондар"}
    assert card.new_button is None and card.open_button is not None
    card.keep_buttons[_value_id(card, "Оксана Бондар")].click()
    assert Appointment.get_by_id(laptops.appointment).volunteer_id == oksana
    assert conflicts.count() == 0


def test_the_record_opens_in_its_editor(qtbot, window, laptops: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    city_dispute(laptops)
    opened: list[str] = []
    monkeypatch.setattr(window.people, "open_person", opened.append)
    window.act_conflicts.trigger()
    inbox = window.opened[-1]
    inbox.activateWindow()
    qtbot.waitUntil(inbox.isActiveWindow)
    _card(inbox, "city").open_button.setFocus()
    qtbot.keyClick(_card(inbox, "city").open_button, Qt.Key.Key_Return)
    assert opened == [laptops.person]
    assert len(inbox.cards) == 1  # read again after the editor: still open
    assert QApplication.focusWidget() is _card(inbox, "city").open_button  # the keys stay where they were


# --- keyboard --------------------------------------------------------------------------------------------


def test_the_inbox_from_the_keyboard(qtbot, window, laptops: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    city_dispute(laptops)
    laptops.dispute(
        lambda: _update_appointment(laptops, office="Jobcenter Leipzig, Haus A"),
        lambda: _update_appointment(laptops, office="Jobcenter Leipzig, Haus B"),
    )
    window._data_changed()
    assert conflicts.count() == 2
    assert window.act_conflicts.shortcut().toString() == "Ctrl+Shift+K"
    assert window.act_conflicts in window.menu_tools.actions() and window.act_team in window.menu_tools.actions()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    inbox = window.opened[-1]
    inbox.activateWindow()
    qtbot.waitUntil(inbox.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # the list has the focus: Enter decides nothing
    assert conflicts.count() == 2 and inbox.isVisible()
    first = next(iter(inbox.cards.values())).buttons()[0]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is first  # from the list to the first card's first button
    city = _card(inbox, "city")
    target = city.keep_buttons[_value_id(city, "Leipzig")]
    for _press in range(12):
        if QApplication.focusWidget() is target:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is target
    qtbot.keyClick(target, Qt.Key.Key_Space)
    assert Person.get_by_id(laptops.person).city == "Leipzig"
    assert len(inbox.cards) == 1
    office = next(iter(inbox.cards.values()))
    assert QApplication.focusWidget() is office.buttons()[0]  # on to the next conflict
    shown: list[NewValueDialog] = []
    monkeypatch.setattr(NewValueDialog, "exec", lambda self: shown.append(self) or 0)
    office.new_button.setFocus()
    qtbot.keyClick(office.new_button, Qt.Key.Key_Return)
    assert len(shown) == 1 and conflicts.count() == 1
    qtbot.keyClick(office.keep_buttons[office.conflict.values[0].change_id], Qt.Key.Key_Return)
    assert conflicts.count() == 0 and not window.conflicts_badge.isVisible()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not inbox.isVisible()


def test_after_the_last_conflict_is_given_a_new_value_the_keys_go_to_close(qtbot, laptops: Team) -> None:
    """Decided in the New value dialog with the keyboard: back in the inbox the focus is on Close (Enter or
    Escape closes it), never on nothing."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialogButtonBox

    city_dispute(laptops)
    inbox = _inbox(qtbot)
    inbox.activateWindow()
    qtbot.waitUntil(inbox.isActiveWindow)
    card = _card(inbox, "city")
    card.new_button.setFocus()
    typed: list[NewValueDialog] = []

    def type_a_value() -> None:
        dialog = QApplication.activeModalWidget()
        typed.append(dialog)
        dialog.input.edit.setText("Halle (Saale)")
        qtbot.keyClick(dialog.input.edit, Qt.Key.Key_Return)

    QTimer.singleShot(100, type_a_value)
    qtbot.keyClick(card.new_button, Qt.Key.Key_Return)  # the real, modal New value dialog
    assert isinstance(typed[0], NewValueDialog) and Person.get_by_id(laptops.person).city == "Halle (Saale)"
    assert conflicts.count() == 0 and inbox.cards == {} and inbox.empty.isVisible()
    close = inbox.close_box.button(QDialogButtonBox.StandardButton.Close)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is close, timeout=2000)
    qtbot.keyClick(close, Qt.Key.Key_Escape)
    assert not inbox.isVisible()


# --- the team ------------------------------------------------------------------------------------------


def test_the_team_view_lists_the_other_laptops_furthest_behind_first(qtbot, qtmodeltester, laptops: Team) -> None:
    city_dispute(laptops)  # Oksana's laptop has not seen Anna's last change (its last bundle came before)
    coordinator = Laptop(laptops.folder / "coordinator", "Koordination", "Petra Lange")
    coordinator.apply(laptops.office.export())
    laptops.office.apply(coordinator.export())  # the coordinator has everything
    devices = {d.name: d for d in team.devices()}
    assert devices["Laptop Oksana"].behind > 0 and devices["Koordination"].behind == 0

    dialog = TeamDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtmodeltester.check(dialog.model)
    model = dialog.model

    def column(c: int) -> list[str]:
        return [model.data(model.index(r, c)) for r in range(model.rowCount())]

    assert column(0) == ["Laptop Oksana", "Koordination"]  # furthest behind first
    assert column(1) == ["Оксана Бондар", "Petra Lange"]
    oksana = devices["Laptop Oksana"]
    assert column(BEHIND)[0] == str(oksana.behind)
    assert model.data(model.index(0, BEHIND), Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(1, BEHIND), Qt.ItemDataRole.FontRole) is None
    held = column(5)[0]
    assert held.startswith(f"{oksana.counts['changes']} change")
    assert "1 conflict" in held  # Oksana's bundle brought the conflict
    arrived = column(3)[0]
    assert dt.datetime.strptime(arrived, "%d/%m/%Y %H:%M").date() == dt.date.today()  # local time, list format
    header = dialog.table.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(header.sectionViewportPosition(0) + 5, header.height() // 2),
    )
    assert column(0) == ["Koordination", "Laptop Oksana"]
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_an_empty_team_says_how_the_list_fills(qtbot, store) -> None:
    dialog = TeamDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.table.isVisible() and dialog.empty.isVisible()
    assert "bundles from the other laptops" in dialog.empty.text()
    inbox = ConflictsDialog()
    qtbot.addWidget(inbox)
    inbox.show()
    assert inbox.cards == {} and inbox.empty.isVisible() and not inbox.scroll.isVisible()
    close = inbox.close_box.buttons()[0]
    assert isinstance(close, QPushButton)
    qtbot.keyClick(inbox, Qt.Key.Key_Escape)
    assert not inbox.isVisible()


@pytest.mark.parametrize("language", ["de", "uk"])
def test_the_inbox_and_team_follow_the_language(qtbot, laptops: Team, language: str) -> None:
    city_dispute(laptops)
    inbox = _inbox(qtbot)
    switch(language)
    card = _card(inbox, "city")
    expected = {"de": "Ort", "uk": "Місто"}[language]
    assert card.heading.text().endswith(expected)
    assert i18n.gettext_in(language, "Keep this") == card.keep_buttons[card.conflict.values[0].change_id].text()
    assert card.detail_labels[_value_id(card, "Dresden")][2].text() == i18n.gettext_in(language, "this laptop")
