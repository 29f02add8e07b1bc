"""Begleiter: an offline-first case keeper for volunteers accompanying people from Ukraine."""

__version__ = "0.1.0"
APP_NAME = "Begleiter"
