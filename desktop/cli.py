"""begleiter-cli: the core services on the command line, without Qt."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import getpass
import json
import locale
import logging
import math
import os
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from desktop import __version__, cli_network, i18n, paths
from desktop.core import input_files, logs, profile, storage
from desktop.core.errors import (
    ProfileDamaged,
    ProfileExists,
    ProfileMissing,
    UserError,
    ValidationError,
    WrongPassphrase,
    os_reason,
)
from desktop.core.search.translit import SYSTEMS

if TYPE_CHECKING:
    from desktop.core.people import PersonRow
from desktop.core.store import backup, integrity
from desktop.core.store import db as store_db
from desktop.i18n import _
from desktop.startup import collect_again

ENV_PASSPHRASE = "BEGLEITER_PASSPHRASE"
ENV_NEW_PASSPHRASE = "BEGLEITER_NEW_PASSPHRASE"
ENV_RECOVERY_KEY = "BEGLEITER_RECOVERY_KEY"
ENV_BUNDLE_PASSPHRASE = "BEGLEITER_BUNDLE_PASSPHRASE"

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_PASSPHRASE = 3
EXIT_ERROR = 4
EXIT_DAMAGED = 5
#: The reader of the output went away (128 + SIGPIPE, as other command-line tools end then).
EXIT_SIGPIPE = 141

#: Most people ``search`` lists (the GUI narrows its lists to 2,000 found; a terminal needs fewer).
MAX_SEARCH_LIMIT = 1000


class UsageError(UserError):
    """The command line asks for something that cannot be (exit 2, like argparse's own usage errors)."""


class _Translated(argparse.ArgumentError):
    """An argparse error whose message is already in the user's language and names the argument itself."""

    def __init__(self, message: str) -> None:
        super().__init__(None, message)


def _argument_name(action: argparse.Action) -> str:
    return "/".join(action.option_strings) or str(action.metavar or action.dest)


#: argparse (Python 3.11) reports these inside its parsing loop, where no method can be overridden.
_REQUIRED = re.compile(r"the following arguments are required: (?P<names>.+)")
_ONE_OF = re.compile(r"one of the arguments (?P<names>.+) is required")
_NOT_WITH = re.compile(r"argument (?P<option>\S+): not allowed with argument (?P<other>\S+)")
_NO_VALUE = re.compile(r"argument (?P<option>\S+): ignored explicit argument (?P<value>.+)")
_AMBIGUOUS = re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)")


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line in the user's language (``--help`` stays English)."""

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: None = None
    ) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self.error(_("Unknown arguments: {arguments}.").format(arguments=" ".join(extras)))
        return parsed

    def _check_value(self, action: argparse.Action, value: object) -> None:
        if action.choices is None or value in action.choices:
            return
        choices = ", ".join(str(c) for c in action.choices)
        if isinstance(action, argparse._SubParsersAction):
            raise _Translated(
                _("Unknown command “{command}”; the commands are: {commands}.").format(command=value, commands=choices)
            )
        raise _Translated(_choice_problem(_argument_name(action), str(value), choices))

    def _get_value(self, action: argparse.Action, arg_string: str) -> object:
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError as exc:
            if action.type is int:
                message = _("{option}: “{value}” is not a whole number.")
            else:
                message = _("{option}: “{value}” is not valid.")
            raise _Translated(message.format(option=_argument_name(action), value=arg_string)) from exc

    def _match_argument(self, action: argparse.Action, arg_strings_pattern: str) -> int:
        try:
            return super()._match_argument(action, arg_strings_pattern)
        except argparse.ArgumentError as exc:
            option = _argument_name(action)
            if isinstance(action.nargs, int):
                message = i18n.ngettext("{option} needs {n} value.", "{option} needs {n} values.", action.nargs)
                raise _Translated(message.format(option=option, n=action.nargs)) from exc
            if action.nargs is None:
                raise _Translated(_("{option} needs a value.").format(option=option)) from exc
            if action.nargs == argparse.ONE_OR_MORE:
                raise _Translated(_("{option} needs at least one value.").format(option=option)) from exc
            raise

    def _usage_message(self, message: str) -> str:
        """``message`` in the user's language: ours already are; argparse's own are recognised and rewritten."""
        if found := _REQUIRED.fullmatch(message):
            names = found["names"].split(", ")
            for action in self._actions:
                if isinstance(action, argparse._SubParsersAction) and _argument_name(action) in names:
                    return _("A command is missing; the commands are: {commands}.").format(
                        commands=", ".join(action.choices or ())
                    )
            return _("Required but missing: {arguments}.").format(arguments=", ".join(names))
        if found := _ONE_OF.fullmatch(message):
            return _("One of {options} is required.").format(options=", ".join(found["names"].split()))
        if found := _NOT_WITH.fullmatch(message):
            return _("{option} cannot be used together with {other}.").format(
                option=found["option"], other=found["other"]
            )
        if found := _NO_VALUE.fullmatch(message):
            return _("{option} takes no value.").format(option=found["option"])
        if found := _AMBIGUOUS.fullmatch(message):
            return _("{option} is ambiguous: it could mean {matches}.").format(
                option=found["option"], matches=found["matches"]
            )
        return message

    def error(self, message: str) -> NoReturn:
        hint = _("See '{command} --help'.").format(command=self.prog)
        print(f"begleiter-cli: {self._usage_message(message)} {hint}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _choice_problem(option: str, value: str, choices: str) -> str:
    return _("{option}: “{value}” is not one of {choices}.").format(option=option, value=value, choices=choices)


class _Skipped:
    """The parser of a command not run this time: takes its arguments and keeps none (building all forty
    commands' parsers costs a command-line run 30 ms)."""

    def __getattr__(self, _name: str) -> Any:
        return self._take

    def _take(self, *_args: Any, **_kwargs: Any) -> _Skipped:
        return self


class _OnlyCommand:
    """The sub-parsers of one command; the others' parsers are skipped."""

    def __init__(self, sub: Any, command: str) -> None:
        self._sub, self._command = sub, command

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        return self._sub.add_parser(name, **kwargs) if name == self._command else _Skipped()


def _command_of(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (its first word that is not an option or an option's value), or None
    when it names none or asks for the help or the version before one."""
    with_value = {"--data-dir", "--passphrase-file"}
    skip = False
    for item in argv:
        if skip:
            skip = False
        elif item in with_value:
            skip = True
        elif item in ("-h", "--help", "--version", "--") or (
            item.startswith("--") and "=" not in item and any(o.startswith(item) for o in with_value)
        ):
            return None  # and an abbreviated option: argparse tells what it is
        elif not item.startswith("-"):
            return item if item in _COMMANDS else None
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``command``, one whose only command is that one (the same parsing of
    a command line that names it)."""
    parser = _Parser(prog="begleiter-cli", description="Begleiter on the command line.")
    parser.add_argument("--version", action="version", version=f"begleiter-cli {__version__}")
    parser.add_argument(
        "--data-dir", metavar="DIR", help="profile folder (default: $BEGLEITER_HOME or the user data folder)"
    )
    parser.add_argument(
        "--passphrase-file", metavar="FILE", help=f"read the passphrase from FILE (else ${ENV_PASSPHRASE}, else ask)"
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    if command is not None:
        sub = _OnlyCommand(sub, command)
    init = sub.add_parser("init", help="create a new encrypted profile")
    init.add_argument("--language", choices=sorted(i18n.LANGUAGES), default=None)
    init.add_argument("--device-name", default="", help="name of this laptop")
    init.add_argument("--volunteer", default="", help="name of the volunteer using it")
    d = sub.add_parser("demo", help="add realistic demo data")
    d.add_argument("--people", type=int, default=200, metavar="N")
    d.add_argument("--seed", type=int, default=None)
    sub.add_parser("check", help="check the profile's integrity (exit 0 when sound)")
    dg = sub.add_parser("digest", help="hash of the current state of all travelling records")
    dg.add_argument("--json", action="store_true")
    sub.add_parser("backup", help="write a verified, encrypted backup into the profile's backups folder")
    bl = sub.add_parser("backups", help="list the backups: time, size, people and cases, whether each verifies")
    bl.add_argument("--json", action="store_true")
    rs = sub.add_parser(
        "restore",
        help="put a backup in place of the profile's database (the current one is kept in damaged/ or replaced/)",
    )
    rs.add_argument(
        "backup",
        nargs="?",
        metavar="BACKUP",
        help="a backup's path or its name as 'backups' lists it (default: the newest good one)",
    )
    sub.add_parser(
        "rekey", help=f"change the profile's passphrase (the new one from ${ENV_NEW_PASSPHRASE}, else asked twice)"
    )
    sub.add_parser(
        "recover",
        help=f"open a profile with its recovery key (${ENV_RECOVERY_KEY}, else asked) and set a new passphrase",
    )
    rsh = sub.add_parser(
        "recovery-sheet", help="make a new recovery key and print it to a PDF sheet (the old key stops working)"
    )
    rsh.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the sheet")
    ic = sub.add_parser("ics", help="the appointments as an iCalendar file for a phone (office, time, initials)")
    ic.add_argument("--volunteer", metavar="ID", help="only this volunteer's appointments (default: all)")
    ic.add_argument("--out", required=True, metavar="FILE.ics")
    sr = sub.add_parser(
        "subject-report", help="everything stored about one person (GDPR Art. 15): a bilingual PDF and a JSON"
    )
    sr.add_argument("person_id", metavar="PERSON_ID")
    sr.add_argument("--out", required=True, metavar="DIR", help="an existing folder for the two files")
    ret = sub.add_parser(
        "retention", help="closed cases and inactive people kept longer than the retention period, to erase"
    )
    ret.add_argument("--json", action="store_true")
    act = ret.add_mutually_exclusive_group()
    act.add_argument("--erase", action="store_true", help="erase everything listed")
    act.add_argument("--anonymise", action="store_true", help="keep only counts per month, then erase")
    ret.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    dl = sub.add_parser("deadline", help="German deadline calculator (no profile needed)")
    dl_kind = dl.add_subparsers(dest="deadline_kind", required=True, parser_class=_Parser)
    wid = dl_kind.add_parser("widerspruch", help="objection deadline (§84 SGG) for a Bescheid")
    when = wid.add_mutually_exclusive_group(required=True)
    when.add_argument("--notified", metavar="DATE", help="day the letter was received/notified")
    when.add_argument("--letter-date", metavar="DATE", help="date of the letter (posted by ordinary mail)")
    wid.add_argument("--state", default="SN", help="federal state for public holidays (default SN, Saxony)")
    wid.add_argument(
        "--no-instructions",
        action="store_true",
        help="the Bescheid has no or wrong instructions on legal remedies: a year instead of a month (§66(2) SGG)",
    )
    wid.add_argument("--json", action="store_true")
    pv = sub.add_parser("permit-validity", help="effective validity of a residence permit (no profile needed)")
    pv.add_argument("--printed-until", required=True, metavar="DATE")
    pv.add_argument("--kind", default="24", help="24 (§24 AufenthG, default), fiktion, passport or other")
    pv.add_argument("--issued-on", metavar="DATE", help="day the permit was issued (ordinances have cut-off dates)")
    pv.add_argument("--json", action="store_true")
    imp = sub.add_parser("import-csv", help="import people from a CSV or XLSX spreadsheet (all or nothing)")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--mapping", metavar="FILE", help='JSON {"column heading": "person field"}')
    imp.add_argument(
        "--duplicates",
        choices=["merge", "new", "skip"],
        default="new",
        help="rows that look like someone already in the profile: merge into them, import as new (default), skip",
    )
    ed = sub.add_parser("edit", help="change a record through the change log")
    ed_kind = ed.add_subparsers(dest="edit_kind", required=True, parser_class=_Parser)
    ep = ed_kind.add_parser("person", help="set fields of a person")
    ep.add_argument("id")
    ep.add_argument("--set", action="append", required=True, metavar="FIELD=VALUE", dest="assignments")
    tr = sub.add_parser("translit", help="Ukrainian Cyrillic in Latin letters (no profile needed)")
    tr.add_argument("text", nargs="+", metavar="TEXT")
    tr.add_argument("--system", choices=list(SYSTEMS), default="kmu2010", help="default kmu2010 (passport, KMU-55)")
    se = sub.add_parser("search", help="find people by name in any spelling, birth date, phone or number")
    se.add_argument("query", nargs="?", default="", metavar="QUERY")
    se.add_argument("--json", action="store_true")
    se.add_argument(
        "--limit",
        type=int,
        default=50,
        metavar="N",
        help=f"list at most N people (default 50, 1 to {MAX_SEARCH_LIMIT})",
    )
    tp = sub.add_parser("templates", help="list the form templates (bundled and the profile's own) with problems")
    tp.add_argument("--json", action="store_true")
    rd = sub.add_parser("render", help="fill a form template for a person or case and write a PDF")
    rd.add_argument("template", metavar="TEMPLATE")
    who = rd.add_mutually_exclusive_group(required=True)
    who.add_argument("--person", metavar="ID")
    who.add_argument("--case", metavar="ID")
    rd.add_argument("--blank", metavar="FILE.pdf", help="the blank official form (acroform templates)")
    rd.add_argument("--out", metavar="FILE.pdf", required=True)
    rd.add_argument(
        "--child",
        metavar="ID|all",
        help="for a form filled per child (Anlage KI): that child, or all (default) – FILE-1.pdf, FILE-2.pdf, …",
    )
    rd.add_argument(
        "--language", choices=sorted(i18n.LANGUAGES), default=None, help="language of the labels next to German"
    )
    du = sub.add_parser("duplicates", help="list likely duplicate people (same birth date, matching name)")
    du.add_argument("--json", action="store_true")
    marks = du.add_mutually_exclusive_group()
    marks.add_argument(
        "--not-same", nargs=2, metavar="ID", help="mark two records as different people; they are no longer listed"
    )
    marks.add_argument("--same-again", nargs=2, metavar="ID", help="take such a mark back")
    _exchange_parsers(sub)
    _privacy_parsers(sub)
    cli_network.parsers(sub)
    co_ = sub.add_parser("consents", help="a person's consents and powers of attorney with their state today")
    co_.add_argument("person", metavar="PERSON_ID")
    co_.add_argument("--json", action="store_true")
    return parser


def _exchange_parsers(sub: Any) -> None:
    """export, import, conflicts, resolve, peers: exchange with the team's other laptops."""
    bundle_pass = argparse.ArgumentParser(add_help=False)
    bundle_pass.add_argument(
        "--bundle-passphrase-file",
        metavar="FILE",
        help=f"read the team passphrase from FILE (else ${ENV_BUNDLE_PASSPHRASE}, else the one kept in the profile)",
    )
    ex = sub.add_parser("export", parents=[bundle_pass], help="write an encrypted bundle for the team's other laptops")
    scope = ex.add_mutually_exclusive_group(required=True)
    scope.add_argument("--all", action="store_true", help="every change this laptop holds")
    scope.add_argument("--since-last", action="store_true", help="what changed since the last export")
    scope.add_argument("--for-device", metavar="DEVICE_ID", help="what that laptop has not seen yet")
    scope.add_argument("--person", nargs="+", metavar="ID", help="these people and everything on them")
    scope.add_argument("--household", nargs="+", metavar="ID", help="these households with their members")
    scope.add_argument("--case", nargs="+", metavar="ID", help="these cases and everything on them")
    ex.add_argument("--out", required=True, metavar="FILE", help="the bundle file to write (or a folder)")
    ex.add_argument("--team", default=None, help="the team's name in the bundle (default: the profile's)")
    im = sub.add_parser("import", parents=[bundle_pass], help="verify and apply a bundle from another laptop")
    im.add_argument("file", metavar="FILE")
    im.add_argument("--json", action="store_true")
    co = sub.add_parser("conflicts", help="fields two laptops changed from the same value, to decide")
    co.add_argument("--json", action="store_true")
    re_ = sub.add_parser("resolve", help="decide a conflict")
    re_.add_argument("conflict", metavar="CONFLICT_ID")
    how = re_.add_mutually_exclusive_group(required=True)
    how.add_argument("--keep", metavar="CHANGE_ID", help="keep this one of the conflict's values")
    how.add_argument("--value", metavar="JSON", help="set a new value (JSON, e.g. '\"Leipzig\"')")
    pe = sub.add_parser("peers", help="the team's laptops and volunteers known from bundles")
    pe.add_argument("--json", action="store_true")


def _system_language() -> str:
    lang = (locale.getlocale()[0] or os.environ.get("LANG") or "en")[:2]
    return lang if lang in i18n.LANGUAGES else "en"


def _passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str:
    if args.passphrase_file:
        return input_files.read_passphrase_file(args.passphrase_file)
    env = os.environ.get(ENV_PASSPHRASE)
    if env:
        return env
    if not sys.stdin.isatty():
        raise UserError(_("No passphrase given: use --passphrase-file or BEGLEITER_PASSPHRASE."))
    first = getpass.getpass(_("Passphrase: "))
    if confirm:
        profile.check_new_passphrase(first, getpass.getpass(_("Repeat the passphrase: ")))
    return first


def _existing_profile() -> Path:
    """The profile folder, when it holds a profile in an acceptable place."""
    folder = paths.profile_dir()
    if not store_db.profile_exists(folder):
        raise ProfileMissing(
            _("There is no profile in {folder}. Create one with 'begleiter-cli init'.").format(folder=str(folder))
        )
    _check_location(folder)
    return folder


def _wait_for_unlock(folder: Path) -> None:
    """After repeated wrong passphrases the next try waits (growing delays); the command says so and waits."""
    wait = profile.unlock_wait(folder)
    if wait > 0:
        print(
            _("Too many wrong tries: waiting {seconds} s before this one.").format(seconds=math.ceil(wait)),
            file=sys.stderr,
        )
        time.sleep(wait)


def _open(args: argparse.Namespace) -> store_db.Store:
    folder = _existing_profile()
    passphrase = _passphrase(args)
    _wait_for_unlock(folder)
    return profile.unlock(folder, passphrase)


def _cmd_init(args: argparse.Namespace) -> int:
    import platform

    folder = paths.profile_dir()
    language = args.language or i18n.current_language()
    if store_db.profile_exists(folder):
        raise ProfileExists(_("A profile already exists in {folder}.").format(folder=str(folder)))
    _check_location(folder)
    passphrase = _passphrase(args, confirm=True)
    profile.check_new_passphrase(passphrase, passphrase, [args.volunteer, args.device_name])
    i18n.set_language(language)
    profile.create(
        folder,
        passphrase,
        language=language,
        device_name=args.device_name or platform.node(),
        volunteer_name=args.volunteer,
    )
    print(_("Created a new profile in {folder}.").format(folder=str(folder)))
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    if args.people < 1:
        raise UsageError(_("--people must be at least 1."))
    _open(args)
    started = time.monotonic()
    from desktop.core import demo

    result = demo.generate(args.people, seed=args.seed)
    print(
        _("Added {people} people, {cases} cases and {appointments} appointments in {seconds} s.").format(
            people=result["person"],
            cases=result["case"],
            appointments=result["appointment"],
            seconds=f"{time.monotonic() - started:.1f}",
        )
    )
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from desktop.core import audit

    _open(args)
    problems: list[object] = list(integrity.check())
    broken = audit.verify()  # the store's check cannot reach the audit package (layers): checked here too
    if broken is not None:
        problems.append(_("Entry {seq} of the audit log is broken: {what}.").format(seq=broken.seq, what=broken.text()))
    for problem in problems:
        print(str(problem), file=sys.stderr)
    if problems:
        print(i18n.ngettext("{n} problem found.", "{n} problems found.", len(problems)).format(n=len(problems)))
        return EXIT_PROBLEMS
    print(_("The profile is sound."))
    return EXIT_OK


def _cmd_digest(args: argparse.Namespace) -> int:
    _open(args)
    value = integrity.digest()
    if args.json:
        print(json.dumps({"digest": value, "counts": integrity.counts()}, sort_keys=True))
    else:
        print(value)
    return EXIT_OK


def _cmd_backup(args: argparse.Namespace) -> int:
    _open(args)
    path = backup.make_backup()
    print(_("Backup written and verified: {file}").format(file=str(path)))
    return EXIT_OK


def _backup_key(args: argparse.Namespace) -> tuple[Path, tuple[bytes, bytes]]:
    """The profile folder and its key (key, salt) for reading its backups; the database is not opened."""
    folder = paths.profile_dir()
    if not store_db.profile_exists(folder):
        raise ProfileMissing(_("There is no profile in {folder}.").format(folder=str(folder)))
    _check_location(folder)
    try:
        return folder, store_db.unlock_key(folder, _passphrase(args))
    except ProfileDamaged as exc:  # an older profile whose database does not open: its backups vouched
        if exc.key_material is None:
            raise
        return folder, exc.key_material


def _size_text(size: int) -> str:
    return _("{size} MB").format(size=i18n.fmt_number(round(size / 1_000_000, 1)))


def _backup_line(info: backup.BackupInfo) -> str:
    """One backup as ``backups`` lists it: name, time, size, people and cases, whether it verified."""
    counts = info.counts_text() or _("does not open")
    state = _("verified") if info.verified else _("FAILS ITS CHECK")
    return f"{info.path.name}  {i18n.fmt_list_datetime(info.time)}  {_size_text(info.size)}  {counts}  {state}"


def _cmd_backups(args: argparse.Namespace) -> int:
    folder, key_material = _backup_key(args)
    infos = [backup.describe(path, key_material) for path in reversed(backup.backups(folder))]
    if args.json:
        listed = [
            {
                "name": info.path.name,
                "path": str(info.path),
                "time": info.time.isoformat(timespec="seconds"),
                "size": info.size,
                "people": info.people,
                "cases": info.cases,
                "verified": info.verified,
            }
            for info in infos
        ]
        print(json.dumps(listed, ensure_ascii=False))
    elif infos:
        print("\n".join(_backup_line(info) for info in infos))
    else:
        print(_("There are no backups yet."))
    return EXIT_OK if all(info.verified for info in infos) else EXIT_PROBLEMS


def _cmd_restore(args: argparse.Namespace) -> int:
    folder, key_material = _backup_key(args)
    if args.backup:
        found = backup.find(folder, args.backup)
        if found is None:
            raise UsageError(_("There is no backup {file}.").format(file=args.backup))
        source = found
    else:
        found = backup.newest_good(folder, key_material)
        if found is None:
            raise UserError(_("No backup of this profile passes its check."))
        source = found
    try:
        aside = backup.restore(folder, source, key_material)
    except backup.BackupError as exc:
        raise UserError(
            _("The backup {file} does not pass its check; nothing was changed.").format(file=str(source))
        ) from exc
    print(
        _("Restored the backup of {time}. The previous database was kept in {folder}.").format(
            time=i18n.fmt_list_datetime(backup.backup_time(source)), folder=str(aside)
        )
    )
    return EXIT_OK


def _new_passphrase() -> tuple[str, str]:
    """The new passphrase, twice (from BEGLEITER_NEW_PASSPHRASE, else typed)."""
    env = os.environ.get(ENV_NEW_PASSPHRASE)
    if env:
        return env, env
    if not sys.stdin.isatty():
        raise UserError(_("No new passphrase given: set BEGLEITER_NEW_PASSPHRASE."))
    return getpass.getpass(_("New passphrase: ")), getpass.getpass(_("Repeat the new passphrase: "))


def _cmd_rekey(args: argparse.Namespace) -> int:
    folder = _existing_profile()
    current = _passphrase(args)
    _wait_for_unlock(folder)
    profile.unlock(folder, current)
    new, repeated = _new_passphrase()
    profile.change_passphrase(current, new, repeated)
    print(_("The passphrase was changed. The old one no longer opens the profile; the recovery key still does."))
    return EXIT_OK


def _cmd_recover(args: argparse.Namespace) -> int:
    folder = _existing_profile()
    typed = os.environ.get(ENV_RECOVERY_KEY)
    if not typed:
        if not sys.stdin.isatty():
            raise UserError(_("No recovery key given: set BEGLEITER_RECOVERY_KEY."))
        typed = getpass.getpass(_("Recovery key: "))
    _wait_for_unlock(folder)
    profile.check_recovery_key(folder, typed)  # a wrong key is told before a new passphrase is asked
    new, repeated = _new_passphrase()
    profile.unlock_with_recovery_key(folder, typed, new, repeated)
    print(_("The profile was opened with its recovery key and has a new passphrase."))
    return EXIT_OK


def _cmd_recovery_sheet(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser()
    if not out.parent.is_dir():
        raise UsageError(_("The folder {folder} does not exist.").format(folder=str(out.parent)))
    _open(args)
    from desktop.core.keys import recovery, sheet

    text = recovery.new_recovery_key()  # in force once the sheet is written
    facts = sheet.SheetFacts(text, profile.device_name(), profile.volunteer_name(), dt.date.today())
    from desktop.core import atomic

    try:
        atomic.atomic_write_bytes(out, sheet.recovery_sheet(facts))
    except OSError as exc:
        raise UserError(
            _("Cannot write {file}: {reason}").format(file=str(out), reason=os_reason(exc.errno, writing=True))
        ) from exc
    profile.make_recovery_key(text)
    print(
        _(
            "A new recovery key is on the sheet {file}; the previous key no longer opens the profile. Print it for "
            "the coordinator's safe, then delete the file."
        ).format(file=str(out))
    )
    return EXIT_OK


def _cmd_ics(args: argparse.Namespace) -> int:
    from desktop.core import atomic
    from desktop.core.calendar import ics
    from desktop.core.store.models import Volunteer

    out = Path(args.out).expanduser()
    if not out.parent.is_dir():
        raise UsageError(_("The folder {folder} does not exist.").format(folder=str(out.parent)))
    _open(args)
    if args.volunteer and Volunteer.get_or_none(Volunteer.id == args.volunteer) is None:
        raise UserError(_("There is no volunteer {id}.").format(id=args.volunteer))
    try:
        atomic.atomic_write_bytes(out, ics.calendar(args.volunteer))
    except OSError as exc:
        raise UserError(
            _("Cannot write {file}: {reason}").format(file=str(out), reason=os_reason(exc.errno, writing=True))
        ) from exc
    print(out)
    return EXIT_OK


def _cmd_subject_report(args: argparse.Namespace) -> int:
    from desktop.core.privacy import subject

    folder = Path(args.out).expanduser()
    if not folder.is_dir():
        raise UsageError(_("The folder {folder} does not exist.").format(folder=str(folder)))
    _open(args)
    json_path, pdf_path = subject.write(args.person_id, folder)
    print(pdf_path)
    print(json_path)
    return EXIT_OK


def _cmd_retention(args: argparse.Namespace) -> int:
    from desktop.core.privacy import retention, words

    _open(args)
    due = retention.due()
    if args.json:
        print(
            json.dumps(
                [{"kind": d.kind, "id": d.record_id, "label": d.label, "since": d.since.isoformat()} for d in due],
                ensure_ascii=False,
            )
        )
    else:
        for d in due:
            since = i18n.fmt_list_date(d.since) if d.since.year > 1 else "–"
            print(f"{retention.kind_label(d.kind)}\t{d.record_id}\t{since}\t{d.label}")
        months = retention.period_months()
        print(
            i18n.ngettext(
                "{n} record is due for erasure (kept longer than {months} months).",
                "{n} records are due for erasure (kept longer than {months} months).",
                len(due),
            ).format(n=len(due), months=months),
            file=sys.stderr if args.erase or args.anonymise else sys.stdout,
        )
    if not (args.erase or args.anonymise) or not due:
        return EXIT_OK
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError(_("Add --yes to erase without being asked."))
        answer = input(_("Erase them now? This cannot be undone. [y/N] "))
        if answer.strip().lower() not in ("y", "yes", "j", "ja", "т", "так"):
            print(_("Nothing was erased."))
            return EXIT_OK
    counts = retention.anonymise(due) if args.anonymise else retention.erase(due)
    done = _("Anonymised (only counts kept): {what}.") if args.anonymise else _("Erased: {what}.")
    print(done.format(what=words.count_text(counts)), file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def _damage_report(exc: ProfileDamaged) -> str:
    """The damage, and the newest good backup to restore (found under the key when the passphrase was right)."""
    found = backup.newest_good(paths.profile_dir(), exc.key_material) if exc.key_material else None
    if found is None:
        return str(exc) + " " + _("No backup of this profile passes its check.")
    return (
        str(exc)
        + " "
        + _("The newest good backup is {file} ({time}); 'begleiter-cli restore' puts it in place.").format(
            file=str(found), time=i18n.fmt_list_datetime(backup.backup_time(found))
        )
    )


def _date_arg(text: str, option: str) -> dt.date:
    try:
        day = i18n.parse_date(text)
    except ValueError:
        day = None
    if day is None:
        raise UsageError(_("{option}: not a valid date: {value}").format(option=option, value=text))
    return day


def _cmd_deadline(args: argparse.Namespace) -> int:
    from desktop.core import deadlines

    state = args.state.strip().upper()
    if state not in deadlines.federal_states():
        raise UsageError(_choice_problem("--state", args.state, ", ".join(sorted(deadlines.federal_states()))))
    notified = _date_arg(args.notified, "--notified") if args.notified else None
    letter_date = _date_arg(args.letter_date, "--letter-date") if args.letter_date else None
    try:
        result = deadlines.widerspruch(
            notified=notified, letter_date=letter_date, state=state, missing_instructions=args.no_instructions
        )
    except (ValueError, OverflowError) as exc:  # a day so near the end of the calendar that the deadline is beyond it
        option, value = ("--notified", args.notified) if args.notified else ("--letter-date", args.letter_date)
        raise UsageError(_("{option}: not a valid date: {value}").format(option=option, value=value)) from exc
    if args.json:
        print(json.dumps(deadlines.to_json(result), ensure_ascii=False))
    else:
        print(i18n.fmt_date_german(result.due))
        print(result.explanation)
    return EXIT_OK


def _cmd_permit_validity(args: argparse.Namespace) -> int:
    from desktop.core import residence

    printed = _date_arg(args.printed_until, "--printed-until")
    issued = _date_arg(args.issued_on, "--issued-on") if args.issued_on else None
    try:
        result = residence.effective_validity(printed, args.kind, issued_on=issued)
    except ValueError as exc:
        raise UsageError(_("Unknown document kind: {kind}").format(kind=args.kind)) from exc
    if args.json:
        print(json.dumps(residence.to_json(result), ensure_ascii=False))
    else:
        print(i18n.fmt_date_german(result.effective_until))
        print(result.explanation)
    return EXIT_OK


def _cmd_import_csv(args: argparse.Namespace) -> int:
    from desktop.core import importer

    plan = importer.plan_import(args.file, args.mapping)
    for warning in plan.warnings:
        print(warning, file=sys.stderr)
    if plan.errors:
        for error in plan.errors:
            print(str(error), file=sys.stderr)
        print(
            i18n.ngettext(
                "Nothing was imported: {n} row has a problem.",
                "Nothing was imported: {n} rows have problems.",
                len({e.line for e in plan.errors}),
            ).format(n=len({e.line for e in plan.errors}))
        )
        return EXIT_PROBLEMS
    _open(args)
    for likely in importer.likely_duplicates(plan):
        print(likely, file=sys.stderr)
    print(importer.apply_import(plan, args.duplicates).summary())
    return EXIT_OK


def _field_problem(name: str, problem: str) -> ValidationError:
    from desktop.core import people

    return ValidationError(_("{field}: {problem}").format(field=people.field_label(name), problem=problem), name)


def _cmd_edit(args: argparse.Namespace) -> int:
    from desktop.core import people, validation
    from desktop.core.store.models import Person

    fields = {f.name for f in Person.data_fields()} - {"deleted"}
    assignments = [assignment.partition("=") for assignment in args.assignments]
    for assignment, (name, sep, _value) in zip(args.assignments, assignments, strict=True):
        if not sep or name not in fields:
            raise UsageError(_("Unknown field or missing '=': {item}").format(item=assignment))
    values: dict[str, object] = {}
    for name, _sep, value in assignments:
        if name == "birth_date":
            try:
                values[name] = validation.parse_german_date(value, past=True)
            except validation.DateInputError as exc:
                raise _field_problem(name, str(exc)) from exc
        else:
            values[name] = value
    _open(args)
    if Person.get_or_none(Person.id == args.id) is None:
        raise UserError(_("There is no person with the id {id}.").format(id=args.id))
    try:
        changed = people.update_person(args.id, values)
    except ValidationError as exc:
        if not exc.field:
            raise
        raise _field_problem(exc.field, str(exc)) from exc
    print(i18n.ngettext("{n} field changed.", "{n} fields changed.", len(changed)).format(n=len(changed)))
    return EXIT_OK


def _cmd_translit(args: argparse.Namespace) -> int:
    from desktop.core.search.translit import transliterate

    print(transliterate(" ".join(args.text), args.system))
    return EXIT_OK


def _person_json(row: PersonRow) -> dict[str, object]:
    return {
        "id": row.id,
        "family_name": row.family_name,
        "given_name": row.given_name,
        "family_name_cyr": row.family_name_cyr,
        "given_name_cyr": row.given_name_cyr,
        "birth_date": row.birth_date.isoformat() if row.birth_date else None,
    }


def _person_line(row: PersonRow) -> str:
    from desktop.core.store.models import person_name

    name = person_name(row.family_name, row.given_name, row.family_name_cyr, row.given_name_cyr)
    cyrillic = " ".join(p for p in (row.family_name_cyr, row.given_name_cyr) if p)
    born = i18n.fmt_date_german(row.birth_date) if row.birth_date else "–"
    return "  ".join(p for p in (name, f"({cyrillic})" if cyrillic and row.family_name else "", born, row.id) if p)


def _cmd_search(args: argparse.Namespace) -> int:
    from desktop.core.search import query

    if not 1 <= args.limit <= MAX_SEARCH_LIMIT:
        raise UsageError(_("--limit must be from 1 to {highest}.").format(highest=MAX_SEARCH_LIMIT))
    _open(args)
    results = query.search(args.query, limit=args.limit)
    if args.json:
        out = [{**_person_json(h.row), "matched": h.matched, "rank": query.TIER_KEYS[h.tier]} for h in results.hits]
        print(json.dumps(out, ensure_ascii=False))
        return EXIT_OK
    for hit in results.hits:
        line = _person_line(hit.row)
        print(f"{line}  ≈ {hit.matched}" if hit.matched else line)
    if not results.hits:
        print(_("No one found."), file=sys.stderr)
    return EXIT_OK


def _cmd_duplicates(args: argparse.Namespace) -> int:
    from desktop.core import people
    from desktop.core.search import duplicates

    _open(args)
    if args.not_same or args.same_again:
        first, second = args.not_same or args.same_again
        for person_id in (first, second):
            if people.person_row(person_id) is None:
                raise UserError(_("There is no person with the id {id}.").format(id=person_id))
        if args.not_same:
            duplicates.mark_distinct(first, second)
            print(_("Marked as two different people; the pair is no longer listed."))
        else:
            duplicates.unmark_distinct(first, second)
            print(_("The pair is listed as likely duplicates again."))
        return EXIT_OK
    pairs = duplicates.find_duplicates()
    if args.json:
        print(json.dumps([[_person_json(p.first), _person_json(p.second)] for p in pairs], ensure_ascii=False))
        return EXIT_OK
    for pair in pairs:
        print(_person_line(pair.first))
        print("  = " + _person_line(pair.second))
    print(i18n.ngettext("{n} likely duplicate pair.", "{n} likely duplicate pairs.", len(pairs)).format(n=len(pairs)))
    return EXIT_OK


def _cmd_templates(args: argparse.Namespace) -> int:
    from desktop.core.forms import service

    listed = service.templates()
    if args.json:
        out = [
            {
                "id": t.id,
                "version": t.version,
                "title": t.title.get(i18n.current_language()),
                "kind": t.kind,
                "valid": t.valid,
                "errors": t.errors,
                "bundled": t.bundled,
            }
            for t in listed
        ]
        print(json.dumps(out, ensure_ascii=False))
        return EXIT_OK
    for t in listed:
        state = "ok" if t.valid else _("problems: {problems}").format(problems="; ".join(t.errors))
        print(f"{t.id}  v{t.version}  {t.kind}  {t.title.get(i18n.current_language())}  [{state}]")
    return EXIT_OK if all(t.valid for t in listed) else EXIT_PROBLEMS


def _cmd_render(args: argparse.Namespace) -> int:
    from desktop.core.forms import binding, service
    from desktop.core.forms.templates import TemplateError

    try:
        template = service.template(args.template)
    except TemplateError as exc:
        raise UserError(str(exc)) from exc
    out = Path(args.out)
    if not out.parent.is_dir():  # a mistyped path: refuse before asking for the passphrase, create no folders
        raise UserError(_("The folder {folder} does not exist.").format(folder=str(out.parent)))
    if out.is_dir():
        raise UserError(_("Cannot write {file}: {reason}").format(file=str(out), reason=os_reason(errno.EISDIR)))
    blank = None
    if args.blank:
        blank = input_files.read_input(args.blank, input_files.BLANK_PDF_BYTES)
    elif template.kind == "acroform":
        from desktop.core.reports import acroform

        if not acroform.stored_blank(template).exists():
            form = template.acroform.get("form", {})
            raise UserError(
                _(
                    "The official form “{name}” (edition {edition}) needs its blank: add --blank FILE.pdf, "
                    "the blank PDF downloaded from the office."
                ).format(name=form.get("name", template.title.de), edition=form.get("edition", ""))
            )
    _open(args)
    try:
        subject = binding.subject_for(person_id=args.person, case_id=args.case, template=template)
    except LookupError as exc:
        raise UserError(_("There is no person or case with the id {id}.").format(id=exc.args[0])) from exc
    if template.needs == "case" and subject.case is None:
        raise UserError(
            _("This template needs a case, and the person has no open case it is for: choose one with --case.")
        )
    outputs = [(subject, out)]
    if template.per_child:  # one Anlage KI per child under 15: the one named, else each of them
        outputs = [(binding.for_child(subject, child), out) for child in _children(args, subject)]
        if len(outputs) > 1:
            outputs = [(one, out.with_name(f"{out.stem}-{n}{out.suffix}")) for n, (one, _o) in enumerate(outputs, 1)]
    elif args.child:
        raise UserError(_("--child is only for a form filled for each child (Anlage KI)."))
    for one, target in outputs:
        status = _render_one(template, one, blank, target, args)
        if status != EXIT_OK:
            return status
    return EXIT_OK


def _children(args: argparse.Namespace, subject: Any) -> list[Any]:
    """The children a per-child form is rendered for: --child ID, else (or with --child all) every child
    under 15 in the person's household."""
    from desktop.core.forms import binding

    children = binding.children_under_15(subject.person.id, subject.today)
    if args.child and args.child != "all":
        chosen = next((c for c in children if c.id == args.child), None)
        if chosen is None:
            raise UserError(_("{id} is not a child under 15 in the person's household.").format(id=args.child))
        return [chosen]
    if not children:
        raise UserError(
            _("There is no child under 15 in the person's household: add the child to the household first.")
        )
    return children


def _render_one(template: Any, subject: Any, blank: bytes | None, out: Path, args: argparse.Namespace) -> int:
    """One PDF of ``template`` for ``subject`` written to ``out`` (filed on the case, where it was saved
    remembered); its path printed."""
    from desktop.core import atomic, documents
    from desktop.core.forms import service

    values = service.values_for(template, subject)
    try:
        if template.kind == "acroform":
            filled = service.official(template, values, blank)
        else:
            pdf = service.output(template, values, subject, args.language or i18n.current_language())
    except service.NotPrinted as exc:  # nothing is written: a value cut off, a Vollmacht for no office
        print(str(exc), file=sys.stderr)
        for key, message in exc.problems.items():
            field = template.field(key)
            print(f"{field.label.get(i18n.current_language()) if field else key}: {message}", file=sys.stderr)
        return EXIT_PROBLEMS
    if template.kind == "acroform":
        if filled.other_edition:
            print(
                _("Warning: this blank is not the edition {edition} the template knows; check the result.").format(
                    edition=template.acroform.get("form", {}).get("edition", "")
                ),
                file=sys.stderr,
            )
        for name in filled.missing_fields:
            print(_("Warning: the blank has no field {name}.").format(name=name), file=sys.stderr)
        pdf = filled.pdf
    try:
        atomic.atomic_write_bytes(out, pdf)
    except OSError as exc:
        raise UserError(
            _("Cannot write {file}: {reason}").format(file=str(out), reason=os_reason(exc.errno, writing=True))
        ) from exc
    documents.remember_saved_file(service.record_print(template, subject, pdf, "pdf").id, out)
    problems = service.check(template, values)
    for key, message in problems.items():
        field = template.field(key)
        print(f"{field.label.get(i18n.current_language()) if field else key}: {message}", file=sys.stderr)
    print(args.out if out == Path(args.out) else out)
    return EXIT_OK


def _bundle_passphrase(args: argparse.Namespace) -> str:
    """The team passphrase: --bundle-passphrase-file, $BEGLEITER_BUNDLE_PASSPHRASE, the one kept in the
    profile, else asked."""
    from desktop.core.sync import settings as sync_settings

    if args.bundle_passphrase_file:
        return input_files.read_passphrase_file(args.bundle_passphrase_file)
    env = os.environ.get(ENV_BUNDLE_PASSPHRASE)
    if env:
        return env
    kept = sync_settings.team_passphrase()
    if kept:
        return kept
    if not sys.stdin.isatty():
        raise UserError(
            _("No team passphrase given: use --bundle-passphrase-file or {env}.").format(env=ENV_BUNDLE_PASSPHRASE)
        )
    return getpass.getpass(_("Team passphrase: "))


def _cmd_export(args: argparse.Namespace) -> int:
    from desktop.core import profile as profile_mod
    from desktop.core.sync import exchange, transport
    from desktop.core.sync import settings as sync_settings

    _open(args)
    passphrase = _bundle_passphrase(args)
    if args.all:
        scope = exchange.Scope("all")
    elif args.since_last:
        scope = exchange.Scope("since_last")
    elif args.for_device is not None:
        scope = exchange.Scope("device", device=args.for_device)
    else:
        scope = exchange.Scope(
            "selection",
            people=tuple(args.person or ()),
            households=tuple(args.household or ()),
            cases=tuple(args.case or ()),
        )
    team = sync_settings.team_name() if args.team is None else args.team
    result = exchange.export_bundle(scope, passphrase, team)
    out = Path(args.out).expanduser()
    if out.is_dir():
        name = transport.bundle_file_name(team, profile_mod.device_name(), dt.datetime.now())
        written = transport.write_verified(result.data, out, name)
    else:
        written = transport.write_verified(result.data, out.parent, out.name)
    exchange.remember_export(result)
    counts = result.manifest["counts"]
    print(result.bundle_id)
    print(
        _("{changes} changes of {records} records, {erasures} erasure markers: {file}").format(
            changes=counts["changes"], records=counts["records"], erasures=counts["erasures"], file=str(written)
        )
    )
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    import hashlib

    from desktop.core.sync import bundle, exchange, transport

    _open(args)
    data = input_files.read_input(args.file, bundle.MAX_FILE)
    try:
        report = exchange.import_bundle(data, _bundle_passphrase(args))
    except bundle.BundleRejected as exc:
        if exc.kind == "references":  # a sound bundle that came too early: not put aside, import it later
            print(f"begleiter-cli: {exc}", file=sys.stderr)
            return EXIT_PROBLEMS
        digest = hashlib.sha256(data).hexdigest()
        exchange.record_rejected(digest, str(exc))
        kept = transport.quarantine_copy(Path(args.file), paths.profile_dir() / "quarantine", str(exc))
        print(f"begleiter-cli: {exc}", file=sys.stderr)
        print(_("A copy of the bundle was put aside in {folder}.").format(folder=str(kept.parent)), file=sys.stderr)
        return EXIT_PROBLEMS
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, sort_keys=True))
    elif report.already_known:
        print(_("This bundle was imported before; nothing changed."))
    else:
        print(
            _(
                "New: {new}, updated: {updated}, deleted: {deleted}, erased: {erased}, conflicts: {conflicts}, "
                "likely duplicates: {duplicates}."
            ).format(
                new=report.new,
                updated=report.updated,
                deleted=report.deleted,
                erased=report.erased,
                conflicts=report.conflicts,
                duplicates=len(report.duplicates),
            )
        )
    return EXIT_OK


def _cmd_conflicts(args: argparse.Namespace) -> int:
    from desktop.core.sync import conflicts

    _open(args)
    found = conflicts.open_conflicts()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "record_type": c.record_type,
                        "record_id": c.record_id,
                        "field": c.field,
                        "values": [
                            {
                                "change_id": v.change_id,
                                "value": v.value,
                                "device": v.device,
                                "device_name": v.device_name,
                                "author": v.author_name,
                                "when": v.when.isoformat(),
                                "winner": v.winner,
                            }
                            for v in c.values
                        ],
                    }
                    for c in found
                ],
                ensure_ascii=False,
                sort_keys=True,
            )
        )
        return EXIT_OK
    for c in found:
        print(f"{c.id}  {c.record_text} · {c.field_text}")
        for v in c.values:
            mark = "*" if v.winner else " "
            who = v.author_name or "–"
            print(f"  {mark} {v.change_id}  {v.text}  ({who}, {v.device_name}, {v.when:%d.%m.%Y %H:%M})")
    if not found:
        print(_("No open conflicts."))
    return EXIT_OK


def _cmd_resolve(args: argparse.Namespace) -> int:
    from desktop.core.sync import conflicts

    _open(args)
    if args.value is not None:
        try:
            value = json.loads(args.value)
        except ValueError:
            raise UsageError(_("--value needs JSON, e.g. '\"Leipzig\"' or null.")) from None
        conflicts.resolve(args.conflict, value=value)
    else:
        conflicts.resolve(args.conflict, keep=args.keep)
    print(_("The conflict is resolved."))
    return EXIT_OK


def _cmd_peers(args: argparse.Namespace) -> int:
    from desktop.core.sync import team

    _open(args)
    found = team.devices()
    if args.json:
        print(json.dumps([d.as_json() for d in found], ensure_ascii=False, sort_keys=True))
        return EXIT_OK
    for d in found:
        when = d.last_received.strftime("%d.%m.%Y %H:%M") if d.last_received else "–"
        print(f"{d.device}  {d.name or '–'}  {d.volunteer_name or '–'}  {when}")
    if not found:
        print(_("No bundle from another laptop has arrived yet."))
    return EXIT_OK


# --- delete and erase -------------------------------------------------------------------------------------
def _privacy_parsers(sub: Any) -> None:
    de = sub.add_parser("delete", help="delete a record (a tombstone that travels; what hangs on it alone goes too)")
    de.add_argument("kind", choices=["person", "case", "appointment", "task", "note"])
    de.add_argument("id")
    er = sub.add_parser(
        "erase", help="erase a person and everything of them for good, here and on every laptop (GDPR Art. 17)"
    )
    er.add_argument("id", metavar="PERSON_ID")
    er.add_argument("--yes", action="store_true", help="confirm: erasing cannot be undone")
    au = sub.add_parser("audit", help="the audit log: who did what with the data and when, never content")
    au.add_argument("--json", action="store_true")
    au.add_argument(
        "--verify", action="store_true", help="check the log's hash chain (exit 1 naming the first broken entry)"
    )


def _cmd_delete(args: argparse.Namespace) -> int:
    from desktop.core.privacy import deletion, words

    _open(args)
    done = deletion.delete(args.kind, args.id)
    print(_("Deleted: {what}.").format(what=words.count_text(done.counts())))
    return EXIT_OK


def _cmd_erase(args: argparse.Namespace) -> int:
    from desktop.core.privacy import erasure, words

    if not args.yes:
        raise UsageError(
            _(
                "Erasing removes the person and everything of them for good, on this and every other laptop; "
                "it cannot be undone. Add --yes to erase."
            )
        )
    _open(args)
    counts = erasure.erase_person(args.id)
    print(_("Erased: {what}.").format(what=words.count_text(counts)))
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace) -> int:
    from desktop.core import audit
    from desktop.core.sync.conflicts import record_label

    _open(args)
    if args.verify:
        broken = audit.verify()
        total = audit.count()
        if args.json:
            result = {"whole": broken is None, "entries": total, "broken": broken.as_json() if broken else None}
            print(json.dumps(result, ensure_ascii=False, sort_keys=True))
        elif broken is not None:
            print(_("Entry {seq} of the audit log is broken: {what}.").format(seq=broken.seq, what=broken.text()))
        else:
            print(
                i18n.ngettext(
                    "The audit log is whole ({n} entry).", "The audit log is whole ({n} entries).", total
                ).format(n=total)
            )
        return EXIT_OK if broken is None else EXIT_PROBLEMS
    found: list[audit.Entry] = []
    while page := audit.entries(found[-1].seq if found else None, 1000):
        found.extend(page)
    if args.json:
        columns = ("seq", "at", "kind", "volunteer", "device", "record_type", "record_id", "count", "detail")
        print(json.dumps([{c: getattr(e, c) for c in columns} for e in found], ensure_ascii=False, sort_keys=True))
        return EXIT_OK
    for e in found:
        record = f"{record_label(e.record_type)} {audit.short_id(e.record_id)}".strip() if e.record_type else ""
        parts = [i18n.fmt_list_datetime(audit.local_time(e.at)), audit.kind_label(e.kind), record]
        parts.append(audit.details_text(e.kind, e.count, e.detail))
        print(f"{e.seq:>6}  " + "  ".join(p for p in parts if p))
    return EXIT_OK


def _cmd_consents(args: argparse.Namespace) -> int:
    from desktop.core import consents
    from desktop.core.store.models import Person

    _open(args)
    person = Person.get_or_none(Person.id == args.person)
    if person is None or person.deleted:
        raise UserError(_("There is no such person: {id}.").format(id=args.person))
    rows = consents.consents_of(person.id)
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False))
        return EXIT_OK
    for r in rows:
        dates = "  ".join(
            f"{label} {i18n.fmt_date(day)}"
            for label, day in (
                (_("signed"), r.signed_on),
                (_("valid until"), r.valid_until),
                (_("withdrawn"), r.withdrawn_on),
            )
            if day
        )
        offices = f" ({consents.offices_text(r.offices)})" if r.offices else ""
        print(f"{r.id}  {consents.kind_label(r.kind)}{offices}  {dates}  [{consents.state_label(r.state)}]")
    if not rows:
        print(_("No consent or power of attorney is on record for this person."))
    return EXIT_OK


_COMMANDS = {
    "audit": _cmd_audit,
    "consents": _cmd_consents,
    "delete": _cmd_delete,
    "erase": _cmd_erase,
    "init": _cmd_init,
    "demo": _cmd_demo,
    "check": _cmd_check,
    "digest": _cmd_digest,
    "backup": _cmd_backup,
    "backups": _cmd_backups,
    "restore": _cmd_restore,
    "rekey": _cmd_rekey,
    "recover": _cmd_recover,
    "recovery-sheet": _cmd_recovery_sheet,
    "retention": _cmd_retention,
    "subject-report": _cmd_subject_report,
    "ics": _cmd_ics,
    "deadline": _cmd_deadline,
    "permit-validity": _cmd_permit_validity,
    "import-csv": _cmd_import_csv,
    "edit": _cmd_edit,
    "translit": _cmd_translit,
    "search": _cmd_search,
    "duplicates": _cmd_duplicates,
    "templates": _cmd_templates,
    "render": _cmd_render,
    "export": _cmd_export,
    "import": _cmd_import,
    "conflicts": _cmd_conflicts,
    "resolve": _cmd_resolve,
    "peers": _cmd_peers,
    **cli_network.COMMANDS,
}


def _data_dir_option(argv: Sequence[str]) -> str | None:
    """--data-dir DIR or --data-dir=DIR before argparse has run (so that its errors use the profile's language)."""
    found = None
    for i, item in enumerate(argv):
        if item == "--":
            break
        if item == "--data-dir" and i + 1 < len(argv):
            found = argv[i + 1]
        elif item.startswith("--data-dir="):
            found = item.partition("=")[2]
    return found


def _use_profile_language(folder: Path) -> None:
    try:
        language = profile.profile_language(folder)
    except OSError:
        language = None
    i18n.set_language(language or _system_language())


def _check_location(folder: Path) -> None:
    """Refuse a profile on a network share and warn about a synced folder, before the passphrase is asked."""
    storage.check_profile_location(folder)
    warning = storage.profile_location_warning(folder)
    if warning:
        print(f"begleiter-cli: {warning}", file=sys.stderr)


def _start_logging(folder: Path) -> Path | None:
    """Log into the profile's log from the start, before unlock (log lines carry no personal data), so an
    error before or during unlocking is where the message says; None when there is no profile folder."""
    if not store_db.profile_exists(folder):
        return None
    try:
        return logs.setup_logging(folder)
    except OSError:
        return None


def _announce_wait(waiting: bool) -> None:
    if waiting:
        print(
            "begleiter-cli: " + _("Another program is writing to the profile; waiting until it has finished…"),
            file=sys.stderr,
            flush=True,
        )


def _data_dir_problem(value: str) -> str | None:
    """Why ``--data-dir VALUE`` cannot be a profile folder: empty (which would silently mean the default
    folder), or a file where the folder or one of its parents should be."""
    if not value.strip():
        return _("--data-dir needs a folder; it was empty.")
    for path in (folder := Path(value).expanduser().resolve(), *folder.parents):
        if path.exists():
            if not path.is_dir():
                return _("--data-dir: {path} is a file, not a folder.").format(path=str(path))
            break
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    logging.getLogger().addHandler(logging.NullHandler())  # nothing reaches stderr before unlock
    argv = list(sys.argv[1:] if argv is None else argv)
    early = _data_dir_option(argv)
    folder = Path(early).expanduser().resolve() if early else paths.profile_dir()
    _use_profile_language(folder)
    parser = build_parser(_command_of(argv))
    args = parser.parse_args(argv)
    if args.data_dir is not None and (problem := _data_dir_problem(args.data_dir)):
        parser.error(problem)
    if args.data_dir:
        paths.set_profile_dir(args.data_dir)
    if paths.profile_dir() != folder:
        _use_profile_language(paths.profile_dir())
    log_file = _start_logging(paths.profile_dir())
    store_db.set_wait_notice(_announce_wait)
    collect_again()  # desktop.startup
    try:
        return _COMMANDS[args.command](args)
    except WrongPassphrase as exc:
        print(f"begleiter-cli: {exc}", file=sys.stderr)
        return EXIT_PASSPHRASE
    except ProfileDamaged as exc:
        print(f"begleiter-cli: {_damage_report(exc)}", file=sys.stderr)
        return EXIT_DAMAGED
    except UsageError as exc:
        print(f"begleiter-cli: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except UserError as exc:
        print(f"begleiter-cli: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # whoever read the output stopped reading (`| head`): nothing to tell them
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush is quiet too
        return EXIT_SIGPIPE
    except Exception as exc:  # anything unexpected: one line for the user, the stack for the log
        stack = logs.safe_traceback(type(exc), exc, exc.__traceback__)
        log_file = log_file or _start_logging(paths.profile_dir())
        if log_file is not None:
            logging.getLogger("desktop.cli").error("command failed\n%s", stack)
            message = _("Unexpected error ({kind}); details are in the log {file}.").format(
                kind=type(exc).__name__, file=str(log_file)
            )
        else:  # no profile folder to log into: the details (stack and type, no message) go to stderr
            message = _("Unexpected error ({kind}); details follow.").format(kind=type(exc).__name__) + "\n" + stack
        print("begleiter-cli: " + message, file=sys.stderr)
        return EXIT_ERROR
    finally:
        store_db.set_wait_notice(None)
        store_db.close_store()
