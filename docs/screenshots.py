"""Re-create the README screenshots: `QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots.py`.

Builds a throw-away profile with fictional demo data and grabs the main window in German and Ukrainian.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop import paths  # noqa: E402
from desktop.app import create_application  # noqa: E402
from desktop.core import demo, profile  # noqa: E402
from desktop.core.store import db as store_db  # noqa: E402
from desktop.ui.qt_i18n import apply_language  # noqa: E402

OUT = Path(__file__).resolve().parent / "screenshots"


def main() -> None:
    app = create_application(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="begleiter-shots-"))
    try:
        paths.set_profile_dir(folder)
        profile.create(folder, "screenshots only", language="de", device_name="Laptop Leipzig 1",
                       volunteer_name="Anna Schneider", kdf_iterations=1000)
        demo.generate(300, seed=7)
        from desktop.ui.main_window import MainWindow

        for lang in ("uk", "de"):
            apply_language(lang)
            window = MainWindow()
            window.resize(1200, 720)
            window.show()
            for area, name in ((0, "today"), (1, "people"), (2, "cases")):
                window.show_area(area)
                for _ in range(5):
                    app.processEvents()
                window.grab().save(str(OUT / f"{name}_{lang}.png"))
            window.close()
    finally:
        store_db.close_store()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
