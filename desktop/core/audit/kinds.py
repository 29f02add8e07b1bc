"""What the audit log records, in the user's language: the kinds of entries and their counts in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from desktop import i18n
from desktop.core.audit.chain import ERASED_PREFIX
from desktop.i18n import N_, _

#: Kind of entry -> its untranslated name.
KINDS = {
    "unlock": N_("Unlocked"),
    "failed_unlock": N_("Wrong passphrase"),
    "recovery_key_used": N_("Recovery key used"),
    "passphrase_changed": N_("Passphrase changed"),
    "print": N_("Printed or saved as PDF"),
    "export": N_("Bundle exported"),
    "import": N_("Bundle imported"),
    "delete": N_("Deleted"),
    "erase": N_("Erased"),
    "subject_access": N_("Subject access report"),
    "retention": N_("Retention clean-up"),
    "restore": N_("Backup restored"),
}

#: Short, never personal details an entry may carry (codes; their texts below).
DETAILS = {
    "screen_lock": N_("on the screen lock"),
    "bundle": N_("from a bundle"),
    "print": N_("printed"),
    "pdf": N_("saved as PDF"),
    "recovery": N_("with the recovery key"),
    "new_recovery_key": N_("a new recovery key"),
    "erased": N_("erased"),
    "anonymised": N_("anonymised"),
}

#: How an entry's count reads, per kind (a plain number for the others).
_COUNTS: dict[str, Callable[[int], str]] = {
    "failed_unlock": lambda n: i18n.ngettext("{n} attempt", "{n} attempts", n),
    "export": lambda n: i18n.ngettext("{n} record", "{n} records", n),
    "import": lambda n: i18n.ngettext("{n} change", "{n} changes", n),
    "delete": lambda n: i18n.ngettext("{n} record", "{n} records", n),
    "erase": lambda n: i18n.ngettext("{n} record", "{n} records", n),
    "retention": lambda n: i18n.ngettext("{n} record", "{n} records", n),
    "restore": lambda n: i18n.ngettext("{n} time", "{n} times", n),
}

#: The kinds the audit dialog's filter shows together.
GROUPS = {
    "all": (N_("All entries"), tuple(KINDS)),
    "access": (
        N_("Unlocking, passphrase and backups"),
        ("unlock", "failed_unlock", "recovery_key_used", "passphrase_changed", "restore"),
    ),
    "exchange": (N_("Exports and imports"), ("export", "import")),
    "print": (N_("Printing and reports"), ("print", "subject_access")),
    "removal": (N_("Deleting and erasing"), ("delete", "erase", "retention")),
}


def kind_label(kind: str) -> str:
    """The kind of an entry in the user's language (an unknown kind as it is stored)."""
    label = KINDS.get(kind)
    return _(label) if label else kind


def details_text(kind: str, count: int | None, detail: str) -> str:
    """An entry's count and detail in words: '12 records', '3 attempts, on the screen lock'."""
    parts = []
    if count is not None:
        words = _COUNTS.get(kind)
        number = i18n.fmt_number(count)
        parts.append(words(count).format(n=number) if words else number)
    if detail:
        label = DETAILS.get(detail)
        parts.append(_(label) if label else detail)
    return ", ".join(parts)


def local_time(at: str) -> dt.datetime | None:
    """An entry's time (UTC as kept) in this computer's time zone, for showing; None when unreadable."""
    try:
        return dt.datetime.fromisoformat(at).astimezone().replace(tzinfo=None)
    except ValueError:
        return None


#: How much of a record id the lists show (enough to tell records apart, short enough to read).
SHORT_ID = 8


def short_id(record_id: str | None) -> str:
    """A record id as lists show it: its first characters, or that the record was erased."""
    if record_id is None:
        return ""
    if record_id.startswith(ERASED_PREFIX):
        return _("erased")
    return record_id[:SHORT_ID]
