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


DIRECTORY_COMMANDS: dict[str, Command] = {}


# --- volunteers' hours and certificates --------------------------------------------------------------------
def hours_parsers(sub: Any) -> None:
    """begleiter-cli volunteers / certificate."""


HOURS_COMMANDS: dict[str, Command] = {}


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
