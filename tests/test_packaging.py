"""What the handed-out app carries besides the program: its icon in every system's format."""

from __future__ import annotations

import struct
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from desktop import app, paths

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
