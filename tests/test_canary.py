"""Canary test: a person with unmistakable values goes through everything a volunteer does with a
record – created, edited, printed, exported in a bundle (to a folder and as an e-mail draft), reported
(Art. 15), backed up, its profile's passphrase changed, erased – and afterwards no file anywhere the app
writes (the profile, the temp folder, the home folder with its config and cache folders) holds a canary
in plaintext, except the PDF and the subject report the user explicitly asked for."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest

from desktop.core import cases, people, profile
from desktop.core.forms import binding, service
from desktop.core.privacy import erasure
from desktop.core.store import backup
from desktop.core.store import db as store_db
from desktop.core.sync import exchange, transport
from desktop.core.sync.exchange import Scope
from tests.conftest import PASSPHRASE
from tests.test_bundle_mutation import TEAM, age_encrypt

CANARIES = {
    "family_name": "Kanarienvogel",
    "given_name": "Zwitscherine",
    "family_name_cyr": "Канарейченко",
    "given_name_cyr": "Щебетуха",
    "phone": "+49 170 9182736",
    "email": "zwitscherine@kanarien.example",
    "street": "Vogelbeerweg 77",
    "notes": "Kanarien-Notiz 4711 Щебет",
}
NEW_PASSPHRASE = "canary passphrase changed 2026"


def _needles() -> list[bytes]:
    words = [v for v in CANARIES.values()] + ["Kanarien-Notiz", "9182736", "Щебет", "Kanarienvogel", "KANARIENVOGEL"]
    out = []
    for word in words:
        out += [word.encode("utf-8"), word.encode("utf-16-le")]
    return out


def _leaks(root: Path, allowed: set[Path]) -> list[tuple[str, str]]:
    found = []
    needles = _needles()
    for path in root.rglob("*"):
        if not path.is_file() or path.resolve() in allowed:
            continue
        data = path.read_bytes()
        for needle in needles:
            if needle in data:
                found.append((str(path.relative_to(root)), needle.decode("utf-8", errors="replace")[:20]))
    return found


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temp folder of this test's own, so that every file the app puts there can be read."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home" / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / ".local" / "share"))
    return folder


def test_no_canary_in_plaintext_anywhere_after_a_records_whole_life(
    store: store_db.Store, profile_dir: Path, private_temp: Path, tmp_path: Path
) -> None:
    # Created and edited.
    values = dict(CANARIES)
    notes = values.pop("notes")
    person = people.create_person({**values, "birth_date": dt.date(1979, 5, 17)})
    people.update_person(person.id, {"notes": notes, "city": "Leipzig", "postcode": "04109"})
    case = cases.create_case({"person": person.id, "case_type": "widerspruch", "reference": "KAN-4711"})

    # Printed: the PDF is what the user asked for, written where they chose.
    template = service.template("vollmacht")
    subject = binding.subject_for(person_id=person.id, case_id=case.id)
    form_values = service.values_for(template, subject)
    form_values["scope_jobcenter"] = True
    pdf = service.output(template, form_values, subject, "uk")
    service.record_print(template, subject, pdf, "print")
    asked = tmp_path / "chosen" / "vollmacht.pdf"
    asked.parent.mkdir()
    asked.write_bytes(pdf)
    assert b"%PDF" in pdf

    # Exported: to a folder (a stick) and as an e-mail draft; both hold only the encrypted bundle.
    result = exchange.export(Scope("all"))
    data = age_encrypt(result.plain, TEAM)
    stick = tmp_path / "stick"
    stick.mkdir()
    transport.write_verified(data, stick, "bundle.age")
    transport.eml_draft(
        data, "bundle.age", team="Team", device_name="laptop", created=dt.datetime(2026, 12, 3, 10, 0), folder=stick
    )
    exchange.remember_export(result)

    # Reported (Art. 15): the two files are what the user asked for, in the folder they chose.
    from desktop.core.privacy import subject

    report_dir = tmp_path / "chosen" / "report"
    report_dir.mkdir()
    asked_report = subject.write(person.id, report_dir)

    # Backed up, passphrase changed, unlocked again.
    backup.make_backup()
    profile.change_passphrase(PASSPHRASE, NEW_PASSPHRASE, NEW_PASSPHRASE)
    store_db.checkpoint()
    store_db.close_store()
    profile.unlock(profile_dir, NEW_PASSPHRASE)

    # Before the erasure nothing leaks either (the encrypted database and bundle included in the scan).
    allowed = {asked.resolve(), *(p.resolve() for p in asked_report)}
    assert _leaks(report_dir, set()) != []  # the report does hold the canaries: the scan would see them
    assert _leaks(profile_dir, allowed) == []
    assert _leaks(stick, allowed) == []
    assert _leaks(private_temp, allowed) == []
    assert _leaks(tmp_path / "home", allowed) == []

    # Erased: and still nothing anywhere, the database included.
    erasure.erase_person(person.id)
    store_db.checkpoint()
    store_db.close_store()
    for root in (profile_dir, private_temp, tmp_path / "home", stick):
        assert _leaks(root, allowed) == [], root
    # The scan finds a canary where there is one (in either encoding).
    planted = profile_dir / "logs" / "planted.txt"
    planted.write_text(f"x {CANARIES['given_name_cyr']} y", encoding="utf-16-le")
    assert {name for name, _needle in _leaks(profile_dir, allowed)} == {"logs/planted.txt"}
