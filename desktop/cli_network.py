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
    ne = sub.add_parser("needs", help="needs and offers (Suche/Biete) with their category, status and place")
    ne.add_argument("--json", action="store_true")
    ma = sub.add_parser(
        "matches", help="what may meet a need: directory entries of its category first, then ranked offers"
    )
    ma.add_argument("need", metavar="NEED_ID", help="the need's id or its short reference")
    ma.add_argument("--json", action="store_true")
    te = sub.add_parser("telegram", help="the bilingual post (German, Ukrainian) of a need or offer, no personal data")
    te.add_argument("need", metavar="NEED_ID", help="the id or short reference of a need or an offer")


def _need_record(text: str, *, need_only: bool = False) -> Any:
    """The need or offer of an id or short reference; None, said on stderr, when there is none (or, with
    ``need_only``, when it is an offer)."""
    import sys

    from desktop.core.network import telegram
    from desktop.i18n import _

    record = telegram.find_by_reference(text)
    if record is None:
        print("begleiter-cli: " + _("There is no such need or offer: {id}.").format(id=text), file=sys.stderr)
    elif need_only and record.kind != "need":
        print("begleiter-cli: " + _("This is an offer, not a need: {id}.").format(id=record.id), file=sys.stderr)
        return None
    return record


def _cmd_needs(args: argparse.Namespace) -> int:
    import json

    from desktop import cli
    from desktop.core.network import needs
    from desktop.i18n import _

    cli._open(args)
    rows: list[needs.NeedRow] = []
    page = needs.page_needs(show="all")
    while page:
        rows += page
        page = needs.page_needs(needs.sort_key(page[-1]), show="all")
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False))
        return cli.EXIT_OK
    for r in rows:
        place = f"  {r.place}" if r.place else ""
        title = f"  {r.title}" if r.title else ""
        print(
            f"{r.id}  {needs.kind_label(r.kind)}  {needs.category_label(r.category)}"
            f"  [{needs.status_label(r.status)}]{place}{title}"
        )
    if not rows:
        print(_("No need or offer is on record."))
    return cli.EXIT_OK


def _cmd_matches(args: argparse.Namespace) -> int:
    import json

    from desktop import cli
    from desktop.core.network import matching, needs
    from desktop.i18n import _

    cli._open(args)
    record = _need_record(args.need, need_only=True)
    if record is None:
        return cli.EXIT_PROBLEMS
    directory = matching.directory_first(record.id)
    offers = matching.suggestions(record.id)
    if args.json:
        print(
            json.dumps(
                {
                    "need": record.id,
                    "directory": [h.as_json() for h in directory],
                    "offers": [s.as_json() for s in offers],
                },
                ensure_ascii=False,
            )
        )
        return cli.EXIT_OK
    print(_("Does this exist already?"))
    for h in directory:
        place = needs.place_text(h.town, h.district)
        print(f"  {h.id}  {h.name}" + (f"  ({place})" if place else ""))
    if not directory:
        print("  " + _("No office or initiative of the directory offers this."))
    print(_("Suggested offers:"))
    for s in offers:
        label = s.title or needs.category_label(s.category)
        why = f"  – {s.why}" if s.why else ""
        print(f"  {s.id}  {label}  [{needs.status_label(s.status)}]{why}")
    if not offers:
        print("  " + _("No open offer of this category."))
    return cli.EXIT_OK


def _cmd_telegram(args: argparse.Namespace) -> int:
    from desktop import cli
    from desktop.core.network import telegram

    cli._open(args)
    record = _need_record(args.need)
    if record is None:
        return cli.EXIT_PROBLEMS
    print(telegram.post(record.id), end="")
    return cli.EXIT_OK


NEEDS_COMMANDS: dict[str, Command] = {"needs": _cmd_needs, "matches": _cmd_matches, "telegram": _cmd_telegram}


# --- the directory -----------------------------------------------------------------------------------------
def directory_parsers(sub: Any) -> None:
    """begleiter-cli directory."""
    di = sub.add_parser(
        "directory", help="the directory: offices, initiatives and associations, contact persons (by name)"
    )
    di.add_argument("--json", action="store_true")
    di.add_argument("--kind", choices=("office", "initiative", "contact"), help="only entries of this kind")
    di.add_argument("--town", metavar="T", help="only entries in this town (any case)")


def _directory_json(entry: Any) -> dict[str, Any]:
    from desktop.core.network.labels import keys_of

    return {
        "id": entry.id,
        "kind": entry.kind,
        "key": entry.key,
        "name": entry.name,
        "town": entry.town,
        "district": entry.district,
        "street": entry.street,
        "postcode": entry.postcode,
        "phone": entry.phone,
        "email": entry.email,
        "website": entry.website,
        "hours": entry.hours,
        "authority": entry.authority,
        "categories": keys_of(entry.categories),
        "offers": entry.offers,
        "role": entry.role,
        "engagement": entry.engagement,
        "organisation": entry.organisation_id,
        "organisation_name": entry.organisation_name,
        "source": entry.source,
        "checked": entry.checked,
    }


def _directory_line(entry: Any) -> str:
    from desktop.core import cases
    from desktop.core.network import directory
    from desktop.core.network.labels import DIRECTORY_KIND_LABELS, ENGAGEMENT_LABELS, label
    from desktop.i18n import _

    place = " ".join(x for x in (entry.postcode, entry.town) if x)
    address = ", ".join(x for x in (entry.street, place, entry.district) if x)
    if entry.kind == "office":
        what = cases.authority_label(entry.authority) if entry.authority else ""
    elif entry.kind == "initiative":
        what = directory.category_text(entry.categories)
    else:
        engagement = label(ENGAGEMENT_LABELS, entry.engagement) if entry.engagement else ""
        what = ", ".join(x for x in (entry.role, entry.organisation_name, engagement) if x)
    parts = [entry.id, label(DIRECTORY_KIND_LABELS, entry.kind), entry.name, what, address, entry.phone, entry.email]
    line = "  ".join(x for x in parts if x)
    if entry.hours:
        line += "\n    " + entry.hours
    if entry.source:
        line += "\n    " + _("Source: {source}").format(source=entry.source)
    return line


def _cmd_directory(args: argparse.Namespace) -> int:
    import json

    from desktop import cli
    from desktop.core.network import directory
    from desktop.i18n import _

    cli._open(args)
    rows = directory.entries(kind=args.kind, town=args.town)
    if args.json:
        print(json.dumps([_directory_json(e) for e in rows], ensure_ascii=False))
        return cli.EXIT_OK
    for entry in rows:
        print(_directory_line(entry))
    if not rows:
        print(_("The directory has no entry that fits."))
    return cli.EXIT_OK


DIRECTORY_COMMANDS: dict[str, Command] = {"directory": _cmd_directory}


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

    from desktop import cli, i18n
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
            start=i18n.fmt_date_german(start),
            end=i18n.fmt_date_german(end),
        ),
        file=sys.stderr,
    )
    return cli.EXIT_OK


HOURS_COMMANDS: dict[str, Command] = {"volunteers": _cmd_volunteers, "certificate": _cmd_certificate}


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
