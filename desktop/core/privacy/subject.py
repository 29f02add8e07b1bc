"""Subject access (GDPR Art. 15): everything stored about one person, as JSON and as a bilingual PDF.

What belongs to the person is found from the schema, not from a list kept by hand: the person's record,
everything that hangs on it by a foreign key (cases, appointments, notes, tasks, documents, printed
documents, consents, household memberships, …; the same closure erasure uses) and the households they
belong to. For each record every field with its current value and its whole history from the change log
(which value, when, by which volunteer on which laptop), then the audit log's entries about these records.
The report is written only where the user asks; it is the one plaintext file about a person the app makes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee as pw
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from desktop import i18n
from desktop.core import atomic, ids, people
from desktop.core.privacy import erasure, graph
from desktop.core.privacy.deletion import RecordMissing
from desktop.core.store import db as store_db
from desktop.core.store.hlc import physical_ms
from desktop.core.store.models import Household, HouseholdMember, Person, Travelling, Volunteer, model_for
from desktop.core.sync import conflicts

FORMAT = "begleiter-subject-access"
VERSION = 1


@dataclass
class Report:
    """The report's data (``data``, as the JSON holds it) and the person's name for the PDF's title."""

    data: dict[str, Any]
    name: str


def tables_about_a_person() -> list[str]:
    """Every travelling record type that can belong to a person: the person, whatever points at a person
    through a chain of foreign keys, and households (through their members). Derived from the models."""
    about = {Person.record_type, Household.record_type}
    changed = True
    while changed:
        changed = False
        for model in Travelling.registry:
            if model.record_type in about or model is Volunteer:
                continue
            for field in model._meta.sorted_fields:
                if isinstance(field, pw.ForeignKeyField) and field.rel_model.record_type in about - {
                    Household.record_type
                }:
                    about.add(model.record_type)
                    changed = True
                    break
    return sorted(about)


def _when(stamp: int) -> str:
    return dt.datetime.fromtimestamp(physical_ms(stamp) / 1000, tz=dt.UTC).isoformat(timespec="seconds")


def _names() -> tuple[dict[str, str], dict[str, str]]:
    """Volunteers' names and laptops' names by id, as far as this laptop knows them."""
    store = store_db.current()
    volunteers = {v.id: v.name for v in Volunteer.select(Volunteer.id, Volunteer.name)}
    devices = {store.device_id: store.get_setting("device_name")}
    for device, name in store.db.execute_sql("SELECT device, name FROM team_device"):
        devices.setdefault(device, name)
    return volunteers, devices


def _records(person_id: str) -> dict[str, set[str]]:
    records = {kind: set(found) for kind, found in erasure.closure([person_id]).items()}
    members = graph.select_ids(
        f'SELECT household_id FROM "{HouseholdMember._meta.table_name}" WHERE person_id IN ({{ids}})', [person_id]
    )
    graph.add(records, Household.record_type, members)
    return records


def _fields(model: type[Travelling], record_id: str) -> dict[str, Any]:
    row = model.select().where(model.id == record_id).dicts().get()
    out = {}
    for field in model._meta.sorted_fields:
        value = row.get(field.name)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        out[field.name] = value
    return out


def _history(record_ids: list[str], volunteers: dict[str, str], devices: dict[str, str]) -> dict[str, list]:
    db = store_db.current().db
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for start in range(0, len(record_ids), graph.CHUNK):
        batch = [ids.to_bytes(r) for r in record_ids[start : start + graph.CHUNK]]
        marks = ", ".join("?" for _ in batch)
        for raw, field, value, stamp, device, author in db.execute_sql(
            "SELECT c.record_id, c.field, c.value, c.hlc, pd.uuid, pa.uuid FROM change c "
            "JOIN peer pd ON pd.id = c.device LEFT JOIN peer pa ON pa.id = c.author "
            f"WHERE c.record_id IN ({marks}) ORDER BY c.hlc, c.seq",
            batch,
        ):
            out[ids.to_text(raw)].append(
                {
                    "field": field,
                    "value": json.loads(value) if value is not None else None,
                    "when": _when(stamp),
                    "volunteer": volunteers.get(author, author) if author else None,
                    "laptop": devices.get(device) or device,
                }
            )
    return out


def _audit(record_ids: set[str]) -> list[dict[str, Any]]:
    db = store_db.current().db
    found = []
    wanted = sorted(record_ids)
    for start in range(0, len(wanted), graph.CHUNK):
        batch = wanted[start : start + graph.CHUNK]
        marks = ", ".join("?" for _ in batch)
        for seq, at, kind, record_type, record_id, count, detail in db.execute_sql(
            "SELECT seq, at, kind, record_type, record_id, count, detail FROM audit_log "
            f"WHERE record_id IN ({marks}) ORDER BY seq",
            batch,
        ):
            found.append(
                {"seq": seq, "at": at, "kind": kind, "record_type": record_type, "record_id": record_id}
                | ({"count": count} if count is not None else {})
                | ({"detail": detail} if detail else {})
            )
    return sorted(found, key=lambda e: e["seq"])


def build(person_id: str, today: dt.date | None = None) -> Report:
    """The report of one person (RecordMissing when there is no such person here)."""
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise RecordMissing(i18n._("There is no such person: {id}.").format(id=person_id))
    volunteers, devices = _names()
    records = _records(person_id)
    all_ids = [rid for found in records.values() for rid in found]
    history = _history(all_ids, volunteers, devices)
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "made": (today or dt.date.today()).isoformat(),
        "person_id": person_id,
        "records": {},
    }
    data["laptops"] = {device: name for device, name in devices.items() if name}
    for record_type in tables_about_a_person():
        model = model_for(record_type)
        data["records"][record_type] = [
            {"id": rid, "fields": _fields(model, rid), "history": history.get(rid, [])}
            for rid in sorted(records.get(record_type, ()))
        ]
    data["audit"] = _audit(set(all_ids))
    return Report(data, person.display_name())


# --- the PDF ----------------------------------------------------------------------------------------------


def _both(message: str) -> tuple[str, str]:
    return i18n.gettext_in("de", message), i18n.gettext_in("uk", message)


def _record_title(record_type: str) -> tuple[str, str]:
    message = conflicts.RECORD_LABELS.get(record_type)
    return _both(message) if message else (record_type, record_type)


#: Columns every record has, in both languages of the report.
_META_TITLES = {
    "id": "Kennung / Ідентифікатор",
    "created_at": "Angelegt am (UTC) / Створено (UTC)",
    "created_by": "Angelegt auf Laptop / Створено на ноутбуці",
    "merged_into": "Zusammengeführt in / Об'єднано з",
    "sort_key": "Sortierschlüssel / Ключ сортування",
}


def _field_title(record_type: str, field: str) -> str:
    if field in _META_TITLES:
        return _META_TITLES[field]
    message = (people.FIELD_LABELS.get(field) if record_type == "person" else None) or conflicts.FIELD_LABELS.get(field)
    if not message:
        return field.replace("_", " ")
    de, uk = _both(message)
    return de if de == uk else f"{de} / {uk}"


def _value_text(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if value is True or value is False:
        return "ja / так" if value else "nein / ні"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return f"{dt.date.fromisoformat(value):%d.%m.%Y}"
        except ValueError:
            return value
    return str(value)


def pdf(report: Report) -> bytes:
    """The readable report: German and Ukrainian headings, every record with its fields and history."""
    from desktop.core.reports import pdf as pdf_out

    s = pdf_out.styles()
    uk_style = ParagraphStyle("uk", parent=s["para"], textColor=colors.HexColor("#1f4e79"))
    data = report.data
    story: list[Flowable] = [
        Paragraph("Auskunft über gespeicherte Daten (Art. 15 DSGVO)", s["title"]),
        Paragraph("Інформація про збережені дані (ст. 15 GDPR)", s["title_uk"]),
        Paragraph(pdf_out.escape(f"{report.name} · {data['person_id']}"), s["value"]),
        Spacer(1, 4 * mm),
        Paragraph(
            "Diese Auskunft enthält jeden Datensatz, den Begleiter auf diesem Laptop über die Person speichert, "
            "mit jedem Feld, seinem Verlauf (wann, von wem) und den Protokolleinträgen dazu.",
            s["para"],
        ),
        Paragraph(
            "Ця інформація містить кожен запис, який Begleiter зберігає про цю особу на цьому ноутбуці, з "
            "кожним полем, його історією (коли, ким) і записами журналу.",
            uk_style,
        ),
    ]
    first = ("person", "household", "household_member")
    ordered = sorted(
        data["records"].items(),
        key=lambda item: (item[0] not in first, first.index(item[0]) if item[0] in first else 0, item[0]),
    )
    for record_type, records in ordered:
        if not records:
            continue
        de, uk = _record_title(record_type)
        story.append(Paragraph(pdf_out.escape(f"{de} / {uk} ({len(records)})"), s["heading"]))
        for record in records:
            rows = [
                [
                    Paragraph(pdf_out.escape(_field_title(record_type, name)), s["label"]),
                    Paragraph(
                        pdf_out.escape(
                            data.get("laptops", {}).get(value, value) if name == "created_by" else _value_text(value)
                        ),
                        s["body"],
                    ),
                ]
                for name, value in record["fields"].items()
            ]
            table = Table(rows, colWidths=[60 * mm, 110 * mm], hAlign="LEFT")
            table.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                    ]
                )
            )
            story.append(Spacer(1, 2 * mm))
            story.append(table)
            if record["history"]:
                lines = [
                    f"{h['when'][:16].replace('T', ' ')} · {_field_title(record_type, h['field'])}: "
                    f"{_value_text(h['value'])} · {h['volunteer'] or '–'} · {h['laptop']}"
                    for h in record["history"]
                ]
                story.append(
                    KeepTogether(
                        [Paragraph("Verlauf / Історія", s["small"])]
                        + [Paragraph(pdf_out.escape(line), s["small"]) for line in lines]
                    )
                    if len(lines) < 25
                    else Paragraph(pdf_out.escape("\n".join(lines)), s["small"])
                )
    if data["audit"]:
        story.append(Paragraph("Protokoll / Журнал", s["heading"]))
        for entry in data["audit"]:
            line = f"{entry['at'][:16].replace('T', ' ')} · {entry['kind']} · {entry['record_type'] or ''}"
            story.append(Paragraph(pdf_out.escape(line), s["small"]))
    made = dt.date.fromisoformat(data["made"])
    page = pdf_out.Page(title="Auskunft Art. 15 DSGVO", title_uk="Інформація ст. 15 GDPR", reference="", printed=made)
    return pdf_out.build(story, page, subject="Art. 15 DSGVO")


def write(person_id: str, folder: Path) -> tuple[Path, Path]:
    """Write ``<folder>/auskunft-<date>-<person id>.json`` and ``.pdf`` (the folder must exist; an earlier
    report there is never overwritten: the new one gets -2, -3, …); the audit log records the access."""
    from desktop.core import audit

    report = build(person_id)
    base = f"auskunft-{report.data['made']}-{person_id}"
    stem, n = base, 1
    while (folder / f"{stem}.json").exists() or (folder / f"{stem}.pdf").exists():  # never over an earlier one
        n += 1
        stem = f"{base}-{n}"
    json_path, pdf_path = folder / f"{stem}.json", folder / f"{stem}.pdf"
    atomic.atomic_write_text(json_path, json.dumps(report.data, ensure_ascii=False, indent=2, sort_keys=True))
    atomic.atomic_write_bytes(pdf_path, pdf(report))
    audit.record("subject_access", record_type="person", record_id=person_id)
    return json_path, pdf_path
