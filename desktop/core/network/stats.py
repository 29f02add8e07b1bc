"""Anonymous statistics per month for the initiative and its funders: accompaniments by office, cases by
type and outcome, needs by category (new, met, how fast), volunteers' hours.

Only counts leave this module, never a name, an id, an address or free text. A count from 1 to 4 is shown
as "<5" in every output. Totals never narrow a masked cell down: a total is exact only when none of its
parts is masked; otherwise it is shown as a lower bound "≥n" computed from what is visible (the shown
parts plus 1 for every masked one). A median of days is shown only when it rests on 5 or more needs.
Hours are sums of time, not counts of people: they are shown as they are (one decimal), while the number
of volunteers who gave them is masked like every count.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peewee as pw
from babel import dates as babel_dates

from desktop import i18n
from desktop.core import appointments as appointments_service
from desktop.core import atomic, cases
from desktop.core.network import labels
from desktop.core.store.models import NEED_CATEGORIES, Appointment, Case, Match, NeedOffer, VolunteerHours
from desktop.i18n import N_, _, gettext_in

#: Counts below this (and above 0) are masked.
THRESHOLD = 5
MASK = "<5"
#: A median resting on fewer than THRESHOLD needs.
MEDIAN_MASK = "n<5"

OUTCOMES: tuple[str, ...] = ("decided", "closed")
MET_STATUSES: tuple[str, ...] = ("matched", "done")

#: The tables of counts, in the order every output shows them: key, title.
COUNT_TABLES: tuple[tuple[str, str], ...] = (
    ("accompaniments", N_("Accompaniments by office")),
    ("cases_opened", N_("Cases opened, by type")),
    ("cases_outcome", N_("Cases decided or closed, by outcome")),
    ("needs_new", N_("New needs, by category")),
    ("needs_met", N_("Needs met, by category (of the month's new needs)")),
)
MEDIAN_TITLE = N_("Days from a need to its first match (median), by category")
HOURS_TITLE = N_("Volunteers' hours")
HOURS_LABEL = N_("Hours given (including travel)")
VOLUNTEERS_LABEL = N_("Volunteers who gave hours")
ALL_CATEGORIES = N_("All categories")
TOTAL = N_("Total")
SECTION = N_("Table")
ROW = N_("Row")


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last 12 months: from the first day of the month eleven months ago to the end of this month
    (periods are whole months, see :func:`whole_months`)."""
    today = today or dt.date.today()
    start = month_of(today)
    for _i in range(11):
        start = month_of(start - dt.timedelta(days=1))
    return whole_months(start, today)


@dataclass
class Stats:
    """Raw counts per month (index i of every list is ``months[i]``); mask them before showing them."""

    start: dt.date
    end: dt.date
    months: list[dt.date]
    #: authority key -> appointments with a volunteer that took place
    accompaniments: dict[str, list[int]] = field(default_factory=dict)
    #: case type key -> cases opened
    cases_opened: dict[str, list[int]] = field(default_factory=dict)
    #: "decided" / "closed" -> cases decided or closed
    cases_outcome: dict[str, list[int]] = field(default_factory=dict)
    #: category -> needs created
    needs_new: dict[str, list[int]] = field(default_factory=dict)
    #: category -> needs created in the month that are matched or done now
    needs_met: dict[str, list[int]] = field(default_factory=dict)
    #: category -> per month, the days from each need's creation to its first match
    needs_days: dict[str, list[list[int]]] = field(default_factory=dict)
    #: minutes given, travel included, per month
    minutes: list[int] = field(default_factory=list)
    #: volunteers who gave time, per month
    volunteers: list[int] = field(default_factory=list)
    #: volunteers who gave time in the whole period
    volunteers_in_period: int = 0

    def table(self, key: str) -> dict[str, list[int]]:
        return dict(getattr(self, key))


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], month_of(start)
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months


class _Counter:
    def __init__(self, months: list[dt.date]) -> None:
        self.index = {m: i for i, m in enumerate(months)}
        self.size = len(months)
        self.table: dict[str, list[int]] = {}

    def add(self, key: str, day: dt.date, n: int = 1) -> None:
        i = self.index.get(month_of(day))
        if i is not None:
            self.table.setdefault(key, [0] * self.size)[i] += n

    def ordered(self, order: Iterable[str]) -> dict[str, list[int]]:
        keys = list(order)
        known = [k for k in keys if k in self.table]
        return {k: self.table[k] for k in known + sorted(set(self.table) - set(known))}


def local_day(created_at: dt.datetime) -> dt.date:
    """The day on this laptop's calendar of a record's creation (stored in UTC)."""
    return created_at.replace(tzinfo=dt.UTC).astimezone().date()


def _office_authorities() -> dict[str, str]:
    """The authority of every office of the directory, by its key (and by its id), read once."""
    found: dict[str, str] = {}
    for office in appointments_service.offices():
        if office.get("authority"):
            for name in ("key", "id"):
                if office.get(name):
                    found[str(office[name])] = str(office["authority"])
    return found


def whole_months(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period widened to whole calendar months. Counts of two periods that differ by a day would tell
    what happened on that day, a count the masking hides: so periods only ever differ by whole months."""
    following = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start.replace(day=1), following - dt.timedelta(days=1)


def compute(start: dt.date, end: dt.date, now: dt.datetime | None = None) -> Stats:
    """The counts of every table from ``start`` to ``end`` (both days included, widened to whole months:
    see :func:`whole_months`), per calendar month.

    Accompaniments count the appointments with a volunteer that took place (before ``now``)."""
    if end < start:
        raise ValueError("the period ends before it starts")
    start, end = whole_months(start, end)
    now = now or dt.datetime.now()
    authorities = _office_authorities()
    months = _months(start, end)
    stats = Stats(start=start, end=end, months=months)
    in_period = (start, end)

    def inside(day: dt.date | None) -> bool:
        return day is not None and in_period[0] <= day <= in_period[1]

    # Accompaniments: by the authority of the office, else of the case, else "other".
    counter = _Counter(months)
    until = min(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()), now)
    query = (
        Appointment.select(Appointment.starts_at, Appointment.office_key, Case.authority)
        .join(Case, join_type=pw.JOIN.LEFT_OUTER, on=(Appointment.case == Case.id))
        .where(
            ~Appointment.deleted,
            Appointment.volunteer.is_null(False),
            Appointment.starts_at >= dt.datetime.combine(start, dt.time()),
            Appointment.starts_at < until,
        )
        .tuples()
    )
    for starts_at, office_key, authority in query:
        counter.add(authorities.get(office_key or "") or authority or "other", starts_at.date())
    stats.accompaniments = counter.ordered(cases.authorities())

    # Cases: opened in the month by type; decided or closed in the month by outcome.
    opened, outcome = _Counter(months), _Counter(months)
    rows = Case.select(
        Case.case_type, Case.status, Case.opened_on, Case.closed_on, Case.decision_on, Case.created_at
    ).where(~Case.deleted)
    for case_type, status, opened_on, closed_on, decision_on, created_at in rows.tuples():
        day = opened_on or (local_day(created_at) if created_at else None)
        if inside(day):
            opened.add(case_type, day)
        if status in OUTCOMES:
            when = (decision_on or closed_on) if status == "decided" else (closed_on or decision_on)
            if inside(when):
                outcome.add(status, when)
    stats.cases_opened = opened.ordered(t["key"] for t in cases.case_types())
    stats.cases_outcome = outcome.ordered(OUTCOMES)

    # Needs: new in the month, met (matched or done now), days to the first match.
    first_match: dict[str, dt.date] = {}
    matches = Match.select(Match.need, Match.matched_on).where(~Match.deleted, Match.matched_on.is_null(False))
    for need_id, matched_on in matches.tuples():
        if need_id not in first_match or matched_on < first_match[need_id]:
            first_match[need_id] = matched_on
    new, met = _Counter(months), _Counter(months)
    days: dict[str, list[list[int]]] = {}
    needs = NeedOffer.select(NeedOffer.id, NeedOffer.category, NeedOffer.status, NeedOffer.created_at).where(
        ~NeedOffer.deleted, NeedOffer.kind == "need"
    )
    for need_id, category, status, created_at in needs.tuples():
        day = local_day(created_at)
        if not inside(day):
            continue
        new.add(category, day)
        if status in MET_STATUSES:
            met.add(category, day)
        if need_id in first_match:
            days.setdefault(category, [[] for _m in months])[months.index(month_of(day))].append(
                max(0, (first_match[need_id] - day).days)
            )
    stats.needs_new = new.ordered(NEED_CATEGORIES)
    stats.needs_met = met.ordered(NEED_CATEGORIES)
    stats.needs_days = {k: days[k] for k in new.ordered(NEED_CATEGORIES) if k in days}

    # Hours: minutes and travel per month; the volunteers who gave them.
    minutes = [0] * len(months)
    givers: list[set[str]] = [set() for _m in months]
    hours = VolunteerHours.select(
        VolunteerHours.volunteer, VolunteerHours.on, VolunteerHours.minutes, VolunteerHours.travel_minutes
    ).where(~VolunteerHours.deleted, VolunteerHours.on >= start, VolunteerHours.on <= end)
    for volunteer_id, on, given, travel in hours.tuples():
        total = max(0, given or 0) + max(0, travel or 0)
        if total <= 0:
            continue
        i = months.index(month_of(on))
        minutes[i] += total
        givers[i].add(volunteer_id)
    stats.minutes = minutes
    stats.volunteers = [len(g) for g in givers]
    stats.volunteers_in_period = len(set().union(*givers)) if givers else 0
    return stats


# --- masking ---------------------------------------------------------------------------------------------
def is_masked(n: int) -> bool:
    return 0 < n < THRESHOLD


def masked(n: int) -> str:
    """A count as it may be shown: 1 to 4 as "<5", 0 and 5 and more as they are."""
    return MASK if is_masked(n) else str(n)


def masked_value(n: int) -> int | str:
    """A count for JSON: the number, or "<5"."""
    return MASK if is_masked(n) else n


def total_value(parts: Sequence[int]) -> int | str:
    """A total that reveals no masked part: exact when no part is masked, else the lower bound "≥n" that
    anyone can add up from what is shown (shown parts, plus 1 for each masked one)."""
    if not any(is_masked(p) for p in parts):
        return sum(parts)
    return f"≥{sum(p if not is_masked(p) else 1 for p in parts)}"


def median_value(days: Sequence[int]) -> float | str | None:
    """The median of days, when it rests on THRESHOLD needs or more; "n<5" below, None without any."""
    if not days:
        return None
    if len(days) < THRESHOLD:
        return MEDIAN_MASK
    return float(statistics.median(days))


# --- rows for the screen, the CSV, the CLI and the PDF -------------------------------------------------------
def _row_label(table: str, key: str, lang: str | None) -> str:
    def tr(message: str) -> str:
        return gettext_in(lang, message) if lang else _(message)

    if table == "accompaniments":
        return cases.authority_label(key, lang)
    if table == "cases_opened":
        return _case_type_label(key, lang)
    if table == "cases_outcome":
        text = tr(cases.STATUS_LABELS[key]) if key in cases.STATUS_LABELS else key
        return text[:1].upper() + text[1:]
    return tr(labels.CATEGORY_LABELS[key]) if key in labels.CATEGORY_LABELS else key


def _case_type_label(key: str, lang: str | None) -> str:
    for entry in cases.case_types():
        if entry["key"] == key:
            return str(entry.get(lang or i18n.current_language()) or entry["de"])
    return key


@dataclass
class Line:
    """One row of a shown table: a label, the month cells, the total; ``kind`` says what the values are."""

    label: str
    cells: list[int | float | str | None]
    total: int | float | str | None
    kind: str = "count"  # count | total | median | hours
    key: str = ""


@dataclass
class Section:
    key: str
    title: str
    lines: list[Line]


def sections(stats: Stats, lang: str | None = None) -> list[Section]:
    """The tables as shown, masked, labels in ``lang`` (default: the UI language)."""

    def tr(message: str) -> str:
        return gettext_in(lang, message) if lang else _(message)

    found: list[Section] = []
    for key, title in COUNT_TABLES:
        table = stats.table(key)
        lines = [
            Line(_row_label(key, k, lang), [masked_value(n) for n in counts], total_value(counts), "count", k)
            for k, counts in table.items()
        ]
        columns = [[counts[i] for counts in table.values()] for i in range(len(stats.months))]
        lines.append(
            Line(
                tr(TOTAL),
                [total_value(c) for c in columns],
                total_value([n for counts in table.values() for n in counts]),
                "total",
            )
        )
        found.append(Section(key, tr(title), lines))
    medians = []
    every: list[list[int]] = [[] for _m in stats.months]
    for category, per_month in stats.needs_days.items():
        medians.append(
            Line(
                _row_label("needs_days", category, lang),
                [median_value(d) for d in per_month],
                median_value([x for d in per_month for x in d]),
                "median",
                category,
            )
        )
        for i, d in enumerate(per_month):
            every[i].extend(d)
    medians.append(
        Line(
            tr(ALL_CATEGORIES), [median_value(d) for d in every], median_value([x for d in every for x in d]), "median"
        )
    )
    found.append(Section("needs_days", tr(MEDIAN_TITLE), medians))
    hours = [round(m / 60, 1) for m in stats.minutes]
    found.append(
        Section(
            "hours",
            tr(HOURS_TITLE),
            [
                Line(tr(HOURS_LABEL), list(hours), round(sum(stats.minutes) / 60, 1), "hours", "hours"),
                Line(
                    tr(VOLUNTEERS_LABEL),
                    [masked_value(n) for n in stats.volunteers],
                    masked_value(stats.volunteers_in_period),
                    "count",
                    "volunteers",
                ),
            ],
        )
    )
    return found


def cell_text(value: int | float | str | None, kind: str = "count", number: Callable[[Any], str] | None = None) -> str:
    """A cell as text: "–" for no value, numbers in the given format (default: as they are)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if kind == "median" or kind == "hours":
        return number(value) if number else f"{value:g}"
    return number(value) if number else str(value)


def month_label(month: dt.date, lang: str | None = None) -> str:
    """A month as a column heading: "Jan. 2026", "січ. 2026 р.", "Jan 2026"."""
    locale = {"de": "de_DE", "uk": "uk_UA", "en": "en_GB"}.get(lang or i18n.current_language(), "de_DE")
    return babel_dates.format_skeleton("yMMM", month, locale=locale)


def to_rows(stats: Stats, lang: str | None = None) -> list[list[str]]:
    """Every table as rows of text, masked: a heading row, then table, row label, one cell per month, total."""
    tr = (lambda m: gettext_in(lang, m)) if lang else _
    number = i18n.fmt_number if not lang or lang == i18n.current_language() else None
    rows = [[tr(SECTION), tr(ROW), *(month_label(m, lang) for m in stats.months), tr(TOTAL)]]
    for section in sections(stats, lang):
        for line in section.lines:
            rows.append(
                [
                    section.title,
                    line.label,
                    *(cell_text(v, line.kind, number) for v in line.cells),
                    cell_text(line.total, line.kind, number),
                ]
            )
    return rows


def to_csv(stats: Stats, lang: str | None = None) -> str:
    """The rows as CSV for German Excel: semicolons, every field quoted where needed; UTF-8 with BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(to_rows(stats, lang))
    return "\ufeff" + out.getvalue()


def to_json(stats: Stats, lang: str | None = None) -> str:
    """The tables as JSON, masked: counts as numbers or "<5", totals as numbers or "≥n"."""
    data = {
        "from": stats.start.isoformat(),
        "to": stats.end.isoformat(),
        "months": [f"{m:%Y-%m}" for m in stats.months],
        "masking": {
            "threshold": THRESHOLD,
            "masked_count": MASK,
            "masked_median": MEDIAN_MASK,
            "totals": "exact when no part is masked, else a lower bound '≥n' from the shown parts",
        },
        "tables": [
            {
                "key": section.key,
                "title": section.title,
                "rows": [
                    {
                        **({"key": line.key} if line.key else {}),
                        "label": line.label,
                        "kind": line.kind,
                        "months": line.cells,
                        "total": line.total,
                    }
                    for line in section.lines
                ],
            }
            for section in sections(stats, lang)
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def write_csv(stats: Stats, path: Path) -> None:
    atomic.atomic_write_bytes(path, to_csv(stats).encode("utf-8"))


def write_pdf(stats: Stats, path: Path) -> None:
    """The report as PDF (German, with the user's language beside it), written atomically."""
    from desktop.core.network import stats_pdf

    atomic.atomic_write_bytes(path, stats_pdf.render(stats))
