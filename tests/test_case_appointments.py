"""An appointment made for a case: from the case editor, with a case field in the appointment editor
(review in use, point 3)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from desktop.core import appointments, cases, people
from desktop.core.errors import ValidationError
from desktop.core.forms import binding, service
from desktop.core.store.models import Appointment, Case, Person
from desktop.ui.appointment_editor import AppointmentEditor
from desktop.ui.case_editor import CaseEditor
from desktop.ui.forms_dialog import CHECKLIST_TEMPLATE
from desktop.ui.qt_i18n import apply_language

TOMORROW = dt.date.today() + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _english(qapp) -> None:
    apply_language("en")


def olena(**extra) -> Person:
    """Olena Kovalenko of Leipzig, with her address (the other tests of this review use her too)."""
    values = {"family_name": "Kovalenko", "given_name": "Olena", "family_name_cyr": "Коваленко"}
    values |= {"given_name_cyr": "Олена", "birth_date": dt.date(1985, 3, 12), "city": "Leipzig"}
    values |= {"street": "Eisenbahnstraße 12", "postcode": "04315"}
    return people.create_person(values | extra)


def timeline_texts(widget) -> list[str]:
    return [widget.tree.topLevelItem(i).text(2) for i in range(widget.tree.topLevelItemCount())]


def test_new_appointment_from_the_case_editor_is_the_cases(qtbot, store, monkeypatch) -> None:
    person = olena()
    case = cases.create_case({"person": person.id, "case_type": "buergergeld_erstantrag"})
    first, second = cases.checklist(case.id)[:2]
    cases.update_checklist_item(first.id, {"have": True, "copied": True})
    editor = CaseEditor(Case.get_by_id(case.id))
    qtbot.addWidget(editor)
    editor.show()
    assert editor.appointment_button.isVisible() and "appointment" in editor.appointment_button.text()
    seen: dict[str, object] = {}

    def fill_in(dialog: AppointmentEditor) -> int:
        """What a volunteer sees and types: person and case are there, the Jobcenter as the place."""
        dialog.show()
        seen.update(
            person=dialog.person_label.text(), case=dialog.case.currentText(), office=dialog.office.currentText()
        )
        seen.update(address=dialog.address.text(), focus=dialog.focusWidget())
        qtbot.keyClicks(dialog.date, TOMORROW.strftime("%d.%m.%Y"))
        qtbot.keyClick(dialog.date, Qt.Key.Key_Tab)
        qtbot.keyClicks(dialog.focusWidget(), "9:30")
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)  # Enter saves
        return dialog.result()

    monkeypatch.setattr(AppointmentEditor, "exec", fill_in)
    assert editor.new_appointment() and editor.changed_inside
    assert seen["person"] == "Kovalenko, Olena" and case.reference in str(seen["case"])
    assert seen["office"] == "Jobcenter Leipzig" and str(seen["address"]).startswith("Georg-Schumann-Straße")
    assert isinstance(seen["focus"], type(editor.dates["opened_on"]))  # the date, the first thing to type
    saved = Appointment.get()
    assert (saved.case_id, saved.person_id) == (case.id, person.id)
    assert saved.starts_at == dt.datetime.combine(TOMORROW, dt.time(9, 30))
    # The case's timeline shows it at once.
    assert "Appointment at Jobcenter Leipzig" in timeline_texts(editor.timeline)
    # Ctrl+P on it prints the case's checklist: its documents, with what is ready ticked.
    subject = binding.subject_for_appointment(saved.id)
    assert subject.case is not None and subject.case.id == case.id
    lines = binding.context(subject)["case.checklist"]
    ticks = {line.de: (line.have, line.copied) for line in lines}
    definitions = {e["key"]: e for e in cases.case_type("buergergeld_erstantrag")["checklist"]}
    assert ticks[definitions[first.item_key]["de"]] == (True, True)
    assert ticks[definitions[second.item_key]["de"]] == (False, False)
    template = service.template(CHECKLIST_TEMPLATE)
    pdf = service.output(template, service.values_for(template, subject), subject, "uk")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Reisepass oder Ausweis jeder Person" in " ".join(text.split())  # the case type's document


def test_the_case_choice_follows_the_person(qtbot, store) -> None:
    her, petro = olena(), people.create_person({"family_name": "Bondar", "given_name": "Petro"})
    jobcenter = cases.create_case({"person": her.id, "case_type": "weiterbewilligung"})
    permit = cases.create_case({"person": her.id, "case_type": "aufenthalt_24"})
    closed = cases.create_case({"person": her.id, "case_type": "anmeldung", "status": "closed"})
    his = cases.create_case({"person": petro.id, "case_type": "kindergeld"})
    editor = AppointmentEditor(person_id=her.id)
    qtbot.addWidget(editor)
    editor.show()
    offered = [editor.case.itemData(i) for i in range(editor.case.count())]
    assert offered[0] is None and set(offered[1:]) == {jobcenter.id, permit.id}  # open cases only
    assert editor.case.itemText(0) == "no case" and editor.case_id is None
    editor.case.setCurrentIndex(editor.case.findData(permit.id))
    editor.set_person(petro.id)  # another person: their cases, and none chosen
    assert [editor.case.itemData(i) for i in range(editor.case.count())] == [None, his.id]
    assert editor.case_id is None
    editor.case.setCurrentIndex(1)
    editor.date.setText(TOMORROW.strftime("%d.%m.%Y"))
    editor.time.setText("11:00")
    editor.office.setEditText("Familienkasse Sachsen")
    editor.save()
    assert (Appointment.get().case_id, Appointment.get().person_id) == (his.id, petro.id)
    # An appointment of a case since closed keeps its case when edited.
    cases.update_case(his.id, {"status": "closed"})
    again = AppointmentEditor(Appointment.get())
    qtbot.addWidget(again)
    assert again.case_id == his.id and again.changed_keys() == set()
    # The core refuses a case of another person.
    with pytest.raises(ValidationError, match="another person"):
        appointments.create_appointment(
            {"starts_at": dt.datetime.now(), "office": "x", "person": petro.id, "case": closed.id}
        )


def test_the_case_choice_is_translated(qtbot, store) -> None:
    person = olena()
    cases.create_case({"person": person.id, "case_type": "aufenthalt_24"})
    editor = AppointmentEditor(person_id=person.id)
    qtbot.addWidget(editor)
    editor.show()
    english = [editor.case.itemText(i) for i in range(editor.case.count())]
    apply_language("de")
    qtbot.wait(10)
    german = [editor.case.itemText(i) for i in range(editor.case.count())]
    assert german[0] == "kein Vorgang" and german[1] != english[1]
