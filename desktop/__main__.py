"""Entry points: argument parsing only, then the GUI (desktop.app) or the CLI (desktop.cli).

Both first make every file the process creates private to the user (umask 077 on POSIX: the profile,
backups, logs, and files Qt writes such as a PDF printed to a file).
"""

from __future__ import annotations

import time

#: When the process reached Python's first line of the program (``--measure-start`` counts from here).
STARTED = time.perf_counter()

import argparse  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

from desktop import __version__  # noqa: E402
from desktop.startup import pause_collection  # noqa: E402


def parse_gui_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="begleiter", description="Begleiter – Супровід")
    parser.add_argument("--version", action="version", version=f"begleiter {__version__}")
    parser.add_argument(
        "--data-dir", metavar="DIR", help="profile folder (default: $BEGLEITER_HOME or the user data folder)"
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="start, unlock the profile (or a temporary one), show the main window and exit 0",
    )
    parser.add_argument(
        "--measure-start",
        action="store_true",
        help="unlock the profile (passphrase from BEGLEITER_PASSPHRASE), show the main window, print the "
        "start-up times as one JSON line and exit",
    )
    args, _qt_args = parser.parse_known_args(argv)
    args.started = STARTED
    return args


def gui_entry(argv: Sequence[str] | None = None) -> int:
    pause_collection()  # desktop.startup
    from desktop.core import storage

    storage.private_umask()
    storage.exit_on_termination()  # until desktop.app hands the signals to the Qt event loop
    args = parse_gui_args(sys.argv[1:] if argv is None else argv)
    from desktop import app

    return app.main(args)


def cli_entry(argv: Sequence[str] | None = None) -> int:
    pause_collection()  # desktop.startup
    from desktop.core import storage

    storage.private_umask()
    storage.exit_on_termination()  # SIGTERM/SIGHUP: SystemExit, so clean-up (temp files, database) runs
    from desktop import cli

    return cli.main(argv)


def _program_name() -> str:
    """The name the program was started as (the bundle's begleiter or begleiter-cli executable)."""
    started = sys.executable if getattr(sys, "frozen", False) else sys.argv[0]
    return Path(started).stem.lower()


if __name__ == "__main__":
    if _program_name() == "begleiter-cli":
        sys.exit(cli_entry(sys.argv[1:]))
    if len(sys.argv) > 1 and sys.argv[1] == "cli":
        sys.exit(cli_entry(sys.argv[2:]))
    sys.exit(gui_entry())
