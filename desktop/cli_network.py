"""begleiter-cli's commands for the network around the cases: needs and offers, matches, the Telegram post,
the directory, volunteers' hours and certificates, statistics.

Each part registers its own parsers and commands; :func:`parsers` and :data:`COMMANDS` join them for
desktop.cli. The helpers of desktop.cli (opening the profile, exit codes) are imported where used, as
desktop.cli imports this module.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

Command = Callable[[argparse.Namespace], int]


# --- needs, offers, matches, the Telegram post --------------------------------------------------------------
def needs_parsers(sub: Any) -> None:
    """begleiter-cli needs / matches / telegram."""


NEEDS_COMMANDS: dict[str, Command] = {}


# --- the directory -----------------------------------------------------------------------------------------
def directory_parsers(sub: Any) -> None:
    """begleiter-cli directory."""


DIRECTORY_COMMANDS: dict[str, Command] = {}


# --- volunteers' hours and certificates --------------------------------------------------------------------
def hours_parsers(sub: Any) -> None:
    """begleiter-cli volunteers / certificate."""


HOURS_COMMANDS: dict[str, Command] = {}


# --- statistics ------------------------------------------------------------------------------------------
def stats_parsers(sub: Any) -> None:
    """begleiter-cli stats."""
    st = sub.add_parser(
        "stats", help="anonymous statistics per month (counts from 1 to 4 shown as <5; no names, no ids)"
    )
    st.add_argument("--json", action="store_true", help="the masked tables as JSON")
    st.add_argument("--from", dest="start", metavar="DATE", help="first day (default: 11 months before this month)")
    st.add_argument("--to", dest="end", metavar="DATE", help="last day (default: today)")
    st.add_argument("--csv", metavar="FILE.csv", help="also write the tables as CSV (semicolons, UTF-8, for Excel)")
    st.add_argument("--pdf", metavar="FILE.pdf", help="also write the PDF report")


def _stats_text(stats: Any) -> str:
    """The tables as aligned text: one block per table, months as columns, masked as everywhere."""
    from desktop import i18n
    from desktop.core.network import stats as core
    from desktop.i18n import _

    blocks = [
        _("Anonymous statistics from {start} to {end}").format(
            start=i18n.fmt_list_date(stats.start), end=i18n.fmt_list_date(stats.end)
        )
    ]
    for section in core.sections(stats):
        rows = [["", *(core.month_label(m) for m in stats.months), _(core.TOTAL)]]
        for line in section.lines:
            rows.append(
                [
                    line.label,
                    *(core.cell_text(v, line.kind, i18n.fmt_number) for v in line.cells),
                    core.cell_text(line.total, line.kind, i18n.fmt_number),
                ]
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [section.title, "-" * len(section.title)]
        for row in rows:
            cells = [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
            lines.append("  ".join([row[0].ljust(widths[0]), *cells]))
        blocks.append("\n".join(lines))
    blocks.append(
        _(
            "Counts from 1 to 4 are shown as <5; a total with a masked part is shown as ≥n, the least it can be "
            "from what is shown; a median resting on fewer than 5 needs as n<5."
        )
    )
    return "\n\n".join(blocks)


def _cmd_stats(args: argparse.Namespace) -> int:
    from pathlib import Path

    from desktop import cli
    from desktop.core.network import stats as core
    from desktop.i18n import _

    start, end = core.default_period()
    if args.start:
        start = cli._date_arg(args.start, "--from")
    if args.end:
        end = cli._date_arg(args.end, "--to")
    if end < start:
        raise cli.UsageError(_("The period ends before it starts: --to lies before --from."))
    cli._open(args)
    stats = core.compute(start, end)
    if args.csv:
        core.write_csv(stats, Path(args.csv))
    if args.pdf:
        core.write_pdf(stats, Path(args.pdf))
    print(core.to_json(stats) if args.json else _stats_text(stats))
    return cli.EXIT_OK


STATS_COMMANDS: dict[str, Command] = {"stats": _cmd_stats}


# --- joined ----------------------------------------------------------------------------------------------
def parsers(sub: Any) -> None:
    needs_parsers(sub)
    directory_parsers(sub)
    hours_parsers(sub)
    stats_parsers(sub)


COMMANDS: dict[str, Command] = {**NEEDS_COMMANDS, **DIRECTORY_COMMANDS, **HOURS_COMMANDS, **STATS_COMMANDS}
