"""Shape and language checks for the data tables in resources/: case_types.json and offices.json."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

from desktop import paths

LANGS = ("de", "uk", "en")
KINDS = {"deadline", "task", "reminder"}
ANCHORS = {"opened", "letter_date", "period_end", "move_in", "decision"}
OFFSETS = ("offset_days", "offset_weeks", "offset_months")
RULES = {"widerspruch"}

#: Keys stored in profiles and used by code: they must never disappear.
ORIGINAL_TYPES = {
    "buergergeld_erstantrag",
    "weiterbewilligung",
    "veraenderungsmitteilung",
    "widerspruch",
    "aufenthalt_24",
    "fiktionsbescheinigung",
    "wohnsitzauflage",
    "anmeldung",
    "kindergeld",
    "krankenversicherung",
    "wohnungssuche",
    "sonstiges",
}
ORIGINAL_AUTHORITIES = {"jobcenter", "auslaenderbehoerde", "buergeramt", "familienkasse", "krankenkasse", "other"}

OFFICE_FIELDS = {
    "key",
    "city",
    "authority",
    "name",
    "address",
    "postcode",
    "phone",
    "email",
    "hours",
    "notes",
    "source",
    "checked",
}
CITIES = {"Leipzig", "Dresden", "Landkreis Leipzig", "Chemnitz"}

#: Proper names that may read the same in German and Ukrainian.
SAME_IN_DE_AND_UK = {"Jobcenter"}

CYRILLIC = re.compile(r"[А-Яа-яІіЇїЄєҐґ]")


@cache
def _load(name: str) -> dict[str, Any]:
    with (paths.resources_dir() / name).open(encoding="utf-8") as fp:
        return dict(json.load(fp))


def case_data() -> dict[str, Any]:
    return _load("case_types.json")


def office_data() -> dict[str, Any]:
    return _load("offices.json")


def types() -> list[dict[str, Any]]:
    return list(case_data()["types"])


def type_by_key(key: str) -> dict[str, Any]:
    return next(t for t in types() if t["key"] == key)


def labelled() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object that carries de/uk/en texts, with a readable location."""
    for entry in types():
        yield f"type {entry['key']}", entry
        yield f"type {entry['key']} help", entry["help"]
        for item in entry["checklist"]:
            yield f"type {entry['key']} checklist {item['key']}", item
        for step in entry["timeline"]:
            yield f"type {entry['key']} timeline {step['key']}", step
    for authority in case_data()["authorities"]:
        yield f"authority {authority['key']}", authority


def _unique(keys: list[str]) -> bool:
    return len(keys) == len(set(keys))


LABELLED = list(labelled())


# --- case_types.json -----------------------------------------------------------------------------


def test_case_types_file_has_comment_types_and_authorities() -> None:
    data = case_data()
    assert isinstance(data["_comment"], str) and data["_comment"]
    assert types()
    assert case_data()["authorities"]


def test_original_type_and_authority_keys_are_kept() -> None:
    assert {t["key"] for t in types()} >= ORIGINAL_TYPES
    assert {a["key"] for a in case_data()["authorities"]} >= ORIGINAL_AUTHORITIES


def test_type_and_authority_keys_are_unique() -> None:
    assert _unique([t["key"] for t in types()])
    assert _unique([a["key"] for a in case_data()["authorities"]])


def test_every_type_names_a_known_authority() -> None:
    known = {a["key"] for a in case_data()["authorities"]}
    for entry in types():
        assert entry["authority"] in known, entry["key"]


@pytest.mark.parametrize(("where", "entry"), LABELLED, ids=[where for where, _ in LABELLED])
def test_labels_are_present_in_every_language(where: str, entry: dict[str, Any]) -> None:
    for lang in LANGS:
        value = entry.get(lang)
        assert isinstance(value, str) and value.strip(), f"{where}: missing {lang}"
        assert value == value.strip(), f"{where}: stray whitespace in {lang}"


@pytest.mark.parametrize(("where", "entry"), LABELLED, ids=[where for where, _ in LABELLED])
def test_ukrainian_labels_are_ukrainian(where: str, entry: dict[str, Any]) -> None:
    assert CYRILLIC.search(entry["uk"]), f"{where}: no Cyrillic letters in uk"
    if entry["de"] not in SAME_IN_DE_AND_UK:
        assert entry["uk"] != entry["de"], f"{where}: uk is a copy of de"


@pytest.mark.parametrize("key", sorted(ORIGINAL_TYPES))
def test_checklist_shape(key: str) -> None:
    checklist = type_by_key(key)["checklist"]
    assert 3 <= len(checklist) <= 10, key
    assert _unique([item["key"] for item in checklist]), key
    for item in checklist:
        assert set(item) == {"key", *LANGS}, (key, item["key"])
        assert re.fullmatch(r"[a-z0-9_]+", item["key"]), (key, item["key"])


def test_every_type_has_help_checklist_and_timeline() -> None:
    for entry in types():
        assert isinstance(entry["help"], dict), entry["key"]
        assert entry["checklist"], entry["key"]
        assert entry["timeline"], entry["key"]


@pytest.mark.parametrize("key", sorted(ORIGINAL_TYPES))
def test_timeline_shape(key: str) -> None:
    timeline = type_by_key(key)["timeline"]
    assert _unique([step["key"] for step in timeline]), key
    for step in timeline:
        where = f"{key}/{step['key']}"
        assert re.fullmatch(r"[a-z0-9_]+", step["key"]), where
        assert step["kind"] in KINDS, where
        assert step["anchor"] in ANCHORS, where
        assert set(step) <= {"key", "kind", "anchor", "rule", "basis", *OFFSETS, *LANGS}, where
        if "basis" in step:
            assert isinstance(step["basis"], str) and step["basis"].strip(), where
        if "rule" in step:
            assert step["rule"] in RULES, where
            assert not set(OFFSETS) & set(step), f"{where}: a rule step carries no offsets"
        else:
            for name in OFFSETS:
                value = step.get(name, 0)
                assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {name}"


def test_offsets_are_realistic() -> None:
    """Nothing further than a year away from its anchor (catches days typed into the months field)."""
    for entry in types():
        for step in entry["timeline"]:
            days = step.get("offset_days", 0) + 7 * step.get("offset_weeks", 0) + 31 * step.get("offset_months", 0)
            assert abs(days) <= 366, (entry["key"], step["key"])


def test_widerspruch_has_the_calculator_rule_step() -> None:
    steps = [s for s in type_by_key("widerspruch")["timeline"] if s.get("rule") == "widerspruch"]
    assert len(steps) == 1
    assert steps[0]["kind"] == "deadline"
    assert steps[0]["anchor"] == "letter_date"


def test_rule_steps_are_objection_deadlines_from_a_letter_or_a_decision_received() -> None:
    for entry in types():
        for step in entry["timeline"]:
            if "rule" in step:
                assert step["rule"] == "widerspruch" and step["kind"] == "deadline", (entry["key"], step["key"])
                assert step["anchor"] == ("letter_date" if entry["key"] == "widerspruch" else "decision")
                assert ("84 SGG" in step["basis"]) != ("355 AO" in step["basis"]), (entry["key"], step["key"])


def test_anmeldung_deadline_is_two_weeks_after_moving_in() -> None:
    step = next(s for s in type_by_key("anmeldung")["timeline"] if s["kind"] == "deadline")
    assert (step["anchor"], step.get("offset_days", 0) + 7 * step.get("offset_weeks", 0)) == ("move_in", 14)
    assert "17" in step["basis"] and "BMG" in step["basis"]


def test_weiterbewilligung_is_anchored_before_the_period_ends() -> None:
    steps = type_by_key("weiterbewilligung")["timeline"]
    submit = next(s for s in steps if s["key"] == "einreichen")  # a reminder: § 37 SGB II sets no such deadline
    assert submit["anchor"] == "period_end" and submit["kind"] == "reminder" and "basis" not in submit
    assert submit.get("offset_months", 0) < 0 or submit.get("offset_weeks", 0) < 0


def test_the_app_still_reads_the_case_types() -> None:
    from desktop.core import cases

    cases._case_data.cache_clear()
    assert {t["key"] for t in cases.case_types()} >= ORIGINAL_TYPES
    assert set(cases.authorities()) >= ORIGINAL_AUTHORITIES
    assert cases.default_authority("anmeldung") == "buergeramt"


# --- offices.json --------------------------------------------------------------------------------


def offices() -> list[dict[str, Any]]:
    return list(office_data()["offices"])


def test_offices_file_has_comment_and_entries() -> None:
    assert isinstance(office_data()["_comment"], str) and office_data()["_comment"]
    assert offices()


def test_offices_have_all_fields_as_strings() -> None:
    for office in offices():
        assert set(office) == OFFICE_FIELDS, office.get("key")
        for field, value in office.items():
            assert isinstance(value, str), (office["key"], field)
        for field in ("key", "city", "authority", "name", "checked"):
            assert office[field].strip(), (office["key"], field)


def test_office_keys_are_unique() -> None:
    assert _unique([o["key"] for o in offices()])


def test_offices_use_known_authorities_and_cities() -> None:
    known = {a["key"] for a in case_data()["authorities"]}
    for office in offices():
        assert office["authority"] in known, office["key"]
        assert office["city"] in CITIES, office["key"]


def test_office_postcodes_are_empty_or_five_digits() -> None:
    prefixes = {"Leipzig": "04", "Dresden": "01", "Chemnitz": "09"}
    for office in offices():
        postcode = office["postcode"]
        assert postcode == "" or re.fullmatch(r"\d{5}", postcode), office["key"]
        if postcode and office["city"] in prefixes:
            assert postcode.startswith(prefixes[office["city"]]), office["key"]


def test_office_emails_look_like_addresses() -> None:
    for office in offices():
        assert office["email"] == "" or re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", office["email"]), office["key"]


def test_directory_covers_the_main_offices() -> None:
    pairs = {(o["city"], o["authority"]) for o in offices()}
    assert {
        ("Leipzig", "jobcenter"),
        ("Leipzig", "auslaenderbehoerde"),
        ("Dresden", "jobcenter"),
        ("Dresden", "auslaenderbehoerde"),
        ("Landkreis Leipzig", "jobcenter"),
    } <= pairs


def test_offices_file_has_a_release_version() -> None:
    version = office_data()["version"]
    assert isinstance(version, int) and version >= 2


def test_every_office_fact_names_its_source() -> None:
    """An address, phone or e-mail without a source would be a guess: the directory never invents one."""
    for office in offices():
        if office["address"] or office["postcode"] or office["phone"] or office["email"]:
            assert office["source"].strip() not in ("", "–", "-"), office["key"]
            assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", office["checked"]), office["key"]
        if not office["address"]:  # an empty address is said to be missing, never silently blank
            assert re.search(r"(Anschrift|Adresse)", office["notes"]), office["key"]


def test_the_directory_covers_familienkasse_buergeramt_and_krankenkasse_in_both_cities() -> None:
    pairs = {(o["city"], o["authority"]) for o in offices()}
    for city in ("Leipzig", "Dresden"):
        assert {(city, "familienkasse"), (city, "buergeramt"), (city, "krankenkasse")} <= pairs, city


#: The shipped offices as released with version 2 of offices.json (a digest of the values every laptop seeds).
#: Every laptop writes a shipped office with the same record id, change ids and stamp, so a release must never
#: change the values of an office released before: two laptops seeded from different values would hold two
#: contents under one change id and refuse each other's bundles. Corrections reach laptops as ordinary edits.
RELEASED_OFFICES_V2 = {
    "leipzig_jobcenter": "92ba11f513c970b0",
    "leipzig_ankommenszentrum_auslaenderbehoerde": "3b11002a25405455",
    "leipzig_ankommenszentrum_buergerservice": "aa37f1ff78122ecd",
    "leipzig_ankommenszentrum_sozialamt": "f374fa81232f26eb",
    "leipzig_aufnahme_mockau": "3ac6b42362b1160a",
    "landkreis_leipzig_jobcenter": "7d71a42b9f31cc50",
    "landkreis_leipzig_auslaenderamt": "88d3b8b944c68031",
    "dresden_auslaenderbehoerde": "82e825f67ea74b7d",
    "dresden_welcome_center": "ebb55e4fca9ddd47",
    "dresden_jobcenter": "3f232d89ca291972",
    "dresden_sozialamt_nord": "7cad508c75845dfb",
    "dresden_sozialamt_west_mitte_sued": "bde359c219613022",
    "dresden_sozialamt_ost": "96111591ed3872d0",
    "dresden_erstaufnahme": "c09705da88f9ef73",
    "chemnitz_erstaufnahme": "e431209001208d88",
    "dresden_buergeramt": "449c0b3be8ac2b7f",
    "dresden_aok_plus": "fc0e27bd35af14d3",
    "leipzig_aok_plus": "bf11255581b5b05f",
    "dresden_familienkasse": "f51e6ab64f88f267",
    "leipzig_familienkasse": "cdd46332a6e8617b",
}


def _office_digest(office: dict[str, str]) -> str:
    import hashlib

    from desktop.core.network import directory

    values = directory.shipped_values(office)
    return hashlib.sha256(json.dumps(values, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def test_released_offices_keep_their_values_and_new_ones_name_their_release() -> None:
    """An office released before keeps exactly its values; an office added later is named in "added" with a
    version above 2 (it gets that release's stamp, so laptops seeded before do not count it as held)."""
    data = json.loads((paths.resources_dir() / "offices.json").read_text(encoding="utf-8"))
    added = data.get("added", {})
    for office in data["offices"]:
        key = office["key"]
        if key in RELEASED_OFFICES_V2:
            assert _office_digest(office) == RELEASED_OFFICES_V2[key], (
                f"{key} was released with other values: a shipped office cannot change (see the comment above)"
            )
            assert key not in added
        else:
            assert int(added.get(key, 0)) > 2, f"{key} is new: name the version that adds it in 'added'"
            assert int(added[key]) <= int(data["version"])
    assert set(RELEASED_OFFICES_V2) <= {o["key"] for o in data["offices"]}, "a released office was removed"
