"""German time limits: working days per federal state, calendar months and the Widerspruch deadline.

The rules follow the Sozialgerichtsgesetz (SGG), which governs objections against Jobcenter decisions:

* a letter posted inside Germany counts as notified (Bekanntgabe) on the 4th day after posting, or on the
  3rd day for letters posted before 2025 (§ 37(2) SGB X, changed by the Postrechtsmodernisierungsgesetz);
  that day is not moved for weekends or holidays;
* a period in months ends on the day of the last month with the same number as the notification day, or on
  the last day of that month when it has no such day (§ 64(2) SGG);
* an end on a Saturday, Sunday or public holiday moves to the next working day (§ 64(3) SGG);
* the objection period is one month (§ 84(1) SGG), one year when the instructions on legal remedies
  (Rechtsbehelfsbelehrung) are missing or wrong (§ 66(2) SGG).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from desktop.i18n import _, current_language, fmt_date

#: The federal state whose holidays count when none is given (Saxony).
DEFAULT_STATE = "SN"
#: Letters posted on or after this day count as notified on the 4th day after posting, before it on the 3rd.
POSTAL_FICTION_CHANGE = dt.date(2025, 1, 1)
#: Holiday names come in the UI language where the holidays package has them.
_HOLIDAY_LANGUAGES = {"de": "de", "uk": "uk", "en": "en_US"}


@dataclass(frozen=True)
class DeadlineResult:
    """A computed deadline with the day it is counted from and a readable explanation."""

    due: dt.date
    notified: dt.date
    explanation: str


#: The 16 federal states (ISO 3166-2:DE), as the holidays package names them (a test keeps them in step).
_STATES = ("BB", "BE", "BW", "BY", "HB", "HE", "HH", "MV", "NI", "NW", "RP", "SH", "SL", "SN", "ST", "TH")


#: The states' names: proper names, shown in German in every UI language (as on letters and forms).
_STATE_NAMES: dict[str, str] = {
    "BB": "Brandenburg",
    "BE": "Berlin",
    "BW": "Baden-Württemberg",
    "BY": "Bayern",
    "HB": "Bremen",
    "HE": "Hessen",
    "HH": "Hamburg",
    "MV": "Mecklenburg-Vorpommern",
    "NI": "Niedersachsen",
    "NW": "Nordrhein-Westfalen",
    "RP": "Rheinland-Pfalz",
    "SH": "Schleswig-Holstein",
    "SL": "Saarland",
    "SN": "Sachsen",
    "ST": "Sachsen-Anhalt",
    "TH": "Thüringen",
}


def federal_states() -> tuple[str, ...]:
    """The codes of the 16 federal states ("BE", "SN", ...)."""
    return _STATES


def state_name(state: str) -> str:
    """The German name of a federal state ("SN" -> "Sachsen"); raises ValueError for an unknown code."""
    return _STATE_NAMES[_checked_state(state)]


def _checked_state(state: str) -> str:
    code = state.strip().upper()
    if code not in federal_states():
        raise ValueError(f"unknown federal state {state!r}; expected one of {', '.join(federal_states())}")
    return code


@lru_cache(maxsize=256)
def _holidays(state: str, year: int, language: str) -> dict[dt.date, str]:
    """Public holidays of one federal state and year, with names in ``language``."""
    import holidays  # 90 ms to import: only when a deadline is computed, not at every start

    table = holidays.Germany(subdiv=state, years=year, language=_HOLIDAY_LANGUAGES.get(language, "de"))
    return dict(table.items())


def holiday_name(day: dt.date, state: str = DEFAULT_STATE) -> str | None:
    """The name of the public holiday on ``day`` in ``state`` (in the UI language), or None."""
    return _holidays(_checked_state(state), day.year, current_language()).get(day)


def is_working_day(day: dt.date, state: str = DEFAULT_STATE) -> bool:
    """True for Monday to Friday unless it is a public holiday in the federal state."""
    return day.weekday() < 5 and holiday_name(day, state) is None


def next_working_day(day: dt.date, state: str = DEFAULT_STATE) -> dt.date:
    """``day`` itself when it is a working day in ``state``, else the next working day."""
    state = _checked_state(state)
    while not is_working_day(day, state):
        day += dt.timedelta(days=1)
    return day


def _not_working_reason(day: dt.date, state: str) -> str:
    """Why ``day`` is no working day: the holiday's name, else the weekday's name."""
    return holiday_name(day, state) or fmt_date(day, "EEEE")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar months; the month's last day when the target month is shorter (31 Jan + 1 → 28/29 Feb)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def notification_date(letter_date: dt.date) -> dt.date:
    """The day a letter posted inside Germany counts as notified (§ 37(2) SGB X); not moved for weekends."""
    return letter_date + dt.timedelta(days=_fiction_days(letter_date))


def _fiction_days(letter_date: dt.date) -> int:
    return 4 if letter_date >= POSTAL_FICTION_CHANGE else 3


def due_after(
    anchor: dt.date,
    *,
    days: int = 0,
    weeks: int = 0,
    months: int = 0,
    state: str = DEFAULT_STATE,
    move_to_working_day: bool = True,
) -> dt.date:
    """The end of a period counted from ``anchor``: calendar months first, then weeks and days.

    With ``move_to_working_day`` an end on a Saturday, Sunday or holiday in ``state`` moves to the next
    working day (§ 64(3) SGG, § 26(3) SGB X, § 193 BGB).
    """
    if min(days, weeks, months) < 0:
        raise ValueError("due_after counts forwards; use remind_before for earlier days")
    end = add_months(anchor, months) + dt.timedelta(days=days, weeks=weeks)
    return next_working_day(end, state) if move_to_working_day else end


def remind_before(end: dt.date, *, days: int = 0, weeks: int = 0, months: int = 0) -> dt.date:
    """The day to remind of something ending on ``end``: that many calendar months, weeks and days earlier."""
    if min(days, weeks, months) < 0:
        raise ValueError("remind_before counts backwards; use positive numbers")
    return add_months(end, -months) - dt.timedelta(days=days, weeks=weeks)


def widerspruch(
    notified: dt.date | None = None,
    letter_date: dt.date | None = None,
    state: str = DEFAULT_STATE,
    missing_instructions: bool = False,
) -> DeadlineResult:
    """The last day for a Widerspruch against a decision, from its notification day or its posting date.

    ``missing_instructions`` means the Rechtsbehelfsbelehrung is missing or wrong: the period is then a year.
    """
    if (notified is None) == (letter_date is None):
        raise ValueError("give exactly one of notified and letter_date")
    state = _checked_state(state)
    parts: list[str] = []
    if letter_date is not None:
        notified = notification_date(letter_date)
        parts.append(_explain_notification(letter_date, notified, state))
    else:
        assert notified is not None
        parts.append(_("On {notified} the decision was notified (Bekanntgabe).").format(notified=fmt_date(notified)))

    months = 12 if missing_instructions else 1
    end = add_months(notified, months)
    if missing_instructions:
        parts.append(
            _(
                "The instructions on legal remedies (Rechtsbehelfsbelehrung) are missing or wrong, so the period "
                "is one year after notification and runs until {end} (§ 66(2) SGG)."
            ).format(end=fmt_date(end))
        )
    else:
        parts.append(
            _("The objection period is one month after notification and runs until {end} (§ 84(1) SGG).").format(
                end=fmt_date(end)
            )
        )
    if end.day != notified.day:
        parts.append(
            _("That month has no day {day}, so the period ends on the last day of the month (§ 64(2) SGG).").format(
                day=notified.day
            )
        )

    due = next_working_day(end, state)
    if due != end:
        parts.append(_explain_move(end, due, state))
    parts.append(
        _("The objection must reach the office on {due} at the latest (until midnight).").format(due=fmt_date(due))
    )
    return DeadlineResult(due=due, notified=notified, explanation=" ".join(parts))


def _explain_notification(letter_date: dt.date, notified: dt.date, state: str) -> str:
    if _fiction_days(letter_date) == 4:
        text = _(
            "A letter posted inside Germany on {letter_date} counts as notified on the fourth day after posting, "
            "{notified} (§ 37(2) SGB X for letters posted from 1 January 2025)."
        )
    else:
        text = _(
            "A letter posted inside Germany on {letter_date} counts as notified on the third day after posting, "
            "{notified} (§ 37(2) SGB X for letters posted before 2025)."
        )
    text = text.format(letter_date=fmt_date(letter_date), notified=fmt_date(notified))
    if not is_working_day(notified, state):
        text += " " + _("This day counts even though it is not a working day ({reason}).").format(
            reason=_not_working_reason(notified, state)
        )
    text += " " + _("If the letter actually arrived later, enter the day it arrived as the notification day.")
    return text


def _explain_move(end: dt.date, due: dt.date, state: str) -> str:
    skipped = []
    day = end
    while day < due:
        skipped.append(_("{date} is {reason}").format(date=fmt_date(day), reason=_not_working_reason(day, state)))
        day += dt.timedelta(days=1)
    return _(
        "A period cannot end on a Saturday, Sunday or public holiday: {reasons}, so it runs until the next "
        "working day, {due} (§ 64(3) SGG)."
    ).format(reasons="; ".join(skipped), due=fmt_date(due))


def to_json(result: DeadlineResult) -> dict[str, Any]:
    """A deadline as plain JSON values (ISO dates)."""
    return {"due": result.due.isoformat(), "notified": result.notified.isoformat(), "explanation": result.explanation}
