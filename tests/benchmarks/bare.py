"""The baseline of the start and memory benchmarks: a bare PySide6 window, shown and painted, as the source
of a program of its own (`python -c BARE_WINDOW`), which prints one line once it has painted."""

BARE_WINDOW = """
import json
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication([])
window = QMainWindow()
window.setCentralWidget(QLabel("Hello"))
window.resize(1100, 700)
window.show()
app.processEvents()
window.grab()
print(json.dumps({"painted": 0}), flush=True)
"""
