"""Export and import of bundles: which changes go, and the merge that applies what arrives.

The merge is DESIGN.md §3: every incoming change is added to the log unless it is known; a field's
current value is the value of its change with the highest stamp (then device id), which is what every
laptop computes from the same set of changes, whatever order they came in; two current values of one
field that differ are a conflict, listed until a person decides. Erasure markers are applied first and
win over any change of the record they name, now or later.

Knowledge: this laptop holds every change of device D up to stamp K[D] (its own: every one it made). A
bundle says which such ranges it covers completely, and what its sender holds, so the next bundle for
that laptop holds exactly the changes it lacks.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import peewee as pw

from desktop import __version__
from desktop.core import audit, ids
from desktop.core.errors import UserError
from desktop.core.search import duplicates
from desktop.core.search import index as search_index
from desktop.core.store import changelog, migrations
from desktop.core.store import db as store_db
from desktop.core.store.models import Person, Travelling, person_name
from desktop.core.sync import bundle as bundle_file
from desktop.core.sync.bundle import BundleRejected, Payload
from desktop.core.sync.changes import Entry, Marker, models, utc_now
from desktop.i18n import _

_BATCH = 500

SCOPES = ("all", "device", "since_last", "selection")


@dataclass(frozen=True)
class Scope:
    """What a bundle holds: everything, what one laptop lacks, what is new since the last export, or
    chosen people, households and cases with everything that hangs on them."""

    kind: str = "all"
    device: str | None = None
    people: tuple[str, ...] = ()
    households: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()


@dataclass
class Exported:
    """A bundle made: its plaintext ZIP, encrypted bytes (when a passphrase was given) and manifest."""

    manifest: dict[str, Any]
    plain: bytes
    data: bytes = b""
    #: Remembered for "since my last export" once the bundle is safely written (see remember_export).
    mark: dict[str, Any] = field(default_factory=dict)

    @property
    def bundle_id(self) -> str:
        return self.manifest["bundle_id"]


# ------------------------------------------------------------------------------------------- knowledge


def _own_stamp(db: Any, device: str) -> int:
    row = db.execute_sql(
        "SELECT max(c.hlc) FROM change c JOIN peer p ON p.id = c.device WHERE p.uuid = ?", (device,)
    ).fetchone()
    return int(row[0] or 0)


def knowledge() -> dict[str, int]:
    """Per device, the stamp up to which this laptop holds every change that device made."""
    store = store_db.current()
    known = {d: int(s) for d, s in store.db.execute_sql("SELECT device, stamp FROM knowledge")}
    own = _own_stamp(store.db, store.device_id)
    if own:
        known[store.device_id] = own
    return known


def _advance_knowledge(coverage: dict[str, list[int]]) -> None:
    """Take a bundle's complete ranges: (from, to] of device D extends what is held of D when it starts
    at or below what this laptop already holds."""
    store = store_db.current()
    held = {d: int(s) for d, s in store.db.execute_sql("SELECT device, stamp FROM knowledge")}
    for device, (start, end) in coverage.items():
        if device == store.device_id:
            continue
        if held.get(device, 0) >= start and end > held.get(device, 0):
            store.db.execute_sql(
                "INSERT INTO knowledge (device, stamp) VALUES (?, ?) "
                "ON CONFLICT(device) DO UPDATE SET stamp = excluded.stamp",
                (device, end),
            )


def device_knowledge(device: str) -> dict[str, int]:
    """What another laptop held when it made its last bundle that reached this one ({} if none)."""
    row = store_db.current().db.execute_sql("SELECT knowledge FROM team_device WHERE device = ?", (device,)).fetchone()
    return json.loads(row[0]) if row else {}


# ---------------------------------------------------------------------------------------------- export

_SELECT = (
    "SELECT c.change_id, c.record_type, c.record_id, c.field, c.value, c.hlc, d.uuid, a.uuid, c.base, c.seq "
    "FROM change c JOIN peer d ON d.id = c.device LEFT JOIN peer a ON a.id = c.author "
)


def _entries(rows: Iterable[tuple[Any, ...]], also: dict[bytes, list[bytes]]) -> Iterator[Entry]:
    for change_id, record_type, record_id, name, value, stamp, device, author, base, _seq in rows:
        yield Entry(
            change_id, record_type, record_id, name, value, stamp, device, author, base, tuple(also.get(change_id, ()))
        )


def _also(db: Any) -> dict[bytes, list[bytes]]:
    out: dict[bytes, list[bytes]] = defaultdict(list)
    for change_id, base in db.execute_sql("SELECT change_id, base FROM change_base ORDER BY change_id, base"):
        out[change_id].append(base)
    return out


def _changes_after(db: Any, floor: dict[str, int], seq_after: int | None = None) -> list[tuple[Any, ...]]:
    """Changes of each device stamped above ``floor[device]`` (and, if given, every change that
    arrived after local position ``seq_after``), in arrival order."""
    rows: dict[int, tuple[Any, ...]] = {}
    for peer, uuid in db.execute_sql("SELECT id, uuid FROM peer").fetchall():
        for row in db.execute_sql(_SELECT + "WHERE c.device = ? AND c.hlc > ?", (peer, floor.get(uuid, 0))):
            rows[row[9]] = row
    if seq_after is not None:
        for row in db.execute_sql(_SELECT + "WHERE c.seq > ?", (seq_after,)):
            rows[row[9]] = row
    return [rows[seq] for seq in sorted(rows)]


def _references(model: type[Travelling]) -> list[pw.ForeignKeyField]:
    return [f for f in model.data_fields() if isinstance(f, pw.ForeignKeyField)]


def _selection(db: Any, scope: Scope) -> set[bytes]:
    """The chosen records, what hangs on them, and every record they refer to (so the receiver can
    place them), as 16-byte ids."""
    chosen: dict[str, set[str]] = defaultdict(set)
    chosen["person"].update(scope.people)
    chosen["household"].update(scope.households)
    chosen["case"].update(scope.cases)
    for table, wanted in (("person", scope.people), ("household", scope.households), ("case", scope.cases)):
        for rid in wanted:
            if db.execute_sql(f'SELECT 1 FROM "{table}" WHERE id = ?', (rid,)).fetchone() is None:
                raise UserError(_("There is no such record: {id}.").format(id=rid))
    for household in scope.households:  # a household goes with its members
        for (person,) in db.execute_sql(
            "SELECT person_id FROM household_member WHERE household_id = ? AND deleted = 0", (household,)
        ):
            chosen["person"].add(person)
    # Everything that hangs on a chosen record (repeat until nothing is added: a case's appointments ...)
    grew = True
    while grew:
        grew = False
        for model in Travelling.registry:
            table = model._meta.table_name
            for fk in _references(model):
                target = fk.rel_model.record_type
                if target not in ("person", "household", "case") or not chosen.get(target):
                    continue
                for batch in _batches(sorted(chosen[target])):
                    marks = ",".join("?" * len(batch))
                    for (rid,) in db.execute_sql(
                        f'SELECT id FROM "{table}" WHERE "{fk.column_name}" IN ({marks})', batch
                    ):
                        if rid not in chosen[model.record_type]:
                            chosen[model.record_type].add(rid)
                            grew = True
    _add_referenced(db, chosen)
    return {ids.to_bytes(rid) for rids in chosen.values() for rid in rids}


def _add_referenced(db: Any, chosen: dict[str, set[str]]) -> None:
    """Add every record a chosen one refers to, transitively (a case's person, household, volunteers)."""
    todo = [(t, rid) for t, rids in chosen.items() for rid in rids]
    by_type = {m.record_type: m for m in Travelling.registry}
    while todo:
        record_type, rid = todo.pop()
        model = by_type[record_type]
        refs = _references(model)
        if not refs:
            continue
        cols = ", ".join(f'"{f.column_name}"' for f in refs)
        row = db.execute_sql(f'SELECT {cols} FROM "{model._meta.table_name}" WHERE id = ?', (rid,)).fetchone()
        for fk, value in zip(refs, row or (), strict=False):
            target = fk.rel_model.record_type
            if value and value not in chosen[target]:
                chosen[target].add(value)
                todo.append((target, value))


def _batches(items: Sequence[Any], size: int = _BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _templates(entries: list[Entry]) -> list[dict[str, Any]]:
    per_record: dict[bytes, dict[str, Any]] = defaultdict(dict)
    for e in entries:
        if e.record_type in ("filled_form", "printed_document") and e.field in ("template_id", "template_version"):
            per_record[e.record_id][e.field] = json.loads(e.value)
    found = {(v.get("template_id", ""), v.get("template_version", 0)) for v in per_record.values()}
    return [{"id": t, "version": v} for t, v in sorted(found) if t]


def export(scope: Scope, team: str = "", mark_key: str = "last_export") -> Exported:
    """Collect a bundle's changes and build its ZIP (unencrypted; see export_bundle).

    ``mark_key`` names the setting "since the last export" starts from (the one remember_export wrote):
    exports by hand and the sync folder's keep their own marks, so neither skips what the other sent."""
    from desktop.core import profile
    from desktop.core.privacy import erasure

    store = store_db.current()
    db = store.db
    if scope.kind not in SCOPES:
        raise UserError(_("Unknown export scope."))
    with db.atomic("DEFERRED"):  # one snapshot: the knowledge read first covers no change left out
        held = knowledge()
        (last_seq,) = db.execute_sql("SELECT coalesce(max(seq), 0) FROM change").fetchone()
        also = _also(db)
        coverage: dict[str, list[int]] = {}
        scope_info: dict[str, Any] = {"kind": scope.kind}
        if scope.kind == "all":
            rows = db.execute_sql(_SELECT + "ORDER BY c.seq").fetchall()
            coverage = {d: [0, k] for d, k in held.items()}
        elif scope.kind in ("device", "since_last"):
            if scope.kind == "device":
                if not scope.device:
                    raise UserError(_("Choose the laptop the bundle is for."))
                floor, seq_after = device_knowledge(scope.device), None
                scope_info["device"] = scope.device
            else:
                mark = json.loads(store.get_setting(mark_key, "{}") or "{}")
                floor, seq_after = mark.get("knowledge", {}), mark.get("seq", 0)
            rows = _changes_after(db, floor, seq_after)
            coverage = {d: [floor.get(d, 0), k] for d, k in held.items() if k > floor.get(d, 0)}
        else:
            wanted = _selection(db, scope)
            if not wanted:
                raise UserError(_("Choose the people, households or cases the bundle is for."))
            rows = []
            for batch in _batches(sorted(wanted)):
                marks = ",".join("?" * len(batch))
                rows.extend(db.execute_sql(_SELECT + f"WHERE c.record_id IN ({marks})", list(batch)))
            rows.sort(key=lambda r: r[9])
            scope_info["records"] = len(wanted)
        entries = list(_entries(rows, also))
        markers = [Marker(*m) for m in erasure.markers()]
    by_type: dict[str, set[bytes]] = defaultdict(set)
    for e in entries:
        by_type[e.record_type].add(e.record_id)
    manifest = {
        "format": bundle_file.FORMAT,
        "format_version": bundle_file.FORMAT_VERSION,
        "bundle_id": ids.new_id(),
        "created": utc_now().isoformat().replace("+00:00", "Z"),
        "app_version": __version__,
        "schema_version": migrations.TRAVELLING_SCHEMA,
        "team": team,
        "source": {
            "device": store.device_id,
            "device_name": profile.device_name(),
            "volunteer": store.volunteer_id,
            "volunteer_name": profile.volunteer_name(),
        },
        "scope": scope_info,
        "templates": _templates(entries),
        "knowledge": held,
        "coverage": coverage,
        "counts": {
            "records": sum(len(v) for v in by_type.values()),
            "by_type": {k: len(v) for k, v in by_type.items()},
        },
    }
    plain = bundle_file.build_zip(manifest, entries, markers)
    manifest = json.loads(_manifest_of(plain))
    mark = {"seq": last_seq, "knowledge": held} if scope.kind in ("all", "since_last") else {}
    audit.record("export", count=manifest["counts"]["records"])
    return Exported(manifest, plain, mark=mark)


def _manifest_of(plain: bytes) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        return zf.read(bundle_file.MANIFEST)


def export_bundle(scope: Scope, passphrase: str, team: str = "", mark_key: str = "last_export") -> Exported:
    """A bundle ready to write: collected, zipped and encrypted with the team passphrase."""
    if not passphrase:
        raise BundleRejected(_("Enter the team passphrase."), "passphrase")
    result = export(scope, team, mark_key)
    result.data = bundle_file.encrypt(result.plain, passphrase)
    return result


def remember_export(result: Exported, key: str = "last_export") -> None:
    """After the bundle is safely written: "since my last export" starts from here."""
    if result.mark:
        store = store_db.current()
        with store.db.atomic("IMMEDIATE"):
            store.set_setting(key, json.dumps(result.mark, separators=(",", ":")))


# ---------------------------------------------------------------------------------------------- import


@dataclass
class FamilyLine:
    """What a bundle changed for one person (and what hangs on them)."""

    person_id: str
    name: str
    new: int = 0
    updated: int = 0


@dataclass
class Report:
    """What an import did, for the report dialog and ``begleiter-cli import --json``."""

    bundle: str
    source_device: str = ""
    source_name: str = ""
    volunteer_name: str = ""
    created: str = ""
    already_known: bool = False
    new: int = 0
    updated: int = 0
    deleted: int = 0
    erased: int = 0
    conflicts: int = 0
    changes: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (new person id, existing person id)
    families: list[FamilyLine] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)  # appointment ids claimed by two volunteers
    #: Per kind of count ("new", "updated", "deleted", "erased"), per record type, how many records; reports
    #: stored by earlier versions have none (their totals above still hold).
    kinds: dict[str, dict[str, int]] = field(default_factory=dict)

    def count_kind(self, what: str, record_type: str, n: int) -> None:
        """Add ``n`` records of ``record_type`` to the per-kind count ``what`` (nothing for 0)."""
        if n:
            counts = self.kinds.setdefault(what, {})
            counts[record_type] = counts.get(record_type, 0) + n

    def as_json(self) -> dict[str, Any]:
        return {
            "bundle": self.bundle,
            "new": self.new,
            "updated": self.updated,
            "deleted": self.deleted,
            "erased": self.erased,
            "conflicts": self.conflicts,
            "duplicates": [list(p) for p in self.duplicates],
            "already_known": self.already_known,
            "changes": self.changes,
            "source": {
                "device": self.source_device,
                "device_name": self.source_name,
                "volunteer_name": self.volunteer_name,
            },
            "created": self.created,
            "families": [vars(f) for f in self.families],
            "claims": self.claims,
            "kinds": self.kinds,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        source = data.get("source", {})
        return cls(
            bundle=data["bundle"],
            source_device=source.get("device", ""),
            source_name=source.get("device_name", ""),
            volunteer_name=source.get("volunteer_name", ""),
            created=data.get("created", ""),
            new=data.get("new", 0),
            updated=data.get("updated", 0),
            deleted=data.get("deleted", 0),
            erased=data.get("erased", 0),
            conflicts=data.get("conflicts", 0),
            changes=data.get("changes", 0),
            duplicates=[tuple(p) for p in data.get("duplicates", [])],  # type: ignore[misc]
            families=[FamilyLine(**f) for f in data.get("families", [])],
            claims=list(data.get("claims", [])),
            kinds={what: dict(counts) for what, counts in data.get("kinds", {}).items()},
        )


def known_file(file_sha256: str) -> Report | None:
    """The report of a bundle file imported before (same bytes), or None."""
    row = (
        store_db.current()
        .db.execute_sql("SELECT report FROM bundle WHERE file_sha256 = ? AND status = 'applied'", (file_sha256,))
        .fetchone()
    )
    if row is None:
        return None
    report = Report.from_json(json.loads(row[0]))
    report.already_known = True
    return report


def import_bundle(data: bytes, passphrase: str, progress: Callable[[str], None] | None = None) -> Report:
    """Verify and apply a bundle file's bytes; BundleRejected (nothing written) when it is not sound."""
    import hashlib

    seen = known_file(hashlib.sha256(data).hexdigest())
    if seen is not None:  # these very bytes were verified and applied before
        return seen
    if progress:
        progress("decrypt")
    payload = bundle_file.open_bundle(data, passphrase)
    if progress:
        progress("apply")
    return apply(payload)


def record_rejected(file_sha256: str, reason: str, bundle_id: str | None = None) -> None:
    """Keep a rejected bundle in the list of bundles seen (with the reason; never its content)."""
    store = store_db.current()
    with store.db.atomic("IMMEDIATE"):
        store.db.execute_sql(
            "INSERT OR IGNORE INTO bundle (bundle_id, file_sha256, received, status, report) "
            "VALUES (?, ?, ?, 'rejected', ?)",
            (bundle_id or f"file:{file_sha256}", file_sha256, utc_now().isoformat(), json.dumps({"reason": reason})),
        )


def rejected_file(file_sha256: str) -> bool:
    """Whether a bundle file with these bytes was refused before (see record_rejected)."""
    row = (
        store_db.current()
        .db.execute_sql("SELECT 1 FROM bundle WHERE file_sha256 = ? AND status = 'rejected'", (file_sha256,))
        .fetchone()
    )
    return row is not None


def _value(text: str) -> Any:
    """A canonical JSON value: most are plain text, whose JSON is the text in quotes when it has no escape."""
    if text[0] == '"' and "\\" not in text:
        return text[1:-1]
    return json.loads(text)


def _from_json(f: pw.Field) -> Callable[[str], Any]:
    """The database value of field ``f`` from its canonical JSON text (what coerce and db_value make of
    the decoded value), with text taken as it stands when it has no escape."""
    coerce, db_value = changelog.fast_coerce(f), changelog.fast_db_value(f)
    if isinstance(f, pw.CharField | pw.TextField) and not isinstance(f, pw.ForeignKeyField):

        def text(value: str) -> Any:
            if value[0] == '"' and "\\" not in value:
                return value[1:-1]
            return db_value(coerce(json.loads(value)))

        return text
    return lambda value: db_value(coerce(_value(value)))


class _Apply:
    """One import: everything read and checked first, then written in the caller's transaction."""

    def __init__(self, payload: Payload) -> None:
        self.payload = payload
        self.store = store_db.current()
        self.db = self.store.db
        m = payload.manifest
        self.report = Report(
            bundle=payload.bundle_id,
            source_device=m["source"]["device"],
            source_name=m["source"].get("device_name", ""),
            volunteer_name=m["source"].get("volunteer_name", ""),
            created=m.get("created", ""),
        )
        self.models = models()

    # -- reading
    def existing(self, record_ids: Sequence[bytes]) -> dict[bytes, list[tuple[Any, ...]]]:
        """Per record, its logged changes: (change_id, record_type, field, value, hlc, device uuid, base)."""
        out: dict[bytes, list[tuple[Any, ...]]] = defaultdict(list)
        for batch in _batches(record_ids):
            marks = ",".join("?" * len(batch))
            for row in self.db.execute_sql(
                "SELECT c.record_id, c.change_id, c.record_type, c.field, c.value, c.hlc, p.uuid, c.base "
                f"FROM change c JOIN peer p ON p.id = c.device WHERE c.record_id IN ({marks})",
                list(batch),
            ):
                out[row[0]].append(row[1:])
        return out

    def present(self, model: type[Travelling], record_ids: Iterable[str]) -> set[str]:
        found: set[str] = set()
        table = model._meta.table_name
        for batch in _batches(sorted(set(record_ids))):
            marks = ",".join("?" * len(batch))
            found.update(
                r[0] for r in self.db.execute_sql(f'SELECT id FROM "{table}" WHERE id IN ({marks})', list(batch))
            )
        return found

    def run(self) -> Report:
        from desktop.core.privacy import erasure

        payload, report = self.payload, self.report
        stamps = [e.hlc for e in payload.entries] + [m.hlc for m in payload.markers]
        # 1. Erasure markers first: they win over every change of their records.
        fresh_markers = self._fresh_markers(erasure)
        if fresh_markers:
            groups: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
            for m in fresh_markers:
                groups[(m.hlc, m.device)].append((m.record_type, ids.to_text(m.record_id)))
            for (stamp, device), records in sorted(groups.items()):
                counts = erasure.erase_in_transaction(records, stamp, device)
                report.erased += sum(counts.values())
                for record_type, n in counts.items():
                    report.count_kind("erased", record_type, n)
        # 2. Incoming changes: drop known ones and those of erased records; reject contradictions.
        incoming: dict[bytes, dict[bytes, Entry]] = defaultdict(dict)
        for e in payload.entries:
            same = incoming[e.record_id].get(e.change_id)
            if same is not None and same != e:
                raise BundleRejected(
                    _("The bundle holds two different changes under one id; it is refused."), "content"
                )
            incoming[e.record_id][e.change_id] = e
        erased = erasure.erased_among(list(incoming))
        for rid in erased:
            incoming.pop(rid, None)
        record_ids = sorted(incoming)
        existing = self.existing(record_ids)
        new_entries: list[Entry] = []
        # The fields that may hold two heads after this import: all those a bundle changes in a record this
        # laptop had, and those of a new record that got more than one change (see _plan_new).
        disputable: set[tuple[str, bytes, str]] = set()
        self.disputable = disputable
        plans: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # type -> id -> plan
        self.plans = plans
        two_kinds = _("The bundle names one record as two kinds of record; it is refused.")
        contradicts = _("The bundle contradicts a change this laptop holds; it is refused.")
        for rid in record_ids:
            entries = list(incoming[rid].values())
            logged = existing.get(rid)
            record_type = entries[0].record_type
            if any(e.record_type != record_type for e in entries):
                raise BundleRejected(two_kinds, "content")
            # One change per (field, stamp, device), in the bundle and with what this laptop holds.
            if not logged:
                # A record new to this laptop: the common case of a big bundle, kept short.
                if len({(e.field, e.hlc, e.device) for e in entries}) != len(entries):
                    raise BundleRejected(contradicts, "content")
                new_entries.extend(entries)
                plans[record_type][ids.to_text(rid)] = self._plan_new(entries)
                continue
            else:
                if any(row[1] != record_type for row in logged):
                    raise BundleRejected(two_kinds, "content")
                known = {row[0]: row for row in logged}
                keys = {(row[2], row[4], row[5]): row[0] for row in logged}
                fresh = []
                for e in entries:
                    row = known.get(e.change_id)
                    if row is None:
                        fresh.append(e)
                    elif (row[2], row[3], row[4], row[5], row[6]) != (e.field, e.value, e.hlc, e.device, e.base):
                        raise BundleRejected(contradicts, "content")
                if not fresh:
                    continue
            for e in fresh:
                if keys.setdefault((e.field, e.hlc, e.device), e.change_id) != e.change_id:
                    raise BundleRejected(contradicts, "content")
            disputable.update((record_type, rid, e.field) for e in fresh)
            new_entries.extend(fresh)
            plans[record_type][ids.to_text(rid)] = self._plan(logged, fresh)
        report.changes = len(new_entries)
        # 3. References: every record must point at records that exist (or arrive, or are erased).
        doomed = self._check_references(plans, erasure)
        if doomed:
            for record_type, rid, stamp, device in doomed:
                plans[record_type].pop(rid, None)
                erasure.erase_in_transaction([(record_type, rid)], stamp, device)
                report.erased += 1
                report.count_kind("erased", record_type, 1)
            gone = {ids.to_bytes(r[1]) for r in doomed}
            new_entries = [e for e in new_entries if e.record_id not in gone]
        # 4. Write: rows, then the log, then what is derived from it.
        births = self._births_before(plans)
        new_people = self._write_rows(plans)
        self._write_log(new_entries)
        if doomed:
            disputable = {d for d in disputable if d[1] not in gone}
        report.conflicts = changelog.refresh_conflicts(sorted(disputable))
        if stamps:
            top = max(stamps)
            self.store.clock.observe(top)
            changelog.remember_clock(max(top, self.store.clock.last))
        search_index.flush_queue(self.db)
        _advance_knowledge(payload.manifest.get("coverage", {}))
        self._remember_source(payload)
        report.duplicates = self._duplicates(new_people, births)
        report.families = self._families(plans)
        report.claims = self._claims(new_entries)
        return report

    def _fresh_markers(self, erasure: Any) -> list[Marker]:
        markers = self.payload.markers
        if not markers:
            return []
        known = erasure.erased_among([m.record_id for m in markers])
        return [m for m in markers if m.record_id not in known]

    def _plan(self, logged: list[tuple[Any, ...]], fresh: list[Entry]) -> dict[str, Any]:
        """For one record: the fields whose current value changes, and its creation stamp and device."""
        best: dict[str, tuple[int, str, str, bool]] = {}  # field -> (hlc, device, value, is_new)
        first: tuple[int, str] | None = None
        for _cid, _type, name, value, stamp, device, _base in logged:
            current = best.get(name)
            if current is None or (stamp, device) > current[:2]:
                best[name] = (stamp, device, value, False)
            if first is None or (stamp, device) < first:
                first = (stamp, device)
        existed = first is not None
        old_first = first
        for e in fresh:
            current = best.get(e.field)
            if current is None or (e.hlc, e.device) > current[:2]:
                best[e.field] = (e.hlc, e.device, e.value, True)
            if first is None or (e.hlc, e.device) < first:
                first = (e.hlc, e.device)
        values = {name: value for name, (_h, _d, value, is_new) in best.items() if is_new}
        return {
            "existed": existed,
            "values": values,
            "first": first if (not existed or first != old_first) else None,
        }

    def _plan_new(self, entries: list[Entry]) -> dict[str, Any]:
        """_plan for a record this laptop has never seen, noting the fields with more than one change."""
        best: dict[str, Entry] = {}
        for e in entries:
            current = best.get(e.field)
            if current is None:
                best[e.field] = e
                continue
            self.disputable.add((e.record_type, e.record_id, e.field))
            if (e.hlc, e.device) > (current.hlc, current.device):
                best[e.field] = e
        first = min((e.hlc, e.device) for e in entries)
        return {"existed": False, "values": {name: e.value for name, e in best.items()}, "first": first}

    def _check_references(
        self, plans: dict[str, dict[str, dict[str, Any]]], erasure: Any
    ) -> list[tuple[str, str, int, str]]:
        """Records whose references lead to an erased record (they go too, as they would have on the
        laptop that erased it); BundleRejected when a reference leads nowhere."""
        by_type = {m.record_type: m for m in Travelling.registry}
        wanted: dict[str, set[str]] = defaultdict(set)
        refs: list[tuple[str, str, str, str]] = []  # (record_type, id, target_type, target_id)
        for record_type, records in plans.items():
            fks = {f.name: f for f in _references(by_type[record_type])}
            for rid, plan in records.items():
                for name, value in plan["values"].items():
                    fk = fks.get(name)
                    if fk is None or value == "null":
                        continue
                    target = _value(value)
                    target_type = fk.rel_model.record_type
                    if target in plans.get(target_type, {}):
                        continue
                    wanted[target_type].add(target)
                    refs.append((record_type, rid, target_type, target))
        if not refs:
            return []
        found = {t: self.present(by_type[t], targets) for t, targets in wanted.items()}
        missing = [r for r in refs if r[3] not in found[r[2]]]
        if not missing:
            return []
        erased_targets = erasure.erased_among([ids.to_bytes(r[3]) for r in missing])
        marker_of = {}
        if erased_targets:
            for rid, _t, stamp, device in erasure.markers():
                if rid in erased_targets:
                    marker_of[rid] = (stamp, device)
        doomed = []
        for record_type, rid, _target_type, target in missing:
            raw = ids.to_bytes(target)
            if raw not in erased_targets:
                raise BundleRejected(
                    _(
                        "The bundle refers to records this laptop does not have yet. Import the earlier bundles "
                        "from that laptop first, or ask for a bundle of everything."
                    ),
                    "references",
                )
            doomed.append((record_type, rid, *marker_of[raw]))
        return doomed

    def _write_rows(self, plans: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
        new_people: list[str] = []
        report = self.report
        for model in Travelling.registry:
            records = plans.get(model.record_type)
            if not records:
                continue
            fields = {f.name: f for f in model.data_fields()}
            coercers = {name: changelog.fast_coerce(f) for name, f in fields.items()}
            self._insert_new(model, records)
            before = (report.new, report.updated, report.deleted)
            for rid, plan in records.items():
                if not plan["existed"]:
                    report.new += 1
                    deleted = plan["values"].get("deleted") == "true"
                    report.deleted += deleted
                    if model is Person and not deleted:
                        new_people.append(rid)
                    continue
                values = {name: coercers[name](_value(v)) for name, v in plan["values"].items()}
                if values.get("deleted") is True:
                    report.deleted += 1
                assignments: dict[pw.Field, Any] = {fields[k]: v for k, v in values.items()}
                if plan["first"] is not None:
                    stamp, device = plan["first"]
                    assignments[model._meta.fields["created_at"]] = changelog.created_at(stamp)
                    assignments[model._meta.fields["created_by"]] = device
                if model.derived and values:
                    current = model.get_by_id(rid)
                    full = {name: changelog._current(model, current, name) for name in fields}
                    full.update(values)
                    for name, value in model.derive(full).items():
                        assignments[model._meta.fields[name]] = value
                if assignments:
                    model.update(assignments).where(model.id == rid).execute()
                    if values:
                        report.updated += 1
            # Per kind from the totals' growth: nothing more is done per record.
            for what, total, start in zip(
                ("new", "updated", "deleted"), (report.new, report.updated, report.deleted), before, strict=True
            ):
                report.count_kind(what, model.record_type, total - start)
        return new_people

    def _insert_new(self, model: type[Travelling], records: dict[str, dict[str, Any]]) -> None:
        """Insert the records new to this laptop with one statement, and index them for search directly
        (as bulk_create does) instead of one queued document per row."""
        all_fields = model._meta.sorted_fields
        names = [f.name for f in all_fields]
        position = {name: n for n, name in enumerate(names)}
        data_fields = model.data_fields()
        defaults = {f.name: changelog.default_of(f) for f in data_fields}
        if model.derived:  # derive() takes the Python values of a whole row
            coercers = {f.name: changelog.fast_coerce(f) for f in data_fields}
            db_values = [changelog.fast_db_value(f) for f in all_fields]
        else:  # straight from each value's canonical JSON to the column
            template: list[Any] = [None] * len(all_fields)
            to_db: dict[str, Callable[[str], Any]] = {}
            for f in data_fields:
                template[position[f.name]] = changelog.fast_db_value(f)(defaults[f.name])
                to_db[f.name] = _from_json(f)
            id_at, at_at, by_at = position["id"], position["created_at"], position["created_by"]
            at_db = model._meta.fields["created_at"].db_value
        indexed = model.record_type in search_index.INDEXED_TYPES
        rows: list[list[Any]] = []
        documents: list[dict[str, Any]] = []
        for rid, plan in records.items():
            if plan["existed"]:
                continue
            stamp, device = plan["first"]
            if model.derived:
                full = dict(defaults)
                full.update((name, coercers[name](_value(v))) for name, v in plan["values"].items())
                full.update(id=rid, created_at=changelog.created_at(stamp), created_by=device)
                full.update(model.derive(full))
                rows.append([convert(full[name]) for name, convert in zip(names, db_values, strict=True)])
                if indexed:
                    documents.append(full)
                continue
            row = template.copy()
            for name, text in plan["values"].items():
                row[position[name]] = to_db[name](text)
            row[id_at] = rid
            row[at_at] = at_db(changelog.created_at(stamp))
            row[by_at] = device
            rows.append(row)
            if indexed:  # the columns' values: text as it is, which is all a search document reads
                documents.append(dict(zip(names, row, strict=True)))
        if not rows:
            return
        columns = ", ".join(f'"{f.column_name}"' for f in all_fields)
        marks = ", ".join("?" for _ in all_fields)
        table = model._meta.table_name
        with search_index.direct(), store_db.insert_triggers_lifted((table,), len(rows)):
            self.db.cursor().executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)
        if documents:
            search_index.index_new(self.db, model.record_type, documents)

    def _write_log(self, entries: list[Entry]) -> None:
        bases = []
        # Local numbers of devices and volunteers, new ones in the order they first appear.
        peers = {uuid: changelog.peer_id(uuid) for uuid in dict.fromkeys(u for e in entries for u in e[6:8])}
        rows = [(*e[:6], peers[e.device], peers[e.author], e.base) for e in entries]
        for e in entries:
            if e.also:
                bases.extend((e.change_id, b) for b in e.also)
        cursor = self.db.cursor()
        with search_index.direct(), store_db.insert_triggers_lifted(("change",), len(rows)):
            cursor.executemany(changelog._INSERT_CHANGE, rows)
        if bases:
            cursor.executemany("INSERT OR IGNORE INTO change_base (change_id, base) VALUES (?, ?)", bases)

    def _remember_source(self, payload: Payload) -> None:
        m = payload.manifest
        source = m["source"]
        report = self.report
        now = utc_now().isoformat()
        counts = {
            "new": report.new,
            "updated": report.updated,
            "deleted": report.deleted,
            "erased": report.erased,
            "conflicts": report.conflicts,
            "changes": report.changes,
        }
        if source["device"] != self.store.device_id:
            self.db.execute_sql(
                "INSERT INTO team_device (device, name, volunteer, volunteer_name, knowledge, last_bundle, "
                "last_created, last_received, last_counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(device) DO UPDATE SET "
                "name = excluded.name, volunteer = excluded.volunteer, volunteer_name = excluded.volunteer_name, "
                "knowledge = CASE WHEN excluded.last_created >= coalesce(team_device.last_created, '') "
                "THEN excluded.knowledge ELSE team_device.knowledge END, "
                "last_bundle = excluded.last_bundle, last_created = excluded.last_created, "
                "last_received = excluded.last_received, last_counts = excluded.last_counts",
                (
                    source["device"],
                    source.get("device_name", ""),
                    source.get("volunteer"),
                    source.get("volunteer_name", ""),
                    json.dumps(m.get("knowledge", {}), separators=(",", ":")),
                    payload.bundle_id,
                    m.get("created"),
                    now,
                    json.dumps(counts),
                ),
            )
        self.db.execute_sql(
            "INSERT INTO bundle (bundle_id, file_sha256, source_device, created, received, status, report) "
            "VALUES (?, ?, ?, ?, ?, 'applied', ?) ON CONFLICT(bundle_id) DO UPDATE SET status = 'applied', "
            "file_sha256 = excluded.file_sha256, report = excluded.report, received = excluded.received",
            (
                payload.bundle_id,
                payload.file_sha256 or f"bundle:{payload.bundle_id}",
                source["device"],
                m.get("created"),
                now,
                json.dumps(report.as_json(), ensure_ascii=False),
            ),
        )

    def _births_before(self, plans: dict[str, dict[str, dict[str, Any]]]) -> set[str]:
        """The birth dates of the people this laptop has before the import (and those the import gives
        them): a new person born on another day cannot be one of them."""
        births = {row[0] for row in self.db.execute_sql("SELECT DISTINCT birth_date FROM person WHERE deleted = 0")}
        for plan in plans.get(Person.record_type, {}).values():
            if plan["existed"] and "birth_date" in plan["values"]:
                births.add(_value(plan["values"]["birth_date"]))
        births.discard(None)
        return births

    def _duplicates(self, new_people: list[str], births: set[str]) -> list[tuple[str, str]]:
        """New people who look like someone this laptop had already (a family entered on two laptops)."""
        plans = self.plans.get(Person.record_type, {})
        maybe = [rid for rid in new_people if _value(plans[rid]["values"].get("birth_date", "null")) in births]
        if not maybe:
            return []
        fresh = set(new_people)
        found = []
        rows = []
        for batch in _batches(maybe):
            marks = ",".join("?" * len(batch))
            rows.extend(
                self.db.execute_sql(
                    "SELECT id, family_name, given_name, family_name_cyr, given_name_cyr, birth_date FROM person "
                    f"WHERE id IN ({marks})",
                    list(batch),
                )
            )
        for rid, family, given, family_cyr, given_cyr, birth in rows:
            values = {
                "family_name": family,
                "given_name": given,
                "family_name_cyr": family_cyr,
                "given_name_cyr": given_cyr,
                "birth_date": birth,
            }
            for other in duplicates.candidates(values, exclude=rid):
                if other.id not in fresh:
                    found.append((rid, other.id))
        return found

    def _families(self, plans: dict[str, dict[str, dict[str, Any]]]) -> list[FamilyLine]:
        """Per person, how many of their records arrived new or changed (the first 200 people)."""
        by_type = {m.record_type: m for m in Travelling.registry}
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for record_type, records in plans.items():
            model = by_type[record_type]
            person_col = "person_id" if "person" in model._meta.fields else None
            for rid, plan in records.items():
                person = None
                if record_type == "person":
                    person = rid
                elif person_col:
                    row = self.db.execute_sql(
                        f'SELECT "{person_col}" FROM "{model._meta.table_name}" WHERE id = ?', (rid,)
                    ).fetchone()
                    person = row[0] if row else None
                if person is None and "case" in model._meta.fields:
                    row = self.db.execute_sql(
                        f'SELECT c.person_id FROM "{model._meta.table_name}" t JOIN "case" c ON c.id = t.case_id '
                        "WHERE t.id = ?",
                        (rid,),
                    ).fetchone()
                    person = row[0] if row else None
                if person:
                    counts[person][0 if not plan["existed"] else 1] += 1
                if len(counts) > 200:
                    break
        lines = []
        for person, (new, updated) in counts.items():
            row = self.db.execute_sql(
                "SELECT family_name, given_name, family_name_cyr, given_name_cyr FROM person WHERE id = ?", (person,)
            ).fetchone()
            if row:
                lines.append(FamilyLine(person, person_name(*row), new, updated))
        return sorted(lines, key=lambda f: f.name.casefold())[:200]

    def _claims(self, entries: list[Entry]) -> list[str]:
        from desktop.core import appointments

        touched = sorted(
            {ids.to_text(e.record_id) for e in entries if e.record_type == "appointment" and e.field == "volunteer"}
        )
        out = []
        for rid in touched:
            try:
                if any(c.kind == "two_claims" for c in appointments.clashes(rid)):
                    out.append(rid)
            except Exception:  # an erased or missing appointment has no claims to flag
                continue
        return out


def apply(payload: Payload) -> Report:
    """Apply a verified bundle in one transaction; a bundle applied before changes nothing."""
    store = store_db.current()
    row = store.db.execute_sql(
        "SELECT report FROM bundle WHERE bundle_id = ? AND status = 'applied'", (payload.bundle_id,)
    ).fetchone()
    if row is not None:
        report = Report.from_json(json.loads(row[0]))
        report.already_known = True
        return report
    with (
        bundle_file.gc_paused(),
        store.db.atomic("IMMEDIATE"),
        store_db.guard_open(),
        store_db.bulk_cache(len(payload.entries)),
    ):
        report = _Apply(payload).run()
    audit.record("import", count=report.changes)
    if report.erased:
        audit.record("erase", count=report.erased, detail="bundle")
    return report
