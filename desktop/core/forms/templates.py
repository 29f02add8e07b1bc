"""Form templates: declarative YAML files, checked when loaded (docs/templates.md describes the format).

Bundled templates live in ``resources/templates/``; an organisation adds its own in the profile's
``templates/`` folder (same format; a profile template with the id of a bundled one replaces it). A
template with a problem (missing translation, unknown binding, bad choice, unknown PDF field, ...) is
listed with its problems and can be neither filled nor printed; it never stops the others from loading.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from desktop import paths
from desktop.core import atomic
from desktop.core.errors import UserError
from desktop.i18n import _

KINDS = ("worksheet", "letter", "checklist", "acroform")
FIELD_TYPES = ("text", "multiline", "date", "choice", "bool", "number", "money")
CHECKS = ("iban", "tax_id", "pension_no", "postcode", "phone", "email", "date_past", "date_future")
LANGS = ("de", "uk", "en")
NEEDS = ("person", "case")
SIGNERS = ("client", "applicant", "principal", "consenting", "objector", "volunteer", "receipt")

#: What a field can be prefilled from (``bind``); see binding.py.
BINDINGS = (
    "person.family_name",
    "person.given_name",
    "person.family_name_cyr",
    "person.given_name_cyr",
    "person.patronymic",
    "person.birth_date",
    "person.birth_place",
    "person.nationality",
    "person.phone",
    "person.email",
    "person.street",
    "person.postcode",
    "person.city",
    "person.address",
    "person.jobcenter_customer_no",
    "person.bg_number",
    "person.abh_file_no",
    "person.tax_id",
    "person.pension_no",
    "person.health_insurer",
    "person.insurance_no",
    "person.iban",
    "person.residence_document",
    "person.residence_valid_until",
    "household.members",
    "household.children",
    "household.size",
    "case.reference",
    "case.title",
    "case.authority",
    "case.authority_address",
    "case.authority_street",
    "case.authority_town",
    "case.letter_date",
    "case.period_end",
    "case.move_in",
    "case.opened_on",
    "case.checklist",
    "case.next_appointment",
    "case.next_appointment_date",
    "case.next_appointment_place",
    "child.family_name",
    "child.given_name",
    "child.birth_date",
    "child.birth_place",
    "child.nationality",
    "child.pension_no",
    "volunteer.name",
    "volunteer.phone",
    "volunteer.email",
    "today",
)

#: The keys each part of a template may have; anything else is a problem (a misspelt "requried:" would
#: otherwise be ignored in silence).
TEMPLATE_KEYS = (
    "id",
    "version",
    "edition",
    "source",
    "kind",
    "authority",
    "needs",
    "case_types",
    "title",
    "help",
    "signatures",
    "sections",
    "letter",
    "checklist",
    "acroform",
)
SECTION_KEYS = ("key", "title", "one_yes_required", "fields")
FIELD_KEYS = ("key", "type", "label", "help", "required", "bind", "check", "choices", "relevant", "lines")
CHOICE_KEYS = ("value", "label")
CONDITION_KEYS = ("field", "equals", "in", "not_empty")
LETTER_KEYS = ("to", "subject", "body", "explanation")
CHECKLIST_KEYS = ("from_case", "items")
ACROFORM_KEYS = ("form", "pdf_fields", "fields", "checks", "radios")
FORM_KEYS = ("name", "edition", "sha256", "file")
RADIO_KEYS = ("field", "states")

#: Versions are stored with drafts and prints (an SQLite integer); far more than any template reaches.
MAX_VERSION = 999_999
#: Height of a multiline field, in lines.
MAX_LINES = 40
#: Longest whole number a template may hold (YAML integers longer than this are kept as their text, so a
#: number of thousands of digits is a problem of its template, not an error of Python's int conversion).
_MAX_DIGITS = 18

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
#: ``{yes:section}``: the section's yes/no questions answered "yes", one per line (a Vollmacht's offices).
_YES_LIST = re.compile(r"\{yes:([a-z][a-z0-9_]*)\}")


class TemplateError(UserError):
    """A problem in a template file (message in the UI language)."""


@dataclass
class Text:
    """A text in German, Ukrainian and English; a missing Ukrainian or English one falls back to German."""

    de: str
    uk: str = ""
    en: str = ""

    def get(self, lang: str) -> str:
        return getattr(self, lang, "") or self.de

    def missing(self, lang: str) -> bool:
        return not getattr(self, lang, "")


@dataclass
class Choice:
    value: str
    label: Text


@dataclass
class Condition:
    field: str
    equals: Any = None
    within: list[Any] | None = None
    not_empty: bool = False

    def holds(self, values: dict[str, Any]) -> bool:
        """Choice values are text (a YAML 2 or true in a condition means the choice "2" or "true")."""
        value = values.get(self.field)
        if self.not_empty:
            return value not in (None, "", False, [])
        if value is None:
            return False
        if self.within is not None:
            return as_text(value) in {as_text(v) for v in self.within}
        return as_text(value) == as_text(self.equals)


def as_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


@dataclass
class Field:
    key: str
    type: str
    label: Text
    help: Text | None = None
    required: bool = False
    bind: str | None = None
    check: str | None = None
    choices: list[Choice] = field(default_factory=list)
    relevant: Condition | None = None
    lines: int = 1

    def choice_label(self, value: Any, lang: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label.get(lang)
        return "" if value is None else str(value)


@dataclass
class Section:
    key: str
    title: Text
    fields: list[Field]
    #: At least one of the section's yes/no questions must be answered "yes" (a Vollmacht's scope).
    one_yes_required: bool = False


@dataclass
class Template:
    id: str
    version: int
    kind: str
    title: Text
    path: Path
    edition: str = ""
    source: str = ""
    authority: str = ""
    needs: str = "person"
    case_types: list[str] = field(default_factory=list)
    help: Text | None = None
    sections: list[Section] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    letter: dict[str, Any] = field(default_factory=dict)
    checklist: dict[str, Any] = field(default_factory=dict)
    acroform: dict[str, Any] = field(default_factory=dict)
    bundled: bool = True
    errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def fields(self) -> list[Field]:
        return [f for s in self.sections for f in s.fields]

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields() if f.key == key), None)

    @property
    def per_child(self) -> bool:
        """Filled once for each child under 15 of the household (its fields are bound to ``child.…``)."""
        return any((f.bind or "").startswith("child.") for f in self.fields())


# --- reading ---------------------------------------------------------------------------------------------


def _text(raw: Any, where: str, errors: list[str], *, required: bool = True) -> Text | None:
    if raw is None:
        if required:
            errors.append(_("{where}: text missing").format(where=where))
        return None
    if isinstance(raw, str):
        errors.append(_("{where}: needs German, Ukrainian and English (de, uk, en)").format(where=where))
        return Text(raw)
    if isinstance(raw, dict):
        _unknown_keys(raw, LANGS, where, errors)
    if not isinstance(raw, dict) or not raw.get("de"):
        errors.append(_("{where}: the German text (de) is missing").format(where=where))
        return Text(str(raw.get("uk", "")) if isinstance(raw, dict) else "")
    for lang in ("uk", "en"):
        if not raw.get(lang):
            errors.append(_("{where}: the translation ({lang}) is missing").format(where=where, lang=lang))
    return Text(str(raw["de"]), str(raw.get("uk") or ""), str(raw.get("en") or ""))


def _unknown_keys(raw: dict[Any, Any], known: tuple[str, ...], where: str | None, errors: list[str]) -> None:
    """A problem for every key of ``raw`` that is not one of ``known``, naming a close known key if any."""
    for key in raw:
        name = str(key)
        if name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        if close and where:
            message = _("{where}: unknown key {key} (did you mean {known}?)")
        elif close:
            message = _("unknown key {key} (did you mean {known}?)")
        elif where:
            message = _("{where}: unknown key {key}")
        else:
            message = _("unknown key {key}")
        errors.append(message.format(where=where, key=name, known=close[0] if close else ""))


def _whole_number(raw: Any, lowest: int, highest: int) -> int | None:
    """``raw`` as a whole number from ``lowest`` to ``highest`` (digits in quotes too), else None."""
    if isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) <= _MAX_DIGITS:
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not lowest <= raw <= highest:
        return None
    return raw


def _condition(raw: Any, where: str, errors: list[str]) -> Condition | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or "field" not in raw:
        errors.append(_("{where}: a condition needs 'field'").format(where=where))
        return None
    _unknown_keys(raw, CONDITION_KEYS, where, errors)
    within = raw.get("in")
    if within is not None and not isinstance(within, list):
        errors.append(_("{where}: 'in' must be a list").format(where=where))
        within = None
    return Condition(str(raw["field"]), raw.get("equals"), within, bool(raw.get("not_empty", False)))


def _field(raw: Any, where: str, errors: list[str]) -> Field | None:
    if not isinstance(raw, dict):
        errors.append(_("{where}: not a field").format(where=where))
        return None
    key = str(raw.get("key", ""))
    where = f"{where} {key}" if key else where
    if not _KEY.match(key):
        errors.append(_("{where}: the key must be lower case letters, digits and _").format(where=where))
    _unknown_keys(raw, FIELD_KEYS, where, errors)
    kind = raw.get("type", "text")
    if kind not in FIELD_TYPES:
        errors.append(_("{where}: unknown type {type}").format(where=where, type=kind))
    bind = raw.get("bind")
    if bind is not None and bind not in BINDINGS:
        errors.append(_("{where}: unknown binding {bind}").format(where=where, bind=bind))
    check = raw.get("check")
    if check is not None and check not in CHECKS:
        errors.append(_("{where}: unknown check {check}").format(where=where, check=check))
    choices = []
    for n, item in enumerate(raw.get("choices") or []):
        if not isinstance(item, dict) or "value" not in item:
            errors.append(_("{where}: choice {n} needs a value and a label").format(where=where, n=n + 1))
            continue
        _unknown_keys(item, CHOICE_KEYS, f"{where} [{item['value']}]", errors)
        label = _text(item.get("label"), f"{where} [{item['value']}]", errors) or Text(str(item["value"]))
        choices.append(Choice(as_text(item["value"]), label))
    if kind == "choice" and not choices:
        errors.append(_("{where}: a choice field needs choices").format(where=where))
    values = [c.value for c in choices]
    if len(values) != len(set(values)):
        errors.append(_("{where}: two choices have the same value").format(where=where))
    label = _text(raw.get("label"), where, errors) or Text(key)
    lines = _whole_number(raw.get("lines", 3 if kind == "multiline" else 1), 1, MAX_LINES)
    if lines is None:
        errors.append(
            _("{where}: lines must be a whole number from 1 to {highest}").format(where=where, highest=MAX_LINES)
        )
        lines = 1
    return Field(
        key=key,
        type=kind,
        label=label,
        help=_text(raw.get("help"), f"{where} (help)", errors, required=False),
        required=bool(raw.get("required", False)),
        bind=bind,
        check=check,
        choices=choices,
        relevant=_condition(raw.get("relevant"), where, errors),
        lines=lines,
    )


def _check_references(template: Template, errors: list[str]) -> None:
    keys = [f.key for f in template.fields()]
    if len(keys) != len(set(keys)):
        errors.append(_("two fields have the same key"))
    by_key = {f.key: f for f in template.fields()}
    for f in template.fields():
        cond = f.relevant
        if cond is None:
            continue
        target = by_key.get(cond.field)
        if target is None:
            errors.append(
                _("{field}: the condition names an unknown field {other}").format(field=f.key, other=cond.field)
            )
            continue
        wanted = cond.within if cond.within is not None else ([cond.equals] if cond.equals is not None else [])
        allowed = {c.value for c in target.choices}
        if target.type == "choice" and any(as_text(v) not in allowed for v in wanted):
            errors.append(
                _("{field}: the condition uses a value {other} does not offer").format(field=f.key, other=cond.field)
            )
    texts: list[tuple[str, str]] = []
    letter = template.letter
    for part in ("subject", "body"):
        raw = letter.get(part)
        if isinstance(raw, dict):
            texts += [(f"letter.{part}", str(v)) for v in raw.values()]
    explanation = letter.get("explanation")
    if isinstance(explanation, dict):
        texts += [("letter.explanation", str(v)) for v in explanation.values()]
    with_questions = {s.key for s in template.sections if any(f.type == "bool" for f in s.fields)}
    for where, text in texts:
        for name in _PLACEHOLDER.findall(text):
            if name not in by_key:
                errors.append(_("{where}: unknown placeholder {{{name}}}").format(where=where, name=name))
        for name in _YES_LIST.findall(text):
            if name not in with_questions:
                errors.append(
                    _("{where}: {{yes:{name}}} names no section with yes/no questions").format(where=where, name=name)
                )


def parse(data: Any, path: Path, bundled: bool = True) -> Template:
    """A template from the parsed YAML of ``path``; problems are collected in ``errors``, never raised."""
    errors: list[str] = []
    if not isinstance(data, dict):
        return Template(path.stem, 0, "worksheet", Text(path.stem), path, bundled=bundled, errors=[_("not a template")])
    template_id = str(data.get("id", ""))
    if not _ID.match(template_id):
        errors.append(_("the id must be lower case letters, digits and -"))
        template_id = template_id or path.stem
    _unknown_keys(data, TEMPLATE_KEYS, None, errors)
    version = _whole_number(data.get("version"), 1, MAX_VERSION)
    if version is None:
        errors.append(_("the version must be a whole number from 1 to {highest}").format(highest=MAX_VERSION))
        version = 0
    kind = data.get("kind")
    if kind not in KINDS:
        errors.append(_("the kind must be one of {kinds}").format(kinds=", ".join(KINDS)))
        kind = "worksheet"
    needs = data.get("needs", "person")
    if needs not in NEEDS:
        errors.append(_("'needs' must be person or case"))
        needs = "person"
    title = _text(data.get("title"), "title", errors) or Text(template_id)
    sections = []
    for n, raw in enumerate(data.get("sections") or []):
        where = _("section {n}").format(n=n + 1)
        if not isinstance(raw, dict):
            errors.append(_("{where}: not a section").format(where=where))
            continue
        _unknown_keys(raw, SECTION_KEYS, where, errors)
        fields = [f for i, r in enumerate(raw.get("fields") or []) if (f := _field(r, f"{where}/{i + 1}", errors))]
        if raw.get("one_yes_required") and not any(f.type == "bool" for f in fields):
            errors.append(_("{where}: one_yes_required needs yes/no fields").format(where=where))
        sections.append(
            Section(
                str(raw.get("key", f"s{n + 1}")),
                _text(raw.get("title"), where, errors) or Text(""),
                fields,
                one_yes_required=bool(raw.get("one_yes_required", False)),
            )
        )
    signatures = [str(s) for s in data.get("signatures") or []]
    for signer in signatures:
        if signer not in SIGNERS:
            errors.append(_("unknown signature line {signer}").format(signer=signer))
    template = Template(
        id=template_id,
        version=version,
        kind=kind,
        title=title,
        path=path,
        edition=str(data.get("edition", "")),
        source=str(data.get("source", "")),
        authority=str(data.get("authority", "")),
        needs=needs,
        case_types=[str(c) for c in data.get("case_types") or []],
        help=_text(data.get("help"), "help", errors, required=False),
        sections=sections,
        signatures=signatures,
        letter=dict(data.get("letter") or {}),
        checklist=dict(data.get("checklist") or {}),
        acroform=dict(data.get("acroform") or {}),
        bundled=bundled,
    )
    _check_parts(template, errors)
    if kind == "letter":
        for part in ("subject", "body"):  # the letter itself is German
            raw = template.letter.get(part)
            if not isinstance(raw, dict) or not raw.get("de"):
                errors.append(_("letter.{part} needs the German text (de)").format(part=part))
        explanation = template.letter.get("explanation")
        if not isinstance(explanation, dict) or not explanation.get("uk"):
            errors.append(_("letter.explanation needs the Ukrainian explanation for the client (uk)"))
    if kind == "acroform":
        _check_acroform(template, errors)
    if kind != "checklist" and not template.fields():
        errors.append(_("the template has no fields"))
    _check_references(template, errors)
    template.errors = errors
    return template


def _check_parts(template: Template, errors: list[str]) -> None:
    """Unknown keys in the letter, checklist and official-form parts."""
    _unknown_keys(template.letter, LETTER_KEYS, "letter", errors)
    for part in ("subject", "body", "explanation"):
        if isinstance(raw := template.letter.get(part), dict):
            _unknown_keys(raw, LANGS, f"letter.{part}", errors)
    _unknown_keys(template.checklist, CHECKLIST_KEYS, "checklist", errors)
    _unknown_keys(template.acroform, ACROFORM_KEYS, "acroform", errors)
    if isinstance(form := template.acroform.get("form"), dict):
        _unknown_keys(form, FORM_KEYS, "acroform.form", errors)
    for group, known in (("radios", RADIO_KEYS), ("checks", CONDITION_KEYS)):
        entries = template.acroform.get(group)
        for pdf_name, entry in entries.items() if isinstance(entries, dict) else ():
            if isinstance(entry, dict):
                _unknown_keys(entry, known, f"acroform.{group} {pdf_name}", errors)


def _check_acroform(template: Template, errors: list[str]) -> None:
    form = template.acroform.get("form")
    if not isinstance(form, dict) or not form.get("sha256") or not form.get("edition"):
        errors.append(_("acroform.form needs the edition and the SHA-256 of the blank form"))
    fields = template.acroform.get("fields") or {}
    known = set(template.acroform.get("pdf_fields") or [])
    keys = {f.key for f in template.fields()}
    if not fields:
        errors.append(_("acroform.fields maps no PDF field"))
    for pdf_name, source in fields.items():
        if known and pdf_name not in known:
            errors.append(_("unknown PDF field {name}").format(name=pdf_name))
        if source not in keys:
            errors.append(_("PDF field {name}: unknown template field {field}").format(name=pdf_name, field=source))
    for pdf_name, radio in (template.acroform.get("radios") or {}).items():
        if known and pdf_name not in known:
            errors.append(_("unknown PDF field {name}").format(name=pdf_name))
        target = template.field(str(radio.get("field"))) if isinstance(radio, dict) else None
        states = radio.get("states") if isinstance(radio, dict) else None
        if target is None or not isinstance(states, dict) or not states:
            errors.append(
                _("PDF field {name}: a radio group needs a template field and its states").format(name=pdf_name)
            )
        elif target.type == "choice" and any(as_text(v) not in {c.value for c in target.choices} for v in states):
            errors.append(_("PDF field {name}: a state names a value the field does not offer").format(name=pdf_name))
    for pdf_name, cond in (template.acroform.get("checks") or {}).items():
        if known and pdf_name not in known:
            errors.append(_("unknown PDF field {name}").format(name=pdf_name))
        if not isinstance(cond, dict) or cond.get("field") not in keys:
            errors.append(_("PDF field {name}: the condition names no template field").format(name=pdf_name))


@cache
def _yaml_loader() -> Any:
    """PyYAML's safe loader where only true/false are booleans: "no" (a label), "yes", "on", "off" stay
    text; libyaml's parser where PyYAML was built with it (a long template loads in 10 ms instead of 70 ms).
    Imported when a template is parsed, not when one comes from the cache."""
    import yaml

    safe = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(safe):  # type: ignore[misc,valid-type]
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in safe.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )

    def construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | str:
        """A YAML integer; one too long for a template (thousands of digits) stays text, so that its check
        reports it instead of Python refusing to convert it and the whole file failing to load."""
        text = loader.construct_scalar(node)
        if sum(c.isalnum() for c in str(text)) > _MAX_DIGITS:
            return str(text)
        return int(yaml.constructor.SafeConstructor.construct_yaml_int(loader, node))

    Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    return Loader


#: Raise when what the loader makes of a file changes: every cached template is then parsed again.
_CACHE_VERSION = 1


def _cache_file(path: Path) -> Path | None:
    """Where the parsed form of a template file is kept: the open profile's cache folder, one file per
    template file (None where there is no such folder)."""
    folder = paths.cache_dir()
    if not folder.is_dir():
        return None
    return folder / f"template-{hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]}.json"


def _parsed(path: Path) -> Any:
    """The data of a template file. The YAML parser (20 ms to import and run for a long template, a
    twentieth of a whole command-line render) runs only when the file is new or changed: its result is
    kept as JSON in the profile's cache beside the file's SHA-256, where JSON holds it exactly (no dates,
    only text keys). A cache that is missing, damaged or of another file's content is ignored."""
    text = path.read_text(encoding="utf-8")
    digest = f"{_CACHE_VERSION}:{hashlib.sha256(text.encode()).hexdigest()}"
    cache_file = _cache_file(path)
    if cache_file is not None:
        try:
            kept = json.loads(cache_file.read_bytes())
            if isinstance(kept, dict) and kept.get("source") == digest:
                return kept["data"]
        except (OSError, ValueError, KeyError):
            pass
    loader = _yaml_loader()(text)
    try:
        data = loader.get_single_data()
    finally:
        loader.dispose()
    if cache_file is not None:
        try:
            encoded = json.dumps({"source": digest, "data": data}, ensure_ascii=False)
            if json.loads(encoded)["data"] == data:
                atomic.atomic_write_bytes(cache_file, encoded.encode())
        except (TypeError, ValueError, OSError):  # a date, a number key, a full disk: parsed again next time
            pass
    return data


def _broken(path: Path, bundled: bool, problem: str) -> Template:
    return Template(path.stem, 0, "worksheet", Text(path.stem), path, bundled=bundled, errors=[problem])


def load_file(path: Path, bundled: bool = True) -> Template:
    """One template file; whatever is wrong with it ends up in ``errors``, nothing is raised."""
    try:
        data = _parsed(path)
    except Exception as exc:  # whatever a file holds, it is this template's problem, never the others'
        import yaml

        reason = type(exc).__name__
        if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
            reason = _("line {line}: {problem}").format(line=exc.problem_mark.line + 1, problem=exc.problem or "")
        return Template(
            path.stem,
            0,
            "worksheet",
            Text(path.stem),
            path,
            bundled=bundled,
            errors=[_("cannot be read ({reason})").format(reason=reason)],
        )
    try:
        return parse(data, path, bundled)
    except Exception as exc:
        return _broken(path, bundled, _("a value has the wrong type ({kind})").format(kind=type(exc).__name__))


def bundled_dir() -> Path:
    return paths.resources_dir() / "templates"


def load_all(profile_templates: Path | None = None) -> list[Template]:
    """Every template, bundled and the profile's own, sorted by title; broken ones included with errors."""
    found: dict[str, Template] = {}
    for folder, bundled in ((bundled_dir(), True), (profile_templates, False)):
        if folder is None or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
            template = load_file(path, bundled)
            key = template.id if template.valid else f"{template.id}@{path}"
            found[key] = template
    return sorted(found.values(), key=lambda t: (t.title.de.casefold(), t.id))


def get(template_id: str, profile_templates: Path | None = None) -> Template:
    for template in load_all(profile_templates):
        if template.id == template_id and template.valid:
            return template
    for template in load_all(profile_templates):
        if template.id == template_id:
            raise TemplateError(
                _("The template {id} has problems: {problems}").format(
                    id=template_id, problems="; ".join(template.errors)
                )
            )
    raise TemplateError(_("There is no template {id}.").format(id=template_id))
