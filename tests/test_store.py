"""The encrypted profile: creation, unlock, wrong passphrases, pragmas, no plaintext files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import peewee as pw
import pytest

from desktop import paths
from desktop.core import people, profile
from desktop.core.errors import ProfileExists, ProfileMissing, WrongPassphrase
from desktop.core.store import db as store_db
from desktop.core.store import migrations
from tests.conftest import PASSPHRASE, TEST_KDF, uncounted

SQLITE_MAGIC = b"SQLite format 3\x00"


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p.relative_to(folder)): (
            hashlib.sha256(uncounted(p)).hexdigest(),
            0 if p.name == "profile.json" else p.stat().st_mtime_ns,  # wrong passphrases are counted there
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_new_profile_is_encrypted_and_configured(store: store_db.Store, profile_dir: Path) -> None:
    people.create_person({"family_name_cyr": "Коваленко", "given_name_cyr": "Олена"})
    db = store.db
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA cipher_hmac_algorithm").fetchone()[0] == "HMAC_SHA512"
    assert db.execute_sql("PRAGMA cipher_use_hmac").fetchone()[0] == "1"
    assert db.execute_sql("PRAGMA cipher_integrity_check").fetchall() == []
    assert migrations.current_version(db) == migrations.LATEST
    meta = json.loads(paths.profile_meta_path(profile_dir).read_text())
    assert meta["kdf"] == "pbkdf2-hmac-sha512"
    # Every file of the profile, the database and its WAL included, is free of plaintext SQLite.
    files = [p for p in profile_dir.rglob("*") if p.is_file()]
    assert any(p.name == "begleiter.db-wal" for p in files)
    for path in files:
        data = path.read_bytes()
        assert not data.startswith(SQLITE_MAGIC), path
        assert "Коваленко".encode() not in data, path
        assert b"Kovalenko" not in data, path


def test_real_profiles_use_at_least_sqlcipher4_kdf_cost() -> None:
    assert store_db.DEFAULT_KDF_ITERATIONS >= 256_000
    import inspect

    default = inspect.signature(profile.create).parameters["kdf_iterations"].default
    assert default == store_db.DEFAULT_KDF_ITERATIONS


def test_unlock_with_right_passphrase(store: store_db.Store, profile_dir: Path) -> None:
    person = people.create_person({"family_name": "Shevchenko", "given_name": "Taras"})
    store_db.close_store()
    profile.unlock(profile_dir, PASSPHRASE)
    assert people.page_people()[0].id == person.id


def test_wrong_passphrase_changes_nothing(store: store_db.Store, profile_dir: Path) -> None:
    people.create_person({"family_name": "Shevchenko", "given_name": "Taras"})
    store_db.checkpoint()
    store_db.close_store()
    before = _snapshot(profile_dir)
    settings = json.loads(paths.profile_meta_path(profile_dir).read_text())
    for attempt in ("wrong", "", PASSPHRASE + " "):
        with pytest.raises(WrongPassphrase):
            profile.unlock(profile_dir, attempt)
    assert _snapshot(profile_dir) == before
    # Only profile.json counts the failed attempts (for the audit log at the next unlock), without data.
    counted = json.loads(paths.profile_meta_path(profile_dir).read_text())
    assert counted.pop("failed_unlocks")["count"] == 3
    assert counted == settings
    assert not store_db.is_open()
    profile.unlock(profile_dir, PASSPHRASE)  # and the right one still works afterwards


def test_missing_and_existing_profiles_are_reported(tmp_path: Path, store: store_db.Store, profile_dir: Path) -> None:
    with pytest.raises(ProfileMissing):
        store_db.open_store(tmp_path / "nowhere", PASSPHRASE)
    with pytest.raises(ProfileExists):
        store_db.create_profile(profile_dir, PASSPHRASE, kdf_iterations=TEST_KDF)


def test_profile_folder_layout(store: store_db.Store, profile_dir: Path) -> None:
    for sub in ("logs", "backups", "cache"):
        assert (profile_dir / sub).is_dir()
    assert (profile_dir / "logs" / "begleiter.log").is_file()


def test_profile_dir_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    paths.set_profile_dir(None)
    monkeypatch.setenv("BEGLEITER_HOME", str(tmp_path / "env"))
    assert paths.profile_dir() == (tmp_path / "env").resolve()
    paths.set_profile_dir(tmp_path / "flag")
    assert paths.profile_dir() == (tmp_path / "flag").resolve()
    paths.set_profile_dir(None)
    monkeypatch.delenv("BEGLEITER_HOME")
    assert "Begleiter" in str(paths.profile_dir())


def test_database_of_a_newer_program_is_refused(store: store_db.Store) -> None:
    store.db.execute_sql("UPDATE schema_version SET version = ?", (migrations.LATEST + 1,))
    with pytest.raises(migrations.SchemaTooNew):
        migrations.migrate(store.db)


def test_worker_threads_get_their_own_connection(store: store_db.Store) -> None:
    import threading

    people.create_person({"family_name": "Bondarenko"})
    seen: list[int] = []

    def count() -> None:
        seen.append(people.count_people())
        store.db.close()

    thread = threading.Thread(target=count)
    thread.start()
    thread.join()
    assert seen == [1]
    assert isinstance(store.db, pw.Database)


def test_backups_are_encrypted_verified_openable_and_rotated(store: store_db.Store, profile_dir: Path) -> None:
    import datetime as dt
    import shutil

    from desktop.core.store import backup, integrity

    people.create_person({"family_name": "Savchenko", "given_name": "Nadiia"})
    first = backup.make_backup()
    assert first.read_bytes()[:16] != SQLITE_MAGIC and b"Savchenko" not in first.read_bytes()
    assert backup.backup_if_due() is None  # a fresh backup exists
    digest = integrity.digest()
    for day in range(10):  # Thursday 1 to Saturday 10 January 2026, beside today's
        backup.make_backup(dt.datetime(2026, 1, 1 + day, 9))
    # Today's and the last six days (4 to 10 January, from ISO week 2), and the newest of week 1 (Sunday 4th).
    assert [p.name for p in backup.backups(profile_dir)][:7] == [
        f"begleiter-202601{day:02d}-090000.db" for day in range(4, 11)
    ]
    assert len(backup.backups(profile_dir)) == 8
    # A backup is a whole profile database: the passphrase opens it.
    restored = profile_dir.parent / "restored"
    restored.mkdir()
    shutil.copy(first, restored / "begleiter.db")
    shutil.copy(profile_dir / "profile.json", restored / "profile.json")
    store_db.close_store()
    profile.unlock(restored, PASSPHRASE)
    assert integrity.digest() == digest


def test_a_backup_that_does_not_verify_is_not_kept(store: store_db.Store, profile_dir: Path, monkeypatch) -> None:
    from desktop.core.store import backup

    def damaged(path: Path) -> None:
        raise backup.BackupError("backup failed verification")

    monkeypatch.setattr(backup, "verify", damaged)
    with pytest.raises(backup.BackupError):
        backup.make_backup()
    assert [p.name for p in (profile_dir / "backups").iterdir()] == ["keys.json"]  # no copy, only the keys


def test_verify_detects_a_damaged_backup(store: store_db.Store) -> None:
    from desktop.core.store import backup

    people.create_person({"family_name": "Savchenko"})
    path = backup.make_backup()
    data = bytearray(path.read_bytes())
    data[5000:5016] = bytes(16)  # damage a page
    path.write_bytes(bytes(data))
    with pytest.raises(backup.BackupError):
        backup.verify(path)


def test_wrong_passphrase_after_a_crash_leaves_the_wal_untouched(tmp_path: Path) -> None:
    """A session killed mid-work leaves a WAL; a wrong passphrase must not fold it into the database."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "crashed"
    script = (
        "import os; from pathlib import Path; from desktop.core import profile, people\n"
        f"profile.create(Path({str(folder)!r}), {PASSPHRASE!r}, language='en', device_name='d',"
        f" volunteer_name='v', kdf_iterations={TEST_KDF})\n"
        "people.create_person({'family_name': 'Kravchenko'})\n"
        "os._exit(0)  # no clean close: the WAL stays\n"
    )
    subprocess.run(
        [sys.executable, "-c", script], check=True, cwd=Path(__file__).resolve().parent.parent, env={**os.environ}
    )
    assert (folder / "begleiter.db-wal").stat().st_size > 0
    before = _snapshot(folder)
    with pytest.raises(WrongPassphrase):
        profile.unlock(folder, "wrong passphrase")
    assert _snapshot(folder) == before
    profile.unlock(folder, PASSPHRASE)
    assert people.page_people()[0].family_name == "Kravchenko"


def test_creation_time_is_the_same_in_every_time_zone() -> None:
    import os
    import subprocess
    import sys

    code = "from desktop.core.store.changelog import created_at; print(created_at(117652862090477568))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**os.environ, "TZ": tz}
        ).stdout
        for tz in ("UTC", "Europe/Berlin", "Asia/Tokyo", "America/New_York")
    }
    assert len(outputs) == 1


def test_a_record_cannot_be_created_deleted(store: store_db.Store) -> None:
    from desktop.core.store import changelog
    from desktop.core.store.models import Person

    with pytest.raises(ValueError):
        changelog.create(Person, family_name="Ghost", deleted=True)
    assert Person.select().count() == 0


def test_concurrent_writers_wait_for_each_other(store: store_db.Store) -> None:
    import threading

    from desktop.core.store import integrity

    errors: list[BaseException] = []

    def work(tag: str) -> None:
        try:
            for i in range(25):
                person = people.create_person({"family_name": f"Family{tag}", "given_name": f"N{i}"})
                people.update_person(person.id, {"city": "Leipzig"})
        except BaseException as exc:
            errors.append(exc)
        finally:
            store.db.close()

    threads = [threading.Thread(target=work, args=(t,)) for t in "ABC"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert people.count_people() == 75
    assert integrity.check() == []


def test_a_damaged_database_is_reported_not_crashed_on(store: store_db.Store, profile_dir: Path) -> None:
    from desktop.core.store import integrity

    for i in range(300):
        people.create_person({"family_name": f"Name{i}", "notes": "x" * 200})
    store_db.checkpoint()
    store_db.close_store()
    db_file = profile_dir / "begleiter.db"
    data = bytearray(db_file.read_bytes())
    data[4096 * 20 + 100 : 4096 * 20 + 132] = bytes(32)  # damage one page in the middle
    db_file.write_bytes(bytes(data))
    profile.unlock(profile_dir, PASSPHRASE)
    problems = integrity.check()
    assert problems and all(p.where == "database" for p in problems)


def test_the_clock_resumes_from_the_newest_stamp_without_scanning_the_log(store: store_db.Store, profile_dir) -> None:
    from desktop.core import people, profile

    people.create_person({"family_name": "Melnyk"})
    newest = store.db.execute_sql("SELECT max(hlc) FROM change").fetchone()[0]
    kept = store.db.execute_sql("SELECT value FROM setting WHERE key = 'clock_high'").fetchone()[0]
    assert int(kept) == newest
    store_db.close_store()
    reopened = profile.unlock(profile_dir, PASSPHRASE)
    assert reopened.clock.last == newest
    reopened.db.execute_sql("DELETE FROM setting WHERE key = 'clock_high'")  # a profile from before
    store_db.close_store()
    assert profile.unlock(profile_dir, PASSPHRASE).clock.last == newest
