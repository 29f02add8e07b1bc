"""Portable mode: portable.txt beside the program keeps the profile and Qt's settings beside it, and nothing
is written into the laptop's user folders (the app on a USB stick, used on different laptops)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import paths
from tests.conftest import PASSPHRASE


def _run(entry: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    code = f"from desktop.__main__ import {entry}; raise SystemExit({entry}())"
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_portable_mode_keeps_everything_beside_the_program_and_the_home_folder_untouched(tmp_path: Path) -> None:
    app, home = tmp_path / "stick" / "Begleiter", tmp_path / "home"
    app.mkdir(parents=True)
    home.mkdir()
    (app / paths.PORTABLE_MARK).write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "BEGLEITER_"))}
    env.update(
        HOME=str(home),
        BEGLEITER_APP_DIR=str(app),
        BEGLEITER_PASSPHRASE=PASSPHRASE,
        BEGLEITER_TEST_WEAK_KDF="1",
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(Path(__file__).resolve().parent.parent),
        PYTHONDONTWRITEBYTECODE="1",
    )
    made = _run("cli_entry", env, "init", "--language", "uk", "--volunteer", "Olena")
    assert made.returncode == 0, made.stderr
    assert _run("cli_entry", env, "demo", "--people", "20", "--seed", "1").returncode == 0
    started = _run("gui_entry", env, "--smoke-test")
    assert started.returncode == 0, started.stderr
    data = app / paths.PORTABLE_DATA
    assert (data / "profile" / "begleiter.db").is_file()
    assert (data / "profile" / "profile.json").is_file()
    assert _files(home) == []  # not a settings file, cache or log in the laptop's user folders
    # Qt's own settings (the file dialogs' history) go beside the program too.
    code = (
        "import sys; from desktop.app import create_application; create_application(sys.argv[:1]); "
        "from PySide6.QtCore import QSettings; print(QSettings(QSettings.Scope.UserScope, 'QtProject').fileName())"
    )
    where = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert Path(where.stdout.strip()).is_relative_to(data / "settings"), where.stdout + where.stderr


def test_without_the_mark_the_profile_lives_in_the_user_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    monkeypatch.delenv(paths.ENV_HOME, raising=False)
    monkeypatch.setenv(paths.ENV_APP_DIR, str(stick))
    paths.set_profile_dir(None)
    assert paths.portable_dir() is None and paths.settings_dir() is None
    assert stick not in paths.profile_dir().parents
    (stick / paths.PORTABLE_MARK).write_text("", encoding="utf-8")
    assert paths.profile_dir() == stick / paths.PORTABLE_DATA / "profile"
    assert paths.settings_dir() == stick / paths.PORTABLE_DATA / "settings"


@pytest.mark.parametrize(
    ("platform", "executable", "folder"),
    [
        ("linux", "stick/Begleiter-0.1.0/begleiter", "stick/Begleiter-0.1.0"),
        ("win32", "stick/Begleiter-0.1.0/begleiter.exe", "stick/Begleiter-0.1.0"),
        # The README tells a Mac's volunteer to put portable.txt beside Begleiter.app, not inside it.
        ("darwin", "stick/Begleiter-0.1.0/Begleiter.app/Contents/MacOS/begleiter", "stick/Begleiter-0.1.0"),
        ("darwin", "stick/tools/Contents/MacOS/begleiter", "stick/tools/Contents/MacOS"),
    ],
)
def test_the_frozen_programs_folder_is_where_the_volunteer_sees_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str, executable: str, folder: str
) -> None:
    (tmp_path / executable).parent.mkdir(parents=True)
    (tmp_path / executable).write_bytes(b"")
    monkeypatch.delenv(paths.ENV_APP_DIR, raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / executable))
    monkeypatch.setattr(sys, "platform", platform)
    assert paths.app_dir() == (tmp_path / folder).resolve()
