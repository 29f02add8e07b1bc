"""Importing people from existing spreadsheets (CSV and XLSX), all or nothing.

``plan_import`` reads a sheet, recognises its columns (German, Ukrainian and English headings, or a mapping
file) and checks every row without writing anything; ``apply_import`` creates all people of a plan without
problems in one transaction. Line numbers are the spreadsheet's rows: a CSV file's header is line 1 (a quoted
field spanning several lines is one row, as a spreadsheet shows it); an XLSX row keeps its own number.
No cell value is ever logged.
"""

from __future__ import annotations

import calendar
import codecs
import csv
import datetime as dt
import io
import json
import logging
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from desktop import i18n
from desktop.core import input_files, people
from desktop.core.errors import UserError
from desktop.core.people import PersonRow
from desktop.core.search import duplicates
from desktop.core.search.translit import APOSTROPHES, has_cyrillic
from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.models import Person, person_name
from desktop.i18n import _, fmt_date, fmt_date_german, fmt_number, ngettext

log = logging.getLogger(__name__)

#: A cell as read: text, or a date from a real date cell of a workbook.
Cell = str | dt.date

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC = b"PK\x03\x04"

#: Person fields a column can fill (the tombstone and derived columns are not for importing).
FIELDS: tuple[str, ...] = tuple(f.name for f in Person.data_fields() if f.name != "deleted")
#: Name fields whose cells go to the Latin or the Cyrillic field by the script they are written in.
NAME_PAIRS: dict[str, tuple[str, str]] = {
    "family_name": ("family_name", "family_name_cyr"),
    "family_name_cyr": ("family_name", "family_name_cyr"),
    "given_name": ("given_name", "given_name_cyr"),
    "given_name_cyr": ("given_name", "given_name_cyr"),
}


class ImportFailed(UserError):
    """The file cannot be imported; the message says why, ``errors`` lists the rows' problems."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        super().__init__(message)
        self.errors: list[RowError] = list(errors or [])


class NumberText(str):
    """The text of a workbook's number cell ('4109'), so a postcode can get its leading zero back."""

    __slots__ = ()


@dataclass
class Table:
    """A sheet as read: the header's cells, its line, and every row below it with its line number."""

    headers: list[str]
    rows: list[tuple[int, list[Cell]]]
    header_line: int = 1


@dataclass(frozen=True)
class RowError:
    """A problem in one row (or in the header row), with the column it concerns where known."""

    line: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        if self.column:
            return _("Line {line}, column “{column}”: {reason}").format(
                line=self.line, column=self.column, reason=self.reason
            )
        return _("Line {line}: {reason}").format(line=self.line, reason=self.reason)


@dataclass
class ImportPlan:
    """Everything an import would do, worked out without writing: rows ready for Person, and the problems."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    columns: dict[str, str | None] = field(default_factory=dict)  # heading -> field (None: ignored)
    lines: list[int] = field(default_factory=list)  # the line each of ``rows`` came from


class _CellError(ValueError):
    """A cell that cannot be read; the message is the translated reason."""


# --- recognising headings -----------------------------------------------------------------------------


def _norm(text: str) -> str:
    """A heading reduced for comparison: case-folded letters and digits only ('Geb.-Datum' -> 'gebdatum')."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(ch for ch in text if ch.isalnum() and ch not in APOSTROPHES)


#: Known headings per field, '|'-separated (compared case-insensitively, without punctuation or spaces).
_ALIASES: dict[str, str] = {
    "family_name": "Nachname|Familienname|Name|Surname|Last name|Family name|Lastname",
    "given_name": "Vorname|Vornamen|Rufname|First name|Given name|Given names|Forename",
    "family_name_cyr": "Прізвище|Фамилия",
    "given_name_cyr": "Ім'я|Імена|Имя",
    "patronymic": "По батькові|Отчество|Vatersname|Patronym|Patronymic|Patronymikon",
    "birth_date": (
        "Geburtsdatum|Geb.-Datum|Geb. am|Geboren am|Geboren|Geb.|Дата народження|Дата рождения"
        "|Date of birth|Birth date|Birthdate|DOB"
    ),
    "birth_place": "Geburtsort|Місце народження|Место рождения|Place of birth|Birthplace",
    "nationality": (
        "Staatsangehörigkeit|Staatsangehoerigkeit|Nationalität|Nationalitaet|Громадянство|Гражданство"
        "|Nationality|Citizenship"
    ),
    "languages": "Sprachen|Sprache|Мови|Мова|Языки|Languages|Language",
    "phone": (
        "Telefon|Tel.|Telefonnummer|Tel.-Nr.|Handy|Handynummer|Mobil|Mobilnummer|Mobiltelefon|Телефон"
        "|Номер телефону|Phone|Phone number|Mobile|Telephone"
    ),
    "telegram": "Telegram|Телеграм|Telegram-Name|Telegram username",
    "email": "E-Mail|Email|Mail|E-Mail-Adresse|Ел. пошта|Електронна пошта|E-mail address",
    "street": "Straße|Strasse|Str.|Adresse|Anschrift|Вулиця|Адреса|Улица|Street|Address",
    "postcode": "PLZ|Postleitzahl|Індекс|Поштовий індекс|Индекс|ZIP|ZIP code|Postcode",
    "city": "Ort|Stadt|Wohnort|Місто|Город|City|Town",
    "notes": "Notizen|Notiz|Bemerkungen|Bemerkung|Anmerkungen|Примітки|Нотатки|Notes",
    "jobcenter_customer_no": "Kundennummer|Kunden-Nr.|Kundennummer Jobcenter|Jobcenter-Kundennummer",
    "bg_number": "BG-Nummer|BG-Nr.|Nummer der Bedarfsgemeinschaft|Bedarfsgemeinschaftsnummer",
    "abh_file_no": "Aktenzeichen|Aktenzeichen (ABH)|Aktenzeichen ABH|ABH-Aktenzeichen|Az. ABH",
    "tax_id": "Steuer-ID|Steuer-IdNr|Steuer-IdNr.|Steueridentifikationsnummer|IdNr|Tax ID",
    "pension_no": "Rentenversicherungsnummer|RV-Nummer|RV-Nr.|SV-Nummer|Sozialversicherungsnummer",
    "health_insurer": "Krankenkasse|Krankenversicherung|Health insurance|Health insurer",
    "insurance_no": "Versichertennummer|KV-Nummer|KV-Nr.|Krankenversichertennummer|Insurance number",
    "iban": "IBAN",
}
#: Words after a name heading that say which script the column holds ('Nachname (kyrillisch)').
_CYRILLIC_WORDS = ("kyrillisch", "kyr", "cyrillic", "кирилицею", "кирилиця", "українською", "ukrainisch")
_LATIN_WORDS = ("lateinisch", "latein", "lat", "latin", "laut Pass", "Pass", "passport", "латиницею", "за паспортом")


def _build_headings() -> dict[str, str]:
    """Every known heading (normalised) with the field it fills."""
    known = {_norm(alias): name for name, aliases in _ALIASES.items() for alias in aliases.split("|")}
    for latin, cyr in (("family_name", "family_name_cyr"), ("given_name", "given_name_cyr")):
        for base in f"{_ALIASES[latin]}|{_ALIASES[cyr]}".split("|"):
            known.update({_norm(base) + _norm(word): cyr for word in _CYRILLIC_WORDS})
            known.update({_norm(base) + _norm(word): latin for word in _LATIN_WORDS})
    known.update({_norm(name): name for name in FIELDS})  # the field names themselves
    return known


_HEADINGS = _build_headings()


def field_for_heading(heading: str) -> str | None:
    """The Person field a column heading names, or None when it is not recognised."""
    return _HEADINGS.get(_norm(heading)) if _norm(heading) else None


def load_mapping(source: str | Path | Mapping[str, str | None] | None) -> dict[str, str | None]:
    """A mapping of column headings to fields, from a JSON file or a dict; null or "" ignores a column."""
    if source is None:
        return {}
    if isinstance(source, Mapping):
        raw: Any = dict(source)
    else:
        try:
            raw = json.loads(Path(source).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            raw = None
    if not isinstance(raw, dict) or not all(isinstance(v, str | None) for v in raw.values()):
        name = Path(source).name if not isinstance(source, Mapping) else ""
        raise ImportFailed(
            _(
                "The mapping file {name} cannot be read: it must be a JSON object of column headings and field names."
            ).format(name=name)
        )
    unknown = sorted({v for v in raw.values() if v and v not in FIELDS})
    if unknown:
        raise ImportFailed(
            _("The mapping names fields that do not exist: {fields}. Known fields: {known}.").format(
                fields=", ".join(unknown), known=", ".join(FIELDS)
            )
        )
    return {str(k): (v or None) for k, v in raw.items()}


# --- reading files ------------------------------------------------------------------------------------

#: The limits of an import. A file beyond them is refused with a message naming the limit, before its rows are
#: checked; each is far above a real list of people (the README states them).
MAX_FILE_BYTES = 50 * 1024 * 1024
#: What an XLSX workbook may unpack to (its XML): a zip file of a few MB can hold gigabytes.
MAX_UNPACKED_BYTES = 250 * 1024 * 1024
#: Rows below the header row (empty rows further down, which spreadsheet programs export, are passed over).
MAX_ROWS = 100_000
#: Columns (empty cells further right are passed over).
MAX_COLUMNS = 100
#: Characters in a cell that is imported.
MAX_CELL_CHARS = 1_000
#: The last row an Excel sheet can have; a workbook naming a later one is damaged or made up.
_EXCEL_ROWS = 1_048_576
#: How much of a CSV file is read at once, and how much of its beginning tells its delimiter.
_CHUNK = 1024 * 1024
_SAMPLE = 65536
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _unsupported(name: str) -> str:
    return _("{name} cannot be imported: only CSV files and Excel workbooks (.xlsx) can be read.").format(name=name)


def _not_recognised() -> str:
    return _("The text encoding of the file is not recognised; save it as “CSV UTF-8”.")


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """Read a CSV file or the first (or the named) sheet of an XLSX workbook, within the limits."""
    with _sheet_rows(path, sheet) as rows:
        grid = list(rows)
    return _table(grid, Path(path).name)


@contextmanager
def _sheet_rows(path: str | Path, sheet: str | None = None) -> Iterator[Iterator[tuple[int, list[Cell]]]]:
    """The rows of a CSV file or a workbook's sheet with their line numbers, read as they are used (a large
    file is never held in memory as a whole); raises ImportFailed as soon as a limit is passed."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
        raise ImportFailed(_unsupported(path.name))
    try:
        handle = input_files.open_input(path, MAX_FILE_BYTES)
    except input_files.InputRefused as exc:
        raise ImportFailed(str(exc)) from None
    with handle:
        try:
            head = handle.read(4096)
            size = os.fstat(handle.fileno()).st_size
        except OSError:
            raise ImportFailed(_("The file {name} cannot be opened.").format(name=path.name)) from None
        if not head.strip() and size <= len(head):
            raise ImportFailed(_("The file {name} is empty.").format(name=path.name))
        if head.startswith(_ZIP_MAGIC) or suffix in XLSX_SUFFIXES:
            rows = _xlsx_rows(handle, sheet, path.name)
        elif b"\x00" in head and not head.startswith(_UTF16_BOMS):
            raise ImportFailed(_unsupported(path.name))  # binary, e.g. an old .xls renamed to .csv
        else:
            rows = _csv_rows(handle)
        bounded = _bounded(rows)
        try:
            yield bounded
        finally:
            bounded.close()


def _bounded(rows: Iterator[tuple[int, list[Cell]]]) -> Iterator[tuple[int, list[Cell]]]:
    """``rows`` within the limits of rows and columns, without NUL characters; empty cells right of the last
    column and empty rows below the last row allowed are dropped."""
    header_line: int | None = None
    try:
        for line, cells in rows:
            if len(cells) > MAX_COLUMNS:
                if any(not _blank(cell) for cell in cells[MAX_COLUMNS:]):
                    raise ImportFailed(
                        _("Line {line} has more than {limit} columns; a sheet can have at most {limit}.").format(
                            line=line, limit=fmt_number(MAX_COLUMNS)
                        )
                    )
                cells = cells[:MAX_COLUMNS]
            if all(_blank(cell) for cell in cells):
                if header_line is not None and line - header_line > MAX_ROWS:
                    continue
                yield line, cells
                continue
            if header_line is None:
                header_line = line
            elif line - header_line > MAX_ROWS:
                raise ImportFailed(
                    _("The sheet has more than {limit} rows below its header; at most {limit} can be imported.").format(
                        limit=fmt_number(MAX_ROWS)
                    )
                )
            if any(isinstance(cell, str) and "\x00" in cell for cell in cells):
                raise ImportFailed(
                    _(
                        "Line {line} holds a NUL character, which no text has: the file is damaged or not a sheet."
                    ).format(line=line)
                )
            yield line, cells
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def _table(grid: list[tuple[int, list[Cell]]], name: str) -> Table:
    """Split a grid into the header (its first non-empty row) and the rows below."""
    for index, (line, cells) in enumerate(grid):
        if any(not _blank(cell) for cell in cells):
            headers = [_text(cell).strip() for cell in cells]
            return Table(headers, grid[index + 1 :], line)
    raise ImportFailed(_("The file {name} has no header row naming the columns.").format(name=name))


#: A run of letters (a word) in any script.
_WORD = re.compile(r"[^\W\d_]+")
#: A character that is neither a letter nor ASCII nor a mark that stands in words (apostrophes, soft hyphen,
#: dashes, middle dot), between two letters: "Stra§e" is a Mac "Straße" read in a Windows code page.
_ODD_BETWEEN = re.compile(r"(?<=[^\W\d_])[^\w\s\x00-\x7f’‘ʼ\u00ad\u2013\u2014\u00b7](?=[^\W\d_])")


def _reads_as_cyrillic(text: str) -> bool:
    """Whether bytes decoded as Windows-1251 (``text``) hold Cyrillic words rather than Latin words with accents.

    Windows-1252 decodes any byte, so it never fails, and the two code pages put their letters on the same byte
    values (0xC0-0xFF: А-я there, À-ÿ here). What tells them apart is how those letters stand in words: a
    Cyrillic word is written in Cyrillic letters only ("Коваль"; read as 1252 it becomes the soup "Êîâàëü"),
    while a German or French word has its umlauts and accents among plain ASCII letters ("Müller", "Straße",
    "café"; read as 1251 they become "Mьller", "StraЯe", "cafй"). So in the 1251 reading, letters above ASCII
    in words of such letters only speak for 1251, those in words that mix them with ASCII letters for 1252.
    """
    reading = _Reading("cp1251")
    reading.count(text)
    return reading.alone > reading.mixed


class _Reading:
    """A file read in one Windows code page, chunk by chunk: whether every byte decodes, and how the letters
    beyond ASCII stand in words (see :func:`_reads_as_cyrillic`; odd words tell a file in another encoding)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.ok = True
        self.alone = self.mixed = 0  # letters beyond ASCII in words of such letters only / among ASCII letters
        self.words = 0  # words with letters beyond ASCII
        self.odd = 0  # such words cased as no word is ("лПЧБМЕОЛП": KOI8-U), odd characters between letters
        self._carry = ""

    def feed(self, chunk: bytes) -> None:
        if not self.ok:
            return
        try:
            text = self._carry + chunk.decode(self.encoding)
        except UnicodeDecodeError:  # 0x98 is undefined in 1251; 0x81, 0x8D, 0x8F, 0x90, 0x9D in 1252
            self.ok = False
            return
        cut = max(text.rfind(space) for space in " \t\r\n")  # a word cut by the chunk's end waits for the next
        if cut < 0 or len(text) - cut > 4096:
            cut = len(text)
        self._carry = text[cut:]
        self.count(text[:cut])

    def finish(self) -> None:
        self.count(self._carry)
        self._carry = ""

    def count(self, text: str) -> None:
        for word in _WORD.findall(text):
            if word.isascii():
                continue
            high = sum(1 for ch in word if ord(ch) > 0x7F)
            if high == len(word):
                self.alone += high
            else:
                self.mixed += high
            self.words += 1
            if not (word.islower() or word.isupper() or word.istitle()):
                self.odd += 1
        self.odd += len(_ODD_BETWEEN.findall(text))

    def garbled(self) -> bool:
        """Whether the reading looks like text in another encoding: one odd word in ten, or more."""
        return self.odd > 0 and self.odd * 10 >= self.words


def _encoding(chunks: Callable[[], Iterator[bytes]]) -> str:
    """The encoding of a CSV file given as a source of its chunks (read again from the start on each call):
    UTF-16 with a byte-order mark, UTF-8 (with or without BOM), else the Windows code page its letters fit:
    1251 (Cyrillic; Excel's "CSV" on a Ukrainian or Russian Windows) or 1252 (Western European, German
    umlauts). Text that reads as neither (KOI8-U, DOS or Mac code pages) is refused, not imported as garble."""
    first = next(chunks(), b"")
    if first.startswith(_UTF16_BOMS):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in chunks():
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    cyrillic, western = _Reading("cp1251"), _Reading("cp1252")
    for chunk in chunks():
        cyrillic.feed(chunk)
        western.feed(chunk)
    cyrillic.finish()
    western.finish()
    if cyrillic.ok and (not western.ok or cyrillic.alone > cyrillic.mixed):
        reading = cyrillic
    elif western.ok:
        reading = western
    else:
        raise ImportFailed(_not_recognised())
    if reading.garbled():
        raise ImportFailed(_not_recognised())
    return reading.encoding


def _decode(data: bytes) -> str:
    """The text of a CSV file's bytes (see :func:`_encoding`)."""
    return data.decode(_encoding(lambda: iter((data,))))


def _count_unquoted(line: str, char: str) -> int:
    """How often ``char`` occurs in ``line`` outside double quotes."""
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == char and not quoted:
            count += 1
    return count


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one the header line uses most (a tie goes to csv.Sniffer, then comma).

    ``text`` is the beginning of the file (its first 64 KiB)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: _count_unquoted(header, d) for d in ",;\t"}
    best = max(counts.values())
    winners = [d for d, n in counts.items() if n == best]
    if best and len(winners) == 1:
        return winners[0]
    if not best:  # one column: split on nothing that occurs in the text
        return min(",;\t", key=text.count)
    try:
        return csv.Sniffer().sniff(text[:_SAMPLE], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _csv_rows(handle: BinaryIO) -> Iterator[tuple[int, list[Cell]]]:
    """The records of a CSV file, numbered from 1 like a spreadsheet's rows, decoded as they are read."""

    def chunks() -> Iterator[bytes]:
        handle.seek(0)
        while chunk := handle.read(_CHUNK):
            yield chunk

    encoding = _encoding(chunks)
    handle.seek(0)
    stream = io.TextIOWrapper(handle, encoding=encoding, newline="")
    line = 0
    try:
        delimiter = _delimiter(stream.read(_SAMPLE))
        stream.seek(0)
        reader = csv.reader(stream, delimiter=delimiter)
        for line, record in enumerate(reader, start=1):
            yield line, list(record)
    except csv.Error:
        raise ImportFailed(_("The CSV file cannot be read near line {line}.").format(line=line + 1)) from None
    except (UnicodeDecodeError, OSError):  # changed since its encoding was told, or a read error
        raise ImportFailed(_not_recognised()) from None
    finally:
        stream.detach()  # the caller closes the file


def _xlsx_value(value: Any) -> Cell:
    """A workbook cell as text or date; whole numbers lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return NumberText(value)
    if isinstance(value, float):
        return NumberText(int(value)) if value.is_integer() else NumberText(value)
    return str(value)


def _xlsx_rows(handle: BinaryIO, sheet: str | None, name: str) -> Iterator[tuple[int, list[Cell]]]:
    """The rows of one sheet, numbered as in the workbook, read as they are used."""
    unreadable = _("{name} is not a readable Excel workbook (.xlsx).").format(name=name)
    try:
        with zipfile.ZipFile(handle) as archive:  # sizes as declared: zipfile reads no more than that
            unpacked = sum(info.file_size for info in archive.infolist())
        handle.seek(0)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportFailed(unreadable) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFailed(
            _("The workbook {name} unpacks to more than {limit}; at most that much can be read.").format(
                name=name, limit=input_files.size_text(MAX_UNPACKED_BYTES)
            )
        )
    try:
        import openpyxl  # only for XLSX files: it takes a fifth of a second to import

        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception:  # a damaged or foreign zip file: any parser error means the same to the user
        raise ImportFailed(unreadable) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ImportFailed(_("The workbook has no sheet “{sheet}”.").format(sheet=sheet))
        if not book.worksheets:
            raise ImportFailed(_("The file {name} has no header row naming the columns.").format(name=name))
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        # Some writers store wrong sheet dimensions (LibreOffice: 1,024 columns); read what is there. Each row
        # is then as long as its last cell, and rows missing from the file come as empty ones.
        ws.reset_dimensions()
        line = 0
        try:
            for line, values in enumerate(ws.iter_rows(values_only=True), start=1):
                if line > _EXCEL_ROWS:
                    raise ImportFailed(unreadable)
                if not values:  # a row missing from the file (only the rows that are there take time)
                    continue
                yield line, [_xlsx_value(v) for v in values]
        except ImportFailed:
            raise
        except Exception:  # damaged XML in the sheet
            raise ImportFailed(unreadable) from None
    finally:
        book.close()


# --- reading cells ------------------------------------------------------------------------------------


def _blank(cell: Cell) -> bool:
    return isinstance(cell, str) and not cell.strip()


def _text(cell: Cell) -> str:
    return fmt_date_german(cell) if isinstance(cell, dt.date) else str(cell)


def _has_latin(text: str) -> bool:
    return any(ch.isalpha() and "LATIN" in unicodedata.name(ch, "") for ch in text)


_GERMAN_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MIDNIGHT = re.compile(r"[ T]0?0:00(:00)?$")


def parse_birth_date(cell: Cell) -> dt.date:
    """A birth date from a date cell or text (12.03.1985, 12.3.1985, 12.03.85, 1985-03-12).

    Raises ValueError with the translated reason. A two-digit year is 20xx when that date is not in the future,
    else 19xx (on 21.11.2026, 30.12.26 is 1926-12-30).
    """
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, NumberText):
        raise _CellError(_("This is a number, not a date; write the date as DD.MM.YYYY."))
    text = _MIDNIGHT.sub("", cell.strip())
    if found := _GERMAN_DATE.match(text):
        day, month, year = (int(part) for part in found.groups())
        if len(found.group(3)) == 2:
            year = i18n.past_year(day, month, year)
    elif found := _ISO_DATE.match(text):
        year, month, day = (int(part) for part in found.groups())
    else:
        raise _CellError(_("This is not a date; write it as DD.MM.YYYY, for example 12.03.1985."))
    if not 1 <= month <= 12:
        raise _CellError(_("There is no month {month}.").format(month=month))
    if year < 1 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise _CellError(
            _("This date does not exist: month {month} of {year} has no day {day}.").format(
                day=day, month=month, year=year
            )
        )
    return dt.date(year, month, day)


def _convert(target: str, cell: Cell) -> tuple[str, Any]:
    """The field a cell fills and its value; raises _CellError with the reason when it cannot be read."""
    if target in NAME_PAIRS:
        text = _text(cell).strip()
        latin, cyrillic = NAME_PAIRS[target]
        if not has_cyrillic(text):
            return latin, text
        if _has_latin(text):
            raise _CellError(_("The name mixes Cyrillic and Latin letters (look for a Latin i, a, o, e or c)."))
        return cyrillic, text
    if target == "birth_date":
        return target, parse_birth_date(cell)
    if target == "postcode" and isinstance(cell, NumberText) and len(cell) == 4:
        return target, "0" + cell  # a spreadsheet stored 04109 as the number 4109
    return target, _text(cell).strip()


# --- planning and applying ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    index: int
    heading: str
    target: str


def _recognise(
    headers: list[str], header_line: int, mapping: dict[str, str | None], plan: ImportPlan, unheaded: set[int]
) -> list[_Column]:
    """The columns that fill fields; unknown headings become warnings, two columns for one field errors.

    ``unheaded`` holds the columns without a heading that have data in some row (they are ignored, with a
    warning)."""
    overrides = {_norm(k): v for k, v in mapping.items()}
    width = max([len(headers), *(index + 1 for index in unheaded)])
    headings = headers + [""] * (width - len(headers))
    used: dict[str, str] = {}
    columns: list[_Column] = []
    for index, heading in enumerate(headings):
        if not heading:
            if index in unheaded:
                plan.warnings.append(_("Column {number} has no heading and is ignored.").format(number=index + 1))
            continue
        if len(heading) > MAX_CELL_CHARS:
            reason = _("The heading of column {number} is longer than {limit} characters.")
            plan.errors.append(RowError(header_line, None, reason.format(number=index + 1, limit=MAX_CELL_CHARS)))
            continue
        key = _norm(heading)
        target = overrides[key] if key in overrides else field_for_heading(heading)
        plan.columns[heading] = target if target not in used else None
        if target is None:
            if key not in overrides:
                plan.warnings.append(_("Column “{column}” is not recognised and is ignored.").format(column=heading))
        elif target in used:
            reason = _("Columns “{first}” and “{second}” are both read as the same field; remove or rename one.")
            plan.errors.append(RowError(header_line, heading, reason.format(first=used[target], second=heading)))
        else:
            used[target] = heading
            columns.append(_Column(index, heading, target))
    present = {_norm(h) for h in headings if h}
    for name in mapping:
        if _norm(name) not in present:
            plan.warnings.append(
                _("The mapping names a column the sheet does not have: “{column}”.").format(column=name)
            )
    return columns


def _read_row(
    line: int, cells: list[Cell], columns: list[_Column]
) -> tuple[dict[str, Any], dict[str, str], list[RowError]]:
    """A row's field values, the heading each came from, and the problems of its cells."""
    values: dict[str, Any] = {}
    source: dict[str, str] = {}
    problems: list[RowError] = []
    for column in columns:
        cell = cells[column.index] if column.index < len(cells) else ""
        if _blank(cell):
            continue
        if isinstance(cell, str) and len(cell.strip()) > MAX_CELL_CHARS:
            reason = _("The cell holds {count} characters; at most {limit} can be imported.")
            problems.append(
                RowError(line, column.heading, reason.format(count=fmt_number(len(cell.strip())), limit=MAX_CELL_CHARS))
            )
            continue
        try:
            target, value = _convert(column.target, cell)
        except _CellError as exc:
            problems.append(RowError(line, column.heading, str(exc)))
            continue
        if target in values and values[target] != value:
            reason = _("This differs from column “{other}”, which gives the same name.").format(other=source[target])
            problems.append(RowError(line, column.heading, reason))
            continue
        values[target] = value
        source.setdefault(target, column.heading)
    for latin, cyrillic in (("family_name", "family_name_cyr"), ("given_name", "given_name_cyr")):
        if not values.get(latin) and values.get(cyrillic):
            values[latin] = people.passport_spelling(values[cyrillic])
            source[latin] = source[cyrillic]
    return values, source, problems


def _plan_row(line: int, cells: list[Cell], columns: list[_Column], plan: ImportPlan) -> None:
    """Check one row and add it to the plan's rows or its problems to the plan's errors."""
    if all(column.index >= len(cells) or _blank(cells[column.index]) for column in columns):
        return  # an empty row
    values, source, problems = _read_row(line, cells, columns)
    errors = people.validate(values)  # the editor's rules, the name rule among them
    names = {c.heading for c in columns if c.target in NAME_PAIRS}
    if not people.has_name(values):
        if any(problem.column in names for problem in problems):
            errors.pop("family_name", None)  # a name cell that could not be read is the one problem
        elif "family_name" in errors:
            errors["family_name"] = _("The row has no name; fill in a family or a given name.")
    for name, message in errors.items():
        problems.append(RowError(line, source.get(name), message))
    if problems:
        plan.errors.extend(problems)
    else:
        plan.rows.append(values)
        plan.lines.append(line)


def plan_import(
    path: str | Path, mapping: str | Path | Mapping[str, str | None] | None = None, sheet: str | None = None
) -> ImportPlan:
    """Read and check a sheet of people without writing anything; every bad row is in ``errors``.

    The sheet is read row by row as it is checked: only the rows ready for import are kept."""
    overrides = load_mapping(mapping)
    plan = ImportPlan()
    unheaded: set[int] = set()
    with _sheet_rows(path, sheet) as rows:
        header = next((row for row in rows if any(not _blank(cell) for cell in row[1])), None)
        if header is None:
            raise ImportFailed(_("The file {name} has no header row naming the columns.").format(name=Path(path).name))
        header_line = header[0]
        headers = [_text(cell).strip() for cell in header[1]]
        columns = _recognise(headers, header_line, overrides, ImportPlan(), unheaded)
        if not columns:
            raise ImportFailed(
                _("None of the column headings is recognised; the first row must name the columns (e.g. Nachname).")
            )
        headless = {index for index, heading in enumerate(headers) if not heading}
        for line, cells in rows:
            for index, cell in enumerate(cells):
                if (index >= len(headers) or index in headless) and index not in unheaded and not _blank(cell):
                    unheaded.add(index)
            _plan_row(line, cells, columns, plan)
    found = ImportPlan()  # the header's problems and warnings, now that the columns without heading are known
    _recognise(headers, header_line, overrides, found, unheaded)
    plan.errors[:0] = found.errors
    plan.warnings[:0] = found.warnings
    plan.columns = found.columns
    if not plan.rows and not plan.errors:
        raise ImportFailed(_("The file has no people below its header row."))
    log.info("import planned: %d rows, %d problems, %d warnings", len(plan.rows), len(plan.errors), len(plan.warnings))
    return plan


@dataclass(frozen=True)
class LikelyDuplicate:
    """A row of the sheet that looks like a person already in the profile (or an earlier row)."""

    index: int  # into plan.rows
    line: int
    existing: list[PersonRow]  # people in the profile
    earlier_line: int | None = None  # an earlier row of the same sheet
    earlier_index: int | None = None

    def __str__(self) -> str:
        if self.existing:
            names = "; ".join(_describe(p) for p in self.existing)
            return _("Line {line} may be someone already here: {names}").format(line=self.line, names=names)
        return _("Line {line} may be the same person as line {other}").format(line=self.line, other=self.earlier_line)


def _describe(row: PersonRow) -> str:
    name = person_name(row.family_name, row.given_name, row.family_name_cyr, row.given_name_cyr)
    return f"{name} ({fmt_date(row.birth_date)})" if row.birth_date else name


def likely_duplicates(plan: ImportPlan) -> list[LikelyDuplicate]:
    """Rows with the same birth date and a matching name in any spelling as someone in the open profile,
    or as an earlier row of the sheet."""
    out = []
    seen: dict[str, list[tuple[int, int, set[tuple[str, str]]]]] = {}
    for index, row in enumerate(plan.rows):
        line = plan.lines[index] if index < len(plan.lines) else index + 2
        existing = duplicates.candidates(row)
        birth = str(row.get("birth_date") or "")
        mine = duplicates.signature(
            row.get("family_name") or "",
            row.get("given_name") or "",
            row.get("family_name_cyr") or "",
            row.get("given_name_cyr") or "",
        )
        earlier = next(((ln, i) for ln, i, sig in seen.get(birth, []) if sig & mine), None) if birth else None
        if existing or earlier is not None:
            out.append(
                LikelyDuplicate(index, line, existing, earlier[0] if earlier else None, earlier[1] if earlier else None)
            )
        if birth:
            seen.setdefault(birth, []).append((line, index, mine))
    return out


#: What an import does with a row that looks like a person already in the profile.
DUPLICATE_CHOICES = ("merge", "new", "skip")


class ImportResult(list[str]):
    """The ids of the people an import created or merged rows into, in sheet order, and how many rows
    went which way: ``new`` people created, rows ``merged`` into someone already there (or an earlier row),
    rows ``skipped`` as likely duplicates."""

    def __init__(self, ids: list[str], new: int, merged: int = 0, skipped: int = 0) -> None:
        super().__init__(ids)
        self.new, self.merged, self.skipped = new, merged, skipped

    def summary(self) -> str:
        """What the import did, in the UI language (the status bar and begleiter-cli say the same)."""
        parts = [
            ngettext("Imported {n} new person.", "Imported {n} new people.", self.new).format(n=fmt_number(self.new))
        ]
        if self.merged:
            parts.append(
                ngettext(
                    "{n} row was merged into a person already here.",
                    "{n} rows were merged into people already here.",
                    self.merged,
                ).format(n=fmt_number(self.merged))
            )
        if self.skipped:
            parts.append(
                ngettext(
                    "{n} likely duplicate was left out.", "{n} likely duplicates were left out.", self.skipped
                ).format(n=fmt_number(self.skipped))
            )
        return " ".join(parts)


def apply_import(plan: ImportPlan, on_duplicate: str = "new") -> ImportResult:
    """Create all people of a plan in one transaction and return their ids; refuses a plan with errors.

    A row that looks like someone already in the profile is created as a new person (``new``), merged
    into that person (``merge``: empty fields filled, differing values noted, through the change log) or
    left out (``skip``). Returns the ids of the people created or merged into.
    """
    if on_duplicate not in DUPLICATE_CHOICES:
        raise ValueError(on_duplicate)
    if plan.errors:
        count = len(plan.errors)
        message = ngettext(
            "Nothing was imported: the file has {count} problem.",
            "Nothing was imported: the file has {count} problems.",
            count,
        )
        raise ImportFailed(message.format(count=count), plan.errors)
    store = store_db.current()
    with store.db.atomic("IMMEDIATE"):
        likely = [] if on_duplicate == "new" else likely_duplicates(plan)
        matches = {d.index: d.existing[0].id for d in likely if d.existing}
        in_sheet = {d.index: d.earlier_index for d in likely if not d.existing and d.earlier_index is not None}
        skipped = merged = 0
        if on_duplicate == "skip":
            keep = [i for i in range(len(plan.rows)) if i not in matches and i not in in_sheet]
            skipped = len(plan.rows) - len(keep)
            created = changelog.bulk_create(Person, [plan.rows[i] for i in keep]) if keep else []
        else:
            created = changelog.bulk_create(Person, plan.rows) if plan.rows else []
        if on_duplicate == "merge":  # every row was created; a likely duplicate goes into its match
            for i, person_id in enumerate(created):
                target = matches.get(i)
                if target is None and i in in_sheet:
                    target = created[in_sheet[i]]  # an earlier row, created (or merged) just before
                if target is not None:
                    duplicates.merge_people(target, person_id)
                    created[i] = target
                    merged += 1
            created = list(dict.fromkeys(created))
    result = ImportResult(created, new=len(plan.rows) - merged - skipped, merged=merged, skipped=skipped)
    log.info("imported %d new people, merged %d rows, left out %d (%s)", result.new, merged, skipped, on_duplicate)
    return result


def import_people(
    path: str | Path,
    mapping: str | Path | Mapping[str, str | None] | None = None,
    sheet: str | None = None,
    on_duplicate: str = "new",
) -> ImportResult:
    """Plan and apply an import of people: all of them, or none when any row has a problem."""
    return apply_import(plan_import(path, mapping, sheet), on_duplicate)
