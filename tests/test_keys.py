"""The database key: random, wrapped by the passphrase and by the recovery key; older profiles converted;
a passphrase change or a conversion cut short at any point leaves a profile that opens."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.core import people, profile
from desktop.core.errors import ValidationError, WrongPassphrase
from desktop.core.keys import recovery, wrap
from desktop.core.store import backup, integrity, meta
from desktop.core.store import db as store_db
from tests.conftest import PASSPHRASE
from tests.older_profiles import create_format1

ROOT = Path(__file__).resolve().parent.parent
NEW = "a completely new passphrase 2026"


def _opens_directly(folder: Path, key: bytes) -> bool:
    """Whether ``key`` opens the database file itself (what an attacker with the file could try)."""
    salt = meta.key_settings(folder).salt or store_db._read_salt(folder / "begleiter.db")
    return store_db._probe(folder / "begleiter.db", key, salt, honour_wal=True)


def _profile_json(folder: Path) -> dict:
    return json.loads((folder / "profile.json").read_text())


# --- the recovery key's written form ----------------------------------------------------------------------


def test_a_recovery_key_is_six_groups_of_five_and_reads_back_however_it_is_typed() -> None:
    key = recovery.new_recovery_key()
    groups = key.split("-")
    assert [len(g) for g in groups] == [5] * 6 and all(ch in recovery.ALPHABET for ch in "".join(groups))
    assert recovery.normalise(key) == key
    assert recovery.normalise(" ".join(groups).lower()) == key
    assert recovery.normalise(key.replace("0", "o").replace("1", "l")) == key
    assert len({recovery.new_recovery_key() for _ in range(200)}) == 200


def test_a_mistyped_recovery_key_is_named_as_a_typing_error() -> None:
    rng = random.Random(3)
    caught = 0
    for _ in range(300):
        key = recovery.new_recovery_key().replace("-", "")
        at = rng.randrange(len(key))
        wrong = rng.choice([c for c in recovery.ALPHABET if c != key[at]])
        try:
            recovery.normalise(key[:at] + wrong + key[at + 1 :])
        except recovery.RecoveryKeyTypo:
            caught += 1
    assert caught >= 290  # the 10-bit check misses about one typo in a thousand
    for bad in ("", "ABCDE", recovery.new_recovery_key() + "X", "U" * 30):
        with pytest.raises(recovery.RecoveryKeyTypo):
            recovery.normalise(bad)


def test_a_wrapped_key_opens_only_with_its_secret() -> None:
    key = wrap.new_key()
    sealed = wrap.wrap(key, "secret", 1000)
    assert wrap.unwrap(sealed, "secret", 1000) == key
    with pytest.raises(wrap.WrongSecret):
        wrap.unwrap(sealed, "Secret", 1000)
    with pytest.raises(wrap.WrongSecret):
        wrap.unwrap(wrap.Wrapped(sealed.salt, bytes(40)), "secret", 1000)


# --- new profiles -------------------------------------------------------------------------------------------


def test_a_new_profile_has_a_random_key_that_the_passphrase_does_not_derive(store, profile_dir: Path) -> None:
    settings = meta.key_settings(profile_dir)
    assert settings.fmt == meta.FORMAT and set(settings.wraps) == {"passphrase"}
    key, salt = store.db._key_material
    assert not _opens_directly(profile_dir, store_db.derive_key(PASSPHRASE, salt, settings.iterations))
    assert _opens_directly(profile_dir, key)
    text = json.dumps(_profile_json(profile_dir))
    assert key.hex() not in text and PASSPHRASE not in text
    assert (
        json.loads(meta.keys_copy_path(profile_dir).read_text())["key_wraps"] == _profile_json(profile_dir)["key_wraps"]
    )


def test_the_passphrase_changes_and_the_old_one_stops_opening(store, profile_dir: Path) -> None:
    people.create_person({"family_name": "Kept"})
    recovery_key = profile.make_recovery_key()
    with pytest.raises(WrongPassphrase):
        profile.change_passphrase("not it", NEW, NEW)
    with pytest.raises(ValidationError):
        profile.change_passphrase(PASSPHRASE, NEW, NEW + "x")
    with pytest.raises(ValidationError):
        profile.change_passphrase(PASSPHRASE, "short", "short")
    profile.change_passphrase(PASSPHRASE, NEW, NEW)
    assert profile.passphrase_matches(NEW) and not profile.passphrase_matches(PASSPHRASE)
    store_db.close_store()
    with pytest.raises(WrongPassphrase):
        profile.unlock(profile_dir, PASSPHRASE)
    profile.unlock(profile_dir, NEW)
    assert people.count_people() == 1
    store_db.close_store()
    # The recovery key made before still opens it.
    third = "a third passphrase for it"
    profile.unlock_with_recovery_key(profile_dir, recovery_key, third, third)
    assert people.count_people() == 1


def test_a_new_recovery_key_replaces_the_old_one(store, profile_dir: Path) -> None:
    assert profile.recovery_key_made() is None
    first = profile.make_recovery_key()
    second = profile.make_recovery_key()
    assert first != second and profile.recovery_key_made() is not None
    store_db.close_store()
    with pytest.raises(store_db.RecoveryKeyRefused, match="does not open"):
        profile.unlock_with_recovery_key(profile_dir, first, NEW, NEW)
    with pytest.raises(store_db.RecoveryKeyRefused, match="six groups"):
        profile.unlock_with_recovery_key(profile_dir, first[:-1], NEW, NEW)
    profile.unlock_with_recovery_key(profile_dir, second.lower().replace("-", " "), NEW, NEW)
    store_db.close_store()
    profile.unlock(profile_dir, NEW)


def test_a_profile_without_recovery_key_says_so(store, profile_dir: Path) -> None:
    store_db.close_store()
    with pytest.raises(store_db.RecoveryKeyRefused, match="no recovery key"):
        profile.unlock_with_recovery_key(profile_dir, recovery.new_recovery_key(), NEW, NEW)


# --- older profiles -----------------------------------------------------------------------------------------


def test_an_older_profile_is_converted_recovered_and_the_old_passphrase_no_longer_opens_it(tmp_path: Path) -> None:
    folder = tmp_path / "older"
    store = create_format1(folder)
    for i in range(50):
        people.create_person({"family_name": f"Shevchenko{i}", "notes": "x" * 200})
    old_key, salt = store.db._key_material
    backup.make_backup()
    store_db.close_store()
    assert _profile_json(folder)["format"] == 1 and _opens_directly(folder, old_key)

    profile.unlock(folder, PASSPHRASE)  # converted on the way
    settings = meta.key_settings(folder)
    assert settings.fmt == meta.FORMAT and settings.pending is None and len(settings.retired) == 1
    assert people.count_people() == 50 and integrity.check() == []
    new_key = store_db.current().db._key_material[0]
    assert new_key != old_key and _opens_directly(folder, new_key) and not _opens_directly(folder, old_key)
    assert not (folder / "begleiter.db.rekey").exists()
    # The backup made before still opens, under the old key kept wrapped under the new one.
    materials = store_db.key_materials(folder, (new_key, salt))
    assert (old_key, salt) in materials
    backup.verify(backup.backups(folder)[-1], materials[1])
    assert backup.describe(backup.backups(folder)[-1], (new_key, salt)).people == 50
    # Restored, it is copied under the current key: the profile opens with its passphrase as before.
    people.create_person({"family_name": "After the backup"})
    store_db.close_store()
    backup.restore(folder, backup.backups(folder)[-1], (new_key, salt))
    profile.unlock(folder, PASSPHRASE)
    assert people.count_people() == 50 and integrity.check() == []

    recovery_key = profile.make_recovery_key()
    store_db.close_store()
    profile.unlock_with_recovery_key(folder, recovery_key, NEW, NEW)
    assert people.count_people() == 50
    store_db.close_store()
    with pytest.raises(WrongPassphrase):
        profile.unlock(folder, PASSPHRASE)
    assert not _opens_directly(folder, store_db.derive_key(PASSPHRASE, salt, settings.iterations))
    profile.unlock(folder, NEW)
    assert people.count_people() == 50


@pytest.mark.parametrize("cut", ["before-pending", "before-swap", "after-swap"])
def test_a_conversion_cut_short_at_any_step_opens_with_the_passphrase(tmp_path: Path, monkeypatch, cut: str) -> None:
    folder = tmp_path / "older"
    create_format1(folder)
    for i in range(30):
        people.create_person({"family_name": f"Bondarenko{i}"})
    store_db.close_store()

    class Cut(Exception):
        pass

    def stop(*_args, **_kwargs):
        raise Cut

    if cut == "before-pending":
        monkeypatch.setattr(meta, "record_pending", stop)
    elif cut == "before-swap":
        monkeypatch.setattr(store_db.os, "replace", stop)
    else:
        monkeypatch.setattr(meta, "record_wrapped_key", stop)
    with pytest.raises(Cut):
        profile.unlock(folder, PASSPHRASE)
    monkeypatch.undo()
    store_db.close_store()
    with pytest.raises(WrongPassphrase):
        profile.unlock(folder, "not the passphrase")
    profile.unlock(folder, PASSPHRASE)
    assert people.count_people() == 30 and integrity.check() == []
    assert meta.key_settings(folder).fmt == meta.FORMAT and meta.key_settings(folder).pending is None
    assert not (folder / "begleiter.db.rekey").exists()


_KILLED_CHILD = """
import sys
from pathlib import Path
from desktop.core import profile
from desktop.core.store import db as store_db
folder, action = Path(sys.argv[1]), sys.argv[2]
old, new = sys.argv[3], sys.argv[4]
if action == "convert":
    profile.unlock(folder, old)
else:
    profile.unlock(folder, old)
    profile.change_passphrase(old, new, new)
print("done", flush=True)
"""


@pytest.mark.timeout(300)
def test_killed_while_converting_or_changing_the_passphrase_it_opens_with_the_old_or_the_new(tmp_path: Path) -> None:
    """SIGKILL at random moments of a conversion and of a passphrase change: afterwards the profile opens
    with the old passphrase or the new one, holds everything, and passes its check."""
    rng = random.Random(11)
    folder = tmp_path / "older"
    create_format1(folder)
    for i in range(400):
        people.create_person({"family_name": f"Tkachenko{i}", "notes": "x" * 500})
    store_db.close_store()
    passphrases = [PASSPHRASE]
    kills = finished = 0
    window = 1.5  # shrinks to how long an uninterrupted child takes, so the kills land inside the work
    for round_ in range(16):
        action = "convert" if meta.key_settings(folder).fmt == meta.FORMAT_DERIVED_KEY else "change"
        old = passphrases[-1]
        new = f"passphrase number {round_} for the kill test"
        child = subprocess.Popen(
            [sys.executable, "-c", _KILLED_CHILD, str(folder), action, old, new],
            cwd=ROOT,
            env={**os.environ},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        started = time.monotonic()
        deadline = started + rng.uniform(0.05, window)
        while child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            kills += 1
        else:
            window = min(window, time.monotonic() - started)
        out = child.communicate()[0]
        finished += b"done" in out
        opened = None
        for candidate in (new, old):
            try:
                profile.unlock(folder, candidate)
                opened = candidate
                break
            except WrongPassphrase:
                continue
        assert opened is not None, f"round {round_}: neither passphrase opens the profile"
        assert people.count_people() == 400 and integrity.check() == []
        store_db.close_store()
        if opened != passphrases[-1]:
            passphrases.append(opened)
    assert kills >= 6 and finished >= 1


# --- the command line ---------------------------------------------------------------------------------------


def test_cli_rekey_recovery_sheet_and_recover(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from tests.test_cli import run_cli

    folder = tmp_path / "p"
    env = {"BEGLEITER_PASSPHRASE": PASSPHRASE}
    created = run_cli("--data-dir", str(folder), "init", "--language", "en", env=env)
    assert created.returncode == 0, created.stderr
    sheet_file = tmp_path / "sheet.pdf"
    made = run_cli("--data-dir", str(folder), "recovery-sheet", "--out", str(sheet_file), env=env)
    assert made.returncode == 0, made.stderr
    text = "".join(page.extract_text() for page in PdfReader(sheet_file).pages)
    assert "Wiederherstellungsschlüssel" in text and "Ключ відновлення" in text
    groups = [g for g in text.split() if len(g) == 5 and all(c in recovery.ALPHABET for c in g)]
    key = "-".join(groups[:6])
    assert recovery.normalise(key) == key

    # rekey: the new passphrase from the environment; the old one stops opening.
    changed = run_cli("--data-dir", str(folder), "rekey", env={**env, "BEGLEITER_NEW_PASSPHRASE": NEW})
    assert changed.returncode == 0, changed.stderr
    assert run_cli("--data-dir", str(folder), "check", env=env).returncode != 0
    assert run_cli("--data-dir", str(folder), "check", env={"BEGLEITER_PASSPHRASE": NEW}).returncode == 0
    too_short = run_cli(
        "--data-dir", str(folder), "rekey", env={"BEGLEITER_PASSPHRASE": NEW, "BEGLEITER_NEW_PASSPHRASE": "x"}
    )
    assert too_short.returncode != 0 and "Traceback" not in too_short.stderr

    # recover: a mistyped key is named as such; the printed key and a new passphrase open it.
    typo = run_cli(
        "--data-dir", str(folder), "recover", env={"BEGLEITER_RECOVERY_KEY": key[:-1], "BEGLEITER_NEW_PASSPHRASE": NEW}
    )
    assert typo.returncode != 0 and "six groups" in typo.stderr
    third = "third passphrase after recovery"
    recovered = run_cli(
        "--data-dir",
        str(folder),
        "recover",
        env={"BEGLEITER_RECOVERY_KEY": key.lower(), "BEGLEITER_NEW_PASSPHRASE": third},
    )
    assert recovered.returncode == 0, recovered.stderr
    assert run_cli("--data-dir", str(folder), "check", env={"BEGLEITER_PASSPHRASE": NEW}).returncode != 0
    assert run_cli("--data-dir", str(folder), "check", env={"BEGLEITER_PASSPHRASE": third}).returncode == 0
    # A new sheet makes the printed key useless.
    again = run_cli(
        "--data-dir",
        str(folder),
        "recovery-sheet",
        "--out",
        str(tmp_path / "2.pdf"),
        env={"BEGLEITER_PASSPHRASE": third},
    )
    assert again.returncode == 0
    old_key = run_cli(
        "--data-dir", str(folder), "recover", env={"BEGLEITER_RECOVERY_KEY": key, "BEGLEITER_NEW_PASSPHRASE": NEW}
    )
    assert old_key.returncode != 0 and "does not open" in old_key.stderr


# --- growing delays -------------------------------------------------------------------------------------------


def _age_failures(folder: Path, seconds: float) -> None:
    """Move the last wrong try ``seconds`` into the past (instead of waiting for it)."""
    import datetime as dt

    data = _profile_json(folder)
    last = dt.datetime.fromisoformat(data["failed_unlocks"]["last"]) - dt.timedelta(seconds=seconds)
    data["failed_unlocks"]["last"] = last.isoformat(timespec="milliseconds")
    (folder / "profile.json").write_text(json.dumps(data))


def test_the_delays_grow_after_the_third_wrong_try_and_end_with_the_right_one(store, profile_dir: Path) -> None:
    from desktop.core.keys import delay

    assert [delay.delay_after(n) for n in range(0, 12)] == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]
    store_db.close_store()
    for _try in range(4):
        with pytest.raises(WrongPassphrase):
            profile.unlock(profile_dir, "not it")
    assert 0 < profile.unlock_wait(profile_dir) <= 1
    with pytest.raises(profile.TryLater, match="wait 1 s"):
        profile.unlock(profile_dir, PASSPHRASE)  # even the right one waits
    _age_failures(profile_dir, 1.5)
    with pytest.raises(WrongPassphrase):
        profile.unlock(profile_dir, "still not")
    assert 1 < profile.unlock_wait(profile_dir) <= 2
    _age_failures(profile_dir, 2.5)
    with pytest.raises(WrongPassphrase):  # a wrong recovery key counts as a wrong try
        profile.check_recovery_key(profile_dir, recovery.new_recovery_key())
    with pytest.raises(profile.TryLater, match="wait 4 s"):
        profile.unlock(profile_dir, PASSPHRASE)
    _age_failures(profile_dir, 5)
    profile.unlock(profile_dir, PASSPHRASE)
    assert profile.unlock_wait(profile_dir) == 0


def test_the_cli_waits_out_the_delay(store, profile_dir: Path, monkeypatch, capsys) -> None:
    from desktop import cli

    store_db.close_store()
    for _try in range(5):
        with pytest.raises(WrongPassphrase):
            profile.unlock(profile_dir, "not it")
        _age_failures(profile_dir, 60)
    _age_failures(profile_dir, -60)  # the fifth wrong try just now
    slept: list[float] = []

    def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        _age_failures(profile_dir, seconds + 0.1)

    monkeypatch.setattr(cli.time, "sleep", fake_sleep)
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    assert cli.main(["--data-dir", str(profile_dir), "digest"]) == cli.EXIT_OK
    assert slept and 1 < slept[0] <= 2 and "waiting" in capsys.readouterr().err


def test_a_mistyped_recovery_key_is_not_counted_as_a_guess(store, profile_dir: Path) -> None:
    key = profile.make_recovery_key()
    store_db.close_store()
    for _try in range(6):
        with pytest.raises(store_db.RecoveryKeyMistyped):
            profile.check_recovery_key(profile_dir, key[:-1])
    assert profile.unlock_wait(profile_dir) == 0 and "failed_unlocks" not in _profile_json(profile_dir)
    with pytest.raises(store_db.RecoveryKeyRefused):
        profile.check_recovery_key(profile_dir, recovery.new_recovery_key())  # well formed, not this one: counted
    assert _profile_json(profile_dir)["failed_unlocks"]["count"] == 1
