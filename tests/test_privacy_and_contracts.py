"""No personal data outside the encrypted database; the core stays free of Qt."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from desktop.core import demo, logs, people
from desktop.core.store import db as store_db
from desktop.core.store.models import Person

ROOT = Path(__file__).resolve().parent.parent


def test_no_personal_data_in_any_plaintext_file_of_the_profile(store: store_db.Store, profile_dir: Path) -> None:
    demo.generate(40, seed=9)
    person = people.create_person({"family_name_cyr": "Щербак", "given_name_cyr": "Ївга", "phone": "+49 341 998877"})
    people.update_person(person.id, {"email": "ivga@example.org"})
    log = logging.getLogger("desktop.test")
    try:
        raise ValueError(f"cannot parse {person.family_name}")
    except ValueError:
        log.exception("while saving")  # even exception messages are kept out of the log
    store_db.checkpoint()
    store_db.close_store()
    secrets_ = {"Shcherbak", "Щербак", "Ївга", "998877", "ivga@example.org"}
    store2 = store_db.open_store(profile_dir, "correct horse battery staple")
    secrets_ |= {p.family_name for p in Person.select()} | {p.family_name_cyr for p in Person.select()}
    store2.db.close()
    store_db.close_store()
    for path in profile_dir.rglob("*"):
        if not path.is_file() or path.name.startswith("begleiter.db"):
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        leaked = [s for s in secrets_ if s and s in text]
        assert leaked == [], (path.name, leaked)
    assert "ValueError" in (profile_dir / "logs" / "begleiter.log").read_text()


def test_safe_traceback_keeps_type_and_place_but_not_message() -> None:
    try:
        raise KeyError("Olena Kovalenko")
    except KeyError as exc:
        text = logs.safe_traceback(type(exc), exc, exc.__traceback__)
    assert "KeyError" in text and "test_privacy_and_contracts.py" in text and "Olena" not in text


def test_core_imports_no_qt_contract() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout and "BROKEN" not in result.stdout


def test_core_runs_without_qt_loaded() -> None:
    code = (
        "import sys; import desktop.cli, desktop.core.demo, desktop.core.store.integrity; "
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt imported'"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_gui_smoke_test_runs(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", "from desktop.__main__ import gui_entry; raise SystemExit(gui_entry())", "--smoke-test"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "smoke test passed" in result.stdout


def test_gui_smoke_test_on_an_existing_profile(tmp_path: Path) -> None:
    import os

    from tests.conftest import PASSPHRASE

    folder = tmp_path / "profile"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "BEGLEITER_PASSPHRASE": PASSPHRASE}
    run = [sys.executable, "-c", "from desktop.__main__ import gui_entry; raise SystemExit(gui_entry())"]
    cli = [sys.executable, "-c", "from desktop.__main__ import cli_entry; raise SystemExit(cli_entry())"]
    subprocess.run([*cli, "--data-dir", str(folder), "init", "--language", "de"], env=env, check=True)
    subprocess.run([*cli, "--data-dir", str(folder), "demo", "--people", "250"], env=env, check=True)
    ok = subprocess.run(
        [*run, "--smoke-test", "--data-dir", str(folder)], capture_output=True, text=True, env=env, timeout=120
    )
    assert ok.returncode == 0, ok.stderr
    assert "250 people" in ok.stdout
    env.pop("BEGLEITER_PASSPHRASE")
    missing = subprocess.run(
        [*run, "--smoke-test", "--data-dir", str(folder)], capture_output=True, text=True, env=env, timeout=120
    )
    assert missing.returncode == 2 and "BEGLEITER_PASSPHRASE" in missing.stderr
