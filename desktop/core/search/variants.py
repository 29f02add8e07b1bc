"""The curated table of given-name and place-name forms (resources/name_variants.json).

Systematic transliterations are covered by the keys; this table bridges what no letter table can: the
Russian form of a name (Олександр / Александр), its Latin renderings (Aleksandr, Alexander) and German or
English equivalents people really carry (Jewgeni, Eugene). Each group gets a token, ``g<n>`` for given
names and ``p<n>`` for places, that the index stores next to the words; a word of any listed form finds
the whole group.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import islice, product

from desktop import paths
from desktop.core.search.keys import word_keys, words


@dataclass
class Table:
    """Forms of one kind (given names or places): each key of a form -> the groups it belongs to."""

    prefix: str
    by_key: dict[str, set[str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # group token -> the Ukrainian form, for display
    sorted_keys: list[str] = field(default_factory=list)

    def add(self, token: str, forms: list[str]) -> None:
        self.names[token] = forms[0]
        for form in forms:
            for key in form_keys(form):
                self.by_key.setdefault(key, set()).add(token)

    def groups(self, keys: tuple[str, ...] | set[str]) -> set[str]:
        out: set[str] = set()
        for key in keys:
            out |= self.by_key.get(key, set())
        return out

    def groups_by_prefix(self, keys: tuple[str, ...], limit: int = 40) -> set[str]:
        """Groups having a form whose key starts with one of ``keys`` (for a word still being typed)."""
        out: set[str] = set()
        for key in keys:
            i = bisect.bisect_left(self.sorted_keys, key)
            while i < len(self.sorted_keys) and self.sorted_keys[i].startswith(key) and len(out) < limit:
                out |= self.by_key[self.sorted_keys[i]]
                i += 1
        return out


def form_keys(form: str) -> tuple[str, ...]:
    """The key of a (possibly multi-word) form: its words' keys joined; Latin forms may have several."""
    parts = [word_keys(w) for w in words(form)]
    if not parts:
        return ()
    # The first 32 combinations, the last word's readings varying fastest (joined once each: linear).
    return tuple("".join(combo) for combo in islice(product(*parts), 32))


@cache
def tables() -> tuple[Table, Table]:
    with (paths.resources_dir() / "name_variants.json").open(encoding="utf-8") as fp:
        data = json.load(fp)
    given, places = Table("g"), Table("p")
    for table, entries in ((given, data["given_names"]), (places, data["places"])):
        for n, entry in enumerate(entries):
            forms = [*entry.get("uk", []), *entry.get("ru", []), *entry.get("latin", [])]
            table.add(f"{table.prefix}{n}", forms)
        table.sorted_keys = sorted(table.by_key)
    return given, places


@lru_cache(maxsize=16384)
def _given_groups(name: str) -> frozenset[str]:
    table = tables()[0]
    return frozenset(g for w in words(name) for g in table.groups(word_keys(w)))


@lru_cache(maxsize=4096)
def _place_groups(place: str) -> frozenset[str]:
    table = tables()[1]
    out = table.groups(form_keys(place))
    for w in words(place):
        out |= table.groups(word_keys(w))
    return frozenset(out)


def given_groups(name: str) -> set[str]:
    """Groups of each word of a given name ("Anna-Maria" belongs to both groups)."""
    return set(_given_groups(name))


def place_groups(place: str) -> set[str]:
    """Groups of a place name, taken as a whole ("Біла Церква") and word by word."""
    return set(_place_groups(place))


def group_name(token: str) -> str:
    given, places = tables()
    return given.names.get(token) or places.names.get(token, "")
