"""Effective validity of residence documents: § 24 permits stay valid beyond the printed date by ordinance.

The Ukraine-Aufenthaltserlaubnis-Fortgeltungsverordnung and its amendments extend every § 24(1) AufenthG
permit that is valid on a cut-off day to a later date, without a new card. The rules are data in
``resources/residence_ordinances.json``; they chain: an extended permit is valid on the next cut-off day and
is extended again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from desktop import paths
from desktop.i18n import N_, _, current_language, fmt_date

ORDINANCES_FILE = "residence_ordinances.json"
#: Document kinds and their labels (translated where shown). Only "24" is ever extended by the current rules.
KIND_LABELS: dict[str, str] = {
    "24": N_("Residence permit (§ 24 AufenthG)"),
    "fiktion": N_("Fiktionsbescheinigung"),
    "passport": N_("Passport"),
    "other": N_("Other document"),
}
KINDS: tuple[str, ...] = tuple(KIND_LABELS)
_LANGUAGES = ("de", "uk", "en")


class OrdinanceDataError(ValueError):
    """The ordinance table is malformed; the message names the bad entry."""


@dataclass(frozen=True)
class Ordinance:
    """One ordinance: permits of ``applies_to`` kinds valid on ``valid_on`` stay valid until ``extended_until``."""

    id: str
    names: Mapping[str, str]
    applies_to: tuple[str, ...]
    valid_on: dt.date
    extended_until: dt.date
    source: str
    notes: Mapping[str, str]

    def name(self) -> str:
        """The ordinance's name in the UI language (German when there is none)."""
        return self.names.get(current_language()) or self.names["de"]

    def note(self) -> str:
        """The ordinance's caveat in the UI language, or ''."""
        return self.notes.get(current_language()) or self.notes.get("de", "")


@dataclass(frozen=True)
class ValidityResult:
    """The printed and the effective end of validity, the ordinances that extended it, and why."""

    printed_until: dt.date
    effective_until: dt.date
    steps: tuple[Ordinance, ...]
    explanation: str
    expired: bool


def _fail(index: int, entry: Any, problem: str) -> OrdinanceDataError:
    ident = entry.get("id") if isinstance(entry, dict) else None
    label = f"entry {index}" + (f" ({ident!r})" if ident else "")
    return OrdinanceDataError(f"{ORDINANCES_FILE}: {label}: {problem}")


def _date_field(index: int, entry: dict[str, Any], key: str) -> dt.date:
    value = entry.get(key)
    if not isinstance(value, str):
        raise _fail(index, entry, f"{key!r} must be a date 'YYYY-MM-DD'")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(index, entry, f"{key!r} is not a date 'YYYY-MM-DD': {value!r}") from None


def _texts(index: int, entry: dict[str, Any], key: str, required: bool) -> dict[str, str]:
    value = entry.get(key, None if required else {})
    if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
        raise _fail(index, entry, f"{key!r} must map languages to non-empty texts")
    missing = [lang for lang in _LANGUAGES if lang not in value]
    if value and missing:
        raise _fail(index, entry, f"{key!r} lacks the languages {', '.join(missing)}")
    if required and not value:
        raise _fail(index, entry, f"{key!r} is empty")
    return dict(value)


def _ordinance(index: int, entry: Any) -> Ordinance:
    if not isinstance(entry, dict):
        raise _fail(index, entry, "must be an object")
    ident = entry.get("id")
    if not isinstance(ident, str) or not ident.strip():
        raise _fail(index, entry, "'id' must be a non-empty text")
    kinds = entry.get("applies_to")
    if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) for k in kinds):
        raise _fail(index, entry, "'applies_to' must be a non-empty list of document kinds")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise _fail(index, entry, f"'applies_to' has unknown kinds {unknown}; known: {list(KINDS)}")
    valid_on = _date_field(index, entry, "valid_on")
    extended_until = _date_field(index, entry, "extended_until")
    if extended_until <= valid_on:
        raise _fail(index, entry, "'extended_until' must be later than 'valid_on'")
    source = entry.get("source")
    if not isinstance(source, str) or not source.strip():
        raise _fail(index, entry, "'source' must name the legal reference")
    return Ordinance(
        id=ident,
        names=_texts(index, entry, "name", required=True),
        applies_to=tuple(kinds),
        valid_on=valid_on,
        extended_until=extended_until,
        source=source,
        notes=_texts(index, entry, "note", required=False),
    )


def parse_ordinances(data: Any) -> tuple[Ordinance, ...]:
    """Check the decoded JSON of the ordinance table; the ordinances sorted by cut-off day."""
    if not isinstance(data, dict) or not isinstance(data.get("ordinances"), list):
        raise OrdinanceDataError(f"{ORDINANCES_FILE}: expected an object with a list 'ordinances'")
    found = [_ordinance(i, entry) for i, entry in enumerate(data["ordinances"])]
    seen: set[str] = set()
    for i, item in enumerate(found):
        if item.id in seen:
            raise _fail(i, data["ordinances"][i], "the id is used twice")
        seen.add(item.id)
    return tuple(sorted(found, key=lambda o: (o.valid_on, o.extended_until)))


def load_ordinances(path: Path | None = None) -> tuple[Ordinance, ...]:
    """Read and check the ordinance table (default: resources/residence_ordinances.json)."""
    path = path or paths.resources_dir() / ORDINANCES_FILE
    try:
        with path.open(encoding="utf-8") as fp:
            data = json.load(fp)
    except json.JSONDecodeError as exc:
        raise OrdinanceDataError(f"{path.name}: not valid JSON: {exc}") from exc
    return parse_ordinances(data)


@lru_cache(maxsize=1)
def ordinances() -> tuple[Ordinance, ...]:
    """The ordinances shipped with the application (read once)."""
    return load_ordinances()


def kind_label(kind: str) -> str:
    """The translated name of a document kind."""
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def effective_validity(
    printed_until: dt.date,
    kind: str = "24",
    today: dt.date | None = None,
    *,
    issued_on: dt.date | None = None,
    rules: tuple[Ordinance, ...] | None = None,
) -> ValidityResult:
    """How long a document really is valid, applying every ordinance in turn.

    ``issued_on`` (when known) keeps ordinances whose cut-off day lies before the document existed from
    applying. ``rules`` replaces the shipped ordinance table (for tests and previews).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {', '.join(KINDS)}")
    today = today or dt.date.today()
    applicable = [o for o in (ordinances() if rules is None else rules) if kind in o.applies_to]
    effective = printed_until
    steps: list[Ordinance] = []
    for rule in sorted(applicable, key=lambda o: (o.valid_on, o.extended_until)):
        existed = issued_on is None or issued_on <= rule.valid_on
        if existed and effective >= rule.valid_on and rule.extended_until > effective:
            effective = rule.extended_until
            steps.append(rule)
    expired = today > effective
    explanation = _explain(printed_until, effective, steps, applicable, expired)
    if steps and issued_on is None:
        explanation += " " + _(
            "This assumes the document was issued on or before {cutoff}; one issued later is not extended – "
            "enter the issue date to be sure."
        ).format(cutoff=fmt_date(steps[0].valid_on))
    return ValidityResult(printed_until, effective, tuple(steps), explanation, expired)


def _explain(
    printed: dt.date, effective: dt.date, steps: list[Ordinance], applicable: list[Ordinance], expired: bool
) -> str:
    parts: list[str] = []
    if steps:
        reasons = "; ".join(
            _("{name}: permits valid on {valid_on} stay valid until {extended_until} ({source})").format(
                name=rule.name(),
                valid_on=fmt_date(rule.valid_on),
                extended_until=fmt_date(rule.extended_until),
                source=rule.source,
            )
            for rule in steps
        )
        parts.append(
            _("Printed until {printed}; valid until {effective} because: {reasons}.").format(
                printed=fmt_date(printed), effective=fmt_date(effective), reasons=reasons
            )
        )
        parts.append(_("The card keeps its printed date; the extension needs no application and no new card."))
        for note in dict.fromkeys(rule.note() for rule in steps if rule.note()):
            parts.append(note)
    elif not applicable:
        parts.append(
            _(
                "Printed until {printed}; documents of this kind are not extended by ordinance, "
                "so the printed date counts."
            ).format(printed=fmt_date(printed))
        )
    elif printed >= max(rule.extended_until for rule in applicable):
        parts.append(
            _(
                "Printed until {printed}; that is later than any extension by ordinance, so the printed date counts."
            ).format(printed=fmt_date(printed))
        )
    else:
        cutoffs = ", ".join(fmt_date(rule.valid_on) for rule in applicable)
        parts.append(
            _(
                "Printed until {printed}; it was not valid on any cut-off day of an ordinance ({cutoffs}), "
                "so it is not extended and the printed date counts."
            ).format(printed=fmt_date(printed), cutoffs=cutoffs)
        )
    if expired:
        parts.append(
            _("This document has expired (its validity ended on {effective}).").format(effective=fmt_date(effective))
        )
    return " ".join(parts)


def to_json(result: ValidityResult) -> dict[str, Any]:
    """The effective validity as plain JSON values (ISO date)."""
    return {"effective_until": result.effective_until.isoformat(), "explanation": result.explanation}
