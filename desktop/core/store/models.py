"""Peewee models of the profile database.

Travelling records (subclasses of :class:`Travelling`) are the ones that go to other laptops. They are
written only through :mod:`desktop.core.store.changelog`; database triggers refuse any other write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import peewee as pw

from desktop.core.search.translit import kmu55

db = pw.DatabaseProxy()


class BaseModel(pw.Model):
    class Meta:
        database = db
        legacy_table_names = False


class SchemaVersion(BaseModel):
    """One row: the schema version the database is at."""

    version = pw.IntegerField()

    class Meta:
        table_name = "schema_version"


class Setting(BaseModel):
    """Local settings of this profile (device id, device name, own volunteer); they never travel."""

    key = pw.CharField(primary_key=True)
    value = pw.TextField()


class Peer(BaseModel):
    """A device or volunteer UUID named in the change log, numbered locally to keep the log small."""

    id = pw.AutoField()
    uuid = pw.CharField(unique=True)
    seal = pw.CharField(default="")  # migrations.peer_seal(id, uuid); check() compares (schema version 8)


class Change(BaseModel):
    """One field of one travelling record set to a value: the append-only log that travels."""

    seq = pw.AutoField()  # local order of arrival, for "changes since the last export"
    change_id = pw.BlobField()  # UUID, 16 bytes
    record_type = pw.CharField()
    record_id = pw.BlobField()  # UUID, 16 bytes
    field = pw.CharField()
    value = pw.TextField(null=True)  # canonical JSON
    hlc = pw.BigIntegerField()
    device = pw.ForeignKeyField(Peer, column_name="device")
    author = pw.ForeignKeyField(Peer, column_name="author", null=True)  # the volunteer
    base = pw.BlobField(null=True)  # change_id of the value this one replaced

    class Meta:
        table_name = "change"


class Travelling(BaseModel):
    """A record that travels between laptops: UUID key, creation stamp, author device, tombstone."""

    #: Name used in the change log; stable across releases.
    record_type: ClassVar[str] = ""
    #: Every travelling model, in dependency order (parents first); filled by __init_subclass__.
    registry: ClassVar[list[type[Travelling]]] = []

    id = pw.CharField(primary_key=True)
    created_at = pw.DateTimeField()  # UTC, from the stamp of the record's first change
    created_by = pw.CharField()  # device id
    deleted = pw.BooleanField(default=False)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.record_type:
            Travelling.registry.append(cls)

    #: Columns computed from other fields on every write; never logged, never travel.
    derived: ClassVar[tuple[str, ...]] = ()

    #: Columns that are not logged as fields: the key, and the creation stamp and device, which every
    #: laptop takes from the record's first change.
    META_FIELDS: ClassVar[tuple[str, ...]] = ("id", "created_at", "created_by")

    @classmethod
    def data_fields(cls) -> list[pw.Field]:
        """The fields that are logged field by field (not the metadata and not derived columns)."""
        cached = cls.__dict__.get("_data_fields")
        if cached is None:
            cached = [f for f in cls._meta.sorted_fields if f.name not in cls.META_FIELDS and f.name not in cls.derived]
            cls._data_fields = cached  # type: ignore[attr-defined]
        return list(cached)

    @classmethod
    def derive(cls, row: dict[str, Any]) -> dict[str, Any]:
        """Values of the derived columns for a full row of field values."""
        return {}


class Volunteer(Travelling):
    record_type = "volunteer"
    name = pw.CharField()
    phone = pw.CharField(null=True)
    email = pw.CharField(null=True)


def person_sort_key(row: Mapping[str, Any]) -> str:
    """Lower-case 'family given' in Latin letters; Cyrillic-only names sort by their KMU-55 form.

    Derived by the store whenever a person's names change (Person.derive), so it lives here, below the
    domain services that use it."""
    family = row.get("family_name") or kmu55(row.get("family_name_cyr") or "")
    given = row.get("given_name") or kmu55(row.get("given_name_cyr") or "")
    return f"{family} {given}".casefold().strip()


class Person(Travelling):
    record_type = "person"
    # Names as in the passport (Latin, KMU-55) and in the person's own Cyrillic.
    family_name = pw.CharField(default="")
    given_name = pw.CharField(default="")
    family_name_cyr = pw.CharField(default="")
    given_name_cyr = pw.CharField(default="")
    patronymic = pw.CharField(default="")
    birth_date = pw.DateField(null=True)
    birth_place = pw.CharField(default="")
    nationality = pw.CharField(default="")
    languages = pw.CharField(default="")
    phone = pw.CharField(default="")
    telegram = pw.CharField(default="")
    email = pw.CharField(default="")
    street = pw.CharField(default="")
    postcode = pw.CharField(default="")
    city = pw.CharField(default="")
    notes = pw.TextField(default="")
    # Identifiers at the offices (schema version 2).
    jobcenter_customer_no = pw.CharField(default="")
    bg_number = pw.CharField(default="")
    abh_file_no = pw.CharField(default="")
    tax_id = pw.CharField(default="")
    pension_no = pw.CharField(default="")
    health_insurer = pw.CharField(default="")
    insurance_no = pw.CharField(default="")
    iban = pw.CharField(default="")
    #: When two records of one person were merged: the id of the one that was kept (this one is deleted).
    merged_into = pw.CharField(default="")
    # Lower-cased "family given" in Latin letters, for sorting and keyset paging of lists.
    sort_key = pw.CharField(default="", index=True)

    derived: ClassVar[tuple[str, ...]] = ("sort_key",)

    @classmethod
    def derive(cls, row: dict[str, Any]) -> dict[str, Any]:
        return {"sort_key": person_sort_key(row)}

    def display_name(self) -> str:
        """'FAMILY, Given' in passport letters, or the Cyrillic name when no Latin one is known."""
        return person_name(self.family_name, self.given_name, self.family_name_cyr, self.given_name_cyr)


def person_name(family: str | None, given: str | None, family_cyr: str | None, given_cyr: str | None) -> str:
    """How lists show a person: 'Family, Given' in passport letters, Cyrillic when no Latin is known."""
    family = family or family_cyr or ""
    given = given or given_cyr or ""
    return f"{family}, {given}" if family and given else family or given


class Household(Travelling):
    """A Bedarfsgemeinschaft: the people the Jobcenter assesses together."""

    record_type = "household"
    name = pw.CharField(default="")
    notes = pw.TextField(default="")


class HouseholdMember(Travelling):
    record_type = "household_member"
    ROLES: ClassVar[tuple[str, ...]] = ("applicant", "partner", "child_u15", "child_15_24", "other")
    household = pw.ForeignKeyField(Household, backref="members", on_delete="CASCADE")
    person = pw.ForeignKeyField(Person, backref="memberships", on_delete="CASCADE")
    role = pw.CharField(default="other")


class Case(Travelling):
    """A Vorgang: one matter at one office for one person or household."""

    record_type = "case"
    STATUSES: ClassVar[tuple[str, ...]] = ("open", "waiting", "decided", "closed")
    reference = pw.CharField(default="")
    title = pw.CharField(default="")
    case_type = pw.CharField(default="other")
    authority = pw.CharField(default="")
    status = pw.CharField(default="open")
    person = pw.ForeignKeyField(Person, backref="cases", null=True, on_delete="CASCADE")
    household = pw.ForeignKeyField(Household, backref="cases", null=True, on_delete="SET NULL")
    lead_volunteer = pw.ForeignKeyField(Volunteer, null=True, on_delete="SET NULL")
    opened_on = pw.DateField(null=True)
    closed_on = pw.DateField(null=True)
    notes = pw.TextField(default="")
    # Dates the case type's timeline counts from (schema version 3).
    letter_date = pw.DateField(null=True)  # date of the authority's letter (Bescheid)
    period_end = pw.DateField(null=True)  # end of the Bewilligungszeitraum
    move_in = pw.DateField(null=True)  # day of moving in (Anmeldung)
    decision_on = pw.DateField(null=True)  # decision received


class CaseVolunteer(Travelling):
    """A helper on a case besides the lead volunteer."""

    record_type = "case_volunteer"
    case = pw.ForeignKeyField(Case, backref="helpers", on_delete="CASCADE")
    volunteer = pw.ForeignKeyField(Volunteer, on_delete="CASCADE")


class ResidenceDocument(Travelling):
    """A residence document: §24 eAT, Fiktionsbescheinigung, passport, other."""

    record_type = "residence_document"
    KINDS: ClassVar[tuple[str, ...]] = ("24", "fiktion", "passport", "other")
    person = pw.ForeignKeyField(Person, backref="documents", on_delete="CASCADE")
    kind = pw.CharField(default="24")
    number = pw.CharField(default="")
    issued_on = pw.DateField(null=True)
    printed_until = pw.DateField(null=True)
    authority = pw.CharField(default="")
    notes = pw.TextField(default="")


class ChecklistItem(Travelling):
    """One document of a case's checklist: have / copied / submitted (when, how) / receipt received."""

    record_type = "checklist_item"
    HOW: ClassVar[tuple[str, ...]] = ("", "in_person", "letter", "fax", "online")
    case = pw.ForeignKeyField(Case, backref="checklist", on_delete="CASCADE")
    item_key = pw.CharField(default="")
    label = pw.CharField(default="")
    position = pw.IntegerField(default=0)
    have = pw.BooleanField(default=False)
    copied = pw.BooleanField(default=False)
    submitted_on = pw.DateField(null=True)
    submitted_how = pw.CharField(default="")
    receipt = pw.BooleanField(default=False)
    notes = pw.TextField(default="")


class Appointment(Travelling):
    """A Termin at an office."""

    record_type = "appointment"
    starts_at = pw.DateTimeField()
    office = pw.CharField(default="")
    address = pw.CharField(default="")
    case = pw.ForeignKeyField(Case, backref="appointments", null=True, on_delete="CASCADE")
    person = pw.ForeignKeyField(Person, backref="appointments", null=True, on_delete="CASCADE")
    volunteer = pw.ForeignKeyField(Volunteer, null=True, on_delete="SET NULL")
    interpreter_needed = pw.BooleanField(default=False)
    outcome = pw.TextField(default="")
    purpose = pw.CharField(default="")
    office_key = pw.CharField(default="")  # entry of the office directory, if chosen from it
    duration_min = pw.IntegerField(default=60)


class Task(Travelling):
    """A task or a deadline (kind 'deadline' for legal time limits)."""

    record_type = "task"
    title = pw.CharField(default="")
    kind = pw.CharField(default="task")
    due_date = pw.DateField(null=True)
    done = pw.BooleanField(default=False)
    case = pw.ForeignKeyField(Case, backref="tasks", null=True, on_delete="CASCADE")
    person = pw.ForeignKeyField(Person, backref="tasks", null=True, on_delete="CASCADE")
    volunteer = pw.ForeignKeyField(Volunteer, null=True, on_delete="SET NULL")
    notes = pw.TextField(default="")
    step_key = pw.CharField(default="")  # the case type's timeline step this task comes from
    done_on = pw.DateField(null=True)
    basis = pw.CharField(default="")  # legal basis or rule, e.g. "§84 SGG"


class Note(Travelling):
    record_type = "note"
    text = pw.TextField(default="")
    case = pw.ForeignKeyField(Case, backref="case_notes", null=True, on_delete="CASCADE")
    person = pw.ForeignKeyField(Person, backref="person_notes", null=True, on_delete="CASCADE")
    author = pw.ForeignKeyField(Volunteer, null=True, on_delete="SET NULL")


ALL_MODELS: list[type[BaseModel]] = [SchemaVersion, Setting, Peer, Change, *Travelling.registry]


def model_for(record_type: str) -> type[Travelling]:
    for model in Travelling.registry:
        if model.record_type == record_type:
            return model
    raise KeyError(record_type)


class FilledForm(Travelling):
    """A template filled for a person (and case): a draft that can be resumed, or the version printed."""

    record_type = "filled_form"

    person = pw.ForeignKeyField(Person, backref="filled_forms", on_delete="CASCADE")
    case = pw.ForeignKeyField(Case, backref="filled_forms", null=True, on_delete="CASCADE")
    template_id = pw.CharField(default="")
    template_version = pw.IntegerField(default=0)
    values = pw.TextField(default="{}")  # canonical JSON of the field values
    status = pw.CharField(default="draft")  # draft | final


class PrintedDocument(Travelling):
    """A document printed or saved as PDF: which template and version, its SHA-256, when, how."""

    record_type = "printed_document"

    person = pw.ForeignKeyField(Person, backref="printed_documents", on_delete="CASCADE")
    case = pw.ForeignKeyField(Case, backref="printed_documents", null=True, on_delete="CASCADE")
    template_id = pw.CharField(default="")
    template_version = pw.IntegerField(default=0)
    sha256 = pw.CharField(default="")
    printed_on = pw.DateField(null=True)
    how = pw.CharField(default="print")  # print | pdf


class SavedFile(BaseModel):
    """Where this laptop saved a printed document as PDF (schema version 9); local, it never travels."""

    printed_document = pw.ForeignKeyField(
        PrintedDocument, primary_key=True, on_delete="CASCADE", column_name="printed_document_id"
    )
    path = pw.TextField()

    class Meta:
        table_name = "saved_file"


class DistinctPair(Travelling):
    """Two records that look like one person but are not (e.g. cousins of one name born on one day).

    ``first`` sorts before ``second`` by id, so both laptops describe a pair the same way.
    """

    record_type = "distinct_pair"

    first = pw.ForeignKeyField(Person, backref="distinct_as_first", on_delete="CASCADE")
    second = pw.ForeignKeyField(Person, backref="distinct_as_second", on_delete="CASCADE")


class Consent(Travelling):
    """A consent or power of attorney a person signed (schema version 12): Einwilligung in die
    Datenverarbeitung, Schweigepflichtentbindung or Vollmacht, with its dates and the printed paper copy.

    ``offices`` holds the offices a Vollmacht covers as comma-separated keys in a fixed order (like a
    person's ``languages``), so two laptops write the same set the same way."""

    record_type = "consent"
    KINDS: ClassVar[tuple[str, ...]] = ("data_processing", "confidentiality_release", "power_of_attorney")
    OFFICES: ClassVar[tuple[str, ...]] = (
        "jobcenter",
        "auslaenderbehoerde",
        "familienkasse",
        "sozialamt",
        "buergeramt",
        "krankenkasse",
        "other",
    )
    person = pw.ForeignKeyField(Person, backref="consents", on_delete="CASCADE")
    kind = pw.CharField(default="data_processing")
    offices = pw.CharField(default="")
    signed_on = pw.DateField()
    valid_until = pw.DateField(null=True)
    withdrawn_on = pw.DateField(null=True)
    paper_copy = pw.ForeignKeyField(PrintedDocument, null=True, on_delete="SET NULL", column_name="paper_copy_id")
    notes = pw.TextField(default="")


# --- The network around the cases (schema version 13) ---------------------------------------------------
#: What a need or an offer is about (the keys travel; desktop.core.network.categories labels them).
NEED_CATEGORIES: tuple[str, ...] = (
    "housing",
    "pet_care",
    "accompaniment",
    "interpreting",
    "forms",
    "donations",
    "childcare",
    "language_course",
    "work",
    "transport",
    "medical",
    "other",
)


class DirectoryEntry(Travelling):
    """An entry of the directory: an office, an initiative or association, or a contact person at one.

    Offices of the shipped directory (resources/offices.json) carry its ``key``, so every laptop seeds the
    same record (the id is derived from the key) and letters and appointments find them by it. ``source``
    says where each fact comes from and ``checked`` when it was last looked at."""

    record_type = "directory_entry"
    KINDS: ClassVar[tuple[str, ...]] = ("office", "initiative", "contact")
    kind = pw.CharField(default="office")
    key = pw.CharField(default="")
    name = pw.CharField(default="")
    authority = pw.CharField(default="")  # offices: the authority key of case_types.json
    town = pw.CharField(default="")
    district = pw.CharField(default="")
    street = pw.CharField(default="")
    postcode = pw.CharField(default="")
    hours = pw.TextField(default="")
    phone = pw.CharField(default="")
    email = pw.CharField(default="")
    website = pw.CharField(default="")
    categories = pw.CharField(default="")  # need categories it serves, comma-separated keys in NEED_CATEGORIES order
    offers = pw.TextField(default="")  # initiatives: what they offer, in words
    organisation = pw.ForeignKeyField("self", null=True, on_delete="SET NULL", column_name="organisation_id")
    role = pw.CharField(default="")  # contacts: their role
    engagement = pw.CharField(default="")  # contacts: "" | "paid" (Hauptamt) | "volunteer" (Ehrenamt)
    notes = pw.TextField(default="")
    source = pw.TextField(default="")
    checked = pw.CharField(default="")  # when the source was last checked (year or date)

    class Meta:
        table_name = "directory_entry"


class Project(Travelling):
    """A short project of the initiative, started for needs no offer meets."""

    record_type = "project"
    STATUSES: ClassVar[tuple[str, ...]] = ("planned", "running", "done", "cancelled")
    title = pw.CharField(default="")
    goal = pw.TextField(default="")
    status = pw.CharField(default="planned")
    town = pw.CharField(default="")
    starts_on = pw.DateField(null=True)
    ends_on = pw.DateField(null=True)
    notes = pw.TextField(default="")


class ProjectVolunteer(Travelling):
    """A volunteer working on a project."""

    record_type = "project_volunteer"
    project = pw.ForeignKeyField(Project, backref="volunteers", on_delete="CASCADE")
    volunteer = pw.ForeignKeyField(Volunteer, on_delete="CASCADE")

    class Meta:
        table_name = "project_volunteer"


class NeedOffer(Travelling):
    """A need ("Suche") of a person or family, or an offer ("Biete") of a volunteer, an initiative, an office
    or a private person. ``languages`` holds language keys comma-separated in a fixed order (as a person's);
    ``available_from``/``available_until`` and ``time_window`` say when; ``closed_on`` is the day it became
    done or withdrawn."""

    record_type = "need_offer"
    KINDS: ClassVar[tuple[str, ...]] = ("need", "offer")
    STATUSES: ClassVar[tuple[str, ...]] = ("open", "matched", "done", "withdrawn")
    PROVIDERS: ClassVar[tuple[str, ...]] = ("", "volunteer", "initiative", "office", "private")
    kind = pw.CharField(default="need")
    category = pw.CharField(default="other")
    title = pw.CharField(default="")
    status = pw.CharField(default="open")
    person = pw.ForeignKeyField(Person, backref="needs", null=True, on_delete="CASCADE")
    household = pw.ForeignKeyField(Household, backref="needs", null=True, on_delete="CASCADE")
    case = pw.ForeignKeyField(Case, backref="needs", null=True, on_delete="SET NULL")
    provider_kind = pw.CharField(default="")
    provider = pw.ForeignKeyField(DirectoryEntry, null=True, on_delete="SET NULL", column_name="provider_id")
    volunteer = pw.ForeignKeyField(Volunteer, null=True, on_delete="SET NULL")
    provider_name = pw.CharField(default="")  # a private person's name (never in a post)
    town = pw.CharField(default="")
    district = pw.CharField(default="")
    languages = pw.CharField(default="")
    available_from = pw.DateField(null=True)
    available_until = pw.DateField(null=True)
    time_window = pw.CharField(default="")
    closed_on = pw.DateField(null=True)
    project = pw.ForeignKeyField(Project, backref="needs", null=True, on_delete="SET NULL")
    notes = pw.TextField(default="")

    class Meta:
        table_name = "need_offer"


class Match(Travelling):
    """A need met by an offer or by an entry of the directory, with the case or appointment it led to."""

    record_type = "match"
    need = pw.ForeignKeyField(NeedOffer, backref="matches", on_delete="CASCADE")
    offer = pw.ForeignKeyField(NeedOffer, backref="offer_matches", null=True, on_delete="CASCADE")
    directory_entry = pw.ForeignKeyField(DirectoryEntry, null=True, on_delete="SET NULL")
    case = pw.ForeignKeyField(Case, null=True, on_delete="SET NULL")
    appointment = pw.ForeignKeyField(Appointment, null=True, on_delete="SET NULL")
    matched_on = pw.DateField(null=True)
    notes = pw.TextField(default="")


class VolunteerHours(Travelling):
    """Time a volunteer gave: an accompanied appointment or another activity, on one day.

    ``appointment_ref`` is the id of the appointment it was recorded from, kept as text and not as a foreign
    key: erasing the client removes the appointment but not the volunteer's hours. ``office`` keeps the
    authority key of that appointment's office for the statistics."""

    record_type = "volunteer_hours"
    ACTIVITIES: ClassVar[tuple[str, ...]] = (
        "accompaniment",
        "interpreting",
        "forms",
        "counselling",
        "project",
        "coordination",
        "training",
        "other",
    )
    volunteer = pw.ForeignKeyField(Volunteer, backref="hours", on_delete="CASCADE")
    on = pw.DateField()
    minutes = pw.IntegerField(default=0)
    travel_minutes = pw.IntegerField(default=0)
    activity = pw.CharField(default="other")
    appointment_ref = pw.CharField(default="")
    office = pw.CharField(default="")
    project = pw.ForeignKeyField(Project, null=True, on_delete="SET NULL")
    notes = pw.TextField(default="")

    class Meta:
        table_name = "volunteer_hours"
