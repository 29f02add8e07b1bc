"""The start of the GUI: ``begleiter --measure-start`` (the start-up benchmark's figures from the app itself)
and Today read early and in two steps (the first lines before the window is shown, the rest after)."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

from desktop.core import dashboard, demo
from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parent.parent


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_measure_start_prints_one_json_line_with_the_start_up_figures(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEGLEITER_")}
    env.update(
        BEGLEITER_PASSPHRASE=PASSPHRASE,
        BEGLEITER_TEST_WEAK_KDF="1",
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(ROOT),
        HOME=str(tmp_path),
    )
    profile = tmp_path / "profile"
    assert _run(env, "cli", "--data-dir", str(profile), "init").returncode == 0
    assert _run(env, "cli", "--data-dir", str(profile), "demo", "--people", "12", "--seed", "1").returncode == 0
    started = _run(env, "--measure-start", "--data-dir", str(profile))
    assert started.returncode == 0, started.stderr
    lines = started.stdout.splitlines()
    assert len(lines) == 1, started.stdout
    figures = json.loads(lines[0])
    assert list(figures) == ["painted", "settled", "unlock", "kdf", "people"]
    assert figures["people"] == 12
    assert 0 < figures["kdf"] < figures["unlock"] < figures["painted"] <= figures["settled"] < 120
    # The start ran without the cyclic garbage collector; it collects again, start-up's objects frozen.
    # So does a command of begleiter-cli, once it is about to run.
    for entry, args in (
        ("gui_entry", ["--measure-start", "--data-dir", str(profile)]),
        ("cli_entry", ["--data-dir", str(profile), "search", "", "--limit", "1"]),
    ):
        program = (
            f"import gc; from desktop.__main__ import {entry}; code = {entry}({args!r}); "
            "print(gc.isenabled(), gc.get_freeze_count() > 10000, code)"
        )
        after = subprocess.run(
            [sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert after.stdout.splitlines()[-1] == "True True 0", (entry, after.stderr)
    # Without the passphrase it says how to give it, and opens nothing.
    del env["BEGLEITER_PASSPHRASE"]
    refused = _run(env, "--measure-start", "--data-dir", str(profile))
    assert refused.returncode == 2 and refused.stdout == ""
    assert "BEGLEITER_PASSPHRASE" in refused.stderr


def test_today_read_early_and_then_completed_is_today_read_at_once(store, monkeypatch) -> None:
    demo.generate(60, seed=3)
    monkeypatch.setattr(dashboard, "FIRST_LINES", 3)  # fewer than the demo has in some groups
    whole = dashboard.build()
    dashboard.start_early()
    first = dashboard.build(limit=dashboard.FIRST_LINES)
    assert first.limit == dashboard.FIRST_LINES and first.today == whole.today
    assert dataclasses.replace(first, limit=dashboard.LIMIT) == dataclasses.replace(
        whole,
        appointments=whole.appointments[: dashboard.FIRST_LINES],
        overdue=whole.overdue[: dashboard.FIRST_LINES],
        due=whole.due[: dashboard.FIRST_LINES],
        expiring=None,  # further down: read after the first paint
        consents=None,
    )
    assert dashboard.completed(first) == whole
    assert any(len(g) > dashboard.FIRST_LINES for g in (whole.appointments, whole.overdue, whole.due))
    assert not first.complete() and whole.complete()
    # The early result is taken once; another build reads again.
    assert dashboard.build(limit=dashboard.FIRST_LINES) == first


def _lines(view) -> list[list[str]]:  # type: ignore[no-untyped-def]
    tree = view.tree
    groups = (tree.topLevelItem(g) for g in range(tree.topLevelItemCount()))
    return [[g.text(0)] + [g.child(i).text(c) for i in range(g.childCount()) for c in range(4)] for g in groups]


def test_today_first_look_and_the_rest_after_it_show_what_reading_all_at_once_shows(qtbot, store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.dashboard_view import DashboardView

    demo.generate(60, seed=3)
    monkeypatch.setattr(dashboard, "FIRST_LINES", 3)
    whole = DashboardView()
    qtbot.addWidget(whole)
    first = DashboardView(first_look=True)
    qtbot.addWidget(first)
    qtbot.waitUntil(lambda: whole.retention is not None)
    assert first.retention is None and _lines(first) != _lines(whole)
    first.tree.setCurrentItem(first.tree.topLevelItem(1).child(1))  # the user went to a line meanwhile
    chosen = first.selected()
    first.complete()
    assert first.completing
    qtbot.waitUntil(lambda: not first.completing and first.retention is not None)
    assert _lines(first) == _lines(whole)
    assert first.selected() == chosen


def test_the_window_starts_as_wide_as_its_widest_area_and_the_edit_menu_builds_none(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    """Areas are built when first shown: started narrower than the widest, the window would jump wider then.
    Whatever the language, the start width holds every area (where the screen has room)."""
    from PySide6.QtCore import QRect

    from desktop.ui import main_window
    from desktop.ui.qt_i18n import apply_language

    demo.generate(20, seed=2)
    for language in ("de", "uk"):
        apply_language(language)
        window = main_window.MainWindow()
        qtbot.addWidget(window)
        window._update_edit_menu()  # the Edit menu about to show, on Today
        assert [area is None for area in window._areas] == [False, *[True] * (len(window._areas) - 1)]
        window.areas  # noqa: B018 - every area built
        assert window.minimumSizeHint().width() <= main_window.AREA_WIDTH, language

        class Screen:  # a laptop screen with room for it
            def availableGeometry(self) -> QRect:
                return QRect(0, 0, 1920, 1080)

        window.screen = Screen  # type: ignore[method-assign]
        window.resize(900, 600)
        window._restore_geometry()
        assert window.width() >= main_window.AREA_WIDTH
    apply_language("en")
