"""The sync folder at work: bundles other laptops put there are imported, this laptop's own changes are
published there once the edits have settled and on closing. Everything is said in the status bar."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QObject, QTimer, Signal

from desktop import paths
from desktop.core import profile
from desktop.core.errors import UserError
from desktop.core.store import db as store_db
from desktop.core.sync import exchange, transport
from desktop.core.sync import settings as sync_settings
from desktop.core.sync.bundle import BundleRejected
from desktop.i18n import _
from desktop.ui import exchange_ui
from desktop.ui.worker import run_in_background

#: How often the folder is looked at (milliseconds).
POLL_MS = 5000
#: Own changes are published when no new one was made for this long (seconds).
QUIET_SECONDS = 30.0
#: The setting that marks "since the last bundle published to the sync folder" (apart from exports by hand).
MARK_KEY = "last_sync_export"
#: The setting that lists the SHA-256 of the bundles this laptop published (so it never imports its own).
PUBLISHED_KEY = "sync_published"
PUBLISHED_KEPT = 500
#: The setting with the stamp of the newest own erasure already published to the sync folder.
ERASED_KEY = "sync_erased_published"


def _own_latest() -> int:
    """Local position of the newest change this laptop made itself (0 if none)."""
    store = store_db.current()
    row = store.db.execute_sql(
        "SELECT coalesce(max(c.seq), 0) FROM change c JOIN peer p ON p.id = c.device WHERE p.uuid = ?",
        (store.device_id,),
    ).fetchone()
    return int(row[0])


def _own_erased() -> int:
    """Stamp of the newest erasure this laptop made itself (0 if none). Erasing writes a marker and removes
    changes, so it never shows in _own_latest, and its marker must reach the folder all the same."""
    store = store_db.current()
    row = store.db.execute_sql(
        "SELECT coalesce(max(hlc), 0) FROM erasure WHERE device = ?", (store.device_id,)
    ).fetchone()
    return int(row[0])


def _own_work() -> tuple[int, int]:
    """Where this laptop's own work stands: its newest change and its newest erasure."""
    return _own_latest(), _own_erased()


def _published_mark() -> int:
    mark = json.loads(store_db.current().get_setting(MARK_KEY, "{}") or "{}")
    return int(mark.get("seq", 0))


def _erased_mark() -> int:
    return int(store_db.current().get_setting(ERASED_KEY, "0") or 0)


class _Look(NamedTuple):
    """What one look at the sync folder found (in the worker thread)."""

    path: Path | None = None  # the oldest new bundle; None: nothing new, or the folder cannot be read
    data: bytes | None = None  # its bytes; None with a path: it cannot be read
    digest: str = ""
    problem: str = ""  # why the folder (no path) or the file (a path) cannot be read


def _look(folder: transport.SyncFolder, seen: Callable[[str], bool], unreadable: frozenset[str]) -> _Look:
    """List the folder, hash what is new and read the oldest new bundle: slow work for a large file or a
    network folder, done in the worker thread. A folder that cannot be read is an answer, not an error (it
    is said once in the status bar and tried again at the next tick)."""
    try:
        incoming = [p for p in folder.incoming(seen) if p.name not in unreadable]
    except UserError as exc:
        return _Look(problem=str(exc))
    if not incoming:
        return _Look()
    path = incoming[0]
    try:
        data = transport.read_bundle(path)
    except UserError as exc:
        return _Look(path, problem=str(exc))
    return _Look(path, data, hashlib.sha256(data).hexdigest())


class SyncService(QObject):
    """Polls the sync folder with a timer; one import or export at a time runs in the worker thread."""

    message = Signal(str)  # a short line for the status bar
    imported = Signal(object)  # the Report of a bundle that brought changes

    def __init__(
        self,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
        settle_seconds: float = transport.SETTLE_SECONDS,
        folder_clock: Callable[[], float] = time.time,
    ) -> None:
        """``clock`` times the quiet spell before publishing; ``settle_seconds`` and ``folder_clock`` are the
        sync folder's (a file is taken once it has kept its size and time that long)."""
        super().__init__(parent)
        self.clock = clock
        self.settle_seconds = settle_seconds
        self.folder_clock = folder_clock
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.tick)
        self.folder: transport.SyncFolder | None = None
        self.passphrase = ""
        self.job = None
        self.published: set[str] = set()
        self.refused: set[str] = set()  # this session: bundles not to try again (passphrase, put aside)
        self.waiting: set[str] = set()  # refer to records not here yet: tried again after the next import
        self.unreadable: set[str] = set()  # names of files that could not be read, put aside this session
        self._folder_problem = ""
        self._seen_own: tuple[int, int] = (0, 0)
        self._changed_at: float | None = None

    # -- starting and stopping
    @property
    def running(self) -> bool:
        return self.folder is not None

    def start(self) -> bool:
        """Start when a sync folder and a kept team passphrase are set; False (and why, once) otherwise."""
        self.stop(publish=False)
        if not store_db.is_open():
            return False
        folder, passphrase = sync_settings.sync_folder(), sync_settings.team_passphrase()
        if folder is None:
            return False
        if not passphrase:
            self.message.emit(
                _("The sync folder is not used: no team passphrase is kept on this laptop (see Preferences).")
            )
            return False
        try:
            self.folder = transport.SyncFolder(
                folder, profile=paths.profile_dir(), settle_seconds=self.settle_seconds, clock=self.folder_clock
            )
        except UserError as exc:
            self.message.emit(str(exc))
            return False
        self.passphrase = passphrase
        for remembered in (self.refused, self.waiting, self.unreadable):
            remembered.clear()  # a new passphrase or folder: every bundle gets its chance again
        stored = json.loads(store_db.current().get_setting(PUBLISHED_KEY, "[]") or "[]")
        self.published = set(stored)
        self._seen_own = _own_work()
        self._changed_at = self.clock() if self._unpublished() else None
        self._folder_problem = ""
        self.timer.start()
        return True

    def stop(self, publish: bool = True) -> None:
        """Stop polling (lock, close, new settings); with ``publish`` own unpublished changes go out first."""
        self.timer.stop()
        if self.job is not None:
            try:
                self.job.wait()  # its result still arrives by signal
            except RuntimeError:  # the thread object is already gone
                self.job = None
        if publish and self.folder is not None and store_db.is_open() and self._unpublished():
            try:
                self._publish_now()
            except Exception as exc:  # closing goes on; the next start publishes what is left
                self.message.emit(self._publish_problem(exc))
        self.folder = None
        self.passphrase = ""

    # -- the timer's work
    def tick(self) -> None:
        """Look at the folder once: import the next new bundle, else publish settled own changes.

        Listing the folder, hashing new files and reading the next one run in the worker thread (a large
        file or a slow network folder never stalls the window); what follows is decided in :meth:`_looked`."""
        if self.folder is None or self.job is not None or not store_db.is_open():
            return
        folder, unreadable = self.folder, frozenset(self.unreadable)
        known = frozenset(self.published | self.refused | self.waiting)  # the sets change on the GUI thread

        def seen(digest: str) -> bool:
            return digest in known or exchange.known_file(digest) is not None or exchange.rejected_file(digest)

        self.job = run_in_background(
            lambda: _look(folder, seen, unreadable),
            lambda found: self._looked(folder, found),
            lambda exc: self._looked(folder, _Look(problem=_("The sync folder could not be read."))),
        )  # no parent: the thread must outlive the window if it closes while this runs

    def _looked(self, folder: transport.SyncFolder, found: _Look) -> None:
        self.job = None
        if self.folder is not folder or not store_db.is_open():
            return  # stopped (locked, closed, new settings) while the folder was read
        if found.path is None and found.problem:
            self._problem(found.problem)
            return
        if self._folder_problem:
            self._folder_problem = ""
            self.message.emit(_("The sync folder can be read again."))
        if found.path is not None:
            if found.data is None:
                self._refuse(found.path, None, found.problem)
            else:
                self._import(found.path, found.data, found.digest)
            return
        own = _own_work()
        now = self.clock()
        if own != self._seen_own:
            self._seen_own = own
            self._changed_at = now
        if self._changed_at is not None and now - self._changed_at >= QUIET_SECONDS and self._unpublished():
            self._publish()

    def _problem(self, text: str) -> None:
        """A problem of the folder is said once (not every few seconds) and tried again at the next tick."""
        if text != self._folder_problem:
            self._folder_problem = text
            self.message.emit(text)

    def _import(self, path: Path, data: bytes, digest: str) -> None:
        passphrase = self.passphrase
        self.job = run_in_background(
            lambda: exchange.import_bundle(data, passphrase),
            self._imported,
            lambda exc: self._import_failed(exc, path, data, digest),
        )  # no parent: the thread must outlive the window if it closes while this runs

    def _imported(self, report: exchange.Report) -> None:
        self.job = None
        self.waiting.clear()  # what they lacked may have come with this one
        if not report.already_known:
            self.message.emit(exchange_ui.summary(report))
            self.imported.emit(report)

    def _import_failed(self, exc: Exception, path: Path, data: bytes, digest: str) -> None:
        self.job = None
        if isinstance(exc, BundleRejected) and exc.kind == "passphrase":
            self.refused.add(digest)
            self.message.emit(
                _("{name} in the sync folder does not open with the team passphrase kept on this laptop.").format(
                    name=path.name
                )
            )
        elif isinstance(exc, BundleRejected) and exc.kind == "references":
            self.waiting.add(digest)
        elif isinstance(exc, BundleRejected):
            self._refuse(path, data, str(exc))
        else:
            self.refused.add(digest)
            reason = str(exc) if isinstance(exc, UserError) else _("The bundle could not be imported.")
            self.message.emit(_("{name} in the sync folder: {reason}").format(name=path.name, reason=reason))

    def _refuse(self, path: Path, data: bytes | None, reason: str) -> None:
        """Put a bad bundle aside in the profile (the shared file stays: other laptops decide for themselves)."""
        digest = hashlib.sha256(data).hexdigest() if data is not None else None
        if digest is None:
            self.unreadable.add(path.name)  # cannot be hashed: known by its name for this session
        else:
            self.refused.add(digest)
        exchange_ui.reject(path, digest, reason)
        self.message.emit(
            _("{name} in the sync folder was refused and a copy put aside: {reason}").format(
                name=path.name, reason=reason
            )
        )

    # -- publishing own changes
    def _unpublished(self) -> bool:
        return _own_latest() > _published_mark() or _own_erased() > _erased_mark()

    def _make(self) -> tuple[exchange.Exported, str, int]:
        team = sync_settings.team_name()
        erased = _own_erased()  # read first: an erasure made meanwhile is published again, never left out
        result = exchange.export_bundle(exchange.Scope("since_last"), self.passphrase, team, mark_key=MARK_KEY)
        name = transport.bundle_file_name(team, profile.device_name(), dt.datetime.now().astimezone())
        return result, name, erased

    def _write(self, result: exchange.Exported, name: str, erased: int) -> Path:
        assert self.folder is not None
        digest = hashlib.sha256(result.data).hexdigest()
        self.published.add(digest)  # before it appears in the folder: never imported back
        path = self.folder.publish(result.data, name)
        exchange.remember_export(result, key=MARK_KEY)
        store = store_db.current()
        stored = json.loads(store.get_setting(PUBLISHED_KEY, "[]") or "[]")
        kept = [*[d for d in stored if d != digest][-(PUBLISHED_KEPT - 1) :], digest]  # the newest are kept
        with store.db.atomic("IMMEDIATE"):
            store.set_setting(PUBLISHED_KEY, json.dumps(kept))
            store.set_setting(ERASED_KEY, str(erased))
        return path

    def _publish_now(self) -> Path:
        return self._write(*self._make())

    def _publish(self) -> None:
        self._changed_at = None
        folder = self.folder

        def done(path: Path) -> None:
            self.job = None
            self.message.emit(_("Your changes were put into the sync folder ({name}).").format(name=path.name))

        def failed(exc: Exception) -> None:
            self.job = None
            self._changed_at = self.clock()  # tried again after the next quiet spell
            if self.folder is folder:
                self._problem(self._publish_problem(exc))

        self.job = run_in_background(self._publish_now, done, failed)

    @staticmethod
    def _publish_problem(exc: Exception) -> str:
        reason = str(exc) if isinstance(exc, UserError) else _("the bundle could not be made")
        return _("Your changes could not be put into the sync folder: {reason}").format(reason=reason)
