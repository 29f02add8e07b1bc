"""Residence documents of a person (§24 eAT, Fiktionsbescheinigung, passport, others), and where printed
documents were saved as PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core import residence
from desktop.core.errors import refuse_first
from desktop.core.store import changelog
from desktop.core.store.models import ResidenceDocument, SavedFile
from desktop.i18n import _


def validate(values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if values.get("kind") not in ResidenceDocument.KINDS:
        errors["kind"] = _("Choose the kind of document.")
    issued, until = values.get("issued_on"), values.get("printed_until")
    if isinstance(issued, dt.date) and isinstance(until, dt.date) and until < issued:
        errors["printed_until"] = _("The document cannot run out before it was issued.")
    return errors


def _check(values: Mapping[str, Any]) -> None:
    refuse_first(validate(values))


def create_document(values: Mapping[str, Any]) -> ResidenceDocument:
    _check(values)
    return changelog.create(ResidenceDocument, values)


def update_document(document_id: str, values: Mapping[str, Any]) -> list[str]:
    doc = ResidenceDocument.get_by_id(document_id)
    merged = {"kind": doc.kind, "issued_on": doc.issued_on, "printed_until": doc.printed_until, **values}
    _check(merged)
    return changelog.update(ResidenceDocument, document_id, values)


def delete_document(document_id: str) -> None:
    changelog.delete(ResidenceDocument, document_id)


@dataclass(frozen=True)
class DocumentView:
    """A document with its printed and effective validity and the reason."""

    id: str
    kind: str
    number: str
    printed_until: dt.date | None
    effective_until: dt.date | None
    explanation: str
    expired: bool


def documents_of(person_id: str, today: dt.date | None = None) -> list[DocumentView]:
    out = []
    query = ResidenceDocument.select().where((ResidenceDocument.person == person_id) & ~ResidenceDocument.deleted)
    for doc in query.order_by(ResidenceDocument.printed_until.desc()):
        if doc.printed_until is None:
            out.append(DocumentView(doc.id, doc.kind, doc.number, None, None, _("No validity date entered."), False))
            continue
        result = residence.effective_validity(doc.printed_until, doc.kind, today=today, issued_on=doc.issued_on)
        out.append(
            DocumentView(
                doc.id,
                doc.kind,
                doc.number,
                doc.printed_until,
                result.effective_until,
                result.explanation,
                result.expired,
            )
        )
    return out


def remember_saved_file(printed_id: str, path: str | Path) -> None:
    """Note where this laptop saved a printed document as PDF (absolute), to open it again later.

    Kept in the profile's encrypted database only (a file name may name the client), never in settings;
    local to this laptop: it does not travel.
    """
    SavedFile.insert(printed_document=printed_id, path=str(Path(path).absolute())).on_conflict_replace().execute()


def saved_files(printed_ids: Iterable[str]) -> dict[str, str]:
    """Printed document id -> where this laptop saved it, for those saved here as PDF."""
    wanted = list(printed_ids)
    if not wanted:
        return {}
    query = SavedFile.select().where(SavedFile.printed_document.in_(wanted))
    return {row.printed_document_id: row.path for row in query}
