"""What the command-line render path leaves out or puts off: only the command run gets its parser, and
reportlab's expressions for URLs and CJK text are compiled when first used (and then as they were)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import cli, paths
from desktop.core import reports
from desktop.core.forms import templates
from desktop.core.store import db as store_db


def test_reportlab_url_and_cjk_expressions_compile_on_first_use() -> None:
    from reportlab.lib import rl_safe_eval, textsplit
    from reportlab.platypus import paragraph

    assert re.compile is reports._compile  # put back after the import
    unsafe = rl_safe_eval.__rl_unsafe_re__
    for lazy in (paragraph.uri_pat, textsplit.rx, unsafe):
        assert isinstance(lazy, reports._LazyPattern)
    url = "https://example.org/a-long/path?x=1"
    assert paragraph.uri_pat.match(url).group(1) == "https://"
    assert paragraph.uri_pat.pattern == re.compile(paragraph.uri_pat.pattern, re.I).pattern
    assert textsplit.rx.sub(r"\1 ", "ab中文") == "ab中 文 "
    assert unsafe.search("x.co_code") and not unsafe.search("Kovalenko")
    # Other callers during the import got compiled expressions.
    assert isinstance(paragraph._wsc_re_split.__self__, re.Pattern)


def test_reportlab_runs_with_its_c_accelerators() -> None:
    """rl_accel installed: reportlab's number formatting, string widths and ASCII85 in C (its Python
    fallbacks, taken silently when the package is missing, double a cold render)."""
    from reportlab.lib import rl_accel

    for name in ("fp_str", "asciiBase85Encode", "instanceStringWidthTTF", "escapePDF"):
        assert type(getattr(rl_accel, name)).__name__ == "builtin_function_or_method", name


def test_deferring_applies_only_to_the_named_modules() -> None:
    assert isinstance(reports._deferring_compile("(^(?:[a-z0-9\\.\\-\\+]*)://)x"), re.Pattern)


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["render", "t", "--person", "x", "--out", "o.pdf"], "render"),
        (["--data-dir", "/tmp/p", "render", "t"], "render"),
        (["--data-dir=/tmp/p", "--passphrase-file", "f", "digest"], "digest"),
        (["--data-dir", "render", "digest"], "digest"),  # a folder named like a command
        (["--help"], None),
        (["-h", "render"], None),
        (["--version"], None),
        (["no-such-command"], None),
        (["--data", "/tmp/p", "render"], None),  # an abbreviated option: argparse says what it is
        ([], None),
    ],
)
def test_command_of(argv: list[str], command: str | None) -> None:
    assert cli._command_of(argv) == command


def test_a_command_parses_alike_with_its_parser_alone() -> None:
    for argv in (
        ["--data-dir", "/tmp/p", "render", "bench", "--person", "p1", "--out", "o.pdf", "--language", "de"],
        ["search", "Kovalenko", "--json", "--limit", "3"],
        ["demo", "--people", "10", "--seed", "2"],
    ):
        assert cli.build_parser(cli._command_of(argv)).parse_args(argv) == cli.build_parser().parse_args(argv)


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.build_parser(cli._command_of(["--help"])).parse_args(["--help"])
    shown = capsys.readouterr().out
    assert all(name in shown for name in cli._COMMANDS)


def test_every_command_gets_its_parser_alone() -> None:
    for command in cli._COMMANDS:
        sub = next(a for a in cli.build_parser(command)._actions if a.dest == "command")
        assert list(sub.choices) == [command]


def _template_file(folder: Path, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "cached.yaml"
    path.write_text(
        "id: cached\nversion: 1\nkind: worksheet\nneeds: person\n"
        "title: {de: Arbeitsblatt, uk: Аркуш, en: Sheet}\n"
        "sections:\n  - key: s\n    title: {de: Teil, uk: Частина, en: Part}\n    fields:\n"
        "      - {key: name, type: text, bind: person.family_name, label: {de: Name, uk: Прізвище, en: Name}}\n"
        + extra,
        encoding="utf-8",
    )
    return path


def test_a_template_parsed_once_comes_from_the_cache(store: store_db.Store, tmp_path: Path) -> None:
    path = _template_file(tmp_path / "own")
    first = templates.load_file(path, False)
    assert first.valid, first.errors
    cached = list(paths.cache_dir().glob("template-*.json"))
    assert len(cached) == 1
    # A fresh process reads it without the YAML parser, and gets the same template.
    code = (
        "import sys, pathlib; from desktop import paths; from desktop.core.forms import templates; "
        "paths.set_profile_dir(sys.argv[1]); t = templates.load_file(pathlib.Path(sys.argv[2]), False); "
        "print(t.valid, t.id, t.fields()[0].label.uk, 'yaml' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(paths.profile_dir()), str(path)], capture_output=True, text=True, check=True
    )
    assert run.stdout.split() == ["True", "cached", "Прізвище", "False"]
    # A changed file is parsed again.
    path.write_text(path.read_text(encoding="utf-8").replace("Прізвище", "Ім’я"), encoding="utf-8")
    assert templates.load_file(path, False).fields()[0].label.uk == "Ім’я"


def test_a_damaged_cache_is_parsed_again(store: store_db.Store, tmp_path: Path) -> None:
    path = _template_file(tmp_path / "own")
    templates.load_file(path, False)
    (cached,) = paths.cache_dir().glob("template-*.json")
    cached.write_text("{not json", encoding="utf-8")
    assert templates.load_file(path, False).valid
    assert json.loads(cached.read_text(encoding="utf-8"))["data"]["id"] == "cached"


def test_what_json_cannot_hold_is_not_cached(store: store_db.Store, tmp_path: Path) -> None:
    path = _template_file(tmp_path / "own", "help: {de: 2026-03-02}\n")  # YAML makes that a date
    templates.load_file(path, False)
    assert not list(paths.cache_dir().glob("template-*.json"))
    assert templates._parsed(path)["help"]["de"] == dt.date(2026, 3, 2)


def test_a_broken_template_says_where(store: store_db.Store, tmp_path: Path) -> None:
    path = _template_file(tmp_path / "own", "sections: [\n")
    broken = templates.load_file(path, False)
    assert not broken.valid
    assert "line" in broken.errors[0]
