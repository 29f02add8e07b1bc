"""Tools › Statistics…: the dialog opens from the menu, counts in the background, shows the charts with masked
values left out, the masked table, and exports a CSV to the folder it remembers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCharts import QAbstractBarSeries
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.core.network import stats as core
from desktop.ui import stats_ui
from desktop.ui.qt_i18n import apply_language
from desktop.ui.stats_ui import StatsDialog
from tests import stats_data


@pytest.fixture
def data(store) -> dict[str, object]:
    return stats_data.build()


def _opened(qtbot, **kwargs) -> StatsDialog:  # type: ignore[no-untyped-def]
    dialog = StatsDialog(**kwargs)
    qtbot.addWidget(dialog)
    dialog.start.setText("01.01.2026")
    dialog.end.setText("31.03.2026")
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.stats is not None and dialog.stats.start == stats_data.START, timeout=10000)
    dialog.show()
    return dialog


def _sets(pane: stats_ui.ChartPane) -> dict[str, list[float]]:
    found = {}
    for series in pane.chart.series():
        assert isinstance(series, QAbstractBarSeries)
        for bar in series.barSets():
            found[bar.label()] = [bar.at(i) for i in range(bar.count())]
    return found


def test_the_charts_draw_the_counts_and_leave_masked_ones_out(qtbot, data) -> None:
    dialog = _opened(qtbot)
    accompaniments = _sets(dialog.accompaniments)
    assert accompaniments["Jobcenter"] == [6, 0, 0]
    assert accompaniments[core.cases.authority_label("other")] == [0, 5, 0]
    assert accompaniments[core.cases.authority_label("auslaenderbehoerde")] == [0, 0, 0]  # 2: not drawn
    assert accompaniments[core.cases.authority_label("familienkasse")] == [0, 0, 0]  # 1: not drawn
    axis = dialog.accompaniments.chart.axes(Qt.Orientation.Horizontal)[0]
    assert [label.endswith("*") for label in axis.categories()] == [True, True, False]
    assert "not drawn" in dialog.accompaniments.note.text()
    needs = _sets(dialog.needs)
    # Bottom to top: transport, pet care (3 new, 1 met: left out), housing.
    assert needs["New"] == [5, 0, 6] and needs["Met"] == [0, 0, 5]
    assert _sets(dialog.hours)["Hours"] == [12, 2, 0]


def test_the_table_shows_masked_figures(qtbot, data) -> None:
    dialog = _opened(qtbot)
    table = dialog.table
    rows = [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]
    by_label = {row[0]: row[1:] for row in rows}
    assert by_label["Jobcenter"] == ["6", "0", "0", "6"]
    assert by_label[core.cases.authority_label("auslaenderbehoerde")] == ["<5", "0", "0", "≥1"]
    assert by_label[core._(core.VOLUNTEERS_LABEL)] == ["6", "<5", "0", "6"]
    texts = " ".join(" ".join(row) for row in rows)
    assert stats_data.CANARY not in texts


def test_export_csv_writes_the_masked_rows_and_remembers_the_folder(qtbot, data, tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    asked: list[str] = []

    def ask(parent, title, suggested, filter_text):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return str(folder / "stats.csv")

    monkeypatch.setattr(stats_ui, "ask_save_file", ask)
    dialog = _opened(qtbot)
    qtbot.mouseClick(dialog.csv_button, Qt.MouseButton.LeftButton)
    text = (folder / "stats.csv").read_text(encoding="utf-8-sig")
    assert "Jobcenter;6;0;0;6" in text
    assert f"{core.cases.authority_label('auslaenderbehoerde')};<5;0;0;≥1" in text
    assert stats_data.CANARY not in text
    dialog.pdf_button.click()  # the next save dialog opens in the folder of the last one
    assert Path(asked[-1]).parent == folder
    assert Path(asked[0]).parent != folder


def test_a_wrong_period_is_said_and_nothing_is_counted(qtbot, data) -> None:
    dialog = _opened(qtbot)
    before = dialog.stats
    dialog.end.setText("01.12.2025")
    qtbot.keyClick(dialog.end, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error.isVisible()
    assert dialog.stats is before
    dialog.end.setText("31.01.2026")
    qtbot.keyClick(dialog.end, Qt.Key.Key_Return)  # Enter shows the period typed
    qtbot.waitUntil(lambda: dialog.stats is not before, timeout=10000)
    assert dialog.stats.months == [dt.date(2026, 1, 1)] and not dialog.error.isVisible()


@pytest.mark.parametrize("language", ["de", "uk"])
def test_the_dialog_speaks_the_language(qtbot, data, language: str) -> None:
    dialog = _opened(qtbot)
    apply_language(language)
    QApplication.processEvents()
    assert dialog.windowTitle() == {"de": "Statistik", "uk": "Статистика"}[language]
    assert (
        dialog.table.horizontalHeaderItem(dialog.table.columnCount() - 1).text()
        == {"de": "Gesamt", "uk": "Разом"}[language]
    )
    assert dialog.tabs.tabText(0) == {"de": "Begleitungen", "uk": "Супроводи"}[language]
    axis = dialog.hours.chart.axes(Qt.Orientation.Horizontal)[0]
    assert axis.categories()[0] == {"de": "Jan 26", "uk": "січ. 26"}[language]
    assert dialog.hours.chart.series()[0].barSets()[0].label() == {"de": "Stunden", "uk": "Години"}[language]


def test_the_tools_menu_opens_the_dialog(qtbot, store, monkeypatch) -> None:
    from desktop.ui.main_window import MainWindow

    opened: list[StatsDialog] = []
    monkeypatch.setattr(StatsDialog, "exec", lambda self: opened.append(self) or 0)
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.act_stats in window.menu_tools.actions()
    window.act_stats.trigger()
    assert len(opened) == 1


def test_save_pdf_writes_the_report(qtbot, data, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "report.pdf"
    monkeypatch.setattr(stats_ui, "ask_save_file", lambda *args: str(target))
    dialog = _opened(qtbot)
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes().startswith(b"%PDF")
    assert target.name in dialog.state.text()
    monkeypatch.setattr(stats_ui, "ask_save_file", lambda *args: str(tmp_path / "missing" / "report.pdf"))
    dialog.pdf_button.click()  # a folder that is not there: said in the dialog, nothing else happens
    assert dialog.error.isVisible()


def test_an_empty_period_says_so(qtbot, store) -> None:
    dialog = StatsDialog()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.stats is not None, timeout=10000)
    assert dialog.needs.note.text() == "No need was recorded in this period."
    assert dialog.accompaniments.note.text() == "No accompaniment in this period."
    assert _sets(dialog.hours)["Hours"] == [0.0] * 12  # the last twelve months, none with hours
