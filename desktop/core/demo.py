"""Realistic demo data: Ukrainian families in Leipzig and Dresden with their cases, appointments and
deadlines. Names are generated from common name lists; every person is fictional.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from desktop.core.cases import case_types, next_reference
from desktop.core.search.translit import kmu55
from desktop.core.store import changelog
from desktop.core.store.models import (
    Appointment,
    Case,
    ChecklistItem,
    Consent,
    DirectoryEntry,
    Household,
    HouseholdMember,
    Match,
    NeedOffer,
    Note,
    Person,
    Project,
    ProjectVolunteer,
    ResidenceDocument,
    Task,
    Volunteer,
    VolunteerHours,
)
from desktop.i18n import N_, _

# Family names whose feminine form is the same.
_FAMILY_COMMON = (
    "Коваленко Бондаренко Ткаченко Кравченко Шевченко Мельник Бойко Коваль Олійник Шевчук Поліщук "
    "Лисенко Руденко Марченко Савченко Петренко Мороз Павленко Левченко Харченко Кузьменко Гончаренко "
    "Клименко Романюк Ковальчук Сидоренко Данилюк Юрченко Кушнір Лук'яненко Гаврилюк Захарченко Яковенко "
    "Остапенко Литвиненко Волошин Тимошенко Приходько Головко Гуменюк Зінченко Мазур Дорошенко Іваненко "
    "Ярошенко Процик Семенюк Костенко Федорчук Пономаренко Гнатюк Вакуленко Тарасюк Ігнатенко Степанюк "
    "Кириленко Гриценко Шаповал Ємельяненко Щербак Вдовиченко Чорновол Згурець Їжак Юхименко"
).split()
# Adjectival family names: masculine form, feminine form.
_FAMILY_ADJ = (
    ("Ковальський", "Ковальська"),
    ("Савицький", "Савицька"),
    ("Вишневський", "Вишневська"),
    ("Білий", "Біла"),
    ("Яворський", "Яворська"),
    ("Зелінський", "Зелінська"),
    ("Гречаний", "Гречана"),
    ("Левицький", "Левицька"),
    ("Стельмах", "Стельмах"),
    ("Чорний", "Чорна"),
)
# Given name, patronymic of a son, patronymic of a daughter.
_MALE = (
    ("Олександр", "Олександрович", "Олександрівна"),
    ("Андрій", "Андрійович", "Андріївна"),
    ("Сергій", "Сергійович", "Сергіївна"),
    ("Володимир", "Володимирович", "Володимирівна"),
    ("Дмитро", "Дмитрович", "Дмитрівна"),
    ("Іван", "Іванович", "Іванівна"),
    ("Михайло", "Михайлович", "Михайлівна"),
    ("Юрій", "Юрійович", "Юріївна"),
    ("Василь", "Васильович", "Василівна"),
    ("Олег", "Олегович", "Олегівна"),
    ("Микола", "Миколайович", "Миколаївна"),
    ("Віктор", "Вікторович", "Вікторівна"),
    ("Євген", "Євгенович", "Євгенівна"),
    ("Олексій", "Олексійович", "Олексіївна"),
    ("Богдан", "Богданович", "Богданівна"),
    ("Тарас", "Тарасович", "Тарасівна"),
    ("Ярослав", "Ярославович", "Ярославівна"),
    ("Максим", "Максимович", "Максимівна"),
    ("Петро", "Петрович", "Петрівна"),
    ("Ігор", "Ігорович", "Ігорівна"),
    ("Роман", "Романович", "Романівна"),
    ("Віталій", "Віталійович", "Віталіївна"),
    ("Артем", "Артемович", "Артемівна"),
    ("Назар", "Назарович", "Назарівна"),
)
_FEMALE = (
    "Олена Ольга Наталія Тетяна Ірина Світлана Юлія Оксана Марія Анна Катерина Людмила Галина Вікторія "
    "Надія Ганна Лариса Валентина Мар'яна Дар'я Софія Анастасія Яна Євгенія Христина Зоряна Інна Алла "
    "Вероніка Уляна Злата Ївга"
).split()
_BIRTH_PLACES = (
    "Київ, Харків, Одеса, Дніпро, Запоріжжя, Львів, Миколаїв, Маріуполь, Херсон, Чернігів, Суми, Полтава, "
    "Житомир, Вінниця, Кривий Ріг, Краматорськ, Бахмут, Ізюм, Мелітополь, Бердянськ, Кременчук, Черкаси, "
    "Ірпінь, Буча, Енергодар, Слов’янськ, Ужгород"
).split(", ")
_CITIES = {
    "Leipzig": (
        ("Eisenbahnstraße", "04315"),
        ("Karl-Liebknecht-Straße", "04275"),
        ("Georg-Schumann-Straße", "04155"),
        ("Lützner Straße", "04177"),
        ("Dresdner Straße", "04317"),
        ("Bornaische Straße", "04277"),
        ("Wurzner Straße", "04315"),
        ("Zschochersche Straße", "04229"),
        ("Prager Straße", "04317"),
        ("Delitzscher Straße", "04129"),
        ("Könneritzstraße", "04229"),
        ("Gohliser Straße", "04105"),
        ("Torgauer Straße", "04318"),
        ("Stötteritzer Straße", "04317"),
        ("Kurt-Eisner-Straße", "04275"),
    ),
    "Dresden": (
        ("Königsbrücker Straße", "01099"),
        ("Bautzner Straße", "01099"),
        ("Louisenstraße", "01099"),
        ("Leipziger Straße", "01127"),
        ("Großenhainer Straße", "01127"),
        ("Kesselsdorfer Straße", "01159"),
        ("Tharandter Straße", "01159"),
        ("Pirnaer Landstraße", "01237"),
        ("Prohliser Allee", "01239"),
        ("Dohnaer Straße", "01219"),
        ("Bürgerstraße", "01127"),
        ("Hechtstraße", "01097"),
        ("Borsbergstraße", "01309"),
        ("Schandauer Straße", "01277"),
        ("Gorbitzer Straße", "01169"),
    ),
}
_OFFICES = {
    "Leipzig": {
        "jobcenter": ("Jobcenter Leipzig", "Georg-Schumann-Straße 171–175, 04159 Leipzig"),
        "auslaenderbehoerde": (
            "Ausländerbehörde Leipzig",
            "Technisches Rathaus, Haus B, Prager Straße 118, 04317 Leipzig",
        ),
        "buergeramt": ("Bürgeramt Leipzig", "Technisches Rathaus, Haus B, Prager Straße 118, 04317 Leipzig"),
    },
    "Dresden": {
        "jobcenter": ("Jobcenter Dresden", "Budapester Straße 30, 01069 Dresden"),
        "auslaenderbehoerde": ("Ausländerbehörde Dresden", "Theaterstraße 13, 01067 Dresden"),
        "buergeramt": ("Bürgerbüro Dresden", "Theaterstraße 11, 01067 Dresden"),
    },
}
_AUTHORITY_OF_OFFICE = {name: key for offices in _OFFICES.values() for key, (name, _address) in offices.items()}
_CASES_BY_AUTHORITY = {
    "jobcenter": ("buergergeld_erstantrag", "weiterbewilligung", "veraenderungsmitteilung", "widerspruch"),
    "auslaenderbehoerde": ("aufenthalt_24", "fiktionsbescheinigung", "wohnsitzauflage"),
    "buergeramt": ("anmeldung",),
}
#: One task per case, its title in the profile's language when the demo data is made (the task's kind,
#: deadline or task, is its own field: the lists show it beside the title).
_TASKS = {
    "widerspruch": (N_("Lodge the objection"), "deadline"),
    "weiterbewilligung": (N_("Hand in the application for continued benefits"), "deadline"),
    "buergergeld_erstantrag": (N_("Get the bank statements of the last 3 months"), "task"),
    "veraenderungsmitteilung": (N_("Copy the tenancy agreement"), "task"),
    "aufenthalt_24": (N_("Have a biometric photo taken"), "task"),
    "fiktionsbescheinigung": (N_("Confirm the appointment at the Ausländerbehörde"), "task"),
    "wohnsitzauflage": (N_("Hand in proof of the job"), "deadline"),
    "anmeldung": (N_("Get the landlord's confirmation (Wohnungsgeberbestätigung)"), "task"),
}
_VOLUNTEERS = ("Anna Schneider", "Thomas Becker", "Katrin Wolf", "Jens Hoffmann", "Maria Richter", "Oksana Weber")
_NOTES = (
    "Dolmetscherin beim nächsten Termin nötig.",
    "Klientin bringt die Originale selbst mit.",
    "Bescheid ist angekommen, Kopie liegt im Ordner.",
    "Rückruf vom Jobcenter abwarten.",
    "Потрібна допомога з перекладом листа.",
)


def _working_day(rng: random.Random, start: dt.date, within_days: int) -> dt.date:
    day = start + dt.timedelta(days=rng.randrange(within_days))
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def generate(
    people: int,
    *,
    seed: int | None = None,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Add about ``people`` demo persons in families, with cases, appointments, tasks and notes."""
    rng = random.Random(seed)
    today = today or dt.date.today()
    report = progress or (lambda _step: None)
    # Each type is one transaction (a single one for 100,000 people would need a page cache of over a
    # gigabyte); a failure part-way leaves consistent records of the types already written.
    known = {v.name for v in Volunteer.select(Volunteer.name)}
    volunteer_ids = changelog.bulk_create(Volunteer, [{"name": n} for n in _VOLUNTEERS if n not in known])
    volunteer_ids += [
        v.id for v in Volunteer.select().where(Volunteer.name.in_([n for n in _VOLUNTEERS if n in known]))
    ]
    report("people")
    person_rows: list[dict] = []
    families: list[tuple[str, list[tuple[int, str]]]] = []  # (city, [(row index, role)])
    while len(person_rows) < people:
        city = rng.choice(tuple(_CITIES))
        street, postcode = rng.choice(_CITIES[city])
        address = {"street": f"{street} {rng.randint(1, 160)}", "postcode": postcode, "city": city}
        masc = rng.random() < 0.8
        if masc:
            fam_m = fam_f = rng.choice(_FAMILY_COMMON)
        else:
            fam_m, fam_f = rng.choice(_FAMILY_ADJ)
        father = rng.choice(_MALE)
        size = min(people - len(person_rows), rng.choice((1, 1, 2, 2, 3, 3, 4, 5)))
        members: list[tuple[int, str]] = []
        adult_female = size == 1 or rng.random() < 0.85
        parent_birth = dt.date(rng.randint(1958, 2000), rng.randint(1, 12), rng.randint(1, 28))
        phone = f"+49 1{rng.choice((5, 6, 7))}{rng.randint(0, 9)} {rng.randint(1000000, 9999999)}"
        for k in range(size):
            if k == 0:
                female, role, birth = adult_female, "applicant", parent_birth
            elif k == 1 and size >= 3 and rng.random() < 0.4:
                female, role = not adult_female, "partner"
                birth = parent_birth + dt.timedelta(days=rng.randint(-2500, 2500))
            else:
                female = rng.random() < 0.5
                age_days = rng.randint(200, 23 * 365)
                birth = today - dt.timedelta(days=age_days)
                role = "child_u15" if age_days < 15 * 365 else "child_15_24"
            given = rng.choice(_FEMALE) if female else rng.choice(_MALE)[0]
            family = fam_f if female else fam_m
            patronymic = (
                (father[2] if female else father[1])
                if role.startswith("child")
                else (rng.choice(_MALE)[2] if female else rng.choice(_MALE)[1])
            )
            row = {
                "family_name_cyr": family,
                "given_name_cyr": given,
                "patronymic": patronymic,
                "family_name": kmu55(family).upper() if rng.random() < 0.1 else kmu55(family),
                "given_name": kmu55(given),
                "birth_date": birth,
                "birth_place": rng.choice(_BIRTH_PLACES),
                "nationality": "UKR",
                "languages": "uk, ru" if rng.random() < 0.6 else "uk",
                **address,
            }
            if role in ("applicant", "partner"):
                row["phone"] = phone
                if rng.random() < 0.5:
                    row["telegram"] = f"@{kmu55(given).lower()}_{rng.randint(10, 99)}"
                if rng.random() < 0.6:
                    row["jobcenter_customer_no"] = f"{rng.randint(100, 999)}D{rng.randint(100000, 999999)}"
                    row["bg_number"] = f"{rng.randint(10000, 99999)}BG{rng.randint(1000000, 9999999)}"
            person_rows.append(row)
            members.append((len(person_rows) - 1, role))
        families.append((city, members))
    person_ids = changelog.bulk_create(Person, person_rows)

    report("households")
    households = [{"name": f"BG {person_rows[m[0][0]]['family_name']}"} for _city, m in families]
    household_ids = changelog.bulk_create(Household, households)
    member_rows = [
        {"household": hid, "person": person_ids[idx], "role": role}
        for hid, (_city, members) in zip(household_ids, families, strict=True)
        for idx, role in members
    ]
    changelog.bulk_create(HouseholdMember, member_rows)

    report("cases")
    case_rows, case_meta = [], []
    for hid, (city, members) in zip(household_ids, families, strict=True):
        applicant = person_ids[members[0][0]]
        for _case in range(rng.choice((1, 1, 2))):
            authority = rng.choice(("jobcenter", "jobcenter", "auslaenderbehoerde", "buergeramt"))
            case_type = rng.choice(_CASES_BY_AUTHORITY[authority])
            opened = today - dt.timedelta(days=rng.randint(0, 400))
            status = rng.choice(("open", "open", "waiting", "decided", "closed"))
            case_rows.append(
                {
                    "reference": next_reference(opened),
                    "case_type": case_type,
                    "authority": authority,
                    "status": status,
                    "person": applicant,
                    "household": hid,
                    "lead_volunteer": rng.choice(volunteer_ids),
                    "opened_on": opened,
                    "closed_on": opened + dt.timedelta(days=rng.randint(10, 60)) if status == "closed" else None,
                }
            )
            case_meta.append((city, authority, case_type, applicant, status))
    case_ids = changelog.bulk_create(Case, case_rows)
    case_type_of = {cid: meta[2] for cid, meta in zip(case_ids, case_meta, strict=True)}

    report("appointments")
    appointments, tasks, notes = [], [], []
    for cid, (city, authority, case_type, person, status) in zip(case_ids, case_meta, strict=True):
        if status == "closed":
            continue
        office, address = _OFFICES[city][authority]
        if rng.random() < 0.6:
            day = _working_day(rng, today - dt.timedelta(days=3), 42)
            when = dt.datetime.combine(day, dt.time(rng.randint(8, 15), rng.choice((0, 15, 30, 45))))
            appointments.append(
                {
                    "starts_at": when,
                    "office": office,
                    "address": address,
                    "case": cid,
                    "person": person,
                    "volunteer": rng.choice((*volunteer_ids, None)),
                    "interpreter_needed": rng.random() < 0.3,
                }
            )
        title, kind = _TASKS[case_type]
        tasks.append(
            {
                "title": _(title),
                "kind": kind,
                "case": cid,
                "person": person,
                "due_date": today + dt.timedelta(days=rng.randint(-5, 30)),
                "volunteer": rng.choice(volunteer_ids),
            }
        )
        if rng.random() < 0.3:
            notes.append(
                {"text": rng.choice(_NOTES), "case": cid, "person": person, "author": rng.choice(volunteer_ids)}
            )
    appointments += _past_accompaniments(rng, today, case_ids, case_rows, case_meta, volunteer_ids)
    appointment_ids = changelog.bulk_create(Appointment, appointments)
    changelog.bulk_create(Task, tasks)
    changelog.bulk_create(Note, notes)

    report("checklists")
    # The document checklist of every case with an appointment in the next two days, partly ticked
    # (older cases keep their documents elsewhere: fewer records keep big demo profiles quick to build).
    soon = today + dt.timedelta(days=2)
    checklist_rows = []
    types = {t["key"]: t for t in case_types()}
    for appointment in appointments:
        if appointment["starts_at"].date() > soon:
            continue
        type_key = case_type_of[appointment["case"]]
        for position, item in enumerate(types.get(type_key, {}).get("checklist", [])):
            have = rng.random() < 0.6
            checklist_rows.append(
                {
                    "case": appointment["case"],
                    "item_key": item["key"],
                    "position": position,
                    "have": have,
                    "copied": have and rng.random() < 0.5,
                }
            )
    changelog.bulk_create(ChecklistItem, checklist_rows)

    report("documents")
    documents = []
    for _city, members in families:
        if rng.random() < 0.75:
            continue
        for idx, _role in members[:1]:  # the applicant's document
            issued = today - dt.timedelta(days=rng.randint(200, 1300))
            kind = "24" if rng.random() < 0.85 else "fiktion"
            until = issued + dt.timedelta(days=rng.choice((90, 180, 365, 730)))
            documents.append(
                {
                    "person": person_ids[idx],
                    "kind": kind,
                    "issued_on": issued,
                    "printed_until": until,
                    "number": f"{'Y' if kind == '24' else 'F'}{rng.randint(10000000, 99999999)}",
                }
            )
    changelog.bulk_create(ResidenceDocument, documents)

    report("consents")
    consent_rows = _consents(rng, today, families, person_ids, case_meta)
    changelog.bulk_create(Consent, consent_rows)
    report("network")
    network = _network(rng, today, volunteer_ids, families, person_ids, household_ids, appointments, appointment_ids)
    report("done")
    return {
        "person": len(person_ids),
        "household": len(household_ids),
        "case": len(case_ids),
        "appointment": len(appointments),
        "task": len(tasks),
        "note": len(notes),
        "checklist_item": len(checklist_rows),
        "residence_document": len(documents),
        "consent": len(consent_rows),
        **network,
    }


def _consents(
    rng: random.Random,
    today: dt.date,
    families: list[tuple[str, list[tuple[int, str]]]],
    person_ids: list[str],
    case_meta: list[tuple[str, str, str, str, str]],
) -> list[dict]:
    """Most families signed the consent to data processing (for every member, on one day), a few of them
    running out within 30 days; some applicants gave a Vollmacht for the offices of their cases, a few
    running out soon, some expired, the first one withdrawn."""
    offices_of: dict[str, set[str]] = {}
    for _city, authority, _type, applicant, _status in case_meta:
        offices_of.setdefault(applicant, set()).add(authority)
    rows: list[dict] = []
    withdrawn = False
    for _city, members in families:
        if rng.random() < 0.15:
            continue  # no consent on record yet
        signed = today - dt.timedelta(days=rng.randint(20, 500))
        roll = rng.random()
        if roll < 0.06:
            until: dt.date | None = today + dt.timedelta(days=rng.randint(1, 30))
        elif roll < 0.35:
            until = signed + dt.timedelta(days=rng.choice((730, 1095)))
        else:
            until = None
        for idx, _role in members:
            rows.append({"person": person_ids[idx], "signed_on": signed, "valid_until": until})
        applicant = person_ids[members[0][0]]
        if applicant not in offices_of or rng.random() < 0.7:
            continue
        power = {
            "person": applicant,
            "kind": "power_of_attorney",
            "offices": ",".join(o for o in Consent.OFFICES if o in offices_of[applicant]),
            "signed_on": signed,
        }
        roll = rng.random()
        if not withdrawn:
            power["withdrawn_on"] = today - dt.timedelta(days=rng.randint(1, 15))
            withdrawn = True
        elif roll < 0.15:
            power["valid_until"] = today + dt.timedelta(days=rng.randint(1, 30))
        elif roll < 0.25:
            power["valid_until"] = today - dt.timedelta(days=rng.randint(1, 60))
        elif roll < 0.6:
            power["valid_until"] = today + dt.timedelta(days=rng.randint(60, 400))
        rows.append(power)
    return rows


# --- the network around the cases ------------------------------------------------------------------------
_DISTRICTS = {
    "Leipzig": ("Neustadt-Neuschönefeld", "Volkmarsdorf", "Reudnitz", "Gohlis", "Grünau", "Lindenau", "Connewitz"),
    "Dresden": ("Neustadt", "Pieschen", "Gorbitz", "Prohlis", "Johannstadt", "Striesen", "Löbtau"),
}
#: Fictional initiatives: name, town, district, need categories, what they offer.
_INITIATIVES = (
    (
        "Willkommensnetz Leipzig-Ost e. V.",
        "Leipzig",
        "Volkmarsdorf",
        "accompaniment,interpreting,forms",
        "Begleitung zu Ämtern, Hilfe bei Anträgen; Sprechstunde dienstags 16–18 Uhr",
    ),
    (
        "Tierhilfe Sachsen für Geflüchtete",
        "Leipzig",
        "Gohlis",
        "pet_care",
        "Pflegestellen und Futterspenden für Haustiere",
    ),
    ("Kleiderkammer Grünau", "Leipzig", "Grünau", "donations", "Kleidung, Kinderwagen, Haushaltswaren"),
    ("Patenschaften Dresden-Neustadt", "Dresden", "Neustadt", "accompaniment,childcare", "Patenschaften für Familien"),
    ("Sprachcafé Gorbitz", "Dresden", "Gorbitz", "language_course", "Deutsch im Gespräch, donnerstags 17 Uhr"),
    ("Wohnraumbörse Dresden e. V.", "Dresden", "Johannstadt", "housing", "Vermittlung von Wohnungen und WG-Zimmern"),
)
#: Fictional contact persons: name, role, engagement, index of their initiative (None: an office by key).
_CONTACTS = (
    ("Sabine Krüger", "Koordination", "volunteer", 0, None),
    ("Mykola Hrytsenko", "Dolmetscher", "volunteer", 0, None),
    ("Petra Lange", "Vorsitzende", "volunteer", 3, None),
    ("Frank Vogel", "Integrationsmanager", "paid", None, "leipzig_jobcenter"),
    ("Ute Sommer", "Sachbearbeiterin Ukraine", "paid", None, "dresden_auslaenderbehoerde"),
)
#: Needs and offers as a group would post them: category, German title, Ukrainian title.
_NEED_TITLES = {
    "housing": ("2-Zimmer-Wohnung gesucht", "Шукаємо 2-кімнатну квартиру"),
    "pet_care": ("Betreuung für eine Katze", "Догляд за кішкою"),
    "accompaniment": ("Begleitung zum Jobcenter", "Супровід до Jobcenter"),
    "interpreting": ("Dolmetschen beim Arzttermin", "Переклад на прийомі в лікаря"),
    "forms": ("Hilfe beim Weiterbewilligungsantrag", "Допомога із заявою на продовження"),
    "donations": ("Kinderwagen gesucht", "Потрібна дитяча коляска"),
    "childcare": ("Kinderbetreuung nachmittags", "Догляд за дитиною після обіду"),
    "language_course": ("Deutschkurs A1 am Abend", "Курс німецької A1 увечері"),
    "work": ("Minijob in der Gastronomie", "Мініджоб у гастрономії"),
    "transport": ("Fahrt zur Erstaufnahme", "Поїздка до пункту першого прийому"),
    "medical": ("Termin beim Kinderarzt", "Запис до дитячого лікаря"),
    "other": ("Fahrrad reparieren", "Полагодити велосипед"),
}
#: Offers as a group would post them (German titles).
_OFFER_TITLES = {
    "housing": "WG-Zimmer frei ab sofort",
    "pet_care": "Pflegestelle für Katzen und kleine Hunde",
    "accompaniment": "Begleitung zu Ämtern, auch kurzfristig",
    "interpreting": "Dolmetschen Ukrainisch–Deutsch",
    "forms": "Hilfe bei Anträgen und Briefen",
    "donations": "Kinderwagen und Babykleidung abzugeben",
    "childcare": "Kinderbetreuung nachmittags",
    "language_course": "Deutsch im Gespräch, A1–A2",
    "work": "Bewerbungstraining",
    "transport": "Fahrten mit dem Auto",
    "medical": "Begleitung zum Arzt",
    "other": "Fahrradreparatur",
}
_PROJECTS = (
    ("Fahrradwerkstatt", "Gespendete Fahrräder für Familien herrichten", "transport"),
    ("Hausaufgabenhilfe", "Zweimal pro Woche Hausaufgabenhilfe für Schulkinder", "childcare"),
    ("Umzugshilfe", "Helfer und Transporter für Umzüge in die erste eigene Wohnung", "housing"),
)


def _past_accompaniments(
    rng: random.Random,
    today: dt.date,
    case_ids: list[str],
    case_rows: list[dict],
    case_meta: list[tuple],
    volunteer_ids: list[str],
) -> list[dict]:
    """Appointments of decided and closed cases in the past year, most with a volunteer (history for the
    volunteers' hours and the statistics)."""
    rows = []
    for cid, row, (city, authority, _type, person, status) in zip(case_ids, case_rows, case_meta, strict=True):
        if status not in ("decided", "closed") or rng.random() < 0.5:
            continue
        day = row["opened_on"] + dt.timedelta(days=rng.randint(3, 30))
        if day >= today:
            continue
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        office, address = _OFFICES[city][authority]
        rows.append(
            {
                "starts_at": dt.datetime.combine(day, dt.time(rng.randint(8, 14), rng.choice((0, 30)))),
                "office": office,
                "address": address,
                "case": cid,
                "person": person,
                "volunteer": rng.choice(volunteer_ids) if rng.random() < 0.8 else None,
                "duration_min": rng.choice((30, 60, 60, 90, 120)),
                "outcome": "Unterlagen abgegeben, Eingang bestätigt.",
            }
        )
    return rows


def _network(
    rng: random.Random,
    today: dt.date,
    volunteer_ids: list[str],
    families: list[tuple[str, list[tuple[int, str]]]],
    person_ids: list[str],
    household_ids: list[str],
    appointments: list[dict],
    appointment_ids: list[str],
) -> dict[str, int]:
    """Initiatives and contact persons, needs of some families, offers, matches, projects and volunteers' hours."""
    initiatives = changelog.bulk_create(
        DirectoryEntry,
        [
            {
                "kind": "initiative",
                "name": name,
                "town": town,
                "district": district,
                "categories": categories,
                "offers": offers,
                "source": "Demo",
            }
            for name, town, district, categories, offers in _INITIATIVES
        ],
    )
    contacts = []
    for name, role, engagement, initiative, office_key in _CONTACTS:
        organisation = initiatives[initiative] if initiative is not None else None
        if office_key:
            office = DirectoryEntry.get_or_none((DirectoryEntry.key == office_key) & ~DirectoryEntry.deleted)
            organisation = office.id if office else None
        contacts.append(
            {
                "kind": "contact",
                "name": name,
                "role": role,
                "engagement": engagement,
                "organisation": organisation,
                "source": "Demo",
            }
        )
    contact_ids = changelog.bulk_create(DirectoryEntry, contacts)

    def since(days: int) -> dt.date:
        return today - dt.timedelta(days=rng.randint(0, days))

    projects = [
        {
            "title": title,
            "goal": goal,
            "status": status,
            "town": town,
            "starts_on": since(200),
        }
        for (title, goal, _category), status, town in zip(
            _PROJECTS, ("running", "planned", "done"), ("Leipzig", "Dresden", "Leipzig"), strict=True
        )
    ]
    project_ids = changelog.bulk_create(Project, projects)
    changelog.bulk_create(
        ProjectVolunteer,
        [{"project": pid, "volunteer": vid} for pid in project_ids for vid in rng.sample(volunteer_ids, 2)],
    )

    # Offers: from the initiatives, from volunteers and from private people.
    offers: list[dict] = []
    for iid, (_name, town, district, categories, _what) in zip(initiatives, _INITIATIVES, strict=True):
        for category in categories.split(","):
            offers.append(
                {
                    "kind": "offer",
                    "category": category,
                    "title": _OFFER_TITLES[category],
                    "provider_kind": "initiative",
                    "provider": iid,
                    "town": town,
                    "district": district,
                    "languages": "uk,de",
                    "status": "open",
                }
            )
    n_offers = max(12, len(families) // 40)
    for _offer in range(n_offers):
        town = rng.choice(tuple(_DISTRICTS))
        category = rng.choice(("accompaniment", "interpreting", "transport", "pet_care", "childcare", "donations"))
        private = rng.random() < 0.3
        offers.append(
            {
                "kind": "offer",
                "category": category,
                "title": _OFFER_TITLES[category],
                "provider_kind": "private" if private else "volunteer",
                "provider_name": rng.choice(("Familie Müller", "Herr Schulze", "Frau Neumann")) if private else "",
                "volunteer": None if private else rng.choice(volunteer_ids),
                "town": town,
                "district": rng.choice(_DISTRICTS[town]),
                "languages": rng.choice(("uk,de", "uk,ru,de", "de", "de,en")),
                "available_from": since(60),
                "available_until": today + dt.timedelta(days=rng.randint(14, 120)),
                "time_window": rng.choice(("werktags vormittags", "abends", "am Wochenende", "")),
                "status": rng.choice(("open", "open", "open", "withdrawn")),
            }
        )

    # Needs: some families post one.
    needs: list[dict] = []
    n_needs = max(16, len(families) // 25)
    chosen = rng.sample(range(len(families)), min(n_needs, len(families)))
    need_statuses = ("open", "open", "open", "matched", "matched", "done", "done", "withdrawn")
    for index in chosen:
        town, members = families[index]
        category = rng.choice(tuple(_NEED_TITLES))
        status = rng.choice(need_statuses)
        posted = since(330)
        needs.append(
            {
                "kind": "need",
                "category": category,
                "title": _NEED_TITLES[category][rng.random() < 0.5],
                "status": status,
                "person": person_ids[members[0][0]],
                "household": household_ids[index],
                "town": town,
                "district": rng.choice(_DISTRICTS[town]),
                "languages": rng.choice(("uk", "uk,ru")),
                "available_from": posted,
                "time_window": rng.choice(("vormittags", "nachmittags", "ab 17 Uhr", "")),
                "closed_on": posted + dt.timedelta(days=rng.randint(2, 40))
                if status in ("done", "withdrawn")
                else None,
                "project": project_ids[0] if category == "transport" and status == "open" else None,
            }
        )
    # Matched and done needs are met by an offer of their category (which is then matched itself) or,
    # where there is none, by an initiative of the directory: statuses agree with the matches.
    by_category: dict[str, list[int]] = {}
    for index, offer in enumerate(offers):
        if offer["status"] != "withdrawn":
            by_category.setdefault(offer["category"], []).append(index)
    met_by: dict[int, int | None] = {}
    for index, need in enumerate(needs):
        if need["status"] in ("matched", "done"):
            candidates = by_category.get(need["category"])
            met_by[index] = rng.choice(candidates) if candidates else None
            if candidates:
                offers[met_by[index]]["status"] = "matched"
    offer_ids = changelog.bulk_create(NeedOffer, offers)
    need_ids = changelog.bulk_create(NeedOffer, needs)
    matches = []
    for index, offer_index in met_by.items():
        matches.append(
            {
                "need": need_ids[index],
                "offer": offer_ids[offer_index] if offer_index is not None else None,
                "directory_entry": None if offer_index is not None else rng.choice(initiatives),
                # Demo records are made today, and the statistics count a need's days to its first match
                # from the day it was recorded: a match dated earlier would make that negative.
                "matched_on": today,
            }
        )
    changelog.bulk_create(Match, matches)

    # Volunteers' hours: most past accompaniments recorded, and other work by hand over the last year.
    hours = []
    now = dt.datetime.combine(today, dt.time())
    for aid, appointment in zip(appointment_ids, appointments, strict=True):
        if appointment["starts_at"] >= now or not appointment.get("volunteer") or rng.random() < 0.2:
            continue
        planned = appointment.get("duration_min", 60)
        authority = _AUTHORITY_OF_OFFICE.get(appointment["office"], "other")
        hours.append(
            {
                "volunteer": appointment["volunteer"],
                "on": appointment["starts_at"].date(),
                "minutes": planned + rng.choice((0, 0, 15, 30, -15 if planned > 30 else 0)),
                "travel_minutes": rng.choice((20, 30, 40, 60)),
                "activity": "accompaniment",
                "appointment_ref": aid,
                "office": authority,
            }
        )
    for vid in volunteer_ids:
        for month_back in range(12):
            for _entry in range(rng.randint(1, 4)):
                day = today - dt.timedelta(days=month_back * 30 + rng.randint(0, 29))
                activity = rng.choice(("interpreting", "forms", "counselling", "coordination", "project", "training"))
                hours.append(
                    {
                        "volunteer": vid,
                        "on": day,
                        "minutes": rng.choice((30, 45, 60, 90, 120, 180)),
                        "travel_minutes": rng.choice((0, 0, 15, 30)),
                        "activity": activity,
                        "project": rng.choice(project_ids) if activity == "project" else None,
                    }
                )
    changelog.bulk_create(VolunteerHours, hours)
    return {
        "directory_entry": len(initiatives) + len(contact_ids),
        "project": len(project_ids),
        "need_offer": len(need_ids) + len(offer_ids),
        "match": len(matches),
        "volunteer_hours": len(hours),
    }
