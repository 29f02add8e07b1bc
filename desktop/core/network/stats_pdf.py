"""The statistics as a PDF report for funders: German, with the user's language beside it where it is not
German; the same masked tables as on screen, months in groups that fit an A4 page."""

from __future__ import annotations

import datetime as dt

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from desktop import i18n
from desktop.core.network import stats as core
from desktop.core.reports import pdf
from desktop.i18n import N_, gettext_in

TITLE = N_("Anonymous statistics")
PERIOD = N_("Period: {start} to {end}")
MASKING = N_(
    "Counts from 1 to 4 are shown as “<5”. A total is exact when none of its parts is masked; otherwise "
    "“≥n” gives the least it can be from what is shown. A median is shown only when it rests on 5 or more "
    "needs (“n<5” below). Hours are sums of time and are not masked."
)
#: Months per table: a label column and this many months plus the total fit the A4 width.
MONTHS_PER_TABLE = 6
LABEL_WIDTH = 46 * mm
TOTAL_WIDTH = 18 * mm


def _cell_style() -> ParagraphStyle:
    return ParagraphStyle("stats_cell", parent=pdf.styles()["body"], fontSize=8, leading=10)


def _second_style() -> ParagraphStyle:
    return ParagraphStyle(
        "stats_second", parent=pdf.styles()["body"], fontSize=7, leading=9, textColor=colors.HexColor("#1f4e79")
    )


def _both(german: str, other: str | None, style: ParagraphStyle, second: ParagraphStyle) -> Paragraph:
    """German, with the other language in a smaller blue line under it (when it says something else)."""
    text = pdf.escape(german)
    if other and other != german:
        text += f"<br/><font color='#1f4e79' size='{second.fontSize}'>{pdf.escape(other)}</font>"
    return Paragraph(text, style)


def _number(value: object) -> str:
    """Numbers as in German (a decimal comma), whatever the UI language: the report is a German document."""
    if isinstance(value, float):
        text = f"{value:.1f}".replace(".", ",")
        return text[:-2] if text.endswith(",0") else text
    return str(value)


def _grid(rows: list[list[object]], widths: list[float], totals: list[int]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), pdf.FONT, 8),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
        ("FONT", (0, 0), (-1, 0), pdf.FONT_BOLD, 8),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for row in totals:
        style += [("FONT", (0, row), (-1, row), pdf.FONT_BOLD, 8), ("BACKGROUND", (0, row), (-1, row), "#f3f5f7")]
    table.setStyle(TableStyle(style))
    return table


def render(stats: core.Stats) -> bytes:
    """The report's PDF bytes (built in memory)."""
    styles = pdf.styles()
    cell, second = _cell_style(), _second_style()
    head = ParagraphStyle("stats_head", parent=cell, fontName=pdf.FONT_BOLD, alignment=2)
    user = i18n.current_language()
    other = user if user != "de" else None

    def both(message: str, style: ParagraphStyle = cell) -> Paragraph:
        return _both(gettext_in("de", message), gettext_in(other, message) if other else None, style, second)

    german = core.sections(stats, "de")
    theirs = core.sections(stats, other) if other else german
    period = gettext_in("de", PERIOD).format(
        start=i18n.fmt_date_german(stats.start), end=i18n.fmt_date_german(stats.end)
    )
    story: list[Flowable] = [
        Paragraph(pdf.escape(gettext_in("de", TITLE)), styles["title"]),
        Paragraph(pdf.escape(gettext_in("uk", TITLE)), styles["title_uk"]),
        Paragraph(pdf.escape(period), styles["body"]),
        Paragraph(pdf.escape(gettext_in("de", MASKING)), styles["small"]),
    ]
    if other:
        story.append(Paragraph(pdf.escape(gettext_in(other, MASKING)), styles["small"]))
    month_count = len(stats.months)
    groups = [list(range(i, min(i + MONTHS_PER_TABLE, month_count))) for i in range(0, month_count, MONTHS_PER_TABLE)]
    # The frame keeps 6 pt of padding on either side of the content width.
    data_width = (pdf.CONTENT_WIDTH - 12 - LABEL_WIDTH - TOTAL_WIDTH) / MONTHS_PER_TABLE
    for section_de, section_other in zip(german, theirs, strict=True):
        heading = pdf.escape(section_de.title)
        if other and section_other.title != section_de.title:
            heading += f"<br/><font color='#1f4e79' size='9'>{pdf.escape(section_other.title)}</font>"
        heading_parts: list[Flowable] = [Paragraph(heading, styles["heading"]), Spacer(1, 2 * mm)]
        for g, group in enumerate(groups):
            last = g == len(groups) - 1
            header: list[object] = [""] + [Paragraph(core.month_label(stats.months[i], "de"), head) for i in group]
            if last:
                header.append(both(core.TOTAL, head))
            rows: list[list[object]] = [header]
            totals = []
            for line_de, line_other in zip(section_de.lines, section_other.lines, strict=True):
                label = _both(line_de.label, line_other.label if other else None, cell, second)
                row: list[object] = [label] + [core.cell_text(line_de.cells[i], line_de.kind, _number) for i in group]
                if last:
                    row.append(core.cell_text(line_de.total, line_de.kind, _number))
                if line_de.kind == "total":
                    totals.append(len(rows))
                rows.append(row)
            widths = [LABEL_WIDTH] + [data_width] * len(group) + ([TOTAL_WIDTH] if last else [])
            # Each table stays on one page, the heading with the first of them.
            story.append(KeepTogether([*heading_parts, _grid(rows, widths, totals), Spacer(1, 3 * mm)]))
            heading_parts = []
    page = pdf.Page(
        title=gettext_in("de", TITLE),
        title_uk=gettext_in("uk", TITLE),
        reference=f"{stats.start:%d.%m.%Y} – {stats.end:%d.%m.%Y}",
        printed=dt.date.today(),
    )
    return pdf.build(story, page, subject=gettext_in("uk", TITLE))
