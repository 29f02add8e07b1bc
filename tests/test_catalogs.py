"""The catalog gate: de and uk complete, no fuzzy entries, equal placeholders, right plural counts, and no
user-visible literal in desktop/ui that bypasses the translation functions."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = ("de", "uk")
PLURALS = {"de": 2, "uk": 3, "en": 2}


def _catalog(lang: str):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "desktop.po").open("rb") as fp:
        return read_po(fp, locale=lang)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("lang", REQUIRED)
def test_catalog_is_complete_and_not_fuzzy(lang: str) -> None:
    catalog = _catalog(lang)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
    assert problems == []
    assert len(catalog) > 50


@pytest.mark.parametrize("lang", ("de", "uk", "en"))
def test_placeholders_and_plural_forms(lang: str) -> None:
    catalog = _catalog(lang)
    assert catalog.num_plurals == PLURALS[lang]
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if isinstance(message.id, tuple | list):
            assert len(strings) == catalog.num_plurals, message.id
        expected = _fields(ids[-1])
        for text in strings:
            if text:
                assert _fields(text) == expected, (lang, message.id, text)


def test_menu_accelerators_are_kept() -> None:
    for lang in REQUIRED:
        for message in _catalog(lang):
            if isinstance(message.id, str) and message.id.count("&") == 1 and message.string:
                assert message.string.count("&") == 1, (lang, message.id)


# --- literals in the UI that bypass _() --------------------------------------------------------------
TEXT_SETTERS = {
    "setText",
    "setWindowTitle",
    "setToolTip",
    "setPlaceholderText",
    "setTitle",
    "addItem",
    "setStatusTip",
    "showMessage",
    "setLabelText",
    "setAccessibleName",
    "addMenu",
    "setHtml",
    "information",
    "warning",
    "critical",
    "question",
}
ALLOWED = {"04109", "Begleiter"}


def _is_user_text(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):  # f"..." with words in it
        return any(_is_user_text(part) for part in node.values if isinstance(part, ast.Constant))
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(ch.isalpha() for ch in re.sub(r"<[^>]*>", "", node.value))  # markup is not text
        and node.value not in ALLOWED
    )


def test_ui_strings_go_through_translation() -> None:
    offenders = []
    for path in sorted((ROOT / "desktop" / "ui").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                owner = getattr(getattr(node.func, "value", None), "id", "")
                if owner in {"log", "logger", "logging"}:
                    continue  # developer messages are not translated
                widget_ctor = name in {
                    "QLabel",
                    "QPushButton",
                    "QCheckBox",
                    "QAction",
                    "QGroupBox",
                    "QMessageBox",
                    "QProgressDialog",
                    "QRadioButton",
                    "QToolButton",
                    "addButton",
                    "getInt",
                    "getText",
                    "getItem",
                }
                if name in TEXT_SETTERS or widget_ctor:
                    for arg in node.args:
                        if _is_user_text(arg):
                            offenders.append(f"{path.name}:{node.lineno} {ast.unparse(arg)}")
    assert offenders == []


def test_the_literal_scan_would_catch_a_bypass(tmp_path: Path) -> None:
    tree = ast.parse(
        'label.setText("Save the person")\nlabel.setText(_("Save the person"))\nlabel.setText(f"Saved {n} people")'
    )
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
    flagged = [c for c in calls if any(_is_user_text(a) for a in c.args)]
    assert len(flagged) == 2
