"""Re-create the README screenshots: `QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots.py`.

Builds a throw-away profile with fictional demo data and grabs the main window in German and Ukrainian.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["BEGLEITER_TEST_WEAK_KDF"] = "1"  # its throw-away demo profile derives its key cheaply
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop import paths
from desktop.app import create_application
from desktop.core import demo, profile
from desktop.core.store import db as store_db
from desktop.ui.qt_i18n import apply_language

OUT = Path(__file__).resolve().parent / "screenshots"


def main() -> None:
    app = create_application(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="begleiter-shots-"))
    try:
        paths.set_profile_dir(folder)
        profile.create(
            folder,
            "screenshots only",
            language="de",
            device_name="Laptop Leipzig 1",
            volunteer_name="Anna Schneider",
            kdf_iterations=1000,
        )
        demo.generate(2000, seed=7)  # enough families for statistics above the masking threshold
        from desktop.core import cases
        from desktop.core.store.models import Appointment, Case
        from desktop.ui.case_editor import CaseEditor
        from desktop.ui.main_window import MainWindow

        # A case with an appointment soon, its checklist partly done and its letter date entered.
        soon = Appointment.select().where(Appointment.starts_at >= dt.datetime.now()).order_by(Appointment.starts_at)
        case = next(a.case for a in soon if a.case and a.case.case_type == "buergergeld_erstantrag")
        cases.update_case(case.id, {"letter_date": dt.date.today() - dt.timedelta(days=3)})
        items = cases.checklist(case.id)
        for item in items[:2]:
            cases.update_checklist_item(item.id, {"have": True, "copied": True, "submitted_how": "in_person"})
        # Someone typed as a German letter spells them: the search finds the passport and Cyrillic record.
        from desktop.core.search.translit import transliterate
        from desktop.core.store.models import Person

        sample = Person.select().where(Person.family_name_cyr != "").order_by(Person.sort_key).first()
        typed = transliterate(f"{sample.given_name_cyr} {sample.family_name_cyr[:5]}", "german")
        for lang in ("uk", "de"):
            apply_language(lang)
            window = MainWindow()
            window.resize(1200, 720)
            window.show()
            for area, name in ((0, "today"), (1, "people"), (2, "cases")):
                window.show_area(area)
                for _round in range(5):
                    app.processEvents()
                window.grab().save(str(OUT / f"{name}_{lang}.png"))
            window.show_area(1)
            window.people.search_field.setText(typed)
            for _round in range(5):
                app.processEvents()
            window.grab().save(str(OUT / f"search_{lang}.png"))
            window.people.search_field.clear()
            editor = CaseEditor(Case.get_by_id(case.id), parent=window)
            editor.resize(860, 720)
            editor.show()
            for tab, name in ((0, "case"), (1, "checklist")):
                editor.tabs.setCurrentIndex(tab)
                for _round in range(5):
                    app.processEvents()
                editor.grab().save(str(OUT / f"{name}_{lang}.png"))
            editor.mark_clean()
            editor.close()
            # The form editor, German and Ukrainian labels side by side.
            from desktop.core.forms import binding, service
            from desktop.ui.forms_dialog import FormEditor

            subject = binding.subject_for(case_id=case.id)
            form = FormEditor(service.template("arbeitsblatt-hauptantrag"), subject, parent=window)
            form.resize(980, 720)
            form.show()
            for _round in range(5):
                app.processEvents()
            form.grab().save(str(OUT / f"form_{lang}.png"))
            form.mark_clean()
            form.close()
            _network_shots(app, window, lang)
            window.close()
        # Two pages of the outputs, as printed (the PDF rendered at 110 dpi).
        from PySide6.QtCore import QSize

        from desktop.core.forms import binding, service
        from desktop.ui.forms_dialog import pdf_document

        subject = binding.subject_for(case_id=case.id)
        for template_id, page, name in (
            ("arbeitsblatt-hauptantrag", 0, "pdf_worksheet"),
            ("widerspruch", 0, "pdf_letter"),
            ("widerspruch", 1, "pdf_letter_uk"),
        ):
            template = service.template(template_id)
            pdf = service.output(template, service.values_for(template, subject), subject, "uk")
            document = pdf_document(pdf)
            size = document.pagePointSize(page)
            document.render(page, QSize(int(size.width() * 110 / 72), int(size.height() * 110 / 72))).save(
                str(OUT / f"{name}.png")
            )
            document.close()
    finally:
        store_db.close_store()
        shutil.rmtree(folder, ignore_errors=True)


def _settle(app, rounds: int = 5) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui import worker

    for _round in range(rounds):
        worker.wait_all()
        app.processEvents()


def _network_shots(app, window, lang: str) -> None:  # type: ignore[no-untyped-def]
    """The needs board, the Match dialog of an open need and the statistics."""
    from desktop.core.store.models import NeedOffer
    from desktop.ui.main_window import NEEDS
    from desktop.ui.match_ui import MatchDialog
    from desktop.ui.stats_ui import StatsDialog

    window.show_area(NEEDS)
    _settle(app)
    window.grab().save(str(OUT / f"needs_{lang}.png"))
    need = (
        NeedOffer.select()
        .where((NeedOffer.kind == "need") & (NeedOffer.status == "open") & (NeedOffer.category == "accompaniment"))
        .order_by(NeedOffer.id)
        .first()
    ) or NeedOffer.select().where((NeedOffer.kind == "need") & (NeedOffer.status == "open")).first()
    match = MatchDialog(need.id, parent=window)
    match.show()
    _settle(app)
    match.grab().save(str(OUT / f"match_{lang}.png"))
    match.close()
    stats = StatsDialog(window)
    stats.resize(1000, 700)
    stats.show()
    _settle(app, 10)
    stats.grab().save(str(OUT / f"stats_{lang}.png"))
    stats.close()


if __name__ == "__main__":
    main()
