"""The exchange screens as a volunteer works them: export to a stick and read it on another laptop, a bundle
dropped on the window with its report, a tampered bundle put aside, a wrong team passphrase, preferences, and
the sync folder taking in bundles and publishing own changes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QProgressDialog

from desktop import paths
from desktop.core import people, profile
from desktop.core.network import directory
from desktop.core.store import db as store_db
from desktop.core.store.models import Person
from desktop.core.sync import exchange, transport
from desktop.core.sync import settings as sync_settings
from desktop.ui import exchange_ui
from desktop.ui.exchange_ui import ExportDialog, PassphraseDialog, ReportDialog
from desktop.ui.preferences import PreferencesDialog
from desktop.ui.sync_service import SyncService
from desktop.ui.worker import wait_all
from tests.conftest import PASSPHRASE, TEST_KDF

TEAM = "Leipzig Ost hilft"
TEAM_PASSPHRASE = "sunflower tram seven bridges"


def _person(family: str, given: str, family_cyr: str = "", given_cyr: str = "") -> str:
    values = {"family_name": family, "given_name": given}
    if family_cyr:
        values.update(family_name_cyr=family_cyr, given_name_cyr=given_cyr)
    return people.create_person(values).id


def _switch_to(folder: Path, *, create: bool, device: str = "other-laptop") -> None:
    """Close the open profile and open (or create) the one in ``folder`` (once every worker has let go of it:
    a job's thread closes its own connection after its result has arrived)."""
    wait_all()
    store_db.close_store()
    paths.set_profile_dir(folder)
    if create:
        profile.create(
            folder, PASSPHRASE, language="en", device_name=device, volunteer_name="Oksana", kdf_iterations=TEST_KDF
        )
    else:
        profile.unlock(folder, PASSPHRASE)


def _bundle_from_another_laptop(
    tmp_path: Path, home: Path, make: Callable[[], None], name: str = "other", folder: Path | None = None
) -> tuple[Path, dict]:
    """A bundle of everything made on another laptop (its profile made on first use), written into
    ``folder``; then back to the profile in ``home``. Returns the file and its manifest."""
    other = tmp_path / name
    _switch_to(other, create=not other.exists())
    make()
    result = exchange.export_bundle(exchange.Scope("all"), TEAM_PASSPHRASE, TEAM)
    target = folder or tmp_path / "inbox"
    target.mkdir(exist_ok=True)
    path = transport.write_verified(
        result.data, target, transport.bundle_file_name(TEAM, profile.device_name(), dt.datetime.now())
    )
    _switch_to(home, create=False)
    return path, result.manifest


def _drop(window, *files: Path) -> QDropEvent:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    event = QDropEvent(
        QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    window.dropEvent(event)
    return event


@pytest.fixture
def window(qtbot, store):  # type: ignore[no-untyped-def]
    from desktop.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    wait_all()


def _report_shown(qtbot, win) -> ReportDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: win.bundle_import.report_dialog is not None and not win.bundle_import.busy, timeout=20000)
    dialog = win.bundle_import.report_dialog
    win.bundle_import.report_dialog = None
    return dialog


# ------------------------------------------------------------------------------------------------ export


def test_export_to_a_folder_is_read_on_another_laptop(qtbot, store, tmp_path: Path, profile_dir: Path) -> None:
    _person("Melnyk", "Olga", "Мельник", "Ольга")
    stick = tmp_path / "stick"
    stick.mkdir()
    dialog = ExportDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.scope_device.isEnabled() and dialog.device_note.isVisible()  # no other laptop known yet
    assert dialog.scope_all.isChecked() and not dialog.scope_selection.isEnabled()
    qtbot.keyClicks(dialog.passphrase, TEAM_PASSPHRASE)
    dialog.remember.setChecked(True)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)  # no folder yet: says so, keeps the passphrase
    assert dialog.isVisible() and "Choose the folder" in dialog.error.text()
    assert dialog.passphrase.text() == TEAM_PASSPHRASE
    dialog.folder.setText(str(stick))
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.busy.isVisible() and not dialog.close_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=20000)
    written = list(stick.iterdir())
    assert [p.name for p in written] == [dialog.written.name] and written[0].name.startswith("Begleiter_")
    assert "read back and checked" in dialog.status.text() and "eject the stick safely" in dialog.status.text()
    assert not dialog.error.isVisible() and dialog.close_button.text() == "Close"
    assert sync_settings.team_passphrase() == TEAM_PASSPHRASE
    assert store.get_setting("last_export", "")  # "since my last export" starts here
    data = written[0].read_bytes()

    _switch_to(tmp_path / "second", create=True)
    report = exchange.import_bundle(data, TEAM_PASSPHRASE)
    assert report.source_name == "test-laptop" and report.new >= 2  # the person and the volunteer
    assert [p.family_name for p in Person.select()] == ["Melnyk"]


def test_the_export_proposes_the_folder_of_last_time_while_it_is_there(
    qtbot, store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exchange_ui, "open_url", lambda url: False)  # no mail program here
    _person("Bondar", "Ivan")
    stick = tmp_path / "Stick Familie Bondar"  # a folder's name can be a client's: kept in the profile only
    stick.mkdir()
    first = ExportDialog()
    qtbot.addWidget(first)
    assert first.folder.text() == ""
    first.passphrase.setText(TEAM_PASSPHRASE)
    first.folder.setText(str(stick))
    first.export_button.click()
    qtbot.waitUntil(lambda: first.written is not None, timeout=20000)
    assert sync_settings.export_folder() == stick
    again = ExportDialog()
    qtbot.addWidget(again)
    assert again.folder.text() == str(stick)
    again.passphrase.setText(TEAM_PASSPHRASE)
    again.to_mail.setChecked(True)
    again.folder.clear()
    again.export_button.click()  # an e-mail draft goes to the outbox: the folder of last time stays
    qtbot.waitUntil(lambda: again.written is not None, timeout=20000)
    assert sync_settings.export_folder() == stick
    shutil.rmtree(stick)  # the stick is not plugged in
    third = ExportDialog()
    qtbot.addWidget(third)
    assert third.folder.text() == ""


def test_an_export_that_cannot_be_written_says_why_and_remembers_nothing(
    qtbot, store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _person("Bondar", "Ivan")
    stick = tmp_path / "stick"
    stick.mkdir()

    def full(data: bytes, folder: Path, name: str) -> Path:
        raise transport.TransportError(f"{name} was not saved: there is not enough free space in {folder}.")

    monkeypatch.setattr(transport, "write_verified", full)
    dialog = ExportDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.passphrase.setText(TEAM_PASSPHRASE)
    dialog.remember.setChecked(True)
    dialog.folder.setText(str(stick))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20000)
    assert "not enough free space" in dialog.error.text() and dialog.written is None
    assert dialog.export_button.isEnabled() and dialog.passphrase.isEnabled()
    assert store.get_setting("last_export", "") == "" and sync_settings.team_passphrase() == ""


def test_export_as_an_e_mail_draft_and_show_in_folder_when_no_mail_program_opens_it(
    qtbot, store, profile_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = _person("Shevchenko", "Taras")
    opened: list[str] = []
    monkeypatch.setattr(exchange_ui, "open_url", lambda url: opened.append(url.toLocalFile()) and False)
    dialog = ExportDialog(selection=exchange_ui.selection_of("person", person))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.scope_selection.isChecked() and "Shevchenko, Taras" in dialog.scope_selection.text()
    assert "by phone, never in the e-mail" in dialog.mail_note.text()
    dialog.passphrase.setText(TEAM_PASSPHRASE)
    dialog.to_mail.setChecked(True)
    assert not dialog.folder.isEnabled()
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=20000)
    draft = dialog.written
    assert draft.parent == profile_dir / exchange_ui.OUTBOX_DIR and draft.suffix == ".eml"
    assert opened == [str(draft)] and "no mail program opened it" in dialog.status.text()
    assert dialog.show_button.isVisible()
    dialog.show_button.click()
    assert opened[-1] == str(draft.parent)
    assert b"X-Unsent: 1" in draft.read_bytes() and TEAM_PASSPHRASE.encode() not in draft.read_bytes()
    assert sync_settings.team_passphrase() == ""  # not ticked: not kept


# ------------------------------------------------------------------------------------------------ import


def test_a_dropped_bundle_is_imported_with_a_report_and_the_lists_follow(
    qtbot, window, tmp_path: Path, profile_dir: Path, _no_blocking_message_boxes
) -> None:
    sync_settings.keep_team_passphrase(TEAM_PASSPHRASE)
    path, manifest = _bundle_from_another_laptop(
        tmp_path, profile_dir, lambda: [_person("Kovalenko", "Olena"), _person("Kovalenko", "Petro")]
    )
    assert window.people.model.total == 0
    other = tmp_path / "notes.txt"
    other.write_text("not a bundle")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(other))])
    enter = QDragEnterEvent(
        window.rect().center(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dragEnterEvent(enter)
    assert not enter.isAccepted()  # other files are not taken
    assert not _drop(window, other).isAccepted()
    assert _drop(window, path).isAccepted()
    report = _report_shown(qtbot, window)
    shipped = len(directory.shipped()[1])  # the offices every laptop seeds: known here, neither new nor updated
    assert report.report.new == manifest["counts"]["records"] - shipped and report.report.conflicts == 0
    assert "From the laptop other-laptop of Oksana" in report.source.text()
    assert report.counts.text() == "• New: 2 people, 1 volunteer." and report.file.text() == f"File: {path.name}"
    names = {report.families.topLevelItem(i).text(0) for i in range(report.families.topLevelItemCount())}
    assert names == {"Kovalenko, Olena", "Kovalenko, Petro"}
    assert window.people.model.total == 2  # the lists were refreshed
    assert "Bundle from other-laptop" in window.statusBar().currentMessage()
    assert _no_blocking_message_boxes == []
    report.close()

    _drop(window, path)  # the same file again
    qtbot.waitUntil(lambda: not window.bundle_import.busy and window.bundle_import.queue == [], timeout=20000)
    assert ("information", "Import a bundle") in _no_blocking_message_boxes
    assert "imported before; nothing changed" in window.statusBar().currentMessage()
    assert window.bundle_import.report_dialog is None


def test_a_tampered_bundle_is_put_aside_with_its_reason_and_the_next_one_still_comes_in(
    qtbot, window, tmp_path: Path, profile_dir: Path, _no_blocking_message_boxes
) -> None:
    sync_settings.keep_team_passphrase(TEAM_PASSPHRASE)
    good, _manifest = _bundle_from_another_laptop(tmp_path, profile_dir, lambda: _person("Hnatiuk", "Iryna"))
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0x01
    bad = good.with_name("Begleiter_tampered.age")
    bad.write_bytes(bytes(data))
    _drop(window, bad, good)
    report = _report_shown(qtbot, window)
    assert report.report.new >= 1 and window.people.model.total == 1
    warnings = [text for kind, text in _no_blocking_message_boxes if kind == "warning"]
    assert len(warnings) == 1  # the title; the text is checked on the files below
    kept = profile_dir / "quarantine" / bad.name
    assert kept.read_bytes() == bytes(data) and bad.exists()  # a copy; the user's file stays where it was
    reason = (profile_dir / "quarantine" / (bad.name + ".reason.txt")).read_text()
    assert "damaged or was altered" in reason
    assert exchange.rejected_file(transport.sha256_of(bad))


def test_several_bundles_chosen_at_once_come_in_one_after_another_each_named(
    qtbot, window, tmp_path: Path, profile_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File › Exchange › Import… with three files: two go in, each with its own report naming the file and
    counting per kind; the damaged one is put aside with its reason; the passphrase is asked once."""
    first, _m = _bundle_from_another_laptop(tmp_path, profile_dir, lambda: _person("Hnatiuk", "Iryna"))
    second, _m = _bundle_from_another_laptop(
        tmp_path, profile_dir, lambda: [_person("Savchenko", "Daria"), _person("Savchenko", "Ivan")], name="third"
    )
    data = bytearray(second.read_bytes())
    data[len(data) // 2] ^= 0x01
    bad = first.with_name("Begleiter_damaged.age")
    bad.write_bytes(bytes(data))
    chosen: list[str] = []
    monkeypatch.setattr(
        exchange_ui, "ask_open_files", lambda *args: chosen.append(args[1]) or [str(first), str(bad), str(second)]
    )
    asked: list[str] = []
    monkeypatch.setattr(
        exchange_ui, "ask_team_passphrase", lambda parent, problem="": asked.append(problem) or (TEAM_PASSPHRASE, False)
    )
    warnings: list[str] = []
    monkeypatch.setattr(exchange_ui.BundleImport, "_warn", lambda self, text: warnings.append(text))
    window.act_import_bundle.trigger()
    qtbot.waitUntil(
        lambda: len(window.findChildren(ReportDialog)) == 2 and not window.bundle_import.busy, timeout=30000
    )
    assert chosen == ["Choose the bundles to import"]
    assert asked == [""]  # typed once for the batch, not kept
    assert sync_settings.team_passphrase() == "" and window.bundle_import._typed == ""
    assert sorted(p.family_name for p in Person.select()) == ["Hnatiuk", "Savchenko", "Savchenko"]
    reports = {d.file.text(): d for d in window.findChildren(ReportDialog)}
    assert set(reports) == {f"File: {first.name}", f"File: {second.name}"}
    assert "New: 1 person, 1 volunteer." in reports[f"File: {first.name}"].counts.text()
    assert "New: 2 people, 1 volunteer." in reports[f"File: {second.name}"].counts.text()
    (warning,) = warnings
    assert warning.startswith(f"File: {bad.name}") and "damaged or was altered" in warning
    assert (profile_dir / "quarantine" / bad.name).read_bytes() == bytes(data)


def test_a_wrong_team_passphrase_is_asked_again_and_nothing_is_put_aside(
    qtbot, window, tmp_path: Path, profile_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _manifest = _bundle_from_another_laptop(tmp_path, profile_dir, lambda: _person("Lysenko", "Mykola"))
    answers = [("wrong passphrase", False), (TEAM_PASSPHRASE, True)]
    problems: list[str] = []

    def ask(parent, problem: str = ""):  # type: ignore[no-untyped-def]
        problems.append(problem)
        return answers.pop(0)

    monkeypatch.setattr(exchange_ui, "ask_team_passphrase", ask)
    _drop(window, path)
    assert problems == []  # asked once the drop has returned: the file manager is not kept waiting
    report = _report_shown(qtbot, window)
    assert problems == ["", "The team passphrase does not open this bundle (or the bundle was altered)."]
    assert report.report.new >= 1
    assert sync_settings.team_passphrase() == TEAM_PASSPHRASE  # "Remember" was ticked the second time
    assert not (profile_dir / "quarantine").exists()


def test_a_kept_passphrase_that_does_not_open_the_bundle_is_said_and_cancel_leaves_it(
    qtbot, window, tmp_path: Path, profile_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync_settings.keep_team_passphrase("an old passphrase")
    path, _manifest = _bundle_from_another_laptop(tmp_path, profile_dir, lambda: _person("Tkachenko", "Anna"))
    problems: list[str] = []
    monkeypatch.setattr(exchange_ui, "ask_team_passphrase", lambda parent, problem="": problems.append(problem))
    _drop(window, path)
    qtbot.waitUntil(lambda: bool(problems) and not window.bundle_import.busy, timeout=20000)
    assert "kept on this laptop does not open this bundle" in problems[0]
    assert window.people.model.total == 0 and not (profile_dir / "quarantine").exists()


def test_the_progress_window_shows_for_a_slow_import_and_not_for_a_quick_one(
    qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync_settings.keep_team_passphrase(TEAM_PASSPHRASE)
    shown: list[str] = []

    class Watched(QProgressDialog):
        def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
            shown.append(self.labelText())
            super().showEvent(event)

    monkeypatch.setattr(exchange_ui, "QProgressDialog", Watched)
    release = threading.Event()

    def slow(data: bytes, passphrase: str, progress=None):  # type: ignore[no-untyped-def]
        progress("decrypt")
        release.wait(10)
        progress("apply")
        return exchange.Report(bundle="b", source_name="x", new=1)

    bundle = tmp_path / "Begleiter_x.age"
    bundle.write_bytes(b"age-encryption.org/v1\n")
    monkeypatch.setattr(exchange, "import_bundle", lambda data, passphrase, progress=None: exchange.Report("q", new=1))
    window.bundle_import.import_file(bundle)
    _report_shown(qtbot, window).close()
    qtbot.wait(exchange_ui.PROGRESS_DELAY_MS + 100)
    assert shown == []  # a quick import shows no progress window at all

    monkeypatch.setattr(exchange, "import_bundle", slow)
    window.bundle_import.import_file(bundle)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert window.bundle_import.progress.isVisible()
    release.set()
    qtbot.waitUntil(lambda: window.bundle_import.progress is None, timeout=5000)
    assert shown == ["Opening the bundle Begleiter_x.age…"]
    _report_shown(qtbot, window).close()


def test_the_passphrase_prompt_keeps_what_was_typed_on_enter_and_escape_cancels(qtbot) -> None:
    dialog = PassphraseDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.passphrase)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error.text() == "Enter the team passphrase."
    qtbot.keyClicks(dialog.passphrase, TEAM_PASSPHRASE)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.passphrase.text() == TEAM_PASSPHRASE
    other = PassphraseDialog()
    qtbot.addWidget(other)
    other.show()
    qtbot.keyClick(other.passphrase, Qt.Key.Key_Escape)
    assert other.result() == QDialog.DialogCode.Rejected


# ------------------------------------------------------------------------------------------- preferences


def test_preferences_save_on_save_only_and_refuse_a_folder_inside_the_profile(
    qtbot, store, tmp_path: Path, profile_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "Nextcloud" / "Begleiter"
    shared.mkdir(parents=True)
    sync_settings.keep_team_passphrase(TEAM_PASSPHRASE)
    chosen = [str(profile_dir / "logs"), str(shared)]
    monkeypatch.setattr("desktop.ui.preferences.ask_folder", lambda *args: chosen.pop(0))

    dialog = PreferencesDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.team.setText("Wird verworfen")
    dialog.choose.click()  # inside the profile: refused
    assert "inside Begleiter's own data folder" in dialog.error.text() and dialog.folder.text() == ""
    dialog.choose.click()
    assert dialog.folder.text() == str(shared) and not dialog.error.isVisible()
    dialog.forget.setChecked(True)
    qtbot.keyClick(dialog.team, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert sync_settings.team_name() == "" and sync_settings.sync_folder() is None
    assert sync_settings.team_passphrase() == TEAM_PASSPHRASE

    again = PreferencesDialog()
    qtbot.addWidget(again)
    again.show()
    again.team.setText(TEAM)
    again.folder.setText(str(shared))
    again.forget.setChecked(True)
    qtbot.keyClick(again.team, Qt.Key.Key_Return)
    assert again.result() == QDialog.DialogCode.Accepted
    assert sync_settings.team_name() == TEAM and sync_settings.sync_folder() == shared
    assert sync_settings.team_passphrase() == ""

    third = PreferencesDialog()
    qtbot.addWidget(third)
    third.show()
    assert third.team.text() == TEAM and third.folder.text() == str(shared) and not third.forget.isVisible()
    third.passphrase.setText("another one")
    third.clear.click()
    third.buttons.accept_button.click()
    assert sync_settings.sync_folder() is None and sync_settings.team_passphrase() == "another one"


def test_preferences_refuse_a_sync_folder_that_is_gone(qtbot, store, tmp_path: Path) -> None:
    dialog = PreferencesDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.folder.setText(str(tmp_path / "gone"))
    dialog.buttons.accept_button.click()
    assert dialog.isVisible() and "does not exist" in dialog.error.text()
    assert sync_settings.sync_folder() is None


# ------------------------------------------------------------------------------------------- sync folder


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _service(qtbot, clock: _Clock) -> tuple[SyncService, list[str], list[object]]:  # type: ignore[no-untyped-def]
    service = SyncService(clock=clock, settle_seconds=0.0)
    messages: list[str] = []
    reports: list[object] = []
    service.message.connect(messages.append)
    service.imported.connect(reports.append)
    return service, messages, reports


def _idle(qtbot, service: SyncService) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: service.job is None, timeout=20000)


def _tick(qtbot, service: SyncService) -> None:  # type: ignore[no-untyped-def]
    """One look at the folder (read in the worker thread) and whatever it starts, to the end."""
    service.tick()
    _idle(qtbot, service)


def test_the_sync_folder_takes_in_bundles_and_publishes_own_changes(
    qtbot, store, tmp_path: Path, profile_dir: Path
) -> None:
    shared = tmp_path / "Syncthing"
    shared.mkdir()
    good, _m = _bundle_from_another_laptop(tmp_path, profile_dir, lambda: _person("Savchenko", "Daria"), folder=shared)
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0x01
    bad = shared / "Begleiter_a-damaged-one.age"
    bad.write_bytes(bytes(data))
    sync_settings.keep_team_passphrase(TEAM_PASSPHRASE)
    sync_settings.set_sync_folder(shared)
    sync_settings.set_team_name(TEAM)
    clock = _Clock()
    service, messages, reports = _service(qtbot, clock)
    assert service.start() and service.timer.isActive()
    _tick(qtbot, service)  # first sight: not settled yet
    assert reports == [] and messages == []
    for _round in range(3):
        _tick(qtbot, service)
    assert [p.family_name for p in Person.select()] == ["Savchenko"] and len(reports) == 1
    assert bad.exists()  # the shared file stays; a copy is put aside in the profile
    assert (profile_dir / "quarantine" / bad.name).read_bytes() == bytes(data)
    assert any("refused and a copy put aside" in m and "damaged" in m for m in messages)
    assert any(m.startswith("Bundle from other-laptop") for m in messages)
    said = len(messages)
    _tick(qtbot, service)
    assert len(messages) == said and len(reports) == 1  # nothing new: neither the good nor the bad one again

    before = {p.name for p in shared.iterdir()}
    clock.now += 60
    _tick(qtbot, service)  # own changes (the volunteer of this profile) not yet published, quiet since start
    published = {p.name for p in shared.iterdir()} - before
    assert len(published) == 1
    (name,) = published
    assert name.startswith("Begleiter_Leipzig-Ost-hilft_test-laptop_")
    assert store.get_setting("last_export", "") == ""  # the hand-made exports keep their own mark
    clock.now += 60
    _tick(qtbot, service)
    assert {p.name for p in shared.iterdir()} - before == published  # nothing changed: nothing published

    _person("Romanenko", "Vira")
    _tick(qtbot, service)  # the change is seen; the edits have not settled yet
    clock.now += 10
    _tick(qtbot, service)
    assert {p.name for p in shared.iterdir()} - before == published
    clock.now += 30
    _tick(qtbot, service)
    assert len({p.name for p in shared.iterdir()} - before) == 2
    clock.now += 60
    said = len(messages)
    _tick(qtbot, service)
    assert len(messages) == said and len(reports) == 1  # its own bundles are never imported back

    newest = max(shared.glob("Begleiter_Leipzig*"), key=lambda p: p.stat().st_mtime_ns)
    _switch_to(tmp_path / "other", create=False)
    report = exchange.import_bundle(newest.read_bytes(), TEAM_PASSPHRASE)
    assert report.new >= 1 and Person.get_or_none(Person.family_name == "Romanenko") is not None
    _switch_to(profile_dir, create=False)
    service.stop(publish=False)


@pytest.fixture
def shared(store, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A sync folder the profile is set to, with the team passphrase kept."""
    folder = tmp_path / "share"
    folder.mkdir()
    sync_settings.keep_team_passphrase(TEAM_PASSPHRASE)
    sync_settings.set_sync_folder(folder)
    return folder


def test_the_sync_folder_is_listed_hashed_and_read_off_the_window_thread(
    qtbot, store, tmp_path: Path, profile_dir: Path, shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large bundle (or a slow network folder) never stalls the window: tick() returns at once and the
    hashing and reading happen in the worker thread."""
    import time

    _bundle_from_another_laptop(tmp_path, profile_dir, lambda: _person("Savchenko", "Daria"), folder=shared)
    threads: list[threading.Thread] = []
    release = threading.Event()
    hash_file, read_file = transport.sha256_of, transport.read_bundle

    def slow_hash(path: Path, limit: int | None = None) -> str:
        threads.append(threading.current_thread())
        release.wait(3)  # a very large file
        return hash_file(path, limit)

    def read(path: Path) -> bytes:
        threads.append(threading.current_thread())
        return read_file(path)

    monkeypatch.setattr(transport, "sha256_of", slow_hash)
    monkeypatch.setattr(transport, "read_bundle", read)
    service, _messages, reports = _service(qtbot, _Clock())
    assert service.start()
    _tick(qtbot, service)  # first sight: not settled, not hashed
    assert threads == []
    started = time.monotonic()
    service.tick()
    assert time.monotonic() - started < 1.0 and service.job is not None  # the window goes on meanwhile
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    release.set()
    _idle(qtbot, service)
    assert len(reports) == 1 and [p.family_name for p in Person.select()] == ["Savchenko"]
    assert len(threads) == 2 and threading.main_thread() not in threads  # hashed, then read, in the worker
    service.stop(publish=False)


def test_the_sync_folder_publishes_on_close_and_says_once_when_the_folder_is_gone(
    qtbot, store, tmp_path: Path, shared: Path
) -> None:
    clock = _Clock()
    service, messages, _reports = _service(qtbot, clock)
    assert service.start()
    _person("Marchenko", "Yurii")
    service.stop()  # closing: the unpublished change goes out now
    assert len(list(shared.glob("*.age"))) == 1 and not service.running
    assert service.start()
    service.stop()
    assert len(list(shared.glob("*.age"))) == 1  # nothing new since

    assert service.start()
    for child in shared.iterdir():
        child.unlink()
    shared.rmdir()
    for _round in range(4):
        _tick(qtbot, service)
    gone = [m for m in messages if "cannot be read" in m]
    assert len(gone) == 1 and service.timer.isActive()  # said once, tried again at every tick
    shared.mkdir()
    _tick(qtbot, service)
    assert messages[-1] == "The sync folder can be read again."
    service.stop(publish=False)


def test_locking_the_screen_publishes_own_changes_before_the_sync_folder_stops(
    qtbot, shared: Path, window, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.sync.running)  # started once the window has painted
    window.sync.stop()  # what the profile held at the start is out: the lock has only the new change to send
    assert window.sync.start()
    before = set(shared.glob("*.age"))
    _person("Marchenko", "Yurii")
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # Ctrl+L, before the quiet spell
    assert window.screen_lock.locked and not window.sync.running
    (published,) = set(shared.glob("*.age")) - before
    window.screen_lock.unlock()
    qtbot.wait(10)
    _switch_to(tmp_path / "other", create=True)
    exchange.import_bundle(published.read_bytes(), TEAM_PASSPHRASE)
    assert [p.family_name for p in Person.select()] == ["Marchenko"]


def test_an_erasure_alone_reaches_the_sync_folder_after_the_quiet_spell_and_on_close(
    qtbot, store, tmp_path: Path, shared: Path
) -> None:
    """Erasing writes a marker and no change: the marker must still go out, or the other laptops keep the person."""
    from desktop.core.privacy import erasure
    from desktop.core.sync import bundle

    first, second = _person("Marchenko", "Yurii"), _person("Hnatiuk", "Iryna")
    clock = _Clock()
    service, _messages, _reports = _service(qtbot, clock)
    assert service.start()
    clock.now += 60
    _tick(qtbot, service)
    assert len(list(shared.glob("*.age"))) == 1
    clock.now += 60
    _tick(qtbot, service)
    assert len(list(shared.glob("*.age"))) == 1  # nothing new

    erasure.erase_person(first)
    _tick(qtbot, service)  # seen; not settled yet
    assert len(list(shared.glob("*.age"))) == 1
    clock.now += 60
    _tick(qtbot, service)
    bundles = sorted(shared.glob("*.age"), key=lambda p: p.stat().st_mtime_ns)
    assert len(bundles) == 2
    payload = bundle.open_bundle(bundles[-1].read_bytes(), TEAM_PASSPHRASE)
    assert [m.record_type for m in payload.markers] == ["person"] and not payload.entries
    clock.now += 60
    _tick(qtbot, service)
    assert len(list(shared.glob("*.age"))) == 2  # published once, not again

    erasure.erase_person(second)
    service.stop()  # closing at once: the marker goes out now
    assert len(list(shared.glob("*.age"))) == 3
    assert service.start()
    service.stop()
    assert len(list(shared.glob("*.age"))) == 3  # nothing new since


def test_the_sync_folder_remembers_its_newest_published_bundles(qtbot, store, tmp_path: Path, shared: Path) -> None:
    """The list of own bundles (never imported back) keeps the newest when it is full, not the first in order."""
    from desktop.ui import sync_service

    old = [f"f{n:063x}" for n in range(sync_service.PUBLISHED_KEPT)]  # after any real digest in order
    store.set_setting(sync_service.PUBLISHED_KEY, json.dumps(old))
    _person("Marchenko", "Yurii")
    service, _messages, _reports = _service(qtbot, _Clock())
    assert service.start()
    service.stop()  # publishes
    (published,) = shared.glob("*.age")
    kept = json.loads(store.get_setting(sync_service.PUBLISHED_KEY, "[]"))
    digest = hashlib.sha256(published.read_bytes()).hexdigest()
    assert len(kept) == sync_service.PUBLISHED_KEPT and kept[-1] == digest and old[0] not in kept


def test_the_sync_service_waits_for_a_kept_passphrase(qtbot, store, tmp_path: Path) -> None:
    sync_settings.set_sync_folder(tmp_path)
    service, messages, _reports = _service(qtbot, _Clock())
    assert not service.start() and not service.timer.isActive()
    assert "no team passphrase is kept" in messages[0]


# -------------------------------------------------------------------------------------- the core's marks


def test_since_last_reads_the_mark_it_is_given(store) -> None:
    _person("Kravchenko", "Lesia")
    everything = exchange.export(exchange.Scope("all"))
    exchange.remember_export(everything)
    assert exchange.export(exchange.Scope("since_last")).manifest["counts"]["changes"] == 0
    own = exchange.export(exchange.Scope("since_last"), mark_key="last_sync_export")
    assert own.manifest["counts"]["changes"] == everything.manifest["counts"]["changes"] > 0
    exchange.remember_export(own, key="last_sync_export")
    assert exchange.export(exchange.Scope("since_last"), mark_key="last_sync_export").manifest["counts"]["changes"] == 0


def test_the_report_dialog_closes_with_escape_and_offers_the_duplicates(qtbot, records) -> None:
    from tests.dialogs import sample_report

    dialog = ReportDialog(sample_report(records))
    qtbot.addWidget(dialog)
    asked: list[bool] = []
    dialog.review_duplicates.connect(lambda: asked.append(True))
    dialog.show()
    assert "Melnyk" in dialog.duplicates_label.text() and dialog.claims.isVisible()
    assert "2 conflicts to decide" in dialog.counts.text()
    assert "New: 2 people, 1 household, 3 cases, 2 appointments, 3 tasks and deadlines, 1 note." in dialog.counts.text()
    assert "Erased: 1 residence document." in dialog.counts.text()
    assert "12 new records" not in dialog.counts.text()  # the totals only for reports stored without kinds
    dialog.report.kinds = {}
    dialog.retranslate_ui()
    assert "12 new records" in dialog.counts.text()
    dialog.duplicates_button.click()
    assert asked == [True]
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Close) is not None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_the_window_offers_the_exchange_by_menu_and_key_and_stops_the_sync_folder_while_locked(
    qtbot, store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    from desktop.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    assert [a.text() for a in win.menu_exchange.actions()] == ["&Export…", "&Import…"]
    assert win.act_preferences in win.menu_edit.actions()
    assert win.act_preferences.shortcut().toString() == "Ctrl+,"
    assert win.act_export_bundle.shortcut().toString() == "Ctrl+E"
    qtbot.waitUntil(lambda: win.sync.running)  # after the first paint: unlocked, with a folder and a kept passphrase
    win.screen_lock.lock()
    assert not win.sync.running and not win.sync.timer.isActive()
    win.screen_lock.unlock()
    qtbot.wait(10)  # the lock prompt and covers are deleted by the event loop
    assert win.sync.running
    opened: list[object] = []
    monkeypatch.setattr(ExportDialog, "exec", lambda self: opened.append(self.selection))
    win.act_export_bundle.trigger()
    assert opened == [None]  # Today in view: nothing selected to offer
    person = _person("Zinchenko", "Halyna")
    win.people.refresh()
    win.show_area(1)
    win.people.table.selectRow(0)
    win.act_export_bundle.trigger()
    assert opened[-1] == ("person", person, "Zinchenko, Halyna")  # offered, and chosen when the dialog opens
    win.sync.stop(publish=False)


def test_the_export_and_preferences_dialogs_are_freed_after_closing_and_open_again(
    qtbot, window, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent

    opened: list[QDialog] = []
    for cls in (ExportDialog, PreferencesDialog):
        monkeypatch.setattr(cls, "exec", lambda self: opened.append(self) or 0)
    for _round in range(2):
        window.act_export_bundle.trigger()
        window.act_preferences.trigger()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert window.findChildren(ExportDialog) == [] and window.findChildren(PreferencesDialog) == []
    assert [type(d) for d in opened] == [ExportDialog, PreferencesDialog] * 2  # a new one each time


def test_a_background_write_that_waits_leaves_the_widgets_alone(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The wait notice is called by whichever thread waits for the write lock; from a worker thread it must
    not touch the status bar or the cursor (Qt widgets belong to the GUI thread)."""
    import threading

    from PySide6.QtWidgets import QApplication

    def wait_in_worker() -> None:
        window._write_waits(True)

    worker = threading.Thread(target=wait_in_worker)
    worker.start()
    worker.join()
    assert window.statusBar().currentMessage() == ""
    assert QApplication.overrideCursor() is None
    window._write_waits(True)  # on the GUI thread it says so
    assert "waiting" in window.statusBar().currentMessage()
    window._write_waits(False)
    assert QApplication.overrideCursor() is None


def test_enter_closes_the_read_only_exchange_dialogs(qtbot, records) -> None:  # type: ignore[no-untyped-def]
    """The import report and the Team view hold nothing to save: Enter closes them, as Escape does."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from desktop.ui.exchange_ui import ReportDialog
    from desktop.ui.team_ui import TeamDialog
    from tests.dialogs import sample_report

    for dialog in (ReportDialog(sample_report(records)), TeamDialog()):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        QTest.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)
        assert not dialog.isVisible(), type(dialog).__name__
