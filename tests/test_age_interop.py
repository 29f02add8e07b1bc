"""Bundles are standard age files: the age command-line tool opens Begleiter's, and Begleiter opens age's.

age asks for the passphrase on the terminal, never on stdin, so the tool runs on a pseudo-terminal here
and the test types the passphrase when asked, as a coordinator would.
"""

from __future__ import annotations

import io
import json
import os
import pty
import select
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from desktop.core.store import db as store_db
from desktop.core.sync import bundle, exchange
from desktop.core.sync.bundle import BundleRejected
from tests.privacy_data import SECRETS, make_family
from tests.test_bundle_mutation import age_encrypt

AGE = shutil.which("age")
pytestmark = pytest.mark.skipif(
    AGE is None, reason="the age command-line tool is not installed (Debian: apt install age; .ci/run does)"
)

TEAM = "Team Köln-Süd 2026 — kein Passwort"


def run_age(args: list[str], answers: list[str], timeout: float = 60) -> tuple[int, str]:
    """Run age on a pseudo-terminal, typing each answer when age asks for a passphrase; (exit code, output)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: its controlling terminal is the pty, which is where age asks
        try:
            os.execv(AGE, [AGE, *args])  # type: ignore[list-item]
        finally:
            os._exit(127)
    output = b""
    pending = list(answers)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _w, _x = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
            if pending and output.lower().count(b"passphrase") > len(answers) - len(pending):
                os.write(fd, pending.pop(0).encode("utf-8") + b"\r")
        else:
            os.kill(pid, 9)
            pytest.fail(f"age did not finish: {output!r}")
    finally:
        os.close(fd)
    _pid, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode("utf-8", "replace")


def _bundle_zip(plain: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        assert zf.testzip() is None
        return {name: zf.read(name) for name in zf.namelist()}


def test_age_decrypts_a_bundle_that_begleiter_wrote(store: store_db.Store, tmp_path: Path) -> None:
    family = make_family()
    made = exchange.export_bundle(exchange.Scope("all"), TEAM, team="Köln-Süd")
    source = tmp_path / "bundle.age"
    source.write_bytes(made.data)
    assert made.data.startswith(b"age-encryption.org/v1\n-> scrypt ")

    code, output = run_age(["--decrypt", "-o", str(tmp_path / "out.zip"), str(source)], [TEAM])
    assert code == 0, output

    members = _bundle_zip((tmp_path / "out.zip").read_bytes())  # the standard library alone from here
    assert sorted(members) == ["changes.jsonl", "erasures.jsonl", "manifest.json"]
    manifest = json.loads(members["manifest.json"])
    assert manifest["format"] == "begleiter-bundle" and manifest["bundle_id"] == made.bundle_id
    assert manifest["team"] == "Köln-Süd" and manifest["source"]["device"] == store.device_id
    changes = [json.loads(line) for line in members["changes.jsonl"].decode("utf-8").splitlines()]
    assert len(changes) == manifest["counts"]["changes"] == manifest["members"]["changes.jsonl"]["lines"]
    assert SECRETS["family"] in {c["value"] for c in changes if c["field"] == "family_name"}
    assert family.person in {c["record"] for c in changes}


def test_age_refuses_a_wrong_passphrase(tmp_path: Path) -> None:
    """The control of the test above: the tool really checks what the test types."""
    source = tmp_path / "bundle.age"
    source.write_bytes(age_encrypt(b"PK\x05\x06" + bytes(18), TEAM))
    code, output = run_age(["--decrypt", "-o", str(tmp_path / "out.zip"), str(source)], [TEAM + "!"])
    assert code != 0 and "incorrect passphrase" in output.lower(), output
    assert not (tmp_path / "out.zip").exists() or not (tmp_path / "out.zip").read_bytes()


def test_begleiter_opens_a_bundle_that_age_encrypted(store: store_db.Store, tmp_path: Path) -> None:
    make_family()
    made = exchange.export(exchange.Scope("all"))
    (tmp_path / "bundle.zip").write_bytes(made.plain)
    target = tmp_path / "bundle.age"
    code, output = run_age(["--passphrase", "-o", str(target), str(tmp_path / "bundle.zip")], [TEAM, TEAM])
    assert code == 0, output
    data = target.read_bytes()
    assert data.startswith(b"age-encryption.org/v1\n-> scrypt ")

    assert bundle.decrypt(data, TEAM) == made.plain
    payload = bundle.open_bundle(data, TEAM)
    assert payload.bundle_id == made.bundle_id and len(payload.entries) == made.manifest["counts"]["changes"]
    with pytest.raises(BundleRejected) as refused:
        bundle.open_bundle(data, TEAM.upper())
    assert refused.value.kind == "passphrase"


def test_age_decrypts_what_the_tests_age_writer_writes(tmp_path: Path) -> None:
    """The tests' fast writer (tests/test_bundle_mutation.py) follows the spec as the reference tool reads it."""
    plain = os.urandom(3 * 64 * 1024 + 5)
    source = tmp_path / "fast.age"
    source.write_bytes(age_encrypt(plain, TEAM))
    code, output = run_age(["--decrypt", "-o", str(tmp_path / "out"), str(source)], [TEAM])
    assert code == 0, output
    assert (tmp_path / "out").read_bytes() == plain
