"""Search keys: what a name looks like once the differences between spellings are folded away.

A name reaches a volunteer in Cyrillic (Ukrainian or Russian letters) and in several Latin spellings
(KMU-55 passport, national 1996, passport 2007, ICAO, German Duden-style, ISO 9, English forms). Each word
is reduced to a *key* over a small phonetic alphabet in which the systems agree:

====================  =====================================  =====
Cyrillic              Latin spellings met                    key
====================  =====================================  =====
г ґ х                 h g gh kh ch(German)                   h
ж ш щ                 zh sh sch shch schtsch ž š ŝ           s
з с ц                 z s ss ts tz c                         z
ч                     ch tsch tch č                          c
и і ї й ы             y i j ï ì (and runs of them)           i
в                     v w                                    v
ь ъ ' ’ ʼ             (dropped)
е є э (word start)    e ye je ie                             e
ьо ё (after a cons.)  o io yo jo                             o
-ська / -ская         ska skaja skaya                        (ka)
====================  =====================================  =====

A Cyrillic word has exactly one key. A Latin word may have a few (German "ch" is х, English "ch" is ч;
"sch" is ш, or с+х in German), so :func:`latin_keys` returns every reading. Two spellings of the same word
share a key; names that only look alike (Oleksandr/Oleksandra, Ivan/Ivanna, Mariia/Maryna) do not.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import islice, product

APOSTROPHES = "'’ʼ`´ʹ′ʺ″"
MAX_READINGS = 32
#: How many letters the readings of one Latin word may spell out in all, together: a word with many ambiguous
#: chunks ("chchch…") has exponentially many combinations, of which only the first this-many letters' worth are
#: looked at (4,096 combinations of a 32-letter word; real names never come near that).
READING_BUDGET = 4096 * 32

_CYR_KEY = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "h",
    "д": "d",
    "е": "e",
    "є": "ie",
    "ж": "s",
    "з": "z",
    "и": "i",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "z",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "h",
    "ц": "z",
    "ч": "c",
    "ш": "s",
    "щ": "s",
    "ь": "",
    "ъ": "",
    "ю": "iu",
    "я": "ia",
    "ы": "i",
    "э": "e",
    "ё": "io",
}

# Latin letters with diacritics as ISO 9 and the scholarly system write them, before folding.
_LATIN_MARKED = {
    "ž": "zh",
    "š": "sh",
    "č": "ch",
    "ŝ": "shch",
    "ê": "ie",
    "û": "iu",
    "â": "ia",
    "ï": "i",
    "ì": "i",
    "ä": "a",
    "ö": "o",
    "ü": "u",
    "ß": "ss",
    "ł": "l",  # Polish documents: ł is l, ż is ж
    "ż": "zh",
}

# Latin chunks and the key letters they can stand for, longest chunks first when reading a word.
_CHUNKS: dict[str, tuple[str, ...]] = {
    "schtsch": ("s",),
    "shch": ("s",),
    "chtch": ("s",),
    "tsch": ("c",),
    "szcz": ("s",),  # Polish documents (many came through Poland): szcz, sz, cz
    "sz": ("s",),
    "cz": ("c",),
    "sch": ("s", "zh"),
    "tch": ("c",),
    "zh": ("s", "zh"),
    "sh": ("s", "zh"),
    "ch": ("c", "h"),
    "kh": ("h",),
    "gh": ("h",),
    "ts": ("z", "tz"),
    "tz": ("z",),
    "ph": ("f",),
    "x": ("kz", "h"),
    "c": ("z", "k"),
    "q": ("k",),
    "h": ("h",),
    "g": ("h",),
    "w": ("v",),
    "v": ("v",),
    "s": ("z",),
    "z": ("z",),
    "y": ("i",),
    "j": ("i",),
    "i": ("i",),
}
_LONGEST = max(len(c) for c in _CHUNKS)

_MARKS = re.compile("[\u0300-\u036f]")
_NO_APOSTROPHES = str.maketrans("", "", APOSTROPHES)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_DOUBLES = re.compile(r"(.)\1+")
# The glide before "e" at the start of a word or after a vowel: Russian Елена is Yelena, Jelena or Elena.
_GLIDE_E = re.compile(r"(^|[aeou])i(?=e)")
# A softened o after a consonant: Ковальов (passport Kovalov), Ковалёв, Kowaljow, Kovalyov are one name.
_SOFT_O = re.compile(r"([bcdfhklmnprstvz])io")
# The Russian feminine ending of -ський names: Ковальська / Ковальская / Kowalskaja / Kovalskaya.
_RUSSIAN_FEMININE = re.compile(r"kaia$")


def has_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


@lru_cache(maxsize=65536)
def plain(text: str) -> str:
    """Lower case, apostrophes inside words removed, Unicode composed; the form exact matches compare."""
    text = unicodedata.normalize("NFC", text).casefold()
    if not text.isascii():  # marks that compose with nothing (ISO 9 g̀) would split a word
        text = _MARKS.sub("", text)
    return text.translate(_NO_APOSTROPHES)


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(plain(text)))


def words(text: str) -> list[str]:
    """The words of ``text`` in :func:`plain` form (hyphens, spaces and punctuation separate words)."""
    return list(_words(text))


def _collapse(key: str) -> str:
    key = _GLIDE_E.sub(r"\1", _DOUBLES.sub(r"\1", key))
    key = _SOFT_O.sub(r"\1o", key)
    return _RUSSIAN_FEMININE.sub("ka", key)


@lru_cache(maxsize=65536)
def cyrillic_key(word: str) -> str:
    """The key of a Cyrillic word (letters outside the Cyrillic alphabet are read as Latin)."""
    out = []
    for ch in plain(word):
        if ch in _CYR_KEY:
            out.append(_CYR_KEY[ch])
        elif ch.isalpha():
            keys = latin_keys(ch)
            out.append(keys[0] if keys else "")
    return _collapse("".join(out))


def _unmark(word: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", word):
        if ch in _LATIN_MARKED:
            out.append(_LATIN_MARKED[ch])
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


@lru_cache(maxsize=65536)
def latin_keys(word: str, prefix: bool = False) -> tuple[str, ...]:
    """Every key a Latin word can stand for (at most ``MAX_READINGS``).

    With ``prefix`` the word is still being typed: when it ends in the first letters of a longer chunk
    ("z" of "zh", "t" of "tsch"), the readings of that chunk are added.
    """
    text = _unmark(plain(word))
    parts: list[tuple[str, ...]] = []
    i, n = 0, len(text)
    while i < n:
        for size in range(min(_LONGEST, n - i), 0, -1):
            chunk = text[i : i + size]
            if chunk in _CHUNKS:
                readings = _CHUNKS[chunk]
                if prefix and i + size == n:
                    longer = [r for c, rs in _CHUNKS.items() if len(c) > size and c.startswith(chunk) for r in rs]
                    readings = tuple(dict.fromkeys((*readings, *longer)))
                parts.append(readings)
                i += size
                break
        else:
            ch = text[i]
            if ch.isalpha() and ch.isascii():
                parts.append((ch,))
            i += 1
    keys: list[str] = []
    combinations = max(1, READING_BUDGET // max(1, len(text)))
    for combo in islice(product(*parts), combinations):
        key = _collapse("".join(combo))
        if key not in keys:
            keys.append(key)
            if len(keys) >= MAX_READINGS:
                break
    return tuple(keys)


@lru_cache(maxsize=65536)
def word_keys(word: str, prefix: bool = False) -> tuple[str, ...]:
    """The keys of one word in either script."""
    if has_cyrillic(word):
        return (cyrillic_key(word),)
    return latin_keys(word, prefix)


def text_keys(text: str) -> set[str]:
    """The keys of every word of ``text``."""
    return {key for word in words(text) for key in word_keys(word)}
