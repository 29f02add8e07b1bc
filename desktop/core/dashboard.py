"""Today and the next 14 days: appointments, due and overdue deadlines and tasks, expiring documents, and
consents running out within 30 days."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field, replace

from desktop.core import appointments, consents, tasks
from desktop.core.store import db as store_db
from desktop.core.store.models import Person, ResidenceDocument

DAYS_AHEAD = 14
#: Lines per group; the counts above each group are exact.
LIMIT = 200
#: Lines of appointments and tasks read before the main window is first shown (more than a screen holds);
#: the rest follow, with the documents and consents running out (groups further down).
FIRST_LINES = 40


@dataclass
class Dashboard:
    today: dt.date
    appointments: list[appointments.AppointmentRow] = field(default_factory=list)
    overdue: list[tasks.TaskRow] = field(default_factory=list)
    due: list[tasks.TaskRow] = field(default_factory=list)
    #: (person id, name, printed until, effectively valid until, document kind); None: not read yet
    expiring: list[tuple[str, str, dt.date, dt.date, str]] | None = field(default_factory=list)
    #: consents running out within 30 days and expired Vollmachten of people with an open case; None: not
    #: read yet
    consents: list[consents.Alert] | None = field(default_factory=list)
    overdue_total: int = 0
    due_total: int = 0
    appointments_total: int = 0
    #: How many documents run out (all of them are read; the lines stop at LIMIT).
    expiring_total: int = 0
    #: Whether more consents run out than the LIMIT lines shown (they are read only as far as shown: each
    #: needs its person's other consents looked at, 0.9 s for all of them on a big profile).
    consents_more: bool = False
    #: The lines per group it was read with.
    limit: int = LIMIT

    def complete(self) -> bool:
        """Whether every group is read, with all the lines it shows at most (LIMIT), none cut at a smaller
        limit."""
        if self.expiring is None or self.consents is None:
            return False
        groups = (self.appointments, self.overdue, self.due)
        return self.limit >= LIMIT or all(len(group) < self.limit for group in groups)


#: Today's dashboard being read in threads since the profile was unlocked (see ``start_early``).
_early: tuple[dt.date, Future[None], Dashboard] | None = None


def start_early() -> None:
    """Start reading today's dashboard right after the profile is unlocked, in a thread with its own
    connection (most of the queries' time on a fresh start is SQLCipher decrypting pages, in C without the
    GIL), while the window is built. FIRST_LINES a group, for the first look; the next ``build`` of today
    with that limit takes it. (One thread: two would each wait for the GIL at every row the other reads.)"""
    global _early
    today = dt.date.today()
    board = Dashboard(today, limit=FIRST_LINES)
    future: Future[None] = Future()

    def run() -> None:
        try:
            _read_appointments_and_more(board, DAYS_AHEAD)
            _read_tasks(board, DAYS_AHEAD)
            future.set_result(None)
        except BaseException as exc:  # handed to build(), which raises it on the GUI thread
            future.set_exception(exc)
        finally:
            if store_db.is_open():
                store_db.current().db.close()  # this thread's connection only

    threading.Thread(target=run, name="dashboard", daemon=True).start()
    _early = (today, future, board)


def build(today: dt.date | None = None, days: int = DAYS_AHEAD, limit: int = LIMIT) -> Dashboard:
    """Everything due in the window, across all cases: a handful of indexed queries, each group capped
    at ``limit`` lines with an exact count (taken from ``start_early`` when it read the same)."""
    global _early
    today = today or dt.date.today()
    early, _early = _early, None
    if early is not None and early[0] == today and days == DAYS_AHEAD and early[2].limit == limit:
        early[1].result()
        return early[2]
    board = Dashboard(today, limit=limit)
    _read_appointments_and_more(board, days)
    _read_tasks(board, days)
    return board


def completed(board: Dashboard, days: int = DAYS_AHEAD) -> Dashboard:
    """``board`` of a first look (``start_early``) completed: its lists of appointments and tasks read again
    up to LIMIT, the documents and consents running out read; the counts stay."""
    full = replace(board, limit=LIMIT)
    full.appointments = appointments.appointments_between(*_span(board.today, days), limit=LIMIT)
    _read_task_lines(full, days)
    _read_documents_and_consents(full, days)
    return full


def _span(today: dt.date, days: int) -> tuple[dt.datetime, dt.datetime]:
    """From the start of ``today`` to the end of the window's last day."""
    end = today + dt.timedelta(days=days)
    return dt.datetime.combine(today, dt.time()), dt.datetime.combine(end + dt.timedelta(days=1), dt.time())


def _read_appointments_and_more(board: Dashboard, days: int) -> None:
    start, stop = _span(board.today, days)
    board.appointments = appointments.appointments_between(start, stop, limit=board.limit)
    board.appointments_total = appointments.count_between(start, stop)
    if board.limit >= LIMIT:
        _read_documents_and_consents(board, days)
    else:  # a first look leaves them for later (their groups count their lines)
        board.expiring = board.consents = None


def _read_documents_and_consents(board: Dashboard, days: int) -> None:
    expiring = expiring_documents(board.today, board.today + dt.timedelta(days=days))
    board.expiring, board.expiring_total = expiring[:LIMIT], len(expiring)
    alerts = consents.alerts(board.today, limit=LIMIT + 1)  # one more: whether there are more than shown
    board.consents, board.consents_more = alerts[:LIMIT], len(alerts) > LIMIT


def _read_task_lines(board: Dashboard, days: int) -> None:
    today = board.today
    board.overdue = tasks.due_until(today - dt.timedelta(days=1), limit=board.limit)
    board.due = tasks.due_until(today + dt.timedelta(days=days), since=today, limit=board.limit)


def _read_tasks(board: Dashboard, days: int) -> None:
    _read_task_lines(board, days)
    today = board.today
    end = today + dt.timedelta(days=days)
    board.overdue_total = tasks.count_due(None, today - dt.timedelta(days=1))
    board.due_total = tasks.count_due(today, end)


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
