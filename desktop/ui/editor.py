"""The base every editor stands on: what an editor is, once.

An editor is a dialog with a form of labelled rows that follow the language (LabelledForm), fields checked
as they are left with the message under them (FieldChecks), a line for a message that concerns no single
field, and Save/Cancel (DialogButtons: Enter saves, Esc asks before unsaved changes are thrown away, with
buttons named by what they do). Saving checks every field first and brings the first problem into view;
a refusal of the core is shown again in a new language; after a write the editor is clean and closes.

A subclass builds its rows into ``self.form`` (or its own body), then calls :meth:`finish`; it says what
the user sees (``snapshot``), how a record fills the fields (``load``), what is written (``write``) and its
texts (``retranslate_texts``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLayout, QVBoxLayout, QWidget

from desktop.core.errors import ValidationError
from desktop.i18n import _
from desktop.ui.common import (
    DialogButtons,
    FieldChecks,
    GuardedEditor,
    LabelledForm,
    Retranslatable,
    error_label,
    show_error,
)

SAVE_CANCEL = QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel


class EditorDialog(GuardedEditor, Retranslatable, QDialog):
    """Form, checks, message line, Save/Cancel and the save sequence of every editor (see the module)."""

    def __init__(self, parent: QWidget | None = None, *, form_is_body: bool = True) -> None:
        """``form_is_body``: the form is the editor's body (its fields belong to the dialog at once, so a
        tab order can be set before :meth:`finish`); otherwise the subclass passes its body to finish()."""
        super().__init__(parent)
        self.form = LabelledForm()
        self.checks = FieldChecks(self)
        self.error = error_label()
        self.buttons = DialogButtons(self, SAVE_CANCEL)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self._layout = QVBoxLayout(self)
        if form_is_body:
            self._layout.addLayout(self.form)

    def finish(self, body: QWidget | QLayout | None = None) -> None:
        """Lay out the body (when not the form), the message line and the buttons; fill the fields from the
        record, take that as the unchanged state, set the texts and put the focus in the first field."""
        if isinstance(body, QLayout):
            self._layout.addLayout(body)
        elif body is not None:
            self._layout.addWidget(body)
        self._layout.addWidget(self.error)
        self._layout.addWidget(self.buttons)
        self.load()
        self.mark_clean()
        self.retranslate_ui()
        self.first_field().setFocus(Qt.FocusReason.OtherFocusReason)

    # --- what a subclass says -------------------------------------------------------------------------
    def load(self) -> None:
        """Fill the fields from the record (nothing for a new one)."""

    def first_field(self) -> QWidget:
        """Where the focus starts: the first field that needs input."""
        raise NotImplementedError

    def write(self) -> None:
        """Write what the user changed (ValidationError when the core refuses it)."""
        raise NotImplementedError

    def retranslate_texts(self) -> None:
        """The editor's own texts in the UI language (the form's row labels are done already)."""

    #: The core's validation of what this editor writes (values -> problems by field), if it has one: a
    #: refusal is then said again from it in a new language. ``write`` keeps what it wrote in ``written``.
    core_validate: Callable[[dict[str, Any]], dict[str, str]] | None = None
    written: dict[str, Any] | None = None

    def refusal(self, exc: ValidationError) -> Callable[[], str]:
        """What to say when the core refuses a save, as a function so it follows a language switch."""
        field, message, values, validate = exc.field or "", str(exc), self.written, self.core_validate
        if validate is None or values is None:
            return lambda: message
        return lambda: validate(values).get(field) or message

    def after_save(self) -> None:
        """What follows a successful save before the editor closes (a warning, a hint)."""

    def check_fields(self) -> bool:
        """Check every field before a save, showing the problems; True when all are right."""
        return self.checks.check_all()

    def ready_to_write(self) -> bool:
        """A last question before writing (a likely duplicate); False stops the save."""
        return True

    # --- the same in every editor --------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.form.retranslate(_)
        self.retranslate_texts()

    def save(self) -> None:
        if not self.check_fields() or not self.ready_to_write():
            return
        try:
            self.write()
        except ValidationError as exc:
            show_error(self.error, self.refusal(exc))
            return
        show_error(self.error, "")
        self.mark_clean()
        self.after_save()
        self.accept()
