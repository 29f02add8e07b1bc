"""begleiter-cli export, import, conflicts, resolve and peers: real encrypted bundles between two profiles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop import cli
from desktop.core import people
from desktop.core.store.models import Person
from desktop.core.sync import conflicts
from tests.laptops import PASSPHRASE, Laptop, laptops

TEAM = "Willkommen Leipzig-Ost 2026"


@pytest.fixture
def ab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Laptop, Laptop]:
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv(cli.ENV_BUNDLE_PASSPHRASE, TEAM)
    return tuple(laptops(tmp_path, "anna", "bohdan"))  # type: ignore[return-value]


def run(laptop: Laptop, *argv: str) -> int:
    from desktop.core.store import db as store_db

    store_db.close_store()
    return cli.main(["--data-dir", str(laptop.folder), *argv])


def test_export_import_reimport_conflicts_resolve_peers(
    ab: tuple[Laptop, Laptop], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = ab
    a.use()
    pid = people.create_person({"family_name": "Melnyk", "given_name": "Olena", "city": "Leipzig"}).id
    stick = tmp_path / "stick"
    stick.mkdir()
    assert run(a, "export", "--all", "--out", str(stick)) == cli.EXIT_OK
    out = capsys.readouterr().out.splitlines()
    [written] = list(stick.iterdir())
    assert written.name.endswith(".age") and "anna" in written.name
    assert str(written) in out[1]
    assert written.read_bytes().startswith(b"age-encryption.org/v1\n")

    assert run(b, "import", str(written), "--json") == cli.EXIT_OK
    report = json.loads(capsys.readouterr().out)
    assert report["new"] >= 2 and report["conflicts"] == 0 and not report["already_known"]
    assert run(b, "import", str(written)) == cli.EXIT_OK
    assert capsys.readouterr().out.strip() == "This bundle was imported before; nothing changed."

    # The same field changed on both laptops: a conflict that both see and one resolves.
    a.use()
    people.update_person(pid, {"city": "Dresden"})
    b.use()
    people.update_person(pid, {"city": "Chemnitz"})
    back = tmp_path / "back.age"
    assert run(b, "export", "--since-last", "--out", str(back)) == cli.EXIT_OK
    capsys.readouterr()
    assert run(a, "import", str(back), "--json") == cli.EXIT_OK
    assert json.loads(capsys.readouterr().out)["conflicts"] == 1
    assert run(a, "conflicts", "--json") == cli.EXIT_OK
    [conflict] = json.loads(capsys.readouterr().out)
    assert conflict["record_id"] == pid and conflict["field"] == "city"
    assert sorted(v["value"] for v in conflict["values"]) == ["Chemnitz", "Dresden"]
    assert {v["device_name"] for v in conflict["values"]} == {"this laptop", "bohdan"}
    assert run(a, "resolve", conflict["id"], "--value", "not json") == cli.EXIT_USAGE
    assert "--value needs JSON" in capsys.readouterr().err
    assert run(a, "resolve", conflict["id"], "--keep", "nonsense") == cli.EXIT_ERROR
    capsys.readouterr()
    keep = next(v for v in conflict["values"] if v["value"] == "Chemnitz")
    assert run(a, "resolve", conflict["id"], "--keep", keep["change_id"]) == cli.EXIT_OK
    assert capsys.readouterr().out.strip() == "The conflict is resolved."
    assert run(a, "conflicts") == cli.EXIT_OK
    assert capsys.readouterr().out.strip() == "No open conflicts."

    # The resolution travels: b's conflict closes too.
    resolved = tmp_path / "resolved.age"
    assert run(a, "export", "--for-device", b.device, "--out", str(resolved)) == cli.EXIT_OK
    assert run(b, "import", str(resolved)) == cli.EXIT_OK
    b.use()
    assert conflicts.count() == 0 and Person.get_by_id(pid).city == "Chemnitz"
    capsys.readouterr()
    assert run(b, "peers", "--json") == cli.EXIT_OK
    [peer] = json.loads(capsys.readouterr().out)
    assert peer["device"] == a.device and peer["name"] == "anna" and peer["volunteer_name"] == "Volunteer anna"


def test_a_tampered_bundle_is_refused_quarantined_and_the_next_one_still_imports(
    ab: tuple[Laptop, Laptop], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = ab
    a.use()
    people.create_person({"family_name": "Kovalenko", "given_name": "Iryna"})
    good = tmp_path / "good.age"
    assert run(a, "export", "--all", "--out", str(good)) == cli.EXIT_OK
    data = bytearray(good.read_bytes())
    data[-40] ^= 0x01
    bad = tmp_path / "bad.age"
    bad.write_bytes(bytes(data))
    capsys.readouterr()
    before = b.digest()
    assert run(b, "import", str(bad)) == cli.EXIT_PROBLEMS == 1
    err = capsys.readouterr().err
    assert "damaged or was altered" in err or "does not open this bundle" in err
    kept = list((b.folder / "quarantine").iterdir())
    assert any(p.name.startswith("bad") for p in kept)
    assert b.digest() == before
    assert bad.exists()  # the user's file stays where it was
    assert run(b, "import", str(good)) == cli.EXIT_OK
    b.use()
    assert Person.select().where(Person.family_name == "Kovalenko").count() == 1


def test_a_wrong_team_passphrase_says_so(
    ab: tuple[Laptop, Laptop], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = ab
    out = tmp_path / "x.age"
    assert run(a, "export", "--all", "--out", str(out)) == cli.EXIT_OK
    capsys.readouterr()
    monkeypatch.setenv(cli.ENV_BUNDLE_PASSPHRASE, "another team")
    assert run(b, "import", str(out)) == cli.EXIT_PROBLEMS
    assert "The team passphrase does not open this bundle" in capsys.readouterr().err


def test_export_needs_a_scope_and_known_records(
    ab: tuple[Laptop, Laptop], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, _ = ab
    with pytest.raises(SystemExit) as info:
        run(a, "export", "--out", str(tmp_path / "x.age"))
    assert info.value.code == cli.EXIT_USAGE
    assert "One of --all, --since-last" in capsys.readouterr().err
    unknown = "01234567-89ab-7def-8123-456789abcdef"
    assert run(a, "export", "--person", unknown, "--out", str(tmp_path / "y.age")) == cli.EXIT_ERROR
    assert capsys.readouterr().err.strip() == f"begleiter-cli: There is no such record: {unknown}."
    assert run(a, "export", "--for-device", "", "--out", str(tmp_path / "y.age")) == cli.EXIT_ERROR
    assert "Choose the laptop" in capsys.readouterr().err
    assert not (tmp_path / "y.age").exists()


def test_a_bundle_that_came_too_early_is_refused_but_not_put_aside(
    ab: tuple[Laptop, Laptop], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = ab
    a.use()
    person = people.create_person({"family_name": "Hrytsenko", "given_name": "Maryna"})
    from desktop.core import cases

    first = tmp_path / "first.age"
    assert run(a, "export", "--since-last", "--out", str(first)) == cli.EXIT_OK
    a.use()
    cases.create_case({"person": person.id, "case_type": "widerspruch"})
    second = tmp_path / "second.age"
    assert run(a, "export", "--since-last", "--out", str(second)) == cli.EXIT_OK
    capsys.readouterr()
    assert run(b, "import", str(second)) == cli.EXIT_PROBLEMS
    assert "Import the earlier bundles" in capsys.readouterr().err
    assert not (b.folder / "quarantine").exists()
    assert run(b, "import", str(first)) == cli.EXIT_OK
    assert run(b, "import", str(second)) == cli.EXIT_OK  # now in order
