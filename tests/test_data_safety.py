"""A crash never locks anyone out, a damaged file is not a wrong passphrase and is never written to,
readers never wait for writers, and profile.json is read defensively."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop import cli, paths
from desktop.core import people, profile
from desktop.core.errors import ProfileBusy, ProfileDamaged, WrongPassphrase
from desktop.core.search import query as search_query
from desktop.core.store import backup, integrity, meta
from desktop.core.store import db as store_db
from tests.conftest import PASSPHRASE, TEST_KDF, uncounted
from tests.older_profiles import create_format1, forget_key_check
from tests.test_cli import run_cli

ROOT = Path(__file__).resolve().parent.parent
PAGE = 4096


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: uncounted(p) for p in sorted(folder.iterdir()) if p.is_file()}


def _child(script: str) -> None:
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT, env={**os.environ}, timeout=120)


def crashed_profile(folder: Path, people_count: int = 300, *, older: bool = False) -> None:
    """A profile whose every write since its creation is still in the WAL: the process ended without a
    checkpoint (automatic checkpoints off), as a kill leaves it. ``older``: a format-1 profile."""
    create = (
        f"from tests.older_profiles import create_format1; create_format1(Path({str(folder)!r}))\n"
        if older
        else f"profile.create(Path({str(folder)!r}), {PASSPHRASE!r}, language='en', device_name='d',"
        f" volunteer_name='v', kdf_iterations={TEST_KDF})\n"
    )
    _child(
        "import os; from pathlib import Path; from desktop.core import profile, people\n"
        "from desktop.core.store import db as d\n"
        + create
        + "d.current().db.execute_sql('PRAGMA wal_autocheckpoint = 0')\n"
        f"for i in range({people_count}):\n"
        "    people.create_person({'family_name': f'Kravchenko{i}', 'notes': 'x' * 300})\n"
        "os._exit(0)\n"
    )


def committed_wal_pages(wal: Path) -> dict[int, bytes]:
    """The newest committed image of every page in a WAL (what a checkpoint copies into the database)."""
    data = wal.read_bytes()
    page_size = struct.unpack(">I", data[8:12])[0]
    committed: dict[int, bytes] = {}
    pending: list[tuple[int, bytes]] = []
    pos = 32
    while pos + 24 + page_size <= len(data):
        pgno, commit = struct.unpack(">II", data[pos : pos + 8])
        pending.append((pgno, data[pos + 24 : pos + 24 + page_size]))
        if commit:
            committed.update(pending)
            pending = []
        pos += 24 + page_size
    return committed


def partial_checkpoint(folder: Path, last_page: int) -> None:
    """Leave the database as a checkpoint cut short leaves it: pages 1..last_page copied from the WAL, in
    page order as SQLite copies them, the rest not yet."""
    db_file = folder / "begleiter.db"
    pages = committed_wal_pages(folder / "begleiter.db-wal")
    with db_file.open("r+b") as fp:
        for pgno in sorted(pages):
            if pgno <= last_page:
                fp.seek((pgno - 1) * PAGE)
                fp.write(pages[pgno])


# --- 1. a crash at any moment never locks anyone out ----------------------------------------------------


@pytest.mark.parametrize("last_page", [3, 40, 120])
@pytest.mark.parametrize("older_profile", [False, True], ids=["key-check", "no-key-check"])
def test_a_profile_killed_in_the_middle_of_a_checkpoint_opens_with_everything(
    tmp_path: Path, last_page: int, older_profile: bool
) -> None:
    folder = tmp_path / "p"
    crashed_profile(folder, older=older_profile)
    partial_checkpoint(folder, last_page)
    if older_profile:
        forget_key_check(folder)
    before = _snapshot(folder)
    with pytest.raises(WrongPassphrase):
        profile.unlock(folder, "not the passphrase")
    after = _snapshot(folder)
    if older_profile:  # read through the WAL: SQLite may rebuild its shared-memory index, never the data
        after.pop("begleiter.db-shm", None), before.pop("begleiter.db-shm", None)
    assert after == before  # a wrong passphrase folds nothing in
    profile.unlock(folder, PASSPHRASE)
    assert people.count_people() == 300
    assert integrity.check() == []
    assert meta.key_settings(folder).wraps  # an older profile is converted to a wrapped random key


def test_the_key_check_needs_no_database_page(store: store_db.Store, profile_dir: Path) -> None:
    """Whatever the database file holds, a wrong passphrase is told by profile.json alone."""
    store_db.close_store()
    db_file = profile_dir / "begleiter.db"
    db_file.write_bytes(db_file.read_bytes()[:16] + os.urandom(PAGE * 3))
    with pytest.raises(WrongPassphrase):
        profile.unlock(profile_dir, "not the passphrase")
    with pytest.raises(ProfileDamaged):
        profile.unlock(profile_dir, PASSPHRASE)


# --- 2. a damaged file is reported as damaged, with the right and a wrong passphrase --------------------


def _filled(store: store_db.Store, count: int = 300) -> None:
    for i in range(count):
        people.create_person({"family_name": f"Name{i}", "notes": "x" * 300})
    backup.make_backup()
    store_db.checkpoint()
    store_db.close_store()


def _truncate(folder: Path) -> None:
    db_file = folder / "begleiter.db"
    db_file.write_bytes(db_file.read_bytes()[: db_file.stat().st_size // 2 // PAGE * PAGE + 100])


def _cut_last_pages(folder: Path) -> None:
    db_file = folder / "begleiter.db"
    db_file.write_bytes(db_file.read_bytes()[: -2 * PAGE])


def _cut_mid_page(folder: Path) -> None:
    db_file = folder / "begleiter.db"
    db_file.write_bytes(db_file.read_bytes()[: -PAGE // 2])


def _flip(offset: int) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        db_file = folder / "begleiter.db"
        data = bytearray(db_file.read_bytes())
        for i in range(offset, offset + 32):
            data[i] ^= 0xFF
        db_file.write_bytes(bytes(data))

    return damage


DAMAGE = {
    "truncated": (_truncate, "truncated"),
    "last-pages-cut": (_cut_last_pages, "structure"),  # SQLite finds its size wrong: malformed
    "cut-mid-page": (_cut_mid_page, "truncated"),
    "first-page": (_flip(200), "page"),
    "header-page-count": (_flip(28), "page"),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_database_is_damaged_not_a_wrong_passphrase(store, profile_dir: Path, kind: str) -> None:
    _filled(store)
    damage, reason = DAMAGE[kind]
    damage(profile_dir)
    before = _snapshot(profile_dir)
    with pytest.raises(WrongPassphrase):
        profile.unlock(profile_dir, "not the passphrase")
    assert _snapshot(profile_dir) == before
    with pytest.raises(ProfileDamaged) as raised:
        profile.unlock(profile_dir, PASSPHRASE)
    assert raised.value.reason == reason and raised.value.key_material is not None
    assert not store_db.is_open()
    assert meta.damage(profile_dir) == reason
    db_file = profile_dir / "begleiter.db"
    assert db_file.read_bytes() == before["begleiter.db"]  # never written to
    assert backup.newest_good(profile_dir, raised.value.key_material) == backup.backups(profile_dir)[-1]


def test_a_damaged_middle_page_found_by_the_check_stops_every_write(store, profile_dir: Path) -> None:
    _filled(store)
    _flip(PAGE * 40 + 100)(profile_dir)
    with pytest.raises(WrongPassphrase):
        profile.unlock(profile_dir, "not the passphrase")
    profile.unlock(profile_dir, PASSPHRASE)  # the quick check at unlock does not read every page
    store_db.checkpoint()  # the audit log's entries of this unlock, in the file before the damage is found
    assert integrity.check()
    db_file = profile_dir / "begleiter.db"
    before = db_file.read_bytes()
    with pytest.raises(ProfileDamaged):
        people.create_person({"family_name": "Written"})
    store_db.close_store()
    with pytest.raises(ProfileDamaged) as raised:
        profile.unlock(profile_dir, PASSPHRASE)  # remembered for every program
    assert raised.value.reason == "page"
    assert db_file.read_bytes() == before


def test_a_missing_wal_is_never_a_wrong_passphrase(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    crashed_profile(folder)
    partial_checkpoint(folder, 40)
    (folder / "begleiter.db-wal").unlink()
    (folder / "begleiter.db-shm").unlink(missing_ok=True)
    with pytest.raises(WrongPassphrase):
        profile.unlock(folder, "not the passphrase")
    try:
        profile.unlock(folder, PASSPHRASE)
    except ProfileDamaged as exc:  # the half-copied file is not whole without its WAL: said so
        assert exc.reason in meta.DAMAGE_REASONS
    else:
        assert integrity.check() == []


def test_a_missing_wal_after_a_full_checkpoint_loses_nothing(store, profile_dir: Path) -> None:
    people.create_person({"family_name": "Kept"})
    store.db.execute_sql("PRAGMA wal_checkpoint(FULL)")
    store_db.close_store()
    (profile_dir / "begleiter.db-wal").unlink(missing_ok=True)
    profile.unlock(profile_dir, PASSPHRASE)
    assert people.count_people() == 1 and integrity.check() == []


def test_cli_names_the_damage_and_the_newest_good_backup_and_restores_it(store, profile_dir: Path) -> None:
    _filled(store)
    _flip(200)(profile_dir)
    common = ["--data-dir", str(profile_dir)]
    env = {"BEGLEITER_PASSPHRASE": PASSPHRASE}
    edit = run_cli(*common, "search", "Name1", env=env)
    assert edit.returncode == cli.EXIT_DAMAGED == 5
    newest = backup.backups(profile_dir)[-1]
    assert "damaged" in edit.stderr and str(newest) in edit.stderr and "restore" in edit.stderr
    assert len(edit.stderr.strip().splitlines()) == 1 and "Traceback" not in edit.stderr
    wrong = run_cli(*common, "search", "Name1", env={"BEGLEITER_PASSPHRASE": "not the passphrase"})
    assert wrong.returncode == cli.EXIT_PASSPHRASE
    damaged_bytes = (profile_dir / "begleiter.db").read_bytes()
    restored = run_cli(*common, "restore", env=env)
    assert restored.returncode == 0, restored.stderr
    kept = list((profile_dir / "damaged").glob("*/begleiter.db"))
    assert [p.read_bytes() for p in kept] == [damaged_bytes]  # moved aside, never overwritten
    assert run_cli(*common, "check", env=env).returncode == 0
    digest = run_cli(*common, "digest", "--json", env=env)
    assert digest.returncode == 0 and json.loads(digest.stdout)["counts"]["person"] == 300


def test_cli_edit_and_backup_refuse_a_file_whose_check_failed(store, profile_dir: Path) -> None:
    _filled(store)
    _flip(PAGE * 40 + 100)(profile_dir)
    common = ["--data-dir", str(profile_dir)]
    env = {"BEGLEITER_PASSPHRASE": PASSPHRASE}
    assert run_cli(*common, "check", env=env).returncode == cli.EXIT_PROBLEMS
    before = (profile_dir / "begleiter.db").read_bytes()
    person_id = "0" * 8
    edit = run_cli(*common, "edit", "person", person_id, "--set", "city=Leipzig", env=env)
    assert edit.returncode == cli.EXIT_DAMAGED, edit.stderr
    assert run_cli(*common, "backup", env=env).returncode == cli.EXIT_DAMAGED
    assert (profile_dir / "begleiter.db").read_bytes() == before


# --- 3. readers never wait for writers; writers wait for each other with a notice -------------------------


@pytest.fixture
def write_lock_holder(store: store_db.Store, profile_dir: Path):
    """Another process that holds the profile's write lock for a few seconds (a long import)."""
    store_db.close_store()
    started: list[subprocess.Popen[str]] = []

    def hold(seconds: float) -> subprocess.Popen[str]:
        script = (
            "import sys, time; from pathlib import Path; from desktop.core import profile\n"
            f"store = profile.unlock(Path({str(profile_dir)!r}), {PASSPHRASE!r})\n"
            "store.db.execute_sql('BEGIN IMMEDIATE')\n"
            "store.db.execute_sql(\"INSERT INTO setting (key, value) VALUES ('busy', '1')\")\n"
            "print('locked', flush=True)\n"
            f"time.sleep({seconds})\n"
            "store.db.execute_sql('ROLLBACK')\n"
        )
        proc = subprocess.Popen(
            [sys.executable, "-c", script], cwd=ROOT, env={**os.environ}, stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        started.append(proc)
        return proc

    yield hold
    for proc in started:
        proc.kill()
        proc.wait()


def test_readers_do_not_wait_for_a_writer(write_lock_holder, profile_dir: Path) -> None:
    profile.unlock(profile_dir, PASSPHRASE)
    person = people.create_person({"family_name": "Kravchenko", "given_name": "Olena"})
    store_db.close_store()
    holder = write_lock_holder(20)
    started = time.monotonic()
    profile.unlock(profile_dir, PASSPHRASE)  # the GUI's start: opening takes no lock
    assert [hit.row.id for hit in search_query.search("Kravchenko").hits] == [person.id]
    assert integrity.check() == []
    integrity.digest()
    store_db.close_store()
    env = {"BEGLEITER_PASSPHRASE": PASSPHRASE}
    for command in (["search", "Krawtschenko"], ["check"], ["digest"]):
        result = run_cli("--data-dir", str(profile_dir), *command, env=env)
        assert result.returncode == 0, (command, result.stderr)
        if command[0] == "search":
            assert person.id in result.stdout
    assert time.monotonic() - started < 15
    assert holder.poll() is None  # the writer held its lock all along


def test_a_write_waits_for_another_writer_and_says_so(write_lock_holder, profile_dir: Path) -> None:
    profile.unlock(profile_dir, PASSPHRASE)
    notices: list[bool] = []
    store_db.set_wait_notice(notices.append)
    try:
        write_lock_holder(3)
        started = time.monotonic()
        people.create_person({"family_name": "Patient"})
        assert time.monotonic() - started > 1.5
    finally:
        store_db.set_wait_notice(None)
    assert notices == [True, False]
    assert people.count_people() == 1


def test_a_writer_gives_up_with_a_message_after_a_users_patience(
    write_lock_holder, profile_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_db, "WRITE_WAIT_SECONDS", 1.0)
    profile.unlock(profile_dir, PASSPHRASE)
    write_lock_holder(20)
    with pytest.raises(ProfileBusy, match="Another program"):
        people.create_person({"family_name": "Impatient"})
    store_db.close_store()
    assert run_cli("--data-dir", str(profile_dir), "check", env={"BEGLEITER_PASSPHRASE": PASSPHRASE}).returncode == 0


# --- 7. profile.json is read defensively; the key derivation has its floor --------------------------------

BROKEN_META = {
    "a-list": "[1, 2]",
    "a-string": '"profile"',
    "null": "null",
    "not-json": "{kdf_iterations: 256000",
    "iterations-string": '{"kdf_iterations": "many"}',
    "iterations-null": '{"kdf_iterations": null}',
    "iterations-bool": '{"kdf_iterations": true}',
    "iterations-billion": '{"kdf_iterations": 1000000000}',
    "bad-salt": '{"kdf_iterations": 256000, "kdf_salt": "zz"}',
    "short-check": '{"kdf_iterations": 256000, "key_check": "abcd"}',
    "newer-format": '{"format": 99}',
    "other-kdf": '{"kdf": "md5"}',
}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("kind", sorted(BROKEN_META))
def test_a_profile_json_the_app_did_not_write_gets_a_clear_message(store, profile_dir: Path, kind: str) -> None:
    store_db.close_store()
    (profile_dir / "profile.json").write_text(BROKEN_META[kind])
    with pytest.raises(meta.ProfileSettingsBroken):
        profile.unlock(profile_dir, PASSPHRASE)
    result = run_cli("--data-dir", str(profile_dir), "check", env={"BEGLEITER_PASSPHRASE": PASSPHRASE})
    assert result.returncode == cli.EXIT_ERROR
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "profile" in result.stderr


def test_a_removed_profile_json_unlocks_with_the_key_settings_kept_beside_the_backups(
    tmp_path: Path, monkeypatch
) -> None:
    folder = tmp_path / "p"
    monkeypatch.delenv(meta.ENV_WEAK_KDF)
    profile.create(folder, PASSPHRASE, language="en", device_name="d", volunteer_name="v")
    people.create_person({"family_name": "Kept"})
    store_db.close_store()
    (folder / "profile.json").unlink()
    profile.unlock(folder, PASSPHRASE)
    assert people.count_people() == 1
    assert meta.key_settings(folder).wraps  # profile.json has its key settings again
    store_db.close_store()
    # Without profile.json and its copy the database key is gone: the message says what to put back.
    (folder / "profile.json").unlink()
    meta.keys_copy_path(folder).unlink()
    with pytest.raises(WrongPassphrase, match=r"profile\.json"):
        profile.unlock(folder, PASSPHRASE)


def test_a_removed_profile_json_of_an_older_profile_unlocks_with_the_standard_settings(
    tmp_path: Path, monkeypatch
) -> None:
    folder = tmp_path / "p"
    monkeypatch.delenv(meta.ENV_WEAK_KDF)
    create_format1(folder, iterations=meta.DEFAULT_KDF_ITERATIONS)
    people.create_person({"family_name": "Kept"})
    store_db.close_store()
    (folder / "profile.json").unlink()
    profile.unlock(folder, PASSPHRASE)
    assert people.count_people() == 1
    assert meta.key_settings(folder).wraps  # converted on the way


def test_a_key_derivation_below_the_floor_is_refused_outside_the_tests(store, profile_dir: Path, monkeypatch) -> None:
    store_db.close_store()
    monkeypatch.delenv(meta.ENV_WEAK_KDF)
    with pytest.raises(meta.ProfileSettingsBroken, match=r"minimum of 256000"):
        profile.unlock(profile_dir, PASSPHRASE)
    with pytest.raises(ValueError):
        store_db.create_profile(profile_dir.parent / "weak", PASSPHRASE, kdf_iterations=1000)


def test_an_older_profile_without_key_check_tells_a_wrong_passphrase(profile_dir: Path) -> None:
    create_format1(profile_dir)
    people.create_person({"family_name": "Kept"})
    store_db.close_store()
    forget_key_check(profile_dir)
    with pytest.raises(WrongPassphrase):
        profile.unlock(profile_dir, "not the passphrase")
    assert meta.key_settings(profile_dir).check is None  # nothing recorded for a wrong one
    profile.unlock(profile_dir, PASSPHRASE)
    assert meta.key_settings(profile_dir).check is not None


def test_an_older_profile_whose_database_is_damaged_is_vouched_for_by_its_backup(profile_dir: Path) -> None:
    _filled(create_format1(profile_dir))
    forget_key_check(profile_dir)
    _flip(200)(profile_dir)
    with pytest.raises(WrongPassphrase):
        profile.unlock(profile_dir, "not the passphrase")
    with pytest.raises(ProfileDamaged):
        profile.unlock(profile_dir, PASSPHRASE)


# --- every error is logged where the message says ---------------------------------------------------------


def test_an_unexpected_error_while_unlocking_is_in_the_profile_log(store, profile_dir: Path, monkeypatch, capsys):
    store_db.close_store()
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(store_db, "open_store", broken)
    log_file = paths.logs_dir(profile_dir) / "begleiter.log"
    log_file.unlink(missing_ok=True)
    assert cli.main(["--data-dir", str(profile_dir), "check"]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert str(log_file) in err
    assert "RuntimeError" in log_file.read_text()
    assert "boom" not in log_file.read_text()


def test_an_unexpected_error_without_a_profile_prints_its_details(tmp_path: Path, monkeypatch, capsys) -> None:
    def broken(_args):
        raise RuntimeError("boom")

    monkeypatch.setitem(cli._COMMANDS, "translit", broken)
    assert cli.main(["--data-dir", str(tmp_path / "none"), "translit", "Олена"]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert "RuntimeError" in err and "Traceback" in err and "log" not in err  # no log is claimed
    assert not (tmp_path / "none").exists()


# --- the unlock dialog offers the newest good backup ---------------------------------------------------------


def test_the_unlock_dialog_restores_the_newest_good_backup(qtbot, store, profile_dir: Path, monkeypatch) -> None:
    from desktop.ui.profile_dialogs import UnlockDialog

    _filled(store)
    _truncate(profile_dir)
    from desktop.ui.restore_ui import RestoreDialog

    dialog = UnlockDialog(profile_dir)
    qtbot.addWidget(dialog)
    asked: list[str] = []
    answer = [False]

    def offered(restore: RestoreDialog) -> int:  # the restore dialog, answered at once
        asked.append(restore.intro.text())
        if answer[0]:
            restore.ok_button.click()  # the newest good backup is chosen already
        return restore.result()

    monkeypatch.setattr(RestoreDialog, "exec", offered)
    monkeypatch.setattr(RestoreDialog, "confirm", lambda self, info: True)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.ok_button.click()
    assert asked and "damaged" in asked[0] and dialog.result() == 0
    assert "damaged" in dialog.error.text() and not store_db.is_open()
    answer[0] = True
    dialog.ok_button.click()
    assert dialog.result() == 1 and store_db.is_open()
    assert people.count_people() == 300
    assert list((profile_dir / "damaged").glob("*/begleiter.db"))


def test_threads_share_the_damage_flag(store, profile_dir: Path) -> None:
    """A worker thread's connection refuses a write once the damage is known."""
    store.db.found_damage("page")
    errors: list[BaseException] = []

    def work() -> None:
        try:
            people.create_person({"family_name": "Late"})
        except BaseException as exc:
            errors.append(exc)
        finally:
            store.db.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert len(errors) == 1 and isinstance(errors[0], ProfileDamaged)


def test_the_main_window_starts_while_another_program_writes(qtbot, write_lock_holder, profile_dir: Path) -> None:
    from desktop.ui.main_window import MainWindow

    profile.unlock(profile_dir, PASSPHRASE)
    people.create_person({"family_name": "Kravchenko", "given_name": "Olena"})
    store_db.close_store()
    write_lock_holder(20)
    started = time.monotonic()
    profile.unlock(profile_dir, PASSPHRASE)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.people.search_field.setText("Kravchenko")
    assert window.people.model.rowCount() == 1
    assert time.monotonic() - started < 5


@pytest.mark.timeout(20)
def test_a_profile_json_that_is_a_pipe_or_huge_is_refused_without_waiting(store, profile_dir: Path) -> None:
    store_db.close_store()
    meta_file = profile_dir / "profile.json"
    meta_file.write_text('{"kdf_iterations": 256000, "pad": "' + "x" * 100_000 + '"}')
    with pytest.raises(meta.ProfileSettingsBroken):
        profile.unlock(profile_dir, PASSPHRASE)
    meta_file.unlink()
    os.mkfifo(meta_file)
    with pytest.raises(meta.ProfileSettingsBroken):
        profile.unlock(profile_dir, PASSPHRASE)
