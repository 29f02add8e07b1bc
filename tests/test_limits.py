"""Bounded inputs: imports state their limits and refuse more before the work, files that are no regular file
are never read, and names have a maximum length in the editor, the import and the command line."""

from __future__ import annotations

import io
import os
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from desktop.core import importer, input_files, people, validation
from desktop.core.errors import UserError, ValidationError
from desktop.core.importer import ImportFailed
from desktop.core.store import db as store_db
from desktop.core.store.models import Person

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero are POSIX")


def _elapsed(function, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


# --- files that are not regular files -----------------------------------------------------------------


@posix_only
@pytest.mark.timeout(10)
@pytest.mark.parametrize("kind", ["fifo", "zero", "folder"])
def test_a_pipe_a_device_or_a_folder_is_refused_without_reading(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "people.csv"
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading would wait for a writer; reading it would never end
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    with pytest.raises(ImportFailed, match=r"people\.csv cannot be opened") as caught:
        importer.plan_import(path)
    assert isinstance(caught.value, UserError)
    with pytest.raises(input_files.InputRefused):
        input_files.read_input(path, 1024)
    with pytest.raises(input_files.InputRefused):
        input_files.read_passphrase_file(path)


def test_a_file_above_its_limit_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Nachname\n" + "Koval\n" * 100, encoding="utf-8")
    monkeypatch.setattr(importer, "MAX_FILE_BYTES", 100)
    with pytest.raises(ImportFailed, match="too large"):
        importer.plan_import(path)
    with pytest.raises(input_files.InputRefused, match="at most 1 KB"):
        input_files.read_input(path, 100)


# --- passphrase files ---------------------------------------------------------------------------------


def test_a_passphrase_file_is_its_text_without_the_line_break(tmp_path: Path) -> None:
    path = tmp_path / "pass.txt"
    path.write_bytes("Kyjiw-Leipzig 2022 €\r\n".encode())
    assert input_files.read_passphrase_file(path) == "Kyjiw-Leipzig 2022 €"


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"secret\x00secret", "geheim".encode("utf-16"), b"\xff\xfe\xfa"],
)
def test_a_binary_passphrase_file_is_refused_with_a_clear_message(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "key.bin"
    path.write_bytes(content)
    with pytest.raises(input_files.InputRefused, match=r"key\.bin does not hold a line of text"):
        input_files.read_passphrase_file(path)


def test_a_large_passphrase_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pass.txt"
    path.write_text("x" * (input_files.PASSPHRASE_FILE_BYTES + 1), encoding="utf-8")
    with pytest.raises(input_files.InputRefused, match="too large"):
        input_files.read_passphrase_file(path)


@pytest.mark.timeout(60)
def test_the_cli_refuses_a_binary_passphrase_file_and_a_fifo_blank(tmp_path: Path) -> None:
    from tests.test_cli import run_cli

    key = tmp_path / "key.bin"
    key.write_bytes(b"\x00\x01\x02binary")
    result = run_cli("--data-dir", str(tmp_path / "p"), "--passphrase-file", str(key), "init")
    assert result.returncode != 0 and "key.bin" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "p" / "profile.db").exists()


@posix_only
@pytest.mark.timeout(20)
def test_a_blank_form_that_is_a_device_is_refused(tmp_path: Path) -> None:
    from desktop.core.forms import templates
    from desktop.core.reports import acroform

    template = next(t for t in templates.load_all() if t.kind == "acroform")
    zero = tmp_path / "blank.pdf"
    zero.symlink_to("/dev/zero")
    with pytest.raises(acroform.BlankFormError, match=r"blank\.pdf cannot be opened"):
        acroform.remember_blank(template, zero)


# --- import limits ------------------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_a_line_of_fifty_thousand_separators_is_read_in_linear_time(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Nachname;Vorname\n" + "Koval;Anna\n" * 40_000 + ";" * 50_000 + "\n", encoding="utf-8")
    plan, seconds = _elapsed(importer.plan_import, path)
    assert len(plan.rows) == 40_000 and not plan.errors and seconds < 10
    path.write_text("Nachname;Vorname\n" + "Koval;Anna\n" * 10 + ";" * 50_000 + "x\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="Line 12 has more than 100 columns"):
        importer.plan_import(path)


@pytest.mark.timeout(20)
def test_empty_cells_right_of_the_column_limit_are_passed_over(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Nachname;Vorname" + ";" * 300 + "\nKoval;Anna" + ";" * 300 + "\n", encoding="utf-8")
    plan = importer.plan_import(path)
    assert plan.rows == [{"family_name": "Koval", "given_name": "Anna"}]


@pytest.mark.timeout(10)
def test_an_xlsx_with_one_cell_at_xfd1048576_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "far.xlsx"
    book = openpyxl.Workbook()
    book.active["XFD1048576"] = "x"
    book.save(path)
    start = time.perf_counter()
    with pytest.raises(ImportFailed, match="more than 100 columns"):
        importer.plan_import(path)
    assert time.perf_counter() - start < 1.0
    book = openpyxl.Workbook()
    book.active.append(["Nachname", "Vorname"])
    book.active.append(["Koval", "Anna"])
    book.active["A1048576"] = "x"
    book.save(path)
    with pytest.raises(ImportFailed, match="more than 100,000 rows"):
        importer.plan_import(path)


def _xlsx_with_rows(path: Path, rows: int) -> None:
    """A workbook whose sheet has ``rows`` rows below its header, its XML written straight into the zip (small
    on disk, as a crafted file is)."""
    book = openpyxl.Workbook()
    book.active.append(["Nachname"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
                continue
            with target.open(info.filename, "w") as out:
                out.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b'<dimension ref="A1"/><sheetData>'
                    b'<row r="1"><c r="A1" t="inlineStr"><is><t>Nachname</t></is></c></row>'
                )
                chunk = []
                for r in range(2, rows + 2):
                    chunk.append(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>K</t></is></c></row>' % (r, r))
                    if len(chunk) == 10_000:
                        out.write(b"".join(chunk))
                        chunk = []
                out.write(b"".join(chunk) + b"</sheetData></worksheet>")


@pytest.mark.timeout(60)
def test_an_xlsx_with_more_rows_than_the_limit_is_refused_without_reading_them_all(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    _xlsx_with_rows(path, 1_000_000)
    assert path.stat().st_size < 10 * 1024 * 1024
    with pytest.raises(ImportFailed, match="more than 100,000 rows"):
        importer.plan_import(path)


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bomb.xlsx"
    _xlsx_with_rows(path, 1_000)
    monkeypatch.setattr(importer, "MAX_UNPACKED_BYTES", 20_000)
    with pytest.raises(ImportFailed, match="unpacks to more than"):
        importer.plan_import(path)


def test_a_csv_with_more_rows_than_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "MAX_ROWS", 5)
    path = tmp_path / "people.csv"
    path.write_text("Nachname;Vorname\n" + "Koval;\n" * 5 + ";\n" * 20, encoding="utf-8")  # empty rows below: fine
    assert len(importer.plan_import(path).rows) == 5
    path.write_text("Nachname;Vorname\n" + "Koval;\n" * 6, encoding="utf-8")
    with pytest.raises(ImportFailed, match="more than 5 rows"):
        importer.plan_import(path)


def test_a_nul_character_in_a_cell_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Nachname;Vorname\n" + "Koval;Anna\n" * 1000 + "Ko\x00val;Anna\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="Line 1002 holds a NUL character"):
        importer.plan_import(path)


def test_a_long_cell_is_a_problem_of_its_row(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Nachname;Notizen\nKoval;" + "x" * 1001 + "\nMelnyk;kurz\n", encoding="utf-8")
    plan = importer.plan_import(path)
    assert [(e.line, e.column) for e in plan.errors] == [(2, "Notizen")] and "1,001" in plan.errors[0].reason


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Прізвище;Ім'я\nКоваленко;Олена\nШевченко;Тарас\n", "koi8-u"),
        ("Фамилия;Имя;Примечание\nКоваленко;Ольга;Большой дом\n", "cp866"),
        ("Фамилия;Имя;Примечание\nКоваленко;Ольга;Большой дом\n", "mac-cyrillic"),
        ("Фамилия;Имя;Примечание\nКоваленко;Ольга;Большой дом\n", "iso8859-5"),
        ("Nachname;Vorname;Straße\nMüller;Jörg;Hauptstraße 5\n", "mac-roman"),
        ("Nachname;Vorname;Straße\nMüller;Jörg;Hauptstraße 5\n", "cp850"),
    ],
)
def test_a_csv_in_an_encoding_that_is_not_documented_is_refused(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(ImportFailed, match="encoding of the file is not recognised"):
        importer.plan_import(path)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1251"])
def test_documented_encodings_still_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes("Прізвище;Ім'я\nКоваленко;Олена\n".encode(encoding))
    assert importer.plan_import(path).rows[0]["family_name_cyr"] == "Коваленко"


def test_a_large_csv_is_read_in_chunks_with_a_word_across_their_border(tmp_path: Path) -> None:
    """The encoding is told chunk by chunk; a Cyrillic word cut by a chunk's end still counts as one."""
    rows = "".join(f"Коваленко;Олена{i}\n" for i in range(80_000))
    path = tmp_path / "people.csv"
    path.write_bytes(("Прізвище;Ім'я\n" + rows).encode("cp1251"))
    assert path.stat().st_size > 1024 * 1024
    plan = importer.plan_import(path)
    assert len(plan.rows) == 80_000 and plan.rows[-1]["given_name_cyr"] == "Олена79999"


# --- name length ---------------------------------------------------------------------------------------


def test_names_have_a_maximum_length_in_every_name_field() -> None:
    limit = validation.NAME_MAX_LENGTH
    for field in validation.NAME_FIELDS:
        assert validation.validate_field(field, "Я" * limit) is None
        problem = validation.validate_field(field, "Я" * (limit + 1))
        assert problem and str(limit) in problem
        assert field in people.validate({"family_name": "Koval", field: "x" * (limit + 1)})


def test_creating_a_person_with_an_overlong_name_is_refused(store: store_db.Store) -> None:
    with pytest.raises(ValidationError) as caught:
        people.create_person({"family_name_cyr": "Щ" * 8000})
    assert caught.value.field == "family_name_cyr" and Person.select().count() == 0


@pytest.mark.timeout(30)
def test_an_import_names_the_line_and_column_of_an_overlong_name(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "Прізвище;Ім'я\nКоваль;Анна\n" + "Щ" * 8000 + ";Олена\nМельник;" + "Щ" * 300 + "\n", encoding="utf-8"
    )
    plan, seconds = _elapsed(importer.plan_import, path)
    assert seconds < 5
    assert [(e.line, e.column) for e in plan.errors] == [(3, "Прізвище"), (4, "Ім'я")]  # not its passport form
    assert "200" in plan.errors[1].reason and len(plan.rows) == 1


@pytest.mark.timeout(120)
def test_the_cli_refuses_an_overlong_name_and_transliterates_long_text_quickly(tmp_path: Path) -> None:
    from tests.test_cli import PASSPHRASE, run_cli

    passphrase = tmp_path / "pass.txt"
    passphrase.write_text(PASSPHRASE + "\n", encoding="utf-8")
    common = ["--data-dir", str(tmp_path / "p"), "--passphrase-file", str(passphrase)]
    assert run_cli(*common, "init").returncode == 0
    sheet = tmp_path / "people.csv"
    sheet.write_text("Nachname;Vorname\nKoval;Anna\n", encoding="utf-8")
    assert run_cli(*common, "import-csv", str(sheet)).returncode == 0
    from desktop.core import profile

    profile.unlock(tmp_path / "p", PASSPHRASE)
    person = Person.get()
    store_db.close_store()
    edit = run_cli(*common, "edit", "person", person.id, "--set", "given_name=" + "A" * 201)
    assert edit.returncode != 0 and "200" in edit.stderr and "Traceback" not in edit.stderr
    start = time.perf_counter()
    translit = run_cli("translit", "Щ" * 30_000)
    assert translit.returncode == 0 and translit.stdout.strip() == "SHCH" * 30_000
    assert time.perf_counter() - start < 30


def test_the_person_editor_shows_an_overlong_name(qtbot, store: store_db.Store) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.person_editor import PersonEditor

    editor = PersonEditor()
    qtbot.addWidget(editor)
    editor.show()
    editor.edits["family_name_cyr"].setText("Щ" * 201)
    editor.edits["family_name_cyr"].editingFinished.emit()
    assert editor.errors["family_name_cyr"].isVisible() and "200" in editor.errors["family_name_cyr"].text()
    editor.save()
    assert Person.select().count() == 0
    editor.edits["family_name_cyr"].setText("Щербина")
    editor.save()
    assert Person.select().count() == 1
