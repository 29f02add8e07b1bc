"""Small helpers shared by the widgets."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSettings, QSize, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QStyle,
    QTableView,
    QTabWidget,
    QWidget,
)

from desktop import i18n
from desktop.i18n import _

ERROR_STYLE = "color: #b00020;"


class Retranslatable:
    """Mixin: calls ``retranslate_ui()`` when the application language changes.

    A hidden widget (a closed dialog, a tab not shown) is retranslated when it is shown again, so
    leftover windows never reach for data that is gone.
    """

    _stale_language = False

    def retranslate_ui(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            if self.isVisible():  # type: ignore[attr-defined]
                self.retranslate_ui()
            else:
                self._stale_language = True
        super().changeEvent(event)  # type: ignore[misc]

    def showEvent(self, event: QEvent) -> None:
        if self._stale_language:
            self._stale_language = False
            self.retranslate_ui()
        super().showEvent(event)  # type: ignore[misc]


def area_title() -> QLabel:
    """The large title of an area (Today, People, Cases, …)."""
    title = QLabel()
    title.setStyleSheet("font-size: 15pt; font-weight: 600;")
    return title


#: The narrowest a list area's search field gets, so that its header fits a 1280-pixel screen in every language.
SEARCH_MIN_WIDTH = 200


def header_row(title: QLabel, search: QWidget, *widgets: QWidget) -> QHBoxLayout:
    """A list area's top row: its title, the search field taking the free width (its placeholder elided
    when narrow, never overlapped), a gap, then the rest; a label without a buddy (a count such as "… of
    the first 2,000 people found …") wraps instead of widening the window."""
    row = QHBoxLayout()
    row.addWidget(title)
    row.addSpacing(12)
    search.setMinimumWidth(SEARCH_MIN_WIDTH)
    row.addWidget(search, 1)
    row.addSpacing(12)
    for widget in widgets:
        if isinstance(widget, QLabel) and widget.buddy() is None:
            widget.setWordWrap(True)
        row.addWidget(widget)
    return row


def filter_combo(keys, on_change) -> tuple[QLabel, QComboBox]:
    """A "Show:" label and its combo box of filter keys (texts are set on retranslation)."""
    label, combo = QLabel(), QComboBox()
    for key in keys:
        combo.addItem("", key)
    label.setBuddy(combo)
    combo.currentIndexChanged.connect(lambda _i: on_change())
    return label, combo


def retranslate_filter(label: QLabel, combo: QComboBox, labels) -> None:
    """The "Show:" label and the filter's entries (untranslated labels by key) in the UI language."""
    label.setText(_("&Show:"))
    for i in range(combo.count()):
        combo.setItemText(i, _(labels[combo.itemData(i)]))


class _FitWhenShown(QObject):
    """Fits a table's columns to its rows when it is next shown (see fit_columns)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QTableView) and watched.property("fit_pending"):
            watched.setProperty("fit_pending", False)
            _fit(watched)
        return False


class _LastColumnReadable(QObject):
    """Keeps a list's last column at least as wide as its heading and values when the window is resized."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            table = watched.parent()
            if isinstance(table, QTableView):
                _stretch_or_scroll(table)
        return False


def _last_column(table: QTableView) -> int | None:
    header = table.horizontalHeader()
    for visual in range(header.count() - 1, -1, -1):
        logical = header.logicalIndex(visual)
        if not header.isSectionHidden(logical):
            return logical
    return None


def _stretch_or_scroll(table: QTableView) -> None:
    """The last column fills the free width when the columns fit; when they do not, it keeps the width its
    heading and values need (the list scrolls sideways) instead of being squeezed until its text is cut."""
    header = table.horizontalHeader()
    last = _last_column(table)
    natural = table.property("last_natural")
    if last is None or not natural:
        return
    others = sum(header.sectionSize(c) for c in range(header.count()) if c != last and not header.isSectionHidden(c))
    fits = others + int(natural) <= table.viewport().width()
    if header.stretchLastSection() != fits:
        header.setStretchLastSection(fits)
    if not fits and header.sectionSize(last) < int(natural):
        header.resizeSection(last, int(natural))


def _fit(table: QTableView) -> None:
    table.resizeColumnsToContents()
    samples = getattr(table.model(), "column_samples", list)()
    for column, sample in enumerate(samples):
        wanted = table.fontMetrics().horizontalAdvance(sample) + 16 if sample else 0
        if table.columnWidth(column) < wanted:
            table.setColumnWidth(column, wanted)
    last = _last_column(table)
    if last is not None:
        header = table.horizontalHeader()
        table.setProperty("last_natural", max(table.sizeHintForColumn(last), header.sectionSizeHint(last)))
        _stretch_or_scroll(table)


def fit_columns(table: QTableView) -> None:
    """Fit the columns to the loaded rows, never narrower than a column's typical value (a phone column
    fitted to rows without phones would cut the numbers a search finds): now if the table is on screen, else
    when it is first shown (the main window builds four lists at start and shows one)."""
    if table.isVisible():
        _fit(table)
        return
    if table.property("fit_pending") is None:
        table.installEventFilter(_FitWhenShown(table))
    table.setProperty("fit_pending", True)


#: Qt's own file dialog: the system ones remember the files chosen (Windows' recent-files lists, GTK's
#: recently-used.xbel), and a folder or file name can be a client's name.
_FILE_DIALOG = QFileDialog.Option.DontUseNativeDialog


def _forget_file_dialog_history() -> None:
    """Qt's file dialog keeps its recent folders in QtProject.conf outside the profile: removed each time."""
    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    for key in ("FileDialog/history", "FileDialog/lastVisited"):
        settings.remove(key)
    settings.sync()


def _ask_file(saving: bool, parent: QWidget | None, title: str, start: str, filter_text: str) -> str:
    """Qt's file dialog for opening or saving ("" when cancelled), leaving no trace outside the profile."""
    ask = QFileDialog.getSaveFileName if saving else QFileDialog.getOpenFileName
    try:
        name, _chosen = ask(parent, title, start, filter_text, options=_FILE_DIALOG)
    finally:
        _forget_file_dialog_history()
    return name


def ask_open_file(parent: QWidget | None, title: str, folder: str, filter_text: str) -> str:
    """A file to open, chosen in ``folder`` first."""
    return _ask_file(False, parent, title, folder, filter_text)


def ask_open_files(parent: QWidget | None, title: str, folder: str, filter_text: str) -> list[str]:
    """Files to open, several at once if the user likes, chosen in ``folder`` first ([] when cancelled)."""
    try:
        names, _chosen = QFileDialog.getOpenFileNames(parent, title, folder, filter_text, options=_FILE_DIALOG)
    finally:
        _forget_file_dialog_history()
    return names


def ask_save_file(parent: QWidget | None, title: str, suggested: str, filter_text: str) -> str:
    """Where to save, ``suggested`` proposed."""
    return _ask_file(True, parent, title, suggested, filter_text)


def list_table(model, on_activated) -> QTableView:
    """The read-only, row-selecting table every list area uses; Enter or a double click activates."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    table.viewport().installEventFilter(_LastColumnReadable(table))
    table.horizontalHeader().setResizeContentsPrecision(50)  # fit columns to the first rows, not all loaded
    table.setTabKeyNavigation(False)  # Tab leaves the list (the arrow keys move between its rows)
    table.activated.connect(on_activated)
    # New headings (a language switch) may be longer than the columns: every list refits then.
    model.headerDataChanged.connect(lambda *_args: fit_columns(table))
    return table


_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def is_plain_enter(event: QEvent) -> bool:
    """Return or Enter without a modifier (the keypad's own flag allowed): the key a dialog takes for its
    default button."""
    if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent) or event.key() not in _ENTER_KEYS:
        return False
    return not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)


class _EnterStopsHere(QObject):
    """See enter_activates."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not is_plain_enter(event) or not isinstance(watched, QAbstractItemView):
            return False
        if watched.state() != QAbstractItemView.State.EditingState:
            index = watched.currentIndex()
            if index.isValid():
                watched.activated.emit(index)  # what the view itself does on Enter (itemActivated follows)
        # An editor in a cell (a date being typed) passes its Enter on to the view: it ends there too.
        return True


def enter_activates(view: QAbstractItemView) -> QAbstractItemView:
    """A list or table inside a dialog: Enter activates (opens) its current line and stops there. Qt's views
    pass the key on, so the dialog would also press its default button (Save) and close."""
    view.installEventFilter(_EnterStopsHere(view))
    return view


class VerticalScroll(QScrollArea):
    """A scroll area for a long form: it scrolls up and down only and is never narrower than its form, so
    a long label in one language widens the dialog instead of adding a sideways scroll bar."""

    def __init__(self, body: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(body)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        body = self.widget()
        if body is None:
            return hint
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        width = body.minimumSizeHint().width() + bar + 2 * self.frameWidth()
        return QSize(max(hint.width(), width), hint.height())


def fit_tabs(dialog: QWidget, tabs: QTabWidget, narrowest: int) -> None:
    """Widen ``dialog`` (never below ``narrowest``) so that every tab title shows: with long titles (Ukrainian)
    the tab bar would hide its last tabs behind scroll arrows. Call after setting the titles."""
    layout = dialog.layout()
    margins = layout.contentsMargins() if layout is not None else None
    frame = (margins.left() + margins.right()) if margins is not None else 0
    dialog.setMinimumWidth(max(narrowest, tabs.tabBar().sizeHint().width() + frame + 8))


class ErrorLabel(QLabel):
    """An inline error message, hidden while empty. A message given as a function (see show_error) is
    written again in the new language when the language changes (every ErrorLabel, wherever it stands)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.setVisible(False)
        self._render: Callable[[], str] | None = None

    def show_message(self, message: str | Callable[[], str]) -> None:
        self._render = message if callable(message) else None
        text = message() if callable(message) else message
        self.setText(text)
        self.setVisible(bool(text))

    def retranslate(self) -> None:
        """The shown message in the UI language (a message given as plain text stays as it is)."""
        if self._render is not None and not self.isHidden():
            self.setText(self._render())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def plain_label(*, bold: bool = False) -> QLabel:
    """A wrapping label for names, folders and values: shown as they are, never read as markup."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def error_label(parent: QWidget | None = None) -> ErrorLabel:
    """A label for an inline error message, hidden while empty."""
    return ErrorLabel(parent)


def show_error(label: QLabel, message: str | Callable[[], str]) -> None:
    """Show ``message`` (hide the label when it is empty). A function giving the message, rather than the
    text, lets an ErrorLabel show it again in another language after a language switch."""
    if isinstance(label, ErrorLabel):
        label.show_message(message)
        return
    text = message() if callable(message) else message
    label.setText(text)
    label.setVisible(bool(text))


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


class FieldChecks:
    """One validation behaviour for every editor: a field is checked as the user leaves it, its message
    shows right under it, in the UI language, and goes as soon as the value is right (while a message shows,
    the field is checked again as it is typed); a save that fails shows every problem and brings the first
    into view (its tab, its place in a scrolled form) with the focus in it.

    A check returns the message for the field's current value, or "" when it is right."""

    def __init__(self, editor: QWidget) -> None:
        self.editor = editor
        self._checks: dict[str, tuple[QLineEdit, ErrorLabel, Callable[[], str]]] = {}

    def add(self, key: str, field: QLineEdit, check: Callable[[], str], form: QFormLayout | None = None) -> ErrorLabel:
        """Check ``field`` with ``check``; its message label is placed under it in ``form`` (else the caller
        places the returned label)."""
        label = error_label()
        self._checks[key] = (field, label, check)
        field.editingFinished.connect(lambda: self.check(key))
        field.textEdited.connect(lambda _text: self.check(key) if label.isVisibleTo(self.editor) else None)
        if form is not None:
            form.addRow("", label)
        return label

    def label(self, key: str) -> ErrorLabel:
        """The message label under the field ``key``."""
        return self._checks[key][1]

    def check(self, key: str) -> bool:
        """Show or clear the field's message; True when it is right."""
        _field, label, check = self._checks[key]
        show_error(label, check)
        return not check()

    def check_all(self) -> bool:
        """Every field's message; the first problem is brought into view. True when all are right."""
        wrong = [key for key in self._checks if not self.check(key)]
        if wrong:
            bring_into_view(self._checks[wrong[0]][0])
        return not wrong


def bring_into_view(field: QWidget) -> None:
    """Show the tab that holds ``field``, scroll it into view and put the focus in it (the first problem
    of a save that failed)."""
    widget: QWidget | None = field
    while widget is not None and not widget.isWindow():
        parent = widget.parentWidget()
        if isinstance(parent, QStackedWidget) and isinstance(parent.parentWidget(), QTabWidget):
            parent.parentWidget().setCurrentWidget(widget)  # type: ignore[union-attr]
        if isinstance(widget, QScrollArea):
            widget.ensureWidgetVisible(field)
        widget = parent
    field.setFocus(Qt.FocusReason.OtherFocusReason)


def date_check(field: QLineEdit, *, required: str = "") -> Callable[[], str]:
    """The check of a date field (DD.MM.YYYY); ``required`` is the untranslated message for an empty one."""

    def check() -> str:
        try:
            day = i18n.parse_date(field.text())
        except ValueError:
            return _("This is not a valid date (DD.MM.YYYY).")
        return _(required) if day is None and required else ""

    return check


class GuardedEditor:
    """Dialog mixin: knows which fields the user changed and asks before throwing edits away."""

    _clean: dict[str, object]

    def snapshot(self) -> dict[str, object]:
        """What the user sees in every field now, by field key."""
        raise NotImplementedError

    def mark_clean(self) -> None:
        self._clean = self.snapshot()

    def changed_keys(self) -> set[str]:
        now = self.snapshot()
        return {key for key, value in now.items() if value != self._clean.get(key)}

    def reject(self) -> None:
        if self.changed_keys() and not self.confirm_discard():
            return
        super().reject()  # type: ignore[misc]

    def confirm_discard(self) -> bool:
        return ask_discard(self)  # type: ignore[arg-type]


def ask_discard(parent: QWidget | None) -> bool:
    """Ask before unsaved edits are thrown away; True when the user chose to discard them. The buttons say
    what they do ("Cancel" would be read as "cancel the changes" in Ukrainian and German), and the safe one,
    back to editing, is the default for Enter and Esc."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        _("Discard changes?"),
        _("You have changed this record. Close without saving?"),
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.button(QMessageBox.StandardButton.Discard).setText(_("Discard changes"))
    keep = box.button(QMessageBox.StandardButton.Cancel)
    keep.setText(_("Back to editing"))
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    return box.exec() == QMessageBox.StandardButton.Discard


#: Button roles that accept a dialog (the one button Enter presses).
_ACCEPT_ROLES = (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole)


class DialogButtons(QDialogButtonBox):
    """A dialog's button box in which Enter means one thing: the accepting button (Save, Open, Unlock, …).

    Qt's rule is why Enter used to close the welcome and unlock dialogs: every push button in a dialog is
    "auto-default", and a dialog that has no registered default when it is shown makes the first
    auto-default button of its focus chain the default – Cancel. A button made default before its box sat
    in the dialog (``addButton(...).setDefault(True)`` in a constructor) is not registered. Here the box
    belongs to its dialog from the start, the accepting button is its default, and no other button of the
    box becomes default by taking the focus (Space still presses a focused button). Buttons added later
    (``addButton``) follow the same rule.
    """

    def __init__(
        self,
        dialog: QDialog,
        standard: QDialogButtonBox.StandardButton = QDialogButtonBox.StandardButton.NoButton,
        accept_text: str | None = None,
    ) -> None:
        super().__init__(dialog)  # in the dialog before any button is made default: see the class docstring
        self.accept_button: QPushButton | None = None
        #: Pressed by Enter when no accepting button shows (a report's Close, an export that is done).
        self.dismiss_button: QPushButton | None = None
        if standard != QDialogButtonBox.StandardButton.NoButton:
            self.setStandardButtons(standard)
        if accept_text is not None:
            # Our own accept button: a standard Ok would get Qt's "OK" back on every language change.
            self.accept_button = self.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self._settle()

    def settle(self) -> None:
        """Make the right button the default again after buttons were shown, hidden or given a new role."""
        self._settle()

    def _settle(self) -> None:
        """The first accepting button is the one default; no other button of the box is auto-default."""
        buttons = [b for b in self.buttons() if isinstance(b, QPushButton)]
        default = self.accept_button or next((b for b in buttons if self.buttonRole(b) in _ACCEPT_ROLES), None)
        self.accept_button = default
        if (default is None or default.isHidden()) and self.dismiss_button is not None:
            # Nothing to accept (a report), or no longer (the work is done): Enter closes.
            default = self.dismiss_button
        for button in buttons:
            button.setAutoDefault(False)
            if button is not default:
                button.setDefault(False)
        if default is not None:
            default.setDefault(False)  # setDefault(True) registers with the dialog only on a change
            default.setDefault(True)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() in (QEvent.Type.ChildAdded, QEvent.Type.Show):
            self._settle()
        return handled


def focus_first(widget: QWidget) -> None:
    """Give ``widget`` (the first field to fill) the focus when its dialog opens, not the first widget of
    the focus chain (often a language choice or a tab bar)."""
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
