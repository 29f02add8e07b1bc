"""Anonymous statistics: counts equal the data, small counts masked in every output, totals that do not
reveal a masked cell, no name, id or free text anywhere (core and begleiter-cli)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop import cli, i18n
from desktop.core.network import stats
from desktop.core.store import db as store_db
from tests import stats_data
from tests.conftest import PASSPHRASE


@pytest.fixture
def data(store: store_db.Store) -> dict[str, object]:
    return stats_data.build()


@pytest.fixture
def computed(data: dict[str, object]) -> stats.Stats:
    return stats.compute(stats_data.START, stats_data.END)


def test_every_count_equals_the_data(computed: stats.Stats) -> None:
    s = computed
    assert s.months == [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    # Jobcenter by the office of the directory, Ausländerbehörde by the case, Familienkasse by the case when
    # the office key is unknown, "other" with neither; no volunteer, deleted, April: not counted.
    assert s.accompaniments == {
        "jobcenter": [6, 0, 0],
        "auslaenderbehoerde": [2, 0, 0],
        "familienkasse": [0, 1, 0],
        "other": [0, 5, 0],
    }
    assert s.cases_opened == {"widerspruch": [5, 0, 0], "anmeldung": [0, 0, 7], "kindergeld": [0, 3, 0]}
    assert s.cases_outcome == {"decided": [0, 0, 5], "closed": [0, 0, 2]}
    assert s.needs_new == {"housing": [6, 0, 0], "pet_care": [0, 3, 0], "transport": [0, 0, 5]}  # offers left out
    assert s.needs_met == {"housing": [5, 0, 0], "pet_care": [0, 1, 0]}
    assert s.needs_days == {"housing": [[2, 4, 6, 8, 10], [], []], "pet_care": [[], [3], []]}
    assert s.minutes == [6 * 120, 2 * 60, 0]  # the deleted March entry is left out
    assert s.volunteers == [6, 2, 0]
    assert s.volunteers_in_period == 6


def test_the_period_takes_whole_months(data: dict[str, object]) -> None:
    """A period is widened to whole months: two periods a day apart would tell that day's count, which the
    masking hides."""
    s = stats.compute(dt.date(2026, 1, 8), dt.date(2026, 2, 10))
    assert (s.start, s.end) == (dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    assert s.months == [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    assert s.accompaniments["jobcenter"] == [6, 0]  # 5 to 10 January, not only from the 8th
    assert s.accompaniments["other"] == [0, 5]
    assert s.accompaniments["familienkasse"] == [0, 1]  # 20 February: the month is whole
    assert s.minutes == [720, 120]
    assert stats.to_json(s) == stats.to_json(stats.compute(dt.date(2026, 1, 1), dt.date(2026, 2, 28)))
    assert stats.whole_months(dt.date(2024, 2, 10), dt.date(2024, 2, 10)) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert stats.whole_months(dt.date(2026, 12, 31), dt.date(2026, 12, 31))[1] == dt.date(2026, 12, 31)
    # Appointments not yet held are no accompaniments.
    early = stats.compute(dt.date(2026, 1, 1), dt.date(2026, 1, 31), now=dt.datetime(2026, 1, 7, 8))
    assert early.accompaniments == {"jobcenter": [2]}


def test_masking_and_totals() -> None:
    assert [stats.masked(n) for n in (0, 1, 4, 5, 17)] == ["0", "<5", "<5", "5", "17"]
    assert stats.total_value([6, 0, 7]) == 13
    assert stats.total_value([6, 2, 0]) == "≥7"  # 6 shown plus at least 1: nothing about the 2
    assert stats.total_value([3, 4]) == "≥2"
    assert stats.median_value([]) is None
    assert stats.median_value([1, 2, 3, 4]) == stats.MEDIAN_MASK
    assert stats.median_value([1, 2, 3, 4, 100]) == 3.0


def _visible(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def test_no_total_reveals_a_masked_cell(computed: stats.Stats) -> None:
    """For every count table: every exact total is the sum of shown cells only; a row or column with a
    masked cell never has an exact total (else total minus the shown cells would give the masked one)."""
    for section in stats.sections(computed):
        if section.key not in dict(stats.COUNT_TABLES):
            continue
        body = [line for line in section.lines if line.kind == "count"]
        total_line = section.lines[-1]
        for line in body:
            shown = [str(c) for c in line.cells]
            if stats.MASK in shown:
                assert str(line.total).startswith("≥"), (section.key, line.label)
            else:
                assert line.total == sum(int(c) for c in shown)
        for i in range(len(computed.months)):
            column = [str(line.cells[i]) for line in body]
            if stats.MASK in column:
                assert str(total_line.cells[i]).startswith("≥")
            else:
                assert total_line.cells[i] == sum(int(c) for c in column)
        # A lower bound is what anyone can add up from the shown table.
        for line in [*body, total_line]:
            if str(line.total).startswith("≥"):
                cells = [str(c) for c in line.cells]
                assert int(str(line.total)[1:]) == sum(
                    1 if c == stats.MASK else int(c[1:] if c[0] == "≥" else c) for c in cells
                )


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def _outputs(computed: stats.Stats, tmp_path: Path) -> dict[str, str]:
    pdf = tmp_path / "stats.pdf"
    stats.write_pdf(computed, pdf)
    return {"csv": stats.to_csv(computed), "json": stats.to_json(computed), "pdf": _pdf_text(pdf)}


@pytest.mark.parametrize("language", ["de", "uk"])
def test_small_counts_are_masked_in_every_output(computed: stats.Stats, tmp_path: Path, language: str) -> None:
    i18n.set_language(language)
    out = _outputs(computed, tmp_path)
    rows = list(csv.reader(io.StringIO(out["csv"].lstrip("\ufeff")), delimiter=";"))
    assert out["csv"].startswith("\ufeff")
    by_label = {(r[0], r[1]): r[2:] for r in rows[1:]}
    abh = next(v for (t, label), v in by_label.items() if label == stats.cases.authority_label("auslaenderbehoerde"))
    assert abh == ["<5", "0", "0", "≥1"]
    jobcenter = next(v for (t, label), v in by_label.items() if label == stats.cases.authority_label("jobcenter"))
    assert jobcenter == ["6", "0", "0", "6"]
    not_counts = {i18n._(stats.HOURS_LABEL)}
    cells = [c for r in rows[1:] if r[1] not in not_counts and r[0] != i18n._(stats.MEDIAN_TITLE) for c in r[2:]]
    assert "<5" in cells and not [c for c in cells if c in {"1", "2", "3", "4"}]  # no small count anywhere
    data = json.loads(out["json"])
    numbers = [v for t in data["tables"] for r in t["rows"] if r["kind"] == "count" for v in [*r["months"], r["total"]]]
    assert not [n for n in numbers if isinstance(n, int) and 0 < n < 5]
    assert "<5" in numbers
    assert "<5" in out["pdf"] and "≥13" in out["pdf"]
    abh_label = stats.cases.authority_label("auslaenderbehoerde", "de")
    assert f"{abh_label}\n" in out["pdf"]
    after = [x for x in out["pdf"].split(f"{abh_label}\n", 1)[1].split("\n") if x.strip()]
    start = 1 if language != "de" else 0  # the Ukrainian label under the German one
    assert after[start : start + 4] == ["<5", "0", "0", "≥1"]


def test_hours_and_small_volunteer_numbers(computed: stats.Stats) -> None:
    hours = next(s for s in stats.sections(computed) if s.key == "hours")
    assert hours.lines[0].cells == [12.0, 2.0, 0.0] and hours.lines[0].total == 14.0  # sums of time: shown
    assert hours.lines[1].cells == [6, "<5", 0] and hours.lines[1].total == 6


def test_medians_rest_on_five_needs_or_more(computed: stats.Stats) -> None:
    needs = next(s for s in stats.sections(computed) if s.key == "needs_days")
    by_key = {line.key: line for line in needs.lines}
    assert by_key["housing"].cells == [6.0, None, None]
    assert by_key["pet_care"].cells == [None, stats.MEDIAN_MASK, None]
    assert by_key[""].total == 5.0  # 2, 3, 4, 6, 8, 10


def test_no_name_id_or_free_text_in_any_output(data: dict[str, object], tmp_path: Path) -> None:
    computed = stats.compute(stats_data.START, stats_data.END)
    ids = stats_data.identifiers(data["made"])  # type: ignore[arg-type]
    ids.append(store_db.current().volunteer_id or "")
    for language in ("en", "de", "uk"):
        i18n.set_language(language)
        for kind, text in _outputs(computed, tmp_path).items():
            assert stats_data.CANARY not in text, kind
            for record_id in filter(None, ids):
                assert record_id not in text and record_id[:8] not in text, kind
            assert "Test Volunteer" not in text


def test_csv_opens_as_a_grid_with_months_as_columns(computed: stats.Stats) -> None:
    i18n.set_language("de")
    rows = list(csv.reader(io.StringIO(stats.to_csv(computed).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Tabelle", "Zeile", "Jan. 2026", "Feb. 2026", "März 2026", "Gesamt"]
    assert all(len(r) == 6 for r in rows)
    hours = next(r for r in rows if r[1].startswith("Geleistete Stunden"))
    assert hours[2:] == ["12", "2", "0", "14"]


def test_the_pdf_has_embedded_fonts_and_german_headings(computed: stats.Stats, tmp_path: Path) -> None:
    i18n.set_language("uk")
    path = tmp_path / "s.pdf"
    stats.write_pdf(computed, path)
    text = _pdf_text(path)
    assert "Anonyme Statistik" in text and "Анонімна статистика" in text
    assert "Begleitungen nach Amt" in text
    reader = PdfReader(str(path))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
    assert all("DejaVu" in f for f in fonts)


# --- begleiter-cli stats ------------------------------------------------------------------------------------
def _cli(profile_dir: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    store_db.close_store()
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    return cli.main(["--data-dir", str(profile_dir), "stats", *args])


def test_cli_json_is_masked(
    data: dict[str, object], profile_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(profile_dir, monkeypatch, "--json", "--from", "2026-01-01", "--to", "31.03.2026") == cli.EXIT_OK
    out = capsys.readouterr().out
    loaded = json.loads(out)
    assert loaded["months"] == ["2026-01", "2026-02", "2026-03"]
    table = next(t for t in loaded["tables"] if t["key"] == "accompaniments")
    rows = {r.get("key", ""): r for r in table["rows"]}
    assert rows["jobcenter"]["months"] == [6, 0, 0]
    assert rows["auslaenderbehoerde"]["months"] == ["<5", 0, 0]
    assert rows[""]["total"] == "≥13"
    assert stats_data.CANARY not in out


def test_cli_table_and_files(
    data: dict[str, object],
    profile_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    csv_path, pdf_path = tmp_path / "s.csv", tmp_path / "s.pdf"
    args = ("--from", "1.1.2026", "--to", "31.3.2026", "--csv", str(csv_path), "--pdf", str(pdf_path))
    assert _cli(profile_dir, monkeypatch, *args) == cli.EXIT_OK
    out = capsys.readouterr().out
    jobcenter = next(line for line in out.splitlines() if line.startswith("Jobcenter"))
    assert jobcenter.split() == ["Jobcenter", "6", "0", "0", "6"]
    abh = next(line for line in out.splitlines() if line.startswith("Immigration office"))
    assert abh.split()[-4:] == ["<5", "0", "0", "≥1"]
    assert stats_data.CANARY not in out
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert pdf_path.read_bytes().startswith(b"%PDF")


def test_cli_refuses_a_period_that_ends_before_it_starts(
    store: store_db.Store, profile_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(profile_dir, monkeypatch, "--from", "2026-03-01", "--to", "2026-02-01") == cli.EXIT_USAGE
    assert _cli(profile_dir, monkeypatch, "--from", "31.02.2026") == cli.EXIT_USAGE


def test_default_period_is_the_last_twelve_months() -> None:
    assert stats.default_period(dt.date(2026, 12, 3)) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert stats.default_period(dt.date(2026, 3, 31)) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
