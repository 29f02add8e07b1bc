"""Transliteration and search keys take time in proportion to the text: 30,000 letters in well under the
bounds below, a word of many ambiguous letters without trying every reading."""

from __future__ import annotations

import time

import pytest

from desktop.core.search import index, keys, variants
from desktop.core.search.translit import SYSTEMS, transliterate


def _elapsed(function, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


# --- linear transliteration and search keys ------------------------------------------------------------


@pytest.mark.timeout(30)
@pytest.mark.parametrize("system", list(SYSTEMS))
def test_transliterating_thirty_thousand_letters_is_quick(system: str) -> None:
    for text in ("Щ" * 30_000, "Щука " * 6_000):
        latin, seconds = _elapsed(transliterate, text, system)
        assert seconds < 2 and len(latin) >= len(text)


def test_kmu55_keeps_capitalisation_word_by_word() -> None:
    assert transliterate("ЩЕРБИНА Щербина щербина Є ЄВА") == "SHCHERBYNA Shcherbyna shcherbyna Ye YEVA"


@pytest.mark.timeout(30)
@pytest.mark.parametrize("word", ["Щ" * 30_000, "ch" * 15_000, "shch" * 7_500, "tsx" * 10_000, "Ol " * 10_000])
def test_search_keys_of_thirty_thousand_characters_are_quick(word: str) -> None:
    start = time.perf_counter()
    keys.latin_keys(word)
    keys.latin_keys(word, prefix=True)
    keys.cyrillic_key(word)
    index.person_document({"family_name": word, "given_name": word, "given_name_cyr": word, "birth_place": word})
    variants.form_keys(word)
    assert time.perf_counter() - start < 2


@pytest.mark.timeout(10)
def test_a_word_of_many_ambiguous_letters_has_its_readings_at_once() -> None:
    """ "ch" is ч or х: 2^20 combinations for 20 of them, of which only so many are looked at."""
    found, seconds = _elapsed(keys.latin_keys, "ch" * 20)
    assert seconds < 1 and 0 < len(found) <= keys.MAX_READINGS
    assert keys.latin_keys("Chornovol") == ("cornovol", "hornovol")  # a real name keeps every reading
