"""Transports of bundles: safe names, verified atomic writes, e-mail drafts, the watched sync folder."""

from __future__ import annotations

import errno
import hashlib
import inspect
import os
import re
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from desktop import i18n
from desktop.core.sync import transport
from desktop.core.sync.transport import (
    REASON_SUFFIX,
    SyncFolder,
    TransportError,
    bundle_file_name,
    eml_draft,
    is_bundle_name,
    quarantine_copy,
    sha256_of,
    write_verified,
)

WHEN = datetime(2026, 12, 2, 21, 31)
DATA = bytes(range(256)) * 40 + b"age-encryption.org/v1"


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- names ----------------------------------------------------------------------------------------------


def test_name_is_plain_ascii_with_team_laptop_and_time() -> None:
    name = bundle_file_name("Нова команда", "Ноутбук Олени", WHEN)
    assert name == "Begleiter_Nova-komanda_Noutbuk-Oleny_2026-12-02_2131.age"
    assert is_bundle_name(name)


@pytest.mark.parametrize(
    "team, device",
    [
        ('a/b\\c:d*e?f"g<h>i|j', "../../etc/passwd"),
        ("Team\x00\n\t", "CON"),
        ("  ..  ", "😀🙂"),
        ("Щ" * 500, "Münchner Straße " * 40),
        ("", ""),
    ],
)
def test_names_are_safe_on_every_file_system(team: str, device: str) -> None:
    name = bundle_file_name(team, device, WHEN)
    assert re.fullmatch(r"Begleiter_[A-Za-z0-9-]+_[A-Za-z0-9-]+_2026-12-02_2131\.age", name), name
    assert "--" not in name and "_-" not in name and "-_" not in name
    assert len(name) <= 120
    assert is_bundle_name(name)


def test_long_and_empty_parts_are_bounded_and_filled() -> None:
    long_name = bundle_file_name("Щ" * 500, "x" * 500, WHEN)
    _prefix, team, device, _day, _time = long_name.split("_")
    assert 0 < len(team) <= transport.NAME_PART_CHARS and team.startswith("SHCHSHCH")
    assert len(device) == transport.NAME_PART_CHARS
    assert bundle_file_name("///", "***", WHEN) == "Begleiter_team_laptop_2026-12-02_2131.age"


def test_aware_time_is_shown_in_local_time() -> None:
    aware = datetime(2026, 12, 2, 20, 31, tzinfo=UTC)
    assert bundle_file_name("t", "l", aware).endswith(f"{aware.astimezone():%Y-%m-%d_%H%M}.age")


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Begleiter_T_L_2026-12-02_2131.age", True),
        ("Begleiter_T_L_2026-12-02_2131 (2).AGE", True),
        ("anything.age", True),
        (".age", False),
        (".hidden.age", False),
        (".syncthing.Begleiter_T_L.age.tmp", False),
        ("~syncthing~Begleiter_T_L.age.tmp", False),
        (".~123abc", False),
        ("Begleiter_T_L.age.~1a2b", False),
        ("Begleiter_T_L.age.part", False),
        (".begleiter-abc123.tmp", False),
        ("Begleiter_T_L.age.reason.txt", False),
        ("Begleiter_T_L.eml", False),
        ("notes.txt", False),
    ],
)
def test_is_bundle_name(name: str, expected: bool) -> None:
    assert is_bundle_name(name) is expected


# --- verified atomic writes -----------------------------------------------------------------------------


def test_write_verified_writes_exact_bytes_and_never_overwrites(tmp_path: Path) -> None:
    first = write_verified(DATA, tmp_path, "b.age")
    second = write_verified(b"other", tmp_path, "b.age")
    third = write_verified(b"third", tmp_path, "b.age")
    assert (first.name, second.name, third.name) == ("b.age", "b (2).age", "b (3).age")
    assert first.read_bytes() == DATA and second.read_bytes() == b"other"
    assert _files(tmp_path) == ["b (2).age", "b (3).age", "b.age"]


def test_write_without_hard_links_still_never_overwrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """FAT32 and exFAT sticks have no hard links: the rename fallback must keep existing files too."""
    (tmp_path / "b.age").write_bytes(b"old")

    def no_links(*_args: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    path = write_verified(DATA, tmp_path, "b.age")
    assert path.name == "b (2).age" and path.read_bytes() == DATA
    assert (tmp_path / "b.age").read_bytes() == b"old"
    assert _files(tmp_path) == ["b (2).age", "b.age"]


@pytest.mark.parametrize(
    "code, words",
    [
        (errno.ENOSPC, "not enough free space"),
        (errno.EROFS, "write-protected"),
        (errno.EACCES, "no permission"),
        (errno.EIO, "read or write error"),
        (errno.ENOENT, "Was the stick removed?"),
    ],
)
def test_failed_fsync_leaves_nothing_and_names_the_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    def failing_fsync(_fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(TransportError) as caught:
        write_verified(DATA, tmp_path, "b.age")
    assert words in str(caught.value)
    assert "b.age" in str(caught.value)
    assert _files(tmp_path) == []


def test_failed_rename_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def read_only(*_args: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "link", read_only)
    monkeypatch.setattr(os, "rename", read_only)
    (tmp_path / "kept.age").write_bytes(b"kept")
    with pytest.raises(TransportError, match="read-only or write-protected"):
        write_verified(DATA, tmp_path, "b.age")
    assert _files(tmp_path) == ["kept.age"]


def test_message_is_in_the_users_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    i18n.set_language("de")
    with pytest.raises(TransportError) as german:
        write_verified(DATA, tmp_path, "b.age")
    i18n.set_language("uk")
    with pytest.raises(TransportError) as ukrainian:
        write_verified(DATA, tmp_path, "b.age")
    assert "Speicherplatz" in str(german.value)
    assert "місця" in str(ukrainian.value)


def test_read_back_mismatch_is_detected_and_the_file_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_read = os.read

    def flipped(fd: int, n: int) -> bytes:
        chunk = real_read(fd, n)
        return bytes([chunk[0] ^ 1]) + chunk[1:] if chunk else chunk

    monkeypatch.setattr(os, "read", flipped)
    with pytest.raises(TransportError, match="did not read back"):
        write_verified(DATA, tmp_path, "b.age")
    assert _files(tmp_path) == []


def test_read_back_drops_the_page_cache_on_linux(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(os, "posix_fadvise"):
        pytest.skip("no posix_fadvise here")
    advice: list[int] = []
    real = os.posix_fadvise

    def spy(fd: int, offset: int, length: int, what: int) -> None:
        advice.append(what)
        real(fd, offset, length, what)

    monkeypatch.setattr(os, "posix_fadvise", spy)
    write_verified(DATA, tmp_path, "b.age")
    assert advice == [os.POSIX_FADV_DONTNEED]


def test_missing_folder_is_refused_and_not_created(tmp_path: Path) -> None:
    stick = tmp_path / "STICK"
    with pytest.raises(TransportError, match="does not exist"):
        write_verified(DATA, stick, "b.age")
    assert not stick.exists()


def test_a_name_with_folders_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_verified(DATA, tmp_path, "../b.age")


# --- e-mail draft ---------------------------------------------------------------------------------------


def _draft(tmp_path: Path, data: bytes = DATA) -> Path:
    return eml_draft(
        data,
        "Begleiter_Kyiv_Laptop-1_2026-12-02_2131.age",
        team="Київ",
        device_name="Laptop 1\r\nBcc: someone@example.org",
        created=WHEN,
        folder=tmp_path,
    )


def test_eml_is_an_unsent_draft_with_the_bundle_attached(tmp_path: Path) -> None:
    path = _draft(tmp_path)
    assert path.name == "Begleiter_Kyiv_Laptop-1_2026-12-02_2131.eml"
    raw = path.read_bytes()
    assert b"\r\n" in raw
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert message["X-Unsent"] == "1"
    assert message["To"] is None and message["Bcc"] is None
    assert message["Message-ID"].endswith("@begleiter.invalid>")
    assert message["Date"].datetime.replace(tzinfo=None) == WHEN
    subject = str(message["Subject"])
    assert "Begleiter" in subject and "Київ" in subject and "Laptop 1" in subject and "2026-12-02" in subject
    attachments = list(message.iter_attachments())
    assert len(attachments) == 1
    part = attachments[0]
    assert part.get_content_type() == "application/octet-stream"
    assert part["Content-Transfer-Encoding"] == "base64"
    assert part.get_filename() == "Begleiter_Kyiv_Laptop-1_2026-12-02_2131.age"
    assert part.get_content() == DATA


def test_eml_body_speaks_german_ukrainian_and_english_and_holds_no_passphrase(tmp_path: Path) -> None:
    message = BytesParser(policy=policy.default).parsebytes(_draft(tmp_path).read_bytes())
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Datei › Austausch › Importieren…" in body
    assert "Файл › Обмін › Імпорт…" in body
    assert "File › Exchange › Import…" in body
    assert "Telefon" in body and "телефоном" in body and "by phone" in body
    # Every line that speaks of the passphrase says it comes by phone, not what it is.
    for line in body.splitlines():
        if re.search(r"passphrase|парольн", line, re.IGNORECASE):
            assert re.search(r"telefon|телефон|phone", line, re.IGNORECASE), line
            assert not re.search(r"(passphrase|фраз\w*)\s*(is|ist|—|-)?\s*[:=]", line, re.IGNORECASE), line
    parameters = set(inspect.signature(eml_draft).parameters)
    assert not {p for p in parameters if re.search(r"pass|secret|key|password", p)}


def test_eml_never_replaces_an_earlier_draft(tmp_path: Path) -> None:
    first = _draft(tmp_path, b"one")
    second = _draft(tmp_path, b"two")
    assert first != second and first.exists() and second.exists()


# --- sync folder ----------------------------------------------------------------------------------------


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sync(tmp_path: Path) -> tuple[SyncFolder, Path, Clock]:
    folder = tmp_path / "Nextcloud" / "Begleiter"
    folder.mkdir(parents=True)
    clock = Clock(1_800_000_000.0)
    return SyncFolder(folder, profile=tmp_path / "profile", clock=clock), folder, clock


def _put(folder: Path, name: str, data: bytes, mtime: float) -> Path:
    path = folder / name
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path


def _never(_digest: str) -> bool:
    return False


def test_settled_files_come_oldest_first_and_others_are_ignored(sync: tuple[SyncFolder, Path, Clock]) -> None:
    watched, folder, clock = sync
    old = clock.now - 3600
    _put(folder, "b.age", b"b", old - 10)
    _put(folder, "a.age", b"a", old)
    _put(folder, ".syncthing.c.age.tmp", b"c", old)
    _put(folder, "c.age.part", b"c", old)
    (folder / "sub").mkdir()
    _put(folder / "sub", "d.age", b"d", old)
    assert watched.incoming(_never) == []  # seen once: not yet settled
    clock.now += 6
    assert [p.name for p in watched.incoming(_never)] == ["b.age", "a.age"]


def test_a_growing_file_is_not_returned(sync: tuple[SyncFolder, Path, Clock]) -> None:
    watched, folder, clock = sync
    old = clock.now - 3600
    path = _put(folder, "g.age", b"part", old)  # a copy keeping the source's time, still growing
    watched.incoming(_never)
    clock.now += 6
    with path.open("ab") as fp:
        fp.write(b"more")
    os.utime(path, (old, old))
    assert watched.incoming(_never) == []
    clock.now += 2
    assert watched.incoming(_never) == []  # unchanged, but not for long enough
    clock.now += 4
    assert watched.incoming(_never) == [path]


def test_a_just_written_file_waits(sync: tuple[SyncFolder, Path, Clock]) -> None:
    watched, folder, clock = sync
    _put(folder, "new.age", b"new", clock.now - 1)
    watched.incoming(_never)
    clock.now += 3
    assert watched.incoming(_never) == []  # modified 4 s ago
    clock.now += 3
    assert [p.name for p in watched.incoming(_never)] == ["new.age"]


def test_seen_filters_by_sha256_and_hashes_are_cached(
    sync: tuple[SyncFolder, Path, Clock], monkeypatch: pytest.MonkeyPatch
) -> None:
    watched, folder, clock = sync
    known = _put(folder, "known.age", b"imported before", clock.now - 100)
    _put(folder, "fresh.age", b"not yet", clock.now - 100)
    imported = {hashlib.sha256(b"imported before").hexdigest()}
    assert sha256_of(known) in imported
    hashed: list[str] = []
    real = transport.sha256_of

    def counting(path: Path, limit: int | None = None) -> str:
        hashed.append(Path(path).name)
        return real(path, limit)

    monkeypatch.setattr(transport, "sha256_of", counting)
    watched.incoming(imported.__contains__)
    for _ in range(3):
        clock.now += 6
        assert [p.name for p in watched.incoming(imported.__contains__)] == ["fresh.age"]
    assert sorted(hashed) == ["fresh.age", "known.age"]  # each read once


def test_too_large_file_is_refused_by_sha256_and_offered_for_quarantine(
    sync: tuple[SyncFolder, Path, Clock], monkeypatch: pytest.MonkeyPatch
) -> None:
    watched, folder, clock = sync
    big = _put(folder, "big.age", b"x" * 2048, clock.now - 100)
    with pytest.raises(TransportError, match="too large"):
        sha256_of(big, limit=1024)
    monkeypatch.setattr(transport, "MAX_BUNDLE_BYTES", 1024)
    watched.incoming(_never)
    clock.now += 6
    assert watched.incoming(lambda _d: True) == [big]


def test_quarantine_moves_with_reason_and_never_overwrites(sync: tuple[SyncFolder, Path, Clock]) -> None:
    watched, folder, _clock = sync
    first = watched.quarantine(_put(folder, "bad.age", b"one", 0), "The bundle could not be opened.")
    second = watched.quarantine(_put(folder, "bad.age", b"two", 0), "Second reason.")
    assert not (folder / "bad.age").exists()
    assert first == folder / "quarantine" / "bad.age" and first.read_bytes() == b"one"
    assert second == folder / "quarantine" / "bad (2).age" and second.read_bytes() == b"two"
    assert (folder / "quarantine" / f"bad.age{REASON_SUFFIX}").read_text() == "The bundle could not be opened.\n"
    assert (folder / "quarantine" / f"bad (2).age{REASON_SUFFIX}").read_text() == "Second reason.\n"


def test_quarantine_skips_a_name_whose_reason_file_is_left_over(sync: tuple[SyncFolder, Path, Clock]) -> None:
    watched, folder, _clock = sync
    (folder / "quarantine").mkdir()
    (folder / "quarantine" / f"bad.age{REASON_SUFFIX}").write_text("older reason\n")
    moved = watched.quarantine(_put(folder, "bad.age", b"one", 0), "New reason.")
    assert moved.name == "bad (2).age"
    assert (folder / "quarantine" / f"bad.age{REASON_SUFFIX}").read_text() == "older reason\n"


def test_quarantine_of_a_file_elsewhere_is_refused(sync: tuple[SyncFolder, Path, Clock], tmp_path: Path) -> None:
    watched, _folder, _clock = sync
    with pytest.raises(ValueError):
        watched.quarantine(_put(tmp_path, "stick.age", b"x", 0), "reason")


def test_quarantine_copy_leaves_the_original(tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    original = _put(stick, "bad.age", b"bad bytes", 0)
    keep = tmp_path / "profile" / "quarantine"
    first = quarantine_copy(original, keep, "Wrong passphrase or not a bundle.")
    second = quarantine_copy(original, keep, "Again.")
    assert original.read_bytes() == b"bad bytes"
    assert first.read_bytes() == b"bad bytes" and first.parent == keep
    assert second.name == "bad (2).age"
    assert (keep / f"bad.age{REASON_SUFFIX}").read_text() == "Wrong passphrase or not a bundle.\n"


def test_quarantine_copy_of_an_unreadable_file_keeps_only_the_reason(tmp_path: Path) -> None:
    keep = tmp_path / "q"
    written = quarantine_copy(tmp_path / "vanished.age", keep, "The stick was removed.")
    assert written == keep / f"vanished.age{REASON_SUFFIX}"
    text = written.read_text()
    assert text.startswith("The stick was removed.\n") and "not kept" in text
    assert _files(keep) == [written.name]


def test_publish_writes_verified_and_never_replaces(sync: tuple[SyncFolder, Path, Clock]) -> None:
    watched, folder, _clock = sync
    one = watched.publish(DATA, "Begleiter_T_L_2026-12-02_2131.age")
    two = watched.publish(b"two", "Begleiter_T_L_2026-12-02_2131.age")
    assert one.read_bytes() == DATA and two.read_bytes() == b"two" and one != two
    assert _files(folder) == ["Begleiter_T_L_2026-12-02_2131 (2).age", "Begleiter_T_L_2026-12-02_2131.age"]
    with pytest.raises(ValueError):
        watched.publish(DATA, "notes.txt")


@pytest.mark.parametrize("where", ["profile", "profile/sync", "."])
def test_sync_folder_and_profile_must_not_overlap(tmp_path: Path, where: str) -> None:
    profile = tmp_path / "profile"
    (profile / "sync").mkdir(parents=True)
    with pytest.raises(TransportError, match="data folder"):
        SyncFolder(tmp_path / where, profile=profile)


def test_sync_folder_defaults_to_the_current_profile(profile_dir: Path) -> None:
    profile_dir.mkdir(parents=True, exist_ok=True)
    with pytest.raises(TransportError):
        SyncFolder(profile_dir / "exchange")
    SyncFolder(profile_dir.parent / "Nextcloud")


def test_a_sync_folder_that_is_gone_says_so(tmp_path: Path) -> None:
    watched = SyncFolder(tmp_path / "unmounted", profile=tmp_path / "profile")
    with pytest.raises(TransportError, match="cannot be read"):
        watched.incoming(_never)
