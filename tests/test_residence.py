"""Effective validity of § 24 permits under the Fortgeltungsverordnung and its amendments (data-driven)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from desktop import i18n, paths
from desktop.core import residence
from desktop.core.residence import OrdinanceDataError, effective_validity, parse_ordinances

D = dt.date
TODAY = D(2026, 6, 1)
FIRST, SECOND, THIRD = "UkraineAufenthFGV-2023", "UkraineAufenthFGV-1-AendV-2024", "UkraineAufenthFGV-2-AendV-2025"


@pytest.mark.parametrize(
    ("printed", "expected", "steps"),
    [
        (D(2023, 12, 31), D(2023, 12, 31), []),  # not valid on 1 Feb 2024
        (D(2024, 1, 31), D(2024, 1, 31), []),
        (D(2024, 2, 1), D(2027, 3, 4), [FIRST, SECOND, THIRD]),
        (D(2024, 3, 1), D(2027, 3, 4), [FIRST, SECOND, THIRD]),
        (D(2025, 1, 31), D(2027, 3, 4), [FIRST, SECOND, THIRD]),
        (D(2025, 3, 4), D(2027, 3, 4), [SECOND, THIRD]),
        (D(2025, 6, 30), D(2027, 3, 4), [SECOND, THIRD]),
        (D(2026, 1, 31), D(2027, 3, 4), [SECOND, THIRD]),  # 4 Mar 2026 is valid on 1 Feb 2026
        (D(2026, 2, 1), D(2027, 3, 4), [SECOND, THIRD]),  # valid on 1 Feb 2025 as well
        (D(2026, 3, 4), D(2027, 3, 4), [THIRD]),
        (D(2027, 3, 4), D(2027, 3, 4), []),
        (D(2027, 6, 30), D(2027, 6, 30), []),
    ],
)
def test_permit_chain(printed: dt.date, expected: dt.date, steps: list[str]) -> None:
    result = effective_validity(printed, "24", today=TODAY)
    assert result.printed_until == printed
    assert result.effective_until == expected
    assert [rule.id for rule in result.steps] == steps


@pytest.mark.parametrize("kind", ["fiktion", "passport", "other"])
@pytest.mark.parametrize("printed", [D(2024, 2, 1), D(2025, 6, 30), D(2026, 2, 1)])
def test_other_kinds_are_never_extended(kind: str, printed: dt.date) -> None:
    result = effective_validity(printed, kind, today=TODAY)
    assert result.effective_until == printed
    assert result.steps == ()
    assert i18n.fmt_date(printed) in result.explanation


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="visa"):
        effective_validity(D(2025, 1, 1), "visa")


@pytest.mark.parametrize(
    ("printed", "kind", "today", "expired"),
    [
        (D(2023, 12, 31), "24", D(2024, 6, 1), True),
        (D(2024, 2, 1), "24", D(2027, 3, 4), False),  # valid through the whole last day
        (D(2024, 2, 1), "24", D(2027, 3, 5), True),
        (D(2025, 6, 30), "fiktion", D(2025, 7, 1), True),
        (D(2025, 6, 30), "24", D(2025, 7, 1), False),
    ],
)
def test_expired_relative_to_today(printed: dt.date, kind: str, today: dt.date, expired: bool) -> None:
    result = effective_validity(printed, kind, today=today)
    assert result.expired is expired
    assert (i18n.fmt_date(result.effective_until) in result.explanation) or not expired


def test_today_defaults_to_the_current_date() -> None:
    assert effective_validity(D(2020, 1, 1)).expired is True


def test_a_permit_issued_after_a_cut_off_day_is_not_extended_by_that_ordinance() -> None:
    result = effective_validity(D(2026, 3, 4), today=TODAY, issued_on=D(2026, 2, 10))
    assert result.effective_until == D(2026, 3, 4)
    assert result.steps == ()
    earlier = effective_validity(D(2026, 3, 4), today=TODAY, issued_on=D(2025, 12, 1))
    assert earlier.effective_until == D(2027, 3, 4)


@pytest.mark.parametrize("lang", ["de", "uk", "en"])
@pytest.mark.parametrize("printed", [D(2024, 3, 1), D(2026, 1, 31), D(2023, 12, 31), D(2027, 6, 30)])
def test_explanation_names_printed_and_effective_dates(lang: str, printed: dt.date) -> None:
    i18n.set_language(lang)
    result = effective_validity(printed, today=TODAY)
    assert i18n.fmt_date(printed) in result.explanation
    assert i18n.fmt_date(result.effective_until) in result.explanation
    for rule in result.steps:
        assert i18n.fmt_date(rule.valid_on) in result.explanation
        assert rule.source in result.explanation


@pytest.mark.parametrize(("lang", "word"), [("de", "Fortgeltungsverordnung"), ("uk", "постанова")])
def test_ordinance_names_follow_the_ui_language(lang: str, word: str) -> None:
    i18n.set_language(lang)
    result = effective_validity(D(2026, 1, 31), today=TODAY)
    assert word.casefold() in result.explanation.casefold()


def test_to_json() -> None:
    result = effective_validity(D(2025, 6, 30), today=TODAY)
    assert residence.to_json(result) == {"effective_until": "2027-03-04", "explanation": result.explanation}


# --- the data file ------------------------------------------------------------------------------------


def _shipped() -> dict[str, Any]:
    with (paths.resources_dir() / residence.ORDINANCES_FILE).open(encoding="utf-8") as fp:
        return dict(json.load(fp))


def test_shipped_table_loads() -> None:
    rules = residence.load_ordinances()
    assert [(r.valid_on, r.extended_until) for r in rules] == [
        (D(2024, 2, 1), D(2025, 3, 4)),
        (D(2025, 2, 1), D(2026, 3, 4)),
        (D(2026, 2, 1), D(2027, 3, 4)),
    ]
    for rule in rules:
        assert rule.applies_to == ("24",)
        assert set(rule.names) >= {"de", "uk", "en"}
        assert rule.source


def test_a_new_ordinance_is_a_data_change() -> None:
    data = _shipped()
    data["ordinances"].append(
        {
            "id": "hypothetical-2027",
            "name": {"de": "Neue Verordnung", "uk": "Нова постанова", "en": "New ordinance"},
            "applies_to": ["24"],
            "valid_on": "2027-02-01",
            "extended_until": "2028-03-04",
            "source": "test",
        }
    )
    result = effective_validity(D(2024, 2, 1), today=TODAY, rules=parse_ordinances(data))
    assert result.effective_until == D(2028, 3, 4)
    assert len(result.steps) == 4


def _broken(change: str) -> dict[str, Any]:
    data = copy.deepcopy(_shipped())
    entry = data["ordinances"][1]
    if change == "bad date":
        entry["valid_on"] = "01.02.2025"
    elif change == "missing date":
        del entry["extended_until"]
    elif change == "end before start":
        entry["extended_until"] = "2025-01-01"
    elif change == "unknown kind":
        entry["applies_to"] = ["24", "visa"]
    elif change == "no kinds":
        entry["applies_to"] = []
    elif change == "missing language":
        del entry["name"]["uk"]
    elif change == "no source":
        entry["source"] = " "
    elif change == "duplicate id":
        entry["id"] = data["ordinances"][0]["id"]
    return data


@pytest.mark.parametrize(
    "change",
    ["bad date", "missing date", "end before start", "unknown kind", "no kinds", "missing language", "no source"],
)
def test_bad_entries_are_named(change: str) -> None:
    with pytest.raises(OrdinanceDataError, match=r"entry 1 \('UkraineAufenthFGV-1-AendV-2024'\)"):
        parse_ordinances(_broken(change))


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(OrdinanceDataError, match="used twice"):
        parse_ordinances(_broken("duplicate id"))


@pytest.mark.parametrize("data", [[], {"ordinances": {}}, {"rules": []}])
def test_bad_top_level_is_refused(data: Any) -> None:
    with pytest.raises(OrdinanceDataError, match="ordinances"):
        parse_ordinances(data)


def test_entry_that_is_not_an_object_is_named() -> None:
    with pytest.raises(OrdinanceDataError, match="entry 0"):
        parse_ordinances({"ordinances": ["2024-02-01"]})


def test_invalid_json_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ordinances.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(OrdinanceDataError, match="not valid JSON"):
        residence.load_ordinances(path)


def test_the_issue_date_is_asked_for_where_it_decides_and_the_tools_take_it(qtbot, capsys) -> None:
    from desktop import cli
    from desktop.ui.tools_dialogs import PermitDialog

    assumed = residence.effective_validity(dt.date(2026, 12, 1), "24", today=dt.date(2026, 11, 21))
    assert assumed.effective_until > dt.date(2026, 12, 1) and "enter the issue date" in assumed.explanation
    later = residence.effective_validity(
        dt.date(2026, 12, 1), "24", today=dt.date(2026, 11, 21), issued_on=dt.date(2026, 2, 10)
    )
    assert later.effective_until == dt.date(2026, 12, 1) and "enter the issue date" not in later.explanation
    dialog = PermitDialog()
    qtbot.addWidget(dialog)
    dialog.printed.setText("01.12.2026")
    assert "1 Dec 2026" not in dialog.result.text().split("</b>")[0]
    dialog.issued.setText("10.02.2026")
    assert "1 Dec 2026" in dialog.result.text().split("</b>")[0]
    assert cli.main(["permit-validity", "--printed-until", "01.12.2026", "--issued-on", "10.02.2026"]) == 0
    assert capsys.readouterr().out.startswith("01.12.2026")
    assert cli.main(["deadline", "widerspruch", "--letter-date", "03.11.2026", "--no-instructions", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["due"] == "2027-11-08"  # a year, to the next working day
