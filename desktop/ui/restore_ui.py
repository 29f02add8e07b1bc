"""Restoring a backup from the unlock dialog: chosen by the user, or offered because the database is damaged."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core.errors import ProfileDamaged, UserError, WrongPassphrase
from desktop.core.store import backup
from desktop.core.store import db as store_db
from desktop.i18n import N_, _
from desktop.ui.common import DialogButtons, LabelledForm, Retranslatable, error_label, focus_first, show_error

if TYPE_CHECKING:
    from desktop.ui.profile_dialogs import UnlockDialog

COLUMNS = (N_("Backup of"), N_("People"), N_("Cases"), N_("Check"))


def _state(info: backup.BackupInfo) -> str:
    if not info.opens:
        return _("does not open")
    if info.verified is None:
        return ""
    return _("passes its check") if info.verified else _("fails its check")


class RestoreDialog(Retranslatable, QDialog):
    """Lists the profile's backups (time, people, cases) under its key and puts the chosen one in place of
    the database; the current database is moved aside, never overwritten or deleted.

    Without ``damaged`` the passphrase is asked first; with it (the database failed a check at unlock) the
    key is known, the damage is said and the newest backup that passes its check is chosen already."""

    def __init__(self, profile_dir: Path, damaged: ProfileDamaged | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.profile_dir = profile_dir
        self.damaged = damaged
        self.key_material: tuple[bytes, bytes] | None = damaged.key_material if damaged else None
        self.infos: list[backup.BackupInfo] = []
        self.chosen: backup.BackupInfo | None = None
        self.aside: Path | None = None
        self.setMinimumWidth(560)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.textEdited.connect(self._forget_list)
        self.form = LabelledForm()
        self.passphrase_label = self.form.add(N_("Passphrase"), self.passphrase)
        self.list_label = QLabel()
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setColumnCount(len(COLUMNS))
        self.table.header().setStretchLastSection(False)
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(200)
        self.table.itemDoubleClicked.connect(lambda _item, _column: self._next())
        self.list_label.setBuddy(self.table)
        self.error = error_label()
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Cancel, accept_text="")
        self.ok_button: QPushButton = self.buttons.accept_button  # type: ignore[assignment]
        self.buttons.accepted.connect(self._next)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.list_label)
        layout.addWidget(self.table)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.retranslate_ui()
        if damaged is not None:
            self.passphrase_label.hide()
            self.passphrase.hide()
            self._fill(check_newest=True)
            focus_first(self.table)
        else:
            focus_first(self.passphrase)

    # --- texts ----------------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Restore a backup"))
        aside = _("The current database is not deleted: it is kept in the profile's folder “{folder}”.").format(
            folder=self._aside_kind()
        )
        if self.damaged is not None:
            self.intro.setText(
                str(self.damaged)
                + "\n"
                + _("The newest backup that passes its check is chosen; you can choose an older one.")
                + " "
                + aside
            )
        else:
            self.intro.setText(
                _("Enter the passphrase of your profile to see its backups, then choose the one to put in place.")
                + " "
                + aside
            )
        self.form.retranslate(_)
        self.list_label.setText(_("&Backups:"))
        self.table.setHeaderLabels([_(title) for title in COLUMNS])
        self.table.setAccessibleName(_("Backups"))
        for item, info in zip(self._items(), self.infos, strict=True):
            self._write_row(item, info)
        self._update_button()

    def _aside_kind(self) -> str:
        return backup.DAMAGED if self.damaged is not None else backup.REPLACED

    def _update_button(self) -> None:
        listed = self.key_material is not None and bool(self.infos)
        self.ok_button.setText(_("&Restore this backup") if listed else _("&Show backups"))
        self.buttons.settle()

    # --- the list --------------------------------------------------------------------------------------
    def _items(self) -> list[QTreeWidgetItem]:
        return [self.table.topLevelItem(i) for i in range(self.table.topLevelItemCount())]

    def _write_row(self, item: QTreeWidgetItem, info: backup.BackupInfo) -> None:
        item.setText(0, i18n.fmt_list_datetime(info.time))
        item.setText(1, i18n.fmt_number(info.people) if info.people is not None else "–")
        item.setText(2, i18n.fmt_number(info.cases) if info.cases is not None else "–")
        item.setText(3, _state(info))
        for column in (1, 2):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def _forget_list(self) -> None:
        """A changed passphrase shows the backups again (under the key it gives)."""
        if self.damaged is None and self.infos:
            self.key_material = None
            self.infos = []
            self.table.clear()
            self._update_button()

    def _unlock_key(self) -> bool:
        """The key for the typed passphrase (the database itself is not opened); says what is wrong."""
        if not self.passphrase.text():
            show_error(self.error, _("Enter the passphrase of your profile."))
            self.passphrase.setFocus()
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.key_material = store_db.unlock_key(self.profile_dir, self.passphrase.text())
        except WrongPassphrase as exc:
            show_error(self.error, str(exc))
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            return False
        except ProfileDamaged as exc:  # an older profile whose database does not open: its backups vouched
            if exc.key_material is None:
                show_error(self.error, str(exc))
                return False
            self.key_material = exc.key_material
        except UserError as exc:
            show_error(self.error, str(exc))
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        return True

    def _fill(self, *, check_newest: bool = False) -> None:
        """List the backups, newest first, with their counts. ``check_newest``: verify them from the newest
        down until one passes, and choose it (a damaged profile's way back)."""
        assert self.key_material is not None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.infos = []
            good: int | None = None
            for path in reversed(backup.backups(self.profile_dir)):
                info = backup.describe(path, self.key_material, check=check_newest and good is None)
                if info.verified:
                    good = len(self.infos)
                self.infos.append(info)
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.table.clear()
        for info in self.infos:
            item = QTreeWidgetItem()
            self._write_row(item, info)
            if not info.opens or info.verified is False:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsSelectable)
            self.table.addTopLevelItem(item)
        self.table.setColumnHidden(3, not any(_state(info) for info in self.infos))  # only when it says something
        choose = good if check_newest else next((i for i, info in enumerate(self.infos) if info.opens), None)
        if choose is not None:
            self.table.setCurrentItem(self.table.topLevelItem(choose))
            self.table.setFocus()
            show_error(self.error, "")
        elif not self.infos:
            show_error(self.error, _("There are no backups of this profile yet."))
        else:
            show_error(
                self.error,
                _("No backup of this profile passes its check. The file is kept as it is: ask your coordinator."),
            )
        self._update_button()

    def _current(self) -> backup.BackupInfo | None:
        item = self.table.currentItem()
        if item is None or not item.isSelected() or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return None
        return self.infos[self.table.indexOfTopLevelItem(item)]

    # --- restoring -------------------------------------------------------------------------------------
    def _next(self) -> None:
        """Show the backups (the passphrase typed), or restore the chosen one (after confirming)."""
        if self.key_material is None or not self.infos:
            if self.damaged is None and self._unlock_key():
                self._fill()
            return
        info = self._current()
        if info is None:
            show_error(self.error, _("Choose the backup to put in place."))
            self.table.setFocus()
            return
        if not self.confirm(info):
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.aside = backup.restore(self.profile_dir, info.path, self.key_material)
        except backup.BackupError:
            show_error(
                self.error,
                _("The backup {file} does not pass its check; nothing was changed.").format(file=info.path.name),
            )
            return
        except OSError:
            show_error(self.error, _("The backup could not be put in place; nothing was changed."))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.chosen = info
        self.accept()

    def confirm(self, info: backup.BackupInfo) -> bool:
        """Ask before the chosen backup replaces the database."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Restore a backup"),
            _("Put the backup of {time} ({counts}) in place of the profile's database?").format(
                time=i18n.fmt_list_datetime(info.time), counts=info.counts_text()
            ),
            parent=self,
        )
        box.setInformativeText(
            _("What was entered after it is not in it.")
            + " "
            + _("The current database is not deleted: it is kept in the profile's folder “{folder}”.").format(
                folder=self._aside_kind()
            )
        )
        restore = box.addButton(_("Restore the backup"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(restore)
        box.exec()
        return box.clickedButton() is restore

    def report(self) -> str:
        """What was done, in the user's language."""
        assert self.chosen is not None and self.aside is not None
        return _("Restored the backup of {time}. The previous database was kept in {folder}.").format(
            time=i18n.fmt_list_datetime(self.chosen.time), folder=str(self.aside)
        )


class RestoreOffer(QObject):
    """The unlock dialog's way back to a backup: its "Restore a backup…" button, and the restore dialog
    offered when the database turns out to be damaged."""

    def __init__(self, dialog: UnlockDialog) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.button = dialog.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.button.clicked.connect(self.choose)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.button.setText(_("&Restore a backup…"))

    def choose(self) -> None:
        """The user asked for a backup: the restore dialog asks the passphrase; the restored profile opens."""
        restore = RestoreDialog(self.dialog.profile_dir, parent=self.dialog)
        if not restore.exec() or restore.chosen is None:
            return
        QMessageBox.information(self.dialog, _("Restore a backup"), restore.report())
        self.dialog.passphrase.setText(restore.passphrase.text())
        self.dialog._unlock()

    def offer(self, damaged: ProfileDamaged) -> bool:
        """The database is damaged: offer the newest good backup (or an older one); True once one is in place."""
        restore = RestoreDialog(self.dialog.profile_dir, damaged=damaged, parent=self.dialog)
        if not restore.exec() or restore.chosen is None:
            show_error(self.dialog.error, str(damaged))
            return False
        QMessageBox.information(self.dialog, _("Restore a backup"), restore.report())
        return True
