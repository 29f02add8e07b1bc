"""Forms: choose a template for a case or person, fill it in German and Ukrainian side by side, keep a
draft, preview the PDF from memory, print it or save it as PDF (every output is filed on the case)."""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core import consents, documents
from desktop.core.atomic import atomic_write_bytes
from desktop.core.errors import UserError, os_reason
from desktop.core.forms import binding, service
from desktop.core.forms.binding import Subject
from desktop.core.forms.templates import Field, Template
from desktop.core.reports import acroform
from desktop.core.store.models import FilledForm, Person, PrintedDocument
from desktop.i18n import N_, _
from desktop.ui.common import (
    ERROR_STYLE,
    GuardedEditor,
    Retranslatable,
    ask_open_file,
    ask_save_file,
    error_label,
    show_error,
)
from desktop.ui.consents_ui import ConsentNotice

#: The answers of a yes/no question, in both languages like the form's labels.
YES_DE_UK = "ja · так"
NO_DE_UK = "nein · ні"
DRAFT_SAVED = N_("Draft saved.")
FILED = N_("Filed on the case as printed today.")
#: Choice boxes show this many characters and elide the rest; their list opens as wide as it needs.
CHOICE_CHARS = 28


class YesNo(QWidget):
    """A yes/no question: nothing chosen until the user answers (an unanswered question is not "no")."""

    changed = Signal()

    def __init__(self, value: bool | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.yes, self.no = QRadioButton(YES_DE_UK), QRadioButton(NO_DE_UK)
        self.group = QButtonGroup(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.yes, self.no):
            self.group.addButton(button)
            layout.addWidget(button)
        layout.addStretch(1)
        if value is not None:
            (self.yes if value else self.no).setChecked(True)
        self.group.buttonToggled.connect(lambda _button, on: on and self.changed.emit())
        self.setFocusProxy(self.yes)

    def value(self) -> bool | None:
        if self.yes.isChecked():
            return True
        return False if self.no.isChecked() else None

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.yes.setAccessibleName(f"{name}: {YES_DE_UK}")
        self.no.setAccessibleName(f"{name}: {NO_DE_UK}")


class TemplatePicker(Retranslatable, QDialog):
    """The templates for this case or person, the case type's first; broken ones shown with their problem."""

    def __init__(self, subject: Subject, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.subject = subject
        self.setMinimumSize(820, 520)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.drafts = QListWidget()
        self.drafts.itemActivated.connect(lambda _item: self._resume())
        self.drafts_label = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 3)
        layout.addWidget(self.drafts_label)
        layout.addWidget(self.drafts, 1)
        layout.addWidget(self.buttons)
        self.chosen_draft: FilledForm | None = None
        self._fill()
        self.retranslate_ui()

    def _has_case_for(self, template: Template) -> bool:
        """Opened from a case: that case; opened from a person: an open case of theirs the template is for."""
        if self.subject.case_chosen:
            return self.subject.case is not None
        return binding.fitting_case(self.subject.person.id, template) is not None

    def _fill(self) -> None:
        lang = i18n.current_language()
        case_type = self.subject.case.case_type if self.subject.case else ""
        listed = service.templates()
        listed.sort(key=lambda t: (not t.valid, case_type not in t.case_types, t.title.get(lang).casefold()))
        for t in listed:
            if t.valid and t.needs == "case" and not self._has_case_for(t):
                continue
            item = QListWidgetItem(f"{t.title.get(lang)}  ·  {t.title.de}" if lang != "de" else t.title.de)
            item.setData(Qt.ItemDataRole.UserRole, t.id)
            if not t.valid:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setText(
                    _("{title} – cannot be used: {problem}").format(title=t.title.get(lang), problem=t.errors[0])
                )
                item.setToolTip("\n".join(t.errors))
            self.list.addItem(item)
        for i in range(self.list.count()):
            if self.list.item(i).flags() & Qt.ItemFlag.ItemIsEnabled:
                self.list.setCurrentRow(i)
                break
        titles = {t.id: t.title.get(lang) for t in listed}
        for draft in service.drafts(self.subject.person.id, self.subject.case.id if self.subject.case else None):
            item = QListWidgetItem(
                f"{titles.get(draft.template_id, draft.template_id)} – {i18n.fmt_datetime(draft.created_at)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, draft.id)
            self.drafts.addItem(item)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Fill in a form"))
        self.list.setAccessibleName(_("Form templates"))
        self.drafts_label.setText(_("Saved drafts (Enter resumes):"))
        self.drafts.setAccessibleName(_("Saved drafts"))

    def _resume(self) -> None:
        item = self.drafts.currentItem()
        if item is not None:
            self.chosen_draft = FilledForm.get_by_id(item.data(Qt.ItemDataRole.UserRole))
            self.accept()

    def chosen_template(self) -> str | None:
        if self.chosen_draft is not None:
            return self.chosen_draft.template_id
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item and item.flags() & Qt.ItemFlag.ItemIsEnabled else None


def parse_value(f: Field, text: str) -> Any:
    """A typed value from what the user wrote; dates in German or ISO form."""
    text = text.strip()
    if not text:
        return None
    if f.type == "date":
        from desktop.core.validation import parse_german_date

        try:
            return parse_german_date(text) or dt.date.fromisoformat(text)
        except ValueError:
            return text  # kept as written; the check says it is not a date
    return text


def show_value(f: Field, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, list):
        return "\n".join(getattr(v, "de", str(v)) for v in value)
    return str(value)


class FormEditor(GuardedEditor, Retranslatable, QDialog):
    """One template filled for one person (and case): labels in German and Ukrainian next to each other."""

    def __init__(
        self, template: Template, subject: Subject, draft: FilledForm | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.template, self.subject, self.draft = template, subject, draft
        self.setMinimumSize(900, 640)
        self.values = service.values_for(template, subject, draft)
        self.inputs: dict[str, QWidget] = {}
        self.rows: dict[str, list[QWidget]] = {}
        self.errors: dict[str, QLabel] = {}
        self.second_labels: dict[str, QLabel] = {}  # Ukrainian (and English in an English UI)
        self._notice: str | None = None  # the untranslated text of a green notice shown, if any
        body = QWidget()
        form = QVBoxLayout(body)
        form.setContentsMargins(6, 6, 14, 6)
        for section in template.sections:
            box = QGroupBox()  # the title is a wrapping label: a long bilingual title must not widen the form
            grid = QGridLayout(box)
            title = QLabel(f"<b>{escape(section.title.de)}</b> · {escape(section.title.uk or section.title.de)}")
            title.setWordWrap(True)
            grid.addWidget(title, 0, 0, 1, 3)
            grid.setColumnStretch(0, 2)
            grid.setColumnStretch(1, 2)
            grid.setColumnStretch(2, 3)
            for row, f in enumerate(section.fields):
                de = QLabel(f.label.de + (" *" if f.required else ""))
                uk = QLabel()  # its text follows the UI language (retranslate_ui)
                uk.setStyleSheet("color: #1f4e79;")
                self.second_labels[f.key] = uk
                for label in (de, uk):
                    label.setWordWrap(True)
                    label.setMinimumWidth(150)
                widget = self._input(f)
                if f.help:
                    widget.setToolTip(f"{f.help.de}\n{f.help.uk or f.help.de}")
                de.setBuddy(widget)
                error = error_label()
                grid.addWidget(de, row * 2 + 1, 0)
                grid.addWidget(uk, row * 2 + 1, 1)
                grid.addWidget(widget, row * 2 + 1, 2)
                grid.addWidget(error, row * 2 + 2, 2)
                self.rows[f.key] = [de, uk, widget, error]
                self.errors[f.key] = error
            form.addWidget(box)
        form.addStretch(1)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the fields shrink instead
        scroll.setWidget(body)
        self.heading = QLabel(f"<b>{template.title.de}</b> · {template.title.uk}")
        self.heading.setWordWrap(True)
        # Printing for a person without their consent (or Vollmacht for the office) is allowed, but said.
        self.consent_notice = ConsentNotice()
        self.consent_notice.show_warnings(consents.print_warnings(subject.person.id, template.id, template.authority))
        self.message = error_label()
        self.save_button = QPushButton()
        self.preview_button = QPushButton()
        self.print_button = QPushButton()
        self.pdf_button = QPushButton()
        self.blank_button = QPushButton()
        self.close_button = QPushButton()
        self.save_button.clicked.connect(self.save_draft)
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_document)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.blank_button.clicked.connect(self.choose_blank)
        self.close_button.clicked.connect(self.reject)
        self.blank_button.setVisible(template.kind == "acroform")
        buttons = QHBoxLayout()
        for button in (self.save_button, self.blank_button, self.preview_button, self.print_button, self.pdf_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.consent_notice)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._update_relevance()
        self.mark_clean()
        if draft is not None and draft.template_version != template.version:
            show_error(
                self.message,
                _(
                    "This draft was made with version {old} of the form; it is now version {new}. Please check "
                    "every field before you print."
                ).format(old=draft.template_version, new=template.version),
            )
        self.retranslate_ui()

    # --- inputs ---------------------------------------------------------------------------------------
    def _input(self, f: Field) -> QWidget:
        value = self.values.get(f.key)
        widget: QWidget
        if f.type == "bool":
            answer = YesNo(value if isinstance(value, bool) else None)
            answer.changed.connect(lambda key=f.key: self._changed(key))
            widget = answer
        elif f.type == "choice":
            combo = QComboBox()
            combo.addItem("", None)
            for choice in f.choices:
                text = f"{choice.label.de} · {choice.label.uk or choice.label.de}"
                combo.addItem(text, choice.value)
                combo.setItemData(combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
            # Long bilingual choices must not widen the form beyond the window: the box elides them and
            # its list opens as wide as the longest (up to the screen), with the whole text as tooltip.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(CHOICE_CHARS)
            combo.view().setMinimumWidth(min(combo.view().sizeHintForColumn(0) + 24, 900))
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.setToolTip(combo.currentText())
            combo.currentIndexChanged.connect(
                lambda _i, key=f.key, box=combo: (box.setToolTip(box.currentText()), self._changed(key))
            )
            widget = combo
        elif f.type == "multiline":
            edit = QPlainTextEdit(show_value(f, value))
            edit.setFixedHeight(24 * max(2, f.lines) + 8)
            edit.setTabChangesFocus(True)
            edit.textChanged.connect(lambda key=f.key: self._changed(key, check=False))
            widget = edit
        else:
            line = QLineEdit(show_value(f, value))
            line.editingFinished.connect(lambda key=f.key: self._changed(key))
            line.textEdited.connect(lambda _t, key=f.key: self._changed(key, check=False))
            widget = line
        widget.setAccessibleName(f"{f.label.de} / {f.label.uk or f.label.de}")
        self.inputs[f.key] = widget
        return widget

    def current_values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.template.fields():
            widget = self.inputs[f.key]
            if isinstance(widget, YesNo):
                out[f.key] = widget.value()
            elif isinstance(widget, QComboBox):
                out[f.key] = widget.currentData()
            elif isinstance(widget, QPlainTextEdit):
                out[f.key] = widget.toPlainText().strip() or None
            else:
                out[f.key] = parse_value(f, widget.text())  # type: ignore[attr-defined]
        return out

    def snapshot(self) -> dict[str, object]:
        return {k: show_value(self.template.field(k), v) for k, v in self.current_values().items()}  # type: ignore[arg-type]

    def _changed(self, key: str, check: bool = True) -> None:
        self._update_relevance()
        if check:
            problems = service.check(self.template, self.current_values())
            show_error(self.errors[key], problems.get(key, ""))

    def _update_relevance(self) -> None:
        values = self.current_values()
        for f in self.template.fields():
            visible = f.relevant is None or f.relevant.holds(values)
            for widget in self.rows[f.key][:3]:
                widget.setVisible(visible)
            if not visible:
                show_error(self.errors[f.key], "")

    @staticmethod
    def second_label(f: Field) -> str:
        """The Ukrainian label (the German one, marked, when it is missing), and the English one in an English UI."""
        text = f.label.uk or f"{f.label.de} (DE)"
        return f"{text}\n{f.label.en or f.label.de}" if i18n.current_language() == "en" else text

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Form: {title}").format(title=self.template.title.get(i18n.current_language())))
        for f in self.template.fields():
            self.second_labels[f.key].setText(self.second_label(f))
            widget = self.inputs[f.key]
            if f.type == "date" and isinstance(widget, QLineEdit):
                widget.setPlaceholderText(_("DD.MM.YYYY"))
        if self._notice:
            self.message.setText(_(self._notice))
        elif any(not label.isHidden() for label in self.errors.values()):
            self._checked_values()  # the problems shown again, in the new language
        self.save_button.setText(_("&Save draft"))
        self.preview_button.setText(_("Pre&view"))
        self.print_button.setText(_("&Print…"))
        self.pdf_button.setText(_("Save as P&DF…"))
        self.blank_button.setText(_("Choose &blank form…"))
        self.close_button.setText(_("Close"))

    # --- actions --------------------------------------------------------------------------------------
    def _checked_values(self) -> dict[str, Any] | None:
        self._notice = None
        values = self.current_values()
        problems = service.check(self.template, values)
        for key, label in self.errors.items():
            show_error(label, problems.get(key, ""))
        if problems:
            self._show_problem(_("Please correct the marked fields first."))
            first = self.inputs[next(iter(problems))]
            self.scroll.ensureWidgetVisible(first)
            first.setFocus()
            return None
        show_error(self.message, "")
        return values

    def save_draft(self) -> bool:
        values = self.current_values()
        self.draft = service.save_draft(self.template, self.subject, values, self.draft.id if self.draft else None)
        self.mark_clean()
        show_error(self.message, "")
        self._show_notice(DRAFT_SAVED)
        return True

    def pdf_bytes(self) -> bytes | None:
        values = self._checked_values()
        if values is None:
            return None
        try:
            return service.output(self.template, values, self.subject, i18n.current_language())
        except service.NotPrinted as exc:  # marked at its field, like any other problem
            for key, message in exc.problems.items():
                if key in self.errors:
                    show_error(self.errors[key], message)
            self._show_problem(str(exc))
            first = next((self.inputs[k] for k in exc.problems if k in self.inputs), None)
            if first is not None:
                self.scroll.ensureWidgetVisible(first)
                first.setFocus()
            return None
        except (UserError, acroform.BlankFormError) as exc:
            self._show_problem(str(exc))
            return None

    def preview(self) -> None:
        pdf = self.pdf_bytes()
        if pdf is not None:
            PreviewDialog(pdf, self.template.title.get(i18n.current_language()), self).exec()

    def print_document(self) -> None:
        pdf = self.pdf_bytes()
        if pdf is None:
            return
        printer = new_printer()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        print_pdf(pdf, printer)
        self._record(pdf, "print")

    def save_pdf(self) -> None:
        pdf = self.pdf_bytes()
        if pdf is None:
            return
        suggested = str(Path.home() / f"{self.template.id}-{dt.date.today():%Y-%m-%d}.pdf")
        name = ask_save_file(self, _("Save as PDF"), suggested, _("PDF documents (*.pdf)"))
        if not name:
            return
        try:
            atomic_write_bytes(Path(name), pdf)
        except OSError as exc:
            show_error(
                self.message,
                _("The file could not be written: {reason}").format(reason=os_reason(exc.errno, writing=True)),
            )
            return
        printed = self._record(pdf, "pdf")
        documents.remember_saved_file(printed.id, name)  # to open it again from the timelines

    def _record(self, pdf: bytes, how: str) -> PrintedDocument:
        if self.changed_keys():
            self.save_draft()
        printed = service.record_print(self.template, self.subject, pdf, how)
        self._show_notice(FILED)
        return printed

    def _show_problem(self, text: str) -> None:
        self._notice = None
        self.message.setStyleSheet(ERROR_STYLE)
        show_error(self.message, text)

    def _show_notice(self, text: str) -> None:
        self._notice = text
        self.message.setStyleSheet("color: #2e7d32;")
        self.message.setText(_(text))
        self.message.setVisible(True)

    def choose_blank(self) -> None:
        form = self.template.acroform.get("form", {})
        name = ask_open_file(
            self,
            _("Blank form “{name}” (edition {edition})").format(
                name=form.get("name", ""), edition=form.get("edition", "")
            ),
            str(Path.home()),
            _("PDF forms (*.pdf)"),
        )
        if not name:
            return
        try:
            _path, known = acroform.remember_blank(self.template, Path(name))
        except (OSError, acroform.BlankFormError) as exc:
            self._show_problem(str(exc))
            return
        if not known:
            QMessageBox.warning(
                self,
                _("Another edition"),
                _(
                    "This blank is not the edition {edition} the template was made for. Check every page of the "
                    "filled form before you hand it in."
                ).format(edition=form.get("edition", "")),
            )


#: Printing renders each page as an image at the printer's resolution, at most this (a 1200 dpi A4 page
#: would take half a gigabyte of memory; 300 dpi is sharp on paper and takes 35 MB).
PRINT_DPI = 300


def new_printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setResolution(min(printer.resolution(), PRINT_DPI))
    return printer


def pdf_document(pdf: bytes, parent: QObject | None = None) -> QPdfDocument:
    """A PDF loaded into QtPdf from memory (nothing is written to disk); the buffer lives with the document."""
    document = QPdfDocument(parent)
    buffer = QBuffer(document)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return document


def print_pdf(pdf: bytes, printer: QPrinter) -> None:
    """Print a PDF from memory: each page rendered at the printer's resolution (at most PRINT_DPI)."""
    document = pdf_document(pdf)
    painter = QPainter(printer)
    try:
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            target = painter.viewport()
            size = document.pagePointSize(page)
            scale = min(target.width() / size.width(), target.height() / size.height())
            image = document.render(page, QSize(int(size.width() * scale), int(size.height() * scale)))
            painter.drawImage(0, 0, image)
            del image  # one page in memory at a time
    finally:
        painter.end()
        document.close()


class PreviewDialog(Retranslatable, QDialog):
    """The PDF as it will print, from memory (nothing is written to disk)."""

    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.resize(820, 900)
        self.document = pdf_document(pdf, self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Preview: {title}").format(title=self.title))


def open_forms(subject: Subject, parent: QWidget | None = None) -> None:
    """Pick a template (or a draft) for this subject and fill it in."""
    picker = TemplatePicker(subject, parent)
    if not picker.exec():
        return
    template_id = picker.chosen_template()
    if not template_id:
        return
    try:
        template = service.template(template_id)
    except UserError as exc:
        QMessageBox.warning(parent, _("Fill in a form"), str(exc))
        return
    if picker.chosen_draft is not None and picker.chosen_draft.case_id:
        subject = binding.subject_for(case_id=picker.chosen_draft.case_id)
    elif not subject.case_chosen:  # opened from the person: the case this template is for
        subject = binding.subject_for(person_id=subject.person.id, template=template)
    if template.per_child and picker.chosen_draft is None:  # one Anlage KI per child: which one is this?
        chosen = choose_child(subject, parent)
        if chosen is False:
            return
        subject = binding.for_child(subject, chosen if isinstance(chosen, Person) else None)
    FormEditor(template, subject, picker.chosen_draft, parent).exec()


def choose_child(subject: Subject, parent: QWidget | None = None) -> Person | bool | None:
    """The child under 15 a per-child form (Anlage KI) is filled for: asked when there are several, the
    only one otherwise, None when the household has none (typed in by hand); False when cancelled."""
    children = binding.children_under_15(subject.person.id, subject.today)
    if len(children) < 2:
        return children[0] if children else None
    names = [
        " · ".join(x for x in (c.display_name(), i18n.fmt_date(c.birth_date) if c.birth_date else "") if x)
        for c in children
    ]
    name, ok = QInputDialog.getItem(
        parent, _("Which child?"), _("One form for each child under 15. This one is for:"), names, 0, False
    )
    return children[names.index(name)] if ok and name in names else False


#: The template the appointment checklist prints from (Ctrl+P on an appointment).
CHECKLIST_TEMPLATE = "termin-checkliste"


def print_appointment_checklist(appointment_id: str, parent: QWidget | None = None) -> bool:
    """Ctrl+P on an appointment: the print dialog for its "Was mitbringen" checklist (Enter prints)."""
    try:
        template = service.template(CHECKLIST_TEMPLATE)
    except UserError as exc:
        QMessageBox.warning(parent, _("Print checklist"), str(exc))
        return False
    subject = binding.subject_for_appointment(appointment_id)
    pdf = service.output(template, service.values_for(template, subject), subject, i18n.current_language())
    printer = new_printer()
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print checklist"))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    print_pdf(pdf, printer)
    service.record_print(template, subject, pdf, "print")
    return True
