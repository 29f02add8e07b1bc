"""Three laptops that edit the same people and exchange bundles in any order end with the same data and the
same open conflicts, lose no edit, and send each other exactly what the other lacks.

The laptops are three profiles opened in turn. Bundles travel as their plaintext ZIP (exchange.export,
then bundle.read_zip and exchange.apply): the age layer is proven elsewhere and its scrypt would cost a
second and a half per bundle.
"""

from __future__ import annotations

import itertools
import json
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from desktop.core import ids, people, profile
from desktop.core.privacy import erasure
from desktop.core.store import changelog, integrity
from desktop.core.store import db as store_db
from desktop.core.store.models import Person
from desktop.core.store.models import db as db_proxy
from desktop.core.sync import bundle, conflicts, exchange
from tests.conftest import PASSPHRASE, TEST_KDF
from tests.test_bundle_mutation import _profile

FIELDS = ("given_name", "city", "notes")
VALUES = ("", "Olena", "Kyiv", "Leipzig", "Zoriana")


def _no_fsync() -> None:
    """These profiles live for one example: waiting for the disk at every commit only costs time."""
    store_db.current().db.execute_sql("PRAGMA synchronous = OFF")


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, bytes, bytes]]:
    """Three new profiles (three laptops, each with its volunteer), made once and copied for every example."""
    root = tmp_path_factory.mktemp("templates")
    made = []
    for number in range(3):
        store = _profile(root / f"laptop{number}", f"laptop {number}")
        store_db.checkpoint()
        made.append((store.path, *store.db._key_material))
        store_db.close_store()
    return made


class Laptops:
    """Three profiles, all open; the one at work is the store the app's code sees (swapped, as reopening
    one costs 7 ms and an example switches hundreds of times)."""

    def __init__(self, root: Path, templates: list[tuple[Path, bytes, bytes]]) -> None:
        self.stores: list[store_db.Store] = []
        for path, key, salt in templates:
            store_db._current = None  # keep the others open
            self.stores.append(store_db.open_with_key(shutil.copytree(path, root / path.name), key, salt))
            _no_fsync()
        self.devices = [store.device_id for store in self.stores]
        self.open = 2
        self.bundles: list[tuple[int, bytes]] = []  # (made on, plaintext ZIP)
        self.erased: set[str] = set()

    def use(self, number: int) -> None:
        if number != self.open:
            store_db._current = self.stores[number]
            db_proxy.initialize(self.stores[number].db)
            self.open = number

    def close(self) -> None:
        for store in self.stores:
            store.db.close()
        store_db._current = None

    def export(self, source: int, scope: exchange.Scope) -> exchange.Exported:
        self.use(source)
        made = exchange.export(scope)
        exchange.remember_export(made)
        self.bundles.append((source, made.plain))
        return made

    def deliver(self, plain: bytes, target: int) -> exchange.Report:
        payload = bundle.read_zip(plain)
        self.use(target)
        return exchange.apply(payload)

    def send(self, source: int, target: int, kind: str = "all") -> exchange.Report:
        scope = exchange.Scope(kind, device=self.devices[target] if kind == "device" else None)
        return self.deliver(self.export(source, scope).plain, target)


def _log() -> set[bytes]:
    return {r[0] for r in store_db.current().db.execute_sql("SELECT change_id FROM change")}


def _people() -> list[str]:
    return [r[0] for r in store_db.current().db.execute_sql("SELECT id FROM person WHERE deleted = 0 ORDER BY id")]


def _erased_ids() -> set[bytes]:
    return {r[0] for r in store_db.current().db.execute_sql("SELECT record_id FROM erasure")}


def _lacking(laptops: Laptops, source: int, target: int) -> set[bytes]:
    """Changes the source holds and the target neither holds nor has erased."""
    laptops.use(source)
    held = {r[0]: r[1] for r in store_db.current().db.execute_sql("SELECT change_id, record_id FROM change")}
    laptops.use(target)
    have, erased = _log(), _erased_ids()
    return {c for c, record in held.items() if c not in have and record not in erased}


def _open_conflicts() -> list[tuple[str, str, list[tuple[str, Any, str, bool]]]]:
    return [
        (c.id, c.field, [(v.change_id, v.value, v.device, v.winner) for v in c.values])
        for c in conflicts.open_conflicts()
    ]


def _heads(person: str, field: str) -> list[changelog.Head]:
    """The current values (heads) of one field of a person on the open laptop."""
    return changelog.heads_of_field(ids.to_bytes(person), field)


def _heads_everywhere_in_the_inbox() -> None:
    """No silent loss: every value of a field that no later change was made on (a head) is the field's
    value or stands in an open conflict of that field beside it; a decided value is named as a base."""
    db = store_db.current().db
    also = defaultdict(set)
    for change_id, base in db.execute_sql("SELECT change_id, base FROM change_base"):
        also[change_id].add(base)
    rows: dict[tuple[bytes, str], list[tuple[Any, ...]]] = defaultdict(list)
    for row in db.execute_sql(
        "SELECT c.record_id, c.field, c.change_id, c.value, c.hlc, p.uuid, c.base "
        "FROM change c JOIN peer p ON p.id = c.device WHERE c.record_type = 'person'"
    ):
        rows[(row[0], row[1])].append(row[2:])
    open_ = {(c.record_id, c.field): {json.dumps(v.value) for v in c.values} for c in conflicts.open_conflicts()}
    for (raw_id, field), changes in rows.items():
        extra = [b for change_id, *_rest in changes for b in also.get(change_id, ())]
        heads = changelog.field_heads(changes, extra)
        current = db.execute_sql(f'SELECT "{field}" FROM person WHERE id = ?', (ids.to_text(raw_id),)).fetchone()
        if current is None:
            continue
        shown = changelog.to_json(changelog.coerce(Person._meta.fields[field], current[0]))
        assert heads[-1].value == shown  # the winner is what the laptop shows
        values = {h.value for h in heads}
        if len(values) > 1:
            assert open_.get((ids.to_text(raw_id), field)) == values, (field, values)
        else:
            assert (ids.to_text(raw_id), field) not in open_


def _state(laptops: Laptops, number: int) -> tuple[str, Any, list[str]]:
    laptops.use(number)
    assert integrity.check() == []
    assert conflicts.count() == len(conflicts.open_conflicts())  # the badge counts what the inbox lists
    return integrity.digest(), _open_conflicts(), _people()


def _everyone_gets_everything(laptops: Laptops) -> None:
    """Each laptop sends all it holds to the other two, in turn; then once more, so each knows what the
    others hold."""
    for _round in range(2):
        for source in range(3):
            made = laptops.export(source, exchange.Scope("all"))
            for target in range(3):
                if target != source:
                    laptops.deliver(made.plain, target)


def _agree(laptops: Laptops) -> tuple[str, Any, list[str]]:
    states = [_state(laptops, n) for n in range(3)]
    assert states[0] == states[1] == states[2]
    for number in range(3):
        laptops.use(number)
        _heads_everywhere_in_the_inbox()
        assert not laptops.erased & set(_people())  # nothing erased came back
        assert not {ids.to_bytes(e) for e in laptops.erased} & {
            r[0] for r in store_db.current().db.execute_sql("SELECT record_id FROM change")
        }
    # Knowing what the others hold, no laptop has anything left to send any other.
    for source in range(3):
        for target in range(3):
            if source != target:
                laptops.use(source)
                assert (
                    exchange.export(exchange.Scope("device", device=laptops.devices[target])).manifest["counts"][
                        "changes"
                    ]
                    == 0
                )
    return states[0]


#: Weighted so that edits of the same fields cross often (conflicts) and many bundles go astray.
ACTIONS = ["create"] + ["edit"] * 8 + ["delete", "erase"] + ["resolve"] * 3 + ["send"] * 4 + ["deliver"] * 3


@pytest.mark.slow
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_three_laptops_converge_whatever_the_order(
    templates: list[tuple[Path, bytes, bytes]], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        laptops = Laptops(Path(folder), templates)
        try:
            _play(laptops, data)
        finally:
            laptops.close()


def _play(laptops: Laptops, data: st.DataObject) -> None:
    resolved = 0
    laptops.use(0)  # two people every laptop starts from
    for family in ("Bondar", "Koval"):
        people.create_person({"family_name": family, "given_name": "A"})
    laptops.send(0, 1)
    laptops.send(0, 2)
    for _step in range(data.draw(st.integers(10, 40), label="steps")):
        action = data.draw(st.sampled_from(ACTIONS), label="action")
        here = data.draw(st.integers(0, 2), label="laptop")
        laptops.use(here)
        found = _people()
        if action == "create" or (not found and action in ("edit", "delete", "erase")):
            people.create_person({"family_name": data.draw(st.sampled_from(["Bondar", "Koval"])), "given_name": "A"})
        elif action == "edit":
            person = data.draw(st.sampled_from(found))
            field, value = data.draw(st.sampled_from(FIELDS)), data.draw(st.sampled_from(VALUES))
            changelog.update(Person, person, {field: value})
        elif action == "delete":
            changelog.delete(Person, data.draw(st.sampled_from(found)))
        elif action == "erase" and len(found) > 2:  # the two people every laptop shares stay to be disputed
            person = data.draw(st.sampled_from(found))
            erasure.erase_person(person)
            laptops.erased.add(person)
        elif action == "resolve":  # on the first laptop, from this one on, that has a conflict open
            open_ = []
            for number in (here, (here + 1) % 3, (here + 2) % 3):
                laptops.use(number)
                open_ = conflicts.open_conflicts()
                if open_:
                    break
            if open_:
                conflict = data.draw(st.sampled_from(open_))
                resolved += 1
                if data.draw(st.booleans()):
                    conflicts.resolve(conflict.id, keep=data.draw(st.sampled_from(conflict.values)).change_id)
                else:
                    conflicts.resolve(conflict.id, value=data.draw(st.sampled_from(VALUES)))
        elif action == "send":
            target = (here + data.draw(st.integers(1, 2))) % 3
            kind = data.draw(st.sampled_from(["all", "device", "since_last", "selection"]))
            if kind == "selection":
                if not found:
                    continue
                scope = exchange.Scope("selection", people=(data.draw(st.sampled_from(found)),))
            else:
                scope = exchange.Scope(kind, device=laptops.devices[target] if kind == "device" else None)
            lacking = _lacking(laptops, here, target) if kind == "device" else set()
            made = laptops.export(here, scope)
            sent = {e.change_id for e in bundle.read_zip(made.plain).entries}
            assert lacking <= sent, "a bundle for a laptop left out a change it lacks"
            if data.draw(st.sampled_from([True, True, False]), label="delivered now"):
                laptops.deliver(made.plain, target)
        elif action == "deliver" and laptops.bundles:  # late, twice, or to a laptop it was not meant for
            _source, plain = data.draw(st.sampled_from(laptops.bundles))
            laptops.deliver(plain, data.draw(st.integers(0, 2)))
    _everyone_gets_everything(laptops)
    open_ = _agree(laptops)[1]
    event(f"conflicts open after everything arrived: {min(len(open_), 3)}{'+' if len(open_) >= 3 else ''}")
    event(f"people erased: {bool(laptops.erased)}; conflicts resolved on the way: {resolved > 0}")
    # A decision taken on one laptop closes the conflict on every laptop.
    laptops.use(data.draw(st.integers(0, 2), label="deciding laptop"))
    for conflict in conflicts.open_conflicts():
        conflicts.resolve(conflict.id, keep=conflict.values[-1].change_id)
    _everyone_gets_everything(laptops)
    assert _agree(laptops)[1] == []


# ------------------------------------------------------------------------------------- chosen scenarios


@pytest.fixture
def laptops(tmp_path: Path, templates: list[tuple[Path, bytes, bytes]]) -> Iterator[Laptops]:
    made = Laptops(tmp_path, templates)
    yield made
    made.close()


def test_a_bundle_for_a_laptop_holds_exactly_what_it_lacks(laptops: Laptops) -> None:
    laptops.use(0)
    person = people.create_person({"family_name": "Bondar", "given_name": "Olena"}).id
    laptops.send(0, 1)
    laptops.send(1, 0)  # laptop 0 now knows what laptop 1 holds
    laptops.use(0)
    changelog.update(Person, person, {"city": "Kyiv"})
    changelog.update(Person, person, {"phone": "0151"})
    other = people.create_person({"family_name": "Koval"}).id
    new = _lacking(laptops, 0, 1)
    assert len(new) == 3  # city, phone, and the new person's one field
    made = laptops.export(0, exchange.Scope("device", device=laptops.devices[1]))
    assert {e.change_id for e in bundle.read_zip(made.plain).entries} == new
    report = laptops.deliver(made.plain, 1)
    assert report.new == 1 and report.updated == 1 and other in _people()
    # And the way back: laptop 1 has nothing laptop 0 lacks once laptop 0 heard from it.
    laptops.send(1, 0)
    laptops.use(1)
    assert exchange.export(exchange.Scope("device", device=laptops.devices[0])).manifest["counts"]["changes"] == 0


def test_a_conflict_is_kept_everywhere_until_one_laptop_decides(laptops: Laptops) -> None:
    laptops.use(0)
    person = people.create_person({"family_name": "Bondar", "given_name": "Olena"}).id
    laptops.send(0, 1)
    laptops.send(0, 2)
    for number, city in ((0, "Kyiv"), (1, "Lviv"), (2, "Odesa")):
        laptops.use(number)
        changelog.update(Person, person, {"city": city})
    _everyone_gets_everything(laptops)
    digest, open_, _ = _agree(laptops)
    assert len(open_) == 1 and sorted(v[1] for v in open_[0][2]) == ["Kyiv", "Lviv", "Odesa"]
    laptops.use(2)
    conflicts.resolve(open_[0][0], value="Dnipro")
    laptops.send(2, 0)
    laptops.use(0)
    assert conflicts.open_conflicts() == [] and Person.get_by_id(person).city == "Dnipro"
    laptops.use(1)
    assert len(conflicts.open_conflicts()) == 1  # not yet reached
    _everyone_gets_everything(laptops)
    digest_after, open_after, _ = _agree(laptops)
    assert open_after == [] and digest_after != digest


@pytest.mark.parametrize("same", [True, False])
def test_two_laptops_deciding_one_conflict(laptops: Laptops, same: bool) -> None:
    """Two decisions of one conflict made apart: the same value closes it; two different values are a
    new conflict between the decisions (the old values stay decided), listed everywhere."""
    laptops.use(0)
    person = people.create_person({"family_name": "Bondar"}).id
    laptops.send(0, 1)
    laptops.send(0, 2)
    for number, city in ((0, "Kyiv"), (1, "Lviv")):
        laptops.use(number)
        changelog.update(Person, person, {"city": city})
    _everyone_gets_everything(laptops)
    (conflict,) = _agree(laptops)[1]
    for number, city in ((1, "Dnipro"), (2, "Dnipro" if same else "Odesa")):
        laptops.use(number)
        conflicts.resolve(conflict[0], value=city)
    _everyone_gets_everything(laptops)
    open_ = _agree(laptops)[1]
    if same:
        assert open_ == []
    else:
        assert [sorted(v[1] for v in c[2]) for c in open_] == [["Dnipro", "Odesa"]]


def test_an_edit_on_top_of_two_equal_values_replaces_both(laptops: Laptops) -> None:
    """Two laptops wrote the same value (no dispute); an edit on top of it replaces both, everywhere."""
    laptops.use(0)
    person = people.create_person({"family_name": "Bondar"}).id
    laptops.send(0, 1)
    for number in (0, 1):  # both write the same value: no dispute
        laptops.use(number)
        changelog.update(Person, person, {"city": "Kyiv"})
    laptops.send(1, 0)
    laptops.use(0)
    assert len(_heads(person, "city")) == 2 and conflicts.open_conflicts() == []
    changelog.update(Person, person, {"city": "Lviv"})  # on top of what laptop 0 shows, Kyiv
    _everyone_gets_everything(laptops)
    assert _agree(laptops)[1] == []


def test_the_order_of_arrival_does_not_matter(laptops: Laptops, tmp_path: Path) -> None:
    """The same three bundles applied in all six orders (on fresh laptops) give one digest."""
    laptops.use(0)
    person = people.create_person({"family_name": "Bondar"}).id
    first = laptops.export(0, exchange.Scope("all")).plain
    laptops.deliver(first, 1)
    laptops.use(0)
    changelog.update(Person, person, {"city": "Kyiv", "notes": "a"})
    laptops.use(1)
    changelog.update(Person, person, {"city": "Lviv"})
    second = laptops.export(0, exchange.Scope("since_last")).plain
    third = laptops.export(1, exchange.Scope("all")).plain
    digests = set()
    for number, order in enumerate(itertools.permutations([first, second, third])):
        # A receiver with no volunteer of its own: nothing in it but what arrives.
        store_db._current = None  # the laptops stay open
        profile.create(
            tmp_path / f"receiver{number}",
            PASSPHRASE,
            language="en",
            device_name="r",
            volunteer_name="",
            kdf_iterations=TEST_KDF,
        )
        laptops.open = -1
        for plain in order:
            exchange.apply(bundle.read_zip(plain))
        digests.add((integrity.digest(), tuple(c.id for c in conflicts.open_conflicts())))
        store_db.close_store()
    assert len(digests) == 1
    assert len(next(iter(digests))[1]) == 1  # Kyiv against Lviv
