"""Form templates: loading and checking, filling, PDFs with embedded fonts, official AcroForms, drafts."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from desktop import paths
from desktop.core import cases, demo, households, people
from desktop.core.forms import binding, service
from desktop.core.forms.templates import load_all, load_file
from desktop.core.reports import acroform, render
from desktop.core.search.translit import has_cyrillic
from desktop.core.store import db as store_db
from desktop.core.store import integrity
from desktop.core.store.models import Case, FilledForm, PrintedDocument
from tests.test_cli import run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "templates"
OFFICIAL = Path(__file__).resolve().parents[2] / "shared" / "reference" / "official-forms"
BLANKS = {
    "hauptantrag": "ba_jobcenter_HA_hauptantrag_sgb2_04-2020.pdf",
    "weiterbewilligung": "ba_jobcenter_WBA_weiterbewilligungsantrag_04-2020.pdf",
    "anlage-ki": "ba_jobcenter_anlage_KI_04-2020.pdf",
}
BASE14 = {"Helvetica", "Times-Roman", "Courier", "Symbol", "ZapfDingbats"}


def bundled() -> list:
    return load_all(None)


def pdf_text(pdf: bytes) -> str:
    """The text of every page, with line breaks and runs of spaces as single spaces (labels wrap)."""
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages).split())


def fonts_are_embedded(pdf: bytes) -> bool:
    reader = PdfReader(io.BytesIO(pdf))
    found = False
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            font = font.get_object()
            base = str(font.get("/BaseFont", ""))
            if any(name in base for name in BASE14):
                return False
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            if descriptor is None or "/FontFile2" not in descriptor.get_object():
                return False
            found = True
    return found


def test_every_bundled_template_is_valid_and_the_set_is_complete() -> None:
    templates = bundled()
    problems = {t.id: t.errors for t in templates if not t.valid}
    assert problems == {}
    kinds = {t.kind for t in templates}
    assert kinds == {"worksheet", "letter", "checklist", "acroform"}
    assert len([t for t in templates if t.kind != "acroform"]) >= 14
    ids = [t.id for t in templates if t.kind == "acroform"]
    for part in ("hauptantrag", "weiterbewilligung", "anlage-ki"):
        assert any(part in i for i in ids), part


def test_a_broken_template_is_listed_with_its_problems_and_the_others_load(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    shutil.copy(FIXTURES / "broken.yaml", folder)
    shutil.copy(FIXTURES / "fixture-worksheet.yaml", folder)
    (folder / "garbage.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    listed = {t.id: t for t in load_all(folder)}
    broken = listed["broken-example"]
    assert not broken.valid
    text = " | ".join(broken.errors)
    assert "(uk) is missing" in text and "unknown binding person.shoe_size" in text
    assert "uses a value kind does not offer" in text
    assert not listed["garbage"].valid and "line" in listed["garbage"].errors[0]
    assert listed["fixture-worksheet"].valid


@pytest.fixture
def demo_case(store: store_db.Store) -> Case:
    demo.generate(40, seed=5)
    case = Case.select().where(Case.person.is_null(False) & ~Case.deleted).order_by(Case.id).first()
    cases.update_case(case.id, {"letter_date": dt.date(2026, 11, 3), "period_end": dt.date(2026, 12, 31)})
    return Case.get_by_id(case.id)


def test_every_bundled_template_renders_with_embedded_fonts_and_both_languages(demo_case: Case) -> None:
    subject = binding.subject_for(case_id=demo_case.id)
    person = subject.person
    for template in bundled():
        if template.kind == "acroform":
            continue
        values = service.values_for(template, subject)
        values.update({s.fields[0].key: True for s in template.sections if s.one_yes_required})  # a Vollmacht's office
        pdf = service.output(template, values, subject, "uk")
        assert fonts_are_embedded(pdf), template.id
        text = pdf_text(pdf)
        assert template.title.de.split()[0] in text, template.id
        fields = [f for f in template.fields() if f.relevant is None]
        if template.kind == "worksheet":
            label = fields[0].label
            assert " ".join(label.de.split()) in text and " ".join(label.uk.split()) in text, template.id
        if template.kind == "letter":
            assert "Пояснення" in text, template.id
        if template.kind == "checklist":
            assert "Was mitbringen" in text and "Що взяти з собою" in text
        bound = [f for f in template.fields() if f.bind in ("person.family_name", "person.given_name")]
        if bound:
            assert person.family_name in text or person.given_name in text, template.id
        shown = service.applicable(template, values)
        filled = [
            (f, render.german(f, shown.get(f.key), latin=template.kind == "letter"))
            for f in render.relevant(template, shown)
        ]
        short = [(f, v) for f, v in filled if v and "\n" not in v and len(v) <= 30]
        if template.kind == "worksheet":  # every filled value is on the sheet
            missing = [f.key for f, v in short if " ".join(v.split()) not in text]
            assert not missing, (template.id, missing)
        if template.kind == "letter":  # the values the letter text quotes
            quoted = [(f, v) for f, v in short if "{" + f.key + "}" in template.letter["body"]["de"]]
            missing = [f.key for f, v in quoted if " ".join(v.split()) not in text]
            assert not missing, (template.id, missing)
        assert PdfReader(io.BytesIO(pdf)).metadata.title == template.title.de


def test_german_forms_get_german_dates_and_passport_names(demo_case: Case) -> None:
    template = load_file(FIXTURES / "fixture-worksheet.yaml")
    subject = binding.subject_for(case_id=demo_case.id)
    values = service.values_for(template, subject)
    values["marital"] = "verheiratet"
    values["married_since"] = dt.date(2019, 5, 4)
    pdf = service.output(template, values, subject, "en")
    text = pdf_text(pdf)
    assert "04.05.2019" in text and subject.person.birth_date.strftime("%d.%m.%Y") in text
    assert subject.person.family_name in text  # Latin letters as in the passport
    assert "Seite 1 von 1" in text and "Сторінка 1 з 1" in text
    values["marital"] = "ledig"
    assert "verheiratet seit" not in pdf_text(service.output(template, values, subject, "de"))


@pytest.mark.skipif(not OFFICIAL.exists(), reason="../shared/reference/official-forms not present")
@pytest.mark.parametrize("part", list(BLANKS))
def test_official_forms_are_filled_and_read_back(demo_case: Case, part: str) -> None:
    template = next(t for t in bundled() if t.kind == "acroform" and part in t.id)
    blank = (OFFICIAL / BLANKS[part]).read_bytes()
    assert acroform.sha256(blank) == template.acroform["form"]["sha256"]
    subject = binding.subject_for(case_id=demo_case.id)
    values = service.values_for(template, subject)
    filled = acroform.fill(template, values, blank)
    assert not filled.other_edition and filled.missing_fields == []
    back = acroform.read_values(filled.pdf)
    written = {
        pdf: render.german(template.field(key), values.get(key), latin=True)
        for pdf, key in template.acroform["fields"].items()
    }
    assert any(written.values()), part
    for pdf_name, value in written.items():
        assert str(back.get(pdf_name) or "") == value, pdf_name
    assert not any(has_cyrillic(str(v)) for v in back.values() if v)  # official forms take Latin letters
    reader = PdfReader(io.BytesIO(filled.pdf))
    form = reader.trailer["/Root"]["/AcroForm"]
    assert "/XFA" not in form and form.get("/NeedAppearances")
    other = acroform.fill(template, values, blank + b"\n%")  # the same form, not the same file
    assert other.other_edition
    # nothing but this person's values: the office's sample entries ("Dummy", "Schummler") and whatever a
    # used blank holds in fields the template does not map are emptied
    mapped = set(template.acroform["fields"]) | set(template.acroform.get("checks") or {})
    mapped |= set(template.acroform.get("radios") or {})
    leftovers = {k: v for k, v in back.items() if k not in mapped and v not in (None, "", "/Off")}
    assert leftovers == {}, leftovers


@pytest.mark.skipif(not OFFICIAL.exists(), reason="../shared/reference/official-forms not present")
def test_a_used_blank_leaves_no_one_elses_data(demo_case: Case, tmp_path: Path) -> None:
    template = next(t for t in bundled() if t.kind == "acroform" and "hauptantrag" in t.id)
    reader = PdfReader(OFFICIAL / BLANKS["hauptantrag"])
    writer = PdfWriter(clone_from=reader)
    unmapped = [n for n in (reader.get_fields() or {}) if n not in template.acroform["fields"]]
    text_fields = [n for n in unmapped if (reader.get_fields()[n].get("/FT")) == "/Tx"]
    for page in writer.pages:
        writer.update_page_form_field_values(page, {text_fields[0]: "PREVPERSON Zzyzxowa"}, auto_regenerate=False)
    used = tmp_path / "used.pdf"
    with used.open("wb") as fp:
        writer.write(fp)
    subject = binding.subject_for(case_id=demo_case.id)
    filled = acroform.fill(template, service.values_for(template, subject), used.read_bytes())
    assert b"Zzyzxowa" not in filled.pdf and "PREVPERSON" not in str(acroform.read_values(filled.pdf))
    kept, known = acroform.remember_blank(template, used)
    assert not known and b"Zzyzxowa" not in kept.read_bytes()


def test_drafts_travel_and_prints_are_filed(demo_case: Case) -> None:
    template = load_file(FIXTURES / "fixture-worksheet.yaml")
    subject = binding.subject_for(case_id=demo_case.id)
    values = service.values_for(template, subject)
    values["marital"] = "verheiratet"
    values["married_since"] = dt.date(2020, 1, 2)
    draft = service.save_draft(template, subject, values)
    assert json.loads(draft.values)["married_since"] == "2020-01-02"
    again = service.values_for(template, subject, FilledForm.get_by_id(draft.id))
    assert again["married_since"] == dt.date(2020, 1, 2) and again["marital"] == "verheiratet"
    values["marital"] = "ledig"
    service.save_draft(template, subject, values, draft.id)
    assert [d.id for d in service.drafts(subject.person.id, demo_case.id)] == [draft.id]
    pdf = service.output(template, values, subject, "uk")
    printed = service.record_print(template, subject, pdf, "pdf")
    row = PrintedDocument.get_by_id(printed.id)
    assert (row.case_id, row.template_id, row.template_version, row.sha256) == (
        demo_case.id,
        "fixture-worksheet",
        1,
        acroform.sha256(pdf),
    )
    assert integrity.check() == []


def test_checks_flag_required_fields_dates_and_identifiers(store: store_db.Store) -> None:
    template = load_file(FIXTURES / "fixture-worksheet.yaml")
    problems = service.check(template, {"family_name": "", "birth_date": "31.02.1990", "marital": None})
    assert set(problems) == {"family_name", "birth_date"}


def test_cli_templates_and_render(tmp_path: Path) -> None:
    passphrase = tmp_path / "pass.txt"
    passphrase.write_text("correct horse battery staple\n", encoding="utf-8")
    common = ["--data-dir", str(tmp_path / "p"), "--passphrase-file", str(passphrase)]
    assert run_cli(*common, "init", "--language", "de").returncode == 0
    assert run_cli(*common, "demo", "--people", "20", "--seed", "2").returncode == 0
    shutil.copytree(FIXTURES, tmp_path / "p" / "templates")
    listed = json.loads(run_cli(*common, "templates", "--json").stdout)
    by_id = {t["id"]: t for t in listed}
    assert by_id["broken-example"]["valid"] is False and by_id["broken-example"]["errors"]
    assert by_id["fixture-worksheet"]["kind"] == "worksheet" and by_id["fixture-worksheet"]["valid"]
    assert {"id", "version", "title", "kind", "valid", "errors"} <= set(listed[0])
    found = json.loads(run_cli(*common, "search", "", "--json", "--limit", "1").stdout)[0]
    out = tmp_path / "ws.pdf"
    result = run_cli(*common, "render", "fixture-worksheet", "--person", found["id"], "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert fonts_are_embedded(out.read_bytes()) and found["family_name"] in pdf_text(out.read_bytes())
    bad = run_cli(*common, "render", "broken-example", "--person", found["id"], "--out", str(tmp_path / "x.pdf"))
    assert bad.returncode == 4 and "broken-example" in bad.stderr and not (tmp_path / "x.pdf").exists()
    if OFFICIAL.exists():
        from desktop.core import profile
        from desktop.core.store.models import Case

        profile.unlock(tmp_path / "p", "correct horse battery staple")
        open_jobcenter = Case.person.is_null(False) & (Case.status != "closed") & (Case.authority == "jobcenter")
        with_case = Case.select().where(open_jobcenter).first().person_id  # Anlage KI goes to the Jobcenter
        # … one per child under 15 of the household (the child named here)
        child = people.create_person({"family_name": "Kowal", "given_name": "Sofiia", "birth_date": "2019-04-02"})
        household = households.household_of(with_case)
        if household is None:
            households.create_household("Kowal", [(with_case, "applicant"), (child.id, "child_u15")])
        else:
            households.add_member(household.id, child.id, "child_u15")
        child = child.id
        store_db.close_store()
        template_id = next(t["id"] for t in listed if t["kind"] == "acroform" and "anlage-ki" in t["id"])
        filled = tmp_path / "ki.pdf"
        result = run_cli(
            *common,
            "render",
            template_id,
            "--person",
            with_case,
            "--blank",
            str(OFFICIAL / BLANKS["anlage-ki"]),
            "--child",
            child,
            "--out",
            str(filled),
        )
        assert result.returncode == 0, result.stderr
        assert acroform.read_values(filled.read_bytes())
        main_form = next(t["id"] for t in listed if t["kind"] == "acroform" and "hauptantrag" in t["id"])
        foreign = run_cli(
            *common,
            "render",
            main_form,
            "--person",
            with_case,
            "--blank",
            str(OFFICIAL / BLANKS["anlage-ki"]),
            "--out",
            str(tmp_path / "wrong.pdf"),
        )
        assert foreign.returncode == 4 and not (tmp_path / "wrong.pdf").exists()


def test_profile_templates_folder_is_used(store: store_db.Store) -> None:
    folder = paths.templates_dir()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "fixture-worksheet.yaml", folder)
    assert any(t.id == "fixture-worksheet" and not t.bundled for t in service.templates())
    person = people.create_person({"family_name_cyr": "Коваленко", "given_name_cyr": "Олена"})
    subject = binding.subject_for(person_id=person.id)
    pdf = service.output(
        service.template("fixture-worksheet"),
        service.values_for(service.template("fixture-worksheet"), subject),
        subject,
        "uk",
    )
    assert "Kovalenko" in pdf_text(pdf) and "Коваленко" in pdf_text(pdf)


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_malformed_values_make_a_broken_template_not_a_crash(tmp_path: Path) -> None:
    base = (FIXTURES / "fixture-worksheet.yaml").read_text(encoding="utf-8")
    for n, extra in enumerate(["case_types: 5\n", "letter: x\nkind: letter\n", "sections: 7\n"]):
        _write(tmp_path, f"bad{n}.yaml", base.replace("id: fixture-worksheet", f"id: bad-{n}") + extra)
    _write(
        tmp_path,
        "lines.yaml",
        base.replace("id: fixture-worksheet", "id: lines").replace("type: multiline,", "type: multiline, lines: many,"),
    )
    listed = [t for t in load_all(tmp_path) if not t.bundled]
    assert len(listed) == 4 and not any(t.valid for t in listed), [(t.id, t.errors) for t in listed]


def test_yes_no_labels_numeric_choices_and_conditions(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "yn.yaml",
        """
id: yes-no
version: 1
kind: worksheet
title: {de: Test, uk: Тест, en: Test}
sections:
  - key: s
    title: {de: S, uk: С, en: S}
    fields:
      - key: children
        type: choice
        label: {de: Kinder, uk: Діти, en: Children}
        choices:
          - {value: 0, label: {de: keine, uk: немає, en: no}}
          - {value: 2, label: {de: zwei, uk: двоє, en: two}}
      - {key: names, type: text, label: {de: Namen, uk: Імена, en: Names}, relevant: {field: children, equals: 2}}
""",
    )
    template = load_file(path)
    assert template.valid, template.errors
    assert template.field("children").choices[0].label.en == "no"
    names = template.field("names")
    assert names.relevant.holds({"children": "2"}) and not names.relevant.holds({"children": "0"})


def test_amounts_are_read_as_germans_write_them(store: store_db.Store) -> None:
    assert [render.parse_money(x) for x in ("1.200", "1.200,50", "450,50", "450.50", "1200 €", "abc")] == [
        Decimal("1200"),
        Decimal("1200.50"),
        Decimal("450.50"),
        Decimal("450.50"),
        Decimal("1200"),
        None,
    ]
    money = load_file(FIXTURES / "fixture-worksheet.yaml").fields()[0]
    money.type = "money"
    assert render.german(money, "1.200") == "1.200,00 €"


def test_official_forms_get_no_hidden_values_and_refuse_a_foreign_blank(demo_case: Case) -> None:
    if not OFFICIAL.exists():
        pytest.skip("no official forms")
    template = next(t for t in bundled() if t.kind == "acroform" and "hauptantrag" in t.id)
    conditional = next(f for f in template.fields() if f.relevant is not None and f.type == "text")
    pdf_name = next(name for name, key in template.acroform["fields"].items() if key == conditional.key)
    subject = binding.subject_for(case_id=demo_case.id)
    values = service.values_for(template, subject)
    values[conditional.relevant.field] = None  # the question it depends on is not answered: it does not apply
    values[conditional.key] = "Hidden GmbH"
    blank = (OFFICIAL / BLANKS["hauptantrag"]).read_bytes()
    filled = service.output(template, values, subject, "uk", blank)
    assert acroform.read_values(filled).get(pdf_name) in (None, "")
    with pytest.raises(acroform.BlankFormError):
        service.output(template, values, subject, "uk", (OFFICIAL / BLANKS["weiterbewilligung"]).read_bytes())


def test_letters_carry_only_the_addressed_office_numbers(demo_case: Case) -> None:
    subject = binding.subject_for(case_id=demo_case.id)
    person = subject.person
    people.update_person(person.id, {"bg_number": "12345BG6789012", "jobcenter_customer_no": "123D456789"})
    subject = binding.subject_for(case_id=demo_case.id)
    consent = service.template("einwilligung-datenverarbeitung")
    text = pdf_text(service.output(consent, service.values_for(consent, subject), subject, "uk"))
    assert "12345BG6789012" not in text and "123D456789" not in text and "Aktenzeichen:" not in text
    objection = service.template("widerspruch")
    text = pdf_text(service.output(objection, service.values_for(objection, subject), subject, "uk"))
    assert "BG-Nummer: 12345BG6789012" in text and f"Aktenzeichen: {demo_case.reference}" not in text


def test_a_german_letter_names_the_office_in_german_whatever_the_ui_language(store: store_db.Store) -> None:
    from desktop import i18n

    person = people.create_person({"family_name": "Melnyk", "given_name": "Iryna", "city": "Görlitz"})
    case = cases.create_case({"person": person.id, "case_type": "anmeldung"})
    i18n.set_language("uk")
    try:
        subject = binding.subject_for(case_id=case.id)
        template = service.template("terminverlegung")
        pdf = service.output(template, service.values_for(template, subject), subject, "uk")
    finally:
        i18n.set_language("en")
    first_page = " ".join((PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or "").split())
    assert "Bürgeramt" in first_page and "Бюро громадян" not in first_page
    # Görlitz has no office in the directory: the address is left as lines to write by hand.
    assert first_page.index("Bürgeramt") < first_page.index("____") < first_page.index("Görlitz,")


def test_an_unanswered_yes_no_question_is_never_printed_as_no(demo_case: Case) -> None:
    subject = binding.subject_for(case_id=demo_case.id)
    sheet = service.template("arbeitsblatt-hauptantrag")
    values = service.values_for(sheet, subject)
    assert values["able_to_work"] is None and values["pregnant"] is None
    text = pdf_text(service.output(sheet, values, subject, "uk"))
    assert "☐ ja · так ☐ nein · ні" in text and "erwerbsfähig) nein" not in text.replace(":", "")
    values["able_to_work"] = True
    text = pdf_text(service.output(sheet, values, subject, "uk"))
    assert "ja (так)" in text
    power = service.template("vollmacht")
    values = service.values_for(power, subject)
    values["scope_familienkasse"] = True  # the others unanswered: not printed at all, neither "nein" nor a line
    text = pdf_text(service.output(power, values, subject, "uk"))
    assert "gegenüber der Familienkasse" in text and "Jobcenter" not in text.split("Die Vollmacht umfasst")[0]


def test_a_form_for_a_person_uses_the_open_case_it_is_for(store: store_db.Store) -> None:
    person = people.create_person({"family_name": "Melnyk", "given_name": "Iryna", "city": "Leipzig"})
    objection = service.template("widerspruch")
    older = cases.create_case({"person": person.id, "case_type": "widerspruch", "opened_on": dt.date(2026, 1, 5)})
    newer = cases.create_case({"person": person.id, "case_type": "anmeldung", "opened_on": dt.date(2026, 3, 1)})
    assert binding.subject_for(person_id=person.id).case.id == newer.id  # no template: the most recent
    assert binding.subject_for(person_id=person.id, template=objection).case.id == older.id
    # no case of its types (Bürgergeld application): the case with its office (the Jobcenter's Widerspruch)
    sheet = service.template("arbeitsblatt-hauptantrag")
    assert binding.subject_for(person_id=person.id, template=sheet).case.id == older.id
    cases.update_case(older.id, {"status": "closed"})
    # no open Jobcenter case: no case at all rather than the Bürgeramt's (the letter would go there)
    assert binding.subject_for(person_id=person.id, template=objection).case is None
    assert binding.subject_for(person_id=person.id, template=service.template("terminverlegung")).case.id == newer.id


def test_a_power_of_attorney_must_name_at_least_one_office(demo_case: Case, tmp_path: Path) -> None:
    subject = binding.subject_for(case_id=demo_case.id)
    power = service.template("vollmacht")
    values = service.values_for(power, subject)
    assert service.check(power, values).get("scope_jobcenter") == "Answer “yes” to at least one of these."
    values["scope_familienkasse"] = False
    assert "scope_jobcenter" in service.check(power, values)  # "no" everywhere authorises nothing either
    values["scope_krankenkasse"] = True
    assert "scope_jobcenter" not in service.check(power, values)
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "id: broken\nversion: 1\nkind: worksheet\nneeds: person\n"
        "title: {de: T, uk: T, en: T}\nsections:\n  - key: s\n    title: {de: S, uk: S, en: S}\n"
        "    one_yes_required: true\n    fields:\n      - {key: a, type: text, label: {de: A, uk: A, en: A}}\n",
        encoding="utf-8",
    )
    assert any("one_yes_required" in e for e in load_file(broken).errors)


def test_a_very_long_multiline_value_flows_over_pages(demo_case: Case) -> None:
    template = load_file(FIXTURES / "fixture-worksheet.yaml")
    subject = binding.subject_for(case_id=demo_case.id)
    values = service.values_for(template, subject)
    values["members"] = "\n".join(f"Person {n}, 01.01.2000, Kind" for n in range(150))
    pdf = service.output(template, values, subject, "uk")
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 3


def test_a_broken_profile_copy_does_not_hide_the_bundled_template(store: store_db.Store) -> None:
    _write(paths.templates_dir(), "vollmacht.yaml", "id: vollmacht\nversion: 1\nkind: letter\n")
    assert service.template("vollmacht").bundled
    assert any(t.id == "vollmacht" and not t.valid and not t.bundled for t in service.templates())


def test_forms_name_the_residence_title_never_the_passport(store: store_db.Store) -> None:
    from desktop.core import documents

    person = people.create_person({"family_name": "Savchuk", "given_name": "Iryna"})
    documents.create_document(
        {"person": person.id, "kind": "passport", "number": "FX123456", "printed_until": dt.date(2032, 1, 1)}
    )
    documents.create_document(
        {"person": person.id, "kind": "24", "number": "Y1234567", "printed_until": dt.date(2027, 3, 4)}
    )
    ctx = binding.context(binding.subject_for(person_id=person.id))
    assert ctx["person.residence_document"] == "Aufenthaltserlaubnis nach § 24 AufenthG Y1234567"
    assert ctx["person.residence_valid_until"] == dt.date(2027, 3, 4)


def test_a_version_of_thousands_of_digits_breaks_only_its_own_template(
    store: store_db.Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop import cli
    from tests.conftest import PASSPHRASE

    person = people.create_person({"family_name": "Kovalenko", "given_name": "Olena"})
    folder = paths.templates_dir()
    shutil.copy(FIXTURES / "fixture-worksheet.yaml", folder.mkdir(parents=True) or folder)
    base = (FIXTURES / "fixture-worksheet.yaml").read_text(encoding="utf-8")
    huge = base.replace("id: fixture-worksheet", "id: huge-version").replace("version: 1", "version: " + "9" * 5000)
    assert huge != base and "9" * 5000 in huge
    _write(folder, "huge.yaml", huge)
    listed = {t.id: t for t in service.templates()}
    assert listed["fixture-worksheet"].valid
    assert listed["huge-version"].errors == ["the version must be a whole number from 1 to 999999"]
    store_db.close_store()
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    assert cli.main(["templates"]) == cli.EXIT_PROBLEMS
    out = capsys.readouterr().out
    assert "huge-version" in out and "fixture-worksheet" in out
    pdf = tmp_path / "ws.pdf"
    assert cli.main(["render", "fixture-worksheet", "--person", person.id, "--out", str(pdf)]) == cli.EXIT_OK
    assert "Kovalenko" in pdf_text(pdf.read_bytes())


def test_unknown_keys_are_problems_with_a_hint(tmp_path: Path) -> None:
    base = (FIXTURES / "fixture-worksheet.yaml").read_text(encoding="utf-8")
    text = base.replace("version: 1", "version: 1\nauthorty: jobcenter", 1)
    text = text.replace("    fields:", "    titel: x\n    fields:", 1)
    text = text.replace("type: text", "type: text, requried: true, bnid: person.city, shoe: 1", 1)
    template = load_file(_write(tmp_path, "keys.yaml", text))
    assert not template.valid
    errors = " | ".join(template.errors)
    assert "unknown key authorty (did you mean authority?)" in errors
    assert "section 1: unknown key titel (did you mean title?)" in errors
    assert "unknown key requried (did you mean required?)" in errors
    assert "unknown key bnid (did you mean bind?)" in errors
    assert "unknown key shoe" in errors and "shoe (did you mean" not in errors
