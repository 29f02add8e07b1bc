"""The editor of a need ("Suche") of a person or family, or of an offer ("Biete"): category, place, languages,
time window, status, notes; for a need its matches, which can be undone here."""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core import appointments
from desktop.core.network import labels, matching, needs
from desktop.core.store.models import DirectoryEntry, Household, HouseholdMember, NeedOffer, Volunteer
from desktop.i18n import N_, _
from desktop.ui.appointment_editor import case_text
from desktop.ui.case_editor import PersonPicker, person_chooser
from desktop.ui.common import date_check
from desktop.ui.editor import EditorDialog


def households_of(person_id: str | None) -> list[tuple[str, str]]:
    """(id, name) of the households the person is a member of."""
    if not person_id:
        return []
    query = (
        Household.select(Household.id, Household.name)
        .join(HouseholdMember)
        .where((HouseholdMember.person == person_id) & ~HouseholdMember.deleted & ~Household.deleted)
        .distinct()
    )
    return [(h.id, h.name) for h in query]


def match_text(row: matching.MatchRow) -> str:
    """A match as one line: day, what meets the need, who provides it."""
    parts = [i18n.fmt_list_date(row.matched_on), row.what or _("(no longer there)")]
    if row.provider:
        parts.append(row.provider)
    return " · ".join(p for p in parts if p)


class NeedEditor(EditorDialog):
    """Create or edit a need (for a person and/or their household, one of their cases) or an offer (of a
    volunteer, an initiative or office of the directory, or a private person)."""

    core_validate = staticmethod(needs.validate)

    def __init__(
        self,
        record: NeedOffer | None = None,
        *,
        kind: str = "need",
        person_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.record = record
        self.kind = record.kind if record else kind
        self.person_id = record.person_id if record else person_id
        self._person_name = appointments.person_label(self.person_id)
        #: Matches undone in this editor (the list must be read again even when it is cancelled).
        self.unmatched = False
        self.setMinimumWidth(600)
        is_need = self.kind == "need"

        self.category = QComboBox()
        for key in labels.CATEGORY_LABELS:
            self.category.addItem("", key)
        self.title = QLineEdit()
        self.title.setMaxLength(200)
        # A need: the person, their household and case.
        self.person_label, self.person_button, person_row = person_chooser(self._choose_person)
        self.household = QComboBox()
        self.case = QComboBox()
        # An offer: who offers it.
        self.provider_kind = QComboBox()
        for key in labels.PROVIDER_LABELS:
            self.provider_kind.addItem("", key)
        self.provider_kind.currentIndexChanged.connect(lambda _i: self._show_provider_rows())
        self.provider = QComboBox()
        self.provider.addItem("", None)
        query = DirectoryEntry.select().where(
            ~DirectoryEntry.deleted & DirectoryEntry.kind.in_(("office", "initiative"))
        )
        for entry in query.order_by(DirectoryEntry.name):
            self.provider.addItem(" – ".join(p for p in (entry.name, entry.town) if p), entry.id)
        self.volunteer = QComboBox()
        self.volunteer.addItem("", None)
        for v in Volunteer.select().where(~Volunteer.deleted).order_by(Volunteer.name):
            self.volunteer.addItem(v.name, v.id)
        self.provider_name = QLineEdit()
        # Both: place, languages, time, status, notes.
        self.town = QLineEdit()
        self.district = QLineEdit()
        place_row = QHBoxLayout()
        place_row.addWidget(self.town, 1)
        place_row.addWidget(self.district, 1)
        self.language_checks: dict[str, QCheckBox] = {}
        languages_row = QHBoxLayout()
        for key in labels.LANGUAGES:
            check = QCheckBox()
            self.language_checks[key] = check
            languages_row.addWidget(check)
        languages_row.addStretch(1)
        self.available_from = QLineEdit()
        self.available_until = QLineEdit()
        dates_row = QHBoxLayout()
        dates_row.addWidget(self.available_from, 1)
        self.dates_dash = QLabel("–")
        dates_row.addWidget(self.dates_dash)
        dates_row.addWidget(self.available_until, 1)
        self.time_window = QLineEdit()
        self.status = QComboBox()
        for key in labels.STATUS_LABELS:
            self.status.addItem("", key)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(80)
        # A need's matches, each can be undone.
        self.matches = QListWidget()
        self.matches.setMaximumHeight(80)
        self.matches.setWordWrap(True)  # a long offer wraps instead of scrolling sideways
        self.matches.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.matches.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.unmatch_button = QPushButton()
        self.unmatch_button.clicked.connect(self.undo_match)
        matches_box = QVBoxLayout()
        matches_box.addWidget(self.matches)
        unmatch_row = QHBoxLayout()
        unmatch_row.addStretch(1)
        unmatch_row.addWidget(self.unmatch_button)
        matches_box.addLayout(unmatch_row)

        self.form.add(N_("&Category"), self.category)
        self.form.add(N_("Short &title"), self.title)
        person_label = self.form.add(N_("P&erson"), person_row)
        person_label.setBuddy(self.person_button)
        self.form.add(N_("&Family"), self.household)
        self.form.add(N_("C&ase"), self.case)
        self.form.add(N_("&Offered by"), self.provider_kind)
        self.form.add(N_("From the di&rectory"), self.provider)
        self.form.add(N_("&Volunteer"), self.volunteer)
        self.form.add(N_("Na&me"), self.provider_name)
        place_label = self.form.add(N_("&Place"), place_row)
        place_label.setBuddy(self.town)
        languages_label = self.form.add(N_("&Languages"), languages_row)
        languages_label.setBuddy(self.language_checks[labels.LANGUAGES[0]])
        dates_label = self.form.add(N_("&Dates"), dates_row)
        dates_label.setBuddy(self.available_from)
        self.checks.add("available_from", self.available_from, date_check(self.available_from), self.form)
        self.checks.add("available_until", self.available_until, self._until_problem, self.form)
        self.form.add(N_("&When"), self.time_window)
        self.form.add(N_("&Status"), self.status)
        self.form.add(N_("&Notes"), self.notes)
        matches_label = self.form.add(N_("Matc&hes"), matches_box)
        matches_label.setBuddy(self.matches)
        for widget in (person_row, self.household, self.case):
            self._row_visible(widget, is_need)
        for widget in (self.provider_kind, self.provider, self.volunteer, self.provider_name):
            self._row_visible(widget, not is_need)
        self._row_visible(matches_box, is_need and record is not None)
        self._names: list[tuple[QWidget, str]] = [
            (self.category, N_("Category")),
            (self.title, N_("Short title")),
            (self.person_button, N_("Choose the person")),
            (self.household, N_("Family")),
            (self.case, N_("Case")),
            (self.provider_kind, N_("Offered by")),
            (self.provider, N_("From the directory")),
            (self.volunteer, N_("Volunteer")),
            (self.provider_name, N_("Name of the private person")),
            (self.town, N_("Town")),
            (self.district, N_("District")),
            (self.available_from, N_("Available from (DD.MM.YYYY)")),
            (self.available_until, N_("Available until (DD.MM.YYYY)")),
            (self.time_window, N_("When")),
            (self.status, N_("Status")),
            (self.notes, N_("Notes")),
            (self.matches, N_("Matches")),
        ]
        chain: list[QWidget] = [self.category, self.title, self.person_button, self.household, self.case]
        chain += [self.provider_kind, self.provider, self.volunteer, self.provider_name, self.town, self.district]
        chain += list(self.language_checks.values())
        chain += [self.available_from, self.available_until, self.time_window, self.status, self.notes]
        chain += [self.matches, self.unmatch_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self._fill_person_choices(record.household_id if record else None, record.case_id if record else None)
        self.matches.currentRowChanged.connect(lambda _r: self._update_unmatch())
        self.finish()
        # A taller window keeps the rows together: the space would go to the hidden rows' error lines.
        self._layout.insertStretch(self._layout.indexOf(self.error), 1)
        self._show_provider_rows()

    def _row_visible(self, field: QWidget | QHBoxLayout | QVBoxLayout, visible: bool) -> None:
        self.form.setRowVisible(field, visible)

    def first_field(self) -> QWidget:
        if self.kind == "need" and self.person_id is None:
            return self.person_button
        return self.category

    # --- choices --------------------------------------------------------------------------------------
    def _fill_person_choices(self, household: str | None, case: str | None) -> None:
        """The person's households and open cases (and the ones the record already has)."""
        self._households = households_of(self.person_id)
        if household and household not in {h for h, _n in self._households}:
            found = Household.get_or_none(Household.id == household)
            if found is not None:
                self._households.append((found.id, found.name))
        self.household.clear()
        self.household.addItem("", None)
        for household_id, name in self._households:
            self.household.addItem(name or "–", household_id)
        self.household.setCurrentIndex(max(0, self.household.findData(household)) if household else 0)
        self._cases = appointments.cases_for(self.person_id, keep=case)
        self.case.clear()
        self.case.addItem("", None)
        for c in self._cases:
            self.case.addItem(case_text(c), c.id)
        self.case.setCurrentIndex(max(0, self.case.findData(case)) if case else 0)

    def _choose_person(self) -> None:
        picker = PersonPicker(self)
        if picker.exec() and picker.chosen_id():
            self.set_person(picker.chosen_id())

    def set_person(self, person_id: str) -> None:
        """Another person: their households and cases to choose from."""
        self.person_id = person_id
        self._person_name = appointments.person_label(person_id)
        households = self._households
        self._fill_person_choices(None, None)
        if len(self._households) == 1 and not households:
            self.household.setCurrentIndex(1)  # the person's family: the need is usually the family's
        self.retranslate_ui()

    def _show_provider_rows(self) -> None:
        if self.kind != "offer":
            return
        kind = self.provider_kind.currentData()
        self._row_visible(self.provider, kind in ("initiative", "office"))
        self._row_visible(self.volunteer, kind == "volunteer")
        self._row_visible(self.provider_name, kind == "private")

    def _update_unmatch(self) -> None:
        self.unmatch_button.setEnabled(self.matches.currentRow() >= 0)

    def _fill_matches(self) -> None:
        self.matches.clear()
        if self.record is None or self.kind != "need":
            return
        self._match_rows = matching.matches_of(self.record.id)
        for row in self._match_rows:
            item = QListWidgetItem(match_text(row))
            item.setToolTip(match_text(row))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.matches.addItem(item)
        if self._match_rows:
            self.matches.setCurrentRow(0)
        self._update_unmatch()

    def undo_match(self) -> None:
        """Undo the selected match (the need goes back to open when nothing else matches it)."""
        item = self.matches.currentItem()
        if item is None or self.record is None:
            return
        matching.unmatch(item.data(Qt.ItemDataRole.UserRole))
        self.unmatched = True
        self.record = NeedOffer.get_by_id(self.record.id)
        status = self.status.findData(self.record.status)
        self.status.setCurrentIndex(max(0, status))
        self._fill_matches()
        self._clean["status"] = self.record.status  # written already: not an unsaved change

    # --- GuardedEditor --------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, object]:
        return {
            "category": self.category.currentData(),
            "title": self.title.text().strip(),
            "person": self.person_id,
            "household": self.household.currentData(),
            "case": self.case.currentData(),
            "provider_kind": self.provider_kind.currentData(),
            "provider": self.provider.currentData(),
            "volunteer": self.volunteer.currentData(),
            "provider_name": self.provider_name.text().strip(),
            "town": self.town.text().strip(),
            "district": self.district.text().strip(),
            "languages": self._languages(),
            "available_from": self.available_from.text().strip(),
            "available_until": self.available_until.text().strip(),
            "time_window": self.time_window.text().strip(),
            "status": self.status.currentData(),
            "notes": self.notes.toPlainText().strip(),
        }

    def _languages(self) -> str:
        return needs.languages_value([k for k, check in self.language_checks.items() if check.isChecked()])

    # --- texts ----------------------------------------------------------------------------------------
    def retranslate_texts(self) -> None:
        if self.kind == "need":
            self.setWindowTitle(_("Edit need") if self.record else _("New need"))
        else:
            self.setWindowTitle(_("Edit offer") if self.record else _("New offer"))
        for widget, title in self._names:
            widget.setAccessibleName(_(title))
        for i in range(self.category.count()):
            self.category.setItemText(i, needs.category_label(self.category.itemData(i)))
        for i in range(self.provider_kind.count()):
            self.provider_kind.setItemText(i, labels.label(labels.PROVIDER_LABELS, self.provider_kind.itemData(i)))
        for i in range(self.status.count()):
            self.status.setItemText(i, needs.status_label(self.status.itemData(i)))
        for key, check in self.language_checks.items():
            check.setText(labels.label(labels.LANGUAGE_LABELS, key))
            check.setAccessibleName(labels.label(labels.LANGUAGE_LABELS, key))
        self.person_button.setText(_("Choose…"))
        self.person_label.setText(self._person_name or _("(nobody chosen yet)"))
        self.household.setItemText(0, _("not for the whole family") if self._households else _("no family on record"))
        self.case.setItemText(0, _("no case") if self._cases else _("no open case"))
        self.provider.setItemText(0, _("not chosen"))
        self.volunteer.setItemText(0, _("nobody yet"))
        self.title.setPlaceholderText(
            _("e.g. flat for 3 people, someone to go to the Jobcenter with")
            if self.kind == "need"
            else _("e.g. room for a mother and child, lifts on Saturdays")
        )
        self.provider_name.setPlaceholderText(_("never shown in a post"))
        self.town.setPlaceholderText(_("Town"))
        self.district.setPlaceholderText(_("District"))
        self.available_from.setPlaceholderText(_("from DD.MM.YYYY"))
        self.available_until.setPlaceholderText(_("until DD.MM.YYYY"))
        self.time_window.setPlaceholderText(_("e.g. weekday mornings, from mid-January"))
        for field in (self.town, self.district, self.time_window):  # as typed, they go into the group's post
            field.setToolTip(_("Shown in the Telegram post as typed: no names, streets or phone numbers"))
        self.unmatch_button.setText(_("&Undo match"))
        self.unmatch_button.setToolTip(
            _("Delete the selected match; the need is open again when nothing else matches it")
        )
        if self.record is not None and self.kind == "need":
            for i, row in enumerate(getattr(self, "_match_rows", [])):
                self.matches.item(i).setText(match_text(row))

    # --- loading and saving ---------------------------------------------------------------------------
    def load(self) -> None:
        r = self.record
        if r is None:
            return
        self.category.setCurrentIndex(max(0, self.category.findData(r.category)))
        self.title.setText(r.title)
        self.provider_kind.setCurrentIndex(max(0, self.provider_kind.findData(r.provider_kind)))
        if r.provider_id and self.provider.findData(r.provider_id) < 0:
            entry = DirectoryEntry.get_or_none(DirectoryEntry.id == r.provider_id)
            self.provider.addItem(entry.name if entry else r.provider_id, r.provider_id)
        self.provider.setCurrentIndex(max(0, self.provider.findData(r.provider_id)) if r.provider_id else 0)
        self.volunteer.setCurrentIndex(max(0, self.volunteer.findData(r.volunteer_id)) if r.volunteer_id else 0)
        self.provider_name.setText(r.provider_name)
        self.town.setText(r.town)
        self.district.setText(r.district)
        chosen = set(labels.keys_of(r.languages))
        for key, check in self.language_checks.items():
            check.setChecked(key in chosen)
        self.available_from.setText(i18n.fmt_date_german(r.available_from))
        self.available_until.setText(i18n.fmt_date_german(r.available_until))
        self.time_window.setText(r.time_window)
        self.status.setCurrentIndex(max(0, self.status.findData(r.status)))
        self.notes.setPlainText(r.notes)
        self._fill_matches()

    def _until_problem(self) -> str:
        problem = date_check(self.available_until)()
        if problem:
            return problem
        try:
            start = i18n.parse_date(self.available_from.text())
            end = i18n.parse_date(self.available_until.text())
        except ValueError:
            return ""
        return _("The end cannot lie before the start.") if start and end and end < start else ""

    def write(self) -> None:
        values: dict[str, Any] = {
            "kind": self.kind,
            "category": self.category.currentData(),
            "title": self.title.text().strip(),
            "town": self.town.text().strip(),
            "district": self.district.text().strip(),
            "languages": self._languages(),
            "available_from": i18n.parse_date(self.available_from.text()),
            "available_until": i18n.parse_date(self.available_until.text()),
            "time_window": self.time_window.text().strip(),
            "status": self.status.currentData(),
            "notes": self.notes.toPlainText().strip(),
        }
        if self.kind == "need":
            values.update(person=self.person_id, household=self.household.currentData(), case=self.case.currentData())
        else:
            kind = self.provider_kind.currentData()
            values.update(
                provider_kind=kind,
                provider=self.provider.currentData() if kind in ("initiative", "office") else None,
                volunteer=self.volunteer.currentData() if kind == "volunteer" else None,
                provider_name=self.provider_name.text().strip() if kind == "private" else "",
            )
        self.written = values
        if self.record is None:
            self.record = needs.create(values)
            return
        changed = self.changed_keys()  # only what the user changed here
        if changed & {"provider_kind", "provider", "volunteer", "provider_name"}:
            changed |= {"provider_kind", "provider", "volunteer", "provider_name"}  # one provider at a time
        update = {k: v for k, v in values.items() if k in changed and k != "kind"}
        if update:
            needs.update(self.record.id, update)
        self.record = NeedOffer.get_by_id(self.record.id)
