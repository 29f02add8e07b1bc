"""Tools › Conflicts: the fields two laptops changed from the same value, each waiting for a person to decide.

Per conflict the record, the field as the user knows it and every competing value with who set it, when and on
which laptop; "Keep this" on each value, "New value…" where the field is text, a date or a number (references
and choices are decided by keeping one of the values). A decision is a change that travels, so it closes the
conflict on every laptop that receives it.
"""

from __future__ import annotations

import datetime as dt
import json
from itertools import pairwise
from typing import Any

import peewee as pw
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core import appointments, cases, documents, people, validation
from desktop.core.errors import UserError
from desktop.core.store import changelog
from desktop.core.sync import conflicts
from desktop.core.sync.changes import models
from desktop.i18n import N_, _
from desktop.ui.appointment_editor import parse_time
from desktop.ui.common import (
    DialogButtons,
    LabelledForm,
    Retranslatable,
    VerticalScroll,
    error_label,
    is_plain_enter,
    plain_label,
    show_error,
)

#: Kinds of record the main window has an editor for (the inbox's "Open" button).
OPENABLE = ("person", "case", "appointment", "task")

#: Fields for which a new value can be typed: free text, dates and numbers. References, choices, yes/no and
#: what the program keeps for itself (form values, hashes, timeline keys) are decided by keeping a value.
EDITABLE: dict[str, frozenset[str]] = {
    "person": frozenset(people.FIELD_LABELS) | {"birth_date"},
    "volunteer": frozenset({"name", "phone", "email"}),
    "household": frozenset({"name", "notes"}),
    "case": frozenset(
        {
            "reference",
            "title",
            "authority",
            "notes",
            "opened_on",
            "closed_on",
            "letter_date",
            "period_end",
            "move_in",
            "decision_on",
        }
    ),
    "residence_document": frozenset({"number", "issued_on", "printed_until", "authority", "notes"}),
    "checklist_item": frozenset({"label", "notes", "submitted_on"}),
    "appointment": frozenset({"starts_at", "office", "address", "outcome", "purpose", "duration_min"}),
    "task": frozenset({"title", "due_date", "notes", "done_on", "basis"}),
    "note": frozenset({"text"}),
    "consent": frozenset({"signed_on", "valid_until", "withdrawn_on", "notes"}),
}

#: The longest part of a value the inbox shows (a long note is shown in full in its tooltip).
SHOWN_CHARS = 300

_NORMALISE = {
    "iban": validation.normalise_iban,
    "tax_id": validation.normalise_tax_id,
    "pension_no": validation.normalise_pension_no,
    "postcode": validation.normalise_postcode,
}


def field_of(conflict: conflicts.Conflict) -> pw.Field:
    return models()[conflict.record_type][1][conflict.field]


def editable(conflict: conflicts.Conflict) -> bool:
    """Whether a new value can be typed for the conflict's field (else one of its values is kept)."""
    return conflict.field in EDITABLE.get(conflict.record_type, frozenset())


def _current_values(conflict: conflicts.Conflict) -> dict[str, Any]:
    """The record's values as its validation reads them (references as ids)."""
    model, fields = models()[conflict.record_type]
    record = model.get_by_id(conflict.record_id)
    return {
        name: getattr(record, f.object_id_name if isinstance(f, pw.ForeignKeyField) else name)
        for name, f in fields.items()
    }


def record_problem(conflict: conflicts.Conflict, value: Any) -> str:
    """What the record's own rules say against ``value`` for the field ("" when it may be saved)."""
    merged = _current_values(conflict)
    merged[conflict.field] = value
    kind, name = conflict.record_type, conflict.field
    if kind == "person":
        errors = people.validate(merged)
        if name in people.NAME_KEYS and not people.has_name(merged):
            return errors.get("family_name", "")
        return errors.get(name, "")
    if kind == "task" and name == "title" and not str(value).strip() and not merged.get("step_key"):
        return _("Enter what is to be done.")
    if kind == "volunteer" and name == "name" and not str(value).strip():
        return _("Enter the volunteer's name.")
    check = {"case": cases.validate, "appointment": appointments.validate, "residence_document": documents.validate}
    if kind in check:
        return check[kind](merged).get(name, "")
    return ""


class ValueInput(QWidget):
    """The input that fits a field's type: a line for text, a longer box for notes, a date, a date and a
    time, or a number; ``read()`` gives the value to save or the problem with what was typed."""

    def __init__(self, conflict: conflicts.Conflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.field = field_of(conflict)
        self.time: QLineEdit | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        shown = conflict.values[0].value if conflict.values else None  # the value every laptop shows now
        if isinstance(self.field, pw.IntegerField):
            self.edit: QWidget = QSpinBox()
            self.edit.setRange(0, 1_000_000)
            self.edit.setValue(shown if isinstance(shown, int) else 0)
        elif isinstance(self.field, pw.DateTimeField):
            self.edit = QLineEdit()
            self.time = QLineEdit()
            self.time.setMaximumWidth(90)
            if isinstance(shown, str) and shown:
                moment = dt.datetime.fromisoformat(shown)
                self.edit.setText(i18n.fmt_date_german(moment.date()))
                self.time.setText(moment.strftime("%H:%M"))
        elif isinstance(self.field, pw.DateField):
            self.edit = QLineEdit()
            if isinstance(shown, str) and shown:
                self.edit.setText(i18n.fmt_date_german(dt.date.fromisoformat(shown)))
        elif isinstance(self.field, pw.TextField):
            self.edit = QPlainTextEdit()
            self.edit.setTabChangesFocus(True)
            self.edit.setPlainText(shown if isinstance(shown, str) else "")
            self.edit.setMinimumHeight(90)
        else:
            self.edit = QLineEdit(shown if isinstance(shown, str) else "")
        layout.addWidget(self.edit, 1)
        if self.time is not None:
            layout.addWidget(self.time)
        self.setFocusProxy(self.edit)
        self.retranslate()

    def retranslate(self) -> None:
        if isinstance(self.field, pw.DateField | pw.DateTimeField):
            self.edit.setPlaceholderText(_("DD.MM.YYYY"))  # type: ignore[attr-defined]
            self.edit.setAccessibleName(_("Date (DD.MM.YYYY)"))
        else:
            self.edit.setAccessibleName(self.conflict.field_text)
        if self.time is not None:
            self.time.setPlaceholderText(_("HH:MM"))
            self.time.setAccessibleName(_("Time (HH:MM)"))

    def read(self) -> tuple[Any, str]:
        """(the value in the form it travels, "") or (None, what is wrong with the input)."""
        if isinstance(self.edit, QSpinBox):
            return self._checked(self.edit.value())
        if isinstance(self.edit, QPlainTextEdit):
            return self._checked(self.edit.toPlainText().strip())
        text = self.edit.text().strip()  # type: ignore[attr-defined]
        if isinstance(self.field, pw.DateField | pw.DateTimeField):
            try:
                day = i18n.parse_date(text, past=self.conflict.field == "birth_date")
            except ValueError:
                return None, _("This is not a valid date (DD.MM.YYYY).")
            if self.time is not None:
                try:
                    time = parse_time(self.time.text())
                except ValueError:
                    return None, _("This is not a valid time (HH:MM).")
                if day is None or time is None:
                    return self._checked(None)
                return self._checked(dt.datetime.combine(day, time))
            return self._checked(day)
        if self.conflict.record_type == "person" and self.conflict.field in _NORMALISE and text:
            text = _NORMALISE[self.conflict.field](text)
        return self._checked(text)

    def _checked(self, value: Any) -> tuple[Any, str]:
        if value is None and not self.field.null:
            return None, _("Enter a value: this field cannot be empty.")
        problem = record_problem(self.conflict, value)
        if problem:
            return None, problem
        return json.loads(changelog.to_json(value)), ""


class NewValueDialog(Retranslatable, QDialog):
    """A value of one's own for a disputed field: checked like in the record's editor, then saved as the
    decision (it replaces every competing value, here and on every laptop that receives it)."""

    def __init__(self, conflict: conflicts.Conflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.setMinimumWidth(520)
        self.heading = plain_label(bold=True)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.now = plain_label()
        self.input = ValueInput(conflict)
        self.form = LabelledForm()
        self.field_label = self.form.add("", self.input)
        self.field_label.setBuddy(self.input.edit)
        self.error = error_label()
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Cancel, accept_text="")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.heading, self.explanation, self.now):
            layout.addWidget(widget)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.retranslate_ui()
        self.input.setFocus(Qt.FocusReason.OtherFocusReason)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("New value"))
        self.heading.setText(f"{self.conflict.record_text} · {self.conflict.field_text}")
        self.explanation.setText(
            _(
                "The value you enter replaces every value of this conflict, on this laptop and on every laptop "
                "that receives your next bundle."
            )
        )
        competing = "\n".join(f"• {v.text}" for v in self.conflict.values)
        self.now.setText(_("The laptops have:") + "\n" + competing)
        self.field_label.setText(_("New &value:"))
        self.input.retranslate()
        if self.buttons.accept_button is not None:
            self.buttons.accept_button.setText(_("&Save this value"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def save(self) -> None:
        """Check what was typed; a refusal is said under the field and nothing is resolved."""
        try:
            value, problem = self.input.read()
        except pw.DoesNotExist:  # the record went meanwhile (an erasure from another laptop)
            self._say(lambda: _("The record of this conflict no longer exists."))
            return
        if problem:
            self._say(lambda: self.input.read()[1])
            self.input.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        try:
            conflicts.resolve(self.conflict.id, value=value)
        except UserError as exc:
            self._say(str(exc))
            return
        self.accept()

    def _say(self, message: Any) -> None:
        """Show a refusal under the field; the dialog grows so that every line stays readable."""
        show_error(self.error, message)
        layout = self.layout()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else self.sizeHint().height()
        if needed > self.height():
            self.resize(self.width(), needed)


class ActionButton(QPushButton):
    """A button of the inbox: Space or Enter press it when it has the focus. It is never the dialog's default
    (Qt would make the first one default when the inbox opens, and Enter anywhere would decide a conflict)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoDefault(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if is_plain_enter(event):
            self.click()
            return
        super().keyPressEvent(event)


def _small() -> QLabel:
    """A grey label: the column headings of a card and the "shown now" mark."""
    label = QLabel()
    label.setStyleSheet("color: #5f6368;")  # grey, still readable
    return label


class ConflictCard(QFrame):
    """One conflict: the record and field, each competing value in a row with its Keep button, then
    New value… (where one can be typed) and Open (where the record has an editor)."""

    keep = Signal(str, str)  # conflict id, change id
    new_value = Signal(str)
    open_record = Signal(str)

    def __init__(self, conflict: conflicts.Conflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = plain_label(bold=True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        self.column_labels = [_small() for _column in range(4)]
        for column, label in enumerate(self.column_labels):
            grid.addWidget(label, 0, column)
        self.value_labels: dict[str, QLabel] = {}
        self.detail_labels: dict[str, tuple[QLabel, QLabel, QLabel]] = {}
        self.shown_marks: dict[str, QLabel] = {}
        self.keep_buttons: dict[str, QPushButton] = {}
        for row, value in enumerate(conflict.values, start=1):
            text = QLabel()
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown = _small()
            box = QVBoxLayout()
            box.setSpacing(0)
            box.addWidget(text)
            box.addWidget(shown)
            shown.setVisible(value.winner)
            grid.addLayout(box, row, 0)
            details = (QLabel(value.author_name or "–"), QLabel(), QLabel(value.device_name))
            for column, label in enumerate(details, start=1):  # names set again in retranslate()
                label.setTextFormat(Qt.TextFormat.PlainText)
                grid.addWidget(label, row, column)
            button = ActionButton()
            button.clicked.connect(lambda _c=False, change=value.change_id: self.keep.emit(conflict.id, change))
            grid.addWidget(button, row, 4)
            self.value_labels[value.change_id] = text
            self.detail_labels[value.change_id] = details
            self.shown_marks[value.change_id] = shown
            self.keep_buttons[value.change_id] = button
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.new_button: QPushButton | None = None
        self.open_button: QPushButton | None = None
        actions = QHBoxLayout()
        actions.addStretch(1)
        if editable(conflict):
            self.new_button = ActionButton()
            self.new_button.clicked.connect(lambda: self.new_value.emit(conflict.id))
            actions.addWidget(self.new_button)
        if conflict.record_type in OPENABLE:
            self.open_button = ActionButton()
            self.open_button.clicked.connect(lambda: self.open_record.emit(conflict.id))
            actions.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(grid)
        layout.addLayout(actions)
        self.retranslate()

    def buttons(self) -> list[QPushButton]:
        """The card's buttons in focus order."""
        found = list(self.keep_buttons.values())
        return found + [b for b in (self.new_button, self.open_button) if b is not None]

    def retranslate(self) -> None:
        c = self.conflict
        self.heading.setText(f"{c.record_text} · {c.field_text}")
        for label, title in zip(self.column_labels, (N_("Value"), N_("Who"), N_("When"), N_("Laptop")), strict=True):
            label.setText(_(title))
        for value in c.values:
            who, _when, laptop = self.detail_labels[value.change_id]
            who.setText(value.author_name or "–")
            laptop.setText(value.device_name)
            text = value.text
            label = self.value_labels[value.change_id]
            label.setText(text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…")
            label.setToolTip(text if len(text) > SHOWN_CHARS else "")
            self.shown_marks[value.change_id].setText(_("shown now"))
            self.detail_labels[value.change_id][1].setText(i18n.fmt_list_datetime(value.when))
            button = self.keep_buttons[value.change_id]
            button.setText(_("Keep this"))
            button.setAccessibleName(_("Keep this value: {value}").format(value=text[:80]))
        if self.new_button is not None:
            self.new_button.setText(_("New value…"))
            self.new_button.setToolTip(_("Enter a value of your own instead of the competing ones"))
        if self.open_button is not None:
            self.open_button.setText(_("Open record"))
            self.open_button.setToolTip(_("Open the record in its editor"))


class ConflictsDialog(Retranslatable, QDialog):
    """The conflict inbox (Tools › Conflicts…): one card per conflict; a decided one leaves the list and the
    others stay where they are."""

    #: A conflict was decided (the main window reads its data and the badge again).
    changed = Signal()
    #: (record type, record id): open the record in its editor.
    open_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(760, 420)
        self.resize(960, 600)
        self.cards: dict[str, ConflictCard] = {}
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.count = QLabel()
        self.body = QWidget()
        self.card_layout = QVBoxLayout(self.body)
        self.card_layout.addStretch(1)
        self.scroll: QScrollArea = VerticalScroll(self.body)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.close_box = DialogButtons(self, QDialogButtonBox.StandardButton.Close)
        self.close_box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.count)
        layout.addWidget(self.empty)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.close_box)
        self.load()
        self.retranslate_ui()
        self.scroll.setFocus(Qt.FocusReason.OtherFocusReason)  # Enter decides nothing by accident

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Conflicts"))
        self.intro.setText(
            _(
                "Two laptops changed these fields from the same value. Until someone decides, every laptop shows "
                "the value marked “shown now” and keeps the other here. Your decision reaches the other laptops "
                "with your next bundle."
            )
        )
        self.empty.setText(_("There is nothing to decide: no field was changed differently on two laptops."))
        self.scroll.setAccessibleName(_("Open conflicts"))
        # The record's and the laptop's names come from the core in the language of the moment: read again.
        fresh = {c.id: c for c in conflicts.open_conflicts()} if self.cards else {}
        for conflict_id, card in self.cards.items():
            card.conflict = fresh.get(conflict_id, card.conflict)
            card.retranslate()
        self._show_count()

    # --- the list ----------------------------------------------------------------------------------
    def load(self) -> None:
        """Read the open conflicts and show one card each (the scroll position and the focus are kept)."""
        position = self.scroll.verticalScrollBar().value()
        focused = self._focused_button()
        for card in self.cards.values():
            self.card_layout.removeWidget(card)
            card.deleteLater()
        self.cards = {}
        for conflict in conflicts.open_conflicts():
            card = ConflictCard(conflict)
            card.keep.connect(self.keep)
            card.new_value.connect(self.enter_new_value)
            card.open_record.connect(self.open_record)
            self.card_layout.insertWidget(self.card_layout.count() - 1, card)
            self.cards[conflict.id] = card
        self._show_count()
        self.scroll.verticalScrollBar().setValue(position)
        # Tab goes from the list through every card's buttons, top to bottom, then to Close.
        chain = [self.scroll, *(b for card in self.cards.values() for b in card.buttons()), *self.close_box.buttons()]
        for first, then in pairwise(chain):
            QWidget.setTabOrder(first, then)
        if focused is not None:  # the card that had it was built again, or decided meanwhile
            self._focus_again(*focused)

    def _focused_button(self) -> tuple[str, int] | None:
        """(conflict id, place of the button in its card) of the card button that has the focus, if any."""
        widget = self.focusWidget()
        for conflict_id, card in self.cards.items():
            buttons = card.buttons()
            if widget in buttons:
                return conflict_id, buttons.index(widget)
        return None

    def _focus_again(self, conflict_id: str, place: int) -> None:
        """After the cards were built again: the same button of the same conflict, else the first card's
        first button, else Close; never nothing."""
        card = self.cards.get(conflict_id)
        if card is not None:
            buttons = card.buttons()
            target = buttons[min(place, len(buttons) - 1)]
        elif self.cards:
            target = next(iter(self.cards.values())).buttons()[0]
        else:
            target = self.close_box.buttons()[0]
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_count(self) -> None:
        n = len(self.cards)
        self.count.setText(i18n.ngettext("{n} conflict to decide", "{n} conflicts to decide", n).format(n=n))
        self.count.setVisible(n > 0)
        self.intro.setVisible(n > 0)
        self.scroll.setVisible(n > 0)
        self.empty.setVisible(n == 0)

    def _decided(self, conflict_id: str) -> None:
        """The card leaves; the focus goes to the next card (else the one before, else Close)."""
        ids = list(self.cards)
        place = ids.index(conflict_id)
        card = self.cards.pop(conflict_id)
        following = ids[place + 1 :] + ids[:place][::-1]
        had_focus = card.isAncestorOf(self.focusWidget()) if self.focusWidget() else False
        card.hide()
        self.card_layout.removeWidget(card)
        card.deleteLater()
        self._show_count()
        if had_focus or not self.cards:
            target = self.cards[following[0]].buttons()[0] if following else self.close_box.buttons()[0]
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()

    def _refused(self, exc: UserError) -> None:
        QMessageBox.warning(self, _("Conflicts"), str(exc))
        self.load()  # decided meanwhile (an import), or gone: the list as it is now

    # --- actions -----------------------------------------------------------------------------------
    def keep(self, conflict_id: str, change_id: str) -> None:
        """Keep one of the competing values."""
        try:
            conflicts.resolve(conflict_id, keep=change_id)
        except UserError as exc:
            self._refused(exc)
            return
        self._decided(conflict_id)

    def enter_new_value(self, conflict_id: str) -> None:
        card = self.cards.get(conflict_id)
        if card is None:
            return
        dialog = NewValueDialog(card.conflict, self)
        decided = dialog.exec()
        # Back from the sub-dialog, the inbox takes the keys again (not every platform gives them back to it);
        # _decided then puts the focus on the next card, or on Close once the last one is gone.
        self.activateWindow()
        if decided:
            self._decided(conflict_id)

    def open_record(self, conflict_id: str) -> None:
        card = self.cards.get(conflict_id)
        if card is None:
            return
        self.open_requested.emit(card.conflict.record_type, card.conflict.record_id)
        self.load()  # an edit in the editor may have decided it
        self.changed.emit()
