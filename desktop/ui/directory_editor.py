"""The directory editor: an office, an initiative or association, or a contact person; the fields follow
the kind, the source of the facts is always in view."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLineEdit, QPlainTextEdit, QWidget

from desktop.core import cases, validation
from desktop.core.network import directory
from desktop.core.network.labels import CATEGORY_LABELS, DIRECTORY_KIND_LABELS, ENGAGEMENT_LABELS, keys_of
from desktop.core.store.models import NEED_CATEGORIES, DirectoryEntry
from desktop.i18n import N_, _
from desktop.ui.editor import EditorDialog


def _text_box(height: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setMaximumHeight(height)
    return box


class DirectoryEditor(EditorDialog):
    """Create or edit a directory entry. Offices name their authority; initiatives what they offer and the
    need categories they serve; contact persons their organisation (an office or initiative of the
    directory), role and whether they are paid staff or volunteers."""

    core_validate = staticmethod(directory.validate)

    def __init__(
        self,
        record: DirectoryEntry | None = None,
        *,
        kind: str = directory.OFFICE,
        organisation_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.record = record
        self.setMinimumWidth(560)
        # Read once: retranslate_ui reads no database.
        self._organisations = [
            (e.id, e.name, e.town) for e in directory.organisations(exclude=record.id if record else None)
        ]
        self._towns = directory.towns()
        self._preset_organisation = organisation_id

        self.kind = QComboBox()
        for key in directory.KINDS:
            self.kind.addItem("", key)
        self.kind.setCurrentIndex(max(0, self.kind.findData(record.kind if record else kind)))
        self.name = QLineEdit()
        self.authority = QComboBox()
        self.authority.addItem("", "")
        for key in cases.authorities():
            self.authority.addItem("", key)
        self.organisation = QComboBox()
        self.organisation.addItem("", None)
        for org_id, name, town in self._organisations:
            self.organisation.addItem(f"{name} ({town})" if town else name, org_id)
        self.role = QLineEdit()
        self.engagement = QComboBox()
        for key in ENGAGEMENT_LABELS:
            self.engagement.addItem("", key)
        self.categories: dict[str, QCheckBox] = {key: QCheckBox() for key in NEED_CATEGORIES}
        self.category_box = QWidget()
        grid = QGridLayout(self.category_box)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, box in enumerate(self.categories.values()):
            grid.addWidget(box, i // 2, i % 2)  # two columns: the Ukrainian labels are long
        self.offers = _text_box(56)
        self.street = QLineEdit()
        self.postcode = QLineEdit()
        self.postcode.setMaxLength(5)
        self.postcode.setMaximumWidth(90)
        self.town = QComboBox()
        self.town.setEditable(True)
        self.town.addItems(self._towns)
        self.district = QLineEdit()
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.website = QLineEdit()
        self.hours = _text_box(44)
        self.notes = _text_box(56)
        self.source = _text_box(44)  # sources are long: two lines in view
        self.checked = QLineEdit()

        f = self.form
        f.add(N_("Kind"), self.kind)
        f.add(N_("Name or title"), self.name)
        self.checks.add("name", self.name, self._name_problem, f)
        f.add(N_("Authority"), self.authority)
        f.add(N_("Organisation"), self.organisation)
        f.add(N_("Role"), self.role)
        f.add(N_("Engagement"), self.engagement)
        f.add(N_("Categories"), self.category_box)
        f.add(N_("What they offer"), self.offers)
        f.add(N_("Street"), self.street)
        place = QHBoxLayout()  # postcode and town on one line, as on an envelope
        place.addWidget(self.postcode)
        place.addWidget(self.town, 1)
        self.place_label = f.add(N_("Postcode and town"), place)
        self.checks.add("postcode", self.postcode, self._problem("postcode", self.postcode), f)
        f.add(N_("District"), self.district)
        f.add(N_("Phone"), self.phone)
        self.checks.add("phone", self.phone, self._problem("phone", self.phone), f)
        f.add(N_("E-mail"), self.email)
        self.checks.add("email", self.email, self._problem("email", self.email), f)
        f.add(N_("Website"), self.website)
        self.checks.add("website", self.website, self._problem("website", self.website), f)
        f.add(N_("Opening hours"), self.hours)
        f.add(N_("Notes"), self.notes)
        f.add(N_("Source"), self.source)
        f.add(N_("Checked"), self.checked)
        self._names: list[tuple[QWidget, str]] = [
            (self.kind, N_("Kind")),
            (self.name, N_("Name or title")),
            (self.authority, N_("Authority")),
            (self.organisation, N_("Organisation")),
            (self.role, N_("Role")),
            (self.engagement, N_("Engagement")),
            (self.offers, N_("What they offer")),
            (self.street, N_("Street")),
            (self.postcode, N_("Postcode")),
            (self.town, N_("Town")),
            (self.district, N_("District")),
            (self.phone, N_("Phone")),
            (self.email, N_("E-mail")),
            (self.website, N_("Website")),
            (self.hours, N_("Opening hours")),
            (self.notes, N_("Notes")),
            (self.source, N_("Source")),
            (self.checked, N_("Checked")),
        ]
        self.kind.currentIndexChanged.connect(lambda _i: self._show_kind())
        self.finish()
        self._show_kind()

    # --- the kind's fields ----------------------------------------------------------------------------
    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def _show_kind(self) -> None:
        kind = self.current_kind()
        office, initiative, contact = (kind == k for k in directory.KINDS)
        rows: dict[QWidget, bool] = {
            self.authority: office,
            self.organisation: contact,
            self.role: contact,
            self.engagement: contact,
            self.category_box: initiative,
            self.offers: initiative,
            self.street: not contact,
            self.district: not contact,
            self.website: not contact,
            self.hours: not contact,
        }
        for widget, shown in rows.items():
            self.form.setRowVisible(widget, shown)
        self.postcode.setVisible(not contact)  # a contact person: the town only
        self._place_title()
        for key in ("postcode", "website"):
            if not getattr(self, key).isVisibleTo(self):
                self.checks.label(key).hide()
        self.adjustSize()

    def _place_title(self) -> None:
        contact = self.current_kind() == directory.CONTACT
        self.place_label.setText(_("Town") if contact else _("Postcode and town"))

    def first_field(self) -> QWidget:
        return self.name

    # --- checks ---------------------------------------------------------------------------------------
    def _name_problem(self) -> str:
        if self.name.text().strip():
            return ""
        return (
            _("Enter the person's name.")
            if self.current_kind() == directory.CONTACT
            else _("Enter the name of the office or initiative.")
        )

    def _problem(self, field: str, widget: QLineEdit):  # type: ignore[no-untyped-def]
        def check() -> str:
            text = widget.text().strip()
            if not text or not widget.isVisibleTo(self):
                return ""
            return directory.validate({"kind": self.current_kind(), "name": "-", field: text}).get(field, "")

        return check

    # --- texts ----------------------------------------------------------------------------------------
    def retranslate_texts(self) -> None:
        kind_titles = {
            directory.OFFICE: (N_("New office"), N_("Edit office")),
            directory.INITIATIVE: (N_("New initiative or association"), N_("Edit initiative or association")),
            directory.CONTACT: (N_("New contact person"), N_("Edit contact person")),
        }
        titles = kind_titles.get(self.record.kind if self.record else self.current_kind(), kind_titles["office"])
        self.setWindowTitle(_(titles[1] if self.record else titles[0]))
        for widget, title in self._names:
            widget.setAccessibleName(_(title))
        for i in range(self.kind.count()):
            self.kind.setItemText(i, _(DIRECTORY_KIND_LABELS[self.kind.itemData(i)]))
        self.authority.setItemText(0, _("(none)"))
        for i in range(1, self.authority.count()):
            self.authority.setItemText(i, cases.authority_label(self.authority.itemData(i)))
        self.organisation.setItemText(0, _("(none)"))
        for i in range(self.engagement.count()):
            self.engagement.setItemText(i, _(ENGAGEMENT_LABELS[self.engagement.itemData(i)]))
        for key, box in self.categories.items():
            box.setText(_(CATEGORY_LABELS[key]))
        self.role.setPlaceholderText(_("e.g. caseworker, counselling, coordinator"))
        self.offers.setPlaceholderText(_("What they offer, for whom, when"))
        self.postcode.setPlaceholderText(_("5 digits"))
        self.source.setPlaceholderText(_("Where these facts come from (website, leaflet, phone call)"))
        self._place_title()
        self.checked.setPlaceholderText(_("When the source was last checked (year or date)"))

    # --- record ---------------------------------------------------------------------------------------
    def load(self) -> None:
        r = self.record
        if r is None:
            if self._preset_organisation:
                self.organisation.setCurrentIndex(max(0, self.organisation.findData(self._preset_organisation)))
                town = next((t for i, _n, t in self._organisations if i == self._preset_organisation), "")
                self.town.setCurrentText(town)
            else:
                self.town.setCurrentText("")
            return
        self.name.setText(r.name)
        self.authority.setCurrentIndex(max(0, self.authority.findData(r.authority)))
        self.organisation.setCurrentIndex(max(0, self.organisation.findData(r.organisation_id)))
        self.role.setText(r.role)
        self.engagement.setCurrentIndex(max(0, self.engagement.findData(r.engagement)))
        chosen = set(keys_of(r.categories))
        for key, box in self.categories.items():
            box.setChecked(key in chosen)
        self.offers.setPlainText(r.offers)
        self.street.setText(r.street)
        self.postcode.setText(r.postcode)
        self.town.setCurrentText(r.town)
        self.district.setText(r.district)
        self.phone.setText(r.phone)
        self.email.setText(r.email)
        self.website.setText(r.website)
        self.hours.setPlainText(r.hours)
        self.notes.setPlainText(r.notes)
        self.source.setPlainText(r.source)
        self.checked.setText(r.checked)

    def snapshot(self) -> dict[str, object]:
        return self.values()

    def values(self) -> dict[str, Any]:
        """What the editor shows, as the core takes it (the fields of other kinds as they were)."""
        return {
            "kind": self.current_kind(),
            "name": self.name.text().strip(),
            "authority": self.authority.currentData() or "",
            "organisation": self.organisation.currentData(),
            "role": self.role.text().strip(),
            "engagement": self.engagement.currentData() or "",
            "categories": [k for k, box in self.categories.items() if box.isChecked()],
            "offers": self.offers.toPlainText().strip(),
            "street": self.street.text().strip(),
            "postcode": validation.normalise_postcode(self.postcode.text()),
            "town": self.town.currentText().strip(),
            "district": self.district.text().strip(),
            "phone": self.phone.text().strip(),
            "email": self.email.text().strip(),
            "website": self.website.text().strip(),
            "hours": self.hours.toPlainText().strip(),
            "notes": self.notes.toPlainText().strip(),
            "source": self.source.toPlainText().strip(),
            "checked": self.checked.text().strip(),
        }

    def write(self) -> None:
        values = self.values()
        self.written = values
        if self.record is None:
            self.record = directory.create(values)
            return
        changed = self.changed_keys()
        update = {k: v for k, v in values.items() if k in changed}
        if update:
            directory.update(self.record.id, update)
        self.record = DirectoryEntry.get_by_id(self.record.id)
