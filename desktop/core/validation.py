"""Checks for identifiers and inputs (IBAN, Steuer-ID, pension insurance number, postcode, phone, dates, names).

Every ``validate_*`` function returns None when the value is fine, else a one-line message in the UI language.
``normalise_*`` returns the canonical form that is stored; ``format_*`` the grouped form that is shown.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable

from desktop.i18n import _, fmt_date, fmt_date_german, fmt_number, full_year, ngettext, past_year

_WHITESPACE = re.compile(r"\s+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_CHARS = re.compile(r"^\+?[\d\s/()\-]+$")
_PENSION_NO = re.compile(r"^\d{8}[A-Z]\d{3}$")
#: Weights of the first 12 digits of a pension insurance number (VKVV § 2(6)).
_PENSION_WEIGHTS = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
_DATE_GERMAN = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _compact(value: str) -> str:
    return _WHITESPACE.sub("", value or "").upper()


# --- IBAN ----------------------------------------------------------------------------------------------


def normalise_iban(value: str) -> str:
    """An IBAN without spaces, in capitals ('DE89370400440532013000')."""
    return _compact(value)


def format_iban(value: str) -> str:
    """An IBAN in groups of four ('DE89 3704 0044 0532 0130 00')."""
    compact = normalise_iban(value)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def validate_iban(value: str) -> str | None:
    """None for a valid IBAN (spaces and small letters allowed), else what is wrong with it."""
    from schwifty import IBAN  # imported when needed: it loads bank registries (a slower start otherwise)
    from schwifty import exceptions as iban_errors

    compact = normalise_iban(value)
    try:
        IBAN(compact)
    except iban_errors.InvalidChecksumDigits:
        return _("The IBAN's check digits do not fit: please look for a typing error.")
    except iban_errors.InvalidLength:
        return _("An IBAN from this country has a different length ({length} characters entered).").format(
            length=len(compact)
        )
    except iban_errors.InvalidCountryCode:
        return _("An IBAN starts with a country code such as DE.")
    except iban_errors.SchwiftyException:
        return _("This is not an IBAN: it has characters in the wrong places.")
    return None


# --- Steuer-ID -----------------------------------------------------------------------------------------


def normalise_tax_id(value: str) -> str:
    """A tax identification number as 11 digits without spaces."""
    return _compact(value)


def format_tax_id(value: str) -> str:
    """A tax identification number as printed ('12 345 678 901')."""
    digits = normalise_tax_id(value)
    return f"{digits[:2]} {digits[2:5]} {digits[5:8]} {digits[8:]}".strip() if len(digits) == 11 else digits


def validate_tax_id(value: str) -> str | None:
    """None for a valid Steuer-ID (11 digits, spaces allowed), else what is wrong with it."""
    from stdnum import exceptions as stdnum_errors
    from stdnum.de import idnr

    compact = normalise_tax_id(value)
    try:
        idnr.validate(compact)
    except stdnum_errors.InvalidLength:
        return _("A tax ID (Steuer-ID) has 11 digits ({length} entered).").format(length=len(compact))
    except stdnum_errors.InvalidChecksum:
        return _("The tax ID's check digit does not fit: please look for a typing error.")
    except stdnum_errors.ValidationError:
        if not compact.isdigit():
            return _("A tax ID (Steuer-ID) has only digits.")
        return _(
            "This is not a tax ID: it cannot start with 0, and exactly one digit appears two or three times "
            "in the first ten."
        )
    return None


# --- Rentenversicherungsnummer -------------------------------------------------------------------------


def normalise_pension_no(value: str) -> str:
    """A pension insurance number without spaces, in capitals ('65170839J003')."""
    return _compact(value)


def format_pension_no(value: str) -> str:
    """A pension insurance number as usually printed ('65 170839 J 00 3')."""
    compact = normalise_pension_no(value)
    if not _PENSION_NO.match(compact):
        return compact
    return f"{compact[:2]} {compact[2:8]} {compact[8]} {compact[9:11]} {compact[11]}"


def pension_no_check_digit(first_eleven: str) -> int:
    """The check digit for the first 11 characters of a pension insurance number (VKVV § 2(6)).

    The letter becomes its two-digit place in the alphabet (A=01 … Z=26); the 12 digits are weighted
    2,1,2,5,7,1,2,1,2,1,2,1; the cross sums of the products are added; the check digit is the sum mod 10.
    """
    text = normalise_pension_no(first_eleven)
    if len(text) != 11 or not _PENSION_NO.match(text + "0"):
        raise ValueError(f"expected 8 digits, a letter and 2 digits: {first_eleven!r}")
    digits = text[:8] + f"{ord(text[8]) - ord('A') + 1:02d}" + text[9:]
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(digits, _PENSION_WEIGHTS, strict=True))
    return total % 10


def pension_no_sex(value: str) -> str | None:
    """'M' or 'F' from the serial number (00–49 male, 50–99 female); None when the number is malformed."""
    compact = normalise_pension_no(value)
    if not _PENSION_NO.match(compact):
        return None
    return "M" if int(compact[9:11]) < 50 else "F"


def validate_pension_no(value: str, birth_date: dt.date | None = None) -> str | None:
    """None for a valid Rentenversicherungsnummer, else what is wrong with it.

    When ``birth_date`` is given, the birth date part (characters 3 to 8, DDMMYY) must match it.
    """
    compact = normalise_pension_no(value)
    if len(compact) != 12:
        return _(
            "A pension insurance number has 12 characters, for example 65 170839 J 00 3 ({length} entered)."
        ).format(length=len(compact))
    if not ("A" <= compact[8] <= "Z"):
        return _("The 9th character must be the first letter of the birth name (A to Z).")
    if not _PENSION_NO.match(compact):
        return _("Apart from the letter, a pension insurance number has only digits.")
    day, month = int(compact[2:4]), int(compact[4:6])
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return _("Characters 3 to 8 must be the birth date as DDMMYY; {part} is no date.").format(part=compact[2:8])
    if birth_date is not None and compact[2:8] != birth_date.strftime("%d%m%y"):
        return _("The number contains the birth date {part}, which does not match {birth_date}.").format(
            part=compact[2:8], birth_date=fmt_date_german(birth_date)
        )
    if pension_no_check_digit(compact[:11]) != int(compact[11]):
        return _("The check digit of the pension insurance number does not fit: please look for a typing error.")
    return None


# --- postcode, phone, e-mail ---------------------------------------------------------------------------


def normalise_postcode(value: str) -> str:
    return (value or "").strip()


def validate_postcode(value: str) -> str | None:
    """None for a German postcode (five digits, not starting with 00), else a message."""
    code = normalise_postcode(value)
    if not (len(code) == 5 and code.isascii() and code.isdigit()):
        return _("A German postcode has five digits.")
    if code.startswith("00"):
        return _("No German postcode starts with 00.")
    return None


def normalise_phone(value: str) -> str:
    """A phone number with surrounding blanks removed and inner runs of blanks made single spaces."""
    return _WHITESPACE.sub(" ", (value or "").strip())


def validate_phone(value: str) -> str | None:
    """None for a plausible phone number: digits, spaces, + / - ( ); 6 to 20 characters; at least 6 digits."""
    phone = normalise_phone(value)
    if not _PHONE_CHARS.match(phone) or not phone.isascii():
        return _("A phone number has digits, spaces, / - ( ) and an optional leading +.")
    if not 6 <= len(phone) <= 20:
        return _("A phone number has 6 to 20 characters ({length} entered).").format(length=len(phone))
    if sum(ch.isdigit() for ch in phone) < 6:
        return _("A phone number has at least 6 digits.")
    return None


def normalise_email(value: str) -> str:
    return (value or "").strip()


def validate_email(value: str) -> str | None:
    """None for something shaped like an e-mail address, else a message."""
    return None if _EMAIL.match(normalise_email(value)) else _("This is not an e-mail address.")


# --- dates ---------------------------------------------------------------------------------------------


class DateInputError(ValueError):
    """A typed date that cannot be read; the message (in the UI language) names the problem."""


def parse_german_date(text: str, *, past: bool = False) -> dt.date | None:
    """A date typed as 12.03.1985, 12.3.85 or 1985-03-12; None for empty text. ``past``: a date that cannot
    lie in the future (a birth date), which decides a two-digit year to the day (i18n.past_year).

    Raises DateInputError whose message names the problem ('February 1979 has only 28 days.').
    """
    text = (text or "").strip()
    if not text:
        return None
    german = _DATE_GERMAN.match(text)
    iso = _DATE_ISO.match(text)
    if german:
        day, month = int(german[1]), int(german[2])
        year = int(german[3])
        if len(german[3]) == 2:  # only a year written with two digits is a two-digit year
            year = past_year(day, month, year) if past else full_year(year)
    elif iso:
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3])
    else:
        raise DateInputError(_("Enter the date as DD.MM.YYYY, for example 12.03.1985."))
    if year < 1:
        raise DateInputError(_("There is no year 0."))
    if not 1 <= month <= 12:
        raise DateInputError(_("There is no month {month}: months go from 1 to 12.").format(month=month))
    if day < 1:
        raise DateInputError(_("There is no day {day} in a month.").format(day=day))
    last = calendar.monthrange(year, month)[1]
    if day > last:
        raise DateInputError(
            _("{month} has only {days} days.").format(month=fmt_date(dt.date(year, month, 1), "LLLL y"), days=last)
        )
    return dt.date(year, month, day)


def validate_date(text: str, *, past: bool = False) -> str | None:
    """None when ``text`` is empty or a readable date (not in the future, if ``past``), else what is wrong."""
    try:
        day = parse_german_date(text, past=past)
        if past and day is not None and day > dt.date.today():
            return _("This date lies in the future.")
    except DateInputError as exc:
        return str(exc)
    return None


# --- names ---------------------------------------------------------------------------------------------

#: The longest a name may be, in characters, in each name field (the editor, an import and the command line
#: refuse more): a passport's whole name line is far shorter; names longer than this are pasted by mistake.
NAME_MAX_LENGTH = 200
#: The person fields that hold a name.
NAME_FIELDS = ("family_name_cyr", "given_name_cyr", "patronymic", "family_name", "given_name")


def validate_name(value: str) -> str | None:
    length = len(value.strip())
    if length <= NAME_MAX_LENGTH:
        return None
    return ngettext(
        "A name can have at most {limit} character; this one has {length}.",
        "A name can have at most {limit} characters; this one has {length}.",
        NAME_MAX_LENGTH,
    ).format(limit=NAME_MAX_LENGTH, length=fmt_number(length))


# --- per field -----------------------------------------------------------------------------------------

#: Person fields with a check, and the check.
FIELD_VALIDATORS: dict[str, Callable[[str], str | None]] = {
    "iban": validate_iban,
    "tax_id": validate_tax_id,
    "pension_no": validate_pension_no,
    "postcode": validate_postcode,
    "phone": validate_phone,
    "email": validate_email,
    **dict.fromkeys(NAME_FIELDS, validate_name),
}


def validate_field(field_name: str, value: object) -> str | None:
    """The problem with ``value`` for the Person field ``field_name``; None when fine, empty or unchecked."""
    check = FIELD_VALIDATORS.get(field_name)
    text = "" if value is None else str(value)
    if check is None or not text.strip():
        return None
    return check(text)
