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
    vo = sub.add_parser("volunteers", help="the volunteers with their recorded hours, in all and per activity")
    vo.add_argument("--from", dest="start", metavar="DATE", help="only hours from this day on")
    vo.add_argument("--to", dest="end", metavar="DATE", help="only hours up to this day")
    vo.add_argument("--json", action="store_true")
    ce = sub.add_parser(
        "certificate",
        help="a volunteer's certificate of voluntary work (German PDF on the initiative's letterhead)",
    )
    ce.add_argument("volunteer_id", metavar="VOLUNTEER_ID")
    ce.add_argument("--from", dest="start", metavar="DATE", help="first day of the period (default: 1 January)")
    ce.add_argument("--to", dest="end", metavar="DATE", help="last day of the period (default: today)")
    ce.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the certificate")


def _period(args: argparse.Namespace, default_start: Any, default_end: Any) -> tuple[Any, Any]:
    from desktop import cli

    start = cli._date_arg(args.start, "--from") if args.start else default_start
    end = cli._date_arg(args.end, "--to") if args.end else default_end
    if start is not None and end is not None and start > end:
        from desktop.i18n import _

        raise cli.UsageError(_("--to: the period ends before it begins."))
    return start, end


def _cmd_volunteers(args: argparse.Namespace) -> int:
    import json

    from desktop import cli, i18n
    from desktop.core.network import hours, labels

    start, end = _period(args, None, None)
    cli._open(args)
    found = hours.totals(start, end)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": v.id,
                        "name": v.name,
                        "hours": hours.hours_value(v.total.total),
                        "activity_hours": hours.hours_value(v.total.minutes),
                        "travel_hours": hours.hours_value(v.total.travel_minutes),
                        "entries": v.total.entries,
                        "activities": {
                            key: {
                                "hours": hours.hours_value(s.total),
                                "activity_hours": hours.hours_value(s.minutes),
                                "travel_hours": hours.hours_value(s.travel_minutes),
                                "entries": s.entries,
                            }
                            for key, s in v.activities.items()
                        },
                    }
                    for v in found
                ],
                ensure_ascii=False,
            )
        )
        return cli.EXIT_OK
    for v in found:
        parts = ", ".join(
            f"{labels.label(labels.ACTIVITY_LABELS, key)} {i18n.fmt_number(hours.hours_value(s.total))}"
            for key, s in v.activities.items()
        )
        print(f"{v.id}\t{v.name}\t{i18n.fmt_number(hours.hours_value(v.total.total))}\t{parts}")
    return cli.EXIT_OK


def _cmd_certificate(args: argparse.Namespace) -> int:
    import datetime as dt
    import sys
    from pathlib import Path

    from desktop import cli
    from desktop.core.errors import UserError, os_reason
    from desktop.core.network import certificate
    from desktop.i18n import _

    out = Path(args.out).expanduser()
    if not out.parent.is_dir():
        raise cli.UsageError(_("The folder {folder} does not exist.").format(folder=str(out.parent)))
    today = dt.date.today()
    start, end = _period(args, dt.date(today.year, 1, 1), today)
    if start > end:  # only --from given, after today
        raise cli.UsageError(_("--to: the period ends before it begins."))
    cli._open(args)
    try:
        found = certificate.write_certificate(args.volunteer_id, start, end, out)
    except OSError as exc:
        raise UserError(
            _("Cannot write {file}: {reason}").format(file=str(out), reason=os_reason(exc.errno, writing=True))
        ) from exc
    print(out)
    print(
        _("{name}: {hours} hours from {start} to {end}.").format(
            name=found.volunteer_name,
            hours=certificate.hm(found.total.total),
            start=certificate.german_date(start),
            end=certificate.german_date(end),
        ),
        file=sys.stderr,
    )
    return cli.EXIT_OK


HOURS_COMMANDS: dict[str, Command] = {"volunteers": _cmd_volunteers, "certificate": _cmd_certificate}


# --- statistics ------------------------------------------------------------------------------------------
def stats_parsers(sub: Any) -> None:
    """begleiter-cli stats."""


STATS_COMMANDS: dict[str, Command] = {}


# --- joined ----------------------------------------------------------------------------------------------
def parsers(sub: Any) -> None:
    needs_parsers(sub)
    directory_parsers(sub)
    hours_parsers(sub)
    stats_parsers(sub)


COMMANDS: dict[str, Command] = {**NEEDS_COMMANDS, **DIRECTORY_COMMANDS, **HOURS_COMMANDS, **STATS_COMMANDS}
