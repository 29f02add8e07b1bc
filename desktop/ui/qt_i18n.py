"""Switches Qt to the UI language: Qt's own texts from qtbase_<lang>.qm, and a LanguageChange event so
every widget retranslates itself from the gettext catalog.

Deviation from CONVENTIONS.md §14: there is no QTranslator bridge into the gettext catalog. Our widgets
never call tr(), so such a bridge would only ever answer "not mine" (a Python override returning None,
the very pattern that PySide6 6.12.0 mishandled under Python 3.11); Qt's own texts come from qtbase, and
the LanguageChange that a bridge would have provided is sent here when no translator changed.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from desktop import i18n

log = logging.getLogger(__name__)

_installed: list[QTranslator] = []


def apply_language(lang: str) -> None:
    """Switch gettext and Qt to ``lang``; every widget then receives QEvent.LanguageChange."""
    i18n.set_language(lang)
    app = QCoreApplication.instance()
    QLocale.setDefault(QLocale({"de": "de_DE", "uk": "uk_UA", "en": "en_GB"}[lang]))
    if app is None:
        return
    changed = bool(_installed)
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if lang != "en":
        qtbase = QTranslator(app)
        if qtbase.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qtbase)
            _installed.append(qtbase)
            changed = True
        else:
            log.warning("no qtbase translation for %s", lang)
    if not changed:  # Qt sends LanguageChange only when a translator comes or goes
        QCoreApplication.sendEvent(app, QEvent(QEvent.Type.LanguageChange))
