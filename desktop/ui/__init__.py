"""The Qt user interface. Everything here may import PySide6; nothing in desktop.core imports this."""
