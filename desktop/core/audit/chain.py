"""The audit log's hash chain: what an entry's hash covers, and the check that finds the first broken entry.

Entry n's hash is SHA-256 over its sequence number, time, kind, volunteer, device, record type, a
digest of its record id, count, detail and the hash of entry n-1 (the first entry follows ""). Removing,
reordering or altering an entry breaks the link of the entry after it or its own hash; the newest
entry's number and hash are also kept as the log's end mark (the ``audit_head`` setting, written in the
same transaction), so a removed last entry is found too.

The chain covers a digest of the record id, not the id: erasing a person replaces the clear id in their
older entries by the erasure marker (``erased:<stamp>``) and the chain still verifies. Where the clear id
is still there the check compares it with its digest; where a marker stands, the marker must name an
erasure that happened.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from desktop.i18n import _

#: The "previous hash" of the first entry.
GENESIS = ""
#: An erased record's id in its older entries: the prefix, then the erasure's stamp.
ERASED_PREFIX = "erased:"
#: Where the newest entry's number and hash are kept (the setting table, same transaction as the entry).
HEAD_SETTING = "audit_head"
COLUMNS = (
    "seq",
    "at",
    "kind",
    "volunteer",
    "device",
    "record_type",
    "record_id",
    "record_digest",
    "count",
    "detail",
    "prev_hash",
    "hash",
)
SELECT = f"SELECT {', '.join(COLUMNS)} FROM audit_log"
_PAGE = 5000


@dataclass(frozen=True)
class Entry:
    """One row of the audit log as stored."""

    seq: int
    at: str
    kind: str
    volunteer: str | None
    device: str
    record_type: str | None
    record_id: str | None
    record_digest: str
    count: int | None
    detail: str
    prev_hash: str
    hash: str

    @property
    def erased(self) -> bool:
        return is_marker(self.record_id)


def record_digest(seq: int, record_id: str | None) -> str:
    """The digest the chain covers instead of the record id ("" when the entry names no record).

    Salted with the entry's number, so the entries of one erased record cannot be told to belong together.
    """
    if record_id is None:
        return ""
    return hashlib.sha256(f"begleiter-audit-record:{seq}:{record_id}".encode()).hexdigest()


def entry_hash(
    seq: int,
    at: str,
    kind: str,
    volunteer: str | None,
    device: str,
    record_type: str | None,
    digest: str,
    count: int | None,
    detail: str,
    prev_hash: str,
) -> str:
    """The hash of an entry: its fields (the record by its digest) and the previous entry's hash."""
    fields = [seq, at, kind, volunteer, device, record_type, digest, count, detail, prev_hash]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(b"begleiter-audit-entry:" + text.encode()).hexdigest()


def hash_of(entry: Entry) -> str:
    return entry_hash(
        entry.seq,
        entry.at,
        entry.kind,
        entry.volunteer,
        entry.device,
        entry.record_type,
        entry.record_digest,
        entry.count,
        entry.detail,
        entry.prev_hash,
    )


def marker(stamp: int) -> str:
    """What an erased record's id becomes in the audit log."""
    return f"{ERASED_PREFIX}{stamp}"


def is_marker(record_id: str | None) -> bool:
    return record_id is not None and record_id.startswith(ERASED_PREFIX)


def marker_stamp(record_id: str) -> int | None:
    try:
        return int(record_id[len(ERASED_PREFIX) :])
    except ValueError:
        return None


#: Why an entry is broken; the texts are in :meth:`Broken.text`.
REASONS = ("missing", "link", "hash", "record", "marker", "end", "head")


@dataclass(frozen=True)
class Broken:
    """The first entry the check found broken: its sequence number and what is wrong (a REASONS code)."""

    seq: int
    reason: str

    def text(self) -> str:
        texts = {
            "missing": _("the entry before it is missing"),
            "link": _("it does not follow on from the entry before it"),
            "hash": _("its content was changed"),
            "record": _("its record id was changed"),
            "marker": _("it names an erasure that did not happen"),
            "end": _("it is missing: the log ends before it"),
            "head": _("it does not match the mark of the log's end"),
        }
        return texts[self.reason]

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "reason": self.reason, "text": self.text()}


def rows(db: Any) -> Iterator[Entry]:
    """Every entry, oldest first, read in pages."""
    last = 0
    while True:
        page = db.execute_sql(f"{SELECT} WHERE seq > ? ORDER BY seq LIMIT {_PAGE}", (last,)).fetchall()
        if not page:
            return
        for row in page:
            yield Entry(*row)
        last = page[-1][0]


def _record_problem(entry: Entry, erasures: set[int]) -> str | None:
    if entry.record_id is None:
        return "record" if entry.record_digest else None
    if is_marker(entry.record_id):
        if not entry.record_digest:
            return "record"
        return None if marker_stamp(entry.record_id) in erasures else "marker"
    return None if record_digest(entry.seq, entry.record_id) == entry.record_digest else "record"


def head(db: Any) -> tuple[int, str] | None:
    """The end mark: the newest entry's number and hash as written with it (None when there is none)."""
    row = db.execute_sql("SELECT value FROM setting WHERE key = ?", (HEAD_SETTING,)).fetchone()
    if row is None:
        return None
    seq, _sep, digest = str(row[0]).partition(":")
    try:
        return int(seq), digest
    except ValueError:
        return 0, digest


def verify(db: Any) -> Broken | None:
    """The first broken entry of the log, or None when the chain is whole."""
    erasures = {int(row[0]) for row in db.execute_sql("SELECT DISTINCT hlc FROM erasure")}
    expected, previous = 1, GENESIS
    for entry in rows(db):
        if entry.seq != expected:
            return Broken(entry.seq, "missing")
        if entry.prev_hash != previous:
            return Broken(entry.seq, "link")
        if hash_of(entry) != entry.hash:
            return Broken(entry.seq, "hash")
        problem = _record_problem(entry, erasures)
        if problem:
            return Broken(entry.seq, problem)
        expected, previous = expected + 1, entry.hash
    last = expected - 1
    mark = head(db)
    if mark is None:
        return Broken(last, "head") if last else None
    if mark[0] > last:
        return Broken(last + 1, "end")
    if mark != (last, previous):
        return Broken(last, "head")
    return None
