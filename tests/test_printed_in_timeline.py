"""Documents printed or saved as PDF, seen again in the case and person timelines and opened where they
were saved (review in use, point 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from desktop.core import cases
from desktop.core.forms import binding, service
from desktop.core.store.models import Case, Person, PrintedDocument
from desktop.ui.case_editor import CaseEditor
from desktop.ui.forms_dialog import FormEditor
from desktop.ui.person_editor import PersonEditor
from desktop.ui.qt_i18n import apply_language
from tests.test_case_appointments import olena, timeline_texts


@pytest.fixture(autouse=True)
def _english(qapp) -> None:
    apply_language("en")


def test_printed_documents_show_in_the_timelines_and_open_again(qtbot, store, monkeypatch, tmp_path) -> None:
    person = olena()
    case = cases.create_case({"person": person.id, "case_type": "buergergeld_erstantrag"})
    subject = binding.subject_for(case_id=case.id)
    template = service.template("antrag-sgb2-formlos")
    form = FormEditor(template, subject)
    qtbot.addWidget(form)
    target = tmp_path / "Kovalenko Antrag.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    form.save_pdf()
    assert target.is_file(), form.message.text()
    pdf = form.pdf_bytes()
    service.record_print(template, subject, pdf, "print")  # and printed on paper once
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile()) or True))

    editor = CaseEditor(Case.get_by_id(case.id))
    qtbot.addWidget(editor)
    editor.show()
    timeline = editor.timeline
    texts = timeline_texts(timeline)
    title, version = template.title.get("en"), template.version
    saved_line = f"Saved as PDF: {title} (version {version}) – Kovalenko Antrag.pdf"
    assert saved_line in texts and f"Printed: {title} (version {version})" in texts
    items = [timeline.tree.topLevelItem(i) for i in range(timeline.tree.topLevelItemCount())]
    saved_item = next(i for i in items if i.text(2) == saved_line)
    printed_item = next(i for i in items if i.text(2).startswith("Printed:"))
    assert saved_item.text(1) == "Printout" and saved_item.text(0)  # kind and date
    # Nothing opens by itself; a printed-only line has nothing to open.
    timeline.tree.setCurrentItem(printed_item)
    assert not timeline.open_button.isEnabled() and opened == []
    # Enter on the saved one opens the file where it was saved.
    timeline.tree.setCurrentItem(saved_item)
    assert timeline.open_button.isEnabled()
    timeline.tree.setFocus()
    qtbot.keyClick(timeline.tree, Qt.Key.Key_Return)
    assert opened == [str(target)] and editor.isVisible()  # Enter did not close the case editor
    # A file moved away: said clearly, nothing opened.
    target.unlink()
    timeline.open_button.click()
    assert opened == [str(target)]
    assert (
        not timeline.error.isHidden() and "no longer" in timeline.error.text() and str(target) in timeline.error.text()
    )
    # The person's timeline lists them too, the title in the UI language.
    apply_language("uk")
    person_editor = PersonEditor(Person.get_by_id(person.id))
    qtbot.addWidget(person_editor)
    texts = timeline_texts(person_editor.timeline)
    assert any(template.title.get("uk") in t and "Kovalenko Antrag.pdf" in t for t in texts)
    # The path is kept in the encrypted database only, on this laptop: it does not travel.
    printed = PrintedDocument.get(PrintedDocument.how == "pdf")
    from desktop.core.store import changelog

    assert all(str(target) not in str(c.value) for c in changelog.history(printed.id))
    assert str(target) not in "".join(
        p.read_text(errors="ignore") for p in Path(tmp_path / "home").rglob("*") if p.is_file()
    )
