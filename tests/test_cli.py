"""begleiter-cli: the command-line contract other checks rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import __version__, cli
from desktop.core import people
from desktop.core.store import db as store_db
from tests.conftest import PASSPHRASE, uncounted

PYTHON = sys.executable


def run_cli(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The real console script in a child process, as a user or another program runs it."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [PYTHON, "-c", "from desktop.__main__ import cli_entry; raise SystemExit(cli_entry())", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=stdin,
        timeout=120,
    )


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "pass.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_init_demo_check_digest_in_child_processes(tmp_path: Path, passphrase_file: Path) -> None:
    folder = tmp_path / "p"
    common = ["--data-dir", str(folder), "--passphrase-file", str(passphrase_file)]
    result = run_cli(*common, "init", "--language", "de", "--volunteer", "Anna")
    assert result.returncode == 0, result.stderr
    meta = json.loads((folder / "profile.json").read_text())
    assert meta["kdf_iterations"] >= 256_000 and meta["language"] == "de"
    assert run_cli(*common, "demo", "--people", "40", "--seed", "1").returncode == 0
    check = run_cli(*common, "check")
    assert check.returncode == 0, check.stderr
    digest = run_cli(*common, "digest", "--json")
    assert digest.returncode == 0
    data = json.loads(digest.stdout)
    assert data["counts"]["person"] == 40
    assert set(data["counts"]) >= {"person", "household", "case", "appointment", "task", "note", "volunteer"}
    assert len(data["digest"]) == 64
    plain = run_cli(*common, "digest")
    assert plain.stdout.strip() == data["digest"]


def test_wrong_passphrase_exits_nonzero_with_one_line_and_touches_nothing(
    tmp_path: Path, passphrase_file: Path
) -> None:
    folder = tmp_path / "p"
    assert (
        run_cli(
            "--data-dir", str(folder), "--passphrase-file", str(passphrase_file), "init", "--language", "de"
        ).returncode
        == 0
    )
    before = {p: uncounted(p) for p in folder.rglob("*") if p.is_file()}
    mtimes = {p: p.stat().st_mtime_ns for p in before if p.name != "profile.json"}  # it counts wrong passphrases
    result = run_cli("--data-dir", str(folder), "digest", env={"BEGLEITER_PASSPHRASE": "falsch"})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "Passphrase" in lines[0] and "nicht" in lines[0]  # the profile's language: German
    assert {p: uncounted(p) for p in folder.rglob("*") if p.is_file()} == before
    assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes


def test_errors_are_one_line_in_the_profile_language(tmp_path: Path, passphrase_file: Path) -> None:
    folder = tmp_path / "p"
    run_cli("--data-dir", str(folder), "--passphrase-file", str(passphrase_file), "init", "--language", "uk")
    again = run_cli("--data-dir", str(folder), "--passphrase-file", str(passphrase_file), "init")
    assert again.returncode != 0
    assert len(again.stderr.strip().splitlines()) == 1
    assert "профіль" in again.stderr.lower()
    missing = run_cli("--data-dir", str(tmp_path / "none"), "check", env={"BEGLEITER_PASSPHRASE": "x"})
    assert missing.returncode != 0 and len(missing.stderr.strip().splitlines()) == 1
    no_pass = run_cli("--data-dir", str(folder), "check", stdin="")
    assert no_pass.returncode != 0 and "BEGLEITER_PASSPHRASE" in no_pass.stderr


def test_short_passphrase_is_refused(tmp_path: Path) -> None:
    result = run_cli("--data-dir", str(tmp_path / "p"), "init", env={"BEGLEITER_PASSPHRASE": "short"})
    assert result.returncode != 0
    assert not (tmp_path / "p" / "begleiter.db").exists()


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["no-such-command"])
    assert exc.value.code == 2


def test_check_reports_problems_with_exit_1(
    store: store_db.Store, profile_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    person = people.create_person({"family_name": "Moroz", "given_name": "Ivan"})
    with store_db.guard_open():
        store.db.execute_sql("UPDATE person SET phone = '123' WHERE id = ?", (person.id,))
    store_db.close_store()
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    assert cli.main(["--data-dir", str(profile_dir), "check"]) == 1
    err = capsys.readouterr().err
    assert "phone" in err and "Moroz" not in err


def test_digest_depends_only_on_travelling_state(
    store: store_db.Store, profile_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop.core.store import integrity

    person = people.create_person({"family_name": "Boiko", "given_name": "Olha"})
    first = integrity.digest()
    store.set_setting("device_name", "another name")  # local settings do not travel
    people.update_person(person.id, {"given_name": "Olha"})  # no real change
    assert integrity.digest() == first
    store_db.checkpoint()
    store_db.close_store()
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    assert cli.main(["--data-dir", str(profile_dir), "digest"]) == 0
    assert capsys.readouterr().out.strip() == first
    from desktop.core import profile

    profile.unlock(profile_dir, PASSPHRASE)
    people.update_person(person.id, {"given_name": "Olga"})
    assert integrity.digest() != first


def test_demo_data_is_realistic(store: store_db.Store) -> None:
    from desktop.core import demo
    from desktop.core.search.translit import has_cyrillic, kmu55
    from desktop.core.store.models import Appointment, Case, Person

    demo.generate(150, seed=11)
    persons = list(Person.select())
    assert all(has_cyrillic(p.family_name_cyr) and not has_cyrillic(p.family_name) for p in persons)
    assert all(p.given_name == kmu55(p.given_name_cyr) for p in persons)
    assert {p.city for p in persons} == {"Leipzig", "Dresden"}
    assert {c.authority for c in Case.select()} >= {"jobcenter", "auslaenderbehoerde"}
    import datetime as dt

    upcoming = [a for a in Appointment.select() if a.starts_at.date() >= dt.date.today()]
    assert upcoming and all(a.starts_at.weekday() < 5 for a in upcoming)


def test_an_unexpected_error_is_one_line_and_exit_4(
    store: store_db.Store, profile_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop.core.store import integrity

    def broken() -> str:
        raise RuntimeError("disk on fire near Kovalenko")

    store_db.close_store()
    monkeypatch.setattr(integrity, "digest", broken)
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    assert cli.main(["--data-dir", str(profile_dir), "digest"]) == cli.EXIT_ERROR
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "RuntimeError" in err[0] and "Kovalenko" not in err[0]
    assert "RuntimeError" in (profile_dir / "logs" / "begleiter.log").read_text()


def test_cli_refuses_a_weak_passphrase(tmp_path: Path) -> None:
    result = run_cli("--data-dir", str(tmp_path / "p"), "init", env={"BEGLEITER_PASSPHRASE": "password1"})
    assert result.returncode != 0 and not (tmp_path / "p" / "begleiter.db").exists()


def test_backup_command(tmp_path: Path, passphrase_file: Path) -> None:
    folder = tmp_path / "p"
    common = ["--data-dir", str(folder), "--passphrase-file", str(passphrase_file)]
    assert run_cli(*common, "init").returncode == 0
    result = run_cli(*common, "backup")
    assert result.returncode == 0
    assert len(list((folder / "backups").glob("begleiter-*.db"))) == 1


def test_deadline_and_permit_validity_need_no_profile(tmp_path: Path) -> None:
    env = {"BEGLEITER_HOME": str(tmp_path / "nowhere")}
    result = run_cli("deadline", "widerspruch", "--letter-date", "2026-11-13", "--json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["due"] == "2026-12-17" and data["notified"] == "2026-11-17" and data["explanation"]
    # Notified 18 Oct 2026: one month ends on Buß- und Bettag (18 Nov 2026), a holiday in Saxony only.
    saxony = json.loads(run_cli("deadline", "widerspruch", "--notified", "18.10.2026", "--json", env=env).stdout)
    berlin = json.loads(
        run_cli("deadline", "widerspruch", "--notified", "18.10.2026", "--state", "BE", "--json", env=env).stdout
    )
    assert (saxony["due"], berlin["due"]) == ("2026-11-19", "2026-11-18")
    permit = run_cli("permit-validity", "--printed-until", "2024-03-01", "--json", env=env)
    assert json.loads(permit.stdout)["effective_until"] == "2027-03-04"
    passport = run_cli("permit-validity", "--printed-until", "2024-03-01", "--kind", "passport", "--json", env=env)
    assert json.loads(passport.stdout)["effective_until"] == "2024-03-01"
    bad = run_cli("permit-validity", "--printed-until", "31.02.2024", env=env)
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "nowhere").exists()


def test_import_csv_and_edit_person(tmp_path: Path, passphrase_file: Path) -> None:
    folder = tmp_path / "p"
    common = ["--data-dir", str(folder), "--passphrase-file", str(passphrase_file)]
    assert run_cli(*common, "init").returncode == 0
    sheet = tmp_path / "people.csv"
    sheet.write_text(
        "Nachname;Vorname;Geburtsdatum;PLZ\nКоваленко;Олена;12.03.1985;04109\nBondarenko;Iryna;31.02.1979;01067\n",
        encoding="utf-8",
    )
    bad = run_cli(*common, "import-csv", str(sheet))
    assert bad.returncode != 0 and "3" in bad.stderr and "Geburtsdatum" in bad.stderr and "31" in bad.stderr
    digest = json.loads(run_cli(*common, "digest", "--json").stdout)
    assert digest["counts"]["person"] == 0  # all or nothing
    sheet.write_text(
        "Nachname;Vorname;Geburtsdatum;PLZ\nКоваленко;Олена;12.03.1985;04109\nBondarenko;Iryna;28.02.1979;01067\n",
        encoding="utf-8",
    )
    good = run_cli(*common, "import-csv", str(sheet))
    assert good.returncode == 0, good.stderr
    from desktop.core import profile

    profile.unlock(folder, PASSPHRASE)
    olena = next(p for p in people.page_people() if p.family_name_cyr == "Коваленко")
    assert olena.family_name == "Kovalenko"
    store_db.close_store()
    edit = run_cli(*common, "edit", "person", olena.id, "--set", "phone=+49 341 1234567", "--set", "city=Leipzig")
    assert edit.returncode == 0, edit.stderr
    wrong = run_cli(*common, "edit", "person", olena.id, "--set", "iban=DE00 1234")
    assert wrong.returncode != 0 and "IBAN" in wrong.stderr
    profile.unlock(folder, PASSPHRASE)
    from desktop.core.store import changelog

    history = changelog.history(olena.id)
    assert {"phone", "city"} <= {c.field for c in history} and "iban" not in {c.field for c in history}
