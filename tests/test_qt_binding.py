"""The Qt binding must not corrupt Python's reference counts (PySide6 6.12.0 did, under Python 3.11)."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel, QTreeWidgetItem


def test_void_calls_keep_the_reference_count_of_none(qapp) -> None:
    item, label = QTreeWidgetItem(["a"]), QLabel()
    before = sys.getrefcount(None)
    for _ in range(500):
        item.setToolTip(0, "tip")
        item.setData(0, 256, "id")
        label.setText("text")
    assert abs(sys.getrefcount(None) - before) < 50
