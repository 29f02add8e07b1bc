"""Numbered schema migrations, applied in order, each in its own transaction with the version bump.

Migrations are frozen SQL: they never import the current models, so a profile of any earlier version can
be upgraded however the models look today. Add a migration at the end; never edit a released one.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

import peewee as pw

from desktop.core.errors import UserError
from desktop.i18n import _

log = logging.getLogger(__name__)


class SchemaTooNew(UserError):
    """The database was written by a newer program."""


TRAVELLING_TABLES_V1 = (
    "volunteer",
    "person",
    "household",
    "household_member",
    "case",
    "appointment",
    "task",
    "note",
)

_TRAVELLING_COLUMNS = """
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0"""


def _fk(table: str, on_delete: str) -> str:
    return f'REFERENCES "{table}" (id) ON DELETE {on_delete} DEFERRABLE INITIALLY DEFERRED'


def guard_triggers(table: str) -> list[str]:
    """Triggers that refuse writes to a travelling table outside the change-log writer.

    ``bg_changelog_open()`` is registered on every connection the app opens and is true only while the
    change-log writer holds its transaction; any other path (raw SQL, peewee queries, the sqlcipher shell)
    is refused.
    """
    statements = []
    for event in ("INSERT", "UPDATE", "DELETE"):
        statements.append(
            f'CREATE TRIGGER IF NOT EXISTS "guard_{table}_{event.lower()}" BEFORE {event} ON "{table}" '
            f"WHEN NOT bg_changelog_open() BEGIN "
            f"SELECT RAISE(ABORT, 'travelling records change only through the change log'); END"
        )
    return statements


def _v1(db: pw.Database) -> None:
    statements = [
        "CREATE TABLE schema_version (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)",
        "CREATE TABLE setting (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)",
        # Devices and authors named in the change log, stored once (the log refers to them by number).
        "CREATE TABLE peer (id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE)",
        # change_id, record_id and base are 16-byte UUIDs: the log is the largest table, kept compact.
        """CREATE TABLE change (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            change_id BLOB NOT NULL,
            record_type TEXT NOT NULL,
            record_id BLOB NOT NULL,
            field TEXT NOT NULL,
            value TEXT,
            hlc INTEGER NOT NULL,
            device INTEGER NOT NULL REFERENCES peer (id),
            author INTEGER REFERENCES peer (id),
            base BLOB)""",
        # A change is identified by its record, field, stamp and device as well as by its change_id:
        # this one index serves both "the current change of a field" and "is this change known already".
        "CREATE UNIQUE INDEX change_record_field ON change (record_id, field, hlc, device)",
        # The log is append-only: no path may rewrite history (erasure gets its own door later).
        "CREATE TRIGGER change_no_update BEFORE UPDATE ON change "
        "BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END",
        "CREATE TRIGGER change_no_delete BEFORE DELETE ON change WHEN NOT bg_erasure_open() "
        "BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END",
        f"""CREATE TABLE volunteer ({_TRAVELLING_COLUMNS},
            name TEXT NOT NULL, phone TEXT, email TEXT)""",
        f"""CREATE TABLE person ({_TRAVELLING_COLUMNS},
            family_name TEXT NOT NULL DEFAULT '', given_name TEXT NOT NULL DEFAULT '',
            family_name_cyr TEXT NOT NULL DEFAULT '', given_name_cyr TEXT NOT NULL DEFAULT '',
            patronymic TEXT NOT NULL DEFAULT '', birth_date TEXT, birth_place TEXT NOT NULL DEFAULT '',
            nationality TEXT NOT NULL DEFAULT '', languages TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '', telegram TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',
            street TEXT NOT NULL DEFAULT '', postcode TEXT NOT NULL DEFAULT '', city TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '', sort_key TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX person_sort_key ON person (sort_key, id)",
        f"""CREATE TABLE household ({_TRAVELLING_COLUMNS},
            name TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '')""",
        f"""CREATE TABLE household_member ({_TRAVELLING_COLUMNS},
            household_id TEXT NOT NULL {_fk("household", "CASCADE")},
            person_id TEXT NOT NULL {_fk("person", "CASCADE")},
            role TEXT NOT NULL DEFAULT 'other')""",
        "CREATE INDEX household_member_household ON household_member (household_id)",
        "CREATE INDEX household_member_person ON household_member (person_id)",
        f"""CREATE TABLE "case" ({_TRAVELLING_COLUMNS},
            reference TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '',
            case_type TEXT NOT NULL DEFAULT 'other', authority TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'open',
            person_id TEXT {_fk("person", "CASCADE")},
            household_id TEXT {_fk("household", "SET NULL")},
            lead_volunteer_id TEXT {_fk("volunteer", "SET NULL")},
            opened_on TEXT, closed_on TEXT, notes TEXT NOT NULL DEFAULT '')""",
        'CREATE INDEX case_person ON "case" (person_id)',
        'CREATE INDEX case_household ON "case" (household_id)',
        'CREATE INDEX case_opened ON "case" (opened_on, id)',
        f"""CREATE TABLE appointment ({_TRAVELLING_COLUMNS},
            starts_at TEXT NOT NULL, office TEXT NOT NULL DEFAULT '', address TEXT NOT NULL DEFAULT '',
            case_id TEXT {_fk("case", "CASCADE")},
            person_id TEXT {_fk("person", "CASCADE")},
            volunteer_id TEXT {_fk("volunteer", "SET NULL")},
            interpreter_needed INTEGER NOT NULL DEFAULT 0, outcome TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX appointment_starts ON appointment (starts_at)",
        "CREATE INDEX appointment_case ON appointment (case_id)",
        "CREATE INDEX appointment_person ON appointment (person_id)",
        f"""CREATE TABLE task ({_TRAVELLING_COLUMNS},
            title TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL DEFAULT 'task', due_date TEXT,
            done INTEGER NOT NULL DEFAULT 0,
            case_id TEXT {_fk("case", "CASCADE")},
            person_id TEXT {_fk("person", "CASCADE")},
            volunteer_id TEXT {_fk("volunteer", "SET NULL")},
            notes TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX task_due ON task (due_date)",
        "CREATE INDEX task_case ON task (case_id)",
        "CREATE INDEX task_person ON task (person_id)",
        f"""CREATE TABLE note ({_TRAVELLING_COLUMNS},
            text TEXT NOT NULL DEFAULT '',
            case_id TEXT {_fk("case", "CASCADE")},
            person_id TEXT {_fk("person", "CASCADE")},
            author_id TEXT {_fk("volunteer", "SET NULL")})""",
        "CREATE INDEX note_case ON note (case_id)",
        "CREATE INDEX note_person ON note (person_id)",
    ]
    for table in TRAVELLING_TABLES_V1:
        statements.extend(guard_triggers(table))
    for sql in statements:
        db.execute_sql(sql)


def _v2(db: pw.Database) -> None:
    """Identifiers a person has at the offices (Jobcenter, Ausländerbehörde, tax, pension, health)."""
    for column in (
        "jobcenter_customer_no",
        "bg_number",
        "abh_file_no",
        "tax_id",
        "pension_no",
        "health_insurer",
        "insurance_no",
        "iban",
    ):
        db.execute_sql(f"ALTER TABLE person ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")


def _v3(db: pw.Database) -> None:
    """Case work: residence documents, case helpers, document checklists, timeline anchors."""
    statements = [
        f"""CREATE TABLE residence_document ({_TRAVELLING_COLUMNS},
            person_id TEXT NOT NULL {_fk("person", "CASCADE")},
            kind TEXT NOT NULL DEFAULT '24', number TEXT NOT NULL DEFAULT '', issued_on TEXT,
            printed_until TEXT, authority TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX residence_document_person ON residence_document (person_id)",
        "CREATE INDEX residence_document_until ON residence_document (printed_until)",
        f"""CREATE TABLE case_volunteer ({_TRAVELLING_COLUMNS},
            case_id TEXT NOT NULL {_fk("case", "CASCADE")},
            volunteer_id TEXT NOT NULL {_fk("volunteer", "CASCADE")})""",
        "CREATE INDEX case_volunteer_case ON case_volunteer (case_id)",
        f"""CREATE TABLE checklist_item ({_TRAVELLING_COLUMNS},
            case_id TEXT NOT NULL {_fk("case", "CASCADE")},
            item_key TEXT NOT NULL DEFAULT '', label TEXT NOT NULL DEFAULT '', position INTEGER NOT NULL DEFAULT 0,
            have INTEGER NOT NULL DEFAULT 0, copied INTEGER NOT NULL DEFAULT 0, submitted_on TEXT,
            submitted_how TEXT NOT NULL DEFAULT '', receipt INTEGER NOT NULL DEFAULT 0,
            notes TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX checklist_item_case ON checklist_item (case_id, position)",
        # Dates the case type's timeline counts from.
        'ALTER TABLE "case" ADD COLUMN letter_date TEXT',
        'ALTER TABLE "case" ADD COLUMN period_end TEXT',
        'ALTER TABLE "case" ADD COLUMN move_in TEXT',
        'ALTER TABLE "case" ADD COLUMN decision_on TEXT',
        "ALTER TABLE appointment ADD COLUMN purpose TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE appointment ADD COLUMN office_key TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE appointment ADD COLUMN duration_min INTEGER NOT NULL DEFAULT 60",
        "ALTER TABLE task ADD COLUMN step_key TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE task ADD COLUMN done_on TEXT",
        "ALTER TABLE task ADD COLUMN basis TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX task_open_due ON task (done, due_date)",
        "CREATE INDEX note_written ON note (created_at)",
    ]
    for table in ("residence_document", "case_volunteer", "checklist_item"):
        statements.extend(guard_triggers(table))
    for sql in statements:
        db.execute_sql(sql)


def _v4(db: pw.Database) -> None:
    """Indexes on the exact sort keys of the case and task lists, so each page is an index range scan."""
    for sql in (
        """CREATE INDEX case_list ON "case" (coalesce(opened_on, ''), id)""",
        "CREATE INDEX task_list_open ON task (done, coalesce(due_date, '9999-12-31'), id)",
        "CREATE INDEX task_list_all ON task (coalesce(due_date, '9999-12-31'), id)",
        "CREATE INDEX appointment_volunteer ON appointment (volunteer_id, starts_at)",
    ):
        db.execute_sql(sql)


def _v5(db: pw.Database) -> None:
    """Full-text search over people in every spelling, kept current in the writing transaction.

    ``person_search`` (FTS5) holds one document per person (names, their keys, name groups, birth date,
    phone, identifiers) and one per case with a reference (Aktenzeichen). ``search_map`` gives each document
    a stable number (a rowid of a table without an INTEGER PRIMARY KEY may change on VACUUM) and the person
    it finds. Triggers put every changed person and case into ``search_queue``; the change-log writer
    re-indexes the queue with a few set-wise statements before its transaction commits (FTS5 writes from
    inside a trigger would flush the index once per row, four times slower). For existing profiles every
    person and case is queued here, and the index is built when the store opens, right after migrating.
    Also: the person a merged record was merged into, and an index for duplicate checks.
    """
    person_columns = (
        "family_name, given_name, family_name_cyr, given_name_cyr, patronymic, birth_place, birth_date, phone, "
        "jobcenter_customer_no, bg_number, abh_file_no, deleted"
    )
    statements = [
        "ALTER TABLE person ADD COLUMN merged_into TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX person_birth_date ON person (birth_date)",
        "CREATE TABLE search_map (doc INTEGER PRIMARY KEY, record_id TEXT NOT NULL UNIQUE, person_id TEXT NOT NULL)",
        "CREATE TABLE search_queue (record_id TEXT PRIMARY KEY, kind TEXT NOT NULL) WITHOUT ROWID",
        "CREATE VIRTUAL TABLE person_search USING fts5(spell, skel, grp, ids, content='', contentless_delete=1, "
        "prefix='2 3', tokenize='unicode61 remove_diacritics 0', detail='column')",
        "CREATE VIRTUAL TABLE person_search_terms USING fts5vocab(person_search, 'col')",
    ]
    for table, kind, columns in (
        ("person", "person", person_columns),
        ("case", "case", "reference, person_id, deleted"),
    ):
        for event, row, of in (("INSERT", "NEW", ""), ("UPDATE", "NEW", f" OF {columns}"), ("DELETE", "OLD", "")):
            statements.append(
                f'CREATE TRIGGER search_{kind}_{event.lower()} AFTER {event}{of} ON "{table}" '
                f"WHEN bg_search_queue_open() BEGIN "
                f"INSERT OR IGNORE INTO search_queue (record_id, kind) VALUES ({row}.id, '{kind}'); END"
            )
    statements += [
        "INSERT INTO search_queue (record_id, kind) SELECT id, 'person' FROM person",
        """INSERT INTO search_queue (record_id, kind) SELECT id, 'case' FROM "case" WHERE reference != ''""",
    ]
    for sql in statements:
        db.execute_sql(sql)


def _v6(db: pw.Database) -> None:
    """Forms: drafts of filled templates, and a record of every printed or saved document."""
    statements = [
        f"""CREATE TABLE filled_form ({_TRAVELLING_COLUMNS},
            person_id TEXT NOT NULL {_fk("person", "CASCADE")},
            case_id TEXT {_fk("case", "CASCADE")},
            template_id TEXT NOT NULL DEFAULT '', template_version INTEGER NOT NULL DEFAULT 0,
            "values" TEXT NOT NULL DEFAULT '{{}}', status TEXT NOT NULL DEFAULT 'draft')""",
        "CREATE INDEX filled_form_person ON filled_form (person_id)",
        "CREATE INDEX filled_form_case ON filled_form (case_id)",
        f"""CREATE TABLE printed_document ({_TRAVELLING_COLUMNS},
            person_id TEXT NOT NULL {_fk("person", "CASCADE")},
            case_id TEXT {_fk("case", "CASCADE")},
            template_id TEXT NOT NULL DEFAULT '', template_version INTEGER NOT NULL DEFAULT 0,
            sha256 TEXT NOT NULL DEFAULT '', printed_on TEXT, how TEXT NOT NULL DEFAULT 'print')""",
        "CREATE INDEX printed_document_case ON printed_document (case_id)",
        "CREATE INDEX printed_document_person ON printed_document (person_id)",
    ]
    for table in ("filled_form", "printed_document"):
        statements.extend(guard_triggers(table))
    for sql in statements:
        db.execute_sql(sql)


def _v7(db: pw.Database) -> None:
    """Two records a volunteer has looked at and found to be different people (no longer listed as duplicates)."""
    statements = [
        f"""CREATE TABLE distinct_pair ({_TRAVELLING_COLUMNS},
            first_id TEXT NOT NULL {_fk("person", "CASCADE")},
            second_id TEXT NOT NULL {_fk("person", "CASCADE")})""",
        "CREATE INDEX distinct_pair_first ON distinct_pair (first_id)",
        "CREATE INDEX distinct_pair_second ON distinct_pair (second_id)",
        *guard_triggers("distinct_pair"),
    ]
    for sql in statements:
        db.execute_sql(sql)


def peer_seal(peer_id: int, uuid: str) -> str:
    """The seal of a ``peer`` row: binds its number to its UUID, so ``check`` sees a rewritten peer.

    Frozen like the migrations: every profile's seals were made with it.
    """
    return hashlib.sha256(f"begleiter-peer:{peer_id}:{uuid}".encode()).hexdigest()


def _v8(db: pw.Database) -> None:
    """The change log's own tables guarded like the travelling ones.

    Entries are added only by the change-log writer (``bg_changelog_open()``, which sync will open too).
    ``peer`` rows, which name the device and author of every entry, are added only by the writer and are
    append-only: rewriting a peer's UUID would rewrite the device of every change it made. Each peer
    gets a seal of its number and UUID (:func:`peer_seal`), so ``check`` also finds a peer rewritten
    where these triggers were dropped.
    """
    db.execute_sql("ALTER TABLE peer ADD COLUMN seal TEXT NOT NULL DEFAULT ''")
    for peer_id, uuid in db.execute_sql("SELECT id, uuid FROM peer").fetchall():
        db.execute_sql("UPDATE peer SET seal = ? WHERE id = ?", (peer_seal(peer_id, uuid), peer_id))
    for sql in (
        "CREATE TRIGGER change_guard_insert BEFORE INSERT ON change WHEN NOT bg_changelog_open() "
        "BEGIN SELECT RAISE(ABORT, 'the change log is written only by its writer'); END",
        "CREATE TRIGGER peer_guard_insert BEFORE INSERT ON peer WHEN NOT bg_changelog_open() "
        "BEGIN SELECT RAISE(ABORT, 'the change log is written only by its writer'); END",
        "CREATE TRIGGER peer_no_update BEFORE UPDATE ON peer "
        "BEGIN SELECT RAISE(ABORT, 'the devices and authors of the change log are append-only'); END",
        "CREATE TRIGGER peer_no_delete BEFORE DELETE ON peer "
        "BEGIN SELECT RAISE(ABORT, 'the devices and authors of the change log are append-only'); END",
    ):
        db.execute_sql(sql)


def _v9(db: pw.Database) -> None:
    """Where this laptop saved a printed document as PDF, to open it again from the timelines.

    Local to the device (a path means nothing on another laptop), so it does not travel; kept in the
    encrypted database because a file name may hold a client's name. Goes with its printed document.
    """
    db.execute_sql(
        "CREATE TABLE saved_file (printed_document_id TEXT PRIMARY KEY NOT NULL "
        'REFERENCES "printed_document" (id) ON DELETE CASCADE, path TEXT NOT NULL)'
    )


def _v10(db: pw.Database) -> None:
    """Exchange between laptops (bundles), conflicts, erasure markers and what each laptop knows.

    - ``change_base``: further bases of a change that resolves a conflict (the ``base`` column names the
      first); written by the change-log writer only, removed only by erasure.
    - ``erasure``: one marker per erased record (its id, type and the eraser's stamp and device); it
      travels, so every laptop erases too and an older change of the record is never applied again.
    - ``conflict``: fields with two or more current values (derived from the log, refreshed by the merge).
    - ``knowledge``: per device, the stamp up to which this laptop holds every change that device made.
    - ``team_device``: every laptop known from bundles, its volunteer, what it knew and when its last
      bundle came; ``bundle``: every bundle imported or rejected, by id and by the file's SHA-256.
    - ``change (device, hlc)``: changes a laptop lacks are selected by device and stamp.
    """
    for sql in (
        "CREATE TABLE change_base (change_id BLOB NOT NULL, base BLOB NOT NULL, "
        "PRIMARY KEY (change_id, base)) WITHOUT ROWID",
        "CREATE INDEX change_base_base ON change_base (base)",
        "CREATE TRIGGER change_base_guard_insert BEFORE INSERT ON change_base WHEN NOT bg_changelog_open() "
        "BEGIN SELECT RAISE(ABORT, 'the change log is written only by its writer'); END",
        "CREATE TRIGGER change_base_no_update BEFORE UPDATE ON change_base "
        "BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END",
        "CREATE TRIGGER change_base_no_delete BEFORE DELETE ON change_base WHEN NOT bg_erasure_open() "
        "BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END",
        "CREATE INDEX change_device_hlc ON change (device, hlc)",
        "CREATE TABLE erasure (record_id BLOB PRIMARY KEY NOT NULL, record_type TEXT NOT NULL, "
        "hlc INTEGER NOT NULL, device TEXT NOT NULL) WITHOUT ROWID",
        "CREATE TRIGGER erasure_guard_insert BEFORE INSERT ON erasure WHEN NOT bg_changelog_open() "
        "BEGIN SELECT RAISE(ABORT, 'erasure markers are written only by the change-log writer'); END",
        "CREATE TRIGGER erasure_no_update BEFORE UPDATE ON erasure "
        "BEGIN SELECT RAISE(ABORT, 'erasure markers are permanent'); END",
        "CREATE TRIGGER erasure_no_delete BEFORE DELETE ON erasure "
        "BEGIN SELECT RAISE(ABORT, 'erasure markers are permanent'); END",
        "CREATE TABLE conflict (record_id BLOB NOT NULL, field TEXT NOT NULL, record_type TEXT NOT NULL, "
        "PRIMARY KEY (record_id, field)) WITHOUT ROWID",
        "CREATE TABLE knowledge (device TEXT PRIMARY KEY NOT NULL, stamp INTEGER NOT NULL) WITHOUT ROWID",
        "CREATE TABLE team_device (device TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL DEFAULT '', "
        "volunteer TEXT, volunteer_name TEXT NOT NULL DEFAULT '', knowledge TEXT NOT NULL DEFAULT '{}', "
        "last_bundle TEXT, last_created TEXT, last_received TEXT, last_counts TEXT NOT NULL DEFAULT '{}')",
        "CREATE TABLE bundle (bundle_id TEXT PRIMARY KEY NOT NULL, file_sha256 TEXT NOT NULL, "
        "source_device TEXT, created TEXT, received TEXT NOT NULL, status TEXT NOT NULL, "
        "report TEXT NOT NULL DEFAULT '{}')",
        "CREATE INDEX bundle_file ON bundle (file_sha256)",
    ):
        db.execute_sql(sql)


def _v11(db: pw.Database) -> None:
    """The audit log: who did what with the data on this laptop, and when (never content).

    Local to the device (it does not travel). Each entry's ``hash`` covers its fields, a digest of its
    record id and the previous entry's hash (see ``desktop.core.audit.chain``); the clear record id may
    only be replaced by an erasure marker, inside an erasure, and no entry is ever deleted.
    """
    for sql in (
        """CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY NOT NULL,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            volunteer TEXT,
            device TEXT NOT NULL,
            record_type TEXT,
            record_id TEXT,
            record_digest TEXT NOT NULL DEFAULT '',
            count INTEGER,
            detail TEXT NOT NULL DEFAULT '',
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL)""",
        "CREATE INDEX audit_log_record ON audit_log (record_id) WHERE record_id IS NOT NULL",
        "CREATE INDEX audit_log_kind ON audit_log (kind, seq)",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN NOT bg_erasure_open() "
        "OR NEW.seq IS NOT OLD.seq OR NEW.at IS NOT OLD.at OR NEW.kind IS NOT OLD.kind "
        "OR NEW.volunteer IS NOT OLD.volunteer OR NEW.device IS NOT OLD.device "
        "OR NEW.record_type IS NOT OLD.record_type OR NEW.record_digest IS NOT OLD.record_digest "
        "OR NEW.count IS NOT OLD.count OR NEW.detail IS NOT OLD.detail OR NEW.prev_hash IS NOT OLD.prev_hash "
        "OR NEW.hash IS NOT OLD.hash "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    ):
        db.execute_sql(sql)


def _v12(db: pw.Database) -> None:
    """Consents and powers of attorney of a person (Einwilligung, Schweigepflichtentbindung, Vollmacht).

    The paper copy is a printed document of the person; deleting that record leaves the consent standing.
    """
    statements = [
        f"""CREATE TABLE consent ({_TRAVELLING_COLUMNS},
            person_id TEXT NOT NULL {_fk("person", "CASCADE")},
            kind TEXT NOT NULL DEFAULT 'data_processing', offices TEXT NOT NULL DEFAULT '',
            signed_on TEXT NOT NULL, valid_until TEXT, withdrawn_on TEXT,
            paper_copy_id TEXT {_fk("printed_document", "SET NULL")},
            notes TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX consent_person ON consent (person_id)",
        "CREATE INDEX consent_valid_until ON consent (valid_until)",
        "CREATE INDEX consent_paper_copy ON consent (paper_copy_id)",
        *guard_triggers("consent"),
    ]
    for sql in statements:
        db.execute_sql(sql)


def _v13(db: pw.Database) -> None:
    """The network around the cases: the directory (offices, initiatives, contact persons), needs and
    offers, their matches, short projects with their volunteers, and volunteers' hours."""
    statements = [
        f"""CREATE TABLE directory_entry ({_TRAVELLING_COLUMNS},
            kind TEXT NOT NULL DEFAULT 'office', key TEXT NOT NULL DEFAULT '', name TEXT NOT NULL DEFAULT '',
            authority TEXT NOT NULL DEFAULT '', town TEXT NOT NULL DEFAULT '', district TEXT NOT NULL DEFAULT '',
            street TEXT NOT NULL DEFAULT '', postcode TEXT NOT NULL DEFAULT '', hours TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '', website TEXT NOT NULL DEFAULT '',
            categories TEXT NOT NULL DEFAULT '', offers TEXT NOT NULL DEFAULT '',
            organisation_id TEXT {_fk("directory_entry", "SET NULL")},
            role TEXT NOT NULL DEFAULT '', engagement TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '', checked TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX directory_entry_kind ON directory_entry (kind, town)",
        "CREATE INDEX directory_entry_key ON directory_entry (key)",
        "CREATE INDEX directory_entry_organisation ON directory_entry (organisation_id)",
        f"""CREATE TABLE project ({_TRAVELLING_COLUMNS},
            title TEXT NOT NULL DEFAULT '', goal TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'planned',
            town TEXT NOT NULL DEFAULT '', starts_on TEXT, ends_on TEXT, notes TEXT NOT NULL DEFAULT '')""",
        f"""CREATE TABLE project_volunteer ({_TRAVELLING_COLUMNS},
            project_id TEXT NOT NULL {_fk("project", "CASCADE")},
            volunteer_id TEXT NOT NULL {_fk("volunteer", "CASCADE")})""",
        "CREATE INDEX project_volunteer_project ON project_volunteer (project_id)",
        "CREATE INDEX project_volunteer_volunteer ON project_volunteer (volunteer_id)",
        f"""CREATE TABLE need_offer ({_TRAVELLING_COLUMNS},
            kind TEXT NOT NULL DEFAULT 'need', category TEXT NOT NULL DEFAULT 'other',
            title TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'open',
            person_id TEXT {_fk("person", "CASCADE")},
            household_id TEXT {_fk("household", "CASCADE")},
            case_id TEXT {_fk("case", "SET NULL")},
            provider_kind TEXT NOT NULL DEFAULT '',
            provider_id TEXT {_fk("directory_entry", "SET NULL")},
            volunteer_id TEXT {_fk("volunteer", "SET NULL")},
            provider_name TEXT NOT NULL DEFAULT '', town TEXT NOT NULL DEFAULT '',
            district TEXT NOT NULL DEFAULT '', languages TEXT NOT NULL DEFAULT '',
            available_from TEXT, available_until TEXT, time_window TEXT NOT NULL DEFAULT '', closed_on TEXT,
            project_id TEXT {_fk("project", "SET NULL")},
            notes TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX need_offer_kind ON need_offer (kind, status, category)",
        "CREATE INDEX need_offer_person ON need_offer (person_id)",
        "CREATE INDEX need_offer_household ON need_offer (household_id)",
        "CREATE INDEX need_offer_case ON need_offer (case_id)",
        "CREATE INDEX need_offer_provider ON need_offer (provider_id)",
        "CREATE INDEX need_offer_volunteer ON need_offer (volunteer_id)",
        "CREATE INDEX need_offer_project ON need_offer (project_id)",
        f"""CREATE TABLE match ({_TRAVELLING_COLUMNS},
            need_id TEXT NOT NULL {_fk("need_offer", "CASCADE")},
            offer_id TEXT {_fk("need_offer", "CASCADE")},
            directory_entry_id TEXT {_fk("directory_entry", "SET NULL")},
            case_id TEXT {_fk("case", "SET NULL")},
            appointment_id TEXT {_fk("appointment", "SET NULL")},
            matched_on TEXT, notes TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX match_need ON match (need_id)",
        "CREATE INDEX match_offer ON match (offer_id)",
        "CREATE INDEX match_directory_entry ON match (directory_entry_id)",
        "CREATE INDEX match_case ON match (case_id)",
        "CREATE INDEX match_appointment ON match (appointment_id)",
        f"""CREATE TABLE volunteer_hours ({_TRAVELLING_COLUMNS},
            volunteer_id TEXT NOT NULL {_fk("volunteer", "CASCADE")},
            "on" TEXT NOT NULL, minutes INTEGER NOT NULL DEFAULT 0, travel_minutes INTEGER NOT NULL DEFAULT 0,
            activity TEXT NOT NULL DEFAULT 'other', appointment_ref TEXT NOT NULL DEFAULT '',
            office TEXT NOT NULL DEFAULT '', project_id TEXT {_fk("project", "SET NULL")},
            notes TEXT NOT NULL DEFAULT '')""",
        'CREATE INDEX volunteer_hours_volunteer ON volunteer_hours (volunteer_id, "on")',
        "CREATE INDEX volunteer_hours_appointment ON volunteer_hours (appointment_ref)",
        "CREATE INDEX volunteer_hours_project ON volunteer_hours (project_id)",
    ]
    for table in ("directory_entry", "project", "project_volunteer", "need_offer", "match", "volunteer_hours"):
        statements.extend(guard_triggers(table))
    for sql in statements:
        db.execute_sql(sql)


def _v14(db: pw.Database) -> None:
    """Today's counts and first lines from an index alone: the appointments in the next days and the open
    tasks due, with ``deleted`` (and ``id`` for the order) in the index, so that a count on a fresh start
    no longer reads (and decrypts) a table page for every row it counts. Local: nothing travels differently."""
    statements = [
        "DROP INDEX appointment_starts",
        "CREATE INDEX appointment_starts ON appointment (starts_at, id, deleted)",
        "DROP INDEX task_open_due",
        "CREATE INDEX task_open_due ON task (done, due_date, id, deleted)",
    ]
    for sql in statements:
        db.execute_sql(sql)


#: Triggers that guard the change log itself (the travelling tables' own are named by guard_triggers()).
CHANGE_LOG_TRIGGERS = (
    "change_no_update",
    "change_no_delete",
    "change_guard_insert",
    "peer_guard_insert",
    "peer_no_update",
    "peer_no_delete",
    "change_base_guard_insert",
    "change_base_no_update",
    "change_base_no_delete",
    "erasure_guard_insert",
    "erasure_no_update",
    "erasure_no_delete",
)


#: Migration n brings the schema from version n-1 to version n.
MIGRATIONS: dict[int, Callable[[pw.Database], None]] = {
    1: _v1,
    2: _v2,
    3: _v3,
    4: _v4,
    5: _v5,
    6: _v6,
    7: _v7,
    8: _v8,
    9: _v9,
    10: _v10,
    11: _v11,
    12: _v12,
    13: _v13,
    14: _v14,
}
LATEST = max(MIGRATIONS)
#: The newest schema version that changed what travels (record types, fields, their meaning). Bundles carry
#: it, and a bundle from a newer one is refused as "from a newer Begleiter"; a migration of local tables only
#: (11: the audit log) leaves it, so laptops one version apart keep exchanging. 12: consents travel; 13: the
#: directory, needs and offers, matches, projects and volunteers' hours.
TRAVELLING_SCHEMA = 13


def current_version(db: pw.Database) -> int:
    if not db.table_exists("schema_version"):
        return 0
    row = db.execute_sql("SELECT version FROM schema_version WHERE id = 1").fetchone()
    return int(row[0]) if row else 0


def _next_step(version: int) -> int:
    """The number of the migration after ``version`` (numbers may have a gap while lines of work merge)."""
    return min(n for n in MIGRATIONS if n > version)


def migrate(db: pw.Database, target: int = LATEST) -> int:
    """Upgrade to ``target``; returns the version reached. Refuses a database newer than this program."""
    version = current_version(db)
    if version > LATEST:
        raise SchemaTooNew(_("This profile was written by a newer version of Begleiter. Please update."))
    while version < target:
        with db.atomic("IMMEDIATE"):  # read and bump under one write lock: two programs never both migrate
            version = current_version(db)
            if version >= target:
                break
            step = _next_step(version)
            if step > target:
                break
            MIGRATIONS[step](db)
            db.execute_sql(
                "INSERT INTO schema_version (id, version) VALUES (1, ?) "
                "ON CONFLICT(id) DO UPDATE SET version = excluded.version",
                (step,),
            )
        log.info("database upgraded to schema version %d", step)
        version = step
    return version
