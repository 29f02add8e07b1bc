"""Profiles as Begleiter wrote them before the random database key (profile format 1): the key is
derived from the passphrase (PBKDF2-HMAC-SHA512 over the file's salt). They must keep opening, and are
converted to a wrapped random key on their first unlock."""

from __future__ import annotations

import secrets
from pathlib import Path

from desktop import paths
from desktop.core import profile
from desktop.core.store import changelog, meta
from desktop.core.store import db as store_db
from desktop.core.store.models import Volunteer
from tests.conftest import PASSPHRASE, TEST_KDF


def create_format1(folder: Path, passphrase: str = PASSPHRASE, iterations: int = TEST_KDF) -> store_db.Store:
    """A new, open format-1 profile with one volunteer (what profile.create made before)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for sub in (paths.logs_dir(folder), paths.backups_dir(folder), paths.cache_dir(folder)):
        sub.mkdir(exist_ok=True, mode=0o700)
    salt = secrets.token_bytes(meta.SALT_BYTES)
    key = store_db.derive_key(passphrase, salt, iterations)
    meta.write(folder, language="en")
    meta.record_key(folder, iterations, salt, key)
    store = store_db._bind(folder, key, salt)
    profile.after_unlock(store)
    store.set_setting("device_name", "older-laptop")
    volunteer = changelog.create(Volunteer, name="Older Volunteer")
    store.volunteer_id = volunteer.id
    store.set_setting("volunteer_id", volunteer.id)
    return store


def forget_key_check(folder: Path) -> None:
    """profile.json of a format-1 profile as a version before the key check wrote it."""
    import json

    data = json.loads((folder / "profile.json").read_text())
    assert data.get("format") == meta.FORMAT_DERIVED_KEY, "only a format-1 profile can be without key check"
    for key in ("kdf_salt", "key_check"):
        data.pop(key, None)
    (folder / "profile.json").write_text(json.dumps(data))
