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


STATS_COMMANDS: dict[str, Command] = {}


# --- joined ----------------------------------------------------------------------------------------------
def parsers(sub: Any) -> None:
    needs_parsers(sub)
    directory_parsers(sub)
    hours_parsers(sub)
    stats_parsers(sub)


COMMANDS: dict[str, Command] = {**NEEDS_COMMANDS, **DIRECTORY_COMMANDS, **HOURS_COMMANDS, **STATS_COMMANDS}
