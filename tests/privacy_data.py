"""A family with something of every kind hanging on it, for the delete and erase tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop.core import appointments, cases, documents, households, people, tasks, timeline
from desktop.core.search import duplicates
from desktop.core.store import changelog
from desktop.core.store.models import CaseVolunteer, FilledForm, PrintedDocument, Volunteer

#: Distinctive values of the person to be erased; none of them may be found anywhere afterwards.
SECRETS = {
    "family": "Zabolotnyj",
    "given": "Quirinia",
    "family_cyr": "Заболотний",
    "given_cyr": "Квіринія",
    "phone": "+49 151 98765432",
    "iban": "DE89370400440532013000",
    "notes": "Sehr geheime Notiz Xylophon",
    "case_note": "Fallnotiz Kumquat",
    "reference": "AZ-777-QWERTZ",
    "birth_place": "Dnipro-Ostbahnhof",
}


@dataclass
class Family:
    person: str
    partner: str
    stranger: str
    household: str
    case: str
    partner_case: str
    task: str
    appointment: str
    note: str
    case_note: str
    document: str
    filled_form: str
    printed: str
    helper: str
    volunteer: str


def make_family(tmp_path=None) -> Family:  # type: ignore[no-untyped-def]
    s = SECRETS
    person = people.create_person(
        {
            "family_name": s["family"],
            "given_name": s["given"],
            "family_name_cyr": s["family_cyr"],
            "given_name_cyr": s["given_cyr"],
            "phone": s["phone"],
            "iban": s["iban"],
            "notes": s["notes"],
            "birth_date": dt.date(1981, 4, 5),
            "birth_place": s["birth_place"],
        }
    )
    # Edited twice: older copies of the row and the log entries of every value must go as well.
    people.update_person(person.id, {"city": "Leipzig"})
    people.update_person(person.id, {"notes": s["notes"] + " (ergänzt)"})
    partner = people.create_person({"family_name": "Partnerova", "given_name": "Olena", "birth_date": "1983-01-02"})
    stranger = people.create_person({"family_name": "Fremd", "given_name": "Petro", "birth_date": "1981-04-05"})
    household = households.create_household("", [(person.id, "applicant"), (partner.id, "partner")])
    case = cases.create_case({"person": person.id, "case_type": "widerspruch", "reference": s["reference"]})
    partner_case = cases.create_case({"person": partner.id, "case_type": "buergergeld_erstantrag"})
    task = tasks.create_task({"case": case.id, "title": "Widerspruch schreiben", "due_date": dt.date(2026, 12, 1)})
    appointment = appointments.create_appointment(
        {"person": person.id, "case": case.id, "starts_at": dt.datetime(2026, 12, 3, 9, 30), "office": "Jobcenter"}
    )
    note = timeline.add_note("Person note", person_id=person.id)
    case_note = timeline.add_note(s["case_note"], case_id=case.id)
    document = documents.create_document({"person": person.id, "kind": "24", "printed_until": dt.date(2027, 3, 4)})
    volunteer = changelog.create(Volunteer, name="Helga Helfer")
    helper = changelog.create(CaseVolunteer, case=case.id, volunteer=volunteer.id)
    filled = changelog.create(
        FilledForm, {"person": person.id, "case": case.id, "template_id": "vollmacht", "values": '{"x": 1}'}
    )
    printed = changelog.create(PrintedDocument, person=person.id, case=case.id, template_id="vollmacht", sha256="ab")
    documents.remember_saved_file(printed.id, f"/tmp/{s['family']}.pdf")
    duplicates.mark_distinct(person.id, stranger.id)
    return Family(
        person.id,
        partner.id,
        stranger.id,
        household.id,
        case.id,
        partner_case.id,
        task.id,
        appointment.id,
        note.id,
        case_note.id,
        document.id,
        filled.id,
        printed.id,
        helper.id,
        volunteer.id,
    )
