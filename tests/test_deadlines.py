"""The deadline calculator: calendar months, notification by post, working days per federal state."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop import i18n
from desktop.core import deadlines
from desktop.core.deadlines import (
    add_months,
    due_after,
    next_working_day,
    notification_date,
    remind_before,
    widerspruch,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2026, 1, 15), -2, D(2025, 11, 15)),
        (D(2025, 6, 10), 0, D(2025, 6, 10)),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("posted", "expected"),
    [
        (D(2024, 12, 30), D(2025, 1, 2)),  # before 2025: third day
        (D(2024, 12, 31), D(2025, 1, 3)),
        (D(2024, 6, 5), D(2024, 6, 8)),
        (D(2025, 1, 1), D(2025, 1, 5)),  # from 2025: fourth day
        (D(2025, 10, 29), D(2025, 11, 2)),  # a Sunday: not moved
        (D(2023, 12, 22), D(2023, 12, 25)),  # Christmas Day: not moved
    ],
)
def test_notification_date(posted: dt.date, expected: dt.date) -> None:
    assert notification_date(posted) == expected


@pytest.mark.parametrize(
    ("day", "state", "expected"),
    [
        (D(2025, 12, 1), "SN", D(2025, 12, 1)),  # Monday
        (D(2026, 3, 7), "SN", D(2026, 3, 9)),  # Saturday
        (D(2026, 3, 8), "SN", D(2026, 3, 9)),  # Sunday
        (D(2025, 10, 31), "SN", D(2025, 11, 3)),  # Reformationstag (Friday) in Saxony
        (D(2025, 10, 31), "BE", D(2025, 10, 31)),  # a working day in Berlin
        (D(2026, 11, 18), "SN", D(2026, 11, 19)),  # Buß- und Bettag
        (D(2026, 11, 18), "BE", D(2026, 11, 18)),
        (D(2027, 3, 8), "BE", D(2027, 3, 9)),  # Frauentag is a holiday in Berlin only
        (D(2027, 3, 8), "SN", D(2027, 3, 8)),
        (D(2025, 12, 24), "SN", D(2025, 12, 24)),  # Christmas Eve is a working day
        (D(2025, 12, 25), "SN", D(2025, 12, 29)),
        (D(2027, 1, 1), "SN", D(2027, 1, 4)),
        (D(2026, 4, 3), "SN", D(2026, 4, 7)),  # Good Friday to Easter Monday
        (D(2025, 10, 31), "sn", D(2025, 11, 3)),  # codes in small letters
    ],
)
def test_next_working_day(day: dt.date, state: str, expected: dt.date) -> None:
    assert next_working_day(day, state) == expected


def test_the_federal_states_are_those_the_holidays_package_knows() -> None:
    import holidays

    from desktop.core.deadlines import federal_states

    assert sorted(federal_states()) == sorted(c for c in holidays.Germany.subdivisions if len(c) == 2)


def test_unknown_state_is_refused() -> None:
    with pytest.raises(ValueError, match="XX"):
        next_working_day(D(2025, 1, 1), "XX")
    with pytest.raises(ValueError):
        widerspruch(notified=D(2025, 1, 1), state="Sachsen")


WIDERSPRUCH_CASES = [
    # (notified, letter_date, state, missing_instructions, expected notified, expected due)
    (D(2026, 1, 31), None, "SN", False, D(2026, 1, 31), D(2026, 3, 2)),  # 28 Feb 2026 is a Saturday
    (D(2024, 1, 31), None, "SN", False, D(2024, 1, 31), D(2024, 2, 29)),  # leap year, a Thursday
    (D(2025, 1, 31), None, "SN", False, D(2025, 1, 31), D(2025, 2, 28)),  # a Friday
    (D(2026, 2, 7), None, "SN", False, D(2026, 2, 7), D(2026, 3, 9)),  # ends on a Saturday
    (D(2026, 2, 8), None, "SN", False, D(2026, 2, 8), D(2026, 3, 9)),  # ends on a Sunday
    (D(2026, 10, 18), None, "SN", False, D(2026, 10, 18), D(2026, 11, 19)),  # Buß- und Bettag
    (D(2026, 10, 18), None, "BE", False, D(2026, 10, 18), D(2026, 11, 18)),
    (D(2025, 11, 25), None, "SN", False, D(2025, 11, 25), D(2025, 12, 29)),  # Christmas and a weekend
    (D(2026, 12, 1), None, "SN", False, D(2026, 12, 1), D(2027, 1, 4)),  # New Year and a weekend
    (D(2026, 3, 3), None, "SN", False, D(2026, 3, 3), D(2026, 4, 7)),  # Easter
    (None, D(2024, 12, 30), "SN", False, D(2025, 1, 2), D(2025, 2, 3)),  # posted 2024: third day
    (None, D(2024, 12, 31), "SN", False, D(2025, 1, 3), D(2025, 2, 3)),
    (None, D(2025, 1, 2), "SN", False, D(2025, 1, 6), D(2025, 2, 6)),  # posted 2025: fourth day
    (None, D(2025, 10, 29), "SN", False, D(2025, 11, 2), D(2025, 12, 2)),  # notified on a Sunday
    (D(2024, 10, 31), None, "SN", True, D(2024, 10, 31), D(2025, 11, 3)),  # one year; Reformationstag
    (D(2024, 10, 31), None, "BE", True, D(2024, 10, 31), D(2025, 10, 31)),
    (D(2024, 2, 29), None, "SN", True, D(2024, 2, 29), D(2025, 2, 28)),
    (D(2025, 3, 15), None, "SN", True, D(2025, 3, 15), D(2026, 3, 16)),  # a Sunday
    (None, D(2024, 12, 31), "SN", True, D(2025, 1, 3), D(2026, 1, 5)),
]


@pytest.mark.parametrize(("notified", "letter", "state", "missing", "exp_notified", "exp_due"), WIDERSPRUCH_CASES)
def test_widerspruch(
    notified: dt.date | None,
    letter: dt.date | None,
    state: str,
    missing: bool,
    exp_notified: dt.date,
    exp_due: dt.date,
) -> None:
    result = widerspruch(notified=notified, letter_date=letter, state=state, missing_instructions=missing)
    assert (result.notified, result.due) == (exp_notified, exp_due)
    assert i18n.fmt_date(exp_due) in result.explanation


@pytest.mark.parametrize("kwargs", [{}, {"notified": D(2025, 1, 1), "letter_date": D(2025, 1, 1)}])
def test_widerspruch_needs_exactly_one_date(kwargs: dict[str, dt.date]) -> None:
    with pytest.raises(ValueError):
        widerspruch(**kwargs)


@pytest.mark.parametrize("lang", ["de", "uk", "en"])
def test_explanation_names_the_dates_in_the_ui_language(lang: str) -> None:
    i18n.set_language(lang)
    result = widerspruch(letter_date=D(2025, 12, 22))  # notified 26 Dec, ends 26 Jan 2026 (a Monday)
    for day in (D(2025, 12, 22), D(2025, 12, 26), D(2026, 1, 26)):
        assert i18n.fmt_date(day) in result.explanation
    assert "§ 37" in result.explanation
    assert "§ 84" in result.explanation


@pytest.mark.parametrize(
    ("lang", "words"),
    [("de", ["Buß- und Bettag"]), ("uk", ["День молитви та покаяння"]), ("en", ["Repentance and Prayer Day"])],
)
def test_explanation_names_the_holiday(lang: str, words: list[str]) -> None:
    i18n.set_language(lang)
    result = widerspruch(notified=D(2026, 10, 18))
    for word in words:
        assert word in result.explanation
    for day in (D(2026, 11, 18), D(2026, 11, 19)):
        assert i18n.fmt_date(day) in result.explanation
    assert "§ 64" in result.explanation


def test_explanation_names_weekdays_and_month_end() -> None:
    i18n.set_language("de")
    result = widerspruch(notified=D(2026, 1, 31))
    assert "Samstag" in result.explanation and "Sonntag" in result.explanation
    assert "§ 64(2)" in result.explanation
    plain = widerspruch(notified=D(2026, 1, 13))  # ends on Friday 13 Feb
    assert "§ 64" not in plain.explanation


def test_one_year_explanation_cites_section_66() -> None:
    result = widerspruch(notified=D(2025, 3, 14), missing_instructions=True)
    assert result.due == D(2026, 3, 16)
    assert "§ 66" in result.explanation
    assert "§ 84" not in result.explanation


def test_to_json() -> None:
    result = widerspruch(notified=D(2026, 1, 31))
    data = deadlines.to_json(result)
    assert data["due"] == "2026-03-02"
    assert data["notified"] == "2026-01-31"
    assert data["explanation"] == result.explanation


@pytest.mark.parametrize(
    ("anchor", "kwargs", "expected"),
    [
        (D(2026, 1, 31), {"months": 1}, D(2026, 3, 2)),
        (D(2026, 1, 31), {"months": 1, "move_to_working_day": False}, D(2026, 2, 28)),
        (D(2025, 12, 11), {"weeks": 2}, D(2025, 12, 29)),
        (D(2025, 12, 11), {"weeks": 2, "move_to_working_day": False}, D(2025, 12, 25)),
        (D(2026, 11, 4), {"days": 14}, D(2026, 11, 19)),
        (D(2026, 11, 4), {"days": 14, "state": "BE"}, D(2026, 11, 18)),
        (D(2025, 1, 31), {"months": 1, "days": 1}, D(2025, 3, 3)),  # months first, then days
        (D(2025, 6, 2), {}, D(2025, 6, 2)),
    ],
)
def test_due_after(anchor: dt.date, kwargs: dict, expected: dt.date) -> None:
    assert due_after(anchor, **kwargs) == expected


@pytest.mark.parametrize(
    ("end", "kwargs", "expected"),
    [
        (D(2026, 6, 30), {"weeks": 6}, D(2026, 5, 19)),
        (D(2026, 6, 30), {"days": 3}, D(2026, 6, 27)),
        (D(2026, 6, 30), {"months": 2}, D(2026, 4, 30)),
        (D(2026, 3, 31), {"months": 1}, D(2026, 2, 28)),
    ],
)
def test_remind_before(end: dt.date, kwargs: dict, expected: dt.date) -> None:
    assert remind_before(end, **kwargs) == expected


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        due_after(D(2026, 1, 1), days=-1)
    with pytest.raises(ValueError):
        remind_before(D(2026, 1, 1), weeks=-1)


@settings(max_examples=300, deadline=None)
@given(
    notified=st.dates(min_value=D(2015, 1, 1), max_value=D(2035, 12, 31)),
    state=st.sampled_from(deadlines.federal_states()),
    missing=st.booleans(),
)
def test_due_is_a_working_day_at_or_after_the_period_end(notified: dt.date, state: str, missing: bool) -> None:
    result = widerspruch(notified=notified, state=state, missing_instructions=missing)
    end = add_months(notified, 12 if missing else 1)
    assert result.due.weekday() < 5
    assert deadlines.holiday_name(result.due, state) is None
    assert end <= result.due <= end + dt.timedelta(days=4)
    assert result.notified == notified


@settings(max_examples=200, deadline=None)
@given(letter=st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)))
def test_letter_date_is_notified_three_or_four_days_later(letter: dt.date) -> None:
    result = widerspruch(letter_date=letter)
    assert (result.notified - letter).days == (4 if letter >= D(2025, 1, 1) else 3)
    assert result.due >= add_months(result.notified, 1)
