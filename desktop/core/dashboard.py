"""Today and the next 14 days: appointments, due and overdue deadlines and tasks, expiring documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop.core import appointments, tasks
from desktop.core.store.models import Person, ResidenceDocument

DAYS_AHEAD = 14


@dataclass
class Dashboard:
    today: dt.date
    appointments: list[appointments.AppointmentRow] = field(default_factory=list)
    overdue: list[tasks.TaskRow] = field(default_factory=list)
    due: list[tasks.TaskRow] = field(default_factory=list)
    expiring: list[tuple[str, str, dt.date, dt.date]] = field(
        default_factory=list
    )  # person id, name, printed, effective


def build(today: dt.date | None = None, days: int = DAYS_AHEAD) -> Dashboard:
    """Everything due in the window, across all cases; a handful of indexed queries."""
    today = today or dt.date.today()
    end = today + dt.timedelta(days=days)
    board = Dashboard(today)
    start = dt.datetime.combine(today, dt.time())
    board.appointments = appointments.appointments_between(
        start, dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    )
    for row in tasks.due_until(end):
        (board.overdue if row.due_date and row.due_date < today else board.due).append(row)
    board.expiring = expiring_documents(today, end)
    return board


def expiring_documents(today: dt.date, end: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """Residence documents whose effective validity ends in the window (after continuation rules)."""
    from desktop.core import residence

    out = []
    # Printed dates up to the window's end are candidates; continuation rules may extend them.
    docs = (
        ResidenceDocument.select(ResidenceDocument, Person)
        .join(Person)
        .where(
            ~ResidenceDocument.deleted
            & ~Person.deleted
            & ResidenceDocument.printed_until.is_null(False)
            & (ResidenceDocument.printed_until <= end)
        )
    )
    for doc in docs:
        effective = residence.effective_validity(doc.printed_until, doc.kind, today=today).effective_until
        if today <= effective <= end:
            out.append((doc.person.id, doc.person.display_name(), doc.printed_until, effective))
    return sorted(out, key=lambda e: e[3])
