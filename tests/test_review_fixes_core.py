"""Review fixes in the core: Cyrillic Windows CSV files, four-digit years written with leading zeros, two-digit
birth years decided to the day, and the federal states' names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop import i18n
from desktop.core import deadlines, importer
from desktop.core import validation as v

TODAY = dt.date.today()


# --- CSV encodings ------------------------------------------------------------------------------------


def test_a_cp1251_csv_from_a_ukrainian_windows_is_read_in_cyrillic(tmp_path: Path) -> None:
    sheet = tmp_path / "liste.csv"
    sheet.write_bytes("Nachname;Vorname\nKoval;Anna\nКоваль;Ганна\n".encode("cp1251"))
    plan = importer.plan_import(sheet)
    assert not plan.errors
    assert plan.rows[1]["family_name_cyr"] == "Коваль" and plan.rows[1]["given_name_cyr"] == "Ганна"
    assert plan.rows[0]["family_name"] == "Koval"


@pytest.mark.parametrize(
    "text",
    [
        "Прізвище;Ім'я;Вулиця;Notizen\nШевченко;Тарас;Hauptstr. 5;«важливо» № 3 – ok\nЇжак;Єва;Ґанок;ё\n",
        "Фамилия;Имя\nКузнецова;Ольга\n",
        "Nachname;Vorname\nКоваль;Ганна\n",  # the only Cyrillic word is one name
    ],
)
def test_cyrillic_windows_text_is_told_from_western(text: str) -> None:
    assert importer._decode(text.encode("cp1251")) == text


@pytest.mark.parametrize(
    "text",
    [
        "Nachname;Vorname;Straße\nMüller;Jörg;Hauptstraße 5\n",
        "NACHNAME;VORNAME\nMÜLLER;JÖRG\nÖZTÜRK;ÄNNE\n",
        "Name;Ort;Bemerkung\nWeiß;Köln;Größe 38, Grüße – «à» café\nÄ;Ö;ß\n",
        "Name;Ort\nKoval;Anna\n",  # no letter beyond ASCII at all
    ],
)
def test_german_windows_text_still_reads_as_cp1252(tmp_path: Path, text: str) -> None:
    assert importer._decode(text.encode("cp1252")) == text
    sheet = tmp_path / "liste.csv"
    sheet.write_bytes(text.encode("cp1252"))
    assert importer.read_table(sheet).headers == text.splitlines()[0].split(";")


def test_a_byte_that_western_windows_leaves_undefined_means_cyrillic() -> None:
    assert importer._decode("Name\nЃ\n".encode("cp1251")) == "Name\nЃ\n"  # 0x81: no character in 1252


# --- four-digit years ---------------------------------------------------------------------------------


def test_a_year_written_with_four_digits_is_never_a_two_digit_year() -> None:
    assert i18n.parse_date("01.01.0001") == dt.date(1, 1, 1)
    assert i18n.parse_date("01.01.0026") == dt.date(26, 1, 1)
    assert v.parse_german_date("01.01.0001") == dt.date(1, 1, 1)
    assert i18n.parse_date("12.3.85") == dt.date(1985, 3, 12)
    for text in ("1.1.5", "1.1.985", "1.1.20266"):  # a year has two or four digits
        with pytest.raises(ValueError):
            i18n.parse_date(text)


# --- two-digit years of past dates, to the day -------------------------------------------------------


def test_past_year_decides_to_the_day() -> None:
    today = dt.date(2026, 11, 21)
    assert i18n.past_year(30, 12, 26, today=today) == 1926
    assert i18n.past_year(21, 11, 26, today=today) == 2026
    assert i18n.past_year(20, 11, 26, today=today) == 2026
    assert i18n.past_year(22, 11, 26, today=today) == 1926
    assert i18n.past_year(1, 1, 27, today=today) == 1927
    assert i18n.past_year(31, 2, 26, today=today) == 2026  # an impossible day still gets a year
    assert i18n.past_date(30, 12, 26, today=today) == dt.date(1926, 12, 30)
    assert i18n.past_date(29, 2, 0, today=today) == dt.date(2000, 2, 29)
    with pytest.raises(ValueError):
        i18n.past_date(29, 2, 25, today=today)


def _tomorrow_and_today() -> tuple[str, dt.date, str, dt.date]:
    tomorrow = TODAY + dt.timedelta(days=1)
    return tomorrow.strftime("%d.%m.%y"), tomorrow.replace(year=tomorrow.year - 100), TODAY.strftime("%d.%m.%y"), TODAY


def test_a_two_digit_birth_year_later_this_year_is_last_century() -> None:
    later, born, now, today = _tomorrow_and_today()
    assert i18n.parse_date(later, past=True) == born
    assert v.parse_german_date(later, past=True) == born
    assert v.validate_date(later, past=True) is None
    assert importer.parse_birth_date(later) == born
    assert i18n.parse_date(now, past=True) == today
    assert v.parse_german_date(now, past=True) == today
    assert importer.parse_birth_date(now) == today


def test_an_import_reads_such_a_birth_date_as_last_century(tmp_path: Path) -> None:
    later, born, _now, _today = _tomorrow_and_today()
    sheet = tmp_path / "liste.csv"
    sheet.write_text(f"Nachname;Vorname;Geburtsdatum\nKoval;Anna;{later}\n", encoding="utf-8")
    plan = importer.plan_import(sheet)
    assert not plan.errors
    assert plan.rows[0]["birth_date"] == born


# --- federal states -----------------------------------------------------------------------------------


def test_every_federal_state_has_its_name() -> None:
    names = {code: deadlines.state_name(code) for code in deadlines.federal_states()}
    assert names["SN"] == "Sachsen" and names["NW"] == "Nordrhein-Westfalen" and names["TH"] == "Thüringen"
    assert len(set(names.values())) == 16
    assert deadlines.state_name("sn") == "Sachsen"
    with pytest.raises(ValueError):
        deadlines.state_name("XX")
