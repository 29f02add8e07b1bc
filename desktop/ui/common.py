"""Small helpers shared by the widgets."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QFormLayout, QLabel, QLayout, QWidget

ERROR_STYLE = "color: #b00020;"


class Retranslatable:
    """Mixin: calls ``retranslate_ui()`` whenever the application language changes."""

    def retranslate_ui(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)  # type: ignore[misc]


def error_label(parent: QWidget | None = None) -> QLabel:
    """A label for an inline error message, hidden while empty."""
    label = QLabel(parent)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def show_error(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


class LabelledForm(QFormLayout):
    """A form whose row labels are untranslated titles, set again on every language change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels: list[tuple[QLabel, str]] = []

    def add(self, title: str, field: QWidget | QLayout) -> QLabel:
        label = QLabel()
        if isinstance(field, QWidget):
            label.setBuddy(field)
        self.addRow(label, field)
        self._labels.append((label, title))
        return label

    def retranslate(self, translate) -> None:
        for label, title in self._labels:
            label.setText(translate(title) if title else "")
