"""The About dialog: version, what Begleiter is, and the licences of what it is built with."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from desktop import __version__
from desktop.i18n import _
from desktop.ui.common import DialogButtons, Retranslatable

#: Component, licence. Shown as they are (names are not translated).
COMPONENTS: tuple[tuple[str, str], ...] = (
    ("Begleiter", "GPL-3.0-or-later"),
    ("Qt 6 / PySide6", "LGPL-3.0"),
    ("SQLCipher / sqlcipher3", "BSD-3-Clause / zlib"),
    ("SQLite", "Public Domain"),
    ("peewee", "MIT"),
    ("Babel", "BSD-3-Clause"),
    ("platformdirs", "MIT"),
    ("zxcvbn", "MIT"),
    ("ReportLab", "BSD-3-Clause"),
    ("translitua", "MIT"),
    ("RapidFuzz", "MIT"),
    ("holidays", "MIT"),
    ("schwifty", "MIT"),
    ("python-stdnum", "LGPL-2.1-or-later"),
    ("openpyxl", "MIT"),
    ("Python", "PSF-2.0"),
)


class AboutDialog(Retranslatable, QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(520, 420)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.licences = QTextBrowser()
        buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.text)
        layout.addWidget(self.licences)
        layout.addWidget(buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("About Begleiter"))
        self.heading.setText(_("Begleiter {version}").format(version=__version__))
        self.text.setText(
            _(
                "Begleiter (Супровід) helps volunteers who accompany people from Ukraine to German offices "
                "keep their cases, appointments and documents in order – offline and encrypted."
            )
            + "\n\n"
            + _("Qt {qt}, PySide6 {pyside}, Python {python}").format(
                qt=qVersion(), pyside=PySide6.__version__, python=platform.python_version()
            )
        )
        rows = "".join(f"<tr><td>{name}</td><td>{licence}</td></tr>" for name, licence in COMPONENTS)
        self.licences.setHtml(
            f"<h4>{_('Licences')}</h4><table cellspacing='6'><tr><th align='left'>{_('Component')}</th>"
            f"<th align='left'>{_('Licence')}</th></tr>{rows}</table>"
        )
