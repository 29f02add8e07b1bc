"""A digest of a profile's records, change log and search index that leaves out what differs between two
runs of the same demo (random record and change ids, the clock's times) and keeps everything else.

Record ids become labels in creation order (ids are time-ordered; records that ship with a release have
fixed ids and are labelled apart), change ids their rank and their offset from the record's first change,
stamps their rank; every field value, every change-log entry in log order and every indexed search term
is kept as written. Two demos with the same seed and day have the same digest; any other record, value,
log entry or search term changes it.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from desktop.core.store import db as store_db
from desktop.core.store.models import Travelling

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _labels(db: Any, local_device: str) -> dict[str, str]:
    """Every record id and peer: local ones numbered in creation (id) order, others (a release's) apart."""
    local, other = set(), set()
    for model in Travelling.registry:
        table = model._meta.table_name
        for record_id, created_by in db.execute_sql(f'SELECT id, created_by FROM "{table}"'):
            (local if created_by == local_device else other).add(record_id)
    for (uuid,) in db.execute_sql("SELECT uuid FROM peer"):
        if uuid != local_device and uuid not in local:
            other.add(uuid)
    labels = {local_device: "DEVICE"}
    labels.update({record_id: f"L{n}" for n, record_id in enumerate(sorted(local))})
    labels.update({record_id: f"X{n}" for n, record_id in enumerate(sorted(other))})
    return labels


def canonical_digest() -> str:
    """SHA-256 over the canonical records, change log and search index of the open profile."""
    store = store_db.current()
    db = store.db
    labels = _labels(db, store.device_id)

    def relabel(value: Any) -> Any:
        if isinstance(value, str):
            return _UUID.sub(lambda m: labels.get(m.group(0), "UNKNOWN"), value)
        if isinstance(value, bytes):
            return "bytes:" + value.hex()
        return value

    h = hashlib.sha256()

    def put(item: Any) -> None:
        h.update(json.dumps(item, ensure_ascii=False, separators=(",", ":"), default=str).encode())
        h.update(b"\n")

    for model in sorted(Travelling.registry, key=lambda m: m.record_type):
        columns = [f.column_name for f in model._meta.sorted_fields if f.name != "created_at"]
        put([model.record_type, columns])
        cols = ", ".join(f'"{c}"' for c in columns)
        rows = [
            [relabel(v) for v in row]
            for row in db.execute_sql(f'SELECT {cols} FROM "{model._meta.table_name}"').fetchall()
        ]
        for row in sorted(rows, key=lambda r: (len(r[0]), r[0])):
            put(row)

    # The change log in log order. Change ids: rank over the whole log and offset from the record's first.
    changes = db.execute_sql(
        "SELECT c.seq, c.change_id, c.record_type, c.record_id, c.field, c.value, c.hlc, "
        "d.uuid, a.uuid, c.base FROM change c JOIN peer d ON d.id = c.device "
        "LEFT JOIN peer a ON a.id = c.author ORDER BY c.seq"
    ).fetchall()
    rank_of_change = {cid: n for n, cid in enumerate(sorted(r[1] for r in changes))}
    rank_of_stamp = {stamp: n for n, stamp in enumerate(sorted({r[6] for r in changes}))}
    first_of_record: dict[bytes, int] = {}
    for r in changes:
        value = int.from_bytes(r[1], "big")
        first_of_record[r[3]] = min(first_of_record.get(r[3], value), value)
    put(["change", len(changes)])
    for _seq, change_id, record_type, record_id, field, value, stamp, device, author, base in changes:
        text_id = _text_id(record_id)
        put(
            [
                rank_of_change[change_id],
                int.from_bytes(change_id, "big") - first_of_record[record_id],
                record_type,
                labels.get(text_id, "UNKNOWN"),
                field,
                relabel(value),
                rank_of_stamp[stamp],
                labels.get(device, "UNKNOWN"),
                labels.get(author, "UNKNOWN") if author else None,
                rank_of_change.get(base) if base else None,
            ]
        )
    put(["change_base", db.execute_sql("SELECT count(*) FROM change_base").fetchone()[0]])

    # The search index: which record each document is, and every term of it (the index keeps no text).
    doc_label = {
        doc: (labels.get(record_id, "UNKNOWN"), labels.get(person_id, "UNKNOWN"))
        for doc, record_id, person_id in db.execute_sql("SELECT doc, record_id, person_id FROM search_map")
    }
    put(["search_map", sorted(doc_label.values())])
    db.execute_sql("CREATE VIRTUAL TABLE temp.demo_state_terms USING fts5vocab(main, person_search, 'instance')")
    try:
        terms = sorted(
            (doc_label.get(doc, ("UNKNOWN",))[0], column, offset, term)
            for term, doc, column, offset in db.execute_sql("SELECT term, doc, col, offset FROM temp.demo_state_terms")
        )
    finally:
        db.execute_sql("DROP TABLE temp.demo_state_terms")
    put(["person_search", len(terms)])
    for term in terms:
        put(term)
    put(["search_queue", db.execute_sql("SELECT count(*) FROM search_queue").fetchone()[0]])
    return h.hexdigest()


def _text_id(raw: bytes) -> str:
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
