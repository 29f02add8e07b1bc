"""The form editor, preview, print and Save as PDF; the appointment checklist from the dashboard."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog

from desktop import paths
from desktop.core import appointments, cases, people
from desktop.core.forms import binding, service
from desktop.core.store import db as store_db
from desktop.core.store.models import FilledForm, PrintedDocument
from desktop.ui import forms_dialog
from desktop.ui.forms_dialog import FormEditor, PreviewDialog

FIXTURES = Path(__file__).parent / "fixtures" / "templates"


@pytest.fixture
def subject(store: store_db.Store) -> binding.Subject:
    folder = paths.templates_dir()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "fixture-worksheet.yaml", folder)
    person = people.create_person(
        {"family_name_cyr": "Коваленко", "given_name_cyr": "Олена", "birth_date": "1985-03-12", "city": "Leipzig"}
    )
    case = cases.create_case({"person": person.id, "case_type": "anmeldung"})
    return binding.subject_for(case_id=case.id)


@pytest.fixture
def pdf_printer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The print dialog answers OK and the printer writes a PDF file instead of paper."""
    out = tmp_path / "printed.pdf"

    def accept(dialog: QPrintDialog) -> int:
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(out))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    return out


def test_form_editor_prefills_hides_what_does_not_apply_and_saves_a_draft(qtbot, subject) -> None:
    template = service.template("fixture-worksheet")
    editor = FormEditor(template, subject)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.inputs["family_name"].text() == "Kovalenko"
    assert editor.inputs["birth_date"].text() == "12.03.1985"
    assert not editor.rows["married_since"][2].isVisible()
    combo = editor.inputs["marital"]
    combo.setCurrentIndex(combo.findData("verheiratet"))
    assert editor.rows["married_since"][2].isVisible()
    editor.inputs["married_since"].setText("31.02.2019")
    editor.inputs["married_since"].editingFinished.emit()
    assert editor.errors["married_since"].isVisible()
    editor.inputs["married_since"].setText("04.05.2019")
    editor.inputs["married_since"].editingFinished.emit()
    assert not editor.errors["married_since"].isVisible()
    assert editor.save_draft()
    draft = FilledForm.get(FilledForm.template_id == "fixture-worksheet")
    assert '"married_since": "2019-05-04"' in draft.values
    resumed = FormEditor(template, subject, draft)
    qtbot.addWidget(resumed)
    assert resumed.inputs["married_since"].text() == "04.05.2019"


def test_preview_from_memory_print_and_save_as_pdf_are_filed(
    qtbot, subject, pdf_printer, monkeypatch, tmp_path
) -> None:
    template = service.template("fixture-worksheet")
    editor = FormEditor(template, subject)
    qtbot.addWidget(editor)
    pdf = editor.pdf_bytes()
    assert pdf and pdf.startswith(b"%PDF")
    preview = PreviewDialog(pdf, "x", editor)
    qtbot.addWidget(preview)
    assert preview.document.pageCount() == 1
    editor.print_document()
    assert pdf_printer.exists() and pdf_printer.stat().st_size > 1000
    target = tmp_path / "saved.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    editor.save_pdf()
    saved = target.read_bytes()
    assert saved.startswith(b"%PDF") and b"DejaVuSans" in saved
    filed = PrintedDocument.select().where(PrintedDocument.case == subject.case.id)
    assert sorted(p.how for p in filed) == ["pdf", "print"]
    assert next(p for p in filed if p.how == "pdf").sha256 == hashlib.sha256(saved).hexdigest()


def test_a_missing_ukrainian_label_shows_the_german_one_marked(qtbot, subject) -> None:
    template = service.template("fixture-worksheet")
    template.fields()[0].label.uk = ""
    editor = FormEditor(template, subject)
    qtbot.addWidget(editor)
    assert editor.rows["family_name"][1].text().splitlines()[0] == "Familienname (DE)"


def test_ctrl_p_prints_the_appointment_checklist_from_today(qtbot, subject, pdf_printer) -> None:
    from desktop.ui.main_window import MainWindow

    if not any(t.id == forms_dialog.CHECKLIST_TEMPLATE for t in service.templates()):
        pytest.skip("bundled checklist template missing")
    soon = dt.datetime.now().replace(second=0, microsecond=0) + dt.timedelta(hours=3)
    appointments.create_appointment(
        {"person": subject.person.id, "case": subject.case.id, "starts_at": soon, "office": "Bürgeramt"}
    )
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.show_area(0)
    tree = window.today.tree
    item = next(
        tree.topLevelItem(i).child(j)
        for i in range(tree.topLevelItemCount())
        for j in range(tree.topLevelItem(i).childCount())
        if tree.topLevelItem(i).child(j).data(0, 256)
    )
    tree.setCurrentItem(item)
    window.act_print_checklist.trigger()  # Ctrl+P; the print dialog's Enter is answered by the fixture
    assert pdf_printer.exists()
    assert (
        PrintedDocument.get(PrintedDocument.template_id == forms_dialog.CHECKLIST_TEMPLATE).case_id == subject.case.id
    )
    assert window.act_print_checklist.shortcut().toString() == "Ctrl+P"


OFFICIAL = Path(__file__).resolve().parents[2] / "shared" / "reference" / "official-forms"


@pytest.mark.skipif(not OFFICIAL.exists(), reason="../shared/reference/official-forms not present")
def test_an_official_form_needs_its_blank_once_and_then_fills(qtbot, subject, monkeypatch, tmp_path) -> None:
    from PySide6.QtWidgets import QMessageBox

    from desktop.core.reports import acroform

    template = service.template("jobcenter-anlage-ki-2020")
    editor = FormEditor(template, subject)
    qtbot.addWidget(editor)
    assert editor.blank_button.isVisibleTo(editor)
    monkeypatch.setattr(service, "check", lambda t, v: {})  # the required answers are not the point here
    assert editor.pdf_bytes() is None and "once" in editor.message.text()  # no blank chosen yet
    wrong = tmp_path / "not-a-form.pdf"
    wrong.write_bytes(b"hello")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(wrong), "")))
    editor.choose_blank()
    assert "PDF" in editor.message.text() and not acroform.stored_blank(template).exists()
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: warned.append(a[1])))
    blank = OFFICIAL / "ba_jobcenter_anlage_KI_04-2020.pdf"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(blank), "")))
    editor.choose_blank()
    assert acroform.stored_blank(template).read_bytes() == blank.read_bytes() and warned == []
    pdf = editor.pdf_bytes()
    assert pdf is not None and acroform.read_values(pdf)


def test_the_picker_lists_a_broken_template_disabled_with_its_problem(qtbot, subject) -> None:
    from PySide6.QtCore import Qt

    from desktop.ui.forms_dialog import TemplatePicker

    shutil.copy(FIXTURES / "broken.yaml", paths.templates_dir())
    picker = TemplatePicker(subject)
    qtbot.addWidget(picker)
    items = [picker.list.item(i) for i in range(picker.list.count())]
    broken = [i for i in items if not i.flags() & Qt.ItemFlag.ItemIsEnabled]
    assert len(broken) == 1 and "unknown binding" in broken[0].toolTip()
    assert picker.chosen_template() is not None  # a usable one is selected
    assert len(items) >= 15


@pytest.mark.parametrize("template_id", [t.id for t in service.templates() if t.valid and t.kind != "checklist"])
def test_every_input_fits_the_window_even_with_long_bilingual_choices(qtbot, subject, template_id: str) -> None:
    editor = FormEditor(service.template(template_id), subject)
    qtbot.addWidget(editor)
    editor.resize(1000, 700)
    editor.show()
    qtbot.waitExposed(editor)
    viewport = editor.scroll.viewport()
    for key, widget in editor.inputs.items():
        if widget.isVisible():
            right = widget.mapTo(viewport, widget.rect().topRight()).x()
            assert right <= viewport.width(), (template_id, key, right, viewport.width())


def test_a_yes_no_question_stays_unanswered_until_answered(qtbot, subject) -> None:
    template = service.template("arbeitsblatt-hauptantrag")
    editor = FormEditor(template, subject)
    qtbot.addWidget(editor)
    editor.show()
    question = editor.inputs["able_to_work"]
    assert isinstance(question, forms_dialog.YesNo) and question.value() is None
    assert editor.current_values()["able_to_work"] is None
    question.no.click()
    assert editor.current_values()["able_to_work"] is False
    question.yes.click()
    assert editor.current_values()["able_to_work"] is True


def test_file_dialogs_leave_no_folder_history_outside_the_profile(qtbot, monkeypatch, tmp_path) -> None:
    from PySide6.QtCore import QSettings

    from desktop.ui import common

    seen: dict[str, object] = {}

    def dialog(*args, **kwargs):
        seen.update(kwargs)
        settings = QSettings(QSettings.Scope.UserScope, "QtProject")  # what Qt's dialog writes on closing
        settings.setValue("FileDialog/history", ["file:///home/anna/Klienten/Zzyzxowa_Oleksandra"])
        settings.setValue("FileDialog/lastVisited", "file:///home/anna/Klienten/Zzyzxowa_Oleksandra")
        settings.sync()
        return str(tmp_path / "x.pdf"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))
    assert common.ask_save_file(None, "Save", str(tmp_path), "PDF (*.pdf)") == str(tmp_path / "x.pdf")
    assert seen["options"] == QFileDialog.Option.DontUseNativeDialog  # the system dialogs keep recent files
    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    assert settings.value("FileDialog/history") is None and settings.value("FileDialog/lastVisited") is None


def test_the_form_editor_follows_a_language_switch(qtbot, subject) -> None:
    from desktop.ui.qt_i18n import apply_language

    template = service.template("arbeitsblatt-hauptantrag")
    editor = FormEditor(template, subject)
    qtbot.addWidget(editor)
    editor.show()
    assert "\nFamily name" in editor.second_labels["family_name"].text()  # English UI: a third line
    editor.inputs["family_name"].clear()
    editor.preview_button.click()  # problems shown
    assert editor.errors["family_name"].text() == "Please fill in this field."
    try:
        apply_language("de")
        qtbot.wait(10)
        assert editor.second_labels["family_name"].text() == "Прізвище"  # no English line in a German UI
        assert editor.errors["family_name"].text() == "Bitte füllen Sie dieses Feld aus."
        assert editor.message.text() != "Please correct the marked fields first."
        assert editor.inputs["birth_date"].placeholderText() == "TT.MM.JJJJ"
        editor.inputs["family_name"].setText("Kovalenko")
        editor.save_button.click()
        apply_language("uk")
        qtbot.wait(10)
        assert editor.message.text() not in ("Draft saved.", "Entwurf gespeichert.") and editor.message.isVisible()
    finally:
        apply_language("en")


@pytest.mark.skipif(not OFFICIAL.exists(), reason="../shared/reference/official-forms not present")
def test_a_value_too_long_for_the_official_form_is_marked_at_its_field(qtbot, subject, monkeypatch) -> None:
    from desktop.core.reports import acroform

    template = service.template("jobcenter-hauptantrag-2020")
    acroform.remember_blank(template, OFFICIAL / "ba_jobcenter_HA_hauptantrag_sgb2_04-2020.pdf")
    editor = FormEditor(template, subject)
    qtbot.addWidget(editor)
    monkeypatch.setattr(service, "check", lambda t, v: {})  # the required answers are not the point here
    editor.inputs["none_of_these"].yes.setChecked(True)
    editor.inputs["livelihood"].setPlainText("Unterstützung durch Verwandte in Deutschland. " * 20)
    assert editor.pdf_bytes() is None
    assert "does not fit" in editor.message.text()
    assert "characters fit" in editor.errors["livelihood"].text() and editor.errors["livelihood"].isVisibleTo(editor)
    editor.inputs["livelihood"].setPlainText("Unterstützung durch Verwandte in Deutschland.")
    assert editor.pdf_bytes() is not None


def test_the_anlage_ki_asks_which_child_and_fills_that_childs_data(qtbot, store, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    from desktop.core import households

    mother = people.create_person({"family_name": "Kovalenko", "given_name": "Olena", "city": "Leipzig"})
    kids = [
        people.create_person({"family_name": "Kovalenko", "given_name": name, "birth_date": born})
        for name, born in (("Sofiia", "2014-02-01"), ("Maksym", "2017-06-01"), ("Daryna", "2022-01-09"))
    ]
    households.create_household("Kovalenko", [(mother.id, "applicant"), *[(k.id, "child_u15") for k in kids]])
    cases.create_case({"person": mother.id, "case_type": "buergergeld_erstantrag"})
    template = service.template("jobcenter-anlage-ki-2020")
    subject = binding.subject_for(person_id=mother.id, template=template)
    offered: list[list[str]] = []

    def pick_second(parent, title, label, items, current, editable):
        offered.append(list(items))
        return items[1], True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(pick_second))
    chosen = forms_dialog.choose_child(subject, None)
    assert len(offered[0]) == 3 and "Maksym" in offered[0][1] and chosen.id == kids[1].id
    editor = FormEditor(template, binding.for_child(subject, chosen))
    qtbot.addWidget(editor)
    assert editor.inputs["child_given_name"].text() == "Maksym"
    assert editor.inputs["child_birth_date"].text() == "01.06.2017"
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a: ("", False)))
    assert forms_dialog.choose_child(subject, None) is False  # cancelled: no form opened
