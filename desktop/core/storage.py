"""Where a profile may live, and keeping what the app writes private to the user.

DESIGN §4: the database is refused on a network share (SQLite's locking and fsync are not reliable there,
and the file would sit on someone else's server) and a cloud-synced folder earns a warning (the sync client
copies the open database, with its write-ahead log, to other machines and can damage it).

How a network share is recognised:

- Linux: the filesystem type of the mount holding the folder – the longest mount point in
  ``/proc/self/mounts`` that is a prefix of the folder (``os.statvfs`` does not tell the type);
- Windows: a UNC path (``\\\\server\\share``) or a drive letter that ``GetDriveTypeW`` calls remote;
- macOS: the same longest-prefix rule on the table printed by ``/sbin/mount`` (``… on /Volumes/x (smbfs, …)``).

A cloud-synced folder is one with a path component named like a sync client's folder (Dropbox, OneDrive,
Google Drive, …) or below a Syncthing folder (a ``.stfolder`` marker in it or a folder above).
"""

from __future__ import annotations

import logging
import os
import re
import signal
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from types import FrameType

from desktop.core.errors import UserError
from desktop.i18n import _

log = logging.getLogger(__name__)

#: Filesystem types (as /proc/self/mounts or macOS's mount name them) that live on another machine.
#: Not 9p: virtual machines and containers (WSL2's /mnt/c, some sandboxes' whole disk) use it for local disks.
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "sshfs",
        "fuse.sshfs",
        "afs",
        "davfs",
        "fuse.davfs2",
        "ncpfs",
        "coda",
        "ceph",
        "glusterfs",
        "fuse.glusterfs",
        "lustre",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gcsfuse",
        "fuse.gvfsd-fuse",
        "afpfs",
        "webdav",
    }
)

#: Folder names (compared case-insensitively with each path component) that sync clients create.
CLOUD_FOLDERS = {
    "dropbox": "Dropbox",
    "onedrive": "OneDrive",
    "google drive": "Google Drive",
    "my drive": "Google Drive",
    "icloud drive": "iCloud Drive",
    "iclouddrive": "iCloud Drive",
    "mobile documents": "iCloud Drive",  # macOS: ~/Library/Mobile Documents
    "nextcloud": "Nextcloud",
    "owncloud": "ownCloud",
    "seafile": "Seafile",
    "pcloud drive": "pCloud Drive",
    "mega": "MEGA",
    "sync": "Sync.com",
    "box": "Box",
}
#: Components starting like this are sync folders too: "OneDrive - Contoso", "Dropbox (Contoso)", and
#: macOS's ~/Library/CloudStorage/<Provider>-<account>.
CLOUD_PREFIXES = {
    "onedrive - ": "OneDrive",
    "onedrive-": "OneDrive",
    "dropbox (": "Dropbox",
    "dropbox-": "Dropbox",
    "googledrive-": "Google Drive",
    "box-": "Box",
}
#: macOS keeps every file provider's folder in ~/Library/CloudStorage; one not named above still counts.
MAC_CLOUD_STORAGE = "cloudstorage"
SYNCTHING_MARKER = ".stfolder"

#: Linux's mount table; tests point this at a fake one.
MOUNTS_FILE = Path("/proc/self/mounts")
MAC_MOUNT_COMMAND = ("/sbin/mount",)
DRIVE_REMOTE = 4  # GetDriveTypeW


class NetworkShare(UserError):
    """The profile folder is on a network share, where the database is not kept."""


# --- where a profile may live -------------------------------------------------------------------------


def _unescape_mount(text: str) -> str:
    """/proc/self/mounts writes space, tab, newline and backslash as octal escapes (\\040 …)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), text)


def parse_proc_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, filesystem type) for each line of /proc/self/mounts, in order."""
    table = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            table.append((_unescape_mount(fields[1]), fields[2]))
    return table


_MAC_MOUNT_LINE = re.compile(r"^.+? on (?P<point>/.*?) \((?P<type>[^,)]+)")


def parse_mac_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, type) from macOS's ``mount`` output: ``//u@nas/share on /Volumes/share (smbfs, …)``."""
    return [(m["point"], m["type"].strip()) for m in map(_MAC_MOUNT_LINE.match, text.splitlines()) if m]


def mount_table() -> list[tuple[str, str]]:
    """This machine's mounts (empty where they cannot be read: the folder then counts as local)."""
    try:
        if sys.platform == "darwin":
            run = subprocess.run(MAC_MOUNT_COMMAND, capture_output=True, text=True, timeout=5, check=False)
            return parse_mac_mounts(run.stdout)
        return parse_proc_mounts(MOUNTS_FILE.read_text(encoding="utf-8", errors="replace"))
    except (OSError, subprocess.SubprocessError):
        log.warning("mount table unreadable; the profile folder is taken to be local")
        return []


def filesystem_type(folder: PurePath, mounts: Iterable[tuple[str, str]]) -> str | None:
    """The type of the mount holding ``folder``: the longest mount point that is a prefix of it (the last
    one listed wins among equal mount points, as a later mount hides an earlier one)."""
    parts = PurePosixPath(folder).parts
    best: tuple[int, str] | None = None
    for point, fstype in mounts:
        point_parts = PurePosixPath(point).parts
        if parts[: len(point_parts)] == point_parts and (best is None or len(point_parts) >= best[0]):
            best = (len(point_parts), fstype)
    return best[1] if best else None


def _drive_type(root: str) -> int:
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined]


def windows_network_path(folder: PureWindowsPath, drive_type: Callable[[str], int] = _drive_type) -> bool:
    """A UNC path (\\\\server\\share, \\\\?\\UNC\\server\\share) or a drive letter mapped to a share."""
    drive = folder.drive
    upper = drive.upper()
    if upper.startswith(("\\\\?\\UNC\\", "\\\\.\\UNC\\")):
        return True
    if upper.startswith(("\\\\?\\", "\\\\.\\")):
        drive = drive[4:]
    elif drive.startswith("\\\\"):
        return True
    if len(drive) == 2 and drive[1] == ":":
        try:
            return drive_type(drive + "\\") == DRIVE_REMOTE
        except OSError:
            return False
    return False


def _real(folder: str | os.PathLike[str]) -> Path:
    """The folder with ``~`` and symbolic links resolved, also when it does not exist yet."""
    return Path(folder).expanduser().resolve()


def is_network_share(folder: str | os.PathLike[str], *, mounts: Iterable[tuple[str, str]] | None = None) -> bool:
    """True when ``folder`` (existing or not) lies on another machine's disk."""
    real = _real(folder)
    if os.name == "nt":
        return windows_network_path(PureWindowsPath(real))
    fstype = filesystem_type(real, mount_table() if mounts is None else mounts)
    return fstype is not None and fstype.lower() in NETWORK_FILESYSTEMS


def cloud_sync_service(folder: str | os.PathLike[str]) -> str | None:
    """The sync client whose folder holds ``folder``, or None."""
    given = Path(folder).expanduser().absolute()
    real = _real(folder)
    for path in (given, real):
        for part in path.parts:
            name = part.casefold()
            if name in CLOUD_FOLDERS:
                return CLOUD_FOLDERS[name]
            for prefix, service in CLOUD_PREFIXES.items():
                if name.startswith(prefix):
                    return service
        if MAC_CLOUD_STORAGE in (part.casefold() for part in path.parts):
            return "CloudStorage"
    for above in (real, *real.parents):
        try:
            if (above / SYNCTHING_MARKER).exists():
                return "Syncthing"
        except OSError:
            continue
    return None


def check_profile_location(folder: str | os.PathLike[str], *, mounts: Iterable[tuple[str, str]] | None = None) -> None:
    """Refuse (NetworkShare) a profile folder on a network share."""
    if is_network_share(folder, mounts=mounts):
        raise NetworkShare(
            _(
                "The profile folder {folder} is on a network share. Begleiter keeps the encrypted database only "
                "on this computer's own disk: choose a local folder."
            ).format(folder=str(folder))
        )


def profile_location_warning(folder: str | os.PathLike[str]) -> str | None:
    """A translated warning when ``folder`` is inside a cloud-synced folder, else None."""
    service = cloud_sync_service(folder)
    if service is None:
        return None
    return _(
        "The profile folder {folder} is synchronised by {service}. Sync services copy the database to other "
        "computers and can damage it while it is open: a local folder that is not synchronised is safer."
    ).format(folder=str(folder), service=service)


# --- private files ------------------------------------------------------------------------------------

PRIVATE_UMASK = 0o077


def private_umask() -> None:
    """Files and folders the process creates from now on are for this user only (POSIX; Windows has ACLs)."""
    if os.name == "posix":
        os.umask(PRIVATE_UMASK)


def make_private(folder: Path) -> None:
    """Take group and other permissions away from everything in ``folder`` (a profile made by an older
    version had 0644 files and 0755 folders). Symbolic links are not followed; POSIX only."""
    if os.name != "posix":
        return
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in (".", *dirs, *files):
            path = os.path.join(root, name)
            try:
                mode = os.lstat(path).st_mode
                if not stat.S_ISLNK(mode) and mode & 0o077:
                    os.chmod(path, stat.S_IMODE(mode) & ~0o077)
            except OSError:
                log.warning("could not make a file in the profile private")


# --- orderly exit on SIGTERM / SIGHUP ---------------------------------------------------------------


def termination_signals() -> list[signal.Signals]:
    """SIGTERM everywhere, SIGHUP where it exists (a closed terminal, a logout)."""
    found = [signal.SIGTERM]
    if os.name == "posix":
        found.append(signal.SIGHUP)
    return found


def _raise_system_exit(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def exit_on_termination(handler: Callable[[int, FrameType | None], None] = _raise_system_exit) -> None:
    """Turn SIGTERM/SIGHUP into an orderly exit: by default SystemExit(128 + signal), so ``finally`` and
    ``except BaseException`` clean-up (temporary files, the open database) runs. Main thread only."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in termination_signals():
        signal.signal(signum, handler)
