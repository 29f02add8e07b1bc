"""What the full-text index holds for a person: the SQL functions its triggers call.

The index is an FTS5 table ``person_search`` with four columns, filled by triggers on ``person`` and
``case`` in the same transaction as the change (schema migration 5 creates them and fills the index for
existing profiles):

``spell``  every word of the names and the birth place as written (lower case, apostrophes removed): exact hits
``skel``   the keys of those words (:mod:`desktop.core.search.keys`): the same name in another spelling
``grp``    the curated groups of the given name and the birth place (Олександр = Александр = Alexander)
``ids``    birth date (DDMMYYYY and YYYYMMDD), phone numbers (international and national digits),
           Jobcenter customer number, BG-Nummer, Ausländerbehörde file number and the references of the
           person's cases

The functions are registered on every connection the app opens (``store.db``); they are pure and cached.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from desktop.core.search import variants
from desktop.core.search.keys import plain, word_keys, words

_PARTS = re.compile(r"[0-9a-z]+")
_DIGIT_RUNS = re.compile(r"\d+")


def _join(tokens: list[str]) -> str:
    return " ".join(dict.fromkeys(t for t in tokens if t))


@lru_cache(maxsize=32768)
def spell_doc(*names: str | None) -> str:
    return _join([w for name in names if name for w in words(name)])


@lru_cache(maxsize=32768)
def skel_doc(*names: str | None) -> str:
    return _join([k for name in names if name for w in words(name) for k in word_keys(w)])


@lru_cache(maxsize=32768)
def group_doc(given: str | None, given_cyr: str | None, birth_place: str | None) -> str:
    tokens = [g for name in (given, given_cyr) if name for g in variants.given_groups(name)]
    if birth_place:
        tokens.extend(variants.place_groups(birth_place))
    return _join(tokens)


def phone_digits(phone: str) -> list[str]:
    """The digit strings a phone number is found by: as written, international, and national with 0."""
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return []
    out = [digits]
    if phone.strip().startswith("+") or digits.startswith("00"):
        international = digits[2:] if digits.startswith("00") else digits
        out.append(international)
        for country in ("49", "380"):
            if international.startswith(country):
                out.append("0" + international[len(country) :])
    elif digits.startswith("0"):
        out.append("49" + digits[1:])
    return out


def identifier_tokens(value: str) -> list[str]:
    """An identifier without separators, from each of its parts on ("AZ 55/123-X": az55123x, 55123x, 123x,
    x), and each of its digit runs: typing any tail of it finds it."""
    parts = _PARTS.findall(plain(value))
    return ["".join(parts[i:]) for i in range(len(parts))] + _DIGIT_RUNS.findall(value)


def ids_doc(
    birth_date: str | None,
    phone: str | None,
    customer_no: str | None,
    bg_number: str | None,
    abh_file_no: str | None,
    case_references: str | None,
) -> str:
    tokens: list[str] = []
    if birth_date:
        year, month, day = str(birth_date)[:10].split("-")
        tokens += [f"{day}{month}{year}", f"{year}{month}{day}"]
    if phone:
        tokens += phone_digits(phone)
    for value in (customer_no, bg_number, abh_file_no):
        if value:
            tokens += identifier_tokens(value)
    for reference in (case_references or "").split("\x1f"):
        if reference.strip():
            tokens += identifier_tokens(reference)
    return _join(tokens)


def _safe(function: Callable[..., str]) -> Callable[..., str]:
    """An index function never fails a write: an unexpected value indexes as nothing."""

    def call(*args: Any) -> str:
        try:
            return function(*(a if a is None or isinstance(a, str) else str(a) for a in args))
        except Exception:
            return ""

    return call


#: SQL name -> (number of arguments, function), registered on every connection.
SQL_FUNCTIONS: dict[str, tuple[int, Callable[..., str]]] = {
    "bg_search_spell": (6, _safe(spell_doc)),
    "bg_search_skel": (6, _safe(skel_doc)),
    "bg_search_groups": (3, _safe(group_doc)),
    "bg_search_ids": (6, _safe(ids_doc)),
}
