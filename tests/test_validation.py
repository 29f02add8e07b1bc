"""Identifier and input checks: IBAN, Steuer-ID, pension insurance number, postcode, phone, e-mail, dates."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop import i18n
from desktop.core import validation as v

D = dt.date

# --- IBAN ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "DE89 3704 0044 0532 0130 00",
        "de89370400440532013000",
        " DE89370400440532013000 ",
        "GB82WEST12345698765432",
        "UA213223130000026007233566001",
    ],
)
def test_valid_ibans(value: str) -> None:
    assert v.validate_iban(value) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("DE88370400440532013000", "check digits"),
        ("DE00370400440532013000", "check digits"),
        ("DE8937040044053201300", "length"),
        ("DE893704004405320130001", "length"),
        ("XX89370400440532013000", "country code"),
        ("DE89 3704 0044 0532 0130 0X", "wrong places"),
        ("DE89!", "wrong places"),
    ],
)
def test_invalid_ibans_say_what_is_wrong(value: str, problem: str) -> None:
    message = v.validate_iban(value)
    assert message is not None and problem in message


def test_iban_normal_and_display_forms() -> None:
    assert v.normalise_iban(" de89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    assert v.format_iban("de89370400440532013000") == "DE89 3704 0044 0532 0130 00"
    assert v.format_iban("GB82WEST12345698765432") == "GB82 WEST 1234 5698 7654 32"


# --- Steuer-ID -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("36 574 261 809", None),
        ("36574261809", None),
        ("36574261800", "check digit"),
        ("3657426180", "11 digits"),
        ("365742618090", "11 digits"),
        ("06574261809", "start with 0"),
        ("12345678901", "two or three times"),  # no digit repeats
        ("3657426180A", "only digits"),
    ],
)
def test_tax_id(value: str, problem: str | None) -> None:
    message = v.validate_tax_id(value)
    if problem is None:
        assert message is None
    else:
        assert message is not None and problem in message


def test_tax_id_forms() -> None:
    assert v.normalise_tax_id("36 574 261 809") == "36574261809"
    assert v.format_tax_id("36574261809") == "36 574 261 809"


# --- Rentenversicherungsnummer ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_eleven", "check"),
    [
        ("65170839J00", 3),  # the published example 65 170839 J 00 3
        ("65180539W00", 1),  # example of Algorithm::CheckDigits (rentenversicherung)
        ("09010190A50", 6),  # worked by hand: cross sums 0+9+0+5+0+1+9+0+0+1+1+0 = 26
        ("65320839J00", 0),  # worked by hand: 3+5+6+1+0+8+6+9+2 = 40
        ("65171339J00", 5),  # worked by hand: 3+5+2+8+7+3+6+9+2 = 45
        ("65 170839 j 00", 3),  # blanks and a small letter
    ],
)
def test_pension_check_digit(first_eleven: str, check: int) -> None:
    assert v.pension_no_check_digit(first_eleven) == check


@pytest.mark.parametrize("value", ["6517083J00", "65170839100", ""])
def test_pension_check_digit_needs_the_right_shape(value: str) -> None:
    with pytest.raises(ValueError):
        v.pension_no_check_digit(value)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("65 170839 J 00 3", None),
        ("65170839J003", None),
        ("65170839j003", None),
        ("65180539W001", None),
        ("09 010190 A 50 6", None),
        ("65170839J004", "check digit"),  # wrong check digit
        ("65180539W002", "check digit"),
        ("65170893J003", "check digit"),  # swapped digits
        ("65320839J000", "no date"),  # day 32, check digit right
        ("65171339J005", "no date"),  # month 13, check digit right
        ("65000839J003", "no date"),  # day 00, check digit right
        ("934623649234", "first letter"),  # the junk value pre-filled in an official form
        ("65170839Ä003", "first letter"),
        ("651708391003", "first letter"),
        ("6517O839J003", "only digits"),  # letter O instead of zero
        ("65170839J00", "12 characters"),
        ("65170839J0033", "12 characters"),
        ("6517083", "12 characters"),
    ],
)
def test_pension_no(value: str, problem: str | None) -> None:
    message = v.validate_pension_no(value)
    if problem is None:
        assert message is None
    else:
        assert message is not None and problem in message


@pytest.mark.parametrize(
    ("birth", "matches"),
    [(D(1939, 8, 17), True), (D(2039, 8, 17), True), (D(1939, 8, 18), False), (D(1939, 7, 17), False)],
)
def test_pension_no_against_birth_date(birth: dt.date, matches: bool) -> None:
    message = v.validate_pension_no("65170839J003", birth_date=birth)
    assert (message is None) is matches
    if not matches:
        assert message is not None and "170839" in message


def test_pension_no_forms_and_sex() -> None:
    assert v.normalise_pension_no("65 170839 j 00 3") == "65170839J003"
    assert v.format_pension_no("65170839J003") == "65 170839 J 00 3"
    assert v.pension_no_sex("65170839J003") == "M"
    assert v.pension_no_sex("09010190A506") == "F"
    assert v.pension_no_sex("nonsense") is None


# --- postcode, phone, e-mail -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("04356", True),
        ("01139", True),
        ("09131", True),
        (" 04356 ", True),
        ("4356", False),
        ("043561", False),
        ("0435a", False),
        ("00123", False),
        ("０４３５６", False),  # full-width digits
    ],
)
def test_postcode(value: str, ok: bool) -> None:
    assert (v.validate_postcode(value) is None) is ok


def test_postcode_starting_with_00_has_its_own_message() -> None:
    assert "00" in (v.validate_postcode("00123") or "")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("+49 341 1234567", None),
        ("0341/123456", None),
        ("(0341) 12-34-56", None),
        ("+380 67 123 45 67", None),
        ("123456", None),
        ("12345", "6 to 20"),
        ("+49 (0) 341 1234 5678 999", "6 to 20"),
        ("1-2-3-4-5", "at least 6 digits"),
        ("abc123456", "digits, spaces"),
        ("++49 123456", "digits, spaces"),
        ("49+341123456", "digits, spaces"),
    ],
)
def test_phone(value: str, problem: str | None) -> None:
    message = v.validate_phone(value)
    if problem is None:
        assert message is None
    else:
        assert message is not None and problem in message


@pytest.mark.parametrize(("value", "ok"), [("anna@example.de", True), ("not an e-mail", False), ("a@b", False)])
def test_email(value: str, ok: bool) -> None:
    assert (v.validate_email(value) is None) is ok


# --- dates -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.03.1985", D(1985, 3, 12)),
        ("12.3.85", D(1985, 3, 12)),
        ("1985-03-12", D(1985, 3, 12)),
        (" 1.1.2000 ", D(2000, 1, 1)),
        ("29.02.2024", D(2024, 2, 29)),
        ("", None),
        ("   ", None),
    ],
)
def test_parse_german_date(text: str, expected: dt.date | None) -> None:
    assert v.parse_german_date(text) == expected


def test_a_two_digit_year_of_a_birth_date_is_never_in_a_later_year() -> None:
    from desktop import i18n

    this_year = dt.date.today().year
    ahead = (this_year + 7) % 100  # an appointment seven years ahead, a birth date a century earlier
    assert v.parse_german_date(f"01.01.{ahead:02d}") == D(this_year + 7, 1, 1)
    assert v.parse_german_date(f"01.01.{ahead:02d}", past=True) == D(this_year + 7 - 100, 1, 1)
    assert i18n.parse_date(f"01.01.{ahead:02d}", past=True) == D(this_year + 7 - 100, 1, 1)
    today = dt.date.today()
    assert i18n.past_year(today.day, today.month, this_year % 100) == this_year
    assert v.validate_date(f"01.01.{ahead:02d}", past=True) is None
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert v.validate_date(tomorrow.strftime("%d.%m.%Y"), past=True) == "This date lies in the future."


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("31.02.1979", "February 1979 has only 28 days"),
        ("29.02.2025", "February 2025 has only 28 days"),
        ("31.04.2026", "April 2026 has only 30 days"),
        ("2025-02-30", "February 2025 has only 28 days"),
        ("00.01.2000", "no day 0"),
        ("12.13.1985", "no month 13"),
        ("12/03", "DD.MM.YYYY"),
        ("yesterday", "DD.MM.YYYY"),
        ("12.03.198", "DD.MM.YYYY"),
        ("01.01.0000", "year 0"),
    ],
)
def test_bad_dates_name_the_problem(text: str, problem: str) -> None:
    with pytest.raises(v.DateInputError) as caught:
        v.parse_german_date(text)
    assert problem in str(caught.value)
    assert v.validate_date(text) == str(caught.value)


@pytest.mark.parametrize(("lang", "month"), [("de", "Februar 1979"), ("uk", "лютий 1979")])
def test_date_message_names_the_month_in_the_ui_language(lang: str, month: str) -> None:
    i18n.set_language(lang)
    assert month in (v.validate_date("31.02.1979") or "")


def test_validate_date_accepts_good_and_empty_text() -> None:
    assert v.validate_date("12.03.1985") is None
    assert v.validate_date("") is None


# --- per field -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("iban", "DE89 3704 0044 0532 0130 00", True),
        ("iban", "DE88 3704 0044 0532 0130 00", False),
        ("tax_id", "36 574 261 809", True),
        ("tax_id", "36 574 261 800", False),
        ("pension_no", "65 170839 J 00 3", True),
        ("pension_no", "934623649234", False),
        ("postcode", "04356", True),
        ("postcode", "4356", False),
        ("phone", "+49 341 1234567", True),
        ("phone", "12", False),
        ("email", "anna@example.de", True),
        ("email", "anna", False),
        ("iban", "", True),  # empty optional fields are fine
        ("tax_id", "  ", True),
        ("pension_no", None, True),
        ("family_name", "anything", True),  # fields without a check
    ],
)
def test_validate_field(field: str, value: str | None, ok: bool) -> None:
    message = v.validate_field(field, value)
    assert (message is None) is ok
    if not ok:
        assert isinstance(message, str) and message.strip() and "\n" not in message


def test_every_validated_field_is_a_person_field() -> None:
    from desktop.core.store.models import Person

    names = {f.name for f in Person.data_fields()}
    assert set(v.FIELD_VALIDATORS) <= names
