"""Filled templates as PDF: bilingual worksheets, German letters with a Ukrainian page, checklists.

German outputs show dates as TT.MM.JJJJ and names in the passport's Latin letters whatever the app's
language; the labels are German and Ukrainian side by side (English too when the app is in English).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from desktop.core.forms.binding import ChecklistLine, Subject, context
from desktop.core.forms.templates import Field, Template
from desktop.core.reports.pdf import CONTENT_WIDTH, FONT, FONT_BOLD, Page, build, escape, grid, styles
from desktop.core.search.translit import has_cyrillic, kmu55
from desktop.core.store.models import person_name

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_YES_LIST = re.compile(r"\{yes:([a-z][a-z0-9_]*)\}")
BLANK = "________________"
LABEL_UK_COLOR = "#1f4e79"

#: Who signs, named by the role the paper gives them (a Vollmacht is signed by the Vollmachtgeber/in, a
#: consent by the person consenting, not by an "applicant").
SIGNATURE_LABELS = {
    "client": ("Unterschrift", "Підпис", "Signature"),
    "applicant": (
        "Unterschrift der antragstellenden Person",
        "Підпис заявника / заявниці",
        "Signature of the applicant",
    ),
    "principal": (
        "Unterschrift der Vollmachtgeberin / des Vollmachtgebers",
        "Підпис довірителя / довірительки",
        "Signature of the principal (person granting the power)",
    ),
    "consenting": (
        "Unterschrift der einwilligenden Person",
        "Підпис особи, яка дає згоду",
        "Signature of the person giving consent",
    ),
    "objector": (
        "Unterschrift der Widerspruchsführerin / des Widerspruchsführers",
        "Підпис особи, яка подає заперечення",
        "Signature of the person objecting",
    ),
    "volunteer": (
        "Unterschrift der bevollmächtigten Person",
        "Підпис уповноваженої особи",
        "Signature of the representative",
    ),
    "receipt": (
        "Eingangsstempel / Empfangsbestätigung der Behörde",
        "Штамп установи про отримання",
        "Office's receipt stamp",
    ),
}


#: A yes/no question not answered yet, on a worksheet.
UNANSWERED = "☐ ja · так   ☐ nein · ні"


def german(field: Field, value: Any, latin: bool = False) -> str:
    """A value as a German form shows it; with ``latin`` Cyrillic text is written in KMU-55 Latin letters
    (official forms and letters to offices take Latin letters only)."""
    text = _german(field, value)
    return kmu55(text) if latin and has_cyrillic(text) else text


def _german(field: Field, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y, %H:%M Uhr")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if field.type == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
        except ValueError:
            return value
    if field.type == "bool":
        return "ja" if value else "nein"
    if field.type == "choice":
        return field.choice_label(value, "de")
    if field.type == "money":
        amount = parse_money(value)
        if amount is None:
            return str(value)
        return f"{amount:,.2f} €".replace(",", "X").replace(".", ",").replace("X", ".")
    if isinstance(value, list):
        return "\n".join(item.de if isinstance(item, ChecklistLine) else str(item) for item in value)
    return str(value)


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_money(value: Any) -> Decimal | None:
    """An amount as Germans write it: 1.200 / 1.200,50 / 450,50 / 450.50 / 1200 (a € sign is allowed)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    text = str(value or "").replace("€", "").replace("EUR", "").replace(" ", "").strip()
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(text):
        text = text.replace(".", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def ukrainian_hint(field: Field, value: Any) -> str:
    """For choices and yes/no: the Ukrainian word next to the German one."""
    if field.type == "bool" and value not in (None, ""):
        return "так" if value else "ні"
    if field.type == "choice" and value not in (None, ""):
        return field.choice_label(value, "uk")
    return ""


def relevant(template: Template, values: dict[str, Any]) -> list[Field]:
    """The fields that apply (relevance conditions hold), in order."""
    return [f for f in template.fields() if f.relevant is None or f.relevant.holds(values)]


def _cell(text: str, style: str, width: float, font: str = FONT, size: float = 9) -> Any:
    """A table cell: the plain string when it fits on one line (much faster to lay out), else a Paragraph."""
    if "\n" not in text and pdfmetrics.stringWidth(text, font, size) < width - 8:
        return text
    return Paragraph(escape(text), styles()[style])


def _labels(field: Field, ui_lang: str, width: float) -> tuple[Any, Any]:
    st = styles()
    uk = field.label.uk or field.label.de
    if field.label.uk and ui_lang != "en":
        uk_cell = _cell(uk, "label_uk", width)
    else:
        uk_text = escape(uk) if field.label.uk else f"{escape(uk)} <font size=7>(DE)</font>"
        if ui_lang == "en" and field.label.en:
            uk_text += f"<br/><font size=7.5 color='#555555'>{escape(field.label.en)}</font>"
        uk_cell = Paragraph(uk_text, st["label_uk"])
    return _cell(field.label.de, "label", width), uk_cell


def _title(template: Template, ui_lang: str) -> list[Any]:
    st = styles()
    out = [Paragraph(escape(template.title.de), st["title"]), Paragraph(escape(template.title.uk), st["title_uk"])]
    if ui_lang == "en":
        out.append(Paragraph(escape(template.title.en), st["small"]))
    return out


def _caption(signer: str, ui_lang: str) -> Paragraph:
    de, uk, en = SIGNATURE_LABELS[signer]
    caption = f"{escape(de)}<br/><font color='#1f4e79'>{escape(uk)}</font>"
    if ui_lang == "en":
        caption += f"<br/><font size=7.5>{escape(en)}</font>"
    return Paragraph(caption, styles()["small"])


def _signatures(template: Template, place: str, ui_lang: str, signed: Sequence[Any] = ()) -> list[Any]:
    """Signature lines (and a box for the office's receipt stamp) where the paper needs them, kept on one
    page with ``signed``, the end of what is signed: a signature never stands alone on a page. The lines
    stand at one height, each caption below its line, however many lines the captions take."""
    if not template.signatures:
        return list(signed)
    st = styles()
    gap = 8 * mm
    slots = max(2, len(template.signatures))  # a single signature line takes half the width, as on paper forms
    width = (CONTENT_WIDTH - gap * (slots - 1)) / slots
    columns: list[float] = []
    spaces: list[Any] = []
    captions: list[Any] = []
    style: list[Any] = [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]
    for n, signer in enumerate(template.signatures):
        if n:
            columns.append(gap)
            spaces.append("")
            captions.append("")
        column = len(columns)
        columns.append(width)
        spaces.append("")
        captions.append(_caption(signer, ui_lang))
        if signer == "receipt":  # the office's stamp: a box, its caption below
            style.append(("BOX", (column, 0), (column, 0), 0.5, "#777777"))
        else:
            style.append(("LINEBELOW", (column, 0), (column, 0), 0.7, "#000000"))
    height = 30 * mm if "receipt" in template.signatures else 16 * mm
    row = Table([spaces, captions], colWidths=columns, rowHeights=[height, None])
    row.setStyle(TableStyle(style))
    where = f"{escape(place)}, " if place else ""
    dated = Paragraph(f"{where}den ______________ · Місце, дата", st["small"])
    return [KeepTogether([*signed, Spacer(1, 8 * mm), dated, Spacer(1, 2 * mm), row])]


def _page(template: Template, subject: Subject) -> Page:
    """Header and footer. The app's own case number (V-…) is for the volunteers: it is printed only on a
    checklist, which stays with the client, never on a letter or a worksheet that may go to an office."""
    case = subject.case
    reference = case.reference if template.kind == "checklist" and case is not None and case.reference else ""
    return Page(template.title.de, template.title.uk, reference, subject.today)


def worksheet(template: Template, values: dict[str, Any], subject: Subject, ui_lang: str = "uk") -> bytes:
    st = styles()
    story: list[Any] = _title(template, ui_lang)
    p = subject.person
    who = person_name(p.family_name, p.given_name, p.family_name_cyr, p.given_name_cyr)
    cyr = " ".join(x for x in (p.family_name_cyr, p.given_name_cyr) if x)
    story.append(Paragraph(escape(f"{who} ({cyr})" if cyr and p.family_name else who), st["small"]))
    if template.help:
        story.append(Paragraph(escape(template.help.de), st["small"]))
        story.append(Paragraph(escape(template.help.uk or template.help.de), st["small"]))
    shown = {f.key for f in relevant(template, values)}
    widths = [CONTENT_WIDTH * 0.31, CONTENT_WIDTH * 0.31, CONTENT_WIDTH * 0.38]
    for section in template.sections:
        rows = []
        for f in section.fields:
            if f.key not in shown:
                continue
            de_label, uk_label = _labels(f, ui_lang, widths[0])
            value = german(f, values.get(f.key))
            if has_cyrillic(value) and not (f.bind or "").endswith("_cyr"):
                value = f"{kmu55(value)} ({value})"  # to copy into the German form in Latin letters
            if f.type == "bool" and not value:
                value = UNANSWERED  # boxes to tick with the client, never a "nein" nobody said
            hint = ukrainian_hint(f, values.get(f.key))
            if hint:
                text = escape(value) + f" <font size=8 color='#1f4e79'>({escape(hint)})</font>"
                value_cell: Any = Paragraph(text, st["value"])
            else:
                value_cell = _cell(value, "value", widths[2], FONT_BOLD, 9.5)
            rows.append([de_label, uk_label, value_cell])
        if not rows:
            continue
        heading = (
            f"{escape(section.title.de)} · <font color='#1f4e79'>{escape(section.title.uk or section.title.de)}</font>"
        )
        header = [
            Paragraph("Feld (Deutsch)", st["label"]),
            Paragraph("Поле (українською)", st["label_uk"]),
            Paragraph("Angabe · Відповідь", st["label"]),
        ]
        story.append(CondPageBreak(30 * mm))  # a heading never stays alone at the foot of a page
        last = [Paragraph(heading, st["heading"]), _rows_table([header, *rows], widths, 1)]
        if len(rows) > 3:  # the last rows go with the signature, the rest may stay on the page before
            last = [last[0], _rows_table([header, *rows[:-2]], widths, 1), _rows_table(rows[-2:], widths, 0)]
        story += last
    signed = [story.pop()] if template.signatures and story and isinstance(story[-1], Table) else []
    if signed and len(story) > 1 and isinstance(story[-1], Paragraph):
        signed.insert(0, story.pop())  # a short last section goes whole, with its heading
    story += _signatures(template, p.city or "", ui_lang, signed)
    return build(story, _page(template, subject))


def chosen(template: Template, values: dict[str, Any], section_key: str, lang: str = "de") -> list[str]:
    """The labels of a section's yes/no questions answered "yes" (a Vollmacht's offices), in ``lang``."""
    section = next((s for s in template.sections if s.key == section_key), None)
    if section is None:
        return []
    return [f.label.get(lang) for f in section.fields if f.type == "bool" and values.get(f.key) is True]


def unanswered(field: Field) -> str:
    """What a letter shows for a question nobody answered: its label and the answers to tick by hand,
    never a bare line nobody knows what to write on."""
    if field.type == "choice":
        return f"{field.label.de} (bitte ankreuzen):\n" + "\n".join(f"☐ {c.label.de}" for c in field.choices)
    if field.type == "bool":
        return f"{field.label.de}: ☐ ja   ☐ nein"
    return f"{field.label.de}: {BLANK}"


#: How much of a letter's end goes with the signature onto its page at most (the last paragraph always).
KEEP_WITH_SIGNATURE = 70 * mm


def _closing(body: list[Any]) -> list[Any]:
    """Takes the last paragraphs of a letter off ``body``: its last one, and the one before when both
    together are short enough to move to the next page with the signature."""
    signed = [body.pop()] if body else []
    if body:
        height = sum(p.wrap(CONTENT_WIDTH, 10_000)[1] for p in (body[-1], *signed))
        if height <= KEEP_WITH_SIGNATURE:
            signed.insert(0, body.pop())
    return signed


def _rows_table(rows: list[list[Any]], widths: list[float], first: int) -> Table:
    """Worksheet rows as a ruled table; ``first`` is the first row of values (1: after a header row)."""
    table = grid(rows, widths, header=bool(first))
    table.setStyle(
        TableStyle(
            [
                ("TEXTCOLOR", (1, first), (1, -1), LABEL_UK_COLOR),
                ("FONT", (2, first), (2, -1), FONT_BOLD, 9.5),
            ]
        )
    )
    return table


def fill_text(text: str, template: Template, values: dict[str, Any], lang: str = "de") -> str:
    """A letter text with ``{field}`` replaced by the field's German value (a line when empty; a paragraph
    that is only an empty field is that field's label with its answers to tick) and ``{yes:section}`` by
    the section's questions answered "yes", one per line, labelled in ``lang``."""

    def one(match: re.Match[str]) -> str:
        f = template.field(match.group(1))
        return (german(f, values.get(f.key), latin=True) if f else "") or BLANK

    def yes_list(match: re.Match[str]) -> str:
        return "\n".join(f"– {label}" for label in chosen(template, values, match.group(1), lang)) or BLANK

    parts = re.split(r"(\n\s*\n)", _YES_LIST.sub(yes_list, text))
    for n, part in enumerate(parts):
        alone = _PLACEHOLDER.fullmatch(part.strip())
        f = template.field(alone.group(1)) if alone else None
        if f is not None and not german(f, values.get(f.key)):
            parts[n] = unanswered(f)
    return _PLACEHOLDER.sub(one, "".join(parts))


def letter(template: Template, values: dict[str, Any], subject: Subject, ui_lang: str = "uk") -> bytes:
    st = styles()
    p = subject.person
    ctx = context(subject)
    sender = [f"{p.given_name} {p.family_name}".strip() or f"{p.given_name_cyr} {p.family_name_cyr}".strip()]
    sender += [x for x in (p.street, " ".join(y for y in (p.postcode, p.city) if y)) if x]
    story: list[Any] = [Paragraph(escape("\n".join(sender)), st["body"]), Spacer(1, 10 * mm)]
    to = template.letter.get("to", "authority")
    if to == "authority":
        # What the office directory does not know stays a line to write by hand (street, postcode).
        street, town = ctx["case.authority_street"], ctx["case.authority_town"]
        if town and not town[:1].isdigit():
            town = f"{BLANK} {town}"
        lines = [ctx["case.authority"] or BLANK, street or BLANK, town or BLANK]
        story.append(Paragraph(escape("\n".join(lines)), st["body"]))
    elif to != "none" and template.field(str(to)):
        story.append(Paragraph(escape(german(template.field(str(to)), values.get(str(to))) or BLANK), st["body"]))
    place = p.city or ""
    story.append(Spacer(1, 8 * mm))
    story.append(
        Paragraph(escape(f"{place}, {subject.today:%d.%m.%Y}" if place else f"{subject.today:%d.%m.%Y}"), st["right"])
    )
    # Only the numbers the addressed office itself gave the person: a letter to the Ausländerbehörde or a
    # consent given to a doctor carries no Jobcenter number (and the app's own case number is no Aktenzeichen).
    # A template for no particular office ("other": a Terminverlegung, an Abgabe-Anschreiben) writes to the
    # office of its case, and takes that office's numbers.
    authority = template.authority if template.authority not in ("", "other") else ""
    if not authority and to == "authority" and subject.case is not None:
        authority = subject.case.authority
    refs = {
        "jobcenter": [("BG-Nummer", p.bg_number), ("Kundennummer", p.jobcenter_customer_no)],
        "auslaenderbehoerde": [("Aktenzeichen", p.abh_file_no)],
    }.get(authority if to != "none" else "", [])
    refs_text = " · ".join(f"{k}: {v}" for k, v in refs if v)
    if refs_text:
        story.append(Paragraph(escape(refs_text), st["small"]))
    story.append(Paragraph(escape(fill_text(template.letter["subject"]["de"], template, values)), st["subject"]))
    story.append(Spacer(1, 4 * mm))
    body: list[Any] = [
        Paragraph(escape(paragraph.strip()), st["para"])
        for paragraph in re.split(r"\n\s*\n", fill_text(template.letter["body"]["de"], template, values).strip())
    ]
    signed = _closing(body)
    story += body
    story += _signatures(template, place, ui_lang, signed)  # the closing words stay with the signature
    # The client's page: what the letter says, in Ukrainian (and English when the app is in English).
    story.append(PageBreak())
    story.append(Paragraph(escape(template.title.uk), st["title"]))
    story.append(Paragraph("Пояснення до листа для вас · Erläuterung für Sie", st["title_uk"]))
    explanation = template.letter.get("explanation", {})
    for paragraph in re.split(r"\n\s*\n", str(explanation.get("uk", "")).strip()):
        story.append(Paragraph(escape(fill_text(paragraph.strip(), template, values, "uk")), st["para"]))
    if ui_lang == "en" and explanation.get("en"):
        story.append(Spacer(1, 4 * mm))
        for paragraph in re.split(r"\n\s*\n", str(explanation["en"]).strip()):
            story.append(Paragraph(escape(fill_text(paragraph.strip(), template, values, "en")), st["small"]))
    rows = []
    for f in relevant(template, values):
        value = german(f, values.get(f.key))
        if value:
            hint = ukrainian_hint(f, values.get(f.key))
            rows.append(
                [
                    Paragraph(escape(f.label.uk or f.label.de), st["label_uk"]),
                    Paragraph(escape(value + (f" ({hint})" if hint else "")), st["value"]),
                ]
            )
    if rows:
        story.append(Paragraph("Що вказано в листі · Angaben im Brief", st["heading"]))
        story.append(grid(rows, [CONTENT_WIDTH * 0.45, CONTENT_WIDTH * 0.55], header=False))
    return build(story, _page(template, subject))


def checklist(template: Template, values: dict[str, Any], subject: Subject, ui_lang: str = "uk") -> bytes:
    st = styles()
    story: list[Any] = _title(template, ui_lang)
    p = subject.person
    who = person_name(p.family_name, p.given_name, p.family_name_cyr, p.given_name_cyr)
    ctx = context(subject)
    facts = [("Für · Для", who)]
    when = ctx["case.next_appointment"]
    if when:
        facts.append(("Termin · Зустріч", when.strftime("%d.%m.%Y, %H:%M")))
    if ctx["case.next_appointment_place"]:
        facts.append(("Ort · Місце", ctx["case.next_appointment_place"]))
    for f in relevant(template, values):
        value = german(f, values.get(f.key))
        if value and f.bind not in ("case.next_appointment", "case.next_appointment_place"):
            facts.append((f"{f.label.de} · {f.label.uk or f.label.de}", value))
    story.append(
        grid(
            [[Paragraph(escape(k), st["label"]), Paragraph(escape(v), st["value"])] for k, v in facts],
            [CONTENT_WIDTH * 0.32, CONTENT_WIDTH * 0.68],
            header=False,
        )
    )
    items: list[ChecklistLine] = list(ctx["case.checklist"]) if template.checklist.get("from_case") else []
    keys = {i.key for i in items if i.key}
    for extra in template.checklist.get("items") or []:
        label = extra.get("label", {}) if isinstance(extra, dict) else {}
        de = str(label.get("de", ""))
        key = str(extra.get("key") or "") if isinstance(extra, dict) else ""
        # a document the case's checklist has already (ticked there or not) is listed once, as the case has it
        if de and (not key or key not in keys) and all(i.de != de for i in items):
            items.append(ChecklistLine(de, str(label.get("uk") or de), str(label.get("en") or de), key=key))
    rows = [
        [
            Paragraph("", st["label"]),
            Paragraph("Was mitbringen", st["label"]),
            Paragraph("Що взяти з собою", st["label_uk"]),
        ]
    ]
    for item in items:
        mark = "☑" if item.have else "☐"
        uk = escape(item.uk) + (
            f"<br/><font size=7.5 color='#555555'>{escape(item.en)}</font>" if ui_lang == "en" else ""
        )
        rows.append(
            [
                Paragraph(f"<font name='{FONT}' size=13>{mark}</font>", st["body"]),
                Paragraph(escape(item.de), st["label"]),
                Paragraph(uk, st["label_uk"]),
            ]
        )
    story.append(Paragraph("Was mitbringen · Що взяти з собою", st["heading"]))
    story.append(grid(rows, [9 * mm, (CONTENT_WIDTH - 9 * mm) / 2, (CONTENT_WIDTH - 9 * mm) / 2]))
    story += _signatures(template, p.city or "", ui_lang)
    return build(story, _page(template, subject))


def render(template: Template, values: dict[str, Any], subject: Subject, ui_lang: str = "uk") -> bytes:
    """The PDF of a filled template (not for acroform templates: see acroform.fill)."""
    if template.kind == "worksheet":
        return worksheet(template, values, subject, ui_lang)
    if template.kind == "letter":
        return letter(template, values, subject, ui_lang)
    if template.kind == "checklist":
        return checklist(template, values, subject, ui_lang)
    raise ValueError(template.kind)
