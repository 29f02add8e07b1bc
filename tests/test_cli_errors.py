"""begleiter-cli: every error a user can provoke is one line in the profile's language, with the right exit code."""

from __future__ import annotations

import errno
import gettext
import json
import os
from pathlib import Path

import pytest

from desktop import cli, i18n
from desktop.core import people
from desktop.core.atomic import atomic_write_bytes
from desktop.core.errors import os_reason
from desktop.core.store import db as store_db
from tests.conftest import PASSPHRASE
from tests.test_cli import run_cli

#: Fragments of English that must not reach a user who reads Ukrainian or German.
ENGLISH = (
    "usage:",
    "the following arguments are required",
    "invalid choice",
    "invalid int value",
    "unrecognized arguments",
    "expected 2 arguments",
    "expected one argument",
    "not allowed with argument",
    "one of the arguments",
    "ignored explicit argument",
    "unknown federal state",
    "Unexpected error",
)


class _Tagged(gettext.NullTranslations):
    """A catalog that marks every message with its language, to see what went through translation."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def gettext(self, message: str) -> str:
        return f"[{self.lang}] {message}"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"[{self.lang}] {msgid1 if n == 1 else msgid2}"

    def pgettext(self, context: str, message: str) -> str:
        return f"[{self.lang}] {message}"


@pytest.fixture
def tagged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_load_catalog", _Tagged)


@pytest.fixture
def uk_folder(tmp_path: Path) -> Path:
    """A folder whose profile description says Ukrainian (all a usage error needs to know)."""
    folder = tmp_path / "uk-profile"
    folder.mkdir()
    (folder / "profile.json").write_text(json.dumps({"language": "uk"}), encoding="utf-8")
    return folder


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def _usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == cli.EXIT_USAGE
    return _one_line(capsys.readouterr().err)


@pytest.fixture
def person_id(store: store_db.Store, monkeypatch: pytest.MonkeyPatch) -> str:
    person = people.create_person({"family_name": "Kovalenko", "given_name": "Olena"})
    store_db.close_store()
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    return person.id


def _run(profile_dir: Path, *args: str) -> int:
    return cli.main(["--data-dir", str(profile_dir), *args])


# --- 1: where the PDF goes --------------------------------------------------------------------------------


def test_atomic_write_creates_no_folders(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write_bytes(tmp_path / "typo" / "x.pdf", b"%PDF")
    assert not (tmp_path / "typo").exists()


def test_render_into_a_missing_folder_is_refused_and_creates_nothing(
    person_id: str, profile_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nonexistent" / "dir" / "x.pdf"
    assert _run(profile_dir, "render", "vollmacht", "--person", person_id, "--out", str(out)) == cli.EXIT_ERROR
    line = _one_line(capsys.readouterr().err)
    assert line == f"begleiter-cli: The folder {out.parent} does not exist."
    assert not (tmp_path / "nonexistent").exists()


def test_render_onto_a_folder_says_so(
    person_id: str, profile_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(profile_dir, "render", "vollmacht", "--person", person_id, "--out", str(tmp_path)) == cli.EXIT_ERROR
    line = _one_line(capsys.readouterr().err)
    assert "Unexpected" not in line and "IsADirectoryError" not in line
    assert str(tmp_path) in line and "folder" in line


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT)), "cannot be written there"),
        (PermissionError(errno.EACCES, os.strerror(errno.EACCES)), "permission"),
        (OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), "disk is full"),
    ],
)
def test_a_failed_write_is_one_clear_line(
    person_id: str,
    profile_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    error: OSError,
    reason: str,
) -> None:
    from desktop.core import atomic

    def refuse(path: Path, data: bytes) -> None:
        raise error

    monkeypatch.setattr(atomic, "atomic_write_bytes", refuse)
    out = tmp_path / "x.pdf"
    assert (
        _run(profile_dir, "render", "schweigepflichtentbindung", "--person", person_id, "--out", str(out))
        == cli.EXIT_ERROR
    )
    line = _one_line(capsys.readouterr().err)
    assert "Unexpected" not in line and error.strerror not in line
    assert str(out) in line and reason in line


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_render_into_proc_is_refused(person_id: str, profile_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        _run(profile_dir, "render", "schweigepflichtentbindung", "--person", person_id, "--out", "/proc/x.pdf")
        == cli.EXIT_ERROR
    )
    line = _one_line(capsys.readouterr().err)
    assert "Unexpected" not in line and "/proc/x.pdf" in line


# --- 2: usage errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["render", "vollmacht", "--person", "x"],  # --out missing
        ["render", "vollmacht", "--out", "x.pdf"],  # --person or --case missing
        ["render", "vollmacht", "--person", "x", "--case", "y", "--out", "x.pdf"],
        ["init", "--language", "fr"],
        ["no-such-command"],
        [],
        ["edit"],
        ["search", "--limit", "abc"],
        ["search", "x", "y"],
        ["duplicates", "--not-same", "a"],
        ["render", "vollmacht", "--person", "x", "--out"],
        ["digest", "--json=yes"],
    ],
)
def test_usage_errors_are_one_translated_line(
    argv: list[str], uk_folder: Path, tagged: None, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _usage_error(["--data-dir", str(uk_folder), *argv], capsys)
    assert line.startswith("begleiter-cli: [uk] "), line
    assert not any(fragment in line for fragment in ENGLISH), line
    assert "--help" in line


def test_usage_errors_name_what_is_wrong(uk_folder: Path, tagged: None, capsys: pytest.CaptureFixture[str]) -> None:
    common = [f"--data-dir={uk_folder}"]
    assert "--out" in _usage_error([*common, "render", "vollmacht", "--person", "x"], capsys)
    choice = _usage_error([*common, "init", "--language", "fr"], capsys)
    assert "fr" in choice and "uk" in choice
    assert "abc" in _usage_error([*common, "search", "--limit", "abc"], capsys)
    assert "render" in _usage_error([*common, "no-such-command"], capsys)
    assert "y" in _usage_error([*common, "search", "x", "y"], capsys)
    assert "2" in _usage_error([*common, "duplicates", "--not-same", "a"], capsys)


def test_usage_errors_in_the_profile_language_in_a_child_process(tmp_path: Path, uk_folder: Path) -> None:
    result = run_cli("--data-dir", str(uk_folder), "render", "vollmacht", "--person", "x")
    assert result.returncode == cli.EXIT_USAGE
    line = _one_line(result.stderr)
    assert line.startswith("begleiter-cli: ") and not any(fragment in line for fragment in ENGLISH), line
    assert "--out" in line
    env = {"BEGLEITER_HOME": str(uk_folder)}  # the default folder is looked at too
    result = run_cli("init", "--language", "fr", env=env)
    assert result.returncode == cli.EXIT_USAGE and not any(f in _one_line(result.stderr) for f in ENGLISH)


# --- 3: federal state ------------------------------------------------------------------------------------


def test_unknown_federal_state_is_translated(uk_folder: Path, tagged: None, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(
        ["--data-dir", str(uk_folder), "deadline", "widerspruch", "--notified", "1.1.2026", "--state", "XX"]
    )
    assert code == cli.EXIT_USAGE
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("begleiter-cli: [uk] ") and "XX" in line and "SN" in line
    assert "unknown federal state" not in line
    end_of_time = ["deadline", "widerspruch", "--letter-date", "31.12.9999"]
    assert cli.main(["--data-dir", str(uk_folder), *end_of_time]) == cli.EXIT_USAGE
    assert _one_line(capsys.readouterr().err).startswith("begleiter-cli: [uk] --letter-date")


# --- 4: reasons from the operating system ------------------------------------------------------------------


def test_os_reasons_are_our_own_words(uk_folder: Path, tagged: None, capsys: pytest.CaptureFixture[str]) -> None:
    blank = ["--data-dir", str(uk_folder), "render", "vollmacht", "--person", "x", "--out", "x.pdf"]
    assert cli.main([*blank, "--blank", str(uk_folder / "nonexistent.pdf")]) == cli.EXIT_ERROR
    line = _one_line(capsys.readouterr().err)
    assert os.strerror(errno.ENOENT) not in line and line.count("[uk]") == 2, line
    assert cli.main(["--data-dir", str(uk_folder), "--passphrase-file", str(uk_folder), "init"]) == cli.EXIT_ERROR
    line = _one_line(capsys.readouterr().err)
    assert os.strerror(errno.EISDIR) not in line and line.count("[uk]") == 2, line
    for code in (errno.ENOENT, errno.EISDIR, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EIO, None):
        for writing in (False, True):
            reason = os_reason(code, writing=writing)
            assert reason.startswith("[uk] ") and (code is None or os.strerror(code) not in reason)


def test_blank_not_found_in_ukrainian_in_a_child_process(uk_folder: Path) -> None:
    result = run_cli(
        *("--data-dir", str(uk_folder), "render", "vollmacht", "--person", "x", "--out", "x.pdf"),
        *("--blank", str(uk_folder / "nonexistent.pdf")),
    )
    assert result.returncode == cli.EXIT_ERROR
    assert "No such file" not in _one_line(result.stderr)


# --- 5: official forms need --blank ------------------------------------------------------------------


def test_official_form_without_blank_names_the_option(
    person_id: str, profile_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ki.pdf"
    code = _run(profile_dir, "render", "jobcenter-anlage-ki-2020", "--person", person_id, "--out", str(out))
    assert code == cli.EXIT_ERROR
    line = _one_line(capsys.readouterr().err)
    assert "--blank" in line and "once" not in line
    assert not out.exists()


# --- 6 and 7: edit and search ------------------------------------------------------------------------------


def test_unknown_field_and_limit_zero_are_usage_errors(
    person_id: str, profile_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(profile_dir, "edit", "person", person_id, "--set", "nosuchfield=1") == cli.EXIT_USAGE
    assert "nosuchfield" in _one_line(capsys.readouterr().err)
    assert _run(profile_dir, "edit", "person", person_id, "--set", "city") == cli.EXIT_USAGE
    _one_line(capsys.readouterr().err)
    assert _run(profile_dir, "search", "x", "--limit", "0") == cli.EXIT_USAGE
    assert "--limit" in _one_line(capsys.readouterr().err)
    assert _run(profile_dir, "demo", "--people", "0") == cli.EXIT_USAGE
    assert "--people" in _one_line(capsys.readouterr().err)


def test_a_bad_field_value_names_the_field_as_the_user_knows_it(
    person_id: str, profile_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(profile_dir, "edit", "person", person_id, "--set", "birth_date=xx") == cli.EXIT_ERROR
    line = _one_line(capsys.readouterr().err)
    assert "Date of birth" in line and "birth_date" not in line
    assert _run(profile_dir, "edit", "person", person_id, "--set", "phone=abc") == cli.EXIT_ERROR
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("begleiter-cli: Phone: ")


# --- 8: limits and the profile folder ------------------------------------------------------------------------


def test_search_limit_beyond_the_maximum_is_a_usage_error(
    person_id: str, profile_dir: Path, uk_folder: Path, tagged: None, capsys: pytest.CaptureFixture[str]
) -> None:
    for limit in ("100000000", str(cli.MAX_SEARCH_LIMIT + 1)):
        assert cli.main(["--data-dir", str(uk_folder), "search", "x", "--limit", limit]) == cli.EXIT_USAGE
        line = _one_line(capsys.readouterr().err)
        assert line.startswith("begleiter-cli: [uk] --limit") and str(cli.MAX_SEARCH_LIMIT) in line, line
    i18n.set_language("en")
    assert _run(profile_dir, "search", "", "--limit", str(cli.MAX_SEARCH_LIMIT), "--json") == cli.EXIT_OK
    assert json.loads(capsys.readouterr().out)[0]["id"] == person_id
    with pytest.raises(SystemExit):
        cli.main(["search", "--help"])
    assert f"1 to {cli.MAX_SEARCH_LIMIT}" in " ".join(capsys.readouterr().out.split())


def test_an_empty_data_dir_is_a_usage_error_not_the_default_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tagged: None, capsys: pytest.CaptureFixture[str]
) -> None:
    default = tmp_path / "default-profile"
    monkeypatch.setenv("BEGLEITER_HOME", str(default))
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    for argv in (["--data-dir", "", "init"], ["--data-dir=", "check"], ["--data-dir", "  ", "init"]):
        line = _usage_error(argv, capsys)
        assert line.startswith("begleiter-cli: [") and "--data-dir" in line and "--help" in line, line
    assert not default.exists()


def test_a_data_dir_that_is_a_file_is_a_usage_error(
    uk_folder: Path, monkeypatch: pytest.MonkeyPatch, tagged: None, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BEGLEITER_PASSPHRASE", PASSPHRASE)
    a_file = uk_folder / "notes.txt"
    a_file.write_text("not a profile", encoding="utf-8")
    for folder in (a_file, a_file / "profile"):
        line = _usage_error(["--data-dir", str(folder), "init", "--language", "de"], capsys)
        assert line.startswith("begleiter-cli: [") and str(a_file) in line and "--help" in line, line
    assert a_file.read_text(encoding="utf-8") == "not a profile"


def test_usage_errors_of_the_profile_folder_in_a_child_process(tmp_path: Path, uk_folder: Path) -> None:
    a_file = uk_folder / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    env = {"BEGLEITER_HOME": str(uk_folder), "BEGLEITER_PASSPHRASE": PASSPHRASE}
    for argv in (("--data-dir", str(a_file), "init"), ("--data-dir", "", "init")):
        result = run_cli(*argv, env=env)
        assert result.returncode == cli.EXIT_USAGE, result.stderr
        line = _one_line(result.stderr)
        assert "--data-dir" in line and not any(fragment in line for fragment in ENGLISH), line
    # An empty --data-dir leaves the default folder, whose profile says Ukrainian.
    assert "was empty" not in line and "--help" in line, line
    assert a_file.read_text(encoding="utf-8") == "x" and not (uk_folder / "begleiter.db").exists()


def test_a_reader_that_stops_reading_ends_the_command_quietly(tmp_path: Path) -> None:
    """`begleiter-cli … | head`: when the reader goes away the command ends with 141 (128 + SIGPIPE), without
    an 'unexpected error' on the terminal."""
    import subprocess
    import sys

    env = {**os.environ, "BEGLEITER_PASSPHRASE": PASSPHRASE, "BEGLEITER_TEST_WEAK_KDF": "1"}
    command = [sys.executable, "-c", "from desktop.__main__ import cli_entry; raise SystemExit(cli_entry())"]
    command += ["--data-dir", str(tmp_path / "p")]
    subprocess.run([*command, "init"], env=env, check=True, capture_output=True)
    subprocess.run([*command, "demo", "--people", "1000", "--seed", "1"], env=env, check=True, capture_output=True)
    # A thousand people as JSON are more than a pipe holds, so the writer meets the closed end.
    proc = subprocess.Popen(
        [*command, "search", "", "--limit", "1000", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    error = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert error == ""
