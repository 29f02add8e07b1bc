"""Draw Begleiter's app icons from the master resources/icons/begleiter.svg.

    .venv/bin/python tools/make_icons.py

writes, beside the master, the PNGs every system needs (begleiter-<size>.png), a Windows begleiter.ico and a
macOS begleiter.icns. Both containers hold PNG-compressed images (Windows Vista and macOS 10.7 onwards read
them), so no image library beyond Qt is needed. The generated files are committed: a build does not run this.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
MASTER = ICONS / "begleiter.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
#: Windows picks from these (256 is the largest an .ico entry can be).
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: macOS's PNG-holding icon types: (type, pixels); ic11-ic14 are the Retina (@2x) variants.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def render_png(svg: Path, size: int) -> bytes:
    """The master drawn at size x size pixels on a transparent background, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """An .ico container: ICONDIR, one ICONDIRENTRY per image, then the PNG data (width/height 0 means 256)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, images = b"", b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        images += data
        offset += len(data)
    return header + entries + images


def icns(pngs: dict[int, bytes]) -> bytes:
    """An .icns container: 'icns' and the file's length, then per image its type, length and PNG data."""
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(["make_icons", "-platform", "offscreen"])
    sizes = sorted({*PNG_SIZES, *ICO_SIZES, *(size for _kind, size in ICNS_TYPES)})
    pngs = {size: render_png(MASTER, size) for size in sizes}
    for size in PNG_SIZES:
        (ICONS / f"begleiter-{size}.png").write_bytes(pngs[size])
    (ICONS / "begleiter.ico").write_bytes(ico({size: pngs[size] for size in ICO_SIZES}))
    (ICONS / "begleiter.icns").write_bytes(icns(pngs))
    del app
    print(f"{len(PNG_SIZES)} PNGs, begleiter.ico and begleiter.icns written to {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
