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


@needs_official
def test_the_cli_refuses_to_write_an_official_form_with_a_value_cut_off(tmp_path: Path) -> None:
    from desktop.core import profile

    passphrase = tmp_path / "pass.txt"
    passphrase.write_text("correct horse battery staple\n", encoding="utf-8")
    common = ["--data-dir", str(tmp_path / "p"), "--passphrase-file", str(passphrase)]
    assert run_cli(*common, "init", "--language", "en").returncode == 0
    profile.unlock(tmp_path / "p", "correct horse battery staple")
    person = people.create_person({"family_name": "Kovalenko-" * 12, "given_name": "Olena", "city": "Leipzig"})
    cases.create_case({"person": person.id, "case_type": "buergergeld_erstantrag"})
    store_db.close_store()
    out = tmp_path / "ha.pdf"
    result = run_cli(
        *common, "render", "jobcenter-hauptantrag-2020", "--person", person.id, "--blank", str(HA), "--out", str(out)
    )
    assert result.returncode == 1 and not out.exists()
    assert "Family name" in result.stderr and "characters fit" in result.stderr
