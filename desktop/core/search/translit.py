"""Ukrainian Cyrillic to Latin letters in the systems a volunteer meets.

``kmu2010`` is the system of Ukrainian passports (Cabinet of Ministers resolution No. 55, 27 January 2010,
"KMU-55"), the default; it is implemented here because it must keep capitalisation exactly ("ZGH" in an
upper-case word). ``national1996``, ``passport2007``, ``german`` (Duden) and ``iso9`` come from translitua;
``icao`` follows the Cyrillic table of ICAO Doc 9303 part 3 (older passports, Russian documents).

KMU-55 rules: є ї й ю я are ye yi y yu ya at the start of a word and ie i i iu ia elsewhere; "зг" is "zgh";
the soft sign and the apostrophe (', ’, ʼ) are dropped; capitalisation is kept (Olena, OLENA).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import translitua

APOSTROPHES = "'’ʼ`´"

_KMU = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "y",
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
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": "iu",
    "я": "ia",
    # Letters of Russian spellings a Ukrainian name sometimes arrives in.
    "ы": "y",
    "э": "e",
    "ё": "io",
    "ъ": "",
}
_KMU_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya", "ё": "yo"}


def _is_word_char(ch: str) -> bool:
    return ch.isalpha() or ch in APOSTROPHES


def _cased(latin: str, source: str, word_upper: bool) -> str:
    if not latin or not source.isupper():
        return latin
    return latin.upper() if word_upper else latin[0].upper() + latin[1:]


def _upper_words(text: str) -> list[bool]:
    """For each position of ``text``: whether it stands in an upper-case word of two letters or more.

    One pass over the text (the word of every letter is looked at once, not once per letter)."""
    out = [False] * len(text)
    i, n = 0, len(text)
    while i < n:
        if not _is_word_char(text[i]):
            i += 1
            continue
        k = i
        letters = upper = 0
        while k < n and _is_word_char(text[k]):
            if text[k].isalpha():
                letters += 1
                upper += text[k].isupper()
            k += 1
        if letters > 1 and upper == letters:
            out[i:k] = [True] * (k - i)
        i = k
    return out


@lru_cache(maxsize=8192)
def kmu55(text: str) -> str:
    """Transliterate Ukrainian ``text`` to Latin letters by KMU-55; other characters pass unchanged."""
    out: list[str] = []
    upper_word = _upper_words(text)
    for i, ch in enumerate(text):
        low = ch.lower()
        if ch in APOSTROPHES and i > 0 and text[i - 1].isalpha():
            continue
        if low not in _KMU:
            out.append(ch)
            continue
        start = i == 0 or not _is_word_char(text[i - 1])
        # The word this letter stands in decides between "Ye" and "YE".
        if low == "г" and i > 0 and text[i - 1].lower() == "з":
            latin = "gh"
        elif start and low in _KMU_INITIAL:
            latin = _KMU_INITIAL[low]
        else:
            latin = _KMU[low]
        out.append(_cased(latin, ch, upper_word[i]))
    return "".join(out)


# ICAO Doc 9303 part 3, Cyrillic letters (Ukrainian and Russian): KMU-55's letters without its
# word-initial forms, and the Russian ъ and ё as ICAO writes them.
_ICAO = {**_KMU, "ъ": "ie", "ё": "e"}


def icao(text: str) -> str:
    """Transliterate by the ICAO Doc 9303 table; apostrophes are dropped, capitalisation kept."""
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch in APOSTROPHES and i > 0 and text[i - 1].isalpha():
            continue
        latin = _ICAO.get(ch.lower())
        if latin is None:
            out.append(ch)
            continue
        word_upper = ch.isupper() and (
            (i + 1 < len(text) and text[i + 1].isupper()) or (i > 0 and text[i - 1].isupper())
        )
        out.append(_cased(latin, ch, word_upper))
    return "".join(out)


_WORDS = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")


def _library(table: type) -> Callable[[str], str]:
    """A translitua table, word by word, with our capitalisation: an upper-case word stays upper case
    (ЩЕРБИНА -> SHCHERBYNA, not ShchERBYNA), a capitalised one capitalised."""

    def word(match: re.Match[str]) -> str:
        text = match.group(0)
        latin = translitua.translit(text.lower(), table)
        letters = [c for c in text if c.isalpha()]
        if len(letters) > 1 and all(c.isupper() for c in letters):
            return latin.upper()
        if text[:1].isupper():
            return latin[:1].upper() + latin[1:]
        return latin

    return lambda text: _WORDS.sub(word, text)


#: The systems by the names the command line takes, KMU-55 first (the default).
SYSTEMS: dict[str, Callable[[str], str]] = {
    "kmu2010": kmu55,
    "national1996": _library(translitua.UkrainianNational1996),
    "passport2007": _library(translitua.UkrainianPassport2007),
    "icao": icao,
    "german": _library(translitua.UkrainianGerman),
    "iso9": _library(translitua.UkrainianISO9),
}


def transliterate(text: str, system: str = "kmu2010") -> str:
    """``text`` in Latin letters by ``system`` (one of :data:`SYSTEMS`)."""
    return SYSTEMS[system](text)


def has_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)
