"""The two readers of a bundle's change lines agree: the quick one for lines in the writer's own form and
the general JSON one. Whatever the line, both give the same entry or both refuse it with the same problem."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile

import pytest

from desktop.core import people
from desktop.core.store import changelog
from desktop.core.store import db as store_db
from desktop.core.store.models import Person
from desktop.core.sync import changes, exchange
from desktop.core.sync.changes import BadLine
from desktop.core.sync.exchange import Scope
from tests.privacy_data import make_family


def _lines() -> list[bytes]:
    make_family()
    person = people.create_person(
        {
            "family_name": "Kovalchuk",
            "family_name_cyr": "Ковальчук",
            "notes": 'Zeile 1\nZeile 2 \\ "Ende"\t🙂',  # a new line, a backslash, quotes, a tab: escaped
            "birth_date": dt.date(1990, 2, 28),
        }
    )
    people.update_person(person.id, {"notes": "", "city": "Dresden"})
    changelog.bulk_create(Person, [{"family_name": f"Name{n}", "given_name": "Ірина"} for n in range(20)])
    plain = exchange.export(Scope("all")).plain
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        return [line for line in zf.read("changes.jsonl").split(b"\n") if line]


def _read(reader, line: bytes):  # type: ignore[no-untyped-def]
    try:
        return reader(line)
    except BadLine as exc:
        return ("refused", str(exc))


def _mutants(line: bytes, rng: random.Random) -> list[bytes]:
    out = [line + b" ", b" " + line, line + b"\r", line[:-1], line.replace(b":", b": ", 1)]
    out.append(line.replace(b'"hlc":', b'"hlc":0', 1))
    out.append(line.replace(b'"hlc":', b'"hlc":-', 1))
    out.append(line.replace(b'"value":', b'"value":-0', 1) if b'"value":1' in line else line)
    out.append(line.replace(b'"author":null', b'"author":null,"also":[]'))
    out.append(line.replace(b'"value":"', b'"value":"\\u00e9', 1))
    out.append(line.replace(b'"value":"', b'"value":"\xed\xa0\x80', 1))  # an encoded surrogate: not UTF-8
    out.append(line.replace(b'"value":"', b'"value":"\xff', 1))
    out.append(line.replace(b'"value":"', b'"value":"\x7f', 1))
    out.append(line.replace(b'"value":"', b'"value":"\x00', 1))
    out.append(line.replace(b'"type":"person"', b'"type":"Person"'))
    out.append(line.upper())
    head, _sep, tail = line.partition(b'"value":')
    rest = tail[tail.index(b',"hlc":') :] if b',"hlc":' in tail else b""
    for value in (b'"' + b"x" * changes.MAX_TEXT + b'"', b'"' + b"x" * (changes.MAX_TEXT + 1) + b'"'):
        out.append(head + b'"value":' + value + rest)
    for value in (b'"1990-02-30"', b'"1990-2-28"', b'""', b"null", b"true", b"12", b'"ok"'):
        out.append(head + b'"value":' + value + rest)
    for _ in range(30):
        at = rng.randrange(len(line))
        choice = rng.choice([b"", b"0", b"1", b"9", b"a", b"A", b"-", b'"', b"\\", b"{", b"}", b",", b" ", b"\x00"])
        out.append(line[:at] + choice + line[at + 1 :])
        out.append(line[:at] + choice + line[at:])
    return out


@pytest.mark.usefixtures("store")
def test_the_quick_and_the_general_reader_agree_on_every_line_and_mutant() -> None:
    lines = _lines()
    quick = [line for line in lines if changes._written_entry(line) is not None]
    # The quick reader takes the usual lines (text without escapes, dates, numbers, null), not the others.
    assert len(quick) >= 0.8 * len(lines)
    assert any(b"\\" in line for line in lines) and all(b"\\" not in line.split(b'"value":')[1] for line in quick)
    rng = random.Random(7)
    tried = 0
    for line in lines:
        assert changes.parse_entry(line) == changes._parse_entry(line)
        for mutant in _mutants(line, rng):
            assert _read(changes.parse_entry, mutant) == _read(changes._parse_entry, mutant), mutant
            tried += 1
    assert tried > 5000
    store_db.close_store()
