"""The consents tab and editor, the erase proposal on withdrawal, the warnings on printing, at an
appointment and on export, and Today's list; keyboard first."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from desktop import i18n
from desktop.core import cases, consents, people
from desktop.core.forms import binding, service
from desktop.core.store.models import Consent, Person
from desktop.ui.appointment_editor import AppointmentEditor
from desktop.ui.consents_ui import ConsentDialog, ConsentsTab, export_notice
from desktop.ui.dashboard_view import DashboardView
from desktop.ui.deletion_ui import EraseDialog
from desktop.ui.forms_dialog import FormEditor
from desktop.ui.person_editor import PersonEditor

TODAY = dt.date.today()


@pytest.fixture
def person(store) -> Person:
    made = people.create_person({"family_name": "Melnyk", "given_name": "Olena"})
    return Person.get_by_id(made.id)


def _consent(person_id: str, kind: str = "data_processing", **more) -> Consent:
    values = {"person": person_id, "kind": kind, "signed_on": TODAY - dt.timedelta(days=100), **more}
    return consents.create_consent(values)


def _shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _answer(monkeypatch, *answers: QMessageBox.StandardButton) -> list[str]:
    """QMessageBox.question answered in turn; the questions asked are recorded."""
    asked: list[str] = []
    queue = list(answers)

    def question(parent, title, text, *rest):
        asked.append(text)
        return queue.pop(0)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def test_the_person_editor_has_a_consents_tab_that_lists_the_state_in_words(qtbot, person) -> None:
    _consent(person.id, valid_until=TODAY + dt.timedelta(days=10))
    _consent(person.id, "power_of_attorney", offices=["jobcenter"], withdrawn_on=TODAY)
    editor = _shown(qtbot, PersonEditor(person))
    tab = editor.consents_tab
    assert editor.tabs.tabText(editor.tabs.indexOf(tab)) == "Consents"
    texts = sorted(tab.tree.topLevelItem(i).text(1) for i in range(tab.tree.topLevelItemCount()))
    assert texts == ["⊘ withdrawn", "⚠ runs out soon"]
    kinds = {tab.tree.topLevelItem(i).text(0): tab.tree.topLevelItem(i) for i in range(2)}
    power = kinds["Power of attorney"]
    assert power.toolTip(1) == f"⊘ withdrawn on {i18n.fmt_list_date(TODAY)}"
    assert power.text(4) == "Jobcenter"
    assert kinds["Consent to data processing"].foreground(1).color().name() == "#a65e00"  # and its words
    assert "runs out soon" in tab.summary.text()


def test_a_new_consent_by_keyboard(qtbot, person, monkeypatch) -> None:
    tab = _shown(qtbot, ConsentsTab(person.id))
    seen: list[ConsentDialog] = []

    def fill(dialog: ConsentDialog) -> int:
        seen.append(dialog)
        assert dialog.kind.hasFocus() or dialog.focusWidget() is dialog.kind
        dialog.kind.setCurrentIndex(dialog.kind.findData("power_of_attorney"))
        assert dialog.offices["jobcenter"].isEnabled()
        dialog.save()  # no office yet: refused, said in the editor
        assert dialog.error.isVisibleTo(dialog) and "at least one office" in dialog.error.text()
        qtbot.keyClick(dialog.offices["sozialamt"], Qt.Key.Key_Space)
        dialog.until.setText("01.01.2020")  # before the signature
        dialog.save()
        assert "before it was signed" in dialog.error.text()
        dialog.until.setText("")
        qtbot.keyClick(dialog.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(ConsentDialog, "exec", fill)
    tab.new_button.setFocus()
    qtbot.keyClick(tab.new_button, Qt.Key.Key_Space)
    assert seen and seen[0].result() == QDialog.DialogCode.Accepted
    (row,) = consents.consents_of(person.id)
    assert (row.kind, row.offices, row.signed_on, row.state) == ("power_of_attorney", ("sozialamt",), TODAY, "valid")
    assert tab.tree.topLevelItemCount() == 1


def test_enter_on_a_consent_edits_it(qtbot, person, monkeypatch) -> None:
    made = _consent(person.id)
    tab = _shown(qtbot, ConsentsTab(person.id))

    def edit(dialog: ConsentDialog) -> int:
        assert dialog.signed.text() == i18n.fmt_date_german(TODAY - dt.timedelta(days=100))
        dialog.until.setText(i18n.fmt_date_german(TODAY - dt.timedelta(days=1)))
        assert "expired" in dialog.state.text()
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(ConsentDialog, "exec", edit)
    tab.tree.setFocus()
    qtbot.keyClick(tab.tree, Qt.Key.Key_Return)
    assert Consent.get_by_id(made.id).valid_until == TODAY - dt.timedelta(days=1)
    assert tab.tree.topLevelItem(0).text(1) == "✖ expired"


def test_withdrawing_the_data_consent_proposes_to_erase_the_person(qtbot, person, monkeypatch) -> None:
    made = _consent(person.id)
    editor = _shown(qtbot, PersonEditor(person))
    tab = editor.consents_tab
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Yes)

    def confirm(dialog: EraseDialog) -> int:
        assert "1 consent or power of attorney" in dialog.what.text()
        dialog.understood.setChecked(True)
        dialog.erase()
        return 1

    monkeypatch.setattr(EraseDialog, "exec", confirm)
    tab.withdraw_button.setFocus()
    qtbot.keyClick(tab.withdraw_button, Qt.Key.Key_Space)
    assert len(asked) == 2 and "Erase Melnyk, Olena" in asked[1]
    assert Person.get_or_none(Person.id == person.id) is None
    assert Consent.get_or_none(Consent.id == made.id) is None
    assert editor.erased_counts and editor.erased_counts["consent"] == 1
    assert not editor.isVisible()


def test_withdrawing_without_erasing_keeps_the_person(qtbot, person, monkeypatch) -> None:
    made = _consent(person.id)
    power = _consent(person.id, "power_of_attorney", offices=["jobcenter"], signed_on=TODAY - dt.timedelta(days=5))
    tab = _shown(qtbot, ConsentsTab(person.id))
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No)
    tab._select(made.id)
    tab.withdraw()
    assert Consent.get_by_id(made.id).withdrawn_on == TODAY and len(asked) == 2
    assert Person.get_by_id(person.id).deleted is False
    assert not tab.withdraw_button.isEnabled()  # the withdrawn one stays selected
    # withdrawing a Vollmacht asks no erasure question
    asked.clear()
    _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    tab._select(power.id)
    tab.withdraw()
    assert Consent.get_by_id(power.id).withdrawn_on == TODAY


def test_printing_a_form_without_consent_warns_but_allows(qtbot, person) -> None:
    template = service.template("arbeitsblatt-kindergeld")
    editor = _shown(qtbot, FormEditor(template, binding.subject_for(person_id=person.id, template=template)))
    text = editor.consent_notice.text()
    assert editor.consent_notice.isVisible()
    assert "No consent to data processing" in text and "Family benefits office" in text
    assert editor.print_button.isEnabled() and editor.pdf_button.isEnabled()
    i18n.set_language("de")
    try:
        editor.consent_notice.retranslate_ui()
        assert "Einwilligung" in editor.consent_notice.text()
    finally:
        i18n.set_language("en")
    # the consent form itself: no warning
    own = service.template("einwilligung-datenverarbeitung")
    quiet = _shown(qtbot, FormEditor(own, binding.subject_for(person_id=person.id, template=own)))
    assert not quiet.consent_notice.isVisible()


def test_an_appointment_at_an_office_without_power_of_attorney_warns(qtbot, person) -> None:
    _consent(person.id)
    case = cases.create_case({"person": person.id, "case_type": "widerspruch"})
    editor = _shown(qtbot, AppointmentEditor(person_id=person.id))
    assert not editor.consent_notice.isVisible()
    editor.case.setCurrentIndex(editor.case.findData(case.id))
    assert editor.consent_notice.isVisible()
    assert "power of attorney for the office Jobcenter" in editor.consent_notice.text()
    _consent(person.id, "power_of_attorney", offices=["jobcenter"])
    editor.check_consents()
    assert not editor.consent_notice.isVisible()


def test_export_of_a_person_without_consent_warns(qtbot, person) -> None:
    notice = export_notice(("person", person.id, person.display_name()))
    assert not notice.isHidden() and notice.text().startswith("⚠ Melnyk, Olena: No consent to data processing")
    _consent(person.id)
    assert export_notice(("person", person.id, "x")).isHidden()
    assert export_notice(None).isHidden()


def test_export_dialog_shows_the_notice(qtbot, person) -> None:
    from desktop.ui.exchange_ui import ExportDialog

    dialog = _shown(qtbot, ExportDialog(selection=("person", person.id, person.display_name())))
    assert any(
        "No consent to data processing" in label.text() for label in dialog.findChildren(type(export_notice(None)))
    )


def test_today_lists_consents_running_out_and_opens_the_person(qtbot, person) -> None:
    _consent(person.id, valid_until=TODAY + dt.timedelta(days=12))
    view = _shown(qtbot, DashboardView())
    group = view.tree.topLevelItem(4)
    assert group.text(0) == "Consents and powers of attorney running out (1)"
    item = group.child(0)
    assert (item.text(1), item.text(2)) == ("Consent to data processing", "Melnyk, Olena")
    assert item.text(0) == i18n.fmt_list_date(TODAY + dt.timedelta(days=12))
    opened: list[str] = []
    view.open_person.connect(opened.append)
    view.tree.setCurrentItem(item)
    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    assert opened == [person.id]
