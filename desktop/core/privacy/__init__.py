"""Deleting records (tombstones that can be undone) and erasing a person for good (GDPR Art. 17)."""
