"""The certificate of voluntary work (Nachweis über ehrenamtliche Tätigkeit) as a German PDF.

The initiative's letterhead, the volunteer's name, the period, a sentence of confirmation, the kinds of
activity with their time (activity, travel, together), the sum, the time per month, place and date and a
line for the signature. Nothing about the people accompanied: the hours records hold no client data, and
the certificate prints only activity keys, minutes and counts.

Times are printed as hours and minutes ("12:30 Std."), so every line and the sum are exact and add up.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desktop import i18n
from desktop.core import atomic, audit
from desktop.core.errors import UserError, ValidationError
from desktop.core.network import hours, initiative, labels
from desktop.core.reports import pdf
from desktop.core.store.models import Volunteer
from desktop.i18n import _

TITLE = "Nachweis über ehrenamtliche Tätigkeit"

_MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


class MissingInitiative(UserError):
    """The initiative's name is not set: there would be no letterhead."""


class NoHours(UserError):
    """The volunteer has no hours in the period: there is nothing to certify."""


@dataclass
class Certified:
    """What a certificate summed: per activity, per month and in all (minutes and records)."""

    volunteer_id: str
    volunteer_name: str
    start: dt.date
    end: dt.date
    activities: dict[str, hours.Sum] = field(default_factory=dict)
    months: list[tuple[dt.date, hours.Sum]] = field(default_factory=list)
    total: hours.Sum = field(default_factory=hours.Sum)


def hm(minutes: int) -> str:
    """Minutes as hours and minutes, "12:05"."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def hours_words(minutes: int) -> str:
    """Minutes in German words: "12 Stunden und 5 Minuten", "1 Stunde", "45 Minuten"."""
    h, m = divmod(minutes, 60)
    parts = []
    if h or not m:
        parts.append(f"{h} Stunde" if h == 1 else f"{h} Stunden")
    if m:
        parts.append(f"{m} Minute" if m == 1 else f"{m} Minuten")
    return " und ".join(parts)


def month_name(month: dt.date) -> str:
    return f"{_MONTHS[month.month - 1]} {month.year}"


def sums(volunteer_id: str, start: dt.date, end: dt.date) -> Certified:
    """What the certificate of a volunteer for a period sums (from the hours records)."""
    volunteer = Volunteer.get_or_none((Volunteer.id == volunteer_id) & ~Volunteer.deleted)
    if volunteer is None:
        raise UserError(_("There is no volunteer {id}.").format(id=volunteer_id))
    if start > end:
        raise ValidationError(_("The period ends before it begins."), "end")
    found = Certified(volunteer.id, volunteer.name, start, end)
    found.activities = hours.activity_sums(volunteer_id, start, end)
    by_month: dict[dt.date, hours.Sum] = {}
    for row in hours.per_month(volunteer_id, start, end):
        by_month.setdefault(row.month, hours.Sum()).add(row.minutes, row.travel_minutes, row.entries)
        found.total.add(row.minutes, row.travel_minutes, row.entries)
    found.months = sorted(by_month.items())
    return found


def _styles() -> dict[str, ParagraphStyle]:
    base = pdf.styles()
    body = ParagraphStyle("cert_body", parent=base["body"], fontSize=10.5, leading=15)
    return {
        "org": ParagraphStyle("cert_org", parent=base["body"], fontName=pdf.FONT_BOLD, fontSize=13, leading=16),
        "address": ParagraphStyle(
            "cert_address", parent=base["body"], fontSize=9, leading=12, textColor=colors.HexColor("#333333")
        ),
        "title": ParagraphStyle(
            "cert_title", parent=base["body"], fontName=pdf.FONT_BOLD, fontSize=16, leading=20, spaceBefore=14
        ),
        "body": ParagraphStyle("cert_para", parent=body, spaceAfter=8),
        "name": ParagraphStyle(
            "cert_name", parent=body, fontName=pdf.FONT_BOLD, fontSize=13, leading=17, leftIndent=12, spaceAfter=8
        ),
        "heading": ParagraphStyle(
            "cert_heading", parent=body, fontName=pdf.FONT_BOLD, fontSize=11, spaceBefore=8, spaceAfter=4
        ),
        "small": ParagraphStyle("cert_small", parent=base["small"]),
    }


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    """A ruled table with a header row and a bold sum row; numbers right-aligned."""
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), pdf.FONT, 9.5),
                ("FONT", (0, 0), (-1, 0), pdf.FONT_BOLD, 9),
                ("FONT", (0, -1), (-1, -1), pdf.FONT_BOLD, 9.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
                ("LINEABOVE", (0, -1), (-1, -1), 0.9, colors.HexColor("#555555")),
                ("GRID", (0, 0), (-1, -2), 0.4, colors.HexColor("#9aa5b1")),
                ("BOX", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _activity_table(found: Certified) -> Table:
    rows: list[list[Any]] = [["Art der Tätigkeit", "Einsätze", "Einsatzzeit", "Fahrzeit", "Gesamt"]]
    for key, summed in found.activities.items():
        label = labels.label_in("de", labels.ACTIVITY_LABELS, key)
        rows.append([label, str(summed.entries), hm(summed.minutes), hm(summed.travel_minutes), hm(summed.total)])
    t = found.total
    rows.append(["Summe", str(t.entries), hm(t.minutes), hm(t.travel_minutes), hm(t.total)])
    w = pdf.CONTENT_WIDTH
    return _table(rows, [w * 0.44, w * 0.12, w * 0.15, w * 0.14, w * 0.15])


def _month_table(found: Certified) -> Table:
    rows: list[list[Any]] = [["Monat", "Einsätze", "Einsatzzeit", "Fahrzeit", "Gesamt"]]
    for month, summed in found.months:
        rows.append(
            [month_name(month), str(summed.entries), hm(summed.minutes), hm(summed.travel_minutes), hm(summed.total)]
        )
    t = found.total
    rows.append(["Summe", str(t.entries), hm(t.minutes), hm(t.travel_minutes), hm(t.total)])
    w = pdf.CONTENT_WIDTH
    return _table(rows, [w * 0.44, w * 0.12, w * 0.15, w * 0.14, w * 0.15])


def _letterhead(org: initiative.Initiative, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [Paragraph(pdf.escape(org.name), s["org"])]
    if org.address_lines:
        story.append(Paragraph(pdf.escape(" · ".join(org.address_lines)), s["address"]))
    rule = Table([[""]], colWidths=[pdf.CONTENT_WIDTH], rowHeights=[3])
    rule.setStyle(
        TableStyle(
            [("LINEBELOW", (0, 0), (-1, -1), 0.8, colors.HexColor("#1f4e79")), ("FONT", (0, 0), (-1, -1), pdf.FONT, 9)]
        )
    )
    story.append(rule)
    return story


def _signature(org: initiative.Initiative, issued: dt.date, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    place = f"{org.town}, {i18n.fmt_date_german(issued)}" if org.town else i18n.fmt_date_german(issued)
    who = ", ".join(part for part in (org.signer, org.signer_role) if part)
    under = who or f"für {org.name}"
    cells = [
        [Paragraph(pdf.escape(place), s["body"]), "", ""],
        [Paragraph("Ort, Datum", s["small"]), "", Paragraph("Unterschrift und Stempel", s["small"])],
        ["", "", Paragraph(pdf.escape(under), s["body"])],
    ]
    w = pdf.CONTENT_WIDTH
    table = Table(cells, colWidths=[w * 0.38, w * 0.08, w * 0.54], rowHeights=[18 * mm, None, None])
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (0, 0), 0.6, colors.black),
                ("LINEBELOW", (2, 0), (2, 0), 0.6, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("FONT", (0, 0), (-1, -1), pdf.FONT, 9),
            ]
        )
    )
    return [Spacer(1, 8 * mm), table]


def story(found: Certified, org: initiative.Initiative, issued: dt.date) -> list[Flowable]:
    """The certificate's content."""
    s = _styles()
    t = found.total
    einsaetze = "einem Einsatz" if t.entries == 1 else f"{t.entries} Einsätzen"
    text = (
        f"im Zeitraum vom {i18n.fmt_date_german(found.start)} bis {i18n.fmt_date_german(found.end)} ehrenamtlich für "
        f"{pdf.escape(org.name)} tätig war."
    )
    summary = f"Insgesamt wurden bei {einsaetze} <b>{hours_words(t.total)}</b> ehrenamtlich geleistet"
    summary += f", davon {hours_words(t.travel_minutes)} Fahrzeit." if t.travel_minutes else "."
    out: list[Flowable] = [*_letterhead(org, s)]
    out.append(Spacer(1, 6 * mm))
    out.append(Paragraph(TITLE, s["title"]))
    out.append(Spacer(1, 4 * mm))
    out.append(Paragraph("Hiermit bestätigen wir, dass", s["body"]))
    out.append(Paragraph(pdf.escape(found.volunteer_name), s["name"]))
    out.append(Paragraph(text, s["body"]))
    out.append(Paragraph(summary, s["body"]))
    out.append(Paragraph("Tätigkeiten", s["heading"]))
    out.append(_activity_table(found))
    out.append(
        Paragraph(
            "Zeiten in Stunden:Minuten. Die Fahrzeit ist die Zeit für An- und Abreise zu den Einsätzen.", s["small"]
        )
    )
    closing = Paragraph(
        "Die Angaben beruhen auf den Einsatzzeiten, die die Initiative für die ehrenamtliche Tätigkeit erfasst hat.",
        s["body"],
    )
    # The confirmation and its signature stay on the first page; the months follow as an annex.
    out.append(KeepTogether([Spacer(1, 4 * mm), closing, *_signature(org, issued, s)]))
    if len(found.months) > 1:
        out.append(KeepTogether([Paragraph("Anlage: Zeiten nach Monaten", s["heading"]), _month_table(found)]))
    return out


def _canvas(footer: str) -> type[pdfcanvas.Canvas]:
    """The German footer on every page: the initiative and "Seite 1 von 2"."""

    def decorate(canvas: pdfcanvas.Canvas, total: int) -> None:
        canvas.setFont(pdf.FONT, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(pdf.MARGIN, 10 * mm, footer[:100])
        canvas.drawRightString(A4[0] - pdf.MARGIN, 10 * mm, f"Seite {canvas.getPageNumber()} von {total}")

    return pdf.numbered_canvas(decorate)


def render(found: Certified, org: initiative.Initiative, issued: dt.date | None = None) -> bytes:
    """The certificate as PDF bytes (A4, fonts embedded, German)."""
    if not org.name.strip():
        raise MissingInitiative(
            _(
                "Enter your initiative's name and address in Edit › Preferences first: the certificate is "
                "issued on its letterhead."
            )
        )
    if found.total.entries == 0:
        raise NoHours(
            _("{name} has no hours recorded from {start} to {end}: there is nothing to certify.").format(
                name=found.volunteer_name, start=i18n.fmt_date_german(found.start), end=i18n.fmt_date_german(found.end)
            )
        )
    issued = issued or dt.date.today()
    pdf.register_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=pdf.MARGIN,
        rightMargin=pdf.MARGIN,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"{TITLE} – {found.volunteer_name}",
        author=org.name,
        subject=f"{i18n.fmt_date_german(found.start)} – {i18n.fmt_date_german(found.end)}",
        creator="Begleiter",
        lang="de-DE",
        initialFontName=pdf.FONT,
        initialFontSize=10,
    )
    period = f"{i18n.fmt_date_german(found.start)} – {i18n.fmt_date_german(found.end)}"
    footer = f"{TITLE} · {found.volunteer_name} · {period}"
    doc.build(story(found, org, issued), canvasmaker=_canvas(footer))
    return out.getvalue()


def certificate_pdf(
    volunteer_id: str, start: dt.date, end: dt.date, issued: dt.date | None = None
) -> tuple[bytes, Certified]:
    """The certificate's PDF and what it summed (nothing written)."""
    found = sums(volunteer_id, start, end)
    return render(found, initiative.get(), issued), found


def write_certificate(
    volunteer_id: str, start: dt.date, end: dt.date, path: Path, issued: dt.date | None = None
) -> Certified:
    """Write the certificate of a volunteer for a period to ``path`` (atomically) and note it in the audit
    log; returns what it summed. OSError when the file cannot be written."""
    data, found = certificate_pdf(volunteer_id, start, end, issued)
    atomic.atomic_write_bytes(Path(path), data)
    audit.record("print", "volunteer", volunteer_id, detail="pdf")
    return found
