"""The Cases area: every case, newest first, loaded lazily; the case editor."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop import i18n
from desktop.core import cases
from desktop.core.cases import CaseRow
from desktop.core.store.models import Case
from desktop.i18n import N_, _
from desktop.ui.case_editor import CaseEditor
from desktop.ui.lazy_model import Column, LazyTableModel
from desktop.ui.list_area import AreaTexts, ListArea

CASE_COLUMNS: list[Column[CaseRow]] = [
    Column(N_("Opened"), lambda r: i18n.fmt_list_date(r.opened_on), align_right=True),
    Column(N_("Reference"), lambda r: r.reference),
    Column(N_("Case type"), lambda r: cases.case_type_label(r.case_type)),
    Column(N_("Authority"), lambda r: cases.authority_label(r.authority)),
    Column(N_("Status"), lambda r: cases.status_label(r.status)),
    Column(N_("Person"), lambda r: r.person_name),
]


def cases_model(parent: QWidget | None = None) -> LazyTableModel[CaseRow]:
    model: LazyTableModel[CaseRow] = LazyTableModel(
        CASE_COLUMNS,
        lambda after, limit: cases.page_cases(after, limit, model.people),
        lambda r: (r.opened_on.isoformat() if r.opened_on else "", r.id),
        lambda: cases.count_cases(model.people),
        parent,
    )
    return model


class CasesView(ListArea):
    """List of cases with a search for their people, New and Edit."""

    DELETE_KIND = "case"

    def make_model(self) -> LazyTableModel[CaseRow]:
        return cases_model(self)

    def texts(self) -> AreaTexts:
        return AreaTexts(_("Cases"), _("New case"), _("Open a new case (Ctrl+Shift+N)"))

    def count_of(self, n: int) -> str:
        return i18n.ngettext("{n} case", "{n} cases", n)

    def open_record(self, case_id: str) -> None:
        editor = CaseEditor(Case.get_by_id(case_id), parent=self)
        # Ticks, tasks and notes are saved at once: they count even when the editor is cancelled.
        self.run_editor(editor, case_id, lambda: editor.changed_inside)

    open_case = open_record

    def new_case(self, person_id: str | None = None) -> None:
        editor = CaseEditor(None, person_id=person_id, parent=self)
        self.run_new(editor, lambda: editor.case)

    new_record = new_case

    def saved_row(self, case_id: str) -> CaseRow | None:
        return cases.case_row(case_id)
