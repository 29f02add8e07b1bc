"""Opening a file the user names (a spreadsheet to import, a blank PDF, a passphrase file) with limits.

Only a regular file is read, after symbolic links are followed: a folder, a named pipe (FIFO), a device such
as /dev/zero or a socket is refused before anything is read (opening does not wait for a pipe's writer). A
file above its stated size is refused before it is read, and reading stops at that size even if the file
grows meanwhile. Messages name the file and the limit, in the user's language.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from desktop.core.errors import UserError, os_reason
from desktop.i18n import _, fmt_number

#: The largest passphrase file that is read (a passphrase is a line of text, not a document).
PASSPHRASE_FILE_BYTES = 4 * 1024
#: The largest blank official form (PDF) that is read.
BLANK_PDF_BYTES = 20 * 1024 * 1024


class InputRefused(UserError):
    """A file that is not read: not a regular file, too large, or not readable; the message says which."""


def size_text(size: int) -> str:
    """A size limit as a user reads it: '50 MB', '4 KB'."""
    if size >= 1024 * 1024:
        return _("{size} MB").format(size=fmt_number(size // (1024 * 1024)))
    return _("{size} KB").format(size=fmt_number(max(1, size // 1024)))


def open_input(path: str | Path, limit: int) -> BinaryIO:
    """``path`` opened for reading in binary, when it is a regular file of at most ``limit`` bytes."""
    path = Path(path)
    nonblocking = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO for reading would wait for a writer
    flags = os.O_RDONLY | nonblocking | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputRefused(
            _("The file {name} cannot be opened: {reason}").format(name=path.name, reason=os_reason(exc.errno))
        ) from None
    try:
        info = os.fstat(fd)  # of what was opened: no window between a check and the open
        if not stat.S_ISREG(info.st_mode):
            if stat.S_ISDIR(info.st_mode):
                reason = _("it is a folder, not a file")
            else:
                reason = _("it is not an ordinary file (a device, a pipe or a socket)")
            raise InputRefused(_("The file {name} cannot be opened: {reason}").format(name=path.name, reason=reason))
        if info.st_size > limit:
            raise InputRefused(
                _("The file {name} is too large: at most {limit} can be read.").format(
                    name=path.name, limit=size_text(limit)
                )
            )
        if nonblocking:
            os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    return handle


def read_input(path: str | Path, limit: int) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes (see :func:`open_input`)."""
    with open_input(path, limit) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise InputRefused(
                _("The file {name} cannot be read: {reason}").format(name=Path(path).name, reason=os_reason(exc.errno))
            ) from None
    if len(data) > limit:  # it grew after it was opened
        raise InputRefused(
            _("The file {name} is too large: at most {limit} can be read.").format(
                name=Path(path).name, limit=size_text(limit)
            )
        )
    return data


def read_passphrase_file(path: str | Path) -> str:
    """The passphrase in a text file: its text without the line break at its end (UTF-8, at most 4 KB).

    A file with NUL bytes, control characters or bytes that are not UTF-8 text is refused: it is no
    passphrase file (a key file, an image, a wrong path), and taking its bytes would give a passphrase no one
    can type.
    """
    name = Path(path).name
    data = read_input(path, PASSPHRASE_FILE_BYTES)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        text = text.rstrip("\r\n")
    if text is None or any((ord(ch) < 0x20 and ch != "\t") or ch == "\x7f" for ch in text):
        raise InputRefused(
            _(
                "The passphrase file {name} does not hold a line of text (UTF-8): it is binary or holds control "
                "characters."
            ).format(name=name)
        )
    return text
