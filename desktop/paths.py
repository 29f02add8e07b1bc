"""The only module that knows where files live."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

ENV_HOME = "BEGLEITER_HOME"
#: Where portable.txt is looked for instead of beside the program (a launcher that starts it from elsewhere).
ENV_APP_DIR = "BEGLEITER_APP_DIR"
#: A file of this name beside the program makes it portable: profile and settings live beside it.
PORTABLE_MARK = "portable.txt"
#: The folder beside the program that holds a portable installation's data.
PORTABLE_DATA = "Begleiter-Daten"
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


def app_dir() -> Path:
    """The folder of the program: the executable's when frozen (on macOS the one holding Begleiter.app), else
    the source tree (or $BEGLEITER_APP_DIR)."""
    env = os.environ.get(ENV_APP_DIR)
    if env:
        return Path(env).expanduser().resolve()
    if getattr(sys, "frozen", False):
        folder = Path(sys.executable).resolve().parent
        # macOS runs Begleiter.app/Contents/MacOS/begleiter; what the volunteer sees is Begleiter.app.
        if (
            sys.platform == "darwin"
            and folder.parts[-2:] == ("Contents", "MacOS")
            and folder.parent.parent.suffix == ".app"
        ):
            return folder.parent.parent.parent
        return folder
    return bundle_root()


def portable_dir() -> Path | None:
    """The data folder of a portable installation (portable.txt beside the program), else None: the app and
    its encrypted profile live on a USB stick and write nothing into the laptop's user folders."""
    folder = app_dir()
    return folder / PORTABLE_DATA if (folder / PORTABLE_MARK).is_file() else None


def settings_dir() -> Path | None:
    """Where Qt keeps its settings in portable mode (None: Qt's usual place)."""
    portable = portable_dir()
    return portable / "settings" if portable else None


def set_profile_dir(path: str | os.PathLike[str] | None) -> None:
    """Override the profile folder (``--data-dir``); None returns to the environment/default."""
    global _override
    _override = Path(path).expanduser().resolve() if path else None


def profile_dir() -> Path:
    """The profile folder: --data-dir, else $BEGLEITER_HOME, else beside the program in portable mode, else
    the platform's user data folder."""
    if _override is not None:
        return _override
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser().resolve()
    portable = portable_dir()
    if portable is not None:
        return portable / "profile"
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
