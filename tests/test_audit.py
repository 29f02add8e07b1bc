"""The audit log: what is recorded (never content), its hash chain, erasure, failed unlocks and the CLI."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from desktop import cli
from desktop.core import audit, cases, people, profile
from desktop.core.audit import chain, writer
from desktop.core.errors import WrongPassphrase
from desktop.core.forms import binding, service
from desktop.core.privacy import deletion, erasure
from desktop.core.store import backup, meta
from desktop.core.store import db as store_db
from desktop.core.sync import exchange
from tests.conftest import PASSPHRASE
from tests.laptops import Laptop


def kinds() -> list[str]:
    return [e.kind for e in reversed(audit.entries())]


def all_rows(store: store_db.Store) -> list[tuple]:
    return store.db.execute_sql("SELECT * FROM audit_log ORDER BY seq").fetchall()


@pytest.fixture
def small_log(store: store_db.Store) -> list[chain.Entry]:
    """Six entries of every shape: with and without a record, a count and a detail; triggers dropped as a
    person with the sqlcipher shell would, so that the tests can tamper."""
    person = people.create_person({"family_name": "Kovalenko", "given_name": "Olena"})
    case = cases.create_case({"person": person.id, "case_type": "buergergeld_erstantrag"})
    audit.record("print", "case", case.id, detail="pdf")
    audit.record("export", count=12)
    audit.record("delete", "person", person.id, count=3)
    audit.record("failed_unlock", count=2, detail="screen_lock")
    audit.record("import", count=0)
    entries = list(reversed(audit.entries()))
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert audit.verify() is None
    for trigger in ("audit_log_no_delete", "audit_log_no_update"):
        store.db.execute_sql(f"DROP TRIGGER {trigger}")
    return entries


def broken_after(store: store_db.Store, *statements: tuple[str, tuple]) -> chain.Broken | None:
    """What the check finds once ``statements`` have tampered with the log (undone afterwards)."""
    with store.db.atomic() as txn:
        for sql, params in statements:
            store.db.execute_sql(sql, params)
        found = chain.verify(store.db)
        txn.rollback()
    assert chain.verify(store.db) is None
    return found


# --- the chain ------------------------------------------------------------------------------------------


def test_removing_any_single_entry_is_found(store, small_log) -> None:
    last = small_log[-1].seq
    for entry in small_log:
        found = broken_after(store, ("DELETE FROM audit_log WHERE seq = ?", (entry.seq,)))
        assert found is not None, entry.seq
        if entry.seq == last:
            assert (found.seq, found.reason) == (last, "end")
        else:
            assert (found.seq, found.reason) == (entry.seq + 1, "missing")


def test_removing_an_entry_and_numbering_the_rest_again_is_found(store, small_log) -> None:
    for entry in small_log[:-1]:
        found = broken_after(
            store,
            ("DELETE FROM audit_log WHERE seq = ?", (entry.seq,)),
            ("UPDATE audit_log SET seq = seq - 1 WHERE seq > ?", (entry.seq,)),
        )
        assert found is not None and found.seq == entry.seq, entry.seq


def test_swapping_any_two_entries_is_found(store, small_log) -> None:
    for first in small_log:
        for second in small_log:
            if second.seq <= first.seq:
                continue
            found = broken_after(
                store,
                ("UPDATE audit_log SET seq = -1 WHERE seq = ?", (first.seq,)),
                ("UPDATE audit_log SET seq = ? WHERE seq = ?", (first.seq, second.seq)),
                ("UPDATE audit_log SET seq = ? WHERE seq = -1", (second.seq,)),
            )
            assert found is not None and found.seq == first.seq, (first.seq, second.seq)


def _altered(value: object) -> object:
    if value is None:
        return "01234567-89ab-7def-8123-456789abcdef"
    if isinstance(value, int):
        return value + 1
    return f"{value}0"


@pytest.mark.parametrize("column", [c for c in chain.COLUMNS if c != "seq"])
def test_altering_any_field_of_any_entry_is_found(store, small_log, column: str) -> None:
    for entry in small_log:
        value = _altered(getattr(entry, column))
        found = broken_after(store, (f"UPDATE audit_log SET {column} = ? WHERE seq = ?", (value, entry.seq)))
        assert found is not None, (column, entry.seq)
        assert found.seq == entry.seq, (column, entry.seq, found)


def test_a_record_id_changed_into_an_erasure_marker_must_name_an_erasure(store, small_log) -> None:
    named = next(e for e in small_log if e.record_id)
    fake = chain.marker(123456)
    found = broken_after(store, ("UPDATE audit_log SET record_id = ? WHERE seq = ?", (fake, named.seq)))
    assert found == chain.Broken(named.seq, "marker")
    assert broken_after(store, ("UPDATE audit_log SET record_id = NULL WHERE seq = ?", (named.seq,))) == chain.Broken(
        named.seq, "record"
    )


def test_a_removed_end_mark_is_found(store, small_log) -> None:
    found = broken_after(store, ("DELETE FROM setting WHERE key = ?", (chain.HEAD_SETTING,)))
    assert found == chain.Broken(small_log[-1].seq, "head")


def test_the_log_is_append_only_without_the_shell(store) -> None:
    import peewee as pw

    audit.record("export", count=1)
    with pytest.raises(pw.IntegrityError, match="append-only"):
        store.db.execute_sql("DELETE FROM audit_log")
    with pytest.raises(pw.IntegrityError, match="append-only"):
        store.db.execute_sql("UPDATE audit_log SET count = 2")
    with pytest.raises(pw.IntegrityError, match="append-only"):  # not even a record id, outside an erasure
        store.db.execute_sql("UPDATE audit_log SET record_id = 'x'")
    assert audit.verify() is None


# --- erasure --------------------------------------------------------------------------------------------


def _person_with_history() -> tuple[str, set[str]]:
    person = people.create_person({"family_name": "Bondarenko", "given_name": "Iryna"})
    case = cases.create_case({"person": person.id, "case_type": "buergergeld_erstantrag"})
    subject = binding.subject_for(case_id=case.id)
    printed = service.record_print(service.template("antrag-sgb2-formlos"), subject, b"%PDF-1.7", "print")
    task_case = cases.create_case({"person": person.id, "case_type": "buergergeld_erstantrag"})
    deletion.delete("case", task_case.id)
    return person.id, {person.id, case.id, printed.id, task_case.id}


def _clear_ids_in_log(store: store_db.Store, record_ids: set[str]) -> list[str]:
    text = json.dumps(all_rows(store))
    return sorted(rid for rid in record_ids if rid in text or rid.replace("-", "") in text)


def test_erasing_a_person_keeps_the_chain_whole_and_no_clear_id(store) -> None:
    other = people.create_person({"family_name": "Shevchenko", "given_name": "Taras"})
    audit.record("delete", "person", other.id, count=1)
    person_id, record_ids = _person_with_history()
    assert _clear_ids_in_log(store, record_ids)  # printed and deleted: named by id before the erasure
    erasure.erase_person(person_id)
    assert audit.verify() is None
    assert _clear_ids_in_log(store, record_ids) == []
    erased = [e for e in audit.entries() if e.erased]
    assert {e.kind for e in erased} == {"print", "delete", "erase"}
    assert all(e.record_digest for e in erased)
    assert next(e for e in audit.entries() if e.kind == "delete" and not e.erased).record_id == other.id
    # The clear ids still there are checked against their digests.
    assert all(
        e.record_digest == chain.record_digest(e.seq, e.record_id)
        for e in audit.entries()
        if e.record_id and not e.erased
    )


def test_an_erasure_arriving_in_a_bundle_replaces_the_ids_too(tmp_path: Path) -> None:
    a = Laptop(tmp_path / "a", "laptop-a", "Anna")
    b = Laptop(tmp_path / "b", "laptop-b", "Bohdan")
    a.use()
    person = people.create_person({"family_name": "Melnyk", "given_name": "Oksana"})
    b.apply(a.export())
    audit.record("print", "person", person.id)  # on laptop B
    assert _clear_ids_in_log(store_db.current(), {person.id})
    a.use()
    erasure.erase_person(person.id)
    report = b.apply(a.export())
    assert report.erased >= 1
    store = store_db.current()
    assert _clear_ids_in_log(store, {person.id}) == []
    assert audit.verify() is None
    assert kinds()[-2:] == ["import", "erase"]
    assert audit.entries()[0].detail == "bundle"


# --- what is recorded ------------------------------------------------------------------------------------


def test_failed_unlocks_are_counted_without_data_and_become_one_entry(store, profile_dir: Path) -> None:
    store_db.close_store()
    for _try in range(3):
        with pytest.raises(WrongPassphrase):
            profile.unlock(profile_dir, "not the passphrase")
    saved = json.loads((profile_dir / "profile.json").read_text())
    assert saved["failed_unlocks"]["count"] == 3
    assert "not the passphrase" not in json.dumps(saved)
    profile.unlock(profile_dir, PASSPHRASE)
    failed = [e for e in audit.entries() if e.kind == "failed_unlock"]
    assert [(e.count, e.at) for e in failed] == [(3, saved["failed_unlocks"]["since"])]
    assert kinds()[-2:] == ["failed_unlock", "unlock"]
    assert "failed_unlocks" not in meta.read(profile_dir)
    store_db.close_store()
    profile.unlock(profile_dir, PASSPHRASE)  # counted once only
    assert [e.kind for e in audit.entries()].count("failed_unlock") == 1
    assert audit.verify() is None


def test_the_screen_lock_records_its_unlocks_and_wrong_passphrases(store) -> None:
    assert not profile.passphrase_matches("wrong")
    assert profile.passphrase_matches(PASSPHRASE)
    newest = audit.entries(limit=2)
    assert [(e.kind, e.count, e.detail) for e in newest] == [
        ("unlock", None, "screen_lock"),
        ("failed_unlock", 1, "screen_lock"),
    ]


def test_restore_delete_print_export_and_import_are_recorded(store, profile_dir: Path) -> None:
    person_id, _ids = _person_with_history()
    exported = exchange.export(exchange.Scope())
    assert kinds()[-3:] == ["print", "delete", "export"]
    assert audit.entries()[0].count == exported.manifest["counts"]["records"]
    backup.make_backup()
    key = store.db._key_material
    store_db.close_store()
    backup.restore(profile_dir, backup.backups(profile_dir)[-1], key)
    profile.unlock(profile_dir, PASSPHRASE)
    assert kinds()[-2:] == ["restore", "unlock"]
    assert audit.entries()[1].count == 1
    deletion.delete("person", person_id)
    assert (audit.entries()[0].kind, audit.entries()[0].record_id) == ("delete", person_id)
    assert audit.verify() is None


def test_recording_never_fails_the_callers_work(store, monkeypatch, caplog) -> None:
    def broken(*_args):
        raise RuntimeError("Kovalenko")  # whatever it says, nothing of it reaches the log

    monkeypatch.setattr(writer, "_append", broken)
    with caplog.at_level(logging.WARNING):
        with store.db.atomic():
            person = people.create_person({"family_name": "Kovalenko"})
            audit.record("print", "person", person.id)
        audit.record("no such kind")
    assert people.count_people() == 1
    assert "Kovalenko" not in caplog.text and person.id not in caplog.text
    assert "RuntimeError" in caplog.text
    store_db.close_store()
    audit.record("export", count=1)  # no profile open: nothing to write, nothing raised


def test_an_entry_waits_for_another_programs_write_lock_instead_of_waiting(store) -> None:
    other = store.db.sibling(store.db.database)
    other.connect()
    other.execute_sql("BEGIN IMMEDIATE")
    try:
        audit.record("export", count=5)  # returns at once
        assert writer.waiting() == 1
    finally:
        other.execute_sql("ROLLBACK")
        other.close()
    assert audit.flush() == 1
    assert audit.entries()[0].count == 5
    assert audit.verify() is None


def test_the_kinds_named_by_the_privacy_work_exist(store) -> None:
    for kind in ("recovery_key_used", "passphrase_changed", "subject_access", "retention"):
        audit.record(kind)
    assert kinds()[-4:] == ["recovery_key_used", "passphrase_changed", "subject_access", "retention"]
    assert all(audit.kind_label(k) != k for k in audit.KINDS)


# --- the CLI ----------------------------------------------------------------------------------------------


def test_cli_lists_and_verifies_with_exit_codes(store, profile_dir: Path, monkeypatch, capsys) -> None:
    person = people.create_person({"family_name": "Tkachenko", "given_name": "Mariia"})
    deletion.delete("person", person.id)
    store_db.close_store()
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    argv = ["--data-dir", str(profile_dir), "audit"]
    assert cli.main([*argv, "--verify"]) == cli.EXIT_OK
    assert "whole" in capsys.readouterr().out
    assert cli.main([*argv, "--json"]) == cli.EXIT_OK
    listed = json.loads(capsys.readouterr().out)
    assert [e["kind"] for e in listed][:2] == ["unlock", "unlock"]  # newest first: this command's own unlock
    assert any(e["kind"] == "delete" and e["record_id"] == person.id for e in listed)
    assert cli.main(argv) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "Deleted" in out and person.id[:8] in out and "Tkachenko" not in out
    reopened = profile.unlock(profile_dir, PASSPHRASE)
    delete_seq = next(e.seq for e in audit.entries() if e.kind == "delete")
    reopened.db.execute_sql("DROP TRIGGER audit_log_no_update")
    reopened.db.execute_sql("UPDATE audit_log SET count = 99 WHERE seq = ?", (delete_seq,))
    store_db.close_store()
    assert cli.main([*argv, "--verify"]) == cli.EXIT_PROBLEMS
    out = capsys.readouterr().out
    assert f"Entry {delete_seq} " in out and "changed" in out
    assert cli.main([*argv, "--verify", "--json"]) == cli.EXIT_PROBLEMS
    result = json.loads(capsys.readouterr().out)
    assert result["whole"] is False and result["broken"]["seq"] == delete_seq and result["broken"]["reason"] == "hash"
    # begleiter-cli check names the broken chain as well (the store's own check cannot reach the audit log).
    assert cli.main(["--data-dir", str(profile_dir), "check"]) == cli.EXIT_PROBLEMS
    assert f"Entry {delete_seq} of the audit log is broken" in capsys.readouterr().err


def test_ids_that_are_not_uuids_are_kept_as_given(store) -> None:
    audit.record("subject_access", "person", "not-a-uuid")
    assert audit.entries()[0].record_id == "not-a-uuid"
    assert audit.verify() is None
