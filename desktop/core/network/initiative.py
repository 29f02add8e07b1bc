"""The initiative's own details for the papers it issues: its name and address (the letterhead) and who signs.

A setting of this profile, kept in its encrypted database: it never travels (each laptop may issue papers
for its own initiative). The folder certificates were last saved to is kept here too (a folder's path may
name a volunteer, so it stays out of plain settings files).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from desktop.core.store import db as store_db

_NAME = "initiative_name"
_ADDRESS = "initiative_address"
_SIGNER = "initiative_signer"
_SIGNER_ROLE = "initiative_signer_role"
_CERTIFICATE_FOLDER = "certificate_folder"

#: Longest name, signer and role kept; the address has a few lines.
MAX_LINE = 200
MAX_ADDRESS = 600

#: A German postcode and town on an address line ("04317 Leipzig").
_TOWN = re.compile(r"^\s*(?:D-)?\d{5}\s+(?P<town>\S.*?)\s*$")


@dataclass(frozen=True)
class Initiative:
    """What the certificate prints of the initiative."""

    name: str = ""
    address: str = ""  # several lines: street, postcode and town
    signer: str = ""  # who signs, e.g. "Maria Muster"
    signer_role: str = ""  # e.g. "Vorstand"

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    @property
    def town(self) -> str:
        """The town of the address (the line with the postcode), "" when none is found."""
        for line in reversed(self.address_lines):
            match = _TOWN.match(line)
            if match:
                return match.group("town")
        return ""


def _clean_line(text: str) -> str:
    return " ".join(text.split())[:MAX_LINE]


def _clean_address(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(line for line in lines if line)[:MAX_ADDRESS]


def get() -> Initiative:
    store = store_db.current()
    return Initiative(
        name=store.get_setting(_NAME, ""),
        address=store.get_setting(_ADDRESS, ""),
        signer=store.get_setting(_SIGNER, ""),
        signer_role=store.get_setting(_SIGNER_ROLE, ""),
    )


def _set(store: store_db.Store, key: str, value: str) -> None:
    if value:
        store.set_setting(key, value)
    else:
        store.db.execute_sql("DELETE FROM setting WHERE key = ?", (key,))


def save(initiative: Initiative) -> Initiative:
    """Keep the initiative's details (spaces tidied, empty lines dropped); returns what was kept."""
    kept = Initiative(
        name=_clean_line(initiative.name),
        address=_clean_address(initiative.address),
        signer=_clean_line(initiative.signer),
        signer_role=_clean_line(initiative.signer_role),
    )
    store = store_db.current()
    with store.db.atomic("IMMEDIATE"):
        _set(store, _NAME, kept.name)
        _set(store, _ADDRESS, kept.address)
        _set(store, _SIGNER, kept.signer)
        _set(store, _SIGNER_ROLE, kept.signer_role)
    return kept


def certificate_folder() -> Path | None:
    """The folder the last certificate was saved to, proposed for the next one."""
    value = store_db.current().get_setting(_CERTIFICATE_FOLDER, "")
    return Path(value) if value else None


def set_certificate_folder(folder: Path | None) -> None:
    store = store_db.current()
    with store.db.atomic("IMMEDIATE"):
        _set(store, _CERTIFICATE_FOLDER, str(folder) if folder else "")
