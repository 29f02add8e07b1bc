"""What the handed-out app carries besides the program: its icon in every system's format, the Linux menu
entry and its installer, the zip handed out, and the PySide6 modules the bundle may leave out."""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from desktop import __version__, app, paths

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png_side(data: bytes) -> int:
    assert data.startswith(PNG_MAGIC)
    width, height = struct.unpack(">II", data[16:24])
    assert width == height
    return width


def test_the_app_shows_its_icon_in_every_size(qapp: QApplication) -> None:
    assert paths.resources_dir() / "icons" == ICONS
    app.create_application(["begleiter"])
    icon = QApplication.windowIcon()
    assert not icon.isNull()
    sizes = {size.width() for size in icon.availableSizes()}
    assert {16, 24, 32, 48, 64, 128, 256, 512} <= sizes
    pixmap = icon.pixmap(QSize(32, 32))
    assert not pixmap.isNull() and pixmap.width() == 32
    # Drawn, not empty: the corner is transparent, the middle is not.
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32)
    assert image.pixelColor(0, 0).alpha() == 0 and image.pixelColor(16, 16).alpha() == 255


def test_each_png_has_the_size_its_name_says() -> None:
    pngs = sorted(ICONS.glob("begleiter-*.png"))
    assert sorted(int(p.stem.split("-")[1]) for p in pngs) == [16, 24, 32, 48, 64, 128, 256, 512]
    for png in pngs:
        assert _png_side(png.read_bytes()) == int(png.stem.split("-")[1])


def test_the_windows_icon_holds_png_images_up_to_256() -> None:
    data = (ICONS / "begleiter.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sides = []
    for index in range(count):
        width, height, _colours, _zero, planes, bits, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        side = _png_side(data[offset : offset + length])
        assert width == height == (0 if side == 256 else side)
        assert (planes, bits) == (1, 32)
        sides.append(side)
    assert sides == [16, 24, 32, 48, 64, 128, 256]


def test_the_macos_icon_holds_png_images_of_its_types() -> None:
    data = (ICONS / "begleiter.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    found = {}
    at = 8
    while at < len(data):
        kind, length = data[at : at + 4], struct.unpack(">I", data[at + 4 : at + 8])[0]
        found[kind.decode()] = _png_side(data[at + 8 : at + length])
        at += length
    assert at == len(data)
    assert found == {
        "icp4": 16,
        "icp5": 32,
        "icp6": 64,
        "ic07": 128,
        "ic08": 256,
        "ic09": 512,
        "ic11": 32,
        "ic12": 64,
        "ic13": 256,
        "ic14": 512,
    }


@pytest.mark.skipif(sys.platform == "win32" or not shutil.which("sh"), reason="Linux desktops' menu entry")
def test_the_menu_entry_installs_into_the_users_home_only(tmp_path: Path) -> None:
    # An unzipped bundle, in a folder whose name has a space and an ampersand (both must survive).
    folder = tmp_path / "USB Stick & Co" / "Begleiter-0.1.0"
    resources = folder / "_internal" / "resources"
    resources.mkdir(parents=True)
    for part in ("icons", "linux"):
        shutil.copytree(ROOT / "resources" / part, resources / part)
    program = folder / "begleiter"
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    shutil.copy(ROOT / "resources" / "linux" / "install-desktop-entry.sh", folder)
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}

    done = subprocess.run(["sh", str(folder / "install-desktop-entry.sh")], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    share = home / ".local" / "share"
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        icon = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "begleiter.png"
        assert _png_side(icon.read_bytes()) == size
    entry = share / "applications" / "begleiter.desktop"
    lines = entry.read_text(encoding="utf-8").splitlines()
    assert f'Exec="{program}"' in lines and f"TryExec={program}" in lines
    assert {"Name=Begleiter", "Name[uk]=Супровід", "Icon=begleiter", "Categories=Office;"} <= set(lines)
    assert {path.relative_to(home).parts[:3] for path in home.rglob("*") if path.is_file()} == {
        (".local", "share", "icons"),
        (".local", "share", "applications"),
    }
    if shutil.which("desktop-file-validate"):
        validated = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert validated.returncode == 0, validated.stdout + validated.stderr

    # A folder without the program is refused, and nothing is written.
    empty = tmp_path / "empty"
    empty.mkdir()
    shutil.rmtree(share)
    refused = subprocess.run(
        ["sh", str(folder / "install-desktop-entry.sh"), str(empty)], env=env, capture_output=True, text=True
    )
    assert refused.returncode == 1 and "no Begleiter program" in refused.stderr
    assert not share.exists()


def _tool(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(sys.platform == "win32", reason="links and Unix modes in the bundle")
def test_the_zip_holds_one_versioned_folder_with_the_bundle_and_a_readme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_zip = _tool("make_zip")
    monkeypatch.setattr(make_zip, "system_name", lambda: "linux")
    monkeypatch.setattr(make_zip.platform, "machine", lambda: "AMD64")
    bundle = tmp_path / "begleiter"
    (bundle / "_internal" / "lib").mkdir(parents=True)
    (bundle / "begleiter").write_bytes(b"\x7fELF program")
    (bundle / "begleiter").chmod(0o755)
    (bundle / "_internal" / "lib" / "libQt6Core.so.6").write_bytes(b"library")
    (bundle / "_internal" / "libQt6Core.so.6").symlink_to("lib/libQt6Core.so.6")

    out = make_zip.make_zip(tmp_path)
    folder = f"Begleiter-{__version__}"
    assert out == tmp_path / f"{folder}-linux-x86_64.zip"
    with zipfile.ZipFile(out) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        assert set(infos) == {
            f"{folder}/begleiter",
            f"{folder}/_internal/lib/libQt6Core.so.6",
            f"{folder}/_internal/libQt6Core.so.6",
            f"{folder}/README.txt",
            f"{folder}/install-desktop-entry.sh",
        }
        mode = {name: info.external_attr >> 16 for name, info in infos.items()}
        assert stat.S_ISLNK(mode[f"{folder}/_internal/libQt6Core.so.6"])
        assert archive.read(f"{folder}/_internal/libQt6Core.so.6") == b"lib/libQt6Core.so.6"
        # Links carry their own date, as files do (not zipfile's default of 1980).
        assert infos[f"{folder}/_internal/libQt6Core.so.6"].date_time[0] >= 2024
        assert mode[f"{folder}/begleiter"] & 0o111 and mode[f"{folder}/install-desktop-entry.sh"] & 0o111
        readme = archive.read(f"{folder}/README.txt").decode("utf-8")
    for heading in ("DEUTSCH", "УКРАЇНСЬКА", "ENGLISH"):
        assert heading in readme
    assert readme.count("portable.txt") == 3 and readme.count("install-desktop-entry.sh") == 3
    assert f"Begleiter-{__version__}" in readme and "\r\n" not in readme

    assert "begleiter.exe" in make_zip.readme("windows", __version__)
    assert "\r\n" in make_zip.readme("windows", __version__)


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in programs are shell scripts")
def test_the_frozen_smoke_test_fails_when_a_step_fails_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    frozen_smoke = _tool("frozen_smoke")
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(frozen_smoke.tempfile, "tempdir", str(temp))
    bundle = tmp_path / "begleiter"
    plugin = bundle / "_internal" / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    plugin.parent.mkdir(parents=True)
    shutil.copy(Path(shutil.which("sh") or "/bin/sh").resolve(), plugin)  # an ELF file whose libraries are there
    accelerators = bundle / "_internal" / "_rl_accel.abi3.so"
    accelerators.write_bytes(b"")
    for name, script in {
        "begleiter": "exit 0",
        # init works, demo fails the way a broken bundle would.
        "begleiter-cli": 'case "$*" in *--version*) echo begleiter-cli 0.1.0;; *demo*) echo broken >&2; exit 3;; esac',
    }.items():
        (bundle / name).write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
        (bundle / name).chmod(0o755)

    assert frozen_smoke.main([str(bundle)]) == 1
    err = capsys.readouterr().err
    assert "frozen smoke test FAILED: exit 3" in err and "broken" in err
    assert list(temp.iterdir()) == []  # profiles, PDF and bundle are gone with the temporary folder

    # A bundle without reportlab's accelerators fails before any profile is made.
    accelerators.unlink()
    assert frozen_smoke.main([str(bundle)]) == 1
    assert "_rl_accel" in capsys.readouterr().err
    assert list(temp.iterdir()) == []
    accelerators.write_bytes(b"")

    # A bundle without the X11 platform plugin fails before any profile is made.
    plugin.unlink()
    if sys.platform.startswith("linux"):
        assert frozen_smoke.main([str(bundle)]) == 1
        assert "libqxcb.so is missing" in capsys.readouterr().err
    assert list(temp.iterdir()) == []


def _left_out_modules() -> list[str]:
    """The PySide6 modules build.spec leaves out of the bundle."""
    found = re.search(r"^UNUSED_MODULES = (\[.*?\])$", (ROOT / "build.spec").read_text(encoding="utf-8"), re.M)
    assert found
    return ast.literal_eval(found[1])


def _imports_of_left_out_modules(source: str, left_out: list[str]) -> list[str]:
    """The left-out modules a Python source imports, in any spelling (import X.Y, from X.Y import, from X import Y)."""
    modules = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return [module for module in modules if module.split(".")[:2] in [name.split(".") for name in left_out]]


def test_the_app_imports_none_of_the_modules_the_bundle_leaves_out() -> None:
    left_out = _left_out_modules()
    assert "PySide6.QtNetwork" in left_out
    assert _imports_of_left_out_modules("from PySide6 import QtCore, QtNetwork", left_out) == ["PySide6.QtNetwork"]
    assert _imports_of_left_out_modules("import PySide6.QtDBus as dbus", left_out) == ["PySide6.QtDBus"]
    found = {
        str(path.relative_to(ROOT)): _imports_of_left_out_modules(path.read_text(encoding="utf-8"), left_out)
        for path in (ROOT / "desktop").rglob("*.py")
    }
    assert {path: modules for path, modules in found.items() if modules} == {}
    # Nor does Qt for Python when a chart is drawn and a PDF viewed (statistics, print preview, printing).
    code = f"""
import sys
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name in {left_out!r}:
            raise ImportError("left out of the bundle: " + name)
sys.meta_path.insert(0, Refuse())
from PySide6.QtWidgets import QApplication
app = QApplication(["begleiter", "-platform", "offscreen"])
from PySide6.QtCharts import QBarSeries, QBarSet, QChart, QChartView
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
import desktop.ui.forms_dialog, desktop.ui.keys_ui, desktop.ui.stats_ui
bars = QBarSet("2026"); bars.append([3, 5, 2])
series = QBarSeries(); series.append(bars)
chart = QChart(); chart.addSeries(series); chart.createDefaultAxes()
view = QChartView(chart); view.resize(400, 300); view.show(); app.processEvents()
assert not view.grab().isNull()
pdf = QPdfView(); pdf.setDocument(QPdfDocument(pdf)); pdf.show(); app.processEvents()
QPrinter()
print("ok", sorted(m for m in sys.modules if m.startswith("PySide6.Qt")))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok") and not any(module in done.stdout for module in left_out)


def test_no_part_of_the_app_needs_what_the_bundle_excludes_beside_qt() -> None:
    """build.spec leaves out pkg_resources, setuptools and multiprocessing (their run-time hooks cost every
    start of the frozen programs): the app's modules, the identifier checks and the template machinery
    import none of them."""
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    excluded = ["pkg_resources", "setuptools", "multiprocessing"]
    assert all(f'"{name}"' in spec for name in excluded)
    code = f"""
import sys, pkgutil, importlib
import desktop
for module in pkgutil.walk_packages(desktop.__path__, "desktop."):
    importlib.import_module(module.name)
from stdnum.de import idnr
from schwifty import IBAN
idnr.is_valid("12345678911"); IBAN("DE89370400440532013000")
print(sorted(name for name in {excluded!r} if name in sys.modules))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
