"""Errors a user may see; their message is already in the user's language."""

from __future__ import annotations


class UserError(Exception):
    """An expected failure with a translated, one-line message for the user."""


class WrongPassphrase(UserError):
    """The passphrase does not open the profile."""


class ProfileMissing(UserError):
    """There is no profile in the folder."""


class ProfileExists(UserError):
    """A profile already exists where a new one was to be created."""


class ValidationError(UserError):
    """A value a user entered does not fit; ``field`` names it where known."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
