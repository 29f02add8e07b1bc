"""Change-log entries and erasure markers as they travel: one JSON object per line, checked field by field.

A line is accepted only when everything in it is what this program's change-log writer would write: a
known record type and field, a value of the field's type in its canonical form, UUIDs where ids belong,
stamps in range. Whatever a bundle holds is data from another laptop (or from someone who altered it), so
nothing here trusts it; a refusal names the line and the problem, never a value.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

import peewee as pw

from desktop.core import ids
from desktop.core.errors import UserError
from desktop.core.store.changelog import coerce, to_json
from desktop.core.store.models import Travelling
from desktop.i18n import _

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
#: Stamps are milliseconds << 16; anything beyond the year 9999 (or negative) is not a stamp.
MAX_STAMP = 253402300799999 << 16
#: The longest text a field may hold in a bundle (a long note; far above what any form field takes).
MAX_TEXT = 200_000


class BadLine(UserError):
    """A line of a bundle that this program would never have written."""


class Entry(NamedTuple):
    """One change-log entry: ``value`` is canonical JSON, ids are 16 bytes, device/author UUID text.

    A tuple (its first six items in the order of the change table's columns) because a big bundle holds
    a hundred thousand of them: it is made and read faster than any class."""

    change_id: bytes
    record_type: str
    record_id: bytes
    field: str
    value: str
    hlc: int
    device: str
    author: str | None
    base: bytes | None
    also: tuple[bytes, ...] = ()

    def to_line(self) -> str:
        obj: dict[str, Any] = {
            "id": ids.to_text(self.change_id),
            "type": self.record_type,
            "record": ids.to_text(self.record_id),
            "field": self.field,
            "value": json.loads(self.value),
            "hlc": self.hlc,
            "device": self.device,
            "author": self.author,
            "base": ids.to_text(self.base) if self.base else None,
        }
        if self.also:
            obj["also"] = [ids.to_text(b) for b in self.also]
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Marker:
    """An erasure marker: the record is gone everywhere, for good."""

    record_id: bytes
    record_type: str
    hlc: int
    device: str

    def to_line(self) -> str:
        return json.dumps(
            {"record": ids.to_text(self.record_id), "type": self.record_type, "hlc": self.hlc, "device": self.device},
            separators=(",", ":"),
        )


def _models() -> dict[str, tuple[type[Travelling], dict[str, pw.Field]]]:
    return {m.record_type: (m, {f.name: f for f in m.data_fields()}) for m in Travelling.registry}


_MODELS: dict[str, tuple[type[Travelling], dict[str, pw.Field]]] = {}


def models() -> dict[str, tuple[type[Travelling], dict[str, pw.Field]]]:
    """Record type -> (model, its travelling fields by name)."""
    if not _MODELS:
        _MODELS.update(_models())
    return _MODELS


def is_uuid(value: Any) -> bool:
    return type(value) is str and _UUID.match(value) is not None


def _uuid(obj: dict[str, Any], key: str, *, optional: bool = False) -> str | None:
    value = obj.get(key)
    if value is None and optional:
        return None
    if not is_uuid(value):
        raise BadLine(_("{key} is not an id").format(key=key))
    return value


def _stamp(obj: dict[str, Any]) -> int:
    value = obj.get("hlc")
    if type(value) is not int or not 0 < value <= MAX_STAMP:
        raise BadLine(_("the stamp is not valid"))
    return value


def _is_text(value: str) -> bool:
    """Unicode text: JSON can carry lone surrogates ("\\ud800"), which no UTF-8 database column takes."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def canonical_value(field: pw.Field, value: Any) -> str:
    """The canonical JSON of a travelling value, or BadLine when it is not of the field's type or not in
    the form this program writes (so every laptop stores exactly the same text)."""
    if value is None:
        if not field.null:
            raise BadLine(_("field {field} cannot be empty").format(field=field.name))
        return "null"
    if isinstance(field, pw.BooleanField):
        ok = type(value) is bool
    elif isinstance(field, pw.IntegerField) and not isinstance(field, pw.ForeignKeyField):
        ok = type(value) is int and abs(value) < 2**53
    elif isinstance(field, pw.ForeignKeyField):
        ok = is_uuid(value)
    else:
        ok = type(value) is str and len(value) <= MAX_TEXT and "\x00" not in value and _is_text(value)
    if ok and isinstance(field, pw.DateField | pw.DateTimeField):
        try:
            ok = to_json(coerce(field, value)) == to_json(value)
        except (ValueError, TypeError):
            ok = False
    if not ok:
        raise BadLine(_("field {field} holds a value of the wrong type").format(field=field.name))
    return to_json(value)


def _record(obj: dict[str, Any]) -> tuple[str, bytes, dict[str, pw.Field]]:
    record_type = obj.get("type")
    known = models().get(record_type) if type(record_type) is str else None
    if known is None:
        raise BadLine(_("an unknown kind of record"))
    return record_type, ids.to_bytes(_uuid(obj, "record")), known[1]  # type: ignore[arg-type]


_ENTRY_KEYS = {"id", "type", "record", "field", "value", "hlc", "device", "author", "base", "also"}


_U = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#: A line exactly as Entry.to_line writes it, with a value that is null, a boolean, an integer or text
#: without escapes: most lines. Everything else takes the general path below.
_WRITTEN = re.compile(
    r'\{"id":"(' + _U + r')","type":"([a-z_]{1,40})","record":"(' + _U + r')","field":"([a-z_0-9]{1,60})",'
    r'"value":(null|true|false|-?(?:0|[1-9][0-9]{0,20})|"[^"\\\x00-\x1f]*"),"hlc":([1-9][0-9]{0,20}),'
    r'"device":"(' + _U + r')","author":(?:null|"(' + _U + r')"),"base":(?:null|"(' + _U + r')")\}\Z'
)
_LITERALS: dict[str, Any] = {"null": None, "true": True, "false": False}
#: Per field: whether its values are text that canonical_value takes as it stands.
_PLAIN_TEXT: dict[pw.Field, bool] = {}


def _written_entry(line: bytes) -> Entry | None:
    """The entry of a line in the writer's own form, checked as parse_entry checks it; None for any other
    line (parse_entry then reads it with the JSON decoder and names its problem)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    match = _WRITTEN.match(text)
    if match is None:
        return None
    change_id, record_type, record_id, name, raw, stamp, device, author, base = match.groups()
    known = models().get(record_type)
    field = known[1].get(name) if known is not None else None
    if field is None:
        return None
    canonical = None
    if raw[0] == '"':
        value: Any = raw[1:-1]
        if _plain_text(field) and len(value) <= MAX_TEXT:
            canonical = raw  # what canonical_value returns for such text: the text as it stands
    else:
        value = _LITERALS[raw] if raw in _LITERALS else int(raw)
    if canonical is None:
        try:
            canonical = canonical_value(field, value)
        except BadLine:
            return None
    hlc = int(stamp)
    if hlc > MAX_STAMP:
        return None
    return Entry(
        bytes.fromhex(change_id.replace("-", "")),
        record_type,
        bytes.fromhex(record_id.replace("-", "")),
        field.name,
        canonical,
        hlc,
        device,
        author,
        bytes.fromhex(base.replace("-", "")) if base else None,
    )


def _plain_text(field: pw.Field) -> bool:
    """Whether canonical_value takes the field's values as text (not a date, number, flag or reference)."""
    plain = _PLAIN_TEXT.get(field)
    if plain is None:
        plain = _PLAIN_TEXT[field] = not isinstance(
            field, pw.BooleanField | pw.IntegerField | pw.ForeignKeyField | pw.DateField | pw.DateTimeField
        )
    return plain


def parse_entry(line: bytes) -> Entry:
    entry = _written_entry(line)
    if entry is not None:
        return entry
    return _parse_entry(line)


def _parse_entry(line: bytes) -> Entry:
    try:
        obj = json.loads(line)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested deeper than Python goes
        raise BadLine(_("not JSON")) from None
    if type(obj) is not dict or not obj.keys() <= _ENTRY_KEYS or "value" not in obj:
        raise BadLine(_("not a change"))
    record_type, record_id, fields = _record(obj)
    name = obj.get("field")
    field = fields.get(name) if type(name) is str else None
    if field is None:
        raise BadLine(_("a field this kind of record does not have"))
    also_raw = obj.get("also", [])
    if type(also_raw) is not list or len(also_raw) > 64 or not all(is_uuid(a) for a in also_raw):
        raise BadLine(_("also is not a list of ids"))
    base = _uuid(obj, "base", optional=True)
    if also_raw and base is None:
        raise BadLine(_("a resolving change without a base"))
    return Entry(
        ids.to_bytes(_uuid(obj, "id")),  # type: ignore[arg-type]
        record_type,
        record_id,
        field.name,
        canonical_value(field, obj["value"]),
        _stamp(obj),
        _uuid(obj, "device"),  # type: ignore[arg-type]
        _uuid(obj, "author", optional=True),
        ids.to_bytes(base) if base else None,
        tuple(ids.to_bytes(a) for a in also_raw),
    )


def parse_marker(line: bytes) -> Marker:
    try:
        obj = json.loads(line)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested deeper than Python goes
        raise BadLine(_("not JSON")) from None
    if type(obj) is not dict or obj.keys() != {"record", "type", "hlc", "device"}:
        raise BadLine(_("not an erasure marker"))
    record_type, record_id, _fields = _record(obj)
    return Marker(record_id, record_type, _stamp(obj), _uuid(obj, "device"))  # type: ignore[arg-type]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
