"""Begleiter's core: data, rules and services. Never imports Qt (checked by import-linter)."""
