"""The main window: navigation between the areas, menus, status bar; the areas are their own widgets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt, QThread, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QPaintEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from desktop import i18n, paths
from desktop.core import audit, people, profile
from desktop.core.errors import ProfileDamaged, UserError, os_reason
from desktop.core.store import db as store_db
from desktop.core.sync import conflicts
from desktop.i18n import N_, _
from desktop.ui.common import Retranslatable
from desktop.ui.dashboard_view import DashboardView
from desktop.ui.deletion_ui import UndoNotice
from desktop.ui.lock import LOCK_SHORTCUT, ScreenLock, lock_minutes
from desktop.ui.qt_i18n import apply_language
from desktop.ui.worker import run_in_background

if TYPE_CHECKING:
    from desktop.ui.appointments_view import AppointmentsView
    from desktop.ui.cases_view import CasesView
    from desktop.ui.directory_view import DirectoryView
    from desktop.ui.exchange_ui import BundleImport
    from desktop.ui.needs_view import NeedsView
    from desktop.ui.people_view import PeopleView
    from desktop.ui.sync_service import SyncService
    from desktop.ui.tasks_view import TasksView

AREAS = (
    N_("Today"),
    N_("People"),
    N_("Cases"),
    N_("Appointments"),
    N_("Tasks"),
    N_("Needs and offers"),
    N_("Directory"),
)
TODAY, PEOPLE, CASES, APPOINTMENTS, TASKS, NEEDS, DIRECTORY = range(7)
AREA_WIDTH = 1280  # what the widest area needs in German and Ukrainian, with the navigation
DEMO_DEFAULT_PEOPLE = 200
CONFLICTS_SHORTCUT = "Ctrl+Shift+K"


def prepare_first_paint() -> None:
    """Python-side work of the window's first paint done beforehand, in the thread that loads this module
    while the key is derived (the key derivation lets go of the GIL; no widget is made here): the date
    formats of the language read (babel loads a locale's data on first use), and PySide's types made. PySide
    makes a type and its enums when it is first used, and the first widget pointer it resolves makes every
    QtWidgets type: some 60 enums on the GUI thread in the middle of filling Today."""
    import datetime as dt

    from PySide6 import QtCore, QtGui, QtWidgets

    now = dt.datetime.now()
    i18n.fmt_date(now.date(), "full")
    i18n.fmt_list_datetime(now)
    for name in dir(QtWidgets):
        getattr(QtWidgets, name)
    for module, names in (
        (QtGui, ("QFont", "QBrush", "QGradient", "QColor", "QImage", "QPalette", "QFontMetrics", "QIcon")),
        (QtCore, ("QByteArray",)),
    ):
        for name in names:
            getattr(module, name)


def _run_once(dialog: QDialog) -> int:
    """Show a dialog of the main window until it is closed, then free it (it is made anew next time)."""
    try:
        return dialog.exec()
    finally:
        dialog.deleteLater()


class _AreaAt:
    """A main window's attribute for the area of a navigation row, built when first used."""

    def __init__(self, row: int) -> None:
        self.row = row

    def __get__(self, window: Any, owner: type | None = None) -> Any:
        return self if window is None else window._area(self.row)


class MainWindow(Retranslatable, QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        #: Start-up work left for after the first paint (run one step per turn of the event loop).
        self._after_paint: list[Callable[[], None]] = [lambda: self.today.complete()]
        self._people_total: int | None = None
        self._counting = False
        self._count_people()
        # Today is what the window opens on; the other areas are built when first shown (or used).
        self.today = DashboardView(first_look=True)
        self._areas: list[QWidget | None] = [self.today, *(None for _area in AREAS[1:])]
        self.stack = QStackedWidget()
        for area in self._areas:
            self.stack.addWidget(area or QWidget())  # a placeholder until the area is built
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(180)
        self.nav.addItems(["" for _area in AREAS])
        self.nav.currentRowChanged.connect(self._area_changed)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.today.open_appointment.connect(lambda record_id: self.appointments.open_appointment(record_id))
        self.today.open_task.connect(lambda record_id: self.tasks.open_task(record_id))
        self.today.open_person.connect(lambda record_id: self.people.open_person(record_id))
        self.today.review_retention.connect(self.review_retention)

        self.undo_notice = UndoNotice()
        self.undo_notice.undone.connect(self._data_changed)
        self.statusBar().addWidget(self.undo_notice)
        self.conflicts_badge = QPushButton()  # "Conflicts: N", hidden while there is none
        self.conflicts_badge.setFlat(True)
        self.conflicts_badge.setStyleSheet("font-weight: 600;")
        self.conflicts_badge.clicked.connect(self.show_conflicts)
        self.conflicts_badge.hide()
        self.statusBar().addPermanentWidget(self.conflicts_badge)
        self.who = QLabel()
        self.statusBar().addPermanentWidget(self.who)
        self.screen_lock = ScreenLock(QApplication.instance(), lock_minutes(), self)
        self._bundle_import: BundleImport | None = None
        self._sync: SyncService | None = None
        # Locking stops the sync folder as closing does: own changes not yet there go out first, so a laptop
        # left locked has shared its work.
        self.screen_lock.locked_changed.connect(self._locked_changed)
        self.setAcceptDrops(True)  # a bundle file dropped on the window is imported
        self._build_actions()
        self._build_menus()
        self.nav.blockSignals(True)  # the dashboard was just built; switching to it would build it again
        self.nav.setCurrentRow(TODAY)
        self.nav.blockSignals(False)
        self.stack.setCurrentIndex(TODAY)
        self._restore_geometry()
        self.retranslate_ui()
        store_db.set_wait_notice(self._write_waits)
        self._after_paint.append(self._start_sync)

    # --- exchange and the sync folder (their modules load after the first paint) -------------------
    @property
    def bundle_import(self) -> BundleImport:
        """Importing bundles (menu, drop), one after another."""
        if self._bundle_import is None:
            from desktop.ui.exchange_ui import BundleImport

            self._bundle_import = BundleImport(self)
            self._bundle_import.imported.connect(self._data_changed)
            self._bundle_import.review_duplicates.connect(self.show_duplicates)
            self._bundle_import.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        return self._bundle_import

    @property
    def sync(self) -> SyncService:
        """The sync folder's service (started after the first paint)."""
        if self._sync is None:
            from desktop.ui.sync_service import SyncService

            self._sync = SyncService(self)
            self._sync.imported.connect(self._data_changed)
            self._sync.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        return self._sync

    def _start_sync(self) -> None:
        """At start: the sync folder's service, when there is a folder (its modules load only then)."""
        from desktop.core.sync import settings as sync_settings

        if self._sync is not None or sync_settings.sync_folder() is not None:
            self.sync.start()

    def _locked_changed(self, locked: bool) -> None:
        if not locked:
            self.sync.start()
        elif self._sync is not None:
            self._sync.stop()

    # --- the areas, built when first needed ---------------------------------------------------------
    people: PeopleView = _AreaAt(PEOPLE)  # type: ignore[assignment]
    cases: CasesView = _AreaAt(CASES)  # type: ignore[assignment]
    appointments: AppointmentsView = _AreaAt(APPOINTMENTS)  # type: ignore[assignment]
    tasks: TasksView = _AreaAt(TASKS)  # type: ignore[assignment]
    needs: NeedsView = _AreaAt(NEEDS)  # type: ignore[assignment]
    directory: DirectoryView = _AreaAt(DIRECTORY)  # type: ignore[assignment]

    @property
    def areas(self) -> list[QWidget]:
        """Every area, in the order of the navigation (building those not yet built)."""
        return [self._area(row) for row in range(len(AREAS))]

    def _built(self, *rows: int) -> list[Any]:
        """The areas of ``rows`` that are built (one not built yet reads its data when it is)."""
        return [area for area in (self._areas[row] for row in rows) if area is not None]

    def _area(self, row: int) -> QWidget:
        area = self._areas[row]
        if area is None:
            area = self._areas[row] = self._build_area(row)
            placeholder = self.stack.widget(row)
            self.stack.insertWidget(row, area)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        return area

    def _build_area(self, row: int) -> Any:
        """A list area and its connections to the window (its modules are imported only now)."""
        if row == PEOPLE:
            from desktop.ui.people_view import PeopleView

            area: Any = PeopleView()
            area.changed.connect(self._people_changed)
            area.erased.connect(self._erased)
            self._areas[PEOPLE] = area
            self._update_demo_action()
        elif row == CASES:
            from desktop.ui.cases_view import CasesView

            area = CasesView()
            area.changed.connect(self._cases_changed)
        elif row == APPOINTMENTS:
            from desktop.ui.appointments_view import AppointmentsView

            area = AppointmentsView()
        elif row == TASKS:
            from desktop.ui.tasks_view import TasksView

            area = TasksView()
        elif row == NEEDS:
            from desktop.ui.needs_view import NeedsView

            area = NeedsView()
        else:
            from desktop.ui.directory_view import DirectoryView

            area = DirectoryView()
        if row in (APPOINTMENTS, TASKS, NEEDS):
            area.changed.connect(self._work_changed)
        area.deleted.connect(self.undo_notice.offer)
        area.deleted.connect(self._settle_needs)
        return area

    # --- start-up work after the first paint --------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._after_paint and not self._after_paint_queued:
            self._after_paint_queued = True
            QTimer.singleShot(0, self._next_after_paint)

    _after_paint_queued = False

    def _next_after_paint(self) -> None:
        """One step of the deferred start-up work; the next one after the events that came meanwhile."""
        if self._after_paint:
            self._after_paint.pop(0)()
        if self._after_paint:
            QTimer.singleShot(0, self._next_after_paint)

    def starting(self) -> bool:
        """Whether start-up work deferred until after the first paint (or the count of people) is still to
        run."""
        return bool(self._after_paint) or self._counting or self.today.completing

    def after_start(self, step: Callable[[], None]) -> None:
        """Run ``step`` after the first paint, behind the window's own deferred start-up work."""
        if self._after_paint or not self._after_paint_queued:
            self._after_paint.append(step)
        else:
            step()

    def _write_waits(self, waiting: bool) -> None:
        """A save waits for another program's write (an import from begleiter-cli): say so while it waits.

        Only for saves on the GUI thread: a background job (an import, the sync folder) shows its own
        progress, and widgets must not be touched from its thread."""
        if QThread.currentThread() is not self.thread():
            return
        if waiting:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            self.statusBar().showMessage(_("Another program is writing to the profile; waiting until it has finished…"))
            self.statusBar().repaint()  # painted now: no events are processed in the middle of a save
        else:
            QApplication.restoreOverrideCursor()
            self.statusBar().clearMessage()

    # --- actions and menus ------------------------------------------------------------------------
    def _action(self, shortcut: QKeySequence | str | None, slot, checkable: bool = False) -> QAction:
        action = QAction(self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.act_new_person = self._action(QKeySequence.StandardKey.New, self._new_person)
        self.act_new_case = self._action("Ctrl+Shift+N", self._new_case)
        self.act_new_appointment = self._action("Ctrl+Shift+A", self._new_appointment)
        self.act_new_task = self._action("Ctrl+Shift+T", self._new_task)
        self.act_import = self._action("Ctrl+I", self.import_spreadsheet)
        self.act_export_bundle = self._action("Ctrl+E", self.export_bundle)
        self.act_import_bundle = self._action("Ctrl+Shift+I", lambda: self.bundle_import.choose())
        self.act_preferences = self._action("Ctrl+,", self.show_preferences)
        self.act_preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.act_lock = self._action(LOCK_SHORTCUT, self.screen_lock.lock)
        self.act_calendar = self._action(None, self.export_calendar)
        self.act_change_passphrase = self._action(None, self.change_passphrase)
        self.act_recovery_key = self._action(None, self.new_recovery_key)
        self.act_quit = self._action(QKeySequence.StandardKey.Quit, self.close)
        self.act_today = self._action("Ctrl+1", lambda: self.show_area(TODAY))
        self.act_people = self._action("Ctrl+2", lambda: self.show_area(PEOPLE))
        self.act_cases = self._action("Ctrl+3", lambda: self.show_area(CASES))
        self.act_appointments = self._action("Ctrl+4", lambda: self.show_area(APPOINTMENTS))
        self.act_tasks = self._action("Ctrl+5", lambda: self.show_area(TASKS))
        self.act_needs = self._action("Ctrl+6", lambda: self.show_area(NEEDS))
        self.act_projects = self._action(None, lambda: self.needs.show_projects())
        self.act_directory = self._action("Ctrl+7", lambda: self.show_area(DIRECTORY))
        self.act_refresh = self._action(QKeySequence.StandardKey.Refresh, self._refresh_all)
        self.act_find = self._action(QKeySequence(QKeySequence.StandardKey.Find), self.find_person)
        self.act_print_checklist = self._action(QKeySequence(QKeySequence.StandardKey.Print), self.print_checklist)
        self.act_duplicates = self._action(None, self.show_duplicates)
        self.act_deadline = self._action("Ctrl+D", self.show_deadline_calculator)
        self.act_permit = self._action("Ctrl+Shift+V", self.show_permit_check)
        self.act_conflicts = self._action(CONFLICTS_SHORTCUT, self.show_conflicts)
        self.act_team = self._action(None, self.show_team)
        self.act_retention = self._action(None, self.review_retention)
        self.act_audit = self._action(None, self.show_audit)
        self.act_hours = self._action(None, self.show_hours)
        self.act_stats = self._action(None, self.show_statistics)
        self.act_demo = self._action(None, self.load_demo_data)
        self.act_about = self._action(None, self.show_about)
        self.act_undo = self._action(QKeySequence.StandardKey.Undo, self.undo_notice.undo)
        # Delete acts on the list that has the focus (its own Del shortcut); the menu names the key only.
        self.act_delete = self._action(QKeySequence.StandardKey.Delete, self._delete_in_area)
        self.act_delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.act_erase = self._action(None, self._erase_person)
        self.act_subject_report = self._action(None, self.subject_report)
        self.act_about.setMenuRole(QAction.MenuRole.AboutRole)
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, name in i18n.LANGUAGES.items():
            action = self._action(None, lambda _c=False, code=code: self.switch_language(code), checkable=True)
            action.setText(name)  # endonyms stay as they are
            self.language_group.addAction(action)
            self.language_actions[code] = action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.menu_file = bar.addMenu("")
        self.menu_file.addActions([self.act_new_person, self.act_new_case, self.act_new_appointment, self.act_new_task])
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_import)
        self.menu_exchange = self.menu_file.addMenu("")
        self.menu_exchange.addActions([self.act_export_bundle, self.act_import_bundle])
        self.menu_file.addAction(self.act_print_checklist)
        self.menu_file.addAction(self.act_calendar)
        self.menu_file.addSeparator()
        self.menu_file.addActions([self.act_change_passphrase, self.act_recovery_key])
        self.menu_file.addAction(self.act_lock)
        self.menu_file.addAction(self.act_quit)
        self.menu_edit = bar.addMenu("")
        self.menu_edit.addActions([self.act_undo, self.act_delete])
        self.menu_edit.addSeparator()
        self.menu_edit.addAction(self.act_erase)
        self.menu_edit.addAction(self.act_subject_report)
        self.menu_edit.addSeparator()
        self.menu_edit.addAction(self.act_preferences)
        self.menu_edit.aboutToShow.connect(self._update_edit_menu)
        self.menu_view = bar.addMenu("")
        self.menu_view.addActions(
            [self.act_today, self.act_people, self.act_cases, self.act_appointments, self.act_tasks, self.act_needs]
        )
        self.menu_view.addAction(self.act_directory)
        self.menu_view.addSeparator()
        self.menu_view.addAction(self.act_refresh)
        self.menu_tools = bar.addMenu("")
        self.menu_tools.addActions([self.act_find, self.act_duplicates])
        self.menu_tools.addSeparator()
        self.menu_tools.addActions([self.act_deadline, self.act_permit])
        self.menu_tools.addSeparator()
        self.menu_tools.addActions([self.act_conflicts, self.act_team])
        self.menu_tools.addSeparator()
        self.menu_tools.addActions([self.act_projects, self.act_hours, self.act_stats])
        self.menu_tools.addSeparator()
        self.menu_tools.addActions([self.act_audit, self.act_retention])
        self.menu_language = bar.addMenu("")
        self.menu_language.addActions(list(self.language_actions.values()))
        self.menu_help = bar.addMenu("")
        self.menu_help.addAction(self.act_demo)
        self.menu_help.addSeparator()
        self.menu_help.addAction(self.act_about)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Begleiter – Супровід"))
        self.menu_file.setTitle(_("&File"))
        self.menu_edit.setTitle(_("&Edit"))
        self.act_undo.setText(_("&Undo delete"))
        self.act_delete.setText(_("&Delete"))
        self.act_erase.setText(_("&Erase person…"))
        self.act_subject_report.setText(_("Everything &stored about this person…"))
        self.menu_view.setTitle(_("&View"))
        self.menu_tools.setTitle(_("&Tools"))
        self.menu_language.setTitle(_("&Language"))
        self.menu_help.setTitle(_("&Help"))
        self.act_new_person.setText(_("New &person…"))
        self.act_new_case.setText(_("New &case…"))
        self.act_new_appointment.setText(_("New &appointment…"))
        self.act_new_task.setText(_("New &task…"))
        self.act_import.setText(_("&Import people from spreadsheet…"))
        self.menu_exchange.setTitle(_("E&xchange"))
        self.act_export_bundle.setText(_("&Export…"))
        self.act_import_bundle.setText(_("&Import…"))
        self.act_preferences.setText(_("Pre&ferences…"))
        self.act_lock.setText(_("&Lock"))
        self.act_calendar.setText(_("Appointments as cale&ndar file…"))
        self.act_change_passphrase.setText(_("Change passp&hrase…"))
        self.act_recovery_key.setText(_("New &recovery key…"))
        self.act_lock.setToolTip(
            _(
                "Hide everything until the passphrase is entered (Begleiter also locks itself "
                "after some minutes without input)"
            )
        )
        self.act_quit.setText(_("&Quit"))
        self.act_today.setText(_("&Today"))
        self.act_people.setText(_("&People"))
        self.act_cases.setText(_("&Cases"))
        self.act_appointments.setText(_("&Appointments"))
        self.act_tasks.setText(_("Tas&ks"))
        self.act_needs.setText(_("&Needs and offers"))
        self.act_projects.setText(_("Short pro&jects…"))
        self.act_directory.setText(_("Director&y"))
        self.act_refresh.setText(_("&Refresh"))
        self.act_find.setText(_("&Find a person…"))
        self.act_print_checklist.setText(_("Print the appointment's chec&klist…"))
        self.act_duplicates.setText(_("Find d&uplicates…"))
        self.act_deadline.setText(_("&Objection deadline…"))
        self.act_permit.setText(_("Residence &permit valid until…"))
        self.act_conflicts.setText(_("&Conflicts…"))
        self.act_team.setText(_("&Team…"))
        self.act_hours.setText(_("&Volunteer hours…"))
        self.act_retention.setText(_("&Retention review…"))
        self.act_audit.setText(_("&Audit log…"))
        self.act_stats.setText(_("&Statistics…"))
        self.act_demo.setText(_("Load &demo data…"))
        self.act_about.setText(_("&About Begleiter"))
        for row, title in enumerate(AREAS):
            self.nav.item(row).setText(_(title))
        self.nav.setAccessibleName(_("Areas"))
        self.language_actions[i18n.current_language()].setChecked(True)
        self._update_status()

    # --- behaviour ----------------------------------------------------------------------------------
    def show_area(self, row: int) -> None:
        self.nav.setCurrentRow(row)
        self._area(row).focus_list()  # type: ignore[attr-defined]

    def _area_changed(self, row: int) -> None:
        self._area(row)
        self.stack.setCurrentIndex(row)
        self.undo_notice.forget()  # an Undo is offered while the view that deleted is open
        if row == TODAY:
            self.today.refresh()

    def _update_edit_menu(self) -> None:
        area = self._area(self.stack.currentIndex())
        self.act_undo.setEnabled(self.undo_notice.deletion is not None)
        self.act_delete.setEnabled(getattr(area, "delete_action", None) is not None)
        # People is the current area or not built: asking it would build it
        self.act_erase.setEnabled(self.stack.currentIndex() == PEOPLE and self.people.selected_id() is not None)
        self.act_subject_report.setEnabled(self.act_erase.isEnabled())

    def _delete_in_area(self) -> None:
        area = self._area(self.stack.currentIndex())
        if getattr(area, "delete_action", None) is not None:
            area.delete_current()  # type: ignore[attr-defined]

    def _erase_person(self) -> None:
        if self.stack.currentIndex() == PEOPLE:
            self.people.erase_current()

    def subject_report(self) -> None:
        """Art. 15: the selected person's report (JSON and PDF) into a folder the user chooses."""
        from desktop.core.privacy import subject
        from desktop.ui.exchange_ui import ask_folder

        person_id = self.people.selected_id() if self.stack.currentIndex() == PEOPLE else None
        if person_id is None:
            return
        folder = ask_folder(self, _("Where should the report go?"), str(Path.home()))
        if not folder:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            json_path, pdf_path = subject.write(person_id, Path(folder))
        except (UserError, OSError) as exc:
            QGuiApplication.restoreOverrideCursor()
            QMessageBox.warning(self, _("Everything stored about this person"), str(exc))
            return
        QGuiApplication.restoreOverrideCursor()
        QMessageBox.information(
            self,
            _("Everything stored about this person"),
            _(
                "The report is in {pdf} (to read and print, German and Ukrainian) and {json} (every record, "
                "field and change, machine-readable). Hand it over and then delete the files: they hold "
                "the person's data unencrypted."
            ).format(pdf=pdf_path.name, json=json_path.name),
        )

    def _settle_needs(self, *_args: object) -> None:
        """A delete or an erasure took matches with it: needs and offers left without one are open again."""
        from desktop.core.network import matching

        if matching.settle():
            for area in self._built(NEEDS):
                area.refresh()

    def _erased(self, counts: dict[str, int]) -> None:
        from desktop.core.privacy import words

        self._settle_needs()
        self.undo_notice.forget()  # what an earlier delete took may have gone with the person
        self._people_changed()
        self.statusBar().showMessage(_("Erased: {what}.").format(what=words.count_text(counts)), 8000)

    def _new_person(self) -> None:
        self.show_area(PEOPLE)
        self.people.new_person()

    def _new_case(self) -> None:
        person_id = self.people.selected_person_id() if self.stack.currentIndex() == PEOPLE else None
        self.show_area(CASES)
        self.cases.new_case(person_id)

    def _new_appointment(self) -> None:
        person_id = self.people.selected_person_id() if self.stack.currentIndex() == PEOPLE else None
        self.show_area(APPOINTMENTS)
        self.appointments.new_appointment(person_id=person_id)

    def _new_task(self) -> None:
        self.show_area(TASKS)
        self.tasks.new_task()

    def import_spreadsheet(self) -> None:
        from desktop.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self)
        if dialog.exec() and dialog.result_of_import is not None:
            self.people.refresh()
            self._people_changed()
            self.statusBar().showMessage(dialog.result_of_import.summary(), 8000)

    def find_person(self) -> None:
        """Ctrl+F: the search field of the list in view, or of the People list."""
        area = self._area(self.stack.currentIndex())
        if not hasattr(area, "focus_search"):
            self.nav.setCurrentRow(PEOPLE)
            area = self.people
        area.focus_search()  # type: ignore[attr-defined]

    def selected_appointment(self) -> str | None:
        """The appointment selected on the Today list or the Appointments list, if any."""
        area = self.stack.currentIndex()
        if area == TODAY:
            chosen = self.today.selected()
            return chosen[1] if chosen and chosen[0] == "appointment" else None
        if area == APPOINTMENTS:
            row = self.appointments.selected_row()
            return row.id if row else None
        return None

    def print_checklist(self) -> None:
        """Ctrl+P: print "Was mitbringen / Що взяти з собою" for the selected appointment (Enter prints)."""
        from desktop.ui.forms_dialog import print_appointment_checklist

        appointment_id = self.selected_appointment()
        if appointment_id is None:
            self.statusBar().showMessage(_("Select an appointment on Today or in Appointments first."), 6000)
            return
        if print_appointment_checklist(appointment_id, self):
            self.statusBar().showMessage(_("Checklist printed and filed on the case."), 6000)

    def show_duplicates(self) -> None:
        from desktop.ui.duplicates_ui import DuplicatesDialog

        dialog = DuplicatesDialog(self)
        dialog.open_requested.connect(lambda person_id: self.people.open_person(person_id))
        dialog.changed.connect(lambda: self.people.refresh())
        dialog.changed.connect(self._people_changed)
        dialog.exec()

    # --- exchange -----------------------------------------------------------------------------------
    def export_selection(self) -> tuple[str, str, str] | None:
        """The person or case selected in the list in view, as the export dialog offers it."""
        from desktop.ui.exchange_ui import selection_of

        area = self.stack.currentIndex()
        if area == PEOPLE:
            return selection_of("person", self.people.selected_person_id())
        if area == CASES:
            return selection_of("case", self.cases.selected_id())
        return None

    def export_bundle(self) -> None:
        from desktop.ui.exchange_ui import ExportDialog

        _run_once(ExportDialog(self, self.export_selection()))

    def export_calendar(self) -> None:
        """The appointments as an .ics file for a phone: the volunteer's own, or all of this laptop."""
        from desktop.core import atomic
        from desktop.core.calendar import ics
        from desktop.ui.common import ask_save_file

        store = store_db.current()
        volunteer = store.volunteer_id
        if volunteer:
            choices = [_("My appointments"), _("All appointments on this laptop")]
            chosen, ok = QInputDialog.getItem(
                self, _("Appointments as calendar file"), _("Which appointments?"), choices, 0, False
            )
            if not ok:
                return
            if chosen != choices[0]:
                volunteer = None
        name = ask_save_file(
            self,
            _("Save the calendar file"),
            str(Path.home() / (_("appointments") + ".ics")),
            _("Calendar files (*.ics)"),
        )
        if not name:
            return
        try:
            atomic.atomic_write_bytes(Path(name), ics.calendar(volunteer))
        except OSError as exc:
            QMessageBox.warning(
                self,
                _("Appointments as calendar file"),
                _("Cannot write {file}: {reason}").format(file=name, reason=os_reason(exc.errno, writing=True)),
            )
            return
        self.statusBar().showMessage(
            _("Saved {file}: office, time and initials only; importing a newer one updates the events.").format(
                file=Path(name).name
            ),
            10000,
        )

    def change_passphrase(self) -> None:
        from desktop.ui.keys_ui import ChangePassphraseDialog

        dialog = ChangePassphraseDialog(self)
        if dialog.exec():
            self.statusBar().showMessage(_("The passphrase was changed."), 8000)
        dialog.deleteLater()

    def new_recovery_key(self) -> None:
        from desktop.ui.keys_ui import RecoveryKeyDialog

        dialog = RecoveryKeyDialog(self)
        if dialog.exec():
            self.statusBar().showMessage(_("The new recovery key is in force; destroy the previous sheet."), 8000)
        dialog.deleteLater()

    def review_retention(self) -> None:
        from desktop.ui.retention_ui import RetentionDialog

        dialog = RetentionDialog(self, self.today.retention)
        if dialog.exec() and dialog.acted:
            self.statusBar().showMessage(dialog.summary, 8000)
            self._refresh_all()
        dialog.deleteLater()

    def show_preferences(self) -> None:
        from desktop.ui.preferences import PreferencesDialog

        if _run_once(PreferencesDialog(self)):
            self.sync.start()  # the folder or the kept passphrase may have changed

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        from desktop.ui.exchange_ui import bundle_paths

        if bundle_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        from desktop.ui.exchange_ui import bundle_paths

        if bundle_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        from desktop.ui.exchange_ui import bundle_paths

        found = bundle_paths(event.mimeData())
        if not found:
            event.ignore()
            return
        event.acceptProposedAction()
        for path in found:
            self.bundle_import.import_file(path)

    def show_deadline_calculator(self) -> None:
        from desktop.ui.tools_dialogs import DeadlineDialog

        DeadlineDialog(store_db.current().get_setting("state", "SN") or "SN", self).exec()

    def show_permit_check(self) -> None:
        from desktop.ui.tools_dialogs import PermitDialog

        PermitDialog(self).exec()

    def show_conflicts(self) -> None:
        """The conflict inbox; a decision refreshes the lists and the badge."""
        from desktop.ui.conflicts_ui import ConflictsDialog

        dialog = ConflictsDialog(self)
        dialog.open_requested.connect(self._open_record)
        dialog.changed.connect(self._data_changed)
        dialog.exec()

    def _open_record(self, kind: str, record_id: str) -> None:
        """Open a record in its area's editor (from the conflict inbox)."""
        opener = {
            "person": self.people.open_person,
            "case": self.cases.open_case,
            "appointment": self.appointments.open_appointment,
            "task": self.tasks.open_task,
            "directory_entry": self.directory.open_record,
        }.get(kind)
        if opener is not None:
            opener(record_id)

    def show_team(self) -> None:
        from desktop.ui.team_ui import TeamDialog

        TeamDialog(self).exec()

    def show_audit(self) -> None:
        from desktop.ui.audit_ui import AuditDialog

        AuditDialog(self).exec()

    def show_hours(self) -> None:
        """Tools › Volunteer hours: hours per month and activity, accompanied appointments, certificates."""
        from desktop.ui.hours_ui import HoursDialog

        _run_once(HoursDialog(self))

    def show_statistics(self) -> None:
        """Tools › Statistics…: anonymous counts per month, charts, CSV and PDF."""
        from desktop.ui.stats_ui import StatsDialog

        _run_once(StatsDialog(self))

    def _refresh_all(self) -> None:
        for area in self._built(*range(len(AREAS))):
            area.refresh()
        self._update_status()

    def switch_language(self, code: str) -> None:
        profile.set_language(paths.profile_dir(), code)
        apply_language(code)

    def _people_changed(self) -> None:
        """A person was saved: other lists show names, so they are read again; the people list keeps
        its place."""
        self._people_total = None
        for area in self._built(CASES, APPOINTMENTS, TASKS, NEEDS, TODAY):
            area.refresh()
        self._update_status()

    def _cases_changed(self) -> None:
        """A saved case may have added or moved timeline tasks; the case list itself keeps its place."""
        for area in self._built(TASKS, APPOINTMENTS):
            area.refresh()
        self._work_changed()

    def _work_changed(self) -> None:
        self.today.refresh()
        self._update_status()

    def _data_changed(self) -> None:
        """After an undo, an import or a bundle: needs and offers follow their matches, the lists reload."""
        from desktop.core.network import matching

        self._people_total = None
        matching.settle()
        self._refresh_all()

    def _update_status(self) -> None:
        if not store_db.is_open():
            return  # the window outlived the profile (closing down)
        audit.flush()  # entries that found another program writing
        self._update_demo_action()
        self.who.setText(
            _("Volunteer: {name} · Laptop: {device}").format(
                name=profile.volunteer_name() or "–", device=profile.device_name() or "–"
            )
        )
        self._update_conflicts_badge()

    def people_total(self) -> int | None:
        """How many people the profile holds: the People list's count, else the one counted at start or
        since the last change (None until the start has counted them)."""
        built = self._built(PEOPLE)
        if built:
            return int(built[0].model.total)
        if self._people_total is None and not self.starting():  # at start, counted in the background
            self._people_total = people.count_people()
        return self._people_total

    def _count_people(self) -> None:
        """At start, in the background while Today is read (a full count of a big profile reads all of it,
        in one step without the GIL): the Help menu's demo data follows it."""
        self._counting = True

        def counted(n: int) -> None:
            self._counting = False
            self._people_total = n
            self._update_demo_action()

        def failed(_exc: Exception) -> None:
            self._counting = False  # logged by the job; the next look counts again

        run_in_background(people.count_people, counted, failed, self)

    def _update_demo_action(self) -> None:
        """Demo data is offered while the profile is empty."""
        if not store_db.is_open():
            return
        n_people = self.people_total()
        if n_people is None:
            return
        self.act_demo.setEnabled(n_people == 0)
        self.act_demo.setToolTip("" if n_people == 0 else _("Demo data can only be loaded into an empty profile."))

    def _update_conflicts_badge(self) -> None:
        """ "Conflicts: N" in the status bar (one count query), hidden at none."""
        n = conflicts.count()
        self.conflicts_badge.setText(_("Conflicts: {n}").format(n=i18n.fmt_number(n)))
        self.conflicts_badge.setToolTip(
            _("Fields two laptops changed differently: open the inbox to decide ({keys})").format(
                keys=CONFLICTS_SHORTCUT
            )
        )
        self.conflicts_badge.setAccessibleName(self.conflicts_badge.text())
        self.conflicts_badge.setVisible(n > 0)

    def load_demo_data(self) -> None:
        if people.count_people():
            QMessageBox.information(self, _("Demo data"), _("Demo data can only be loaded into an empty profile."))
            return
        count, ok = QInputDialog.getInt(
            self, _("Demo data"), _("How many fictional people should be added?"), DEMO_DEFAULT_PEOPLE, 1, 100_000
        )
        if ok:
            self.start_demo(count)

    def start_demo(self, count: int) -> None:
        from desktop.core import demo

        progress = QProgressDialog(_("Adding demo data…"), "", 0, 0, self)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)

        def done(result: dict[str, int]) -> None:
            progress.close()
            self._data_changed()
            self.statusBar().showMessage(
                i18n.ngettext("Added {n} demo person.", "Added {n} demo people.", result["person"]).format(
                    n=i18n.fmt_number(result["person"])
                ),
                8000,
            )

        def failed(exc: Exception) -> None:
            progress.close()
            message = str(exc) if isinstance(exc, UserError) else _("The demo data could not be added.")
            QMessageBox.warning(self, _("Demo data"), message)

        self.demo_job = run_in_background(lambda: demo.generate(count), done, failed, self)

    def start_backup_if_due(self) -> None:
        """Once a day, a verified encrypted backup in the background; the status bar says when done."""
        from desktop.core.store import backup

        def done(path: object) -> None:
            if path is not None:
                self.statusBar().showMessage(_("Backup saved."), 5000)

        def failed(exc: Exception) -> None:
            if isinstance(exc, ProfileDamaged):  # reading every page for the copy found the damage
                message = str(exc) + " " + _("Close Begleiter and open it again to restore the newest good backup.")
            else:
                message = _("The automatic backup failed. Your data is unchanged; please check the free disk space.")
            QMessageBox.warning(self, _("Backup"), message)

        self.backup_job = run_in_background(backup.backup_if_due, done, failed, self)

    def show_about(self) -> None:
        from desktop.ui.about import AboutDialog

        AboutDialog(self).exec()

    # --- geometry -----------------------------------------------------------------------------------
    def _settings(self) -> QSettings:
        return QSettings(str(paths.profile_dir() / "window.ini"), QSettings.Format.IniFormat)

    def _restore_geometry(self) -> None:
        geometry = self._settings().value("main/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1100, 700)
        # The areas are built when first shown; the widest (Tasks, Directory: about 1,270 pixels in German and
        # Ukrainian) would widen the window then. Started as wide as they need, where the screen has room,
        # it does not jump.
        room = self.screen().availableGeometry().width() if self.screen() else self.width()
        if self.width() < min(AREA_WIDTH, room):
            self.resize(min(AREA_WIDTH, room), self.height())

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._sync is not None:
            self._sync.stop()  # own changes not yet in the sync folder go there now
        self._settings().setValue("main/geometry", self.saveGeometry())
        super().closeEvent(event)
