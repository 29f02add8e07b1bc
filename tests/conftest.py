"""Shared fixtures: a fresh profile per test (cheap key derivation), offscreen Qt, English by default."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Test profiles derive their key cheaply (TEST_KDF); outside the tests such a profile is refused.
os.environ["BEGLEITER_TEST_WEAK_KDF"] = "1"

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop import i18n, paths
from desktop.core import profile
from desktop.core.store import db as store_db

#: Fixtures shared by the tests that walk every dialog (``records``).
pytest_plugins = ["tests.dialogs"]

#: Test profiles only: the real floor is store_db.DEFAULT_KDF_ITERATIONS.
TEST_KDF = 2_000
PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _isolation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.delenv("BEGLEITER_PASSPHRASE", raising=False)
    monkeypatch.delenv(paths.ENV_HOME, raising=False)
    i18n.set_language("en")
    yield
    worker = sys.modules.get("desktop.ui.worker")
    if worker is not None:
        worker.wait_all()  # background jobs end before their profile is closed
    store_db.close_store()
    paths.set_profile_dir(None)
    i18n.set_language("en")


@pytest.fixture
def profile_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "profile"
    paths.set_profile_dir(folder)
    return folder


@pytest.fixture
def store(profile_dir: Path) -> store_db.Store:
    """An open, empty profile with one volunteer."""
    return profile.create(
        profile_dir,
        PASSPHRASE,
        language="en",
        device_name="test-laptop",
        volunteer_name="Test Volunteer",
        kdf_iterations=TEST_KDF,
    )


@pytest.fixture(autouse=True)
def _no_blocking_message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """A modal message box would wait forever offscreen: every one is recorded and answered at once
    (Discard when asked about unsaved edits, else Cancel/Ok). Tests that care patch their own answer."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[str, str]] = []

    def static(kind: str, answer: QMessageBox.StandardButton):
        def box(*args, **kwargs):
            shown.append((kind, str(args[1]) if len(args) > 1 else ""))
            return answer

        return staticmethod(box)

    monkeypatch.setattr(QMessageBox, "question", static("question", QMessageBox.StandardButton.Discard))
    monkeypatch.setattr(QMessageBox, "warning", static("warning", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "information", static("information", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "critical", static("critical", QMessageBox.StandardButton.Ok))

    def exec_box(self: QMessageBox) -> int:
        shown.append(("exec", self.text()))
        discard = self.button(QMessageBox.StandardButton.Discard)
        return QMessageBox.StandardButton.Discard if discard is not None else 0

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    return shown


def uncounted(path: Path) -> bytes:
    """A file's bytes; profile.json without the count of wrong passphrases (kept there for the audit log
    until the next unlock), which is all a wrong passphrase may change."""
    data = path.read_bytes()
    if path.name != "profile.json":
        return data
    import json

    settings = json.loads(data)
    settings.pop("failed_unlocks", None)
    return json.dumps(settings, sort_keys=True).encode()
