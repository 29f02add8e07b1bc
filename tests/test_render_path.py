"""What the command-line render path leaves out or puts off: only the command run gets its parser, and
reportlab's expressions for URLs and CJK text are compiled when first used (and then as they were)."""

from __future__ import annotations

import re

import pytest

from desktop import cli
from desktop.core import reports


def test_reportlab_url_and_cjk_expressions_compile_on_first_use() -> None:
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    assert re.compile is reports._compile  # put back after the import
    for lazy in (paragraph.uri_pat, textsplit.rx):
        assert isinstance(lazy, reports._LazyPattern)
    url = "https://example.org/a-long/path?x=1"
    assert paragraph.uri_pat.match(url).group(1) == "https://"
    assert paragraph.uri_pat.pattern == re.compile(paragraph.uri_pat.pattern, re.I).pattern
    assert textsplit.rx.sub(r"\1 ", "ab中文") == "ab中 文 "
    # Other callers during the import got compiled expressions.
    assert isinstance(paragraph._wsc_re_split.__self__, re.Pattern)


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


def test_a_command_gets_its_parser_alone() -> None:
    parser = cli.build_parser("render")
    sub = next(a for a in parser._actions if a.dest == "command")
    assert list(sub.choices) == ["render"]
