"""Every area and dialog, in German, Ukrainian and English, on the smallest supported screen (1280×720):
no label, button, check box or column heading whose text does not fit, nothing that scrolls sideways."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from desktop.core import demo, people
from desktop.core.store.models import Person
from desktop.ui.qt_i18n import apply_language
from tests.dialogs import build, dialog_classes
from tests.fit import SCREEN, clipped

LANGUAGES = ("de", "uk", "en")


@pytest.fixture
def demo_store(store):
    demo.generate(40, seed=7)
    return store


def _on_screen(widget: QWidget) -> QWidget:
    """The widget as the user gets it: its own size, but never larger than the screen."""
    hint = widget.sizeHint()
    width = min(max(widget.width(), hint.width()), SCREEN[0])
    widget.resize(width, min(max(widget.height(), hint.height()), SCREEN[1]))
    widget.show()
    QApplication.processEvents()
    return widget


def test_every_area_fits_in_every_language(qtbot, demo_store) -> None:
    from desktop.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(*SCREEN)
    window.show()
    problems = []
    for language in LANGUAGES:
        apply_language(language)
        for row in range(window.stack.count()):
            window.nav.setCurrentRow(row)
            area = type(window.stack.currentWidget()).__name__
            problems += [f"{language} {area}: {p}" for p in clipped(window)]
    assert problems == []


def _first(model):
    return model.select().where(model.deleted == False).first()  # noqa: E712


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_dialog_fits_in_every_language(qtbot, records, tmp_path, language: str) -> None:
    """Every QDialog of desktop/ui, new and with a record, as the app opens it."""
    apply_language(language)
    problems = []
    for name, cls in sorted(dialog_classes().items()):
        for dialog in build(name, cls, records, tmp_path):
            qtbot.addWidget(dialog)
            _on_screen(dialog)
            problems += [f"{name}: {p}" for p in clipped(dialog)]
            dialog.close()
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_dialogs_with_their_messages_fit(qtbot, records, tmp_path, language: str) -> None:
    """The texts the review found cut only once shown: a wrong passphrase, a tool's explanation, the
    welcome dialog's advice."""
    from desktop.ui.profile_dialogs import UnlockDialog, WelcomeDialog

    apply_language(language)
    unlock = UnlockDialog(tmp_path / "profile")
    welcome = WelcomeDialog(tmp_path / "new-profile")
    for dialog in (unlock, welcome):
        qtbot.addWidget(dialog)
        _on_screen(dialog)
    unlock.passphrase.setText("not the passphrase")
    unlock.ok_button.click()
    welcome.passphrase.setText("short")
    welcome.passphrase.textEdited.emit("short")
    problems = [p for d in (unlock, welcome) for p in clipped(d)]
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_long_messages_wrap_instead_of_being_cut(qtbot, demo_store, language: str) -> None:
    """The texts the review found cut: tool explanations and a long validation message."""
    from desktop.ui.person_editor import PersonEditor
    from desktop.ui.tools_dialogs import DeadlineDialog, PermitDialog

    apply_language(language)
    deadline = DeadlineDialog()
    qtbot.addWidget(deadline)
    _on_screen(deadline)
    deadline.date.setText("03.11.2026")  # a decision: the explanation of the deadline appears
    deadline.missing_instructions.setChecked(True)
    permit = PermitDialog()
    qtbot.addWidget(permit)
    _on_screen(permit)
    permit.printed.setText("04.03.2025")
    permit.issued.setText("05.03.2024")
    assert deadline.result.text() and permit.result.text()
    editor = PersonEditor(_first(Person))
    qtbot.addWidget(editor)
    _on_screen(editor)
    editor.edits["tax_id"].setText("12345678901")  # a wrong check digit: the longest validation message
    editor.edits["tax_id"].editingFinished.emit()
    problems = [p for d in (deadline, permit, editor) for p in clipped(d)]
    assert problems == []


def test_the_check_finds_a_cut_label(qtbot) -> None:
    """The fit check itself: a label narrower than its text is reported, a wrapped one that fits is not."""
    from PySide6.QtWidgets import QLabel, QVBoxLayout

    box = QWidget()
    qtbot.addWidget(box)
    layout = QVBoxLayout(box)
    cut = QLabel("Невиконані завдання й терміни всіх людей")
    cut.setFixedWidth(60)
    wrapped = QLabel("Невиконані завдання й терміни всіх людей " * 3)
    wrapped.setWordWrap(True)
    layout.addWidget(cut)
    layout.addWidget(wrapped)
    box.resize(400, 300)
    box.show()
    found = clipped(box)
    assert len(found) == 1 and "Невиконані" in found[0]


def test_people_and_cases_refit_their_columns_after_a_language_switch(qtbot, demo_store) -> None:
    from desktop.ui.main_window import MainWindow

    people.create_person({"family_name": "Ko", "given_name": "Ol"})  # names shorter than the headings
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(*SCREEN)
    window.show()
    apply_language("uk")
    apply_language("en")
    for row in range(window.stack.count()):
        window.nav.setCurrentRow(row)
        assert [p for p in clipped(window) if "column heading" in p] == []


def _mnemonics(dialog) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(letter, text) of every underlined letter in a dialog, hidden widgets included (they show later:
    Show in folder after an export), each group box, button and label with a buddy counted once."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel

    found = []
    for widget in dialog.findChildren(QAbstractButton) + dialog.findChildren(QGroupBox) + dialog.findChildren(QLabel):
        if isinstance(widget, QLabel) and widget.buddy() is None:
            continue
        text = widget.title() if isinstance(widget, QGroupBox) else widget.text()
        match = re.search(r"&(\w)", text.replace("&&", ""))
        if match and widget.window() is dialog:
            found.append((match.group(1).casefold(), text))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_two_alt_keys_of_a_dialog_share_a_letter(qtbot, records, tmp_path, language: str) -> None:
    """Two widgets underlining one letter make Alt+letter only move the focus between them: the button is
    never pressed. Checked for every dialog in every language."""
    apply_language(language)
    problems = []
    for name, cls in sorted(dialog_classes().items()):
        for dialog in build(name, cls, records, tmp_path):
            qtbot.addWidget(dialog)
            seen: dict[str, str] = {}
            for letter, text in _mnemonics(dialog):
                if letter in seen:
                    problems.append(f"{name}: {seen[letter]!r} and {text!r}")
                seen.setdefault(letter, text)
            dialog.close()
    assert not problems, "\n".join(problems)
