"""Filling templates: checking values, drafts that travel, outputs, and the record of what was printed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING, Any

from desktop import paths
from desktop.core import audit, input_files, validation
from desktop.core.errors import UserError
from desktop.core.forms import binding
from desktop.core.forms.binding import ChecklistLine, Subject
from desktop.core.forms.templates import Template, bundled_dir, load_all, load_file
from desktop.core.forms.templates import get as get_template
from desktop.core.reports import render
from desktop.core.reports.pdf import LayoutError

if TYPE_CHECKING:
    from desktop.core.reports.acroform import Filled
from desktop.core.store import changelog
from desktop.core.store.models import FilledForm, PrintedDocument
from desktop.i18n import _


def templates() -> list[Template]:
    """Bundled templates and the profile's own (broken ones included, with their problems)."""
    return load_all(paths.templates_dir())


def template(template_id: str) -> Template:
    """One template by id, resolved as the list resolves it: a valid template of the profile's own with
    that id, else the bundled one (read directly by its file name), else a full scan that says what is wrong."""
    own = paths.templates_dir()
    if own.is_dir():
        for path in sorted(own.glob("*.yaml")) + sorted(own.glob("*.yml")):
            found = load_file(path, False)
            if found.id == template_id and found.valid:
                return found
    path = bundled_dir() / f"{template_id}.yaml"
    if path.is_file():
        found = load_file(path, True)
        if found.id == template_id and found.valid:
            return found
    return get_template(template_id, own)


def _plain(value: Any) -> Any:
    """A value as the draft stores it (JSON: dates as ISO text, checklist lines as their German text)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "\n".join(v.de if isinstance(v, ChecklistLine) else str(v) for v in value)
    return value


def _typed(template: Template, values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for f in template.fields():
        value = out.get(f.key)
        if f.type == "date" and isinstance(value, str) and value:
            try:
                out[f.key] = dt.date.fromisoformat(value[:10])
            except ValueError:
                pass
    return out


def check(template: Template, values: dict[str, Any]) -> dict[str, str]:
    """Problems of the values that apply (required, dates, identifiers): field key -> message."""
    problems: dict[str, str] = {}
    for f in render.relevant(template, values):
        value = values.get(f.key)
        empty = value is None or value == "" or (f.type == "bool" and value is False and f.required)
        if empty:
            if f.required:
                problems[f.key] = _("Please fill in this field.")
            continue
        text = value if isinstance(value, str) else ""
        message: str | None = None
        if f.type == "date" and isinstance(value, str):
            message = _("Not a date; please write it as DD.MM.YYYY.")
        elif f.type == "number" and not str(value).strip().lstrip("-").isdigit():
            message = _("Please write a whole number.")
        elif f.type == "money" and render.parse_money(value) is None:
            message = _("Please write an amount such as 1.200,50.")
        elif f.check in validation.FIELD_VALIDATORS and text:
            message = validation.FIELD_VALIDATORS[f.check](text)
        elif f.check in ("date_past", "date_future") and isinstance(value, dt.date):
            today = dt.date.today()
            if f.check == "date_past" and value > today:
                message = _("This date cannot be in the future.")
            if f.check == "date_future" and value < today:
                message = _("This date cannot be in the past.")
        if message:
            problems[f.key] = message
    for key, message in _nothing_chosen(template, values).items():
        problems.setdefault(key, message)
    return problems


def values_for(template: Template, subject: Subject, draft: FilledForm | None = None) -> dict[str, Any]:
    """What the form shows: the draft's values, else the profile's data."""
    saved = _typed(template, json.loads(draft.values)) if draft is not None else None
    return binding.prefill(template, subject, saved)


def drafts(person_id: str, case_id: str | None = None) -> list[FilledForm]:
    query = FilledForm.select().where((FilledForm.person == person_id) & ~FilledForm.deleted)
    if case_id:  # the case's drafts and the person's drafts made without a case
        query = query.where((FilledForm.case == case_id) | FilledForm.case.is_null())
    return list(query.order_by(FilledForm.created_at.desc()))


def save_draft(template: Template, subject: Subject, values: dict[str, Any], draft_id: str | None = None) -> FilledForm:
    """Keep the values through the change log (a new draft, or the changed fields of an existing one)."""
    stored = json.dumps({k: _plain(v) for k, v in values.items()}, ensure_ascii=False, sort_keys=True)
    if draft_id:
        changelog.update(FilledForm, draft_id, {"values": stored, "template_version": template.version})
        return FilledForm.get_by_id(draft_id)
    return changelog.create(
        FilledForm,
        {
            "person": subject.person.id,
            "case": subject.case.id if subject.case else None,
            "template_id": template.id,
            "template_version": template.version,
            "values": stored,
        },
    )


def applicable(template: Template, values: dict[str, Any]) -> dict[str, Any]:
    """The values with those of fields that do not apply (relevance) emptied: nothing hidden is printed."""
    shown = {f.key for f in render.relevant(template, values)}
    return {k: (v if k in shown else None) for k, v in values.items()}


class NotPrinted(UserError):
    """Values that must not be printed as they are; ``problems`` names the fields (key -> message)."""

    def __init__(self, message: str, problems: dict[str, str]) -> None:
        super().__init__(message)
        self.problems = problems


class TooLongForForm(NotPrinted):
    """Values that do not fit their boxes on an official form: nothing is printed (never cut off)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(_("A text does not fit its box on the official form; please shorten it."), problems)


def _nothing_chosen(template: Template, values: dict[str, Any]) -> dict[str, str]:
    """Sections whose yes/no questions need at least one "yes" (a Vollmacht's offices) and have none:
    first question's key -> message."""
    shown = {f.key for f in render.relevant(template, values)}
    problems: dict[str, str] = {}
    for section in template.sections:
        questions = [f for f in section.fields if f.type == "bool" and f.key in shown]
        if section.one_yes_required and questions and not any(values.get(f.key) is True for f in questions):
            problems[questions[0].key] = _("Answer “yes” to at least one of these.")
    return problems


def official(template: Template, values: dict[str, Any], blank: bytes | None = None) -> Filled:
    """An official form filled (fields that do not apply left empty), with what the caller should warn
    about; the blank kept in the profile when none is given. A blank that is not the form is refused, and
    so is a value that does not fit its box at a readable size (TooLongForForm names the fields)."""
    from desktop.core.reports import acroform  # pypdf only when an official form is filled

    form = template.acroform.get("form", {})
    if blank is None:
        path = acroform.stored_blank(template)
        if not path.exists():
            raise UserError(
                _("Choose the blank form “{name}” (edition {edition}) once; the app keeps a copy.").format(
                    name=form.get("name", template.title.de), edition=form.get("edition", "")
                )
            )
        blank = input_files.read_input(path, input_files.BLANK_PDF_BYTES)
    filled = acroform.fill(template, applicable(template, values), blank)
    mapped = len(template.acroform.get("fields") or {}) + len(template.acroform.get("checks") or {})
    if mapped and len(filled.missing_fields) >= mapped:
        raise acroform.BlankFormError(
            _("This blank is not the form “{name}”: none of its fields fit.").format(
                name=form.get("name", template.title.de)
            )
        )
    if filled.overflow:
        fields = template.acroform.get("fields") or {}
        raise TooLongForForm(
            {
                str(fields.get(name, name)): _(
                    "Too long for its box on the official form: about {count} characters fit; please shorten it."
                ).format(count=room)
                for name, room in filled.overflow.items()
            }
        )
    return filled


def output(
    template: Template, values: dict[str, Any], subject: Subject, ui_lang: str, blank: bytes | None = None
) -> bytes:
    """The PDF of a filled template (an official form needs its blank); fields that do not apply are empty."""
    if template.kind == "acroform":
        return official(template, values, blank).pdf
    missing = _nothing_chosen(template, values)
    if missing:  # a Vollmacht for no office would be a blank someone else could fill after signing
        raise NotPrinted(_("Nothing was printed: answer “yes” to at least one of the marked questions."), missing)
    try:
        return render.render(template, applicable(template, values), subject, ui_lang)
    except LayoutError as exc:
        raise UserError(_("A text is too long to fit on a page; please shorten it.")) from exc


def record_print(template: Template, subject: Subject, pdf: bytes, how: str) -> PrintedDocument:
    """File the printed or saved document on the case (or the person): template, version, hash, date;
    the audit log notes it."""
    printed = changelog.create(
        PrintedDocument,
        person=subject.person.id,
        case=subject.case.id if subject.case else None,
        template_id=template.id,
        template_version=template.version,
        sha256=hashlib.sha256(pdf).hexdigest(),
        printed_on=dt.date.today(),
        how=how,
    )
    audit.record("print", PrintedDocument.record_type, printed.id, detail=how)
    return printed
