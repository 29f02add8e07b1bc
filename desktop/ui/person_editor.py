"""The person editor: names in both scripts, birth, contact, address, identifiers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core import people, validation
from desktop.core.errors import ValidationError
from desktop.core.search import duplicates
from desktop.core.search.translit import SYSTEMS, transliterate
from desktop.core.store import db as store_db
from desktop.core.store.models import Person
from desktop.i18n import N_, _
from desktop.ui.common import (
    ErrorLabel,
    VerticalScroll,
    bring_into_view,
    error_label,
    fit_tabs,
    show_error,
)
from desktop.ui.duplicates_ui import CANCEL, MERGE, NEW, OPEN, ask_about_duplicates
from desktop.ui.editor import EditorDialog

if TYPE_CHECKING:
    from desktop.ui.timeline_widget import TimelineWidget

# (group title, [(field, label)]) in the order shown.
LAYOUT: list[tuple[str, list[tuple[str, str]]]] = [
    (
        N_("Name in Cyrillic"),
        [
            ("family_name_cyr", N_("Family name")),
            ("given_name_cyr", N_("Given name")),
            ("patronymic", N_("Patronymic")),
        ],
    ),
    (
        N_("Name as in the passport (Latin letters)"),
        [
            ("family_name", N_("Family name")),
            ("given_name", N_("Given name")),
        ],
    ),
    (
        N_("Birth and nationality"),
        [
            ("birth_date", N_("Date of birth")),
            ("birth_place", N_("Place of birth")),
            ("nationality", N_("Nationality")),
            ("languages", N_("Languages")),
        ],
    ),
    (
        N_("Contact"),
        [
            ("phone", N_("Phone")),
            ("telegram", N_("Telegram")),
            ("email", N_("E-mail")),
            ("street", N_("Street and number")),
            ("postcode", N_("Postcode")),
            ("city", N_("City")),
        ],
    ),
    (
        N_("Identifiers"),
        [
            ("jobcenter_customer_no", N_("Jobcenter customer number")),
            ("bg_number", N_("BG number")),
            ("abh_file_no", N_("Immigration office file number")),
            ("tax_id", N_("Tax ID")),
            ("pension_no", N_("Pension insurance number")),
            ("health_insurer", N_("Health insurer")),
            ("insurance_no", N_("Health insurance number")),
            ("iban", N_("IBAN")),
        ],
    ),
]


#: The transliteration systems by the names volunteers know them.
SYSTEM_LABELS = {
    "kmu2010": N_("Passport since 2010 (KMU-55)"),
    "national1996": N_("National 1996"),
    "passport2007": N_("Passport 2007–2010"),
    "icao": N_("ICAO (older passports, Russian documents)"),
    "german": N_("German letters (Duden)"),
    "iso9": N_("ISO 9 (Standesamt translations)"),
}


#: The person editor's narrowest width (wider when its tab titles need it).
MIN_WIDTH = 620


class PersonEditor(EditorDialog):
    """Create or edit one person; saving goes through the change log. The further tabs (documents,
    household, cases, timeline) save at once: ``tabs_changed`` tells that they changed something, even when
    the editor itself is then cancelled."""

    def __init__(self, person: Person | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent, form_is_body=False)  # grouped fields in a scroll area, then the tabs
        self.person = person
        #: Set when the user chose to open an existing record instead of creating a duplicate.
        self.open_instead: str | None = None
        self.tabs_changed = False
        self.erased_counts: dict[str, int] | None = None  # what went when the person was erased from a tab
        self._fields_marked = False
        self.timeline: TimelineWidget | None = None
        self.setMinimumSize(MIN_WIDTH, 560)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, ErrorLabel] = {}
        self.labels: list[tuple[QLabel, str]] = []
        self.groups: list[tuple[QGroupBox, str]] = []
        self._latin_touched = {"family_name": False, "given_name": False}

        body = QWidget()
        body_layout = QVBoxLayout(body)
        for title, fields in LAYOUT:
            group = QGroupBox()
            self.groups.append((group, title))
            form = QFormLayout(group)
            for key, label_text in fields:
                edit = QLineEdit()
                edit.setObjectName(key)
                err = error_label()
                holder = QWidget()
                holder_layout = QVBoxLayout(holder)
                holder_layout.setContentsMargins(0, 0, 0, 0)
                holder_layout.setSpacing(2)
                holder_layout.addWidget(edit)
                holder_layout.addWidget(err)
                label = QLabel()
                label.setBuddy(edit)
                form.addRow(label, holder)
                self.labels.append((label, label_text))
                self.edits[key] = edit
                self.errors[key] = err
            body_layout.addWidget(group)
        self.translit_button = QPushButton()
        self.translit_button.clicked.connect(self._propose_latin)
        self.spellings_button = QPushButton()
        self.spellings_button.clicked.connect(self.show_spellings)
        translit_row = QHBoxLayout()
        translit_row.addWidget(self.translit_button)
        translit_row.addWidget(self.spellings_button)
        translit_row.addStretch(1)
        self.groups[1][0].layout().addRow(translit_row)  # type: ignore[union-attr]
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(90)
        self.notes_group = QGroupBox()
        QVBoxLayout(self.notes_group).addWidget(self.notes)
        body_layout.addWidget(self.notes_group)
        scroll = VerticalScroll(body)

        self.forms_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.forms_button.setVisible(person is not None)
        self.forms_button.clicked.connect(self.open_forms)
        self.tabs = QTabWidget()
        self.tabs.addTab(scroll, "")
        self.extra_tabs: list[tuple[QWidget, str]] = []
        if person is not None:
            from desktop.ui.consents_ui import ConsentsTab
            from desktop.ui.person_tabs import CasesTab, DocumentsTab, HouseholdTab
            from desktop.ui.timeline_widget import TimelineWidget

            self.timeline = TimelineWidget(person_id=person.id)
            self.consents_tab = ConsentsTab(person.id)
            self.consents_tab.erased.connect(self._person_erased)
            self.extra_tabs = [
                (DocumentsTab(person.id), N_("Residence documents")),
                (HouseholdTab(person.id), N_("Household")),
                (CasesTab(person.id), N_("Cases")),
                (self.consents_tab, N_("Consents")),
                (self.timeline, N_("Timeline")),
            ]
            for widget, _title in self.extra_tabs:
                self.tabs.addTab(widget, "")
                widget.changed.connect(lambda source=widget: self._tab_changed(source))

        for key in ("family_name_cyr", "given_name_cyr"):
            self.edits[key].textEdited.connect(self._cyrillic_edited)
        for key in (*validation.FIELD_VALIDATORS, "birth_date"):  # identifiers, names, the date
            self.edits[key].editingFinished.connect(lambda k=key: self._check_field(k))
            # A message on screen goes as soon as the value is right, as in every editor.
            self.edits[key].textEdited.connect(
                lambda _t, k=key: self._check_field(k) if self.errors[k].isVisibleTo(self) else None
            )
        for key in ("family_name", "given_name"):
            self.edits[key].textEdited.connect(lambda _t, k=key: self._latin_touched.__setitem__(k, True))
        # The spelling buttons belong to the Latin names: right after them, not after the IBAN.
        QWidget.setTabOrder(self.edits["given_name"], self.translit_button)
        QWidget.setTabOrder(self.translit_button, self.spellings_button)
        QWidget.setTabOrder(self.spellings_button, self.edits["birth_date"])
        self._merge_into: str | None = None
        self.finish(self.tabs)

    def first_field(self) -> QWidget:
        return self.edits["family_name_cyr"]  # not the tab bar

    def _person_erased(self, counts: dict[str, int]) -> None:
        """The person was erased from the consents tab: nothing is left to edit."""
        self.tabs_changed = True
        self.erased_counts = counts
        self.mark_clean()
        self.reject()

    def _tab_changed(self, source: QWidget) -> None:
        """A tab saved something: the timeline shows it (a new case, document or note)."""
        self.tabs_changed = True
        if self.timeline is not None and source is not self.timeline:
            self.timeline.reload()

    def snapshot(self) -> dict[str, object]:
        state: dict[str, object] = {key: edit.text() for key, edit in self.edits.items()}
        state["notes"] = self.notes.toPlainText()
        if self.timeline is not None:  # a note typed but not yet added is asked about too
            state["timeline_note"] = self.timeline.note.text().strip()
        return state

    def open_forms(self) -> None:
        """Fill in a form, letter or checklist for this person (case templates use their newest open case)."""
        from desktop.core.forms.binding import subject_for
        from desktop.ui.forms_dialog import open_forms

        if self.person is not None:
            open_forms(subject_for(person_id=self.person.id), self)

    def retranslate_texts(self) -> None:
        self.forms_button.setText(_("&Forms and letters…"))
        self.setWindowTitle(_("Edit person") if self.person else _("New person"))
        for label, text in self.labels:
            label.setText(_(text))
            # "Family name (Cyrillic)" and "Family name (passport)": the two rows' labels are alike.
            label.buddy().setAccessibleName(people.field_label(label.buddy().objectName()))
        self.notes.setAccessibleName(people.field_label("notes"))
        for group, title in self.groups:
            group.setTitle(_(title))
        self.notes_group.setTitle(_("Notes"))
        self.tabs.setTabText(0, _("Details"))
        for index, (_widget, title) in enumerate(self.extra_tabs, start=1):
            self.tabs.setTabText(index, _(title))
        fit_tabs(self, self.tabs, MIN_WIDTH)
        self.translit_button.setText(_("Propose passport spelling from the Cyrillic"))
        self.spellings_button.setText(_("Other spellings…"))
        self.spellings_button.setToolTip(
            _("How the Cyrillic name is written in the other systems: older passports, German letters, ISO 9")
        )
        self.edits["birth_date"].setPlaceholderText(_("DD.MM.YYYY"))
        self.edits["postcode"].setPlaceholderText("04109")
        # The fields' messages follow the language by themselves (ErrorLabel); the summary is made again.
        if not self.error.isHidden() and self._fields_marked:
            self._show_errors(self._problems(), focus=False)

    def load(self) -> None:
        if self.person is None:
            return
        for key, edit in self.edits.items():
            value = getattr(self.person, key)
            if key == "birth_date":
                edit.setText(i18n.fmt_date_german(value))
            else:
                edit.setText(value or "")
        self.notes.setPlainText(self.person.notes)
        self._latin_touched = {k: bool(self.edits[k].text()) for k in self._latin_touched}

    def prefill(self, values: dict[str, str]) -> None:
        """Start a new person with these values (e.g. a household's family name and address); they count as
        the starting point, so Esc without typing asks nothing. A Latin name given stays as it is."""
        for key, value in values.items():
            if value:
                self.edits[key].setText(value)
        self._latin_touched = {k: bool(self.edits[k].text()) for k in self._latin_touched}
        self.mark_clean()
        if self.edits["family_name_cyr"].text():  # the family name is there: the given name comes next
            self.edits["given_name_cyr"].setFocus(Qt.FocusReason.OtherFocusReason)

    def _cyrillic_edited(self) -> None:
        """Keep the passport spelling in step with the Cyrillic until the user edits it by hand."""
        for latin, cyr in (("family_name", "family_name_cyr"), ("given_name", "given_name_cyr")):
            if not self._latin_touched[latin]:
                self.edits[latin].setText(people.passport_spelling(self.edits[cyr].text()))

    def _propose_latin(self) -> None:
        for latin, cyr in (("family_name", "family_name_cyr"), ("given_name", "given_name_cyr")):
            if self.edits[cyr].text().strip():
                self.edits[latin].setText(people.passport_spelling(self.edits[cyr].text()))
                self._latin_touched[latin] = False

    def spellings(self) -> list[tuple[str, str]]:
        """The Cyrillic name in every transliteration system: (system, Latin spelling)."""
        name = " ".join(self.edits[k].text().strip() for k in ("given_name_cyr", "family_name_cyr")).strip()
        if not name:
            return []
        return [(_(SYSTEM_LABELS[key]), transliterate(name, key)) for key in SYSTEMS]

    def show_spellings(self) -> None:
        found = self.spellings()
        if not found:
            QMessageBox.information(self, _("Other spellings"), _("Enter the name in Cyrillic first."))
            return
        QMessageBox.information(self, _("Other spellings"), "\n".join(f"{system}: {latin}" for system, latin in found))

    def values(self) -> dict[str, Any]:
        """The entered values; raises ValidationError for a date that cannot be read."""
        out: dict[str, Any] = {key: edit.text().strip() for key, edit in self.edits.items()}
        try:
            out["birth_date"] = i18n.parse_date(out["birth_date"], past=True)
        except ValueError:
            raise ValidationError(_("This is not a valid date (DD.MM.YYYY)."), "birth_date") from None
        out["notes"] = self.notes.toPlainText().strip()
        return out

    def _show_errors(self, errors: dict[str, str], focus: bool = True) -> None:
        for key, label in self.errors.items():
            show_error(label, errors.get(key, ""))
        marked = [key for key in errors if key in self.edits]
        self._fields_marked = bool(marked)
        # A problem of no one field (a refused merge) is said as it is.
        general = errors.get("", "") or (_("Please correct the marked fields.") if marked else "")
        show_error(self.error, general)
        if marked and focus:
            bring_into_view(self.edits[marked[0]])

    @staticmethod
    def _field_problem(key: str, text: str) -> str:
        if key == "birth_date":
            return (validation.validate_date(text, past=True) if text.strip() else None) or ""
        return validation.validate_field(key, text) or ""

    def _check_field(self, key: str) -> None:
        """Validate one field as soon as the user leaves it; the message is in the UI language (also after
        a language switch)."""
        text = self.edits[key].text()
        show_error(self.errors[key], lambda: self._field_problem(key, text))

    def _problems(self) -> dict[str, str]:
        """Every problem of the form at once (a date that cannot be read does not hide the others)."""
        try:
            return people.validate(self.values())
        except ValidationError as exc:  # the birth date: the other fields are checked without it
            values: dict[str, Any] = {key: edit.text().strip() for key, edit in self.edits.items()}
            values["birth_date"] = None
            return {**people.validate(values), exc.field or "": str(exc)}

    def check_fields(self) -> bool:
        """The whole form's rules (a name at all, Latin passport names, dates, identifiers), each problem
        at its field; the first brought into view."""
        errors = self._problems()
        if errors:
            self._show_errors(errors)
        return not errors

    def ready_to_write(self) -> bool:
        """A new person who looks like someone already here: create anyway, merge, or open that record."""
        self._merge_into = None
        if self.person is not None:
            return True
        found = duplicates.candidates(self.values())
        choice, existing = ask_about_duplicates(self, found) if found else (NEW, None)
        if choice == CANCEL:
            return False
        if choice == OPEN:
            self.open_instead = existing
            self.mark_clean()
            self.reject()
            return False
        self._merge_into = existing if choice == MERGE else None
        return True

    def write(self) -> None:
        values = self.values()
        if self.person is not None:
            # Only what the user changed here: a change that arrived meanwhile is not undone.
            changed = self.changed_keys()
            people.update_person(self.person.id, {k: v for k, v in values.items() if k in changed})
            return
        try:
            with store_db.current().db.atomic():  # created and merged, or neither
                created = people.create_person(values)
                if self._merge_into:
                    duplicates.merge_people(self._merge_into, created.id)
        except duplicates.MergeRefused as exc:
            raise ValidationError(str(exc)) from exc
        self.person = Person.get_by_id(self._merge_into) if self._merge_into else created

    def refusal(self, exc: ValidationError) -> Callable[[], str]:
        self._show_errors({exc.field or "": str(exc)})
        message = str(exc) if not exc.field else self.error.text()
        return lambda: message
