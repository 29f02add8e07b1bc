"""What the printed forms show: official forms wrap and never cut a value, letters and worksheets say only
what was chosen, to whom, signed by whom, and keep a signature with what it signs.

Where the point is what a reader sees, the PDF is drawn by poppler (pdftocairo, the renderer behind
pdftoppm) and by mupdf (mutool), and the words they draw are read back with their positions."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.core import cases, households, people
from desktop.core.forms import binding, service
from desktop.core.forms.templates import load_all
from desktop.core.reports import acroform
from desktop.core.store import db as store_db
from tests.test_cli import run_cli

OFFICIAL = Path(__file__).resolve().parents[2] / "shared" / "reference" / "official-forms"
HA = OFFICIAL / "ba_jobcenter_HA_hauptantrag_sgb2_04-2020.pdf"
KI = OFFICIAL / "ba_jobcenter_anlage_KI_04-2020.pdf"
LIVELIHOOD = "HauptantragALG2[0].Seite4[0].Teilformular-6-4[0].Lebensunterhalt[0]"
#: The value the review saw cut off at "…in Deuts" (one line in a field of three).
LONG_LIVELIHOOD = (
    "Seit der Einreise im März 2022 haben mich meine Schwester und ihr Mann unterstützt, die seit 2015 in "
    "Leipzig leben; außerdem habe ich von meinen Ersparnissen aus der Ukraine gelebt, bis das Konto gesperrt "
    "wurde. Ich wohne seitdem bei Bekannten in Deutschland."
)

needs_official = pytest.mark.skipif(not OFFICIAL.exists(), reason="../shared/reference/official-forms not present")
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftocairo") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftocairo, pdftotext) not installed",
)


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages).split())


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def poppler_words(pdf: bytes, page: int, tmp_path: Path) -> list[tuple[str, float, float, float, float]]:
    """The words poppler draws on a page (form fields included), with their boxes in PDF points from the
    page's top left: the page is drawn by poppler into a new PDF and its words read with pdftotext -bbox."""
    source, drawn = tmp_path / "in.pdf", tmp_path / "drawn.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftocairo", "-pdf", "-f", str(page), "-l", str(page), source, drawn], check=True)
    html = subprocess.run(["pdftotext", "-bbox", drawn, "-"], check=True, capture_output=True, text=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in found]


def mupdf_text(pdf: bytes, page: int, tmp_path: Path) -> str:
    source = tmp_path / "in-mu.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(["mutool", "draw", "-F", "txt", source, str(page)], capture_output=True, text=True)
    return " ".join(out.stdout.split())


def template(template_id: str):
    return next(t for t in load_all(None) if t.id == template_id)


def ha_values(**changes: object) -> dict[str, object]:
    ha = template("jobcenter-hauptantrag-2020")
    values: dict[str, object] = {f.key: None for f in ha.fields()}
    values.update(family_name="Kovalenko", given_name="Olena", none_of_these=True, livelihood=LONG_LIVELIHOOD)
    values.update(changes)
    return values


# --- 10. official forms: multiline fields wrap, NeedAppearances is set, a value too long is reported ------


@needs_official
def test_a_multiline_field_is_wrapped_in_its_appearance_and_need_appearances_is_true() -> None:
    ha = template("jobcenter-hauptantrag-2020")
    filled = acroform.fill(ha, ha_values(), HA.read_bytes())
    assert filled.overflow == {}
    reader = PdfReader(io.BytesIO(filled.pdf))
    assert reader.trailer["/Root"]["/AcroForm"]["/NeedAppearances"].value is True
    widget = next(
        a.get_object() for a in reader.pages[3]["/Annots"] if a.get_object().get("/T") == "Lebensunterhalt[0]"
    )
    assert widget["/V"] == LONG_LIVELIHOOD  # the value itself, not the wrapped lines
    stream = widget["/AP"]["/N"].get_data().decode("latin-1")
    lines = re.findall(r"\((.*)\) Tj", stream)
    assert len(lines) >= 3, stream  # wrapped, not one line running out of the field
    assert " ".join(lines) == LONG_LIVELIHOOD.encode("cp1252").decode("latin-1")
    x1, _y1, x2, _y2 = (float(v) for v in widget["/Rect"])
    from desktop.core.reports import textfit

    size = float(re.search(r"([\d.]+) Tf", stream).group(1))
    font = textfit.font_of("Arial-BoldMT", reader.trailer["/Root"]["/AcroForm"])
    for line in lines:  # every line fits the field's width
        assert font.get_text_width(line.encode("latin-1").decode("cp1252")) * size / 1000 <= x2 - x1


@needs_official
@needs_poppler
def test_poppler_and_mupdf_show_the_whole_value_inside_the_field(tmp_path: Path) -> None:
    ha = template("jobcenter-hauptantrag-2020")
    filled = acroform.fill(ha, ha_values(), HA.read_bytes())
    reader = PdfReader(io.BytesIO(filled.pdf))
    widget = next(
        a.get_object() for a in reader.pages[3]["/Annots"] if a.get_object().get("/T") == "Lebensunterhalt[0]"
    )
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    height = float(reader.pages[3].mediabox.height)
    top, bottom = height - y2, height - y1
    inside = [
        w
        for w, a, b, c, d in poppler_words(filled.pdf, 4, tmp_path)
        if a >= x1 - 1 and c <= x2 + 1 and b >= top - 1 and d <= bottom + 1
    ]
    assert " ".join(inside) == LONG_LIVELIHOOD  # every word drawn, inside the field, nothing cut
    if shutil.which("mutool"):
        assert LONG_LIVELIHOOD.split(", ")[-1].replace(" ", "") in mupdf_text(filled.pdf, 4, tmp_path).replace(" ", "")


@needs_official
def test_a_value_too_long_for_its_field_is_reported_and_not_printed(store: store_db.Store) -> None:
    ha = service.template("jobcenter-hauptantrag-2020")
    values = ha_values(livelihood=" ".join([LONG_LIVELIHOOD] * 4))
    filled = acroform.fill(ha, values, HA.read_bytes())
    assert LIVELIHOOD in filled.overflow and 0 < filled.overflow[LIVELIHOOD] < len(values["livelihood"])
    with pytest.raises(service.TooLongForForm) as raised:
        service.official(ha, values, HA.read_bytes())
    assert set(raised.value.problems) == {"livelihood"}
    # a name longer than its one-line box is reported too, never cut off
    values = ha_values(family_name="Kovalenko-" * 12)
    with pytest.raises(service.TooLongForForm) as raised:
        service.official(ha, values, HA.read_bytes())
    assert set(raised.value.problems) == {"family_name"}


def _cli_profile(tmp_path: Path) -> list[str]:
    """A real-KDF profile made by `begleiter-cli init`, left open here for setting up records; returns the
    options that point the CLI at it."""
    from desktop.core import profile

    passphrase = tmp_path / "pass.txt"
    passphrase.write_text("correct horse battery staple\n", encoding="utf-8")
    common = ["--data-dir", str(tmp_path / "p"), "--passphrase-file", str(passphrase)]
    assert run_cli(*common, "init", "--language", "en").returncode == 0
    profile.unlock(tmp_path / "p", "correct horse battery staple")
    return common


@needs_official
def test_the_cli_refuses_to_write_an_official_form_with_a_value_cut_off(tmp_path: Path) -> None:
    common = _cli_profile(tmp_path)
    person = people.create_person({"family_name": "Kovalenko-" * 12, "given_name": "Olena", "city": "Leipzig"})
    cases.create_case({"person": person.id, "case_type": "buergergeld_erstantrag"})
    store_db.close_store()
    out = tmp_path / "ha.pdf"
    result = run_cli(
        *common, "render", "jobcenter-hauptantrag-2020", "--person", person.id, "--blank", str(HA), "--out", str(out)
    )
    assert result.returncode == 1 and not out.exists()
    assert "Family name" in result.stderr and "characters fit" in result.stderr


# --- 12. Vollmacht: only the offices chosen, the same in both languages, never for no office ----------------


@pytest.fixture
def olena(store: store_db.Store):
    person = people.create_person(
        {
            "family_name": "Kovalenko",
            "given_name": "Olena",
            "family_name_cyr": "Коваленко",
            "given_name_cyr": "Олена",
            "birth_date": "1985-03-12",
            "street": "Eisenbahnstraße 1",
            "postcode": "04315",
            "city": "Leipzig",
            "bg_number": "12345BG6789012",
            "jobcenter_customer_no": "123D456789",
        }
    )
    return person


def test_a_power_of_attorney_names_only_the_offices_chosen_in_both_languages(olena) -> None:
    power = service.template("vollmacht")
    subject = binding.subject_for(person_id=olena.id, template=power)
    values = service.values_for(power, subject)
    values.update(scope_jobcenter=True, scope_familienkasse=True, scope_krankenkasse=False)
    values.update(volunteer_address="Leipzig", limitations="keine")
    german, ukrainian = page_texts(service.output(power, values, subject, "uk"))[:2]
    assert "gegenüber dem Jobcenter" in german and "gegenüber der Familienkasse" in german
    for office in ("Ausländerbehörde", "Krankenkasse", "Bürgeramt", "Sozialamt"):  # not chosen: not printed
        assert office not in german.split("vertreten")[1].split("Die Vollmacht umfasst")[0], office
    assert "____" not in german.split("vertreten")[1].split("Die Vollmacht umfasst")[0]  # no line to fill later
    assert "Gegenüber anderen Stellen gilt diese Vollmacht nicht" in german and "„nein“" not in german
    # the client's page lists the same offices, and says the same about the others
    assert "щодо Jobcenter" in ukrainian and "щодо сімейної каси (Familienkasse)" in ukrainian
    assert "Krankenkasse" not in ukrainian.split("Що вказано в листі")[0]
    assert "Щодо інших установ довіреність не діє" in ukrainian and "«ja»" not in ukrainian


def test_a_power_of_attorney_for_no_office_is_refused_everywhere(olena, tmp_path: Path) -> None:
    power = service.template("vollmacht")
    subject = binding.subject_for(person_id=olena.id, template=power)
    values = service.values_for(power, subject)
    values.update(volunteer_address="Leipzig", limitations="keine")
    for unanswered_or_no in (None, False):
        values.update({f.key: unanswered_or_no for f in power.fields() if f.key.startswith("scope_")})
        with pytest.raises(service.NotPrinted) as raised:
            service.output(power, values, subject, "uk")
        assert set(raised.value.problems) == {"scope_jobcenter"}


def test_the_cli_prints_no_power_of_attorney_without_an_office(tmp_path: Path) -> None:
    common = _cli_profile(tmp_path)
    person = people.create_person({"family_name": "Kovalenko", "given_name": "Olena", "city": "Leipzig"})
    store_db.close_store()
    out = tmp_path / "vollmacht.pdf"
    result = run_cli(*common, "render", "vollmacht", "--person", person.id, "--out", str(out))
    assert result.returncode == 1 and not out.exists()
    assert "at least one" in result.stderr


# --- 13. letters to an office carry its numbers, never the app's own case number ------------------------------


@pytest.mark.parametrize("template_id", ["terminverlegung", "abgabe-anschreiben"])
def test_a_letter_for_any_office_to_the_jobcenter_carries_its_numbers(olena, template_id: str) -> None:
    case = cases.create_case({"person": olena.id, "case_type": "weiterbewilligung", "authority": "jobcenter"})
    subject = binding.subject_for(case_id=case.id)
    letter = service.template(template_id)
    assert letter.authority == "other"
    first = page_texts(service.output(letter, service.values_for(letter, subject), subject, "uk"))[0]
    assert "BG-Nummer: 12345BG6789012" in first and "Kundennummer: 123D456789" in first


def test_nothing_that_goes_to_an_office_shows_the_apps_case_number(olena) -> None:
    case = cases.create_case({"person": olena.id, "case_type": "widerspruch"})
    reference = binding.subject_for(case_id=case.id).case.reference
    assert reference.startswith("V-")
    for t in service.templates():
        if not t.valid or t.kind == "acroform":
            continue
        subject = binding.subject_for(case_id=case.id)
        values = service.values_for(t, subject)
        values.update({s.fields[0].key: True for s in t.sections if s.one_yes_required})
        text = pdf_text(service.output(t, values, subject, "uk"))
        if t.kind == "checklist":  # stays with the client: the volunteers' number helps them find the case
            continue
        assert reference not in text, t.id


# --- 15. no unlabelled blank line for an unanswered choice -----------------------------------------------


@pytest.mark.parametrize(
    ("template_id", "key", "label"),
    [
        ("widerspruch", "akteneinsicht", "Akteneinsicht"),
        ("einwilligung-datenverarbeitung", "health_consent", "Gesundheitsdaten"),
    ],
)
def test_an_unanswered_choice_in_a_letter_is_labelled_with_its_answers_to_tick(
    olena, template_id: str, key: str, label: str
) -> None:
    case = cases.create_case({"person": olena.id, "case_type": "widerspruch"})
    subject = binding.subject_for(case_id=case.id)
    letter = service.template(template_id)
    values = service.values_for(letter, subject)
    values[key] = None
    german = page_texts(service.output(letter, values, subject, "uk"))
    body = " ".join(german)
    field = letter.field(key)
    assert f"{label} (bitte ankreuzen):" in body
    for choice in field.choices:
        assert f"☐ {' '.join(choice.label.de.split())}" in body
    values[key] = field.choices[0].value
    body = " ".join(page_texts(service.output(letter, values, subject, "uk")))
    assert "bitte ankreuzen" not in body and " ".join(field.choices[0].label.de.split()) in body


# --- 15. signatures with what they sign, named by role; consent to passing on social data; dates -------------


def _signature_page_has(pdf: bytes, caption: str, signed: str) -> bool:
    pages = page_texts(pdf)
    at = [n for n, text in enumerate(pages) if caption in text]
    return bool(at) and signed in pages[at[0]]


@pytest.mark.parametrize("lines", range(0, 46, 3))
def test_a_consent_is_never_signed_on_a_page_of_its_own(olena, lines: int) -> None:
    consent = service.template("einwilligung-datenverarbeitung")
    subject = binding.subject_for(person_id=olena.id)
    values = service.values_for(consent, subject)
    values.update(initiative_name="Leipzig hilft e. V.", health_consent="ja", retention="zwölf Monate nach dem Ende")
    values["initiative_contact"] = "\n".join(["Eisenbahnstraße 1, 04315 Leipzig"] + ["kontakt@example.org"] * lines)
    pdf = service.output(consent, values, subject, "uk")
    assert _signature_page_has(pdf, "Unterschrift der einwilligenden Person", "Eine Kopie habe ich erhalten")


@pytest.mark.parametrize("lines", range(0, 40, 3))
def test_a_worksheet_keeps_its_last_rows_with_the_signature(olena, lines: int) -> None:
    sheet = service.template("arbeitsblatt-aufenthaltserlaubnis-24")
    subject = binding.subject_for(person_id=olena.id)
    values = service.values_for(sheet, subject)
    values["documents_extra"] = "\n".join(["Heiratsurkunde (Kopie)"] * (lines + 1))
    last = [f for f in sheet.fields() if f.relevant is None][-1]
    pdf = service.output(sheet, values, subject, "uk")
    assert _signature_page_has(pdf, "Unterschrift der antragstellenden Person", " ".join(last.label.de.split()))


def test_signature_lines_name_the_signers_role(olena) -> None:
    subject = binding.subject_for(person_id=olena.id)
    expected = {
        "vollmacht": "Unterschrift der Vollmachtgeberin / des Vollmachtgebers",
        "einwilligung-datenverarbeitung": "Unterschrift der einwilligenden Person",
        "schweigepflichtentbindung": "Unterschrift der einwilligenden Person",
    }
    for template_id, caption in expected.items():
        t = service.template(template_id)
        values = service.values_for(t, subject)
        values.update({s.fields[0].key: True for s in t.sections if s.one_yes_required})
        text = pdf_text(service.output(t, values, subject, "uk"))
        assert caption in text and "antragstellend" not in text, template_id
    assert "Unterschrift der bevollmächtigten Person" in pdf_text(
        service.output(service.template("vollmacht"), {**values, "scope_jobcenter": True}, subject, "uk")
    )


def test_the_release_says_it_is_consent_to_passing_on_social_data(olena) -> None:
    release = service.template("schweigepflichtentbindung")
    subject = binding.subject_for(person_id=olena.id)
    german, ukrainian = page_texts(service.output(release, service.values_for(release, subject), subject, "uk"))[:2]
    assert "§ 67b Abs. 2 SGB X" in german and "übermitteln" in german and "vom Sozialgeheimnis" not in german
    assert "§ 67b SGB X" in ukrainian


def test_the_appointment_checklist_lists_each_document_once_as_the_case_has_it(olena) -> None:
    case = cases.create_case({"person": olena.id, "case_type": "buergergeld_erstantrag"})
    item = next(i for i in cases.checklist(case.id) if i.item_key == "meldebescheinigung")
    cases.update_checklist_item(item.id, {"have": True})
    soon = dt.datetime.now().replace(second=0, microsecond=0) + dt.timedelta(days=2)
    from desktop.core import appointments

    appointments.create_appointment({"person": olena.id, "case": case.id, "starts_at": soon, "office": "Bürgeramt"})
    subject = binding.subject_for(case_id=case.id)
    checklist = service.template("termin-checkliste")
    text = pdf_text(service.output(checklist, service.values_for(checklist, subject), subject, "uk"))
    assert "☑ Aktuelle Meldebescheinigung" in text and "☐ Meldebescheinigung" not in text


def test_letters_take_the_appointment_date_never_the_print_date(olena) -> None:
    case = cases.create_case({"person": olena.id, "case_type": "buergergeld_erstantrag"})
    subject = binding.subject_for(case_id=case.id)
    application = service.template("antrag-sgb2-formlos")
    text = pdf_text(service.output(application, service.values_for(application, subject), subject, "uk"))
    assert f"Tag der Antragstellung: {dt.date.today():%d.%m.%Y}" not in text
    assert "Tag der Antragstellung: ____" in text  # a line to write the day it is handed in
    when = dt.datetime.combine(dt.date.today() + dt.timedelta(days=9), dt.time(9, 30))
    from desktop.core import appointments

    appointments.create_appointment({"person": olena.id, "case": case.id, "starts_at": when, "office": "Jobcenter"})
    subject = binding.subject_for(case_id=case.id)
    text = pdf_text(service.output(application, service.values_for(application, subject), subject, "uk"))
    assert f"Tag der Antragstellung: {when:%d.%m.%Y}" in text
    moving = service.template("terminverlegung")
    values = service.values_for(moving, subject)
    assert values["appointment_date"] == when.date()
    text = pdf_text(service.output(moving, values, subject, "uk"))
    assert f"Verlegung des Termins am {when:%d.%m.%Y}" in text and f"den Termin am {when:%d.%m.%Y}" in text


# --- 11. the Weiterbewilligung worksheet asks for the current circumstances in sections 2–4 ------------------


def test_the_wba_worksheet_asks_for_current_income_and_costs_not_only_changes(olena) -> None:
    case = cases.create_case({"person": olena.id, "case_type": "weiterbewilligung"})
    subject = binding.subject_for(case_id=case.id)
    sheet = service.template("arbeitsblatt-weiterbewilligung")
    values = service.values_for(sheet, subject)
    # nothing has changed since the last application – and yet the WBA asks for all of it
    values.update(marital_changed=False, moved=False, persons_changed=False, deductions_changed=False)
    values.update(income_now=True, income_detail="Kindergeld 255 € für Sofiia; Minijob Olena 520 € seit 2025")
    values.update(child_benefit=True, housing_costs=True, housing_kind="miete", housing_changed=False)
    values.update(rent_basic="450", rent_service="120", rent_heating="80")
    text = pdf_text(service.output(sheet, values, subject, "uk"))
    assert "Nur Änderungen" not in text and "Вказуйте лише зміни" not in text
    assert "nicht nur nach Änderungen, sondern nach den derzeitigen Verhältnissen" in text
    assert "Kindergeld 255 €" in text and "Minijob Olena 520 €" in text  # unchanged income is stated
    assert "450,00 €" in text and "120,00 €" in text and "80,00 €" in text  # unchanged costs are stated
    assert "auch wenn es sich nicht geändert hat" in text
    income = next(f for f in sheet.fields() if f.key == "income_detail")
    assert income.relevant is not None and income.relevant.field == "income_now"


# --- 14. one Anlage KI per child under 15 -------------------------------------------------------------------

KI_CHILD_NAME = "AnlageKI[0].Seite1[0].Teilformular1-2[0].Vorname[0]"
KI_CHILD_BORN = "AnlageKI[0].Seite1[0].Teilformular1-2[0].Geburtsort[0]"  # so named; printed: Geburtsdatum


def _family_with_three_children() -> tuple[object, list[object]]:
    mother = people.create_person(
        {"family_name": "Kovalenko", "given_name": "Olena", "birth_date": "1985-03-12", "city": "Leipzig"}
    )
    today = dt.date.today()
    kids = [
        people.create_person(
            {
                "family_name": "Kovalenko",
                "given_name": name,
                "birth_date": today.replace(year=today.year - age, day=1).isoformat(),
                "birth_place": "Irpin",
                "nationality": "UKR",
            }
        )
        for name, age in (("Sofiia", 12), ("Maksym", 9), ("Daryna", 4))
    ]
    teen = people.create_person({"family_name": "Kovalenko", "given_name": "Artem", "birth_date": "2008-05-01"})
    households.create_household(
        "Kovalenko",
        [(mother.id, "applicant"), *[(k.id, "child_u15") for k in kids], (teen.id, "child_15_24")],
    )
    cases.create_case({"person": mother.id, "case_type": "buergergeld_erstantrag"})
    return mother, kids


@needs_official
def test_an_anlage_ki_is_filled_for_each_child_under_15(store: store_db.Store) -> None:
    mother, kids = _family_with_three_children()
    ki = service.template("jobcenter-anlage-ki-2020")
    assert ki.per_child
    subject = binding.subject_for(person_id=mother.id, template=ki)
    children = binding.children_under_15(mother.id)
    assert [c.id for c in children] == [k.id for k in kids]  # eldest first; not Artem (16: Anlage WEP)
    for child in children:
        one = binding.for_child(subject, child)
        values = service.values_for(ki, one)
        assert values["child_given_name"] == child.given_name and values["child_nationality"] == "ukrainisch"
        back = acroform.read_values(service.official(ki, values, KI.read_bytes()).pdf)
        assert back[KI_CHILD_NAME] == child.given_name
        assert back[KI_CHILD_BORN] == child.birth_date.strftime("%d.%m.%Y")
        assert back["AnlageKI[0].Seite1[0].PersVorn[0]"] == "Olena"  # the applicant's part


@needs_official
def test_render_fills_one_anlage_ki_per_child_or_the_child_named(tmp_path: Path) -> None:
    common = _cli_profile(tmp_path)
    mother, kids = _family_with_three_children()
    store_db.close_store()
    out = tmp_path / "ki.pdf"
    args = ["render", "jobcenter-anlage-ki-2020", "--person", mother.id, "--blank", str(KI)]
    result = run_cli(*common, *args, "--out", str(out))
    assert result.returncode == 0, result.stderr
    written = [tmp_path / f"ki-{n}.pdf" for n in (1, 2, 3)]
    assert result.stdout.split() == [str(p) for p in written] and not out.exists()
    names = [acroform.read_values(p.read_bytes())[KI_CHILD_NAME] for p in written]
    assert names == ["Sofiia", "Maksym", "Daryna"]
    result = run_cli(*common, *args, "--child", kids[1].id, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert acroform.read_values(out.read_bytes())[KI_CHILD_NAME] == "Maksym"
    wrong = run_cli(*common, *args, "--child", mother.id, "--out", str(tmp_path / "x.pdf"))
    assert wrong.returncode == 4 and "not a child under 15" in wrong.stderr
    other = run_cli(*common, "render", "vollmacht", "--person", mother.id, "--child", kids[0].id, "--out", str(out))
    assert other.returncode == 4 and "Anlage KI" in other.stderr
