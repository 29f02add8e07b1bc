"""Logging to a rotating file inside the profile, and crash reports that carry no personal data.

Log lines are written by developers' code and never contain names, dates of birth or other values a
user entered. Exception messages can quote such values, so crash reports keep the exception type and
the stack (files, lines, functions) and leave the message out.
"""

from __future__ import annotations

import faulthandler
import hashlib
import logging
import logging.handlers
import os
import re
import traceback
from pathlib import Path
from types import TracebackType
from typing import IO

from desktop import paths
from desktop.core.atomic import atomic_write_text

LOG_NAME = "begleiter.log"
_crash_fp: IO[str] | None = None


class _NoMessageFormatter(logging.Formatter):
    """Formats exception info as type + stack only (exception messages may quote user data)."""

    def formatException(self, ei):
        exc_type, exc, tb = ei
        return safe_traceback(exc_type, exc, tb)

    def format(self, record: logging.LogRecord) -> str:
        # Another handler may have cached the full traceback (with the message) on the record.
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached


def setup_logging(profile: Path, level: int = logging.INFO) -> Path:
    """Send log records to ``logs/begleiter.log`` in the profile (5 files of 1 MiB)."""
    folder = paths.logs_dir(profile)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    log_file = folder / LOG_NAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_begleiter", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=1 << 20, backupCount=4, encoding="utf-8")
    if os.name == "posix":  # the entry points' umask covers rotated files; this one may predate it
        log_file.chmod(0o600)
    handler.setFormatter(_NoMessageFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._begleiter = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return log_file


def active_log_file() -> Path | None:
    """The profile log records go to now, or None (before a profile exists)."""
    for handler in logging.getLogger().handlers:
        if getattr(handler, "_begleiter", False):
            return Path(handler.baseFilename)  # type: ignore[attr-defined]
    return None


def safe_traceback(exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> str:
    """The stack and exception type, without the exception message."""
    frames = traceback.extract_tb(tb)
    lines = ["Traceback (most recent call last):"]
    for frame in frames:
        lines.append(f'  File "{_short(frame.filename)}", line {frame.lineno}, in {frame.name}')
    lines.append(f"{exc_type.__module__}.{exc_type.__qualname__}" if exc_type else "unknown exception")
    return "\n".join(lines)


def _short(filename: str) -> str:
    """Paths relative to the package, so a user's home folder name does not end up in a report."""
    parts = Path(filename).parts
    for anchor in ("desktop", "site-packages"):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor) :])
    return Path(filename).name


def traceback_id(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """A short fingerprint of where an exception came from, to show one dialog per distinct crash."""
    key = "|".join(f"{_short(f.filename)}:{f.lineno}" for f in traceback.extract_tb(tb))
    return hashlib.sha256(f"{exc_type.__qualname__}|{key}".encode()).hexdigest()[:12]


def enable_crash_file(profile: Path) -> None:
    """Let faulthandler write hard crashes (segfaults, aborts) to logs/crash.txt in the profile."""
    global _crash_fp
    crash = paths.crash_file(profile)
    crash.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if _crash_fp is not None:
        _crash_fp.close()
    _crash_fp = crash.open("a", encoding="utf-8")
    if os.name == "posix":
        crash.chmod(0o600)
    faulthandler.enable(_crash_fp, all_threads=True)


#: A frame in faulthandler's output: ``  File "/home/<user>/…/desktop/app.py", line 12 in main``.
_FAULT_FRAME = re.compile(r'(?m)^(\s*File ")([^"\n]*)(")')


def shorten_crash_paths(text: str) -> str:
    """faulthandler's report with the file paths cut as in safe_traceback (a home folder can carry a name)."""
    return _FAULT_FRAME.sub(lambda m: f"{m[1]}{_short(m[2])}{m[3]}", text)


def take_crash_report(profile: Path) -> str | None:
    """The report of a crash in the previous run, if there was one, its paths shortened; it is kept as
    crash-previous.txt (shortened too) and crash.txt is removed."""
    crash = paths.crash_file(profile)
    try:
        text = crash.read_text(encoding="utf-8", errors="replace").strip()
    except FileNotFoundError:
        return None
    if not text:
        return None
    text = shorten_crash_paths(text)
    atomic_write_text(crash.with_name("crash-previous.txt"), text + "\n")
    crash.unlink(missing_ok=True)
    return text
