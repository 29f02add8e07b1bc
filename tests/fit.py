"""What a user cannot read: labels, buttons, check boxes and column headings whose text does not fit.

Used by the fit tests: every area and dialog, in de, uk and en, at the smallest supported screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QHeaderView,
    QLabel,
    QTableView,
    QTreeView,
    QWidget,
)

#: The smallest screen the app supports.
SCREEN = (1280, 720)


def _name(widget: QWidget) -> str:
    text = getattr(widget, "text", lambda: "")()
    return f"{type(widget).__name__} {widget.objectName() or ''}{text[:60]!r}"


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    room = label.contentsRect()
    if label.wordWrap():
        needed = label.heightForWidth(room.width())
        if needed > room.height() + 1:
            return f"wrapped text needs {needed} px of height, has {room.height()}"
        return None
    hint = label.sizeHint()
    if hint.width() > label.width() + 1:
        return f"needs {hint.width()} px of width, has {label.width()}"
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    if not button.text():
        return None
    hint = button.sizeHint()
    if hint.width() > button.width() + 1:
        return f"needs {hint.width()} px of width, has {button.width()}"
    return None


def _header_problems(view: QTableView | QTreeView) -> list[str]:
    header: QHeaderView = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
    model = view.model()
    if model is None or not header.isVisible():
        return []
    problems = []
    for section in range(header.count()):
        if header.isSectionHidden(section) or header.sectionSize(section) == 0:
            continue
        text = str(model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
        needed = header.sectionSizeHint(section)  # the heading with the style's margins (and sort arrow)
        if text and needed > header.sectionSize(section) + 1:
            problems.append(f"column heading {text!r} needs {needed} px, has {header.sectionSize(section)}")
    return problems


def clipped(root: QWidget) -> list[str]:
    """Everything visible in ``root`` whose text does not fit, one line each."""
    for _round in range(3):  # layouts settle over a few rounds of posted events
        QApplication.processEvents()
    problems: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        problem = None
        if isinstance(widget, QLabel):
            problem = _label_problem(widget)
        elif isinstance(widget, QAbstractButton) and not widget.inherits("QToolButton"):
            problem = _button_problem(widget)
        if problem:
            problems.append(f"{_name(widget)}: {problem}")
        if isinstance(widget, QTableView | QTreeView):
            problems.extend(f"{_name(widget)}: {p}" for p in _header_problems(widget))
        if isinstance(widget, QAbstractScrollArea) and not isinstance(widget, QTableView | QTreeView):
            bar = widget.horizontalScrollBar()
            if bar.isVisible() and bar.maximum() > 0:
                problems.append(f"{_name(widget)}: scrolls sideways by {bar.maximum()} px")
    return problems
