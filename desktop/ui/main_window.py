"""The main window: navigation between the areas, menus, status bar; the areas are their own widgets."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QStackedWidget,
    QWidget,
)

from desktop import i18n, paths
from desktop.core import demo, people, profile
from desktop.core.errors import UserError
from desktop.core.store import backup
from desktop.core.store import db as store_db
from desktop.i18n import N_, _
from desktop.ui.about import AboutDialog
from desktop.ui.cases_view import CasesView
from desktop.ui.common import Retranslatable
from desktop.ui.people_view import PeopleView
from desktop.ui.qt_i18n import apply_language
from desktop.ui.worker import run_in_background

AREAS = (N_("People"), N_("Cases"))
DEMO_DEFAULT_PEOPLE = 200


class MainWindow(Retranslatable, QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.people = PeopleView()
        self.cases = CasesView()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.people)
        self.stack.addWidget(self.cases)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(180)
        self.nav.addItems(["", ""])
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.people.changed.connect(self._people_changed)
        self.cases.changed.connect(self._cases_changed)

        self.who = QLabel()
        self.statusBar().addPermanentWidget(self.who)
        self._build_actions()
        self._build_menus()
        self.nav.setCurrentRow(0)
        self._restore_geometry()
        self.retranslate_ui()

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
        self.act_quit = self._action(QKeySequence.StandardKey.Quit, self.close)
        self.act_people = self._action("Ctrl+1", lambda: self.show_area(0))
        self.act_cases = self._action("Ctrl+2", lambda: self.show_area(1))
        self.act_demo = self._action(None, self.load_demo_data)
        self.act_about = self._action(None, self.show_about)
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
        self.menu_file.addActions([self.act_new_person, self.act_new_case])
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_quit)
        self.menu_view = bar.addMenu("")
        self.menu_view.addActions([self.act_people, self.act_cases])
        self.menu_language = bar.addMenu("")
        self.menu_language.addActions(list(self.language_actions.values()))
        self.menu_help = bar.addMenu("")
        self.menu_help.addAction(self.act_demo)
        self.menu_help.addSeparator()
        self.menu_help.addAction(self.act_about)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Begleiter – Супровід"))
        self.menu_file.setTitle(_("&File"))
        self.menu_view.setTitle(_("&View"))
        self.menu_language.setTitle(_("&Language"))
        self.menu_help.setTitle(_("&Help"))
        self.act_new_person.setText(_("New &person…"))
        self.act_new_case.setText(_("New &case…"))
        self.act_quit.setText(_("&Quit"))
        self.act_people.setText(_("&People"))
        self.act_cases.setText(_("&Cases"))
        self.act_demo.setText(_("Load &demo data…"))
        self.act_about.setText(_("&About Begleiter"))
        for row, title in enumerate(AREAS):
            item = self.nav.item(row)
            item.setText(_(title))
        self.nav.setAccessibleName(_("Areas"))
        self.language_actions[i18n.current_language()].setChecked(True)
        self._update_status()

    # --- behaviour ----------------------------------------------------------------------------------
    def show_area(self, row: int) -> None:
        self.nav.setCurrentRow(row)
        (self.people if row == 0 else self.cases).focus_list()

    def _new_person(self) -> None:
        self.show_area(0)
        self.people.new_person()

    def _new_case(self) -> None:
        person_id = self.people.selected_person_id() if self.stack.currentIndex() == 0 else None
        self.show_area(1)
        self.cases.new_case(person_id)

    def switch_language(self, code: str) -> None:
        profile.set_language(paths.profile_dir(), code)
        apply_language(code)

    def _people_changed(self) -> None:
        """A person was saved: case rows show names, so the case list is read again; the people list
        keeps its place."""
        self.cases.refresh()
        self._update_status()

    def _cases_changed(self) -> None:
        self._update_status()

    def _data_changed(self) -> None:
        self.people.refresh()
        self.cases.refresh()
        self._update_status()

    def _update_status(self) -> None:
        if not store_db.is_open():
            return  # the window outlived the profile (closing down)
        n_people = self.people.model.total
        self.act_demo.setEnabled(n_people == 0)
        self.act_demo.setToolTip("" if n_people == 0 else _("Demo data can only be loaded into an empty profile."))
        self.who.setText(
            _("Volunteer: {name} · Laptop: {device}").format(
                name=profile.volunteer_name() or "–", device=profile.device_name() or "–"
            )
        )

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

        def done(path: object) -> None:
            if path is not None:
                self.statusBar().showMessage(_("Backup saved."), 5000)

        def failed(_exc: Exception) -> None:
            QMessageBox.warning(
                self,
                _("Backup"),
                _("The automatic backup failed. Your data is unchanged; please check the free disk space."),
            )

        self.backup_job = run_in_background(backup.backup_if_due, done, failed, self)

    def show_about(self) -> None:
        AboutDialog(self).exec()

    # --- geometry -----------------------------------------------------------------------------------
    def _settings(self) -> QSettings:
        return QSettings(str(paths.profile_dir() / "window.ini"), QSettings.Format.IniFormat)

    def _restore_geometry(self) -> None:
        geometry = self._settings().value("main/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1100, 700)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._settings().setValue("main/geometry", self.saveGeometry())
        super().closeEvent(event)
