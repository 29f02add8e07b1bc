"""begleiter-cli delete and erase: what they say and their exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import cli
from desktop.core import ids
from desktop.core.privacy import erasure
from desktop.core.store import db as store_db
from desktop.core.store import integrity
from desktop.core.store.models import Case, Person
from tests.conftest import PASSPHRASE
from tests.privacy_data import make_family


@pytest.fixture
def family(store, profile_dir: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    f = make_family()
    store_db.close_store()
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    return f


def run(profile_dir: Path, *argv: str) -> int:
    return cli.main(["--data-dir", str(profile_dir), *argv])


def reopen(profile_dir: Path) -> None:
    store_db.open_store(profile_dir, PASSPHRASE)


def test_delete_a_case_then_again(family, profile_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(profile_dir, "delete", "case", family.case) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("Deleted: 1 case, 1 appointment,") and "notes" not in out and "1 note" in out
    reopen(profile_dir)
    assert Case.get_by_id(family.case).deleted and not Person.get_by_id(family.person).deleted
    store_db.close_store()
    assert run(profile_dir, "delete", "case", family.case) == cli.EXIT_ERROR
    assert capsys.readouterr().err.strip() == "begleiter-cli: This record is deleted already."


@pytest.mark.parametrize("kind", ["person", "case", "appointment", "task", "note"])
def test_delete_refuses_an_unknown_id(family, profile_dir: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    unknown = ids.new_id()
    assert run(profile_dir, "delete", kind, unknown) == cli.EXIT_ERROR
    assert capsys.readouterr().err.strip() == f"begleiter-cli: There is no such record: {unknown}."


def test_delete_person(family, profile_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(profile_dir, "delete", "person", family.person) == cli.EXIT_OK
    assert capsys.readouterr().out.startswith("Deleted: 1 person, 1 household membership, 1 case,")


def test_erase_needs_yes(family, profile_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(profile_dir, "erase", family.person) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "cannot be undone" in err and "--yes" in err
    reopen(profile_dir)
    assert Person.get_or_none(Person.id == family.person) is not None


def test_erase(family, profile_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(profile_dir, "erase", family.person, "--yes") == cli.EXIT_OK
    assert capsys.readouterr().out.startswith("Erased: 1 person, 1 household membership, 1 case,")
    reopen(profile_dir)
    assert Person.get_or_none(Person.id == family.person) is None
    assert erasure.erased_among([ids.to_bytes(family.person)])
    assert integrity.check() == []
    store_db.close_store()
    assert run(profile_dir, "erase", family.person, "--yes") == cli.EXIT_ERROR
    assert capsys.readouterr().err.strip() == "begleiter-cli: This person has been erased already."
    unknown = ids.new_id()
    assert run(profile_dir, "erase", unknown, "--yes") == cli.EXIT_ERROR
    assert capsys.readouterr().err.strip() == f"begleiter-cli: There is no such person: {unknown}."
