"""Residence documents of a person (§24 eAT, Fiktionsbescheinigung, passport, others)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop.core import residence
from desktop.core.errors import ValidationError
from desktop.core.store import changelog
from desktop.core.store.models import ResidenceDocument
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
    errors = validate(values)
    if errors:
        field, message = next(iter(errors.items()))
        raise ValidationError(message, field)


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
