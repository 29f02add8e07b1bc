"""Errors a user may see; their message is already in the user's language."""

from __future__ import annotations

import errno
from collections.abc import Mapping

from desktop.i18n import _


class UserError(Exception):
    """An expected failure with a translated, one-line message for the user."""


class WrongPassphrase(UserError):
    """The passphrase does not open the profile."""


class ProfileMissing(UserError):
    """There is no profile in the folder."""


class ProfileExists(UserError):
    """A profile already exists where a new one was to be created."""


class ProfileDamaged(UserError):
    """The database failed a check (page authentication, structure, size); nothing is written to it.

    ``reason`` is one of store.meta.DAMAGE_REASONS; ``key_material`` (key, salt) is set when the
    passphrase was right, so a caller can look for a good backup under the same key.
    """

    def __init__(self, message: str, reason: str, key_material: tuple[bytes, bytes] | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.key_material = key_material


class ProfileBusy(UserError):
    """Another program kept the profile's write lock for longer than a user waits."""


class ValidationError(UserError):
    """A value a user entered does not fit; ``field`` names it where known."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def refuse_first(errors: Mapping[str, str]) -> None:
    """Raise the first problem of a ``validate()`` result (field -> message) as a ValidationError naming its
    field; nothing when there is none."""
    for field, message in errors.items():
        raise ValidationError(message, field)


def os_reason(code: int | None, *, writing: bool = False) -> str:
    """Why a file could not be read or written, in the user's words (never the system's English ``strerror``)."""
    if code == errno.EISDIR:
        return _("it is a folder, not a file")
    if code in (errno.EACCES, errno.EPERM):
        return _("permission denied")
    if writing:
        return _("the disk is full") if code == errno.ENOSPC else _("the file cannot be written there")
    if code in (errno.ENOENT, errno.ENOTDIR):
        return _("the file does not exist")
    return _("the file cannot be read")
