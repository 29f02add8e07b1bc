"""Bridges Qt's own translation lookups to our gettext catalogs and loads qtbase translations."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from desktop import i18n

log = logging.getLogger(__name__)


class GettextTranslator(QTranslator):
    """Answers Qt's tr() lookups from the gettext catalog; unknown strings fall through to qtbase."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:  # type: ignore[override]
        # None (a null QString) tells Qt to ask the next translator; "" would blank the text.
        return i18n.lookup(context or "", source or "", n)

    def isEmpty(self) -> bool:
        # A translator that says it is empty is skipped, and installing it sends no LanguageChange.
        return False


_installed: list[QTranslator] = []


def apply_language(lang: str) -> None:
    """Switch gettext and Qt to ``lang``; every widget then receives QEvent.LanguageChange."""
    i18n.set_language(lang)
    app = QCoreApplication.instance()
    QLocale.setDefault(QLocale({"de": "de_DE", "uk": "uk_UA", "en": "en_GB"}[lang]))
    if app is None:
        return
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if lang != "en":
        qtbase = QTranslator(app)
        if qtbase.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qtbase)
            _installed.append(qtbase)
        else:
            log.warning("no qtbase translation for %s", lang)
    bridge = GettextTranslator(app)
    app.installTranslator(bridge)  # installed last, asked first
    _installed.append(bridge)
