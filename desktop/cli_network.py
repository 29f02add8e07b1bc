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
