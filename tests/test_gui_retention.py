"""Retention on Today and in the review dialog, as a volunteer meets them."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from desktop.core import cases, people
from desktop.core.privacy import retention
from desktop.core.store.models import Case, Person
from desktop.ui.dashboard_view import DashboardView
from desktop.ui.retention_ui import RetentionDialog

TODAY = dt.date.today()


def _closed_long_ago(name: str) -> Case:
    person = people.create_person({"family_name": name})
    return cases.create_case(
        {
            "person": person.id,
            "case_type": "widerspruch",
            "reference": f"R-{name}",
            "status": "closed",
            "opened_on": TODAY - dt.timedelta(days=900),
            "closed_on": TODAY - dt.timedelta(days=800),
        }
    )


def _group(view: DashboardView, prefix: str):
    for i in range(view.tree.topLevelItemCount()):
        item = view.tree.topLevelItem(i)
        if item.text(0).startswith(prefix):
            return item
    raise AssertionError(prefix)


def test_today_lists_what_is_due_once_the_background_search_ends(qtbot, store) -> None:
    case = _closed_long_ago("Alt")
    view = DashboardView()
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.retention is not None, timeout=10_000)
    group = _group(view, "Kept longer than 12 months")
    assert group.text(0).endswith("(1)") and group.childCount() == 1
    line = group.child(0)
    assert "R-Alt" in line.text(2) and line.text(1) == "closed case"
    with qtbot.waitSignal(view.review_retention):
        view.tree.setCurrentItem(line)
        qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    assert case.id == retention.due()[0].record_id


def test_the_review_dialog_erases_only_the_ticked_lines(qtbot, store, monkeypatch) -> None:
    first, second = _closed_long_ago("Erster"), _closed_long_ago("Zweiter")
    dialog = RetentionDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.tree.topLevelItemCount() == 2
    keep = next(
        dialog.tree.topLevelItem(i)
        for i in range(2)
        if dialog.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole).record_id == second.id
    )
    keep.setCheckState(0, Qt.CheckState.Unchecked)
    asked: list[str] = []
    monkeypatch.setattr(dialog, "_confirm", lambda question, action: asked.append(question) or False)
    dialog.erase_button.click()
    assert asked and "1 record" in asked[0] and Case.get_or_none(Case.id == first.id) is not None  # declined
    monkeypatch.setattr(dialog, "_confirm", lambda question, action: "Anonym" in action)
    dialog.anonymise_button.click()
    assert dialog.acted and Case.get_or_none(Case.id == first.id) is None
    assert Case.get_or_none(Case.id == second.id) is not None
    assert Person.select().count() == 2  # the people had activity now: only the case was due
    assert sum(c.get("case", 0) for c in retention.kept_counts().values()) == 1


def test_nothing_due_says_so_and_offers_no_action(qtbot, store) -> None:
    dialog = RetentionDialog()
    qtbot.addWidget(dialog)
    assert "Nothing has been kept" in dialog.intro.text()
    assert not dialog.erase_button.isEnabled() and not dialog.anonymise_button.isEnabled()


def test_the_retention_period_is_set_in_the_preferences(qtbot, store) -> None:
    from desktop.ui.preferences import PreferencesDialog

    dialog = PreferencesDialog()
    qtbot.addWidget(dialog)
    assert dialog.retention.value() == 12
    dialog.retention.setValue(6)
    dialog.save()
    assert retention.period_months() == 6
    again = PreferencesDialog()
    qtbot.addWidget(again)
    assert again.retention.value() == 6
    view = DashboardView()
    qtbot.addWidget(view)
    assert _group(view, "Kept longer than 6 months") is not None
