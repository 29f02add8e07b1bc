"""The audit log: who did what with the data on this laptop and when – never the content.

Call ``audit.record(kind, record_type=None, record_id=None, count=None)`` with a profile open; it never
raises into the caller's work. Kinds: see :data:`KINDS`. The entries form a hash chain
(:mod:`desktop.core.audit.chain`) that :func:`verify` checks.
"""

from __future__ import annotations

from desktop.core.audit.chain import Broken, Entry
from desktop.core.audit.kinds import GROUPS, KINDS, details_text, kind_label, local_time, short_id
from desktop.core.audit.writer import (
    after_unlock,
    count,
    entries,
    flush,
    forget,
    note_failed_unlock,
    record,
    verify,
)

__all__ = [
    "GROUPS",
    "KINDS",
    "Broken",
    "Entry",
    "after_unlock",
    "count",
    "details_text",
    "entries",
    "flush",
    "forget",
    "kind_label",
    "local_time",
    "note_failed_unlock",
    "record",
    "short_id",
    "verify",
]
