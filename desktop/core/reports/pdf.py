"""PDF output with reportlab: embedded DejaVu Sans (Cyrillic and German), page x of y, metadata.

Never the built-in Type 1 fonts: every paragraph style here names the embedded TrueType font.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Table, TableStyle
from reportlab.platypus.doctemplate import LayoutError

from desktop import paths

__all__ = ["LayoutError"]  # a text that fits on no page (raised by build)

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
MARGIN = 20 * mm


@cache
def register_fonts() -> None:
    folder = paths.resources_dir() / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=10, leading=13.5)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor("#333333")),
        "label": ParagraphStyle("label", parent=base, fontSize=9, leading=11.5),
        "label_uk": ParagraphStyle(
            "label_uk", parent=base, fontSize=9, leading=11.5, textColor=colors.HexColor("#1f4e79")
        ),
        "value": ParagraphStyle("value", parent=base, fontName=FONT_BOLD, fontSize=9.5, leading=12),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=2),
        "title_uk": ParagraphStyle(
            "title_uk", parent=base, fontSize=12.5, leading=16, textColor=colors.HexColor("#1f4e79"), spaceAfter=8
        ),
        "heading": ParagraphStyle("heading", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=10),
        "subject": ParagraphStyle(
            "subject", parent=base, fontName=FONT_BOLD, fontSize=10.5, leading=14, spaceBefore=14
        ),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "para": ParagraphStyle("para", parent=base, spaceAfter=8),
    }


def escape(text: Any) -> str:
    """Text for a reportlab Paragraph (markup characters escaped, line breaks kept)."""
    value = "" if text is None else str(text)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("\n", "<br/>")


@dataclass
class Page:
    """What every page's header and footer show."""

    title: str
    title_uk: str
    reference: str
    printed: dt.date
    lang: str = "de-DE"


def numbered_canvas(decorate: Callable[[pdfcanvas.Canvas, int], None]) -> type[pdfcanvas.Canvas]:
    """A canvas that holds its pages back until the document ends, then lets ``decorate(canvas, total)``
    draw on each (a header and a footer such as "Seite 2 von 3" need the number of pages)."""

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.saveState()
                decorate(self, total)
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


def _page_canvas(page: Page) -> type[pdfcanvas.Canvas]:
    """Header (title, reference) and the bilingual footer (printed on, page n of total) on every page."""

    def decorate(canvas: pdfcanvas.Canvas, total: int) -> None:
        width, height = A4
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.HexColor("#444444"))
        header = page.title if not page.reference else f"{page.title} · {page.reference}"
        canvas.drawString(MARGIN, height - 12 * mm, header[:110])
        canvas.setStrokeColor(colors.HexColor("#999999"))
        canvas.line(MARGIN, height - 13.5 * mm, width - MARGIN, height - 13.5 * mm)
        number = canvas.getPageNumber()
        footer = f"Seite {number} von {total} · Сторінка {number} з {total}"
        printed = f"Gedruckt am {page.printed:%d.%m.%Y} · Надруковано {page.printed:%d.%m.%Y}"
        canvas.drawString(MARGIN, 10 * mm, printed)
        canvas.drawRightString(width - MARGIN, 10 * mm, footer)

    return numbered_canvas(decorate)


def build(story: Sequence[Flowable], page: Page, subject: str = "") -> bytes:
    """The PDF of ``story``: A4, embedded fonts, header/footer on every page, title and language set."""
    register_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=page.title,
        author="Begleiter",
        subject=subject or page.title_uk,
        creator="Begleiter",
        lang=page.lang,
        initialFontName=FONT,  # else Helvetica, a built-in Type 1 font, is listed on every page
        initialFontSize=10,
    )
    doc.build(list(story), canvasmaker=_page_canvas(page))
    return out.getvalue()


def grid(rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
    """A ruled table; the first row is a header when ``header``."""
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, splitInRow=1)  # long rows may split
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")), ("FONT", (0, 0), (-1, 0), FONT_BOLD, 9)]
    table.setStyle(TableStyle(style))
    return table


CONTENT_WIDTH = A4[0] - 2 * MARGIN
