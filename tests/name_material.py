"""Generated Ukrainian names for measuring search quality (distinct names; no real people)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from desktop import paths
from desktop.core.search import query as search
from desktop.core.search.translit import SYSTEMS, transliterate
from desktop.core.store import changelog
from desktop.core.store.models import Person

_ONSETS = "б в г ґ д ж з к л м н п р с т ф х ц ч ш щ бр гр кр пр тр ст зг дж шк хв".split()
_VOWELS = "а е и і о у ю я є ї".split()
_SUFFIXES_M = ["енко", "енко", "ук", "чук", "юк", "ський", "цький", "ич", "ак", "ко", "ник", "ар", "ів", "ан"]
_SUFFIXES_F = {"ський": "ська", "цький": "цька"}


@dataclass(frozen=True)
class Name:
    given: str
    family: str


def given_names() -> tuple[list[str], list[str]]:
    """Ukrainian given names of the curated table (first Ukrainian form), male and female."""
    data = json.loads((paths.resources_dir() / "name_variants.json").read_text(encoding="utf-8"))
    male = [g["uk"][0] for g in data["given_names"] if g["uk"] and g["sex"] == "m"]
    female = [g["uk"][0] for g in data["given_names"] if g["uk"] and g["sex"] == "f"]
    return male, female


def distinct_names(count: int, seed: int = 1) -> list[Name]:
    """``count`` different (given, family) pairs in Ukrainian Cyrillic, family names made of syllables."""
    rng = random.Random(seed)
    male, female = given_names()
    out: dict[tuple[str, str], Name] = {}
    while len(out) < count:
        stem = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(1, 2)))
        suffix = rng.choice(_SUFFIXES_M)
        is_female = rng.random() < 0.5
        if is_female:
            suffix = _SUFFIXES_F.get(suffix, suffix)
        family = (stem + suffix).capitalize()
        given = rng.choice(female if is_female else male)
        out.setdefault((given, family), Name(given, family))
    return list(out.values())


def add_people(names: list[Name]) -> dict[str, Name]:
    """The names as people in the open profile (Cyrillic and passport spelling); id -> name."""
    rows = [
        {
            "family_name_cyr": n.family,
            "given_name_cyr": n.given,
            "family_name": transliterate(n.family).upper(),
            "given_name": transliterate(n.given).upper(),
        }
        for n in names
    ]
    created = changelog.bulk_create(Person, rows)
    return dict(zip(created, names, strict=True))


@dataclass
class Quality:
    queries: int
    with_false_positive: int
    false_positives: int
    missed: int

    @property
    def rate(self) -> float:
        return self.with_false_positive / self.queries if self.queries else 0.0


def measure(people: dict[str, Name], systems: tuple[str, ...] = tuple(SYSTEMS)) -> Quality:
    """Search each person by their name in each system (whole words); a hit of another name in the exact
    or other-spelling tier is a false positive, a person not found there is missed."""
    by_name = {name: pid for pid, name in people.items()}
    quality = Quality(0, 0, 0, 0)
    for pid, name in people.items():
        for system in systems:
            typed = transliterate(f"{name.given} {name.family}", system) + " "
            hits = search.search(typed, limit=200).hits
            close = [h.row.id for h in hits if h.tier <= search.SPELLING]
            others = [h for h in close if h != pid and people.get(h) != name and h in people]
            quality.queries += 1
            quality.missed += pid not in close
            quality.false_positives += len(others)
            quality.with_false_positive += bool(others)
    assert len(by_name) == len(people)
    return quality
