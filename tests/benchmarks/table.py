"""The figures of one benchmark run and the table `make bench` prints (and the README shows, pasted).

Each benchmark records what it measured with the ``bench`` fixture; the figure knows its budget and decides
whether it holds, so the table and the test's assertion never disagree. A figure may have no budget
(reported only), and a baseline measured in the same run on the same machine, which gives the ratio.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: How a budget is held: the measured value (p95 where there is one, else the median) at most the budget;
#: the ratio to the baseline at most the budget ("4x a bare window"); the ratio at least the budget
#: ("3x faster than LibreOffice", the ratio being baseline / measured).
AT_MOST, RATIO_AT_MOST, RATIO_AT_LEAST = "at most", "ratio at most", "ratio at least"


@dataclass
class Figure:
    name: str
    unit: str  # "ms", "s", "MB"
    median: float
    p95: float | None = None
    budget: float | None = None
    kind: str = AT_MOST
    baseline: float | None = None
    baseline_name: str = ""
    #: measured / baseline, or baseline / measured when the figure is "n times faster than" the baseline.
    ratio: float | None = None
    note: str = ""

    @property
    def measured(self) -> float:
        return self.p95 if self.p95 is not None else self.median

    @property
    def ok(self) -> bool | None:
        if self.budget is None:
            return None
        if self.kind == AT_MOST:
            return self.measured < self.budget
        if self.ratio is None:
            return False
        return self.ratio <= self.budget if self.kind == RATIO_AT_MOST else self.ratio >= self.budget

    def budget_text(self) -> str:
        if self.budget is None:
            return "–"
        if self.kind == AT_MOST:
            which = "p95 " if self.p95 is not None else ""
            return f"{which}< {_number(self.budget)} {self.unit}"
        sign = "≤" if self.kind == RATIO_AT_MOST else "≥"
        return f"ratio {sign} {_number(self.budget)}"

    def describe(self) -> str:
        return " | ".join(_row(self))


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def _with_unit(value: float | None, unit: str) -> str:
    return "–" if value is None else f"{_number(value)} {unit}"


def _row(figure: Figure) -> list[str]:
    baseline = "–"
    if figure.baseline is not None:
        baseline = f"{figure.baseline_name} {_with_unit(figure.baseline, figure.unit)}"
    elif figure.baseline_name:
        baseline = figure.baseline_name
    result = {None: "reported", True: "ok", False: "**missed**"}[figure.ok]
    name = figure.name + (f" ({figure.note})" if figure.note else "")
    return [
        name,
        figure.budget_text(),
        _with_unit(figure.median, figure.unit),
        _with_unit(figure.p95, figure.unit),
        baseline,
        "–" if figure.ratio is None else f"{figure.ratio:.2f}",
        result,
    ]


HEADER = ["figure", "budget", "median", "p95", "baseline (same run)", "ratio", "result"]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        memory = f", {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.0f} GiB"
    try:
        from PySide6 import __version__ as qt
    except ImportError:  # pragma: no cover - PySide6 is a dependency
        qt = "?"
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; PySide6 {qt}"
    )


@dataclass
class Run:
    """All figures of one run, in the order they were measured."""

    quick: bool = False
    people: int = 0
    figures: list[Figure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def record(self, name: str, unit: str, median: float, **more: object) -> Figure:
        figure = Figure(name, unit, median, **more)  # type: ignore[arg-type]
        self.figures.append(figure)
        return figure

    def table(self) -> str:
        lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        lines += ["| " + " | ".join(_row(f)) + " |" for f in self.figures]
        lines += [f"| {reason} | – | – | – | – | – | skipped |" for reason in self.skipped]
        run = "quick run (fewer repetitions, " if self.quick else "full run ("
        lines += ["", f"Machine: {machine()}; {run}{self.people:,} people)."]
        return "\n".join(lines)

    def missed(self) -> list[Figure]:
        return [f for f in self.figures if f.ok is False]

    def write_json(self, path: Path) -> None:
        data = {
            "machine": machine(),
            "quick": self.quick,
            "people": self.people,
            "python": sys.version.split()[0],
            "figures": [{**asdict(f), "ok": f.ok} for f in self.figures],
            "skipped": self.skipped,
        }
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
