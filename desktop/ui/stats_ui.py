"""Tools › Statistics…: anonymous counts per month for the initiative and its funders, as charts and a table,
exported as CSV or as a PDF report. Counts from 1 to 4 show as "<5" and are not drawn in the charts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel import dates as babel_dates
from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.core.errors import os_reason
from desktop.core.network import stats as core
from desktop.core.store import db as store_db
from desktop.i18n import N_, _
from desktop.ui.common import DialogButtons, Retranslatable, ask_save_file, error_label, show_error
from desktop.ui.worker import run_in_background

#: Where the last export went, kept in the encrypted profile (a folder's name can be a client's).
FOLDER_SETTING = "stats_export_folder"
#: Marks a month or category whose figure holds a value that is not drawn.
MARK = "*"


def export_folder() -> Path:
    value = store_db.current().get_setting(FOLDER_SETTING, "")
    folder = Path(value) if value else Path.home()
    return folder if folder.is_dir() else Path.home()


def remember_folder(folder: Path) -> None:
    store = store_db.current()
    with store.db.atomic("IMMEDIATE"):
        store.set_setting(FOLDER_SETTING, str(folder))


def short_month(month: dt.date) -> str:
    """A month on a chart's axis or in the table's heading: "Jan 26", "січ. 26" (twelve fit side by side)."""
    return babel_dates.format_date(month, "LLL yy", locale=i18n.locale())


def axis_months(months: list[dt.date]) -> list[str]:
    """The months under a chart: the year only at the first month and at each January ("трав. 26" and its
    mark would be cut short side by side with eleven others)."""
    return [
        short_month(m) if i == 0 or m.month == 1 else babel_dates.format_date(m, "LLL", locale=i18n.locale())
        for i, m in enumerate(months)
    ]


def drawn(value: int) -> int:
    """The height a count is drawn at: a masked one not at all."""
    return 0 if core.is_masked(value) else value


class ChartPane(QWidget):
    """A chart with the note under it that says what is not drawn."""

    def __init__(self) -> None:
        super().__init__()
        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(300)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)

    def clear(self) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)

    def value_axis(self, top: float, alignment: Qt.AlignmentFlag, whole: bool = True) -> QValueAxis:
        """The axis of the values: whole steps for small counts, round steps (0, 2, 4 …) above."""
        axis = QValueAxis()
        if whole and top < 8:
            axis.setRange(0, int(top) + 1)
            axis.setTickCount(int(top) + 2)
        else:
            axis.setRange(0, max(top, 1.0))
            axis.applyNiceNumbers()
        axis.setLabelFormat("%d" if whole or axis.max() >= 5 else "%.1f")
        self.chart.addAxis(axis, alignment)
        return axis

    def category_axis(self, labels: list[str], alignment: Qt.AlignmentFlag) -> QBarCategoryAxis:
        axis = QBarCategoryAxis()
        axis.append(labels)
        if alignment == Qt.AlignmentFlag.AlignBottom and len(labels) > 6:
            axis.setLabelsAngle(-45)  # a year of months side by side would be cut to "лют. …"
        self.chart.addAxis(axis, alignment)
        return axis


class StatsDialog(Retranslatable, QDialog):
    """The period, three charts and the table of figures; Export CSV… and Save PDF report…."""

    def __init__(self, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        start, end = core.default_period(today)
        self.stats: core.Stats | None = None
        self._asked: tuple[dt.date, dt.date] | None = None
        self.start = QLineEdit(i18n.fmt_date_german(start))
        self.end = QLineEdit(i18n.fmt_date_german(end))
        for field in (self.start, self.end):
            field.setMaximumWidth(140)
        self.start_label, self.end_label = QLabel(), QLabel()
        self.start_label.setBuddy(self.start)
        self.end_label.setBuddy(self.end)
        self.state = QLabel()
        self.error = error_label()
        self.accompaniments, self.needs, self.hours = ChartPane(), ChartPane(), ChartPane()
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tabs = QTabWidget()
        for pane in (self.accompaniments, self.needs, self.hours, self.table):
            self.tabs.addTab(pane, "")
        self.csv_button, self.pdf_button = QPushButton(), QPushButton()
        self.buttons = DialogButtons(self, QDialogButtonBox.StandardButton.Close)
        # Nothing here accepts: Show counts again and the dialog stays; Enter in a date does the same.
        self.show_button = QPushButton()
        for button in (self.show_button, self.csv_button, self.pdf_button):
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.settle()
        self.show_button.clicked.connect(self.compute)
        self.start.returnPressed.connect(self.compute)
        self.end.returnPressed.connect(self.compute)
        self.buttons.rejected.connect(self.reject)
        self.csv_button.clicked.connect(self.export_csv)
        self.pdf_button.clicked.connect(self.save_pdf)
        period = QHBoxLayout()
        period.addWidget(self.start_label)
        period.addWidget(self.start)
        period.addSpacing(12)
        period.addWidget(self.end_label)
        period.addWidget(self.end)
        period.addSpacing(12)
        period.addWidget(self.state, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(period)
        layout.addWidget(self.error)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self.setTabOrder(self.start, self.end)
        self.setTabOrder(self.end, self.tabs)
        self.resize(1180, 660)
        self.retranslate_ui()
        self.start.setFocus()
        self.compute()

    # --- texts ------------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Statistics"))
        self.start_label.setText(_("&From:"))
        self.end_label.setText(_("&To:"))
        for field in (self.start, self.end):
            field.setPlaceholderText(_("DD.MM.YYYY"))
        self.start.setAccessibleName(_("First day of the period"))
        self.end.setAccessibleName(_("Last day of the period"))
        self.show_button.setText(_("&Show"))
        self.csv_button.setText(_("Export &CSV…"))
        self.pdf_button.setText(_("Save &PDF report…"))
        for index, title in enumerate(
            (N_("Accompaniments"), N_("Needs"), N_("Volunteers' hours"), N_("Table of figures"))
        ):
            self.tabs.setTabText(index, _(title))
        self.table.setAccessibleName(_("Table of figures"))
        self._show_state()
        self._fill()

    def _show_state(self) -> None:
        if self._asked is not None:
            self.state.setText(_("Counting…"))
        elif self.stats is not None:
            self.state.setText(
                _(
                    "Anonymous counts of whole months from {start} to {end}; counts from 1 to 4 are shown as “<5”."
                ).format(start=i18n.fmt_list_date(self.stats.start), end=i18n.fmt_list_date(self.stats.end))
            )
        else:
            self.state.setText("")
        self.csv_button.setEnabled(self.stats is not None and self._asked is None)
        self.pdf_button.setEnabled(self.csv_button.isEnabled())

    # --- computing ----------------------------------------------------------------------------------
    def _period(self) -> tuple[dt.date, dt.date] | None:
        try:
            start = i18n.parse_date(self.start.text())
            end = i18n.parse_date(self.end.text())
        except ValueError:
            show_error(self.error, lambda: _("This is not a valid date (DD.MM.YYYY)."))
            return None
        if start is None or end is None:
            show_error(self.error, lambda: _("Enter the first and the last day of the period."))
            return None
        if end < start:
            show_error(self.error, lambda: _("The period ends before it starts."))
            return None
        show_error(self.error, "")
        return start, end

    def compute(self) -> None:
        """Count the period typed, in the background (it reads every appointment, case, need and hour)."""
        period = self._period()
        if period is None:
            return
        self._asked = period
        self._show_state()
        start, end = period
        run_in_background(lambda: (period, core.compute(start, end)), self._computed, self._failed, self)

    def _computed(self, result: tuple[tuple[dt.date, dt.date], core.Stats]) -> None:
        period, stats = result
        if period != self._asked:  # an older question answered after a newer one was asked
            return
        self._asked = None
        self.stats = stats
        # The counts are of whole months: the fields say which (a day typed in the middle of a month widens).
        self.start.setText(i18n.fmt_date_german(stats.start))
        self.end.setText(i18n.fmt_date_german(stats.end))
        self._show_state()
        self._fill()

    def _failed(self, exc: Exception) -> None:
        self._asked = None
        self._show_state()
        show_error(self.error, lambda: _("The statistics could not be counted: {reason}").format(reason=str(exc)))

    # --- showing ------------------------------------------------------------------------------------
    def _fill(self) -> None:
        if self.stats is None:
            return
        self._fill_accompaniments(self.stats)
        self._fill_needs(self.stats)
        self._fill_hours(self.stats)
        self._fill_table(self.stats)
        for pane in (self.accompaniments, self.needs, self.hours):
            pane.view.setAccessibleName(pane.chart.title())
            pane.view.setAccessibleDescription(pane.note.text())

    def _fill_accompaniments(self, stats: core.Stats) -> None:
        pane = self.accompaniments
        pane.clear()
        pane.chart.setTitle(_(dict(core.COUNT_TABLES)["accompaniments"]))
        series = QStackedBarSeries()
        marked = [False] * len(stats.months)
        for key, counts in stats.accompaniments.items():
            bar = QBarSet(core.cases.authority_label(key))
            bar.append([float(drawn(n)) for n in counts])
            series.append(bar)
            marked = [m or core.is_masked(n) for m, n in zip(marked, counts, strict=True)]
        pane.chart.addSeries(series)
        labels = [label + (MARK if marked[i] else "") for i, label in enumerate(axis_months(stats.months))]
        series.attachAxis(pane.category_axis(labels, Qt.AlignmentFlag.AlignBottom))
        top = max(
            (sum(drawn(c[i]) for c in stats.accompaniments.values()) for i in range(len(stats.months))), default=0
        )
        series.attachAxis(pane.value_axis(top, Qt.AlignmentFlag.AlignLeft))
        pane.chart.legend().setVisible(bool(stats.accompaniments))
        pane.note.setText(
            self._note(any(marked), N_("Months marked * have such a value."))
            if stats.accompaniments
            else _("No accompaniment in this period.")
        )

    def _fill_needs(self, stats: core.Stats) -> None:
        pane = self.needs
        pane.clear()
        pane.chart.setTitle(_("Needs by category in the period: new and met"))
        series = QHorizontalBarSeries()
        new, met = QBarSet(_("New")), QBarSet(_("Met"))
        labels, top, any_marked = [], 0, False
        for category, counts in reversed(list(stats.needs_new.items())):  # the first category on top
            met_counts = stats.needs_met.get(category, [0] * len(counts))
            totals = (core.total_value(counts), core.total_value(met_counts))
            marked = any(isinstance(t, str) for t in totals)
            any_marked = any_marked or marked
            new.append(float(totals[0]) if isinstance(totals[0], int) else 0.0)
            met.append(float(totals[1]) if isinstance(totals[1], int) else 0.0)
            top = max([top, *(t for t in totals if isinstance(t, int))])
            labels.append(core.labels.label(core.labels.CATEGORY_LABELS, category) + (MARK if marked else ""))
        series.append(new)
        series.append(met)
        pane.chart.addSeries(series)
        series.attachAxis(pane.category_axis(labels, Qt.AlignmentFlag.AlignLeft))
        series.attachAxis(pane.value_axis(top, Qt.AlignmentFlag.AlignBottom))
        pane.chart.legend().setVisible(bool(labels))
        pane.note.setText(
            self._note(
                any_marked,
                N_("Categories marked * have such a value in a month; their bars are left out, see the table."),
            )
            if labels
            else _("No need was recorded in this period.")
        )

    def _fill_hours(self, stats: core.Stats) -> None:
        pane = self.hours
        pane.clear()
        pane.chart.setTitle(_("Volunteers' hours per month (including travel)"))
        series = QBarSeries()
        bar = QBarSet(_("Hours"))
        hours = [round(m / 60, 1) for m in stats.minutes]
        bar.append(hours)
        series.append(bar)
        pane.chart.addSeries(series)
        series.attachAxis(pane.category_axis(axis_months(stats.months), Qt.AlignmentFlag.AlignBottom))
        series.attachAxis(pane.value_axis(max(hours, default=0), Qt.AlignmentFlag.AlignLeft, whole=False))
        pane.chart.legend().setVisible(False)
        pane.note.setText(
            _("Hours are sums of time and are drawn as they are; how many volunteers gave them is in the table.")
        )

    @staticmethod
    def _note(marked: bool, where: str) -> str:
        text = _("Counts from 1 to 4 (“<5” in the table) are not drawn, so that no one can be recognised.")
        return f"{text} {_(where)}" if marked else text

    def _fill_table(self, stats: core.Stats) -> None:
        months = [short_month(m) for m in stats.months]
        sections = core.sections(stats)
        rows = sum(len(s.lines) + 1 for s in sections)
        self.table.clear()
        self.table.clearSpans()
        self.table.setColumnCount(len(months) + 2)
        self.table.setRowCount(rows)
        self.table.setHorizontalHeaderLabels(["", *months, _(core.TOTAL)])
        bold = QFont(self.table.font())
        bold.setBold(True)
        row = 0
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for section in sections:
            title = QTableWidgetItem(section.title)
            title.setFont(bold)
            self.table.setItem(row, 0, title)
            self.table.setSpan(row, 0, 1, len(months) + 2)
            row += 1
            for line in section.lines:
                label = QTableWidgetItem(line.label)
                self.table.setItem(row, 0, label)
                values = [*line.cells, line.total]
                for column, value in enumerate(values, start=1):
                    item = QTableWidgetItem(core.cell_text(value, line.kind, i18n.fmt_number))
                    item.setTextAlignment(right)
                    if line.kind == "total":
                        item.setFont(bold)
                    self.table.setItem(row, column, item)
                if line.kind == "total":
                    label.setFont(bold)
                row += 1
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), 320))

    # --- export -------------------------------------------------------------------------------------
    def _suggested(self, suffix: str) -> str:
        assert self.stats is not None
        stem = _("statistics")  # a file name: lower case, no spaces
        name = f"{stem}-{self.stats.start:%Y-%m-%d}-{self.stats.end:%Y-%m-%d}{suffix}"
        return str(export_folder() / name)

    def export_csv(self) -> None:
        if self.stats is None:
            return
        name = ask_save_file(
            self, _("Export statistics as CSV"), self._suggested(".csv"), _("CSV files for spreadsheets (*.csv)")
        )
        if name:
            self._write(Path(name), core.write_csv)

    def save_pdf(self) -> None:
        if self.stats is None:
            return
        name = ask_save_file(self, _("Save the statistics report"), self._suggested(".pdf"), _("PDF documents (*.pdf)"))
        if name:
            self._write(Path(name), core.write_pdf)

    def _write(self, path: Path, write) -> None:  # type: ignore[no-untyped-def]
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            write(self.stats, path)
        except OSError as exc:
            QGuiApplication.restoreOverrideCursor()
            reason = os_reason(exc.errno, writing=True)
            show_error(self.error, lambda: _("The file could not be written: {reason}").format(reason=reason))
            return
        QGuiApplication.restoreOverrideCursor()
        show_error(self.error, "")
        remember_folder(path.parent)
        self.state.setText(_("Saved {file}.").format(file=path.name))
