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

from desktop import i18n, paths

log = logging.getLogger(__name__)

_installed: list[QTranslator] = []

#: Languages with a catalog of our own for Qt texts missing from Qt's (translations/qt/qtbase_extra_<lang>.ts).
QT_EXTRA_LANGUAGES = ("uk",)


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
        # Qt's catalog, then ours for the few texts it lacks (the file dialog's "&Look in:" and "Files of
        # &type:" have no Ukrainian in the qtbase_uk of the Qt we ship): both for every standard dialog.
        catalogs = (
            (f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
            (f"qtbase_extra_{lang}", str(paths.translations_dir() / "qt")),
        )
        for name, folder in catalogs:
            translator = QTranslator(app)
            if translator.load(name, folder):
                app.installTranslator(translator)
                _installed.append(translator)
                changed = True
            elif not name.startswith("qtbase_extra_") or lang in QT_EXTRA_LANGUAGES:
                log.warning("no Qt translation %s", name)
    if not changed:  # Qt sends LanguageChange only when a translator comes or goes
        QCoreApplication.sendEvent(app, QEvent(QEvent.Type.LanguageChange))
