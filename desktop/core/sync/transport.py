"""Carrying bundles between laptops: a folder on a stick, an e-mail draft, a watched sync folder (no Qt).

A bundle is an opaque byte string here (an age file built elsewhere in this package). What this module adds
is the part a user trusts without seeing it: a file name that survives FAT32, NTFS and mail programs; a write
that is atomic, never overwrites and is read back from the device before it counts as done; and a watched
folder whose half-synced files are left alone until they have settled.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Callable
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from desktop import paths
from desktop.core import atomic
from desktop.core.atomic import atomic_write_text
from desktop.core.errors import UserError, os_reason
from desktop.core.input_files import InputRefused, open_input, read_input, size_text
from desktop.core.search.translit import kmu55
from desktop.i18n import _

log = logging.getLogger(__name__)

BUNDLE_SUFFIX = ".age"
BUNDLE_PREFIX = "Begleiter"
#: A larger file is no bundle of ours: it is neither hashed nor read, but refused (and quarantined).
MAX_BUNDLE_BYTES = 256 * 1024 * 1024
#: A file in a sync folder is taken only when it has kept its size and time this long (seconds).
SETTLE_SECONDS = 5.0
QUARANTINE_DIR = "quarantine"
REASON_SUFFIX = ".reason.txt"
#: Our own temporary files: hidden, and not ending in .age, so no reader takes one for a bundle.
TEMP_PREFIX = ".begleiter-"
TEMP_SUFFIX = ".tmp"
#: Longest team and laptop parts of a file name (characters, all ASCII after transliteration).
NAME_PART_CHARS = 32
#: "name (2).age" up to this number; beyond it the folder is full of copies and writing stops.
MAX_NUMBERED = 999

_CHUNK = 1024 * 1024
_NOT_NAME_CHARS = re.compile(r"[^A-Za-z0-9-]+")
_DASHES = re.compile(r"-{2,}")
_HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
#: Errors that mean the folder or its drive is no longer there (a stick pulled out while writing).
_GONE = {errno.ENOENT, errno.ENOTDIR, errno.ENODEV, errno.ENXIO, getattr(errno, "ESTALE", errno.ENOENT)}


class TransportError(UserError):
    """A bundle could not be written, read or moved; the message names the cause in the user's words."""


class _Mismatch(Exception):
    """The bytes read back from the device differ from the bytes written."""


# --- names ----------------------------------------------------------------------------------------------


def _name_part(text: str, fallback: str) -> str:
    """``text`` as ASCII letters, digits and single dashes, at most NAME_PART_CHARS long; never empty."""
    latin = kmu55(text).replace("ß", "ss").replace("ẞ", "SS")
    ascii_text = "".join(ch for ch in unicodedata.normalize("NFKD", latin) if not unicodedata.combining(ch))
    ascii_text = "".join(ch if ch.isascii() else "-" for ch in ascii_text)
    part = _DASHES.sub("-", _NOT_NAME_CHARS.sub("-", ascii_text)).strip("-")
    part = part[:NAME_PART_CHARS].strip("-")
    return part or fallback


def bundle_file_name(team: str, device_name: str, when: datetime) -> str:
    """``Begleiter_<team>_<laptop>_2026-12-02_2131.age``: a name every file system and mail program keeps.

    Cyrillic is transliterated (KMU-55), accents dropped, anything but ASCII letters, digits and '-' becomes
    one '-'; each part is at most NAME_PART_CHARS long and never empty. An aware ``when`` is shown in local
    time, a naive one as it is.
    """
    local = when.astimezone() if when.tzinfo is not None else when
    team_part = _name_part(team, "team")
    device_part = _name_part(device_name, "laptop")
    return f"{BUNDLE_PREFIX}_{team_part}_{device_part}_{local:%Y-%m-%d_%H%M}{BUNDLE_SUFFIX}"


def is_bundle_name(name: str) -> bool:
    """Whether a file called ``name`` is a bundle to read: ends in .age and is no hidden or temporary file.

    Left out: hidden files (also Syncthing's ``.syncthing.*.tmp``, Nextcloud's ``.~*`` and our own
    temporary files), Syncthing's Windows temporaries ``~syncthing~*.tmp``, partial downloads (``*.part``) and
    the reason files written beside quarantined bundles.
    """
    base = os.path.basename(name.replace("\\", "/"))
    lower = base.lower()
    if not base or base.startswith((".", "~")) or ".~" in base:
        return False
    if lower.endswith((".part", ".partial", ".tmp", ".crdownload", REASON_SUFFIX)):
        return False
    return lower.endswith(BUNDLE_SUFFIX) and len(base) > len(BUNDLE_SUFFIX)


def _check_plain_name(name: str) -> None:
    """A file name without folders (a programming error otherwise, not a user's)."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise ValueError(f"not a plain file name: {name!r}")


def _numbered(name: str, n: int) -> str:
    """``name`` for the n-th copy: ``x.age``, ``x (2).age``; ``x.age.reason.txt`` -> ``x (2).age.reason.txt``."""
    if n == 1:
        return name
    if name.endswith(REASON_SUFFIX):
        return _numbered(name[: -len(REASON_SUFFIX)], n) + REASON_SUFFIX
    stem, ext = os.path.splitext(name)
    return f"{stem} ({n}){ext}"


def _reason_path(path: Path) -> Path:
    return path.with_name(path.name + REASON_SUFFIX)


# --- writing --------------------------------------------------------------------------------------------


def _cause(exc: BaseException, name: str, folder: Path) -> str:
    """Why writing ``name`` into ``folder`` failed, as a sentence for the user."""
    place = str(folder)
    if isinstance(exc, _Mismatch):
        return _(
            "{name} was not saved: it did not read back from {place} as it was written; the drive may be "
            "failing. Please use another stick or folder."
        ).format(name=name, place=place)
    code = exc.errno if isinstance(exc, OSError) else None
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return _("{name} was not saved: there is not enough free space in {place}.").format(name=name, place=place)
    if code == errno.EROFS:
        return _(
            "{name} was not saved: {place} is read-only or write-protected (a stick may have a small lock switch)."
        ).format(name=name, place=place)
    if code in _GONE:
        return _("{name} was not saved: the folder {place} is gone. Was the stick removed?").format(
            name=name, place=place
        )
    if code == errno.EIO:
        return _(
            "{name} was not saved: the drive of {place} reported a read or write error; it may have been removed "
            "or be failing."
        ).format(name=name, place=place)
    if code in (errno.EACCES, errno.EPERM):
        return _("{name} was not saved: you have no permission to write in {place}.").format(name=name, place=place)
    return _("{name} was not saved: writing to {place} failed.").format(name=name, place=place)


def _require_folder(folder: Path) -> None:
    if not folder.exists():
        raise TransportError(_("The folder {place} does not exist. Was the stick removed?").format(place=str(folder)))
    if not folder.is_dir():
        raise TransportError(_("{place} is not a folder.").format(place=str(folder)))


def _remove(path: Path | None) -> None:
    if path is None:
        return
    try:
        os.unlink(path)
    except OSError:
        pass  # already gone, or the drive is gone with it


def _write_temp(folder: Path, data: bytes) -> Path:
    """``data`` in a new hidden temporary file in ``folder``, flushed and fsynced; removed again on failure."""
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fp:
            fp.write(data)
            fp.flush()
            os.fsync(fp.fileno())
    except BaseException:
        _remove(tmp)
        raise
    return tmp


def _claim(source: Path, folder: Path, name: str, *, with_reason: bool = False) -> Path:
    """Move ``source`` to ``folder/name``, or ``name (2)`` and so on: an existing file is never replaced.

    A hard link claims a name atomically (it fails if the name exists); on file systems without hard links
    (FAT32, exFAT, some network shares) the name is checked and the file renamed: Windows refuses to rename
    onto an existing file, elsewhere a file appearing in the instant between check and rename is the only gap.
    With ``with_reason`` the name's reason file must be free as well.
    """
    links = True
    for n in range(1, MAX_NUMBERED + 1):
        candidate = folder / _numbered(name, n)
        if with_reason and os.path.lexists(_reason_path(candidate)):
            continue
        if links:
            try:
                os.link(source, candidate)
            except FileExistsError:
                continue
            except OSError:
                links = False  # no hard links here; a real failure comes again from rename below
            else:
                _remove(source)
                return candidate
        if os.path.lexists(candidate):
            continue
        try:
            os.rename(source, candidate)
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(errno.EEXIST, "no free numbered name", str(folder / name))


def _device_digest(path: Path, limit: int) -> tuple[int, bytes]:
    """Size and SHA-256 of ``path`` as the device holds it (page cache dropped first where the OS allows)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        if hasattr(os, "posix_fadvise"):  # Linux: the file was fsynced, so its clean pages can be dropped
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            except OSError:
                pass
        else:
            try:
                import fcntl

                if hasattr(fcntl, "F_NOCACHE"):  # macOS: read around the cache
                    fcntl.fcntl(fd, fcntl.F_NOCACHE, 1)
            except (ImportError, OSError):
                pass
        digest = hashlib.sha256()
        size = 0
        while size <= limit:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                break
            size += len(chunk)
            digest.update(chunk)
        return size, digest.digest()
    finally:
        os.close(fd)


def _write_new(data: bytes, folder: Path, name: str, *, with_reason: bool = False) -> Path:
    folder = Path(folder)
    _check_plain_name(name)
    _require_folder(folder)
    expected = (len(data), hashlib.sha256(data).digest())
    tmp: Path | None = None
    final: Path | None = None
    try:
        tmp = _write_temp(folder, data)
        final = _claim(tmp, folder, name, with_reason=with_reason)
        tmp = None
        atomic.fsync_folder(folder)
        if _device_digest(final, len(data)) != expected:
            raise _Mismatch
    except (OSError, _Mismatch) as exc:
        _remove(tmp)
        _remove(final)
        log.warning("writing a file failed (%s)", type(exc).__name__ if isinstance(exc, _Mismatch) else exc.errno)
        raise TransportError(_cause(exc, name, folder)) from None
    return final


def write_verified(data: bytes, folder: Path, name: str) -> Path:
    """Write ``data`` as a new file ``folder/name`` (``name (2)`` if taken), read it back and return its path.

    Atomic: a temporary file in the same folder is written, flushed and fsynced, then renamed without replacing
    anything; the folder is fsynced; the file is read back from the device and its SHA-256 compared. On any
    failure nothing written is left behind and TransportError names the cause (full, write-protected, gone,
    permission, verification failed). The folder must exist: none is created.
    """
    return _write_new(data, folder, name)


# --- reading --------------------------------------------------------------------------------------------


def _refused(exc: InputRefused) -> TransportError:
    return TransportError(str(exc))


def sha256_of(path: Path, limit: int | None = None) -> str:
    """SHA-256 (hex) of the regular file ``path``, read in pieces; a file above ``limit`` bytes (default
    MAX_BUNDLE_BYTES) is refused with TransportError, as is one that cannot be read."""
    limit = MAX_BUNDLE_BYTES if limit is None else limit
    try:
        with open_input(path, limit) as handle:
            digest = hashlib.sha256()
            size = 0
            while chunk := handle.read(_CHUNK):
                size += len(chunk)
                if size > limit:  # it grew after it was opened
                    raise TransportError(
                        _("The file {name} is too large: at most {limit} can be read.").format(
                            name=Path(path).name, limit=size_text(limit)
                        )
                    )
                digest.update(chunk)
    except InputRefused as exc:
        raise _refused(exc) from None
    except OSError as exc:
        raise TransportError(
            _("The file {name} cannot be read: {reason}").format(name=Path(path).name, reason=os_reason(exc.errno))
        ) from None
    return digest.hexdigest()


def read_bundle(path: Path) -> bytes:
    """The bytes of the bundle file ``path`` (a regular file of at most MAX_BUNDLE_BYTES)."""
    try:
        return read_input(path, MAX_BUNDLE_BYTES)
    except InputRefused as exc:
        raise _refused(exc) from None


# --- e-mail ---------------------------------------------------------------------------------------------

_BODY = """\
Deutsch
Im Anhang ist ein verschlüsseltes Austauschpaket von Begleiter (Team {team}, Laptop {device}, erstellt {date}).
So importieren Sie es: in Begleiter Datei › Austausch › Importieren… wählen und die angehängte Datei öffnen.
Die Passphrase des Teams bekommen Sie am Telefon – schicken Sie sie nie per E-Mail.

Українська
У вкладенні — зашифрований пакет обміну Begleiter (команда {team}, з: {device}, створено {date}).
Як імпортувати: у Begleiter виберіть Файл › Обмін › Імпорт… і відкрийте вкладений файл.
Парольну фразу команди повідомляють телефоном – ніколи не надсилайте її поштою.

English
Attached is an encrypted Begleiter exchange bundle (team {team}, laptop {device}, created {date}).
To import it: in Begleiter choose File › Exchange › Import… and open the attached file.
The team passphrase is given by phone – never send it by e-mail.
"""


def _header_text(text: str, fallback: str) -> str:
    """One line of at most 64 characters for a header or the body (no line breaks: no header injection)."""
    line = " ".join(_HEADER_UNSAFE.sub(" ", text).split())[:64].strip()
    return line or fallback


def eml_draft(
    data: bytes, attachment_name: str, *, team: str, device_name: str, created: datetime, folder: Path
) -> Path:
    """An unsent e-mail (``<attachment stem>.eml``) with the bundle attached, written verified into ``folder``.

    ``X-Unsent: 1`` makes Outlook and Thunderbird open it as a draft; it has no recipient and no sender, the
    user's mail program fills those in. The fixed text (German, Ukrainian, English) says how to import the
    bundle and that the passphrase comes by phone; no passphrase is ever taken or written, and the Message-ID
    names no computer. A naive ``created`` is taken as local time.
    """
    _check_plain_name(attachment_name)
    team_text = _header_text(team, "-")
    device_text = _header_text(device_name, "-")
    when = created.astimezone()
    stamp = f"{when:%Y-%m-%d %H:%M}"
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = f"Begleiter: {team_text} / {device_text} / {stamp}"
    message["Date"] = format_datetime(when)
    message["Message-ID"] = make_msgid(domain="begleiter.invalid")  # the default would name this computer
    message["X-Unsent"] = "1"
    message.set_content(_BODY.format(team=team_text, device=device_text, date=stamp))
    message.add_attachment(data, maintype="application", subtype="octet-stream", filename=attachment_name)
    stem = attachment_name[: -len(BUNDLE_SUFFIX)] if attachment_name.endswith(BUNDLE_SUFFIX) else attachment_name
    return write_verified(message.as_bytes(), folder, f"{stem}.eml")


# --- quarantine -----------------------------------------------------------------------------------------


def _write_reason(path: Path, text: str) -> None:
    """The reason file beside a quarantined ``path``; failing to write it does not undo the quarantine."""
    try:
        atomic_write_text(_reason_path(path), text.rstrip("\n") + "\n")
    except OSError as exc:
        log.warning("the reason of a quarantined bundle was not written (%s)", exc.errno)


def quarantine_copy(path: Path, quarantine_dir: Path, reason: str) -> Path:
    """Keep a copy of a refused bundle that is not in a managed folder (the user's file stays where it is).

    The copy goes to ``quarantine_dir`` (created; nothing there is overwritten) with ``<name>.reason.txt``
    beside it. A file that cannot be read or is too large to keep is not copied: only its reason file is
    written, saying so, and its path returned.
    """
    path = Path(path)
    quarantine_dir = Path(quarantine_dir)
    name = path.name or "bundle"
    try:
        quarantine_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TransportError(_cause(exc, name, quarantine_dir)) from None
    try:
        data = read_input(path, MAX_BUNDLE_BYTES)
    except InputRefused as exc:
        note = _("The file itself was not kept: {reason}").format(reason=str(exc))
        return _write_new(f"{reason.rstrip()}\n{note}\n".encode(), quarantine_dir, name + REASON_SUFFIX)
    copy = _write_new(data, quarantine_dir, name, with_reason=True)
    _write_reason(copy, reason)
    return copy


def _same_or_inside(child: Path, parent: Path) -> bool:
    inner = os.path.normcase(str(child.expanduser().resolve()))
    outer = os.path.normcase(str(parent.expanduser().resolve()))
    return inner == outer or inner.startswith(outer.rstrip(os.sep) + os.sep)


class SyncFolder:
    """A folder another program keeps in step between laptops (Nextcloud, Syncthing, a network share).

    Bundles arrive in the folder itself (subfolders are not read) and are published into it. A file is offered
    by :meth:`incoming` only when it has settled: the same size and modification time at two calls at least
    ``settle_seconds`` apart, and a modification time not within the last ``settle_seconds``, so a file still
    being copied in is never read half-written. Hashes are cached by (name, size, time): a folder of a thousand
    old bundles is read once, then only listed.
    """

    def __init__(
        self,
        folder: Path,
        *,
        profile: Path | None = None,
        settle_seconds: float = SETTLE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Refuses (TransportError) a folder that is, holds or lies inside the profile folder."""
        self.folder = Path(folder).expanduser()
        profile_dir = Path(profile) if profile is not None else paths.profile_dir()
        if _same_or_inside(self.folder, profile_dir):
            raise TransportError(
                _(
                    "The sync folder {place} lies inside Begleiter's own data folder; please choose another folder."
                ).format(place=str(self.folder))
            )
        if _same_or_inside(profile_dir, self.folder):
            raise TransportError(
                _(
                    "The sync folder {place} holds Begleiter's own data folder, which would then be copied to other "
                    "computers; please choose another folder."
                ).format(place=str(self.folder))
            )
        self.settle_seconds = settle_seconds
        self._clock = clock
        #: name -> (size, mtime_ns, first time seen with these)
        self._observed: dict[str, tuple[int, int, float]] = {}
        self._digests: dict[tuple[str, int, int], str] = {}

    def _digest(self, path: Path, signature: tuple[int, int]) -> str | None:
        """SHA-256 of a settled file, cached; None if it changed while it was read."""
        key = (path.name, *signature)
        cached = self._digests.get(key)
        if cached is not None:
            return cached
        digest = sha256_of(path)
        try:
            after = path.stat()
        except OSError:
            return None
        if (after.st_size, after.st_mtime_ns) != signature:
            return None
        self._digests[key] = digest
        return digest

    def incoming(self, seen: Callable[[str], bool]) -> list[Path]:
        """Settled bundle files not yet imported, oldest first.

        ``seen(sha256_hex)`` says whether a bundle with that SHA-256 (as :func:`sha256_of` gives it) was
        imported or published by this laptop before. A file too large or unreadable to hash is returned all
        the same, so that its import is refused and it is quarantined with the reason.
        """
        now = self._clock()
        try:
            entries = list(os.scandir(self.folder))
        except OSError as exc:
            raise TransportError(
                _("The sync folder {place} cannot be read: {reason}").format(
                    place=str(self.folder), reason=os_reason(exc.errno)
                )
            ) from None
        observed: dict[str, tuple[int, int, float]] = {}
        settled: list[tuple[int, str, tuple[int, int]]] = []
        for entry in entries:
            if not is_bundle_name(entry.name):
                continue
            try:
                if not entry.is_file(follow_symlinks=False):
                    continue
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            signature = (info.st_size, info.st_mtime_ns)
            before = self._observed.get(entry.name)
            unchanged = before is not None and before[:2] == signature
            since = before[2] if before is not None and unchanged else now
            observed[entry.name] = (*signature, since)
            if not unchanged or now - since < self.settle_seconds:
                continue
            if abs(now - info.st_mtime_ns / 1e9) < self.settle_seconds:
                continue
            settled.append((info.st_mtime_ns, entry.name, signature))
        self._observed = observed
        if len(self._digests) > 2 * len(observed) + 64:
            self._digests = {key: value for key, value in self._digests.items() if key[0] in observed}
        result: list[Path] = []
        for _mtime, name, signature in sorted(settled):
            path = self.folder / name
            try:
                digest = self._digest(path, signature)
            except TransportError:
                if path.exists():
                    result.append(path)
                continue
            if digest is not None and not seen(digest):
                result.append(path)
        return result

    def publish(self, data: bytes, name: str) -> Path:
        """Write a bundle into the folder (verified, never replacing a file) and return its path."""
        if not is_bundle_name(name):
            raise ValueError(f"not a bundle name: {name!r}")
        return write_verified(data, self.folder, name)

    def quarantine(self, path: Path, reason: str) -> Path:
        """Move a refused bundle of this folder into ``quarantine/`` with ``<name>.reason.txt`` beside it.

        Nothing in ``quarantine/`` is overwritten (``name (2).age``). ``reason`` is a sentence in the user's
        language without personal data. A file outside this folder is copied by :func:`quarantine_copy`.
        """
        path = Path(path)
        if os.path.normcase(str(path.parent.resolve())) != os.path.normcase(str(self.folder.resolve())):
            raise ValueError("the file is not in this sync folder; use quarantine_copy")
        target_dir = self.folder / QUARANTINE_DIR
        try:
            target_dir.mkdir(exist_ok=True)
            final = _claim(path, target_dir, path.name, with_reason=True)
        except OSError as exc:
            raise TransportError(
                _("{name} could not be moved to quarantine: {reason}").format(
                    name=path.name, reason=os_reason(exc.errno, writing=True)
                )
            ) from None
        try:
            atomic.fsync_folder(target_dir)
        except OSError:
            pass  # the move itself is done; the reason file below says why
        _write_reason(final, reason)
        self._observed.pop(path.name, None)
        return final
