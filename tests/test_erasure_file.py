"""Nothing of an erased person stays in the database file: every page, free ones included, and the WAL,
decrypted with the raw key and searched for the person's names, phone, IBAN and notes."""

from __future__ import annotations

import pytest

from desktop import paths
from desktop.core.privacy import erasure
from desktop.core.store import db as store_db
from tests.decrypted_pages import LIBCRYPTO, pages
from tests.privacy_data import SECRETS, make_family

pytestmark = pytest.mark.skipif(LIBCRYPTO is None, reason="no libcrypto to decrypt pages with")

#: Parts of the secrets as the file holds them: whole values in rows and the change log (JSON keeps
#: Cyrillic as UTF-8), and word tails in the full-text index (whose terms are lower case and share their
#: beginnings with the term before them).
NEEDLES = [
    SECRETS["family"],
    SECRETS["given"],
    SECRETS["family_cyr"],
    SECRETS["given_cyr"],
    SECRETS["iban"],
    SECRETS["notes"],
    SECRETS["case_note"],
    SECRETS["reference"],
    "98765432",  # the phone's digits, also in the index
    "bolotnyj",
    "uirinia",
    "болотний",
    "іринія",
    "stbahnhof",
    "qwertz",
]


def remnants() -> list[str]:
    """Where any needle is found in the decrypted file and WAL."""
    db = store_db.current().db
    key, _salt = db._key_material
    page_size = int(db.execute_sql("PRAGMA cipher_page_size").fetchone()[0])
    reserve = 16 + 64  # IV and HMAC-SHA512 (SQLCipher 4 defaults)
    needles = [n.encode("utf-8") for n in NEEDLES]
    found = []
    for where, plain in pages(paths.database_path(store_db.current().path), key, page_size, reserve):
        for needle, text in zip(needles, NEEDLES, strict=True):
            if needle in plain:
                found.append(f"{text!r} in {where}")
    return found


def test_the_scan_finds_the_person_before_the_erasure(store):
    make_family()
    found = remnants()
    for needle in NEEDLES:
        assert any(repr(needle) in f for f in found), needle


def test_nothing_of_an_erased_person_stays_in_the_file_or_the_wal(store):
    f = make_family()
    store_db.checkpoint()  # most pages in the main file, as after a day's work
    erasure.erase_person(f.person)
    assert remnants() == []
    # Written again after the erasure: still nothing (the freed pages were zeroed, not left for reuse).
    from desktop.core import people

    people.create_person({"family_name": "Danach", "given_name": "Dora"})
    assert remnants() == []


def test_without_the_scrub_the_index_and_the_wal_keep_remnants(store, monkeypatch):
    """The scan can fail: an erasure without the index merge and the WAL checkpoint leaves traces."""
    f = make_family()
    monkeypatch.setattr(erasure, "scrub", lambda: None)
    erasure.erase_person(f.person)
    assert remnants() != []


def test_an_old_bundle_that_still_holds_the_person_leaves_nothing_either(tmp_path):
    """The person came from another laptop, was erased here, and that laptop's next bundle still holds
    them (it had not seen the erasure): the import drops every change of them; the file stays clean."""
    from desktop.core import people
    from tests.laptops import laptops

    here, there = laptops(tmp_path, "here", "there")
    there.use()
    f = make_family()
    here.apply(there.export())
    store_db.checkpoint()
    erasure.erase_person(f.person)
    assert remnants() == []
    there.use()
    people.update_person(f.person, {"city": "Ostbahnhofstadt"})  # an edit made before the marker arrived
    late = there.export()
    report = here.apply(late)
    assert report.new == 0
    assert remnants() == []
    store_db.checkpoint()
    assert remnants() == []
