"""Matching a need: first what exists already (offices and initiatives of the directory), then the ranked
offers with why each ranks where it does; choosing one records the match."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core.errors import ValidationError
from desktop.core.network import labels, matching, needs
from desktop.core.store.models import Appointment, NeedOffer
from desktop.i18n import N_, _
from desktop.ui.appointment_editor import case_text
from desktop.ui.common import DialogButtons, Retranslatable, enter_activates, error_label, plain_label, show_error

DIRECTORY_COLUMNS = (N_("Office or initiative"), N_("Kind"), N_("Place"))
#: The reason stands next to the offer: it is what the list is ranked by, and must not be scrolled out of view.
OFFER_COLUMNS = (N_("Offer"), N_("Why"), N_("From"), N_("Place"), N_("Languages"), N_("Status"))
#: Widest a column grows (a longer text is cut short and shown whole in its tooltip); the reason gets the most.
COLUMN_MAX = 260
TITLE_MAX = 200
WHY_MAX = 480
#: How far back an appointment of the person may lie to be linked to a match.
APPOINTMENTS_SINCE_DAYS = 30


def _tree() -> QTreeWidget:
    tree = QTreeWidget()
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAllColumnsShowFocus(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    enter_activates(tree)
    return tree


class MatchDialog(Retranslatable, QDialog):
    """Choose what meets a need: an entry of the directory or one of the ranked offers (Enter or a double
    click on a line, or Match). The match may name the need's case and an appointment of its person."""

    def __init__(self, need_id: str, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.need = NeedOffer.get_by_id(need_id)
        self.made = None  # the Match, once recorded
        self.setMinimumSize(860, 560)
        self.resize(1100, 640)  # the offers' reasons want the width; a smaller screen lays it out smaller
        self.summary = plain_label()
        self.summary.setWordWrap(True)
        self.directory_heading = plain_label(bold=True)
        self.directory = _tree()
        self.directory.setColumnCount(len(DIRECTORY_COLUMNS))
        self.directory.setMaximumHeight(150)
        self.directory_empty = QLabel()
        self.directory_heading.setBuddy(self.directory)
        self.offers_heading = plain_label(bold=True)
        self.offers = _tree()
        self.offers.setColumnCount(len(OFFER_COLUMNS))
        self.offers_empty = QLabel()
        self.offers_heading.setBuddy(self.offers)
        self.hits = matching.directory_first(need_id)
        self.suggestions = matching.suggestions(need_id, today=today)
        for hit in self.hits:
            item = QTreeWidgetItem(["", "", needs.place_text(hit.town, hit.district)])
            item.setData(0, Qt.ItemDataRole.UserRole, ("entry", hit.id))
            self.directory.addTopLevelItem(item)
        for s in self.suggestions:
            item = QTreeWidgetItem(["", "", s.provider, needs.place_text(s.town, s.district), "", ""])
            item.setData(0, Qt.ItemDataRole.UserRole, ("offer", s.id))
            self.offers.addTopLevelItem(item)
        # Choosing in one list clears the other: one match at a time.
        self.directory.currentItemChanged.connect(lambda cur, _p: self._chosen_in(self.directory, cur))
        self.offers.currentItemChanged.connect(lambda cur, _p: self._chosen_in(self.offers, cur))
        self.directory.itemActivated.connect(lambda _i, _c: self.accept())
        self.offers.itemActivated.connect(lambda _i, _c: self.accept())

        self.case = QComboBox()
        self.case.addItem("", None)
        if self.need.case_id and self.need.case is not None and not self.need.case.deleted:
            self.case.addItem(case_text(self.need.case), self.need.case_id)
            self.case.setCurrentIndex(1)
        self.appointment = QComboBox()
        self.appointment.addItem("", None)
        if self.need.person_id:
            since = dt.datetime.combine(
                (today or dt.date.today()) - dt.timedelta(days=APPOINTMENTS_SINCE_DAYS), dt.time()
            )
            query = Appointment.select().where(
                (Appointment.person == self.need.person_id) & ~Appointment.deleted & (Appointment.starts_at >= since)
            )
            for a in query.order_by(Appointment.starts_at):
                self.appointment.addItem(f"{i18n.fmt_list_datetime(a.starts_at)} {a.office}".strip(), a.id)
        self.notes = QLineEdit()
        details = QFormLayout()
        self.case_label, self.appointment_label, self.notes_label = QLabel(), QLabel(), QLabel()
        self.case_label.setBuddy(self.case)
        self.appointment_label.setBuddy(self.appointment)
        self.notes_label.setBuddy(self.notes)
        details.addRow(self.case_label, self.case)
        details.addRow(self.appointment_label, self.appointment)
        details.addRow(self.notes_label, self.notes)
        self.error = error_label()
        self.buttons = DialogButtons(self, DialogButtons.StandardButton.Cancel, accept_text="")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.directory_heading)
        layout.addWidget(self.directory)
        layout.addWidget(self.directory_empty)
        layout.addWidget(self.offers_heading)
        layout.addWidget(self.offers, 1)
        layout.addWidget(self.offers_empty)
        layout.addLayout(details)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.directory.setVisible(bool(self.hits))
        self.directory_empty.setVisible(not self.hits)
        self.offers.setVisible(bool(self.suggestions))
        self.offers_empty.setVisible(not self.suggestions)
        self.retranslate_ui()
        first = self.offers if self.suggestions else self.directory if self.hits else self.notes
        if first is self.offers or first is self.directory:
            first.setCurrentItem(first.topLevelItem(0))  # type: ignore[attr-defined]
        first.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_button()

    def _chosen_in(self, tree: QTreeWidget, item: QTreeWidgetItem | None) -> None:
        if item is not None:
            other = self.offers if tree is self.directory else self.directory
            other.blockSignals(True)
            other.setCurrentItem(None)  # type: ignore[arg-type]
            other.clearSelection()
            other.blockSignals(False)
        self._update_button()

    def chosen(self) -> tuple[str, str] | None:
        """("offer"|"entry", id) of the line chosen, or None."""
        for tree in (self.offers, self.directory):
            item = tree.currentItem()
            if item is not None and item.isSelected():
                return item.data(0, Qt.ItemDataRole.UserRole)
        return None

    def _update_button(self) -> None:
        if self.buttons.accept_button is not None:
            self.buttons.accept_button.setEnabled(self.chosen() is not None)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Match a need"))
        n = self.need
        what = needs.category_label(n.category)
        place = needs.place_text(n.town, n.district)
        parts = [what, place, needs.languages_text(n.languages)]
        self.summary.setText(_("Need: {what}").format(what=" · ".join(p for p in parts if p)))
        self.directory_heading.setText(_("&Does this exist already? Offices and initiatives of the directory"))
        self.directory_empty.setText(_("No office or initiative of the directory offers this."))
        self.offers_heading.setText(_("Suggested &offers, best first"))
        self.offers_empty.setText(_("No open offer of this category."))
        self.directory.setHeaderLabels([_(t) for t in DIRECTORY_COLUMNS])
        self.offers.setHeaderLabels([_(t) for t in OFFER_COLUMNS])
        self.directory.setAccessibleName(_("Offices and initiatives of the directory"))
        self.offers.setAccessibleName(_("Suggested offers"))
        for i, hit in enumerate(self.hits):
            item = self.directory.topLevelItem(i)
            item.setText(0, hit.name)
            item.setText(1, labels.label(labels.DIRECTORY_KIND_LABELS, hit.kind))
        for i, s in enumerate(self.suggestions):
            item = self.offers.topLevelItem(i)
            item.setText(0, s.title or needs.category_label(s.category))
            item.setText(1, s.why)
            item.setText(4, needs.languages_text(s.languages))
            item.setText(5, needs.status_label(s.status))
            for column in range(len(OFFER_COLUMNS)):
                item.setToolTip(column, item.text(column))
        for tree in (self.directory, self.offers):
            for column in range(tree.columnCount() - 1):
                tree.resizeColumnToContents(column)
                widest = WHY_MAX if (tree, column) == (self.offers, 1) else COLUMN_MAX
                widest = TITLE_MAX if (tree, column) == (self.offers, 0) else widest
                tree.setColumnWidth(column, min(tree.columnWidth(column), widest))
        self.case_label.setText(_("&Case"))
        self.appointment_label.setText(_("&Appointment"))
        self.notes_label.setText(_("&Notes"))
        self.case.setItemText(0, _("no case"))
        self.appointment.setItemText(0, _("no appointment"))
        self.notes.setPlaceholderText(_("e.g. who called whom, what was agreed"))
        if self.buttons.accept_button is not None:
            self.buttons.accept_button.setText(_("&Match"))
            self.buttons.accept_button.setToolTip(_("Record that the line chosen meets the need"))

    def accept(self) -> None:
        chosen = self.chosen()
        if chosen is None:
            return
        kind, record_id = chosen
        try:
            self.made = matching.match(
                self.need.id,
                offer_id=record_id if kind == "offer" else None,
                directory_entry_id=record_id if kind == "entry" else None,
                case_id=self.case.currentData(),
                appointment_id=self.appointment.currentData(),
                notes=self.notes.text(),
            )
        except ValidationError as exc:
            show_error(self.error, str(exc))
            return
        super().accept()
