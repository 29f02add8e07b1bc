"""The recovery sheet: the recovery key printed for the coordinator's safe, in German and Ukrainian.

Made from memory (no file unless the user saves one); the key appears once, large, in six groups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from desktop.core.reports import pdf

TITLE = "Wiederherstellungsschlüssel"
TITLE_UK = "Ключ відновлення"

#: (German, Ukrainian) paragraphs; the menu names are those of the app in each language.
TEXT = (
    (
        "Mit diesem Schlüssel öffnen Sie das Begleiter-Profil dieses Laptops, wenn die Passphrase vergessen "
        "ist: im Entsperrdialog „Passphrase vergessen?“ wählen, den Schlüssel eingeben und eine neue "
        "Passphrase festlegen. Groß- und Kleinschreibung, Leerzeichen und Bindestriche spielen keine Rolle.",
        "Цим ключем можна відкрити профіль Begleiter на цьому ноутбуці, якщо парольну фразу забуто: у вікні "
        "розблокування виберіть «Забули парольну фразу?», введіть ключ і задайте нову парольну фразу. "
        "Великі чи малі літери, пробіли та дефіси не мають значення.",
    ),
    (
        "Bewahren Sie dieses Blatt im Safe der Koordination auf, nie beim Laptop und nie als Foto oder "
        "Datei. Wer den Schlüssel und den Laptop (oder eine Kopie seines Profils) hat, kann alle Daten lesen.",
        "Зберігайте цей аркуш у сейфі координатора, ніколи не разом із ноутбуком і ніколи не як фото чи "
        "файл. Хто має ключ і ноутбук (або копію його профілю), може прочитати всі дані.",
    ),
    (
        "Ein neuer Schlüssel (Datei › Neuer Wiederherstellungsschlüssel…) macht dieses Blatt ungültig: "
        "vernichten Sie es dann.",
        "Новий ключ (Файл › Новий ключ відновлення…) робить цей аркуш недійсним: тоді знищіть його.",
    ),
)


@dataclass
class SheetFacts:
    """What the sheet names besides the key (nothing about any client)."""

    recovery_key: str
    laptop: str
    volunteer: str
    made: dt.date


def _key_table(key: str) -> Table:
    style = ParagraphStyle(
        "key", fontName=pdf.FONT_BOLD, fontSize=22, leading=28, alignment=TA_CENTER, textColor=colors.black
    )
    groups = key.split("-")
    rows = [[Paragraph(g, style) for g in groups[:3]], [Paragraph(g, style) for g in groups[3:]]]
    table = Table(rows, colWidths=[48 * mm] * 3, rowHeights=[14 * mm] * 2, hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _facts_table(facts: SheetFacts) -> Table:
    s = pdf.styles()
    rows = [
        ("Laptop", "Ноутбук", facts.laptop or "–"),
        ("Ehrenamtliche Person", "Волонтер(ка)", facts.volunteer or "–"),
        ("Erstellt am", "Створено", f"{facts.made:%d.%m.%Y}"),
    ]
    data = [
        [
            Paragraph(pdf.escape(de), s["label"]),
            Paragraph(pdf.escape(uk), s["label_uk"]),
            Paragraph(pdf.escape(v), s["value"]),
        ]
        for de, uk, v in rows
    ]
    table = Table(data, colWidths=[45 * mm, 40 * mm, 85 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return table


def _handover() -> Table:
    s = pdf.styles()
    line = "_" * 38
    data = [
        [Paragraph("Übergeben an / Передано:", s["label"]), Paragraph(line, s["label"])],
        [Paragraph("Datum, Unterschrift / Дата, підпис:", s["label"]), Paragraph(line, s["label"])],
    ]
    table = Table(data, colWidths=[70 * mm, 100 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 9)]))
    return table


def recovery_sheet(facts: SheetFacts) -> bytes:
    """The sheet as PDF bytes."""
    s = pdf.styles()
    story: list[Flowable] = [
        Paragraph(f"Begleiter – {TITLE}", s["title"]),
        Paragraph(f"Супровід – {TITLE_UK}", s["title_uk"]),
        _facts_table(facts),
        Spacer(1, 8 * mm),
        _key_table(facts.recovery_key),
        Spacer(1, 8 * mm),
    ]
    for german, ukrainian in TEXT:
        story.append(Paragraph(pdf.escape(german), s["para"]))
        story.append(
            Paragraph(
                pdf.escape(ukrainian), ParagraphStyle("uk", parent=s["para"], textColor=colors.HexColor("#1f4e79"))
            )
        )
    story += [Spacer(1, 6 * mm), _handover()]
    page = pdf.Page(title=f"Begleiter – {TITLE}", title_uk=TITLE_UK, reference="", printed=facts.made)
    return pdf.build(story, page, subject=TITLE_UK)
