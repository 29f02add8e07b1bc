"""Translations (gettext catalogs managed with babel) and locale-aware formatting.

All user-visible text goes through ``_``/``N_``/``ngettext``/``pgettext`` from this module. Placeholders are
named and filled after translation: ``_("{n} people").format(n=3)``. A translation whose placeholder names
differ from the source is refused and the source text is used, so a bad catalog can never crash a dialog.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import io
import logging
import string
from collections.abc import Callable
from functools import cache, lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from desktop import paths

log = logging.getLogger(__name__)

DOMAIN = "desktop"
DEFAULT_LANGUAGE = "de"
#: Endonyms, shown as they are in every UI language.
LANGUAGES: dict[str, str] = {"de": "Deutsch", "uk": "Українська", "en": "English"}

_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"
_listeners: list[Callable[[str], None]] = []


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later where it is shown."""
    return message


@lru_cache(maxsize=4096)
def _fields(text: str) -> frozenset[str]:
    try:
        return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)
    except ValueError:
        return frozenset({"<malformed>"})


def _checked(source: str, translated: str) -> str:
    if translated is source or translated == source:
        return source
    if _fields(source) != _fields(translated):
        log.warning("translation placeholders differ from the source; using the source text")
        return source
    return translated


def _(message: str) -> str:
    """Translate ``message`` into the current UI language."""
    return _checked(message, _translations.gettext(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    """Plural-aware translation (Ukrainian has three forms)."""
    source = singular if n == 1 else plural
    return _checked(source, _translations.ngettext(singular, plural, n))


def pgettext(context: str, message: str) -> str:
    """Translation of ``message`` in a context that disambiguates it."""
    return _checked(message, _translations.pgettext(context, message))


def _load_catalog(lang: str) -> _gettext.NullTranslations:
    base = paths.translations_dir() / lang / "LC_MESSAGES"
    mo = base / f"{DOMAIN}.mo"
    po = base / f"{DOMAIN}.po"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fp:
            return _gettext.GNUTranslations(fp)
    if po.is_file():
        # A source checkout whose .mo is missing or older than the .po: compile in memory.
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as fp:
            catalog = read_po(fp, locale=lang)
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        buf.seek(0)
        return _gettext.GNUTranslations(buf)
    log.warning("no catalog for language %s", lang)
    return _gettext.NullTranslations()


@cache
def _catalog(lang: str) -> _gettext.NullTranslations:
    return _load_catalog(lang)


def gettext_in(lang: str, message: str) -> str:
    """``message`` in a given language whatever the UI's (German forms say "Kind unter 15" in any UI)."""
    return _checked(message, _catalog(lang).gettext(message))


def set_language(lang: str) -> None:
    """Switch the language of everything translated from now on and tell the listeners."""
    global _translations, _language
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    _translations = _load_catalog(lang)
    _language = lang
    for listener in list(_listeners):
        listener(lang)


def current_language() -> str:
    return _language


def add_language_listener(listener: Callable[[str], None]) -> None:
    _listeners.append(listener)


def remove_language_listener(listener: Callable[[str], None]) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def locale() -> Locale:
    return Locale.parse({"de": "de_DE", "uk": "uk_UA", "en": "en_GB"}[_language])


def fmt_date(value: dt.date | None, format: str = "medium") -> str:
    """A date in the UI language ('12.03.1985', '12 бер. 1985 р.', '12 Mar 1985')."""
    if value is None:
        return ""
    return babel_dates.format_date(value, format=format, locale=locale())


def fmt_datetime(value: dt.datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return babel_dates.format_datetime(value, format=format, locale=locale())


def fmt_list_date(value: dt.date | None) -> str:
    """A date in a list or table: digits and a four-digit year in the UI language's order (02.03.2026,
    02/03/2026). Every list takes this one format, so that dates of different columns and lists line up
    and compare at a glance."""
    if value is None:
        return ""
    return _list_date_pattern(_language).apply(value, locale())


@cache
def _list_date_pattern(language: str) -> babel_dates.DateTimePattern:
    """The pattern of the list date in ``language``, matched from its skeleton once (babel's
    format_skeleton matches it on every call: 20 times the cost of formatting, for every cell of a list)."""
    loc = locale()
    skeletons = loc.datetime_skeletons
    skeleton = "yMMdd" if "yMMdd" in skeletons else babel_dates.match_skeleton("yMMdd", skeletons)
    return babel_dates.parse_pattern(skeletons[skeleton])


def fmt_list_datetime(value: dt.datetime | None) -> str:
    """A date and time in a list: the list date (fmt_list_date) and the time (02.03.2026 09:05)."""
    if value is None:
        return ""
    return f"{fmt_list_date(value)} {babel_dates.format_time(value, 'short', locale=locale())}"


def fmt_number(value: float | int) -> str:
    return babel_numbers.format_decimal(value, locale=locale())


def fmt_date_german(value: dt.date | None) -> str:
    """A date as German forms want it (TT.MM.JJJJ), whatever the UI language."""
    return value.strftime("%d.%m.%Y") if value else ""


def full_year(year: int) -> int:
    """The four-digit year of a two-digit one for dates that may lie ahead (appointments, deadlines,
    documents): up to ten years ahead. A date that cannot lie in the future takes ``past_year``."""
    return year + (2000 if year <= dt.date.today().year % 100 + 10 else 1900)


def past_year(day: int, month: int, year: int, *, today: dt.date | None = None) -> int:
    """The four-digit year of a date written with a two-digit ``year`` that cannot lie in the future (a birth
    date), decided to the day: on 21.11.2026, "21.11.26" is 2026 but "30.12.26" is 1926.

    Works on the numbers alone, so an impossible day (31.02.) still gets a year for the error message.
    """
    today = today or dt.date.today()
    return 2000 + year if (2000 + year, month, day) <= (today.year, today.month, today.day) else 1900 + year


def past_date(day: int, month: int, year: int, *, today: dt.date | None = None) -> dt.date:
    """The date in the past written with a two-digit ``year`` ("30.12.26" on 21.11.2026 is 1926-12-30).

    Raises ValueError when there is no such day.
    """
    return dt.date(past_year(day, month, year, today=today), month, day)


def parse_date(text: str, *, past: bool = False) -> dt.date | None:
    """Parse a date typed by a user: 12.03.1985, 12.3.85, 1985-03-12. Raises ValueError when invalid.

    Only a year written with two digits is a two-digit year ("01.01.0001" is the year 1); a year has two or
    four digits. ``past``: the date cannot lie in the future (a birth date), which decides a two-digit year.
    """
    text = text.strip()
    if not text:
        return None
    if "-" in text:
        return dt.date.fromisoformat(text)
    parts = [p.strip() for p in text.replace("/", ".").split(".")]
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) not in (2, 4):
        raise ValueError(text)
    day, month, year = (int(p) for p in parts)
    if len(parts[2]) == 2:
        return past_date(day, month, year) if past else dt.date(full_year(year), month, day)
    return dt.date(year, month, day)
