"""What a delete or an erasure takes, in words ("1 person, 2 cases, 5 tasks")."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from desktop.i18n import ngettext

#: Per record type, its count in words; in the order a confirmation names them.
_WORDS: dict[str, Callable[[int], str]] = {
    "person": lambda n: ngettext("{n} person", "{n} people", n),
    "household": lambda n: ngettext("{n} household", "{n} households", n),
    "household_member": lambda n: ngettext("{n} household membership", "{n} household memberships", n),
    "case": lambda n: ngettext("{n} case", "{n} cases", n),
    "appointment": lambda n: ngettext("{n} appointment", "{n} appointments", n),
    "task": lambda n: ngettext("{n} task or deadline", "{n} tasks and deadlines", n),
    "note": lambda n: ngettext("{n} note", "{n} notes", n),
    "checklist_item": lambda n: ngettext("{n} checklist entry", "{n} checklist entries", n),
    "residence_document": lambda n: ngettext("{n} residence document", "{n} residence documents", n),
    "filled_form": lambda n: ngettext("{n} filled form", "{n} filled forms", n),
    "printed_document": lambda n: ngettext("{n} record of a printed document", "{n} records of printed documents", n),
    "case_volunteer": lambda n: ngettext("{n} case helper entry", "{n} case helper entries", n),
    "consent": lambda n: ngettext("{n} consent or power of attorney", "{n} consents and powers of attorney", n),
    "distinct_pair": lambda n: ngettext("{n} “not the same person” mark", "{n} “not the same person” marks", n),
    "volunteer": lambda n: ngettext("{n} volunteer", "{n} volunteers", n),
    "directory_entry": lambda n: ngettext("{n} directory entry", "{n} directory entries", n),
    "project": lambda n: ngettext("{n} project", "{n} projects", n),
    "project_volunteer": lambda n: ngettext("{n} project helper entry", "{n} project helper entries", n),
    "need_offer": lambda n: ngettext("{n} need or offer", "{n} needs and offers", n),
    "match": lambda n: ngettext("{n} match", "{n} matches", n),
    "volunteer_hours": lambda n: ngettext("{n} entry of volunteer hours", "{n} entries of volunteer hours", n),
}


def count_lines(counts: Mapping[str, int]) -> list[str]:
    """Each non-zero count in words, in a fixed order."""
    lines = [_WORDS[kind](n).format(n=n) for kind, n in ((k, counts.get(k, 0)) for k in _WORDS) if n]
    lines += [f"{n} {kind}" for kind, n in counts.items() if kind not in _WORDS and n]
    return lines


def count_text(counts: Mapping[str, int]) -> str:
    return ", ".join(count_lines(counts))
