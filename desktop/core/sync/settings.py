"""The exchange settings of a profile, kept in its encrypted database (never in a plain settings file):
the team's name, the team passphrase when the user chose to keep it on this laptop, the sync folder, the
folder of the last export (a folder's path can hold a client's name)."""

from __future__ import annotations

from pathlib import Path

from desktop.core.store import db as store_db

_TEAM = "exchange_team"
_PASSPHRASE = "exchange_passphrase"
_FOLDER = "exchange_sync_folder"
_EXPORT_FOLDER = "exchange_export_folder"


def _set(key: str, value: str) -> None:
    store = store_db.current()
    with store.db.atomic("IMMEDIATE"):
        if value:
            store.set_setting(key, value)
        else:
            store.db.execute_sql("DELETE FROM setting WHERE key = ?", (key,))


def team_name() -> str:
    return store_db.current().get_setting(_TEAM, "")


def set_team_name(name: str) -> None:
    _set(_TEAM, name.strip()[:200])


def team_passphrase() -> str:
    """The team passphrase kept on this laptop ('' when it is asked each time)."""
    return store_db.current().get_setting(_PASSPHRASE, "")


def keep_team_passphrase(passphrase: str | None) -> None:
    """Keep the team passphrase in the encrypted profile, or forget it (None or '')."""
    _set(_PASSPHRASE, passphrase or "")


def sync_folder() -> Path | None:
    value = store_db.current().get_setting(_FOLDER, "")
    return Path(value) if value else None


def set_sync_folder(folder: Path | None) -> None:
    _set(_FOLDER, str(folder) if folder else "")


def export_folder() -> Path | None:
    """The folder or stick the last bundle was exported to, proposed for the next export."""
    value = store_db.current().get_setting(_EXPORT_FOLDER, "")
    return Path(value) if value else None


def set_export_folder(folder: Path | None) -> None:
    _set(_EXPORT_FOLDER, str(folder) if folder else "")
