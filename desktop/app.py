"""Composition root of the GUI: paths -> logging -> i18n -> QApplication -> unlock -> main window."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from desktop import APP_NAME, __version__, i18n, paths
from desktop.core import logs, profile, storage
from desktop.core.errors import UserError
from desktop.core.keys import wrap
from desktop.core.search.translit import transliterate
from desktop.core.store import db as store_db
from desktop.i18n import _
from desktop.startup import collect_again

log = logging.getLogger(__name__)


def initial_language(profile_dir: Path) -> str:
    """The profile's language if it has one, else the system's if we speak it, else German."""
    saved = profile.profile_language(profile_dir)
    if saved:
        return saved
    from PySide6.QtCore import QLocale

    system = QLocale.system().name()[:2]
    return system if system in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def _register_fonts() -> None:
    """Bundled fonts (Cyrillic and German) so text looks the same on every machine."""
    from PySide6.QtGui import QFontDatabase

    fonts = paths.resources_dir() / "fonts"
    if fonts.is_dir():
        for font in sorted(fonts.glob("*.ttf")):
            QFontDatabase.addApplicationFont(str(font))


def _portable_settings() -> None:
    """In portable mode Qt keeps its settings (file dialogs' history) and font caches beside the program,
    not in the laptop's user folders; set before the application object exists."""
    folder = paths.settings_dir()
    if folder is None:
        return
    from PySide6.QtCore import QSettings

    folder.mkdir(parents=True, exist_ok=True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    # Qt's file dialog keeps its history in the native format: a file on Linux (redirected here), the
    # registry on Windows and a property list on macOS, where the app removes it after each dialog.
    for format_ in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(format_, scope, str(folder))
    os.environ["XDG_CACHE_HOME"] = str(folder.parent / "cache")  # fontconfig's cache (Linux)


def create_application(argv: list[str]):
    from PySide6.QtGui import QFont, QIcon
    from PySide6.QtWidgets import QApplication

    _portable_settings()
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("Begleiter")
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    # The icon in every size drawn (tools/make_icons.py); Linux desktops match the window to begleiter.desktop.
    icon = QIcon()
    for png in sorted((paths.resources_dir() / "icons").glob("begleiter-*.png")):
        icon.addFile(str(png))
    app.setWindowIcon(icon)
    app.setDesktopFileName("begleiter")
    _register_fonts()
    if "DejaVu Sans" in __import__("PySide6.QtGui", fromlist=["QFontDatabase"]).QFontDatabase.families():
        app.setFont(QFont("DejaVu Sans", 10))
    return app


def unlock_interactively(profile_dir: Path) -> tuple[bool, bool]:
    """Welcome dialog for a new profile, unlock dialog for an existing one.

    Returns (opened, wants_demo).
    """
    from desktop.ui.keys_ui import RecoveryKeyDialog
    from desktop.ui.profile_dialogs import UnlockDialog, WelcomeDialog

    _load_window_modules()
    collect_again()  # the dialog waits for the user
    if store_db.profile_exists(profile_dir):
        return bool(UnlockDialog(profile_dir).exec()), False
    welcome = WelcomeDialog(profile_dir)
    if not welcome.exec():
        return False, False
    RecoveryKeyDialog(first=True).exec()  # shown once; "Not now" leaves it for File › New recovery key…
    return True, welcome.wants_demo()


def _load_window_modules() -> None:
    """The main window's modules load in a thread while the profile is being unlocked (the passphrase
    typed, the key derived – hashlib lets go of the GIL meanwhile), and what its first paint needs is
    prepared there, so that the window is built sooner after it. Should the import fail there, the main
    thread's import repeats it and reports the error."""

    def load() -> None:
        try:
            importlib.import_module("desktop.ui.main_window").prepare_first_paint()
        except Exception:
            pass

    threading.Thread(target=load, name="load-window", daemon=True).start()


def _after_unlock(profile_dir: Path) -> None:
    """Report a crash of the previous run, then arm the crash file for this one."""
    from desktop.ui.crash import show_previous_crash

    report = logs.take_crash_report(profile_dir)
    if report:
        log.warning("the previous session ended in a crash")
        show_previous_crash(report)
    logs.enable_crash_file(profile_dir)


def _smoke_form(person_id: str) -> bool:
    """A bundled template rendered for a person (YAML, reportlab, fonts) and loaded into QtPdf."""
    from desktop.core.forms import binding, service
    from desktop.ui.forms_dialog import pdf_document

    template = service.template("vollmacht")
    subject = binding.subject_for(person_id=person_id)
    values = service.values_for(template, subject)
    values["scope_jobcenter"] = True  # a Vollmacht names at least one office, else nothing is printed
    pdf = service.output(template, values, subject, "uk")
    document = pdf_document(pdf)
    pages = document.pageCount()
    document.close()
    return pages > 0


def _start_reading_today() -> None:
    """The window opens on Today: its queries start now, in a thread, while the window is built."""
    from desktop.core import dashboard

    dashboard.start_early()


def smoke_test(args: argparse.Namespace) -> int:
    """Start, unlock the profile (or a temporary one), show the main window with its data, exit 0."""
    from PySide6.QtWidgets import QApplication

    from desktop.ui.main_window import MainWindow
    from desktop.ui.qt_i18n import apply_language

    untranslated = [lang for lang in ("de", "uk") if i18n.gettext_in(lang, "People") == "People"]
    if untranslated:  # a build without its compiled catalogs would show English only
        print(f"begleiter: smoke test found no catalog for {', '.join(untranslated)}", file=sys.stderr)
        return 1
    temp: Path | None = None
    try:
        profile_dir = paths.profile_dir()
        if (args.data_dir or paths.portable_dir()) and store_db.profile_exists(profile_dir):
            passphrase = os.environ.get("BEGLEITER_PASSPHRASE")
            if not passphrase:
                print(
                    "begleiter: "
                    + _("--smoke-test with an existing profile reads the passphrase from BEGLEITER_PASSPHRASE."),
                    file=sys.stderr,
                )
                return 2
            profile.unlock(profile_dir, passphrase)
        else:
            temp = Path(tempfile.mkdtemp(prefix="begleiter-smoke-"))
            paths.set_profile_dir(temp)
            profile_dir = temp
            profile.create(
                temp,
                secrets.token_urlsafe(24),
                language=i18n.current_language(),
                device_name="smoke-test",
                volunteer_name="Smoke Test",
            )
            from desktop.core import demo  # only the smoke test's temporary profile

            demo.generate(30, seed=1)
        apply_language(initial_language(profile_dir))
        window = MainWindow()
        window.show()
        for _round in range(5):
            QApplication.processEvents()
        shown, total = window.people.model.rowCount(), window.people.model.total
        expected = min(total, window.people.model.PAGE)
        first = window.people.model.row_at(0)
        if first is not None:  # the search (FTS5, keys, name table, transliteration) works in this build
            window.people.search_field.setText(
                transliterate(first.row.family_name_cyr or first.row.family_name, "german")
            )
            found = [window.people.model.row_at(i).row.id for i in range(window.people.model.rowCount())]
            if first.row.id not in found:
                print("begleiter: smoke test search did not find the first person", file=sys.stderr)
                return 1
            if not _smoke_form(first.row.id):
                print("begleiter: smoke test could not render and load a form", file=sys.stderr)
                return 1
        window.close()
        if shown != expected:
            print(f"begleiter: smoke test shows {shown} people, expected {expected}", file=sys.stderr)
            return 1
        print(f"begleiter {__version__}: smoke test passed ({total} people, search and forms work)")
        return 0
    except UserError as exc:
        print(f"begleiter: {exc}", file=sys.stderr)
        return 1
    finally:
        store_db.close_store()
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def measure_start(args: argparse.Namespace) -> int:
    """``--measure-start``: unlock the profile without a dialog (BEGLEITER_PASSPHRASE), build and show the main
    window as a real start does, and once it has painted and settled print one JSON line, then close:
    ``painted`` (the first paint) and ``settled`` (the window's deferred start-up work done and the event
    queue idle) in seconds since the process started as Python sees it, ``unlock`` (key derivation and
    opening the database), ``kdf`` (the key derivation alone, part of both) and ``people`` (the profile's
    count)."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    profile_dir = paths.profile_dir()
    passphrase = os.environ.get("BEGLEITER_PASSPHRASE")
    if not passphrase or not store_db.profile_exists(profile_dir):
        # A benchmark's option, not a volunteer's: in English only.
        print("begleiter: --measure-start opens an existing profile with BEGLEITER_PASSPHRASE.", file=sys.stderr)
        return 2
    started: float = getattr(args, "started", None) or time.perf_counter()
    figures: dict[str, float | int] = {}
    try:
        _load_window_modules()
        collect_again()  # where the unlock dialog would wait for the passphrase
        before = time.perf_counter()
        profile.unlock(profile_dir, passphrase)
        figures["unlock"] = time.perf_counter() - before
        figures["kdf"] = wrap.derived_seconds()
        _start_reading_today()
        from desktop.ui.main_window import MainWindow

        window = MainWindow()
        app = QApplication.instance()

        def settle() -> None:
            """Polled until the window's deferred start-up work is done; then one more turn of the event
            loop runs what it posted. Background jobs (the retention look-up) go on in their threads."""
            if window.starting():
                QTimer.singleShot(1, settle)
                return
            QTimer.singleShot(0, finish)

        def finish() -> None:
            figures["settled"] = time.perf_counter() - started
            figures["people"] = window.people_total()
            order = ("painted", "settled", "unlock", "kdf", "people")
            print(json.dumps({key: figures[key] for key in order}), flush=True)
            window.close()
            app.quit()

        class FirstPaint(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint and "painted" not in figures:
                    window.removeEventFilter(self)
                    QTimer.singleShot(0, painted)  # after the whole window's paint has been done
                return False

        def painted() -> None:
            figures["painted"] = time.perf_counter() - started
            settle()

        first_paint = FirstPaint(window)
        window.installEventFilter(first_paint)
        window.show()
        app.exec()
        return 0 if "settled" in figures else 1
    except UserError as exc:
        print(f"begleiter: {exc}", file=sys.stderr)
        return 1
    finally:
        close_profile(with_backup=False)


class Termination:
    """SIGTERM/SIGHUP (a logout, ``kill``) end every running event loop – the main window's and a dialog's –
    with 128 + the signal, so main()'s clean-up runs: background jobs finish, the WAL is folded in and the
    database is closed (a half-written temporary file never stays behind).

    Python runs a signal handler only when the interpreter runs, not while Qt waits in C++ for events, so
    a timer lets some Python run twice a second."""

    INTERVAL_MS = 500

    def __init__(self, app) -> None:
        from PySide6.QtCore import QTimer

        self.app = app
        self.code = 0
        self.timer = QTimer(app)
        self.timer.timeout.connect(lambda: None)
        self.timer.start(self.INTERVAL_MS)
        storage.exit_on_termination(self._handle)

    def _handle(self, signum: int, _frame: object) -> None:
        self.code = 128 + signum
        log.info("ending on signal %d", signum)
        self.app.exit(self.code)


def main(args: argparse.Namespace) -> int:
    """Run the GUI until the main window closes; returns the exit code."""
    logging.getLogger().addHandler(logging.NullHandler())  # nothing is written before unlock
    if args.data_dir:
        paths.set_profile_dir(args.data_dir)
    profile_dir = paths.profile_dir()
    app = create_application(sys.argv[:1])
    termination = Termination(app)

    from desktop.ui.crash import CrashHandler
    from desktop.ui.qt_i18n import apply_language

    apply_language(initial_language(profile_dir))
    if args.smoke_test:
        collect_again()
        return smoke_test(args)
    if store_db.profile_exists(profile_dir):  # an error while unlocking is logged where the message says
        try:
            logs.setup_logging(profile_dir)
        except OSError:
            log.warning("the profile's log cannot be written")
    if getattr(args, "measure_start", False):
        return measure_start(args)
    crash_handler = CrashHandler()
    crash_handler.install()
    try:
        opened, wants_demo = unlock_interactively(profile_dir)
        if termination.code or not opened:
            return termination.code
        _after_unlock(profile_dir)
        _start_reading_today()
        from desktop.ui.main_window import MainWindow

        window = MainWindow()
        window.show()
        if wants_demo:
            window.start_demo(200)
        else:
            window.after_start(window.start_backup_if_due)
        if termination.code:  # the signal came before the main loop ran (which would clear the request)
            return termination.code
        return int(app.exec())
    finally:
        close_profile(with_backup=not termination.code)


def close_profile(*, with_backup: bool) -> None:
    """Wait for background work, fold the WAL in, write the closing backup (``with_backup``: the user
    closed the app; not when a signal ends it, a logout waits for no one) and close the database."""
    from desktop.core.store import backup
    from desktop.ui.worker import wait_all

    wait_all()
    if not store_db.is_open():
        return
    store_db.checkpoint()
    if with_backup:
        try:
            if backup.backup_on_close() is not None:
                log.info("closing backup written")
        except Exception as exc:  # the data is safe in the profile; the next backup tries again
            log.warning("the closing backup failed (%s)", type(exc).__name__)
    store_db.close_store()
    log.info("closed")
