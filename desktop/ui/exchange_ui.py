"""File › Exchange: export a bundle (to a folder or stick, or as an e-mail draft), import one (menu or drop)
with its progress, report and quarantine, and the team passphrase prompt."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n, paths
from desktop.core import profile
from desktop.core.errors import UserError
from desktop.core.privacy import words
from desktop.core.store.models import Appointment, Case, Person
from desktop.core.sync import exchange, team, transport
from desktop.core.sync import settings as sync_settings
from desktop.core.sync.bundle import BundleRejected
from desktop.i18n import _
from desktop.ui import consents_ui
from desktop.ui.common import (
    DialogButtons,
    Retranslatable,
    _forget_file_dialog_history,
    ask_open_files,
    error_label,
    focus_first,
    plain_label,
    show_error,
)
from desktop.ui.worker import run_in_background

#: A progress window shows only when an import takes longer than this, and then stays at least
#: PROGRESS_MIN_MS: a quick import shows none, a slow one never flashes one.
PROGRESS_DELAY_MS = 500
PROGRESS_MIN_MS = 800
#: Where e-mail drafts go when no folder was chosen (inside the profile: the draft holds only the encrypted bundle).
OUTBOX_DIR = "outbox"
#: Kinds of refusal that say nothing against the file itself: it is not put aside.
NOT_QUARANTINED = ("passphrase", "references")


def open_url(url: QUrl) -> bool:
    """Open a file or folder with the system's program (one place, so tests can stand in for it)."""
    return QDesktopServices.openUrl(url)


def quarantine_dir() -> Path:
    return paths.profile_dir() / transport.QUARANTINE_DIR


def ask_folder(parent: QWidget | None, title: str, start: str) -> str:
    """A folder chosen in Qt's own dialog ("" when cancelled), leaving no trace outside the profile."""
    try:
        return QFileDialog.getExistingDirectory(
            parent, title, start, QFileDialog.Option.DontUseNativeDialog | QFileDialog.Option.ShowDirsOnly
        )
    finally:
        _forget_file_dialog_history()


def _passphrase_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


# ------------------------------------------------------------------------------------------- passphrase


class PassphraseDialog(Retranslatable, QDialog):
    """Asks the team passphrase for a bundle, with "Remember on this laptop"; says why it asks again."""

    def __init__(self, problem: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(460)
        self.intro = plain_label()
        self.label = QLabel()
        self.passphrase = _passphrase_field()
        self.label.setBuddy(self.passphrase)
        self.remember = QCheckBox()
        self.error = error_label()
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Cancel, accept_text="")
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        row = QHBoxLayout()
        row.addWidget(self.label)
        row.addWidget(self.passphrase, 1)
        layout.addLayout(row)
        layout.addWidget(self.remember)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        if problem:
            show_error(self.error, problem)
        self.retranslate_ui()
        focus_first(self.passphrase)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Team passphrase"))
        self.intro.setText(_("The bundle is encrypted with the passphrase of your team. Enter it to open the bundle."))
        self.label.setText(_("&Team passphrase:"))
        self.remember.setText(_("&Remember on this laptop"))
        self.buttons.accept_button.setText(_("&Open bundle"))

    def _check(self) -> None:
        if not self.passphrase.text():
            show_error(self.error, lambda: _("Enter the team passphrase."))
            self.passphrase.setFocus()
            return
        self.accept()


def ask_team_passphrase(parent: QWidget | None, problem: str = "") -> tuple[str, bool] | None:
    """The team passphrase and whether to keep it on this laptop, or None when the user cancelled."""
    dialog = PassphraseDialog(problem, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.passphrase.text(), dialog.remember.isChecked()


# ----------------------------------------------------------------------------------------------- export


def selection_of(kind: str, record_id: str | None) -> tuple[str, str, str] | None:
    """A person or case selected in a list as the export dialog offers it: (kind, id, how it is named)."""
    if record_id is None:
        return None
    if kind == "person":
        return kind, record_id, _person_text(record_id)
    found = Case.get_or_none(Case.id == record_id)
    if found is None:
        return None
    parts = [found.reference or found.title, _person_text(found.person_id) if found.person_id else ""]
    return kind, record_id, " – ".join(p for p in parts if p) or "–"


def _device_text(device: team.TeamDevice) -> str:
    name = device.name or "–"
    return f"{name} ({device.volunteer_name})" if device.volunteer_name else name


class ExportDialog(Retranslatable, QDialog):
    """What goes into a bundle, the team passphrase, and where it goes; the export runs in the background."""

    def __init__(self, parent: QWidget | None = None, selection: tuple[str, str, str] | None = None) -> None:
        """``selection``: (``"person"`` or ``"case"``, its id, how the list shows it), from the list in view."""
        super().__init__(parent)
        self.setMinimumWidth(620)
        self.selection = selection
        self.written: Path | None = None
        self.job = None
        self.scope_box = QGroupBox()
        self.scope_all = QRadioButton()
        self.scope_device = QRadioButton()
        self.device = QComboBox()
        self.devices = team.devices()
        for device in self.devices:
            self.device.addItem(_device_text(device), device.device)
        self.device_note = plain_label()
        self.scope_since = QRadioButton()
        self.scope_selection = QRadioButton()
        self.selection_note = plain_label()
        self.scopes = QButtonGroup(self)
        for button in (self.scope_all, self.scope_device, self.scope_since, self.scope_selection):
            self.scopes.addButton(button)
        grid = QGridLayout(self.scope_box)
        grid.addWidget(self.scope_all, 0, 0, 1, 2)
        grid.addWidget(self.scope_device, 1, 0)
        grid.addWidget(self.device, 1, 1)
        grid.addWidget(self.device_note, 2, 0, 1, 2)
        grid.addWidget(self.scope_since, 3, 0, 1, 2)
        grid.addWidget(self.scope_selection, 4, 0, 1, 2)
        grid.addWidget(self.selection_note, 5, 0, 1, 2)
        grid.setColumnStretch(1, 1)

        self.passphrase_label = QLabel()
        self.passphrase = _passphrase_field()
        self.passphrase_label.setBuddy(self.passphrase)
        kept = sync_settings.team_passphrase()
        self.passphrase.setText(kept)
        self.remember = QCheckBox()
        self.remember.setChecked(bool(kept))

        self.target_box = QGroupBox()
        self.to_folder = QRadioButton()
        self.to_folder.setChecked(True)
        self.folder = QLineEdit()
        last = sync_settings.export_folder()
        if last is not None and last.is_dir():  # the stick of last time, when it is there again
            self.folder.setText(str(last))
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse)
        self.to_mail = QRadioButton()
        self.mail_note = plain_label()
        self.targets = QButtonGroup(self)
        self.targets.addButton(self.to_folder)
        self.targets.addButton(self.to_mail)
        target = QGridLayout(self.target_box)
        target.addWidget(self.to_folder, 0, 0, 1, 3)
        target.addWidget(self.folder, 1, 0, 1, 2)
        target.addWidget(self.browse, 1, 2)
        target.addWidget(self.to_mail, 2, 0, 1, 3)
        target.addWidget(self.mail_note, 3, 0, 1, 3)
        target.setColumnStretch(0, 1)

        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.status = plain_label()
        self.status.hide()
        self.error = error_label()
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Cancel, accept_text="")
        self.export_button = self.buttons.accept_button
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.show_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.show_button.hide()
        self.show_button.clicked.connect(self._show_in_folder)
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)

        passphrase_row = QHBoxLayout()
        passphrase_row.addWidget(self.passphrase_label)
        passphrase_row.addWidget(self.passphrase, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scope_box)
        layout.addWidget(consents_ui.export_notice(selection))  # people of the selection without consent
        layout.addLayout(passphrase_row)
        layout.addWidget(self.remember)
        layout.addWidget(self.target_box)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.scope_device.setEnabled(bool(self.devices))
        self.device.setEnabled(bool(self.devices))
        self.scope_selection.setEnabled(selection is not None)
        (self.scope_selection if selection is not None else self.scope_all).setChecked(True)
        for button in (self.scope_device, self.to_folder, self.to_mail):
            button.toggled.connect(self._update)
        self.retranslate_ui()
        self._update()
        focus_first(self.passphrase if not kept else self.export_button)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Export a bundle"))
        self.scope_box.setTitle(_("What goes into the bundle"))
        self.scope_all.setText(_("E&verything on this laptop"))
        self.scope_device.setText(_("What this &laptop has not seen yet:"))
        self.device_note.setText(
            ""
            if self.devices
            else _("No other laptop is known yet: it becomes known with the first bundle imported from it.")
        )
        self.device_note.setVisible(not self.devices)
        self.scope_since.setText(_("Everything new since my last e&xport"))
        if self.selection is not None:
            kind, _id, text = self.selection
            what = _("this person") if kind == "person" else _("this case")
            self.scope_selection.setText(_("&Only {what}: {name}").format(what=what, name=text))
            self.selection_note.setText(_("With everything that belongs to it: cases, appointments, tasks, notes."))
        else:
            self.scope_selection.setText(_("&Only the person or case selected in the list"))
            self.selection_note.setText(_("Select a person in People or a case in Cases first."))
        self.passphrase_label.setText(_("&Team passphrase:"))
        self.remember.setText(_("&Remember on this laptop"))
        self.target_box.setTitle(_("Where the bundle goes"))
        self.to_folder.setText(_("Into a &folder or onto a USB stick:"))
        self.folder.setPlaceholderText(_("Choose a folder"))
        self.browse.setText(_("C&hoose…"))
        self.to_mail.setText(_("As an e-&mail draft with the bundle attached"))
        self.mail_note.setText(_("Give the team passphrase to the other volunteer by phone, never in the e-mail."))
        self.export_button.setText(_("&Export"))
        self.close_button.setText(_("Close") if self.written else _("Cancel"))
        self.show_button.setText(_("&Show in folder"))

    def _update(self) -> None:
        self.device.setEnabled(bool(self.devices) and self.scope_device.isChecked())
        self.folder.setEnabled(self.to_folder.isChecked())

    def _browse(self) -> None:
        start = self.folder.text() or str(Path.home())
        chosen = ask_folder(self, _("Choose the folder or USB stick for the bundle"), start)
        if chosen:
            self.folder.setText(chosen)
            self.to_folder.setChecked(True)

    def scope(self) -> exchange.Scope:
        if self.scope_device.isChecked():
            return exchange.Scope("device", device=self.device.currentData())
        if self.scope_since.isChecked():
            return exchange.Scope("since_last")
        if self.scope_selection.isChecked() and self.selection is not None:
            kind, record_id, _text = self.selection
            return exchange.Scope("selection", **{"people" if kind == "person" else "cases": (record_id,)})
        return exchange.Scope("all")

    def _target_folder(self) -> Path | None:
        """The folder the bundle or draft goes to, or None (and the reason shown)."""
        text = self.folder.text().strip()
        if self.to_mail.isChecked() and not text:
            folder = paths.profile_dir() / OUTBOX_DIR
            folder.mkdir(parents=True, exist_ok=True)
            return folder
        if not text:
            show_error(self.error, lambda: _("Choose the folder or USB stick the bundle goes to."))
            self.browse.setFocus()
            return None
        folder = Path(text).expanduser()
        if not folder.is_dir():
            show_error(
                self.error, lambda: _("The folder {place} does not exist. Was the stick removed?").format(place=text)
            )
            self.folder.setFocus()
            return None
        return folder

    def export(self) -> None:
        if self.job is not None:
            return
        passphrase = self.passphrase.text()
        if not passphrase:
            show_error(self.error, lambda: _("Enter the team passphrase."))
            self.passphrase.setFocus()
            return
        if self.scope_device.isChecked() and self.device.currentData() is None:
            show_error(self.error, lambda: _("Choose the laptop the bundle is for."))
            return
        folder = self._target_folder()
        if folder is None:
            return
        show_error(self.error, "")
        scope, team_name, device = self.scope(), sync_settings.team_name(), profile.device_name()
        by_mail = self.to_mail.isChecked()

        def work() -> Path:
            now = dt.datetime.now().astimezone()
            result = exchange.export_bundle(scope, passphrase, team_name)
            name = transport.bundle_file_name(team_name, device, now)
            if by_mail:
                path = transport.eml_draft(
                    result.data, name, team=team_name, device_name=device, created=now, folder=folder
                )
            else:
                path = transport.write_verified(result.data, folder, name)
            exchange.remember_export(result)  # only once the bundle is safely written
            return path

        self._busy(True)
        self._pending = (passphrase, by_mail)
        # No parent for the job: a thread object deleted with its dialog while it still runs ends the program.
        self.job = run_in_background(work, self._written, self._failed)

    def _written(self, path: Path) -> None:
        self._done(path, *self._pending)

    def _busy(self, busy: bool) -> None:
        for widget in (self.scope_box, self.target_box, self.passphrase, self.remember, self.export_button):
            widget.setEnabled(not busy)
        self.close_button.setEnabled(not busy)
        self.busy.setVisible(busy)
        self.status.setVisible(busy)
        if busy:
            self.status.setText(_("Encrypting and writing the bundle…"))

    def _done(self, path: Path, passphrase: str, by_mail: bool) -> None:
        self.job = None
        self._busy(False)
        self.written = path
        if self.remember.isChecked():
            sync_settings.keep_team_passphrase(passphrase)
        elif sync_settings.team_passphrase():
            sync_settings.keep_team_passphrase(None)
        for widget in (self.scope_box, self.target_box, self.passphrase, self.remember):
            widget.setEnabled(False)
        self.export_button.hide()
        self.show_button.show()
        self.status.show()
        if by_mail:
            if open_url(QUrl.fromLocalFile(str(path))):
                text = _(
                    "The e-mail draft with the bundle is open in your mail program: add the recipient and send it. "
                    "Give the team passphrase by phone, never in the e-mail."
                )
            else:
                text = _(
                    "The e-mail draft {name} is saved in {folder}, but no mail program opened it. Use “Show in "
                    "folder” and open it, or attach the bundle to an e-mail by hand."
                ).format(name=path.name, folder=str(path.parent))
        else:
            sync_settings.set_export_folder(path.parent)
            text = _(
                "The bundle {name} is written to {folder} and was read back and checked. On a USB stick: eject "
                "the stick safely (Eject in the file manager) before you pull it out."
            ).format(name=path.name, folder=str(path.parent))
        self.status.setText(text)
        self.retranslate_ui()
        self.buttons.dismiss_button = self.close_button
        self.buttons.settle()
        self.close_button.setFocus()
        self.adjustSize()  # the result text is new: the dialog grows so that nothing of it is cut

    def _failed(self, exc: Exception) -> None:
        self.job = None
        self._busy(False)
        message = str(exc) if isinstance(exc, UserError) else _("The bundle could not be made.")
        show_error(self.error, message)

    def _show_in_folder(self) -> None:
        if self.written is not None:
            open_url(QUrl.fromLocalFile(str(self.written.parent)))

    def reject(self) -> None:
        if self.job is not None:  # the bundle is being written: closing now would leave the user unsure
            return
        super().reject()


# ----------------------------------------------------------------------------------------------- report


def _when(created: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return i18n.fmt_list_datetime(moment)


def _person_text(person_id: str) -> str:
    person = Person.get_or_none(Person.id == person_id)
    return person.display_name() if person is not None else "–"


def _appointment_text(appointment_id: str) -> str:
    found = Appointment.get_or_none(Appointment.id == appointment_id)
    if found is None:
        return "–"
    parts = [i18n.fmt_list_datetime(found.starts_at), found.office]
    if found.person_id:
        parts.append(_person_text(found.person_id))
    return ", ".join(p for p in parts if p)


def count_lines(report: exchange.Report) -> list[str]:
    """What an import did, one line per kind (only kinds that happened), in the UI language."""
    n, ngettext = i18n.fmt_number, i18n.ngettext
    counted = (
        (report.new, lambda k: ngettext("{n} new record", "{n} new records", k)),
        (report.updated, lambda k: ngettext("{n} record updated", "{n} records updated", k)),
        (report.deleted, lambda k: ngettext("{n} record deleted", "{n} records deleted", k)),
        (report.erased, lambda k: ngettext("{n} record erased", "{n} records erased", k)),
        (report.conflicts, lambda k: ngettext("{n} conflict to decide", "{n} conflicts to decide", k)),
    )
    return [text(count).format(n=n(count)) for count, text in counted if count]


def kind_lines(report: exchange.Report) -> list[str]:
    """What an import did per kind of record ("New: 2 people, 1 case"), then the conflicts; the totals of
    :func:`count_lines` for a report stored before the kinds were counted."""
    if not report.kinds:
        return count_lines(report)
    titled = (
        ("new", lambda what: _("New: {what}.").format(what=what)),
        ("updated", lambda what: _("Updated: {what}.").format(what=what)),
        ("deleted", lambda what: _("Deleted: {what}.").format(what=what)),
        ("erased", lambda what: _("Erased: {what}.").format(what=what)),
    )
    lines = [title(words.count_text(report.kinds[key])) for key, title in titled if report.kinds.get(key)]
    if report.conflicts:
        n = report.conflicts
        lines.append(i18n.ngettext("{n} conflict to decide", "{n} conflicts to decide", n).format(n=i18n.fmt_number(n)))
    return lines


def summary(report: exchange.Report) -> str:
    """One line for the status bar: where from and what came in."""
    if report.already_known:
        return _("This bundle was imported before; nothing changed.")
    what = "; ".join(count_lines(report)) or _("nothing new")
    return _("Bundle from {laptop}: {what}.").format(laptop=report.source_name or "–", what=what)


class ReportDialog(Retranslatable, QDialog):
    """What an import brought: from where, the counts, likely duplicates, per family, double claims."""

    review_duplicates = Signal()

    def __init__(self, report: exchange.Report, parent: QWidget | None = None, file_name: str = "") -> None:
        """``file_name``: the bundle file the report is about (named: several may be imported at once)."""
        super().__init__(parent)
        self.setMinimumSize(620, 420)
        self.report = report
        self.file_name = file_name
        self.file = plain_label(bold=True)
        self.file.setVisible(bool(file_name))
        self.source = plain_label()
        self.counts = plain_label()
        self.duplicates_label = plain_label()
        self.duplicates_button = QPushButton()
        self.duplicates_button.clicked.connect(self.review_duplicates.emit)
        self.families = QTreeWidget()
        self.families.setRootIsDecorated(False)
        self.families.setColumnCount(3)
        self.families.setAlternatingRowColors(True)
        header = self.families.header()
        header.setStretchLastSection(False)  # the name takes the width, the counts stay beside it
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.claims = plain_label()
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Close)
        self.buttons.dismiss_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.buttons.settle()  # a report: Enter closes it
        self.buttons.rejected.connect(self.reject)
        duplicates_row = QHBoxLayout()
        duplicates_row.addWidget(self.duplicates_label, 1)
        duplicates_row.addWidget(self.duplicates_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.file)
        layout.addWidget(self.source)
        layout.addWidget(self.counts)
        layout.addLayout(duplicates_row)
        layout.addWidget(self.families, 1)
        layout.addWidget(self.claims)
        layout.addWidget(self.buttons)
        self.duplicate_names = [(_person_text(new), _person_text(old)) for new, old in report.duplicates]
        self.claim_texts = [_appointment_text(a) for a in report.claims]
        for line in report.families:
            item = QTreeWidgetItem([line.name, i18n.fmt_number(line.new), i18n.fmt_number(line.updated)])
            for column in (1, 2):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.families.addTopLevelItem(item)
        self.families.setVisible(bool(report.families))
        self.duplicates_label.setVisible(bool(report.duplicates))
        self.duplicates_button.setVisible(bool(report.duplicates))
        self.claims.setVisible(bool(report.claims))
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        report = self.report
        self.setWindowTitle(_("Bundle imported"))
        self.file.setText(_file_line(Path(self.file_name)) if self.file_name else "")
        source = _("From the laptop {laptop} of {volunteer}").format(
            laptop=report.source_name or "–", volunteer=report.volunteer_name or "–"
        )
        when = _when(report.created)
        if when:
            source += ", " + _("made {when}").format(when=when)
        self.source.setText(source)
        lines = kind_lines(report)
        self.counts.setText("\n".join(f"• {line}" for line in lines) if lines else _("The bundle brought nothing new."))
        self.duplicates_label.setText(
            i18n.ngettext(
                "A new person may be someone already here:",
                "New people may be someone already here:",
                len(self.duplicate_names),
            )
            + "\n"
            + "\n".join(
                "• " + _("{new} looks like {existing}").format(new=new, existing=old)
                for new, old in self.duplicate_names
            )
        )
        self.duplicates_button.setText(_("&Review duplicates…"))
        self.families.setHeaderLabels([_("Person"), _("New"), _("Updated")])
        self.families.setAccessibleName(_("What arrived per person"))
        self.claims.setText(
            i18n.ngettext(
                "An appointment is now claimed by two volunteers; please agree who goes:",
                "Appointments are now claimed by two volunteers; please agree who goes:",
                len(self.claim_texts),
            )
            + "\n"
            + "\n".join(f"• {text}" for text in self.claim_texts)
        )


# ----------------------------------------------------------------------------------------------- import


def bundle_paths(mime: Any) -> list[Path]:
    """The bundle files among dropped ones (local files with a bundle's name); other files are ignored."""
    if mime is None or not mime.hasUrls():
        return []
    found = []
    for url in mime.urls():
        if url.isLocalFile() and transport.is_bundle_name(url.toLocalFile()):
            found.append(Path(url.toLocalFile()))
    return found


class BundleImport(QObject):
    """Imports bundle files one after another: passphrase (asked only when none is kept or it fails),
    progress, report; a refused bundle is put aside in the profile's quarantine folder with its reason."""

    imported = Signal(object)  # the Report of a bundle that brought changes
    review_duplicates = Signal()
    message = Signal(str)  # a line for the status bar
    _phase = Signal(str)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.queue: list[Path] = []
        self.job = None
        self.progress: QProgressDialog | None = None
        self.label = ""
        self._shown_at = 0.0
        self.report_dialog: ReportDialog | None = None
        #: A passphrase typed (not kept) for one bundle of a batch is tried first for the next ones.
        self._typed = ""
        self._phase.connect(self._show_phase)

    @property
    def busy(self) -> bool:
        return self.job is not None

    def choose(self) -> None:
        """File › Exchange › Import…: one bundle or several (Ctrl or Shift in the file list), imported in turn."""
        names = ask_open_files(
            self.window,
            _("Choose the bundles to import"),
            str(Path.home()),
            _("Begleiter bundles (*.age)"),
        )
        for name in names:
            self.import_file(Path(name))

    def import_file(self, path: Path) -> None:
        """Import ``path`` next, or after the bundles already waiting.

        The work starts once the caller has returned: a drop handler that opened the passphrase prompt itself
        would keep the file manager the file came from waiting (frozen on Windows) until the prompt closed."""
        self.queue.append(Path(path))
        if not self.busy:
            QTimer.singleShot(0, self._next)

    def _next(self) -> None:
        if not self.queue and not self.busy:
            self._typed = ""  # the batch is done: a passphrase that was not to be kept goes
        while self.queue and not self.busy:
            path = self.queue.pop(0)
            if not transport.is_bundle_name(path.name):
                self._warn(_("{name} is not a Begleiter bundle (they end in .age).").format(name=path.name))
                continue
            try:
                data = transport.read_bundle(path)
            except UserError as exc:
                self._warn(str(exc))
                continue
            kept = sync_settings.team_passphrase()
            if kept:
                self._run(path, data, kept, remembered=True, remember=False)
                continue
            if self._typed:
                self._run(path, data, self._typed, remembered=False, remember=False)
                continue
            answer = ask_team_passphrase(self.window)
            if answer is not None:
                self._run(path, data, answer[0], remembered=False, remember=answer[1])

    def _warn(self, text: str) -> None:
        QMessageBox.warning(self.window, _("Import a bundle"), text)

    def _run(self, path: Path, data: bytes, passphrase: str, *, remembered: bool, remember: bool) -> None:
        self.label = _("Opening the bundle {name}…").format(name=path.name)
        self.job = run_in_background(
            lambda: exchange.import_bundle(data, passphrase, progress=self._phase.emit),
            lambda report: self._after_progress(lambda: self._done(report, path, passphrase, remember)),
            lambda exc: self._after_progress(lambda: self._failed(exc, path, data, remembered)),
        )  # no parent: the thread must outlive a window closed while it runs
        QTimer.singleShot(PROGRESS_DELAY_MS, lambda job=self.job: self._show_progress(job))

    def _show_progress(self, job: object) -> None:
        """The progress window, once an import has run for PROGRESS_DELAY_MS (a quick one never shows it)."""
        if self.job is None or self.job is not job or self.progress is not None:
            return
        progress = QProgressDialog(self.window)
        progress.setWindowTitle(_("Import a bundle"))
        progress.setLabelText(self.label)
        progress.setCancelButton(None)
        progress.setRange(0, 0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.show()
        self.progress = progress
        self._shown_at = time.monotonic()

    def _show_phase(self, phase: str) -> None:
        if phase == "apply":
            self.label = _("Adding the changes of the bundle…")
        if self.progress is not None:
            self.progress.setLabelText(self.label)

    def _after_progress(self, then: Callable[[], None]) -> None:
        """Close the progress window (shown at least PROGRESS_MIN_MS, so it never flashes), then go on."""
        self.job = None
        progress = self.progress
        if progress is None:
            then()
            return
        left = PROGRESS_MIN_MS - int((time.monotonic() - self._shown_at) * 1000)

        def close() -> None:
            progress.close()
            progress.deleteLater()
            self.progress = None
            then()

        if left > 0:
            self.job = progress  # still busy for the queue until the window is gone
            QTimer.singleShot(left, close)
        else:
            close()

    def _done(self, report: exchange.Report, path: Path, passphrase: str, remember: bool) -> None:
        self.job = None
        if remember:
            sync_settings.keep_team_passphrase(passphrase)
        elif not sync_settings.team_passphrase():
            self._typed = passphrase
        self.message.emit(summary(report))
        if report.already_known:
            QMessageBox.information(self.window, _("Import a bundle"), _file_line(path) + "\n\n" + summary(report))
        else:
            self.imported.emit(report)
            self.report_dialog = ReportDialog(report, self.window, path.name)
            self.report_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.report_dialog.review_duplicates.connect(self.review_duplicates.emit)
            self.report_dialog.open()
        self._next()

    def _failed(self, exc: Exception, path: Path, data: bytes, remembered: bool) -> None:
        self.job = None
        if isinstance(exc, BundleRejected) and exc.kind == "passphrase":
            problem = (
                _("The team passphrase kept on this laptop does not open this bundle. Enter the one it was made with.")
                if remembered
                else str(exc)
            )
            answer = ask_team_passphrase(self.window, problem)
            if answer is not None:
                self._run(path, data, answer[0], remembered=False, remember=answer[1])
                return
        elif isinstance(exc, BundleRejected) and exc.kind not in NOT_QUARANTINED:
            self._warn(_file_line(path) + "\n\n" + reject(path, hashlib.sha256(data).hexdigest(), str(exc)))
        elif isinstance(exc, UserError):
            self._warn(_file_line(path) + "\n\n" + str(exc))
        else:
            self._warn(_file_line(path) + "\n\n" + _("The bundle could not be imported. Nothing of it was added."))
        self._next()


def _file_line(path: Path) -> str:
    """Which file a report or refusal is about (several can be imported at once)."""
    return _("File: {name}").format(name=path.name)


def reject(path: Path, digest: str | None, reason: str) -> str:
    """Keep a copy of a refused bundle in the profile's quarantine folder and note it as refused (by its
    SHA-256, when it could be read); the message for the user: the reason, and where the copy is."""
    if digest is not None:
        exchange.record_rejected(digest, reason)
    try:
        kept = transport.quarantine_copy(path, quarantine_dir(), reason)
    except UserError as exc:
        return f"{reason}\n\n{exc}"
    return f"{reason}\n\n" + _("A copy of the bundle was put aside in {folder}.").format(folder=str(kept.parent))
