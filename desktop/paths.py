"""The only module that knows where files live."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

ENV_HOME = "BEGLEITER_HOME"
_override: Path | None = None


def bundle_root() -> Path:
    """Folder holding resources/ and translations/: the PyInstaller bundle when frozen, else the source tree."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """Read-only application resources (fonts, data tables, templates)."""
    return bundle_root() / "resources"


def translations_dir() -> Path:
    """gettext catalogs: translations/<lang>/LC_MESSAGES/desktop.{po,mo}."""
    return bundle_root() / "translations"


def set_profile_dir(path: str | os.PathLike[str] | None) -> None:
    """Override the profile folder (``--data-dir``); None returns to the environment/default."""
    global _override
    _override = Path(path).expanduser().resolve() if path else None


def profile_dir() -> Path:
    """The profile folder: --data-dir, else $BEGLEITER_HOME, else the platform's user data folder."""
    if _override is not None:
        return _override
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser().resolve()
    # Windows: %LOCALAPPDATA%, not the roaming %APPDATA% that domain machines copy to a server at logoff
    # (the same folder elsewhere). No migration from the roaming folder: there were no Windows users yet.
    return Path(platformdirs.user_data_dir("Begleiter", appauthor=False, roaming=False))


def database_path(profile: Path | None = None) -> Path:
    return (profile or profile_dir()) / "begleiter.db"


def profile_meta_path(profile: Path | None = None) -> Path:
    """Plain JSON with no personal data: format version and key-derivation settings."""
    return (profile or profile_dir()) / "profile.json"


def logs_dir(profile: Path | None = None) -> Path:
    return (profile or profile_dir()) / "logs"


def backups_dir(profile: Path | None = None) -> Path:
    return (profile or profile_dir()) / "backups"


def cache_dir(profile: Path | None = None) -> Path:
    return (profile or profile_dir()) / "cache"


def crash_file(profile: Path | None = None) -> Path:
    """faulthandler writes here; the next start reports what it finds."""
    return logs_dir(profile) / "crash.txt"


def templates_dir(profile: Path | None = None) -> Path:
    """An organisation's own form templates."""
    return (profile or profile_dir()) / "templates"
