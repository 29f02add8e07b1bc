"""Several laptops in one test process: each its own profile folder; ``use()`` makes one the open profile.

Bundles pass between them as plaintext ZIPs (``exchange.export`` → ``bundle.read_zip`` → ``exchange.apply``)
so a test pays no scrypt; the encrypted path has its own tests.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from desktop import paths
from desktop.core import profile
from desktop.core.store import db as store_db
from desktop.core.store.models import Travelling
from desktop.core.sync import bundle, exchange
from desktop.core.sync.exchange import Report, Scope

TEST_KDF = 2_000
PASSPHRASE = "correct horse battery staple"


class Laptop:
    def __init__(self, folder: Path, name: str, volunteer: str) -> None:
        self.folder = folder
        self.name = name
        store = profile.create(
            folder, PASSPHRASE, language="en", device_name=name, volunteer_name=volunteer, kdf_iterations=TEST_KDF
        )
        self.device = store.device_id
        self.key = store.db._key_material
        store_db.close_store()

    def use(self) -> Laptop:
        if not (store_db.is_open() and store_db.current().path == self.folder):
            store_db.close_store()
            paths.set_profile_dir(self.folder)
            store_db.open_with_key(self.folder, *self.key)
        return self

    def export(self, scope: Scope | None = None, *, remember: bool = False) -> bytes:
        self.use()
        result = exchange.export(scope or Scope())
        if remember:
            exchange.remember_export(result)
        return result.plain

    def apply(self, plain: bytes) -> Report:
        self.use()
        return exchange.apply(bundle.read_zip(plain))

    def digest(self) -> str:
        """The travelling data as this laptop shows it (every row, every field), for convergence checks."""
        self.use()
        db = store_db.current().db
        h = hashlib.sha256()
        for model in sorted(Travelling.registry, key=lambda m: m.record_type):
            table = model._meta.table_name
            for row in db.execute_sql(f'SELECT * FROM "{table}" ORDER BY id'):
                h.update(repr((model.record_type, row)).encode())
        return h.hexdigest()


def laptops(tmp_path: Path, *names: str) -> list[Laptop]:
    return [Laptop(tmp_path / name, name, f"Volunteer {name}") for name in names]
