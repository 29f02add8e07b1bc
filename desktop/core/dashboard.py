"""Today and the next 14 days: appointments, due and overdue deadlines and tasks, expiring documents, and
consents running out within 30 days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop.core import appointments, consents, tasks
from desktop.core.store.models import Person, ResidenceDocument

DAYS_AHEAD = 14
#: Lines per group; the counts above each group are exact.
LIMIT = 200


@dataclass
class Dashboard:
    today: dt.date
    appointments: list[appointments.AppointmentRow] = field(default_factory=list)
    overdue: list[tasks.TaskRow] = field(default_factory=list)
    due: list[tasks.TaskRow] = field(default_factory=list)
    # person id, name, printed until, effective until
    #: (person id, name, printed until, effectively valid until, document kind)
    expiring: list[tuple[str, str, dt.date, dt.date, str]] = field(default_factory=list)
    #: consents running out within 30 days and expired Vollmachten of people with an open case
    consents: list[consents.Alert] = field(default_factory=list)
    overdue_total: int = 0
    due_total: int = 0
    appointments_total: int = 0


def build(today: dt.date | None = None, days: int = DAYS_AHEAD) -> Dashboard:
    """Everything due in the window, across all cases: a handful of indexed queries, each group capped
    at LIMIT lines with an exact count."""
    today = today or dt.date.today()
    end = today + dt.timedelta(days=days)
    board = Dashboard(today)
    start = dt.datetime.combine(today, dt.time())
    stop = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    board.appointments = appointments.appointments_between(start, stop, limit=LIMIT)
    board.appointments_total = appointments.count_between(start, stop)
    board.overdue = tasks.due_until(today - dt.timedelta(days=1), limit=LIMIT)
    board.due = tasks.due_until(end, since=today, limit=LIMIT)
    board.overdue_total = tasks.count_due(None, today - dt.timedelta(days=1))
    board.due_total = tasks.count_due(today, end)
    board.expiring = expiring_documents(today, end)[:LIMIT]
    board.consents = consents.alerts(today, limit=LIMIT)
    return board


def expiring_documents(today: dt.date, end: dt.date) -> list[tuple[str, str, dt.date, dt.date, str]]:
    """Residence documents whose effective validity ends in the window (after continuation rules)."""
    from desktop.core import residence

    # Continuation rules only ever move an end to one of the ordinances' dates, so a document can end in
    # the window only if it is printed to end there or an ordinance's date falls in it.
    window = ResidenceDocument.printed_until.between(today, end)
    if any(today <= o.extended_until <= end for o in residence.ordinances()):
        window |= ResidenceDocument.printed_until < today
    docs = (
        ResidenceDocument.select(ResidenceDocument, Person)
        .join(Person)
        .where(~ResidenceDocument.deleted & ~Person.deleted & ResidenceDocument.printed_until.is_null(False) & window)
    )
    out = []
    for doc in docs:
        # issued_on too: a permit issued after an ordinance's cut-off is not extended by it (as its tab says)
        effective = residence.effective_validity(
            doc.printed_until, doc.kind, today=today, issued_on=doc.issued_on
        ).effective_until
        if today <= effective <= end:
            out.append((doc.person.id, doc.person.display_name(), doc.printed_until, effective, doc.kind))
    return sorted(out, key=lambda e: e[3])
