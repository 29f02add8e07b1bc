"""What the app leaves on disk: no stale backup copies, private file modes, no profile on a network share
(a warning in a cloud-synced folder), the local data folder on Windows, an orderly exit on SIGTERM and
crash reports without home-folder paths."""

from __future__ import annotations

import datetime as dt
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path, PureWindowsPath

import pytest

from desktop import cli, paths
from desktop.core import logs, profile, storage
from desktop.core.store import backup
from desktop.core.store import db as store_db
from tests.conftest import PASSPHRASE, TEST_KDF

PYTHON = sys.executable
POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes and signals")
CLI = "from desktop.__main__ import cli_entry; raise SystemExit(cli_entry())"


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "BEGLEITER_PASSPHRASE": PASSPHRASE, **extra}
    env.pop("QT_QPA_PLATFORM", None)
    return env


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, "-c", CLI, *args], capture_output=True, text=True, env=_env(), timeout=120, **kwargs)


# --- 1. interrupted backups --------------------------------------------------------------------------


def _partials(profile_dir: Path) -> list[str]:
    return sorted(p.name for p in (profile_dir / "backups").glob(".begleiter-*.partial*"))


def test_the_remains_of_an_interrupted_backup_are_removed(store, profile_dir: Path) -> None:
    folder = profile_dir / "backups"
    for name in (".begleiter-20250101-000000.partial", ".begleiter-20250101-000000.partial-journal"):
        (folder / name).write_bytes(b"an old encrypted copy")
    (folder / ".begleiter-20250102-000000.partial-wal").write_bytes(b"")
    backup.make_backup()
    assert _partials(profile_dir) == []
    # Rotation counts and keeps only finished backups; nothing unfinished survives it either.
    for day in range(backup.KEEP + 2):
        (folder / f".begleiter-20250103-{day:02d}0000.partial").write_bytes(b"x")
        backup.make_backup(dt.datetime(2026, 1, 1 + day))
    assert _partials(profile_dir) == []
    # Today's, 8 to 13 January and the newest of the ISO week before (Sunday 4 January).
    assert len(backup.backups(profile_dir)) == 8
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith("begleiter-")) == [
        p.name for p in backup.backups(profile_dir)
    ]


def test_a_failed_backup_leaves_no_partial_files(store, profile_dir: Path, monkeypatch) -> None:
    def damaged(path: Path) -> None:
        path.with_name(path.name + "-wal").write_bytes(b"")  # as a verifying connection might leave
        raise backup.BackupError("backup failed verification")

    monkeypatch.setattr(backup, "verify", damaged)
    with pytest.raises(backup.BackupError):
        backup.make_backup()
    assert _partials(profile_dir) == []


@POSIX_ONLY
def test_a_backup_killed_midway_is_cleaned_up_by_the_next_one(store, profile_dir: Path) -> None:
    store_db.close_store()
    child = (
        "import sys, time\n"
        "from desktop.core.store import backup\n"
        "def slow(path):\n"
        "    print('written', flush=True)\n"
        "    time.sleep(60)\n"
        "backup.verify = slow\n"
        "from desktop.__main__ import cli_entry\n"
        "raise SystemExit(cli_entry())\n"
    )
    proc = subprocess.Popen(
        [PYTHON, "-c", child, "--data-dir", str(profile_dir), "backup"],
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "written"
        proc.kill()  # SIGKILL: no clean-up can run
        proc.wait(timeout=30)
    finally:
        proc.kill()
    assert _partials(profile_dir)  # the situation the audit found
    time.sleep(1.1)  # the next backup has another time stamp, so another name
    result = _cli("--data-dir", str(profile_dir), "backup")
    assert result.returncode == 0, result.stderr
    assert _partials(profile_dir) == []
    assert len(backup.backups(profile_dir)) == 1


@POSIX_ONLY
def test_a_partial_another_process_is_writing_is_left_alone(store, profile_dir: Path, monkeypatch) -> None:
    import fcntl

    folder = profile_dir / "backups"
    writing = folder / ".begleiter-20250101-000000.partial"
    writing.write_bytes(b"being written")
    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another process's lock (flock locks differ per open file)
    try:
        monkeypatch.setattr(backup, "LOCK_TIMEOUT", 0.3)
        with pytest.raises(backup.BackupError):
            backup.make_backup()
        assert writing.exists()
    finally:
        os.close(fd)
    backup.make_backup()
    assert not writing.exists()


# --- 2. private file modes ---------------------------------------------------------------------------


def _readable_by_others(folder: Path) -> list[str]:
    found = []
    for root, dirs, files in os.walk(folder):
        for name in (".", *dirs, *files):
            path = Path(root, name)
            if not path.is_symlink() and path.lstat().st_mode & 0o077:
                found.append(f"{oct(stat.S_IMODE(path.lstat().st_mode))} {path.relative_to(folder)}")
    return found


@POSIX_ONLY
def test_nothing_the_cli_writes_is_readable_by_others(tmp_path: Path) -> None:
    folder = tmp_path / "profile"
    old = os.umask(0o022)  # a usual desktop umask, inherited by the child
    try:
        assert _cli("--data-dir", str(folder), "init", "--language", "en", "--volunteer", "Anna").returncode == 0
        assert _cli("--data-dir", str(folder), "demo", "--people", "20").returncode == 0
        assert _cli("--data-dir", str(folder), "backup").returncode == 0
        assert _cli("--data-dir", str(folder), "check").returncode == 0
    finally:
        os.umask(old)
    names = {p.name for p in folder.rglob("*")}
    assert {"begleiter.db", "begleiter.log", "profile.json", "backups", "logs", "cache"} <= names
    assert any(n.endswith(".db") and n.startswith("begleiter-") for n in names)
    assert _readable_by_others(folder) == []


@POSIX_ONLY
def test_the_gui_entry_point_sets_a_private_umask_first() -> None:
    code = (
        "import os, desktop.app as a\n"
        "a.main = lambda args: print(oct(os.umask(0o022))) or 0\n"
        "from desktop.__main__ import gui_entry\n"
        "raise SystemExit(gui_entry([]))\n"
    )
    old = os.umask(0o022)
    try:
        result = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, env=_env(), timeout=60)
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0o77"


@POSIX_ONLY
def test_opening_a_profile_made_by_an_older_version_makes_it_private(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    old = os.umask(0o022)
    try:
        profile.create(folder, PASSPHRASE, language="en", device_name="d", volunteer_name="V", kdf_iterations=TEST_KDF)
        backup.make_backup()
        (folder / "window.ini").write_text("[main]\n")
        (folder / "forms").mkdir()
        (folder / "forms" / "blank.pdf").write_bytes(b"%PDF")
        store_db.close_store()
        for path in [folder, *folder.rglob("*")]:  # as an older version left them
            path.chmod(0o755 if path.is_dir() else 0o644)
        assert _readable_by_others(folder)
        profile.unlock(folder, PASSPHRASE)
        assert _readable_by_others(folder) == []
        logs.setup_logging(folder)
        logs.enable_crash_file(folder)
        backup.make_backup(dt.datetime(2026, 2, 2))
        assert _readable_by_others(folder) == []
    finally:
        os.umask(old)


def test_make_private_leaves_windows_alone(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "f").write_text("x")
    before = (tmp_path / "f").stat().st_mode
    monkeypatch.setattr(storage.os, "name", "nt")
    storage.make_private(tmp_path)
    monkeypatch.undo()
    assert (tmp_path / "f").stat().st_mode == before


# --- 3. where a profile may live ---------------------------------------------------------------------

MOUNTS = """\
/dev/sda2 / ext4 rw,relatime 0 0
nas:/export/home /mnt/nas nfs4 rw,relatime 0 0
/dev/sdb1 /mnt/nas2 ext4 rw 0 0
//fs/team /mnt/team\\040share cifs rw 0 0
anna@host:/srv /home/anna/remote fuse.sshfs rw 0 0
tmpfs /mnt/nas/local tmpfs rw 0 0
/dev/sdc1 /media/usb vfat rw 0 0
server:/x /media/usb nfs rw 0 0
"""


def test_the_mount_table_is_parsed_with_escapes_and_the_longest_prefix_wins() -> None:
    table = storage.parse_proc_mounts(MOUNTS)
    assert ("/mnt/team share", "cifs") in table
    assert storage.filesystem_type(Path("/mnt/nas/Begleiter"), table) == "nfs4"
    assert storage.filesystem_type(Path("/mnt/nas2/Begleiter"), table) == "ext4"  # not a prefix by letters
    assert storage.filesystem_type(Path("/mnt/nas/local/x"), table) == "tmpfs"
    assert storage.filesystem_type(Path("/media/usb/p"), table) == "nfs"  # mounted over the first one
    assert storage.filesystem_type(Path("/home/anna/remote/p"), table) == "fuse.sshfs"
    assert storage.filesystem_type(Path("/home/anna/p"), table) == "ext4"


@pytest.mark.parametrize(
    ("folder", "network"),
    [
        ("/mnt/nas/Begleiter", True),
        ("/mnt/team share/B", True),
        ("/home/anna/remote/B", True),
        ("/mnt/nas2/B", False),
        ("/home/anna/B", False),
        ("/mnt/nas/local/B", False),
    ],
)
def test_network_shares_are_recognised(folder: str, network: bool) -> None:
    assert storage.is_network_share(folder, mounts=storage.parse_proc_mounts(MOUNTS)) is network


def test_macos_mount_output_is_parsed() -> None:
    text = (
        "/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)\n"
        "//anna@nas._smb._tcp.local/Team on /Volumes/Team Share (smbfs, nodev, nosuid, mounted by anna)\n"
    )
    table = storage.parse_mac_mounts(text)
    assert table == [("/", "apfs"), ("/Volumes/Team Share", "smbfs")]
    assert storage.filesystem_type(Path("/Volumes/Team Share/Begleiter"), table) == "smbfs"


def test_windows_unc_paths_and_mapped_drives_are_network_shares() -> None:
    def drive_type(root: str) -> int:
        return {"Z:\\": storage.DRIVE_REMOTE}.get(root, 3)  # 3: DRIVE_FIXED

    assert storage.windows_network_path(PureWindowsPath(r"\\server\share\Begleiter"), drive_type)
    assert storage.windows_network_path(PureWindowsPath(r"\\?\UNC\server\share\Begleiter"), drive_type)
    assert storage.windows_network_path(PureWindowsPath(r"Z:\Begleiter"), drive_type)
    assert not storage.windows_network_path(PureWindowsPath(r"C:\Users\anna\AppData\Local\Begleiter"), drive_type)
    assert not storage.windows_network_path(PureWindowsPath(r"\\?\C:\Begleiter"), drive_type)


@pytest.fixture
def nfs_home(tmp_path: Path, monkeypatch) -> Path:
    """tmp_path/nfs is an NFS mount as far as the app can tell."""
    table = tmp_path / "mounts"
    share = tmp_path.resolve() / "nfs"
    table.write_text(f"/dev/sda2 / ext4 rw 0 0\nnas:/export {share} nfs4 rw 0 0\n")
    monkeypatch.setattr(storage, "MOUNTS_FILE", table)
    share.mkdir()
    return share


def test_a_profile_is_neither_created_nor_opened_on_a_network_share(nfs_home: Path, tmp_path: Path) -> None:
    with pytest.raises(storage.NetworkShare) as refused:
        profile.create(
            nfs_home / "B", PASSPHRASE, language="en", device_name="d", volunteer_name="V", kdf_iterations=TEST_KDF
        )
    assert "network share" in str(refused.value) and "\n" not in str(refused.value)
    assert not (nfs_home / "B").exists()
    local = tmp_path / "local"
    profile.create(local, PASSPHRASE, language="en", device_name="d", volunteer_name="V", kdf_iterations=TEST_KDF)
    store_db.close_store()
    local.rename(nfs_home / "moved")  # copied onto the share later
    with pytest.raises(storage.NetworkShare):
        profile.unlock(nfs_home / "moved", PASSPHRASE)


def test_cli_init_refuses_a_network_share_before_asking_for_a_passphrase(nfs_home: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "_passphrase", lambda *a, **k: pytest.fail("asked for a passphrase"))
    assert cli.main(["--data-dir", str(nfs_home / "B"), "init"]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "network share" in err
    assert not (nfs_home / "B").exists()


@pytest.mark.parametrize(
    "parts",
    [
        ("Dropbox", "Begleiter"),
        ("dropbox",),
        ("OneDrive - Diakonie Sachsen", "B"),
        ("Google Drive", "B"),
        ("My Drive",),
        ("iCloud Drive", "B"),
        ("iCloudDrive",),
        ("Library", "CloudStorage", "GoogleDrive-anna@example.org", "B"),
        ("Nextcloud", "B"),
        ("ownCloud",),
        ("Seafile",),
        ("pCloud Drive",),
        ("MEGA",),
        ("Sync",),
        ("Box", "B"),
    ],
)
def test_cloud_synced_folders_are_recognised(tmp_path: Path, parts: tuple[str, ...]) -> None:
    assert storage.cloud_sync_service(tmp_path.joinpath(*parts)) is not None
    warning = storage.profile_location_warning(tmp_path.joinpath(*parts))
    assert warning and "\n" not in warning


def test_ordinary_folders_get_no_warning(tmp_path: Path) -> None:
    for parts in [("Documents", "Begleiter"), ("Dropboxes",), ("Boxes", "Begleiter"), ("megabytes",)]:
        assert storage.profile_location_warning(tmp_path.joinpath(*parts)) is None


def test_a_syncthing_folder_is_recognised_by_its_marker(tmp_path: Path) -> None:
    synced = tmp_path / "Shared"
    (synced / ".stfolder").mkdir(parents=True)
    assert storage.cloud_sync_service(synced / "deep" / "Begleiter") == "Syncthing"
    assert storage.cloud_sync_service(tmp_path / "elsewhere") is None


def test_a_symlink_into_a_synced_folder_is_followed(tmp_path: Path) -> None:
    (tmp_path / "Dropbox" / "B").mkdir(parents=True)
    (tmp_path / "Begleiter").symlink_to(tmp_path / "Dropbox" / "B")
    assert storage.cloud_sync_service(tmp_path / "Begleiter") == "Dropbox"


def test_cli_warns_once_at_init_and_once_per_command(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    folder = tmp_path / "Dropbox" / "Begleiter"
    assert cli.main(["--data-dir", str(folder), "init", "--language", "en", "--volunteer", "Anna"]) == 0
    out = capsys.readouterr()
    assert out.err.count("begleiter-cli:") == 1 and out.err.count("\n") == 1
    assert "synchronised by Dropbox" in out.err
    assert "Created a new profile" in out.out
    store_db.close_store()
    assert cli.main(["--data-dir", str(folder), "digest"]) == 0
    assert capsys.readouterr().err.count("begleiter-cli: The profile folder") == 1
    assert cli.main(["translit", "Київ"]) == 0  # no profile involved: no warning
    assert capsys.readouterr().err == ""


# --- 4. the default folder on Windows ----------------------------------------------------------------


def test_the_default_profile_folder_is_not_the_roaming_one(monkeypatch) -> None:
    seen: dict[str, object] = {}

    def user_data_dir(*args, **kwargs) -> str:
        seen.update(kwargs)
        return "/somewhere/Begleiter"

    monkeypatch.setattr(paths.platformdirs, "user_data_dir", user_data_dir)
    assert paths.profile_dir() == Path("/somewhere/Begleiter")
    assert seen.get("roaming") is False


# --- 5. SIGTERM ----------------------------------------------------------------------------------------


@POSIX_ONLY
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_cli_sigterm_during_a_save_leaves_no_temporary_file(tmp_path: Path, signum: int) -> None:
    folder = tmp_path / "profile"
    child = (
        "import os, time\n"
        "def slow(fd):\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(60)\n"
        "os.fsync = slow\n"
        "from desktop.__main__ import cli_entry\n"
        "raise SystemExit(cli_entry())\n"
    )
    proc = subprocess.Popen(
        [PYTHON, "-c", child, "--data-dir", str(folder), "init", "--language", "en"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        assert list(folder.glob(".*.tmp"))  # the temporary file exists while it is written
        proc.send_signal(signum)
        code = proc.wait(timeout=30)
    finally:
        proc.kill()
    assert code == 128 + signum
    assert list(folder.glob(".*.tmp")) == []


@POSIX_ONLY
def test_gui_sigterm_ends_nested_event_loops_with_128_plus_the_signal() -> None:
    child = (
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QDialog\n"
        "from desktop import app\n"
        "qapp = app.create_application(['begleiter'])\n"
        "termination = app.Termination(qapp)\n"
        "def modal():\n"
        "    print('ready', flush=True)\n"
        "    print('dialog', QDialog().exec(), flush=True)\n"
        "QTimer.singleShot(0, modal)\n"
        "code = qapp.exec()\n"
        "print('exit', code, termination.code, flush=True)\n"
    )
    proc = subprocess.Popen(
        [PYTHON, "-c", child],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**_env(), "QT_QPA_PLATFORM": "offscreen"},
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(0.3)  # the dialog's loop is waiting in Qt's C++ code
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert out.split("\n")[:2] == ["dialog 0", "exit 143 143"]


# --- 6. crash reports ----------------------------------------------------------------------------------


def test_a_hard_crash_report_loses_the_home_folder_path(tmp_path: Path, profile_dir: Path) -> None:
    home = tmp_path / "home" / "olena.petrenko" / "src"
    home.mkdir(parents=True)
    (home / "crashme.py").write_text("import faulthandler\n\ndef boom():\n    faulthandler._sigsegv()\n")
    code = (
        "import sys; from pathlib import Path; from desktop.core import logs\n"
        f"logs.enable_crash_file(Path({str(profile_dir)!r}))\n"
        f"sys.path.insert(0, {str(home)!r}); import crashme; crashme.boom()\n"
    )
    result = subprocess.run([PYTHON, "-c", code], capture_output=True, env=_env())
    assert result.returncode != 0
    assert "olena.petrenko" in (profile_dir / "logs" / "crash.txt").read_text()  # faulthandler's own output
    report = logs.take_crash_report(profile_dir)
    assert report and "Segmentation fault" in report and 'File "crashme.py", line 4 in boom' in report
    assert "olena.petrenko" not in report and str(tmp_path) not in report
    kept = (profile_dir / "logs" / "crash-previous.txt").read_text()
    assert "olena.petrenko" not in kept and "crashme.py" in kept
    assert not (profile_dir / "logs" / "crash.txt").exists()
