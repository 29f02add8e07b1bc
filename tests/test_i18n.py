"""Translations and locale-aware formatting."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop import i18n


def test_ukrainian_has_three_plural_forms() -> None:
    i18n.set_language("uk")
    forms = {n: i18n.ngettext("{n} person", "{n} people", n).format(n=n) for n in (1, 2, 5, 11, 21, 22, 25)}
    assert forms == {
        1: "1 особа",
        2: "2 особи",
        5: "5 осіб",
        11: "11 осіб",
        21: "21 особа",
        22: "22 особи",
        25: "25 осіб",
    }


def test_german_plurals_and_switching_back() -> None:
    i18n.set_language("de")
    assert i18n.ngettext("{n} case", "{n} cases", 1).format(n=1) == "1 Vorgang"
    assert i18n.ngettext("{n} case", "{n} cases", 3).format(n=3) == "3 Vorgänge"
    i18n.set_language("en")
    assert i18n.ngettext("{n} case", "{n} cases", 3).format(n=3) == "3 cases"


def test_a_translation_with_other_placeholders_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def gettext(self, message: str) -> str:
            return "Profil {ordner} existiert"

    monkeypatch.setattr(i18n, "_translations", Broken())
    text = i18n._("A profile already exists in {folder}.")
    assert text == "A profile already exists in {folder}."
    assert text.format(folder="/x")


def test_listeners_hear_language_changes() -> None:
    heard: list[str] = []
    i18n.add_language_listener(heard.append)
    try:
        i18n.set_language("uk")
        i18n.set_language("de")
    finally:
        i18n.remove_language_listener(heard.append)
    assert heard == ["uk", "de"]
    with pytest.raises(ValueError):
        i18n.set_language("fr")


def test_dates_follow_the_ui_language_but_german_forms_stay_german() -> None:
    day = dt.date(1985, 3, 12)
    i18n.set_language("de")
    assert i18n.fmt_date(day) == "12.03.1985"
    i18n.set_language("uk")
    assert "1985" in i18n.fmt_date(day) and "бер" in i18n.fmt_date(day)
    i18n.set_language("en")
    assert i18n.fmt_date(day) == "12 Mar 1985"
    assert i18n.fmt_date_german(day) == "12.03.1985"
    i18n.set_language("de")
    assert i18n.fmt_number(100000) == "100.000"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.03.1985", dt.date(1985, 3, 12)),
        ("1985-03-12", dt.date(1985, 3, 12)),
        ("1.2.2024", dt.date(2024, 2, 1)),
        ("29.02.2024", dt.date(2024, 2, 29)),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: dt.date | None) -> None:
    assert i18n.parse_date(text) == expected


@pytest.mark.parametrize("text", ["31.02.1979", "29.02.2023", "12/13", "abc", "1985-13-01", "0.0.0"])
def test_parse_date_refuses_impossible_dates(text: str) -> None:
    with pytest.raises(ValueError):
        i18n.parse_date(text)


def test_endonyms() -> None:
    assert i18n.LANGUAGES == {"de": "Deutsch", "uk": "Українська", "en": "English"}
