"""Ukrainian Cyrillic to Latin letters as in Ukrainian passports (Cabinet of Ministers resolution No. 55,
27 January 2010, "KMU-55").

Rules: є ї й ю я are ye yi y yu ya at the start of a word and ie i i iu ia elsewhere; "зг" is "zgh";
the soft sign and the apostrophe (', ’, ʼ) are dropped; capitalisation is kept (Olena, OLENA).
"""

from __future__ import annotations

from functools import lru_cache

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


@lru_cache(maxsize=8192)
def kmu55(text: str) -> str:
    """Transliterate Ukrainian ``text`` to Latin letters by KMU-55; other characters pass unchanged."""
    out: list[str] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        low = ch.lower()
        if ch in APOSTROPHES and i > 0 and text[i - 1].isalpha():
            i += 1
            continue
        if low not in _KMU:
            out.append(ch)
            i += 1
            continue
        start = i == 0 or not _is_word_char(text[i - 1])
        # The word this letter stands in decides between "Ye" and "YE".
        j = i
        while j > 0 and _is_word_char(text[j - 1]):
            j -= 1
        k = i
        while k < n and _is_word_char(text[k]):
            k += 1
        letters = [c for c in text[j:k] if c.isalpha()]
        word_upper = len(letters) > 1 and all(c.isupper() for c in letters)
        if low == "г" and i > 0 and text[i - 1].lower() == "з":
            latin = "gh"
        elif start and low in _KMU_INITIAL:
            latin = _KMU_INITIAL[low]
        else:
            latin = _KMU[low]
        out.append(_cased(latin, ch, word_upper))
        i += 1
    return "".join(out)


def has_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)
