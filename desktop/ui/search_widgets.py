"""The search field and the people model behind every list that finds people as you type."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from desktop import i18n
from desktop.core import people
from desktop.core.search import query as search
from desktop.core.search.query import Hit
from desktop.i18n import N_, _
from desktop.ui.common import Retranslatable
from desktop.ui.lazy_model import Column, LazyTableModel

#: Search results shown at most; the list says when there are more.
SEARCH_LIMIT = 300


def _cyrillic(hit: Hit) -> str:
    return " ".join(p for p in (hit.row.family_name_cyr, hit.row.given_name_cyr) if p)


PEOPLE_COLUMNS: list[Column[Hit]] = [
    Column(N_("Family name"), lambda h: h.row.family_name),
    Column(N_("Given name"), lambda h: h.row.given_name),
    Column(N_("In Cyrillic"), _cyrillic),
    Column(
        N_("Date of birth"),
        lambda h: i18n.fmt_list_date(h.row.birth_date),
        align_right=True,
        sample=lambda: i18n.fmt_list_date(dt.date(1988, 12, 28)),
    ),
    Column(N_("City"), lambda h: h.row.city),
    Column(N_("Phone"), lambda h: h.row.phone, sample=lambda: "+380 67 123 45 67"),
    Column(N_("Found as"), lambda h: h.matched),
]
FOUND_AS_COLUMN = len(PEOPLE_COLUMNS) - 1


class PeopleSearchModel(LazyTableModel[Hit]):
    """Everyone alphabetically, page by page; while a query is set, the ranked hits of the search."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(PEOPLE_COLUMNS, self._fetch, lambda h: (h.row.sort_key, h.row.id), self._count, parent)
        self.query = ""
        self.complete = True

    def searching(self) -> bool:
        return bool(self.query.strip())

    def set_query(self, text: str) -> None:
        self.query = text
        self.reload()

    def _count(self) -> int:
        return 0 if self.searching() else people.count_people()

    def _fetch(self, after: Any, limit: int) -> list[Hit]:
        if not self.searching():
            self.complete = True
            return [Hit(r, search.EXACT, "") for r in people.page_people(after, limit)]
        if after is not None:
            return []
        results = search.search(self.query, limit=SEARCH_LIMIT)
        self.complete = results.complete
        self.total = len(results.hits)
        return results.hits

    def replace_person(self, row: int, person: people.PersonRow) -> None:
        old = self.row_at(row)
        self.replace_row(row, Hit(person, old.tier if old else search.EXACT, old.matched if old else ""))

    def count_text(self) -> str:
        """ "120 people", or while searching "3 found" / "first 500 found – type more"."""
        n = self.total
        if not self.searching():
            return i18n.ngettext("{n} person", "{n} people", n).format(n=i18n.fmt_number(n))
        if not self.complete:
            return _("first {n} found – type more to narrow").format(n=i18n.fmt_number(n))
        return i18n.ngettext("{n} found", "{n} found", n).format(n=i18n.fmt_number(n))


#: How many people a list's search narrows it to at most; the count says when there were more.
FILTER_LIMIT = 2000


def people_matching(text: str) -> tuple[list[str] | None, bool]:
    """The ids of the people a search finds and whether that is all of them; (None, True) without a search."""
    if not text.strip():
        return None, True
    results = search.search(text, limit=FILTER_LIMIT)
    return [hit.row.id for hit in results.hits], results.complete


class SearchField(Retranslatable, QLineEdit):
    """One line that searches as you type; Escape clears it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(320)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setPlaceholderText(_("Search (Ctrl+F): name in any spelling, date of birth, phone, number"))
        self.setAccessibleName(_("Search people"))
        self.setToolTip(
            _(
                "Finds a person whatever the spelling or script: Олена, Olena, Jelena, Елена. "
                "Also by date of birth (12.03.1985), phone, BG-Nummer, customer number or file number."
            )
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)
