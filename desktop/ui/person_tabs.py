"""The person editor's further tabs: residence documents, household, cases."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core import cases, documents, households, residence
from desktop.core.errors import ValidationError
from desktop.core.store import db as store_db
from desktop.core.store.models import Person, ResidenceDocument
from desktop.i18n import N_, _
from desktop.ui.common import (
    Retranslatable,
    date_check,
    enter_activates,
    error_label,
    show_error,
)
from desktop.ui.editor import EditorDialog

EXPIRED = QColor("#b00020")


class DocumentDialog(EditorDialog):
    """Add or edit one residence document; shows printed and effective validity as you type; asks before
    Escape or Cancel throws typed changes away."""

    core_validate = staticmethod(documents.validate)

    def __init__(self, person_id: str, document: ResidenceDocument | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.person_id, self.document = person_id, document
        self.setMinimumWidth(520)
        self.kind = QComboBox()
        self.number = QLineEdit()
        self.issued = QLineEdit()
        self.until = QLineEdit()
        self.authority = QLineEdit()
        self.validity = QLabel()
        self.validity.setWordWrap(True)
        self.form.add(N_("Kind"), self.kind)
        self.form.add(N_("Number"), self.number)
        self.form.add(N_("Issued on"), self.issued)
        self.checks.add("issued_on", self.issued, date_check(self.issued), self.form)
        self.form.add(N_("Printed valid until"), self.until)
        self.checks.add("printed_until", self.until, date_check(self.until), self.form)
        self.form.add(N_("Issued by"), self.authority)
        self.form.add(N_("Really valid until"), self.validity)
        for kind in ResidenceDocument.KINDS:
            self.kind.addItem("", kind)
        for signal in (self.until.textChanged, self.issued.textChanged, self.kind.currentIndexChanged):
            signal.connect(self._preview)
        self.finish()

    def first_field(self) -> QWidget:
        return self.kind

    def load(self) -> None:
        document = self.document
        if document:
            self.kind.setCurrentIndex(self.kind.findData(document.kind))
            self.number.setText(document.number)
            self.issued.setText(i18n.fmt_date_german(document.issued_on))
            self.until.setText(i18n.fmt_date_german(document.printed_until))
            self.authority.setText(document.authority)

    def snapshot(self) -> dict[str, object]:
        return {
            "kind": self.kind.currentData(),
            "number": self.number.text().strip(),
            "issued_on": self.issued.text().strip(),
            "printed_until": self.until.text().strip(),
            "authority": self.authority.text().strip(),
        }

    def retranslate_texts(self) -> None:
        self.setWindowTitle(_("Residence document"))
        for i in range(self.kind.count()):
            self.kind.setItemText(i, residence.kind_label(self.kind.itemData(i)))
        for edit in (self.issued, self.until):
            edit.setPlaceholderText(_("DD.MM.YYYY"))
        self._preview()

    def _dates(self) -> tuple[dt.date | None, dt.date | None]:
        return i18n.parse_date(self.issued.text()), i18n.parse_date(self.until.text())

    def _preview(self) -> None:
        try:
            issued, until = self._dates()
        except ValueError:
            self.validity.setText(_("This is not a valid date (DD.MM.YYYY)."))
            return
        if until is None:
            self.validity.setText("–")
            return
        result = residence.effective_validity(until, self.kind.currentData(), issued_on=issued)
        self.validity.setText(f"<b>{i18n.fmt_date(result.effective_until)}</b><br>{result.explanation}")

    def write(self) -> None:
        issued, until = self._dates()
        self.written = values = {
            "kind": self.kind.currentData(),
            "number": self.number.text().strip(),
            "issued_on": issued,
            "printed_until": until,
            "authority": self.authority.text().strip(),
        }
        if self.document is None:
            documents.create_document({"person": self.person_id, **values})
        else:
            documents.update_document(self.document.id, values)


class DocumentsTab(Retranslatable, QWidget):
    """Residence documents: printed until, really valid until, and why."""

    changed = Signal()

    def __init__(self, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_id = person_id
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnCount(4)
        enter_activates(self.tree)
        self.tree.itemActivated.connect(lambda item, _c: self._edit(item.data(0, Qt.ItemDataRole.UserRole)))
        self.why = QLabel()
        self.why.setWordWrap(True)
        self.tree.currentItemChanged.connect(
            lambda item, _p: self.why.setText(item.data(1, Qt.ItemDataRole.UserRole) if item else "")
        )
        self.add_button = QPushButton()
        self.add_button.clicked.connect(lambda: self._edit(None))
        self.delete_button = QPushButton()
        self.delete_button.clicked.connect(self._delete)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(self.why)
        layout.addLayout(buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.tree.setHeaderLabels([_("Kind"), _("Number"), _("Printed until"), _("Valid until")])
        self.tree.setAccessibleName(_("Residence documents"))
        self.add_button.setText(_("Add document…"))
        self.delete_button.setText(_("Remove"))
        self.reload()

    def reload(self) -> None:
        if not store_db.is_open():
            return  # the window outlived the profile (closing down)
        self.tree.clear()
        for doc in documents.documents_of(self.person_id):
            item = QTreeWidgetItem(
                [
                    residence.kind_label(doc.kind),
                    doc.number,
                    i18n.fmt_list_date(doc.printed_until),
                    i18n.fmt_list_date(doc.effective_until),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, doc.id)
            item.setData(1, Qt.ItemDataRole.UserRole, doc.explanation)
            item.setToolTip(3, doc.explanation)
            if doc.expired:
                for column in range(4):
                    item.setForeground(column, QBrush(EXPIRED))
            self.tree.addTopLevelItem(item)
        for column in range(4):
            self.tree.resizeColumnToContents(column)
        if self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def _edit(self, document_id: str | None) -> None:
        doc = ResidenceDocument.get_by_id(document_id) if document_id else None
        if DocumentDialog(self.person_id, doc, self).exec():
            self.reload()
            self.changed.emit()

    def _delete(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            documents.delete_document(item.data(0, Qt.ItemDataRole.UserRole))
            self.reload()
            self.changed.emit()


#: What a new member takes over from the household's person: the family name and the address.
NEW_MEMBER_FIELDS = ("family_name", "family_name_cyr", "street", "postcode", "city")


class HouseholdTab(Retranslatable, QWidget):
    """The person's Bedarfsgemeinschaft: members, roles and the Jobcenter attachment each needs."""

    changed = Signal()

    def __init__(self, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_id = person_id
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnCount(4)
        enter_activates(self.tree)
        self.create_button = QPushButton()
        self.create_button.clicked.connect(self._create)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self._add)
        self.new_member_button = QPushButton()
        self.new_member_button.clicked.connect(self.new_member)
        self.role_button = QPushButton()
        self.role_button.clicked.connect(self._change_role)
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self._remove)
        self.error = error_label()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (
            self.create_button,
            self.new_member_button,
            self.add_button,
            self.role_button,
            self.remove_button,
        ):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.tree)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.tree.setHeaderLabels([_("Name"), _("Role"), _("Age"), _("Jobcenter form")])
        self.tree.setAccessibleName(_("Household members"))
        self.create_button.setText(_("Start a household"))
        self.add_button.setText(_("Add member…"))
        self.add_button.setToolTip(_("Add someone who is already in the list of people"))
        self.new_member_button.setText(_("New member…"))
        self.new_member_button.setToolTip(_("Enter a person who is not yet in the list (a child, say) and add them"))
        self.role_button.setText(_("Change role…"))
        self.remove_button.setText(_("Remove from household"))
        self.reload()

    def reload(self) -> None:
        if not store_db.is_open():
            return  # the window outlived the profile (closing down)
        self.tree.clear()
        household = households.household_of(self.person_id)
        self.household_id = household.id if household else None
        for button in (self.new_member_button, self.add_button, self.role_button, self.remove_button):
            button.setVisible(household is not None)
        self.create_button.setVisible(household is None)
        if household is None:
            self.heading.setText(_("This person does not belong to a household (Bedarfsgemeinschaft) yet."))
            return
        self.heading.setText(_("Household: {name}").format(name=household.name or "–"))
        for member in households.members(household.id):
            form = member.attachment or _("Hauptantrag")
            item = QTreeWidgetItem(
                [member.name, households.role_label(member.role), "" if member.age is None else str(member.age), form]
            )
            item.setToolTip(3, member.reason)
            item.setData(0, Qt.ItemDataRole.UserRole, member.member_id)
            item.setData(1, Qt.ItemDataRole.UserRole, member.role)
            self.tree.addTopLevelItem(item)
        for column in range(4):
            self.tree.resizeColumnToContents(column)

    def _role_choice(self, title: str, proposed: str = "applicant", name: str = "") -> str | None:
        """Ask for the role, ``proposed`` chosen (Enter takes it)."""
        keys = list(households.ROLE_LABELS)
        labels = [households.role_label(k) for k in keys]
        prompt = _("Role of {name}:").format(name=name) if name else _("Role:")
        choice, ok = QInputDialog.getItem(self, title, prompt, labels, keys.index(proposed), False)
        return keys[labels.index(choice)] if ok else None

    def _create(self) -> None:
        person = Person.get_by_id(self.person_id)
        name = _("Household {name}").format(name=person.family_name or person.family_name_cyr)
        try:
            households.create_household(name, [(self.person_id, "applicant")])
        except ValidationError as exc:
            show_error(self.error, str(exc))
            return
        self.reload()
        self.changed.emit()

    def _add(self) -> None:
        from desktop.ui.case_editor import PersonPicker

        picker = PersonPicker(self)
        if picker.exec() and picker.chosen_id():
            self._add_with_role(picker.chosen_id())  # type: ignore[arg-type]

    def new_member(self) -> None:
        """Enter a new person (the family name and address of this household's person already filled in)
        and add them with the role their age suggests."""
        from desktop.ui.person_editor import PersonEditor

        person = Person.get_by_id(self.person_id)
        editor = PersonEditor(None, parent=self)
        editor.prefill({key: getattr(person, key) for key in NEW_MEMBER_FIELDS})
        if editor.exec():
            chosen = editor.person.id if editor.person is not None else None
        else:
            chosen = editor.open_instead  # the person was already there: that record
        if chosen:
            self._add_with_role(chosen)

    def _add_with_role(self, person_id: str) -> None:
        person = Person.get_by_id(person_id)
        proposed = households.propose_role(self.household_id, person.birth_date)
        role = self._role_choice(_("Add member"), proposed, person.display_name())
        if role is None:
            return
        try:
            households.add_member(self.household_id, person_id, role)  # type: ignore[arg-type]
        except ValidationError as exc:
            show_error(self.error, str(exc))
            return
        show_error(self.error, "")
        self.reload()
        self.changed.emit()

    def _selected_member(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item else None

    def _change_role(self) -> None:
        member = self._selected_member()
        item = self.tree.currentItem()
        current = item.data(1, Qt.ItemDataRole.UserRole) if item is not None else "applicant"
        role = self._role_choice(_("Change role"), current, item.text(0)) if member and item else None
        if member and role:
            try:
                households.set_role(member, role)
            except ValidationError as exc:
                show_error(self.error, str(exc))
                return
            self.reload()
            self.changed.emit()

    def _remove(self) -> None:
        member = self._selected_member()
        if member:
            households.remove_member(member)
            self.reload()
            self.changed.emit()


class CasesTab(Retranslatable, QWidget):
    """The person's cases; Enter opens one, a button opens a new one; ``changed`` after anything was saved
    (a case, or its checklist, tasks or notes even when the case editor was then cancelled)."""

    changed = Signal()

    def __init__(self, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_id = person_id
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnCount(4)
        enter_activates(self.tree)
        self.tree.itemActivated.connect(self._open)
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self._new)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addLayout(buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.tree.setHeaderLabels([_("Opened"), _("Reference"), _("Case type"), _("Status")])
        self.tree.setAccessibleName(_("Cases"))
        self.new_button.setText(_("New case…"))
        self.reload()

    def reload(self) -> None:
        if not store_db.is_open():
            return  # the window outlived the profile (closing down)
        self.tree.clear()
        for case in cases.cases_of(Person.get_by_id(self.person_id)):
            item = QTreeWidgetItem(
                [
                    i18n.fmt_list_date(case.opened_on),
                    case.reference,
                    cases.case_type_label(case.case_type),
                    cases.status_label(case.status),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, case.id)
            self.tree.addTopLevelItem(item)
        for column in range(4):
            self.tree.resizeColumnToContents(column)

    def _open(self, item: QTreeWidgetItem, _column: int) -> None:
        from desktop.core.store.models import Case
        from desktop.ui.case_editor import CaseEditor

        self._run(CaseEditor(Case.get_by_id(item.data(0, Qt.ItemDataRole.UserRole)), parent=self))

    def _new(self) -> None:
        from desktop.ui.case_editor import CaseEditor

        self._run(CaseEditor(None, person_id=self.person_id, parent=self))

    def _run(self, editor) -> None:
        if editor.exec() or editor.changed_inside:
            self.reload()
            self.changed.emit()
