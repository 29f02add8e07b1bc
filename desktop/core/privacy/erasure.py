"""Erasing a person for good (GDPR Art. 17): the records, every historical value, the index entries.

What goes is the person and everything hanging on them by a current foreign key, transitively (see
:func:`closure`). Their rows, every change-log entry of them (with further bases and open conflicts),
their search-index documents and the local paths of their saved PDFs are deleted, and one **erasure
marker** (record id, type, stamp, device) is written per erased id. Markers travel, so every laptop erases
too, and an older change of an erased record that arrives later is discarded by the merge. In the audit
log, their ids become the erasure marker (its hash chain covers a digest of the id, so it still verifies).

SQLite leaves deleted content in the file unless ``secure_delete`` is on (SQLCipher's default, made
explicit on every connection and again here), deleted FTS5 terms live on in older index segments until
they are merged, and the WAL keeps earlier images of every page until it is checkpointed:
:func:`scrub` merges the index and truncates the WAL after the commit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator

from desktop.core import audit, ids
from desktop.core.privacy import graph
from desktop.core.privacy.deletion import RecordMissing
from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.models import Travelling, Volunteer, model_for
from desktop.i18n import _

log = logging.getLogger(__name__)

#: Tries of the closing WAL checkpoint while another connection is still reading.
CHECKPOINT_TRIES = 50


def _db() -> store_db.ProfileDatabase:
    return store_db.current().db


def _merged_into(records: graph.Records) -> set[str]:
    """Records of the same person merged into one that goes (tombstones holding their old data)."""
    persons = records.get("person", set())
    return graph.select_ids("SELECT id FROM person WHERE merged_into IN ({ids})", persons) - persons


def _empty_households(records: graph.Records) -> set[str]:
    """Households of memberships that go, left with no live membership besides those."""
    members = records.get("household_member", set())
    households = graph.select_ids(
        "SELECT DISTINCT household_id FROM household_member WHERE id IN ({ids})", members
    ) - records.get("household", set())
    db = _db()
    return {
        household_id
        for household_id in households
        if all(
            row[0] in members
            for row in db.execute_sql(
                "SELECT id FROM household_member WHERE household_id = ? AND deleted = 0", (household_id,)
            )
        )
    }


def _expand(records: graph.Records) -> graph.Records:
    """``records`` and everything that goes with them: whatever points at one of them by a foreign key,
    persons merged into an erased person, and households left with no member; to a fixed point."""
    frontier = {kind: set(found) for kind, found in records.items()}
    while frontier:
        graph.hanging_on(records, frontier, live_only=False)
        frontier = {}
        for kind, fresh in (("person", _merged_into(records)), ("household", _empty_households(records))):
            added = graph.add(records, kind, fresh)
            if added:
                frontier[kind] = added
    return records


def closure(person_ids: Iterable[str]) -> dict[str, set[str]]:
    """record_type -> ids that go with these people (those held here); volunteers are never erased."""
    persons = graph.present("person", set(person_ids))
    if not persons:
        return {}
    return {kind: found for kind, found in _expand({"person": persons}).items() if found}


def preview(person_id: str) -> dict[str, int]:
    """How many records of each type erasing the person removes (for the confirmation)."""
    return graph.count(closure([person_id]))


def erase_person(person_id: str) -> dict[str, int]:
    """Erase a person and what hangs on them here, marked for the other laptops; returns counts per type."""
    store = store_db.current()
    db = store.db
    with db.atomic("IMMEDIATE"), store_db.guard_open():
        if graph.present("person", [person_id]) == set():
            if erased_among([ids.to_bytes(person_id)]):
                raise RecordMissing(_("This person has been erased already."))
            raise RecordMissing(_("There is no such person: {id}.").format(id=person_id))
        stamp = store.clock.now()
        counts = erase_in_transaction([("person", person_id)], stamp, store.device_id)
        audit.record("erase", "person", person_id, count=sum(counts.values()))  # kept as the marker
    scrub()
    log.info("a person was erased (%d records)", sum(counts.values()))
    return counts


def erase_records(records: Iterable[tuple[str, str]], within: Callable[[], None] | None = None) -> dict[str, int]:
    """Erase several records (people, cases, …) and what goes with each, in one transaction, marked for the
    other laptops (retention: everything due at once); ``within`` runs in the same transaction. Returns
    counts per type."""
    store = store_db.current()
    wanted = list(records)
    if not wanted:
        return {}
    with store.db.atomic("IMMEDIATE"), store_db.guard_open():
        counts = erase_in_transaction(wanted, store.clock.now(), store.device_id)
        if within is not None:
            within()
    scrub()
    log.info("%d records were erased together (%d rows)", len(wanted), sum(counts.values()))
    return counts


def _delete_rows(records: graph.Records) -> dict[str, int]:
    """Delete the rows, children before their parents; the local paths of saved PDFs first."""
    db = _db()
    counts: dict[str, int] = {}
    printed = records.get("printed_document", set())
    for batch in graph.chunks(printed):
        db.execute_sql(f"DELETE FROM saved_file WHERE printed_document_id IN ({', '.join('?' for _ in batch)})", batch)
    for model in reversed(Travelling.registry):
        found = records.get(model.record_type)
        if not found:
            continue
        for batch in graph.chunks(found):
            cursor = db.execute_sql(
                f'DELETE FROM "{model._meta.table_name}" WHERE id IN ({", ".join("?" for _ in batch)})', batch
            )
            counts[model.record_type] = counts.get(model.record_type, 0) + max(cursor.rowcount, 0)
    return {kind: n for kind, n in counts.items() if n}


def _delete_log(raw_ids: list[bytes]) -> None:
    """Every change-log entry of the records (changes, their further bases, open conflicts)."""
    db = _db()
    for start in range(0, len(raw_ids), graph.CHUNK):
        batch = raw_ids[start : start + graph.CHUNK]
        marks = ", ".join("?" for _ in batch)
        changes = f"SELECT change_id FROM change WHERE record_id IN ({marks})"
        db.execute_sql(f"DELETE FROM change_base WHERE change_id IN ({changes}) OR base IN ({changes})", batch * 2)
        db.execute_sql(f"DELETE FROM change WHERE record_id IN ({marks})", batch)
        db.execute_sql(f"DELETE FROM conflict WHERE record_id IN ({marks})", batch)


def _delete_index(record_ids: set[str]) -> None:
    """Search-index documents of the records, and of the erased people (case references that find them)."""
    db = _db()
    for batch in graph.chunks(record_ids):
        marks = ", ".join("?" for _ in batch)
        docs = f"SELECT doc FROM search_map WHERE record_id IN ({marks}) OR person_id IN ({marks})"
        db.execute_sql(f"DELETE FROM person_search WHERE rowid IN ({docs})", batch * 2)
        db.execute_sql(f"DELETE FROM search_map WHERE record_id IN ({marks}) OR person_id IN ({marks})", batch * 2)
        db.execute_sql(f"DELETE FROM search_queue WHERE record_id IN ({marks})", batch)


def erase_in_transaction(records: Iterable[tuple[str, str]], stamp: int, device: str) -> dict[str, int]:
    """Erase the (record_type, record_id) pairs named by erasure markers, and everything going with them.

    Runs inside an open IMMEDIATE transaction that holds ``store_db.guard_open()``. A person takes their
    :func:`closure`; any record whose current foreign key points at an erased id goes too. Rows, change-log
    entries, conflicts, index entries and saved-file paths are deleted; a marker (stamp, device) is
    written for every id erased, also for ids not held here. Returns the rows deleted per record type.
    """
    db = _db()
    asked: graph.Records = {}
    for record_type, record_id in records:
        if record_type != Volunteer.record_type:  # volunteers are never erased
            model_for(record_type)  # an unknown type is a caller's mistake
            graph.add(asked, record_type, [record_id])
    if not asked:
        return {}
    db.execute_sql("PRAGMA secure_delete = ON")  # deleted content is overwritten, not left in free space
    held: graph.Records = {}
    for record_type, found in asked.items():
        graph.add(held, record_type, graph.present(record_type, found))
    held = _expand(held)
    marked = {record_id: kind for kind, found in asked.items() for record_id in found}
    marked.update((record_id, kind) for kind, found in held.items() for record_id in found)
    with store_db.guard_open("erasure"):
        counts = _delete_rows(held)
        _delete_log([ids.to_bytes(record_id) for record_id in marked])
        _delete_index(set(marked))
        db.cursor().executemany(
            "INSERT OR IGNORE INTO erasure (record_id, record_type, hlc, device) VALUES (?, ?, ?, ?)",
            [(ids.to_bytes(record_id), kind, stamp, device) for record_id, kind in marked.items()],
        )
        audit.forget(marked, stamp)  # the audit log keeps the erasure marker in place of their ids
    changelog.remember_clock(stamp)
    return counts


def erased_among(record_ids: Iterable[bytes]) -> set[bytes]:
    """Which of these 16-byte record ids carry an erasure marker."""
    db = _db()
    wanted = list(dict.fromkeys(record_ids))
    found: set[bytes] = set()
    for start in range(0, len(wanted), graph.CHUNK):
        batch = wanted[start : start + graph.CHUNK]
        marks = ", ".join("?" for _ in batch)
        found.update(
            row[0] for row in db.execute_sql(f"SELECT record_id FROM erasure WHERE record_id IN ({marks})", batch)
        )
    return found


def markers() -> Iterator[tuple[bytes, str, int, str]]:
    """Every erasure marker: (record id, record type, stamp, device)."""
    yield from _db().execute_sql("SELECT record_id, record_type, hlc, device FROM erasure ORDER BY hlc, record_id")


def scrub() -> None:
    """After an erasure has committed: merge the search index into one segment (no erased term stays in
    an older one), then fold the WAL into the file and truncate it (no earlier page image stays)."""
    db = _db()
    db.execute_sql("PRAGMA secure_delete = ON")  # the index segments freed by merging are zeroed too
    with db.atomic("IMMEDIATE"):
        db.execute_sql("INSERT INTO person_search (person_search) VALUES ('optimize')")
    for _try in range(CHECKPOINT_TRIES):
        busy, _frames, _done = db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if not busy:
            return
        time.sleep(0.1)  # another connection is still reading an older snapshot
    log.warning("the WAL could not be truncated after an erasure: another connection kept reading")
