"""Fitting a value into a text field of an official form: wrapped lines and a readable font size, or a
report that it does not fit (a value is never cut off silently).

The measures follow the field itself: its rectangle, its border, the font and size of its default
appearance (/DA) and the font's widths from the form's resources. A multiline field (Ff bit 13) is
wrapped at word boundaries; a value that needs more lines than the field holds is set smaller, down to
MIN_FONT_SIZE, and reported when it does not fit even then. A one-line field is set smaller the same way,
and no field takes more than its /MaxLen characters.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from pypdf.generic._font import Font  # pypdf's font metrics (widths, bounding box) of a PDF font resource

#: The smallest size a value is set in: smaller is not readable on paper (the Jobcenter's forms use 8.5 pt).
MIN_FONT_SIZE = 7.0
#: Steps in which a value that does not fit is set smaller.
STEP = 0.5
#: Size a field whose /DA says 0 ("automatic") starts from.
AUTO_START = 10.0
MULTILINE = 1 << 12
COMB = 1 << 24

_TF = re.compile(r"/([^\s/]+)\s+([\d.]+)\s+Tf")


@dataclass
class Fitted:
    """A value laid out in its field."""

    lines: list[str]
    size: float
    fits: bool
    #: About how many characters of this value fit at the smallest size (for the message).
    room: int
    multiline: bool


def _flags(widget: Any) -> int:
    node = widget
    while node is not None:
        if "/Ff" in node:
            return int(node["/Ff"])
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return 0


def _inherited(widget: Any, key: str, default: Any = None) -> Any:
    node = widget
    while node is not None:
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return default


def default_appearance(widget: Any, acro_form: Any) -> tuple[str, float, str]:
    """Font resource name, size and the whole /DA string of a text widget."""
    da = str(_inherited(widget, "/DA", acro_form.get("/DA", "/Helv 0 Tf 0 g")))
    found = _TF.search(da)
    if not found:
        return "Helv", 0.0, da
    return found.group(1), float(found.group(2)), da


def with_size(da: str, size: float) -> str:
    """The /DA string with another font size."""
    return _TF.sub(lambda m: f"/{m.group(1)} {size:g} Tf", da, count=1)


def font_of(name: str, acro_form: Any) -> Font:
    resources = acro_form.get("/DR", {})
    resources = resources.get_object() if hasattr(resources, "get_object") else resources
    fonts = resources.get("/Font", {}) if resources else {}
    fonts = fonts.get_object() if hasattr(fonts, "get_object") else fonts
    resource = fonts.get(f"/{name}") if fonts else None
    if resource is not None:
        try:
            return Font.from_font_resource(resource.get_object())
        except Exception:  # a font dictionary pypdf cannot read: measure with Helvetica, which is close
            pass
    return Font.from_core_font_name("/Helvetica")


def _width(font: Font, text: str, size: float) -> float:
    return font.get_text_width(text) * size / 1000


def wrap(text: str, font: Font, size: float, width: float) -> list[str]:
    """Lines of at most ``width`` points: words wrap, a word longer than a line is broken, line breaks stay."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if _width(font, candidate, size) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while _width(font, word, size) > width and len(word) > 1:
                cut = len(word)
                while cut > 1 and _width(font, word[:cut], size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _box(widget: Any) -> tuple[float, float, float]:
    """Width and height of the widget and the margin its border leaves (as pypdf draws it)."""
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    border = widget.get("/BS") or {}
    margin = float(border.get("/W", 1)) * (2 if border.get("/S") in ("/B", "/I") else 1)
    return abs(x2 - x1), abs(y2 - y1), margin


def fit(widget: Any, acro_form: Any, text: str) -> Fitted:
    """``text`` laid out in ``widget``: at the field's own size if it fits, smaller down to MIN_FONT_SIZE,
    else marked as not fitting."""
    flags = _flags(widget)
    multiline = bool(flags & MULTILINE)
    name, size, _da = default_appearance(widget, acro_form)
    most = _inherited(widget, "/MaxLen")
    if most is not None and len(text) > int(most):  # the field takes no more characters
        return Fitted([text], size, False, int(most), multiline)
    if flags & COMB:
        return Fitted([text], size, True, len(text), False)
    font = font_of(name, acro_form)
    box_width, box_height, margin = _box(widget)
    width = box_width - 6 * max(margin, 1)  # pypdf starts the text 2 margins in and clips 4 margins in
    height = box_height - 2 * margin
    descriptor = font.font_descriptor
    leading_factor = (descriptor.bbox[3] - descriptor.bbox[1]) / 1000 or 1.2
    start = size or min(AUTO_START, height / leading_factor)
    candidate = max(start, MIN_FONT_SIZE) if size else start
    sizes = []
    while candidate >= MIN_FONT_SIZE - 1e-9:
        sizes.append(round(candidate, 2))
        candidate -= STEP
    if not sizes or sizes[-1] > MIN_FONT_SIZE:
        sizes.append(MIN_FONT_SIZE)
    for current in sizes:
        if multiline:
            lines = wrap(text, font, current, width)
            if len(lines) * current * leading_factor <= height:
                return Fitted(lines, current, True, len(text), True)
        elif "\n" not in text and _width(font, text, current) <= width:
            return Fitted([text], current, True, len(text), False)
    smallest = sizes[-1]
    if multiline:
        lines = wrap(text, font, smallest, width)
        holds = max(1, math.floor(height / (smallest * leading_factor)))
        room = int(len(text) * holds / max(len(lines), 1))
        return Fitted(lines, smallest, False, room, True)
    whole = _width(font, " ".join(text.split()), smallest) or 1
    return Fitted([text], smallest, False, int(len(text) * width / whole), False)
