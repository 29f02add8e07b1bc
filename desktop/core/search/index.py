"""What the full-text index holds for a person: the SQL functions its triggers call.

The index is an FTS5 table ``person_search`` with four columns, one document per person and one per case
with a reference. Triggers queue every changed person and case; :func:`flush_queue` re-indexes the queue
in the same transaction as the change (schema migration 5 creates all this and fills the index for
existing profiles):

``spell``  every word of the names and the birth place as written (lower case, apostrophes removed): exact hits
``skel``   the keys of those words (:mod:`desktop.core.search.keys`): the same name in another spelling
``grp``    the curated groups of the given name and the birth place (Олександр = Александр = Alexander)
``ids``    birth date (DDMMYYYY and YYYYMMDD), phone numbers (international and national digits),
           Jobcenter customer number, BG-Nummer, Ausländerbehörde file number; in a case's own document,
           the case reference (Aktenzeichen)

The functions are registered on every connection the app opens (``store.db``); they are pure and cached.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from desktop import paths
from desktop.core.search import variants
from desktop.core.search.keys import plain, word_keys, words

_NAME_FIELDS = ("family_name", "given_name", "family_name_cyr", "given_name_cyr", "patronymic", "birth_place")
_PARTS = re.compile(r"[0-9a-z]+")
_DIGIT_RUNS = re.compile(r"\d+")


def _join(tokens: list[str]) -> str:
    return " ".join(dict.fromkeys(tokens)).strip()


@lru_cache(maxsize=65536)
def _name_keys(name: str) -> tuple[str, ...]:
    return tuple(k for w in words(name) for k in word_keys(w))


def spell_doc(*names: str | None) -> str:
    return _join([w for name in names if name for w in words(name)])


def skel_doc(*names: str | None) -> str:
    return _join([k for name in names if name for k in _name_keys(name)])


def group_doc(given: str | None, given_cyr: str | None, birth_place: str | None) -> str:
    tokens = [g for name in (given, given_cyr) if name for g in variants.given_groups(name)]
    if birth_place:
        tokens.extend(variants.place_groups(birth_place))
    return _join(tokens)


_TRUNK_ZERO = re.compile(r"(?<=\d)\s*\(\s*0\s*\)")  # after the country code: +49 (0)151


def phone_plain(phone: str) -> str:
    """The digits of a phone number; the national trunk 0 written in brackets (+49 (0)151 …) is dropped."""
    return re.sub(r"\D", "", _TRUNK_ZERO.sub("", phone))


def phone_digits(phone: str) -> list[str]:
    """The digit strings a phone number is found by: as written, international, and national with 0."""
    digits = phone_plain(phone)
    if not digits:
        return []
    out = [digits]
    if phone.strip().startswith("+") or digits.startswith("00"):
        international = digits[2:] if digits.startswith("00") else digits
        out.append(international)
        for country in ("49", "380"):
            if international.startswith(country):
                out.append("0" + international[len(country) :])
    elif digits.startswith("0"):
        out.append("49" + digits[1:])
    return out


def identifier_tokens(value: str) -> list[str]:
    """An identifier without separators, from each of its parts on ("AZ 55/123-X": az55123x, 55123x, 123x,
    x), and each of its digit runs: typing any tail of it finds it."""
    parts = _PARTS.findall(plain(value))
    return ["".join(parts[i:]) for i in range(len(parts))] + _DIGIT_RUNS.findall(value)


def ids_doc(
    birth_date: str | None,
    phone: str | None,
    customer_no: str | None,
    bg_number: str | None,
    abh_file_no: str | None,
) -> str:
    tokens: list[str] = []
    if birth_date:
        year, month, day = str(birth_date)[:10].split("-")
        tokens += [f"{day}{month}{year}", f"{year}{month}{day}"]
    if phone:
        tokens += phone_digits(phone)
    for value in (customer_no, bg_number, abh_file_no):
        if value:
            tokens += identifier_tokens(value)
    return _join(tokens)


def reference_doc(reference: str | None) -> str:
    """A case's reference (Aktenzeichen), in its own document that finds the case's person."""
    return _join(identifier_tokens(reference)) if reference else ""


_PERSON_DOC = (
    "bg_search_spell(p.family_name, p.given_name, p.family_name_cyr, p.given_name_cyr, p.patronymic, p.birth_place), "
    "bg_search_skel(p.family_name, p.given_name, p.family_name_cyr, p.given_name_cyr, p.patronymic, p.birth_place), "
    "bg_search_groups(p.given_name, p.given_name_cyr, p.birth_place), "
    "bg_search_ids(p.birth_date, p.phone, p.jobcenter_customer_no, p.bg_number, p.abh_file_no)"
)

#: Re-index everything in ``search_queue``, set-wise: drop the old documents, number the records that
#: belong in the index again, write their documents, empty the queue.
_FLUSH = (
    "DELETE FROM person_search WHERE rowid IN "
    "(SELECT m.doc FROM search_queue q JOIN search_map m ON m.record_id = q.record_id)",
    "DELETE FROM search_map WHERE record_id IN (SELECT record_id FROM search_queue)",
    "INSERT INTO search_map (record_id, person_id) SELECT p.id, p.id FROM search_queue q "
    "JOIN person p ON p.id = q.record_id WHERE q.kind = 'person' AND p.deleted = 0",
    'INSERT INTO search_map (record_id, person_id) SELECT c.id, c.person_id FROM search_queue q JOIN "case" c '
    "ON c.id = q.record_id WHERE q.kind = 'case' AND c.reference != '' AND c.person_id IS NOT NULL "
    "AND c.deleted = 0",
    f"INSERT INTO person_search (rowid, spell, skel, grp, ids) SELECT m.doc, {_PERSON_DOC} FROM search_queue q "
    "JOIN search_map m ON m.record_id = q.record_id JOIN person p ON p.id = q.record_id WHERE q.kind = 'person'",
    "INSERT INTO person_search (rowid, spell, skel, grp, ids) SELECT m.doc, '', '', '', "
    "bg_search_reference(c.reference) FROM search_queue q JOIN search_map m ON m.record_id = q.record_id "
    "JOIN \"case\" c ON c.id = q.record_id WHERE q.kind = 'case'",
    "DELETE FROM search_queue",
)


def flush_queue(db: Any) -> None:
    """Bring the index up to date with every person and case changed in this transaction.

    The change-log writer calls this before it commits; searching calls it too, so a record written by any
    other path (erasure, a migration) is never missing from the results for longer than one search.
    """
    if db.execute_sql("SELECT 1 FROM search_queue LIMIT 1").fetchone() is None:
        return
    with db.atomic():
        for sql in _FLUSH:
            db.execute_sql(sql)


#: Record types with documents in the index.
INDEXED_TYPES = ("person", "case")

_local = threading.local()


def queue_open() -> int:
    """For the queue triggers: 0 while a bulk write indexes its new rows itself (see :func:`direct`)."""
    return 0 if getattr(_local, "direct", False) else 1


@contextmanager
def direct() -> Iterator[None]:
    """New persons and cases written inside are indexed by :func:`index_new`, not through the queue."""
    _local.direct = True
    try:
        yield
    finally:
        _local.direct = False


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def person_document(row: Mapping[str, Any]) -> tuple[str, str, str, str]:
    """The four columns of a person's document from a row of field values (as the SQL functions make them)."""
    names = tuple(row.get(k) or None for k in _NAME_FIELDS)
    return (
        spell_doc(*names),
        skel_doc(*names),
        group_doc(row.get("given_name"), row.get("given_name_cyr"), row.get("birth_place")),
        ids_doc(
            _text(row.get("birth_date")),
            row.get("phone"),
            row.get("jobcenter_customer_no"),
            row.get("bg_number"),
            row.get("abh_file_no"),
        ),
    )


def index_new(db: Any, record_type: str, rows: list[Mapping[str, Any]]) -> None:
    """Index persons or cases just created by a bulk write (one statement per table, not one per row)."""
    if record_type == "person":
        live = [r for r in rows if not r.get("deleted")]
        mapping = [(r["id"], r["id"]) for r in live]
        documents = [(r["id"], *person_document(r)) for r in live]
    elif record_type == "case":
        live = [r for r in rows if r.get("reference") and r.get("person") and not r.get("deleted")]
        mapping = [(r["id"], r["person"]) for r in live]
        documents = [(r["id"], "", "", "", reference_doc(r["reference"])) for r in live]
    else:
        return
    cursor = db.cursor()
    cursor.executemany("INSERT INTO search_map (record_id, person_id) VALUES (?, ?)", mapping)
    cursor.executemany(
        "INSERT INTO person_search (rowid, spell, skel, grp, ids) "
        "VALUES ((SELECT doc FROM search_map WHERE record_id = ?), ?, ?, ?, ?)",
        documents,
    )


#: Raise when keys.py or the documents change: every profile's index is then rebuilt when it opens.
#: (A change of resources/name_variants.json is noticed by itself: its hash is part of the version.)
KEYS_VERSION = 4


def index_version() -> str:
    table = (paths.resources_dir() / "name_variants.json").read_bytes()
    return f"{KEYS_VERSION}:{hashlib.sha256(table).hexdigest()[:16]}"


def ensure_current(db: Any) -> bool:
    """Rebuild the index when it was built by other key rules or another name table; True if it was."""
    wanted = index_version()
    row = db.execute_sql("SELECT value FROM setting WHERE key = 'search_index_version'").fetchone()
    if row is not None and row[0] == wanted:
        return False
    with db.atomic():
        rebuild(db)
        db.execute_sql(
            "INSERT INTO setting (key, value) VALUES ('search_index_version', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (wanted,),
        )
    return True


def rebuild(db: Any) -> None:
    """Index every person and case again from scratch (the same path a migration takes)."""
    with db.atomic():
        db.execute_sql("INSERT INTO person_search (person_search) VALUES ('delete-all')")
        db.execute_sql("DELETE FROM search_map")
        db.execute_sql("INSERT OR IGNORE INTO search_queue (record_id, kind) SELECT id, 'person' FROM person")
        db.execute_sql("INSERT OR IGNORE INTO search_queue (record_id, kind) SELECT id, 'case' FROM \"case\"")
        flush_queue(db)


def problems(db: Any) -> list[str]:
    """What is out of step between the index and the records (for the integrity check; no personal data)."""
    out = []
    missing = db.execute_sql(  # a queued person is indexed by the next write or search
        "SELECT count(*) FROM person p WHERE p.deleted = 0 AND NOT EXISTS "
        "(SELECT 1 FROM search_map m WHERE m.record_id = p.id) AND NOT EXISTS "
        "(SELECT 1 FROM search_queue q WHERE q.record_id = p.id)"
    ).fetchone()[0]
    if missing:
        out.append(f"people missing from the index: {missing}")
    stale = db.execute_sql(
        "SELECT count(*) FROM search_map m LEFT JOIN person p ON p.id = m.person_id "
        "WHERE p.id IS NULL OR p.deleted = 1 AND m.record_id = m.person_id"
    ).fetchone()[0]
    if stale:
        out.append(f"index entries of no current person: {stale}")
    return out


def _safe(function: Callable[..., str]) -> Callable[..., str]:
    """An index function never fails a write: an unexpected value indexes as nothing."""

    def call(*args: Any) -> str:
        try:
            return function(*args)
        except Exception:  # a broken index entry must not lose the person's data
            return ""

    return call


def fold(text: str | None) -> str:
    """Text without case distinctions for comparing, in every script (SQLite's own lower() and LIKE fold
    ASCII letters only: "Ärztehaus", "Київ")."""
    return (text or "").casefold()


#: SQL name -> (number of arguments, function), registered on every connection.
SQL_FUNCTIONS: dict[str, tuple[int, Callable[..., str]]] = {
    "bg_fold": (1, _safe(fold)),
    "bg_search_spell": (6, _safe(spell_doc)),
    "bg_search_skel": (6, _safe(skel_doc)),
    "bg_search_groups": (3, _safe(group_doc)),
    "bg_search_ids": (5, _safe(ids_doc)),
    "bg_search_reference": (1, _safe(reference_doc)),
}
