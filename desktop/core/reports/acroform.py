"""Official fillable PDFs (AcroForm) filled with pypdf from a template's field map.

The blank form comes from the office's website; the user points the app to it once and the app keeps a
copy in the profile (``forms/``). Its SHA-256 is compared with the edition the template knows: another
edition is filled after a warning, and fields it lacks are reported. Hybrid forms (AcroForm + XFA, as the
Jobcenter's) lose their XFA part, and viewers are asked to draw the values (NeedAppearances), so values
show in every viewer.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import BooleanObject, NameObject, TextStringObject

from desktop import paths
from desktop.core import input_files
from desktop.core.atomic import atomic_write_bytes
from desktop.core.errors import UserError
from desktop.core.forms.templates import Condition, Template, as_text
from desktop.core.reports import textfit
from desktop.core.reports.render import german
from desktop.i18n import _


class BlankFormError(UserError):
    """The blank form cannot be used (message in the UI language)."""


@dataclass
class Filled:
    pdf: bytes
    other_edition: bool = False  # the blank's SHA-256 is not the one the template knows
    missing_fields: list[str] = field(default_factory=list)  # mapped fields the blank does not have
    #: Fields whose value does not fit at a readable size -> about how many characters fit there.
    overflow: dict[str, int] = field(default_factory=dict)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_blank(template: Template, profile: Path | None = None) -> Path:
    """Where the profile keeps the blank of this template's form."""
    name = template.acroform.get("form", {}).get("file") or f"{template.id}.pdf"
    return paths.profile_dir() / "forms" / Path(str(name)).name if profile is None else profile / "forms" / name


def remember_blank(template: Template, source: Path) -> tuple[Path, bool]:
    """Keep the blank the user chose in the profile; returns the copy and whether it is the known edition.

    The office's own download is kept as it is. Any other file may be a form someone already filled in:
    it is kept with every value removed, so no one's data lies in the profile folder unencrypted."""
    try:
        data = input_files.read_input(source, input_files.BLANK_PDF_BYTES)
    except input_files.InputRefused as exc:
        raise BlankFormError(str(exc)) from None
    try:
        reader = PdfReader(io.BytesIO(data))
    except Exception as exc:  # pypdf raises several kinds for a file that is no PDF
        raise BlankFormError(_("The file is not a readable PDF form.")) from exc
    known = sha256(data) == template.acroform.get("form", {}).get("sha256")
    if not known:
        writer = PdfWriter(clone_from=reader)
        _clear_values(writer)
        data = _written(writer)
    target = stored_blank(template)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(target, data)
    return target, known


def _written(writer: PdfWriter) -> bytes:
    """The PDF without the objects nothing refers to any more (a cleared field's old appearance, drawing
    the old text, would otherwise still be in the file)."""
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _clear_values(writer: PdfWriter) -> None:
    """Empty every field of the form, mapped or not: a blank that was filled in before (or the samples an
    office leaves in its download) must not carry anyone's data into this person's form."""
    root = writer._root_object
    if "/AcroForm" not in root:
        return

    def clear(node: Any, kind: Any) -> None:
        kind = node.get("/FT", kind)
        if "/V" in node:
            node[NameObject("/V")] = NameObject("/Off") if kind == "/Btn" else TextStringObject("")
        if node.get("/Subtype") == "/Widget":
            if "/AS" in node:
                node[NameObject("/AS")] = NameObject("/Off")
            if kind in ("/Tx", "/Ch") and "/AP" in node:
                del node["/AP"]  # the old text is drawn in it; viewers draw the empty value anew
        for kid in node.get("/Kids", []) or []:
            clear(kid.get_object(), kind)

    for top in root["/AcroForm"].get_object().get("/Fields", []) or []:
        clear(top.get_object(), None)


def _on_state(widget: Any) -> NameObject:
    """The name a checkbox widget uses for "checked" (/1, /Yes, /On, … anything but /Off)."""
    states = widget.get("/AP", {}).get("/N", {})
    for name in states:
        if name != "/Off":
            return NameObject(name)
    return NameObject("/Yes")


def _widgets(writer: PdfWriter) -> Iterator[tuple[Any, str, Any]]:
    """Every form widget of the document: (widget, its field's full name, the field that holds its value)."""
    for page in writer.pages:
        for ref in page.get("/Annots", []) or []:
            widget = ref.get_object()
            if widget.get("/Subtype") == "/Widget":
                target = widget if "/T" in widget else widget.get("/Parent").get_object()
                yield widget, _qualified(widget), target


def _qualified(annotation: Any) -> str:
    parts = []
    node = annotation
    while node is not None:
        name = node.get("/T")
        if name is not None:
            parts.append(str(name))
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return ".".join(reversed(parts))


def fill(template: Template, values: dict[str, Any], blank: bytes) -> Filled:
    """The blank form with the template's fields filled in (dates TT.MM.JJJJ, names as in the passport)."""
    try:
        reader = PdfReader(io.BytesIO(blank))
        writer = PdfWriter(clone_from=reader)
    except Exception as exc:
        raise BlankFormError(_("The blank form cannot be read as a PDF.")) from exc
    _clear_values(writer)
    acro = template.acroform
    text_values: dict[str, str] = {}
    for pdf_name, key in (acro.get("fields") or {}).items():
        f = template.field(key)
        if f is not None:  # every mapped field is written, empty ones too: nothing from another person stays
            text = german(f, values.get(key), latin=True)
            text_values[pdf_name] = text.replace(" ", "") if f.check == "iban" else text  # comb fields
    checks: dict[str, bool] = {}
    for pdf_name, raw in (acro.get("checks") or {}).items():
        cond = Condition(str(raw.get("field")), raw.get("equals"), raw.get("in"), bool(raw.get("not_empty", False)))
        checks[pdf_name] = cond.holds(values)
    radios: dict[str, str] = {}  # PDF radio field -> the state to select ("/Off": none)
    for pdf_name, raw in (acro.get("radios") or {}).items():
        states = {as_text(k): str(v) for k, v in (raw.get("states") or {}).items()}
        answer = values.get(str(raw.get("field")))
        radios[pdf_name] = states.get(as_text(answer), "/Off") if answer is not None else "/Off"
    present: set[str] = set()
    for widget, name, target in _widgets(writer):
        if name in text_values:
            present.add(name)
            target[NameObject("/V")] = TextStringObject(text_values[name])
        elif name in checks:
            present.add(name)
            state = _on_state(widget) if checks[name] else NameObject("/Off")
            target[NameObject("/V")] = state
            widget[NameObject("/AS")] = state
        elif name in radios:  # one field, one widget per answer: only the chosen answer's widget is on
            present.add(name)
            wanted = radios[name]
            mine = wanted in widget.get("/AP", {}).get("/N", {})
            widget[NameObject("/AS")] = NameObject(wanted if mine else "/Off")
            target[NameObject("/V")] = NameObject(wanted)
    root = writer._root_object
    if "/Perms" in root:
        del root["/Perms"]  # the office's Reader-rights signature no longer fits a filled copy
    overflow: dict[str, int] = {}
    if "/AcroForm" in root:
        form = root["/AcroForm"].get_object()
        if "/XFA" in form:
            del form["/XFA"]  # else XFA-aware viewers show the empty XFA layer
        overflow = _appearances(writer, form, text_values)
        # Viewers that draw fields themselves do so; the others show the appearances drawn above.
        form[NameObject("/NeedAppearances")] = BooleanObject(True)
    writer.add_metadata({"/Title": f"{template.title.de} – {template.title.uk}", "/Creator": "Begleiter"})
    pdf = _written(writer)
    wanted = set(text_values) | set(checks) | set(radios)
    return Filled(
        pdf,
        other_edition=sha256(blank) != acro.get("form", {}).get("sha256"),
        missing_fields=sorted(wanted - present),
        overflow=overflow,
    )


def _appearances(writer: PdfWriter, form: Any, text_values: dict[str, str]) -> dict[str, int]:
    """Draw every text field's value into its appearance stream, wrapped in multiline fields and set
    smaller where it needs to (textfit); returns the fields whose value does not fit even at the smallest
    readable size, with about how many characters fit there. Such a form is not printed (see service)."""
    overflow: dict[str, int] = {}
    drawn: dict[str, tuple[str, str, float]] = {}
    originals: dict[str, tuple[Any, str]] = {}
    for widget, name, target in _widgets(writer):
        if name not in text_values:
            continue
        text = text_values[name]
        if not text:
            drawn[name] = ("", "", 0)
            continue
        fitted = textfit.fit(widget, form, text)
        if not fitted.fits:
            overflow[name] = fitted.room
        _font, size, da = textfit.default_appearance(widget, form)
        if fitted.size != size:  # viewers that draw the field themselves use the same size
            widget[NameObject("/DA")] = TextStringObject(textfit.with_size(da, fitted.size))
        drawn[name] = ("\n".join(fitted.lines) if fitted.multiline else text, "", fitted.size)
        originals[name] = (target, text)
    if drawn:
        # pypdf draws the lines as given (it wraps only fields whose size is automatic); NeedAppearances is
        # left alone here (auto_regenerate=None) and set by the caller.
        writer.update_page_form_field_values(None, drawn, auto_regenerate=None)
    for target, text in originals.values():
        target[NameObject("/V")] = TextStringObject(text)  # the value is the text, not the wrapped lines
    return overflow


def read_values(pdf: bytes) -> dict[str, Any]:
    """Field name -> value of a filled form (for checks and tests)."""
    reader = PdfReader(io.BytesIO(pdf))
    return {name: f.get("/V") for name, f in (reader.get_fields() or {}).items()}
