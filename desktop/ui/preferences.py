"""Edit › Preferences: the team's name, the sync folder, the team passphrase kept on this laptop, the
retention period and the initiative's details for certificates."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import paths
from desktop.core.errors import UserError
from desktop.core.network import initiative
from desktop.core.privacy import retention
from desktop.core.sync import settings as sync_settings
from desktop.core.sync import transport
from desktop.i18n import _
from desktop.ui.common import DialogButtons, Retranslatable, error_label, focus_first, show_error
from desktop.ui.exchange_ui import ask_folder


def check_sync_folder(folder: Path) -> str:
    """Why ``folder`` cannot be the sync folder ("" when it can): it must exist and lie apart from the profile."""
    if not folder.is_dir():
        return _("The folder {place} does not exist.").format(place=str(folder))
    try:
        transport.SyncFolder(folder, profile=paths.profile_dir())
    except UserError as exc:
        return str(exc)
    return ""


class PreferencesDialog(Retranslatable, QDialog):
    """The exchange settings of this profile; nothing is saved until OK."""

    def __init__(self, parent: QWidget | None = None, *, focus_initiative: bool = False) -> None:
        """``focus_initiative``: opened to enter the initiative's name (a certificate needs it)."""
        super().__init__(parent)
        self.setMinimumWidth(600)
        self.saved = False
        self.team_label = QLabel()
        self.team = QLineEdit(sync_settings.team_name())
        self.team.setMaxLength(200)
        self.team_label.setBuddy(self.team)
        self.team_note = QLabel()
        self.team_note.setWordWrap(True)

        self.sync_box = QGroupBox()
        self.sync_note = QLabel()
        self.sync_note.setWordWrap(True)
        current = sync_settings.sync_folder()
        self.folder = QLineEdit(str(current) if current else "")
        self.folder.setReadOnly(True)
        self.choose = QPushButton()
        self.choose.clicked.connect(self._choose)
        self.clear = QPushButton()
        self.clear.clicked.connect(self._clear)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose)
        folder_row.addWidget(self.clear)
        sync_layout = QVBoxLayout(self.sync_box)
        sync_layout.addWidget(self.sync_note)
        sync_layout.addLayout(folder_row)

        self.passphrase_box = QGroupBox()
        self.kept = bool(sync_settings.team_passphrase())
        self.passphrase_state = QLabel()
        self.passphrase_state.setWordWrap(True)
        self.passphrase_label = QLabel()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_label.setBuddy(self.passphrase)
        self.forget = QCheckBox()
        self.forget.setVisible(self.kept)
        self.forget.toggled.connect(self.passphrase.setDisabled)
        passphrase_form = QFormLayout()
        passphrase_form.addRow(self.passphrase_label, self.passphrase)
        passphrase_layout = QVBoxLayout(self.passphrase_box)
        passphrase_layout.addWidget(self.passphrase_state)
        passphrase_layout.addLayout(passphrase_form)
        passphrase_layout.addWidget(self.forget)

        self.retention_box = QGroupBox()
        self.retention_label = QLabel()
        self.retention = QSpinBox()
        self.retention.setRange(1, retention.MAX_MONTHS)
        self.retention.setValue(retention.period_months())
        self.retention_label.setBuddy(self.retention)
        self.retention_note = QLabel()
        self.retention_note.setWordWrap(True)
        retention_form = QFormLayout()
        retention_form.addRow(self.retention_label, self.retention)
        retention_layout = QVBoxLayout(self.retention_box)
        retention_layout.addLayout(retention_form)
        retention_layout.addWidget(self.retention_note)

        self._build_initiative()

        self.error = error_label()
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Cancel, accept_text="")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        team_row = QFormLayout()
        team_row.addRow(self.team_label, self.team)
        layout = QVBoxLayout(self)
        layout.addLayout(team_row)
        layout.addWidget(self.team_note)
        layout.addWidget(self.sync_box)
        layout.addWidget(self.passphrase_box)
        layout.addWidget(self.retention_box)
        layout.addWidget(self.initiative_box)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.retranslate_ui()
        focus_first(self.initiative_name if focus_initiative else self.team)

    def _build_initiative(self) -> None:
        """The initiative's name and address (the certificate's letterhead) and who signs."""
        kept = initiative.get()
        self.initiative_box = QGroupBox()
        self.initiative_name_label = QLabel()
        self.initiative_name = QLineEdit(kept.name)
        self.initiative_name.setMaxLength(initiative.MAX_LINE)
        self.initiative_name_label.setBuddy(self.initiative_name)
        self.initiative_address_label = QLabel()
        self.initiative_address = QPlainTextEdit(kept.address)
        self.initiative_address.setTabChangesFocus(True)
        self.initiative_address.setFixedHeight(self.initiative_address.fontMetrics().lineSpacing() * 3 + 14)
        self.initiative_address_label.setBuddy(self.initiative_address)
        self.signer_label = QLabel()
        self.signer = QLineEdit(kept.signer)
        self.signer.setMaxLength(initiative.MAX_LINE)
        self.signer_label.setBuddy(self.signer)
        self.signer_role_label = QLabel()
        self.signer_role = QLineEdit(kept.signer_role)
        self.signer_role.setMaxLength(initiative.MAX_LINE)
        self.signer_role_label.setBuddy(self.signer_role)
        signer_row = QHBoxLayout()
        signer_row.addWidget(self.signer, 3)
        signer_row.addWidget(self.signer_role_label)
        signer_row.addWidget(self.signer_role, 2)
        form = QFormLayout(self.initiative_box)
        form.addRow(self.initiative_name_label, self.initiative_name)
        form.addRow(self.initiative_address_label, self.initiative_address)
        form.addRow(self.signer_label, signer_row)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Preferences"))
        self.team_label.setText(_("&Team name:"))
        self.team_note.setText(_("Part of the name of every bundle this laptop makes, so the team recognises them."))
        self.sync_box.setTitle(_("Sync folder"))
        self.sync_note.setText(
            _(
                "A folder that another program keeps the same on every laptop of the team (Nextcloud, Syncthing, a "
                "network share). Begleiter puts your changes there as encrypted bundles and imports the bundles of "
                "the others by itself. It needs the team passphrase kept on this laptop. Choose a folder outside "
                "Begleiter's own data folder."
            )
        )
        self.folder.setPlaceholderText(_("No sync folder"))
        self.choose.setText(_("&Choose…"))
        self.clear.setText(_("&No sync folder"))
        self.passphrase_box.setTitle(_("Team passphrase"))
        self.passphrase_state.setText(
            _("The team passphrase is kept on this laptop (encrypted in your profile).")
            if self.kept
            else _("No team passphrase is kept on this laptop: it is asked for each exchange.")
        )
        self.passphrase_label.setText(_("&Keep this passphrase:") if not self.kept else _("&Keep another one:"))
        self.forget.setText(_("&Forget the kept team passphrase"))
        self.retention_box.setTitle(_("Data protection"))
        self.retention_label.setText(_("&Retention period:"))
        self.retention.setSuffix(" " + _("months"))
        self.retention_note.setText(
            _(
                "Closed cases older than this, and people without an open case or activity for this long, are "
                "listed on Today for review and erasure."
            )
        )
        self.initiative_box.setTitle(_("Initiative (for certificates of voluntary work)"))
        self.initiative_name_label.setText(_("&Initiative:"))
        self.initiative_name.setPlaceholderText(_("e.g. Ukraine-Hilfe Leipzig e.V."))
        self.initiative_address_label.setText(_("A&ddress:"))
        self.initiative_address.setPlaceholderText(_("Street and number\nPostcode and town"))
        self.signer_label.setText(_("Si&gned by:"))
        self.signer.setPlaceholderText(_("Name of who signs"))
        self.signer_role_label.setText(_("R&ole:"))
        self.signer_role.setPlaceholderText(_("e.g. Vorstand"))
        self.buttons.accept_button.setText(_("&Save"))

    def _choose(self) -> None:
        start = self.folder.text() or str(Path.home())
        chosen = ask_folder(self, _("Choose the sync folder"), start)
        if not chosen:
            return
        problem = check_sync_folder(Path(chosen))
        show_error(self.error, problem)
        if not problem:
            self.folder.setText(chosen)

    def _clear(self) -> None:
        self.folder.clear()
        show_error(self.error, "")

    def save(self) -> None:
        folder = Path(self.folder.text()) if self.folder.text() else None
        if folder is not None:
            problem = check_sync_folder(folder)
            if problem:
                show_error(self.error, problem)
                self.choose.setFocus()
                return
        sync_settings.set_team_name(self.team.text())
        retention.set_period_months(self.retention.value())
        initiative.save(
            initiative.Initiative(
                name=self.initiative_name.text(),
                address=self.initiative_address.toPlainText(),
                signer=self.signer.text(),
                signer_role=self.signer_role.text(),
            )
        )
        sync_settings.set_sync_folder(folder)
        if self.forget.isChecked():
            sync_settings.keep_team_passphrase(None)
        elif self.passphrase.text():
            sync_settings.keep_team_passphrase(self.passphrase.text())
        self.saved = True
        self.accept()
