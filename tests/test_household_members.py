"""Household members: a new member entered from the household tab, roles proposed from age, the member
picker's columns (review in use, point 4)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from desktop.core import households, people
from desktop.core.store.models import HouseholdMember, Person
from desktop.ui.case_editor import PersonPicker
from desktop.ui.person_editor import PersonEditor
from desktop.ui.person_tabs import HouseholdTab
from desktop.ui.qt_i18n import apply_language
from tests.test_case_appointments import olena
from tests.test_gui import type_text


@pytest.fixture(autouse=True)
def _english(qapp) -> None:
    apply_language("en")


def test_role_proposals_from_age_and_members(store) -> None:
    today = dt.date(2026, 6, 1)
    mother = olena(birth_date=dt.date(1985, 3, 12))
    assert households.propose_role(None, mother.birth_date, today) == "applicant"
    household = households.create_household("Kovalenko", [(mother.id, "applicant")])

    def propose(born: dt.date | None) -> str:
        return households.propose_role(household.id, born, today)

    assert propose(dt.date(2016, 9, 1)) == "child_u15"
    assert propose(dt.date(2010, 1, 1)) == "child_15_24"  # 16
    assert propose(dt.date(2004, 1, 1)) == "child_15_24"  # 22: the applicant's child
    assert propose(dt.date(1983, 1, 1)) == "partner"  # a second adult
    assert propose(None) == "partner"
    partner = people.create_person({"family_name": "Kovalenko", "given_name": "Andrii"})
    households.add_member(household.id, partner.id, "partner")
    assert propose(dt.date(1950, 1, 1)) == "other"  # a grandmother: lives there, not in the BG
    young = people.create_person({"family_name": "Shevchuk", "given_name": "Daria"})
    couple = households.create_household("Shevchuk", [(young.id, "applicant")])
    assert households.propose_role(couple.id, dt.date(2003, 1, 1), today) == "child_15_24"  # applicant's age unknown
    people.update_person(young.id, {"birth_date": dt.date(2004, 5, 5)})
    assert households.propose_role(couple.id, dt.date(2003, 1, 1), today) == "partner"  # 23 beside 22: a couple


def test_new_member_from_the_household_tab(qtbot, store, monkeypatch) -> None:
    mother = olena()
    households.create_household("Kovalenko", [(mother.id, "applicant")])
    tab = HouseholdTab(mother.id)
    qtbot.addWidget(tab)
    tab.show()
    assert tab.new_member_button.isVisible()
    prefilled: dict[str, str] = {}

    def enter_child(editor: PersonEditor) -> int:
        editor.show()
        prefilled.update({key: editor.edits[key].text() for key in ("family_name", "family_name_cyr", "city")})
        prefilled["street"] = editor.edits["street"].text()
        prefilled["asks"] = str(bool(editor.changed_keys()))
        prefilled["focus"] = editor.focusWidget().objectName()
        type_text(editor.edits["given_name_cyr"], "Марія")
        editor.edits["birth_date"].setText("02.09.2016")
        editor.save()
        return editor.result()

    asked: list[tuple[str, int]] = []

    def choose(parent, title, label, items, current, editable):
        asked.append((items[current], current))
        return items[current], True  # Enter takes the proposal

    monkeypatch.setattr(PersonEditor, "exec", enter_child)
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(choose))
    tab.new_member()
    assert prefilled == {
        "family_name": "Kovalenko",
        "family_name_cyr": "Коваленко",
        "city": "Leipzig",
        "street": "Eisenbahnstraße 12",
        "asks": "False",  # nothing typed yet: Esc would close without asking
        "focus": "given_name_cyr",  # the family name is there: the given name comes first
    }
    child = Person.get(Person.given_name_cyr == "Марія")
    assert (child.family_name, child.given_name, child.postcode) == ("Kovalenko", "Mariia", "04315")
    assert asked == [("child under 15", list(households.ROLE_LABELS).index("child_u15"))]
    member = HouseholdMember.get(HouseholdMember.person == child.id)
    assert member.role == "child_u15"
    assert tab.tree.topLevelItemCount() == 2
    row = next(tab.tree.topLevelItem(i) for i in range(2) if "Mariia" in tab.tree.topLevelItem(i).text(0))
    assert row.text(3) == "KI"
    # A second adult picked from the list is proposed as partner, never as a second applicant.
    partner = people.create_person(
        {"family_name": "Kovalenko", "given_name": "Andrii", "birth_date": dt.date(1982, 1, 1)}
    )
    monkeypatch.setattr(PersonPicker, "exec", lambda self: 1)
    monkeypatch.setattr(PersonPicker, "chosen_id", lambda self: partner.id)
    tab._add()
    assert asked[-1][0] == "partner"
    assert HouseholdMember.get(HouseholdMember.person == partner.id).role == "partner"


def test_the_member_pickers_columns_show_whole_names(qtbot, store) -> None:
    long = {"family_name": "Kovalenko-Shevchuk", "given_name": "Oleksandra-Viktoriia", "city": "Dnipropetrovsk"}
    long |= {"family_name_cyr": "Коваленко-Шевчук", "given_name_cyr": "Олександра-Вікторія"}
    people.create_person(long)
    for language in ("uk", "de"):
        apply_language(language)
        picker = PersonPicker()
        qtbot.addWidget(picker)
        picker.show()
        qtbot.wait(10)
        metrics = picker.table.fontMetrics()
        header = picker.table.horizontalHeader()
        for column in range(picker.model.columnCount() - 1):  # the last one stretches to the edge
            text = str(picker.model.index(0, column).data() or "")
            title = str(picker.model.headerData(column, Qt.Orientation.Horizontal))
            needed = max(metrics.horizontalAdvance(text), header.fontMetrics().horizontalAdvance(title))
            assert picker.table.columnWidth(column) >= needed, (language, title, text)
