"""The Needs and offers area (Suche/Biete): needs of people and families and offers of helpers, loaded lazily;
matching a need, the post for the Telegram group, short projects."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desktop import i18n
from desktop.core.network import needs, telegram
from desktop.core.network.needs import NeedRow
from desktop.core.store.models import NeedOffer
from desktop.i18n import N_, _
from desktop.ui.lazy_model import Column, LazyTableModel
from desktop.ui.list_area import AreaTexts, ListArea, shortcut_text
from desktop.ui.need_editor import NeedEditor

MATCH_SHORTCUT = "Ctrl+M"
TELEGRAM_SHORTCUT = "Ctrl+Shift+C"
NEW_OFFER_SHORTCUT = "Ctrl+Shift+O"
CLOSED = QColor("#6b6b6b")

NEED_COLUMNS: list[Column[NeedRow]] = [
    Column(N_("Kind"), lambda r: needs.kind_label(r.kind)),
    Column(N_("Category"), lambda r: needs.category_label(r.category)),
    Column(N_("Title"), lambda r: r.title),
    Column(N_("Place"), lambda r: r.place),
    Column(N_("Languages"), lambda r: needs.languages_text(r.languages)),
    Column(N_("When"), lambda r: r.when),
    Column(N_("Status"), lambda r: needs.status_label(r.status)),
    Column(N_("Since"), lambda r: i18n.fmt_list_date(r.created_at.date()), align_right=True),
    Column(N_("Who"), lambda r: r.who),
]


class NeedTableModel(LazyTableModel[NeedRow]):
    """Needs and offers, newest first, filtered and searched in SQL; done and withdrawn ones grey."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            NEED_COLUMNS,
            lambda after, limit: needs.page_needs(after, limit, show=self.show, people=self.people, text=self.text),
            needs.sort_key,
            lambda: needs.count_needs(self.show, people=self.people, text=self.text),
            parent,
            descending=True,
        )
        self.show = "open"
        self.text = ""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == Qt.ItemDataRole.ForegroundRole and row.status in needs.CLOSED:
            return QBrush(CLOSED)
        return super().data(index, role)


class NeedsView(ListArea):
    """Needs and offers with a "Show:" filter and a search; New need, New offer, Edit, Match…, the Telegram
    post and Projects…; Enter or a double click opens one."""

    model: NeedTableModel
    DELETE_KIND = "need_offer"
    FILTERS: ClassVar[dict[str, str]] = needs.FILTER_LABELS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shortcuts: list[QShortcut] = []
        for keys, slot in (
            (MATCH_SHORTCUT, self.match_current),
            (TELEGRAM_SHORTCUT, self.copy_post),
            (NEW_OFFER_SHORTCUT, self.new_offer),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)

    def make_model(self) -> NeedTableModel:
        return NeedTableModel(self)

    def below_table(self) -> list[QWidget]:
        """Under the list (the header is full in German and Ukrainian): New offer, then what is done with the
        selected line (match it, post it, start a project), Projects…; and the notice that a post was copied."""
        self.new_offer_button = QPushButton()
        self.new_offer_button.clicked.connect(self.new_offer)
        self.match_button = QPushButton()
        self.match_button.clicked.connect(self.match_current)
        self.telegram_button = QPushButton()
        self.telegram_button.clicked.connect(self.copy_post)
        self.project_button = QPushButton()
        self.project_button.clicked.connect(self.start_project)
        self.projects_button = QPushButton()
        self.projects_button.clicked.connect(self.show_projects)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.hide()
        actions = QWidget()
        row = QHBoxLayout(actions)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.new_offer_button)
        row.addSpacing(12)
        for button in (self.match_button, self.telegram_button, self.project_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.projects_button)
        return [actions, self.notice]

    def texts(self) -> AreaTexts:
        return AreaTexts(
            _("Needs and offers"),
            _("New need"),
            _("Record what a person or family is looking for"),
            _("Open the selected need or offer (Enter)"),
            _("Which needs and offers to show"),
        )

    def retranslate_ui(self) -> None:
        self.new_offer_button.setText(_("New offer"))
        self.new_offer_button.setToolTip(
            _("Record what a volunteer, an initiative, an office or a private person offers ({shortcut})").format(
                shortcut=shortcut_text(NEW_OFFER_SHORTCUT)
            )
        )
        self.match_button.setText(_("Match…"))
        self.match_button.setToolTip(
            _("Find what meets the selected need: the directory first, then ranked offers ({shortcut})").format(
                shortcut=shortcut_text(MATCH_SHORTCUT)
            )
        )
        self.telegram_button.setText(_("Telegram post"))
        self.telegram_button.setToolTip(
            _("Copy a short post in German and Ukrainian for the group, without personal data ({shortcut})").format(
                shortcut=shortcut_text(TELEGRAM_SHORTCUT)
            )
        )
        self.project_button.setText(_("Start a project"))
        self.project_button.setToolTip(_("Start a short project for the selected need"))
        self.projects_button.setText(_("Projects…"))
        self.projects_button.setToolTip(_("The short projects and the needs they serve"))
        super().retranslate_ui()
        if self.notice.isVisible() and getattr(self, "_copied", None):
            self._show_copied(self._copied)

    def count_of(self, n: int) -> str:
        return i18n.ngettext("{n} entry", "{n} entries", n)

    # --- the list -------------------------------------------------------------------------------------
    def update_filter(self) -> None:
        """The search finds rows by title, place or category, and the rows of the people it finds."""
        from desktop.ui.search_widgets import people_matching

        text = self.search_field.text().strip()
        self.model.text = text
        if text:
            self.model.people, self.filter_complete = people_matching(text)
        else:
            self.model.people, self.filter_complete = None, True

    def load(self) -> None:
        self.model.show = self.current_filter()
        self.model.reload()

    def selection_changed(self) -> None:
        row = self.selected_row()
        self.edit_button.setEnabled(row is not None)
        self.telegram_button.setEnabled(row is not None)
        is_need = row is not None and row.kind == "need"
        self.match_button.setEnabled(is_need and row.status in ("open", "matched"))
        self.project_button.setEnabled(is_need and row.status == "open")

    def show_filter_for(self, row: NeedRow) -> None:
        if not needs.shows_in(self.current_filter(), row):
            self.set_filter("all", quietly=True)

    def saved_row(self, record_id: str) -> NeedRow | None:
        return needs.need_row(record_id)

    def edited_in_place(self) -> None:
        """A row changed where it stands (its status may have left the filter's count)."""
        self.model.total = needs.count_needs(self.model.show, people=self.model.people, text=self.model.text)
        self.update_count()
        self.selection_changed()

    # --- opening and saving ---------------------------------------------------------------------------
    def open_record(self, record_id: str) -> None:
        editor = NeedEditor(NeedOffer.get_by_id(record_id), parent=self)
        self.run_editor(editor, record_id, lambda: editor.unmatched)
        if editor.unmatched and not editor.result():
            self.refresh_row(record_id)

    def new_record(self, person_id: str | None = None) -> None:
        editor = NeedEditor(None, kind="need", person_id=person_id, parent=self)
        self.run_new(editor, lambda: editor.record)

    new_need = new_record

    def new_offer(self) -> None:
        editor = NeedEditor(None, kind="offer", parent=self)
        self.run_new(editor, lambda: editor.record)

    def refresh_row(self, record_id: str) -> None:
        """Show a record's new state where it stands (after a match or an undone match)."""
        row = needs.need_row(record_id)
        for i in range(self.model.rowCount()):
            old = self.model.row_at(i)
            if old is not None and old.id == record_id and row is not None:
                self.model.replace_row(i, row)
        self.edited_in_place()

    # --- matching, the post, projects -----------------------------------------------------------------
    def match_current(self) -> None:
        """Open the Match dialog for the selected need; a match made shows in the list at once."""
        from desktop.ui.match_ui import MatchDialog

        row = self.selected_row()
        if row is None or row.kind != "need" or row.status not in ("open", "matched"):
            return
        dialog = MatchDialog(row.id, self)
        if dialog.exec() and dialog.made is not None:
            self.refresh_row(row.id)
            if dialog.made.offer_id:
                self.refresh_row(dialog.made.offer_id)
            self.changed.emit()

    def copy_post(self) -> None:
        """Copy the selected record's post (German and Ukrainian, no personal data) and say so."""
        row = self.selected_row()
        if row is None:
            return
        QGuiApplication.clipboard().setText(telegram.post(row.id))
        self._copied = telegram.reference(row.id)
        self._show_copied(self._copied)

    def _show_copied(self, reference: str) -> None:
        self.notice.setText(
            _(
                "The post for the Telegram group (German and Ukrainian, reference #{reference}) is on the "
                "clipboard: paste it into the group. It names no person."
            ).format(reference=reference)
        )
        self.notice.show()

    def start_project(self) -> None:
        """Start a short project for the selected need (its title from the need's category)."""
        from desktop.ui.projects_ui import ProjectEditor

        row = self.selected_row()
        if row is None or row.kind != "need":
            return
        editor = ProjectEditor(None, need_id=row.id, parent=self)
        if editor.exec():
            self.refresh_row(row.id)
            self.changed.emit()

    def show_projects(self) -> None:
        from desktop.ui.projects_ui import ProjectsDialog

        ProjectsDialog(self).exec()
        self.refresh()
