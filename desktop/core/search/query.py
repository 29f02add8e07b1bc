"""Searching people as the volunteer types: any script, any spelling, dates, phones and numbers.

A query is split into name words and number terms. Name words are looked up in four tiers, each an FTS5
query ordered alphabetically, until the limit is reached:

0. exact: every word is written like a stored word ("Ivan" finds Ivan);
1. other spelling: every word has a key or a name group in common with a stored word (Jelena, Олена, OLENA);
2. beginning: every word starts a stored word's key (Ivan finds Ivanna, Kowal finds KOVALENKO);
3. similar: a word's key is within one or two edits of a stored key (a typo), only when the tiers above
   found fewer than a screenful.

Number terms (a date as 12.03.1985 or 1985-03-12, a phone number, an identifier) must match in every tier.
Each hit says which stored spelling matched.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from desktop import i18n
from desktop.core import people
from desktop.core.people import PersonRow
from desktop.core.search import index, variants
from desktop.core.search.keys import has_cyrillic, plain, word_keys, words
from desktop.core.store import db as store_db

EXACT, SPELLING, PREFIX, FUZZY = range(4)
TIER_KEYS = {EXACT: "exact", SPELLING: "spelling", PREFIX: "prefix", FUZZY: "fuzzy"}

#: Below this many hits the similar-spelling tier is tried too.
FUZZY_BELOW = 20

_DATE_DE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?(\d{2,4})?$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_NUMBER_ONLY = re.compile(r"^[\d\s+()/.-]+$")

_HIT_COLUMNS = (
    "p.id, p.sort_key, p.family_name, p.given_name, p.family_name_cyr, p.given_name_cyr, p.birth_date, p.city, "
    "p.phone, p.patronymic, p.birth_place, p.jobcenter_customer_no, p.bg_number, p.abh_file_no"
)


@dataclass
class Word:
    """One name word of a query with everything it can match."""

    text: str
    keys: tuple[str, ...]
    groups: set[str]
    typing: bool  # the last word, still being typed: matched as a beginning too
    prefix_keys: tuple[str, ...] = ()
    prefix_groups: set[str] = field(default_factory=set)


@dataclass
class Query:
    words: list[Word]
    numbers: list[str]
    whole: str = ""  # the whole text as one identifier ("AZ 55/123"), when it has digits and spaces
    fuzzy_terms: dict[str, list[str]] | None = None  # similar keys in the index, looked up when needed

    def empty(self) -> bool:
        return not self.words and not self.numbers


@dataclass
class Hit:
    """One person found, the tier that found them, and (worked out when first shown) what matched."""

    row: PersonRow
    tier: int
    found: str | None = None
    context: tuple[Query, tuple[Any, ...]] | None = field(default=None, repr=False, compare=False)

    @property
    def matched(self) -> str:
        if self.found is None:
            self.found = _matched(self.context[0], self.tier, self.context[1]) if self.context else ""
        return self.found


@dataclass
class Results:
    hits: list[Hit]
    complete: bool  # False when the limit cut the list short


def _two_digit_year(yy: str) -> str:
    year = int(yy)
    return str(2000 + year if 2000 + year <= dt.date.today().year else 1900 + year)


def number_term(text: str) -> str | None:
    """The ids-column term a typed date, phone number or identifier stands for."""
    compact = text.strip()
    if m := _DATE_DE.match(compact):
        day, month, year = m.groups()
        term = f"{int(day):02d}{int(month):02d}"
        if year:
            term += year if len(year) == 4 else _two_digit_year(year) if len(year) == 2 else year
        return term
    if m := _DATE_ISO.match(compact):
        year, month, day = m.groups()
        return f"{year}{int(month):02d}" + (f"{int(day):02d}" if day else "")
    if _NUMBER_ONLY.match(compact):
        digits = re.sub(r"\D", "", compact)
        if compact.startswith("+") or digits.startswith("00"):
            digits = digits[2:] if digits.startswith("00") else digits
        return digits or None
    tokens = index.identifier_tokens(compact)
    return tokens[0] if tokens else None


def parse(text: str) -> Query:
    text = text.strip() if text.strip() else ""
    ending_space = not text or text != text.rstrip() or text.endswith((" ", ","))
    numbers: list[str] = []
    name_words: list[str] = []
    if text and _NUMBER_ONLY.match(text) and not _DATE_DE.match(text) and " " in text:
        term = number_term(text)  # a phone number typed with spaces
        return Query([], [term] if term else [])
    whole = ""
    if any(ch.isdigit() for ch in text) and len(text.split()) > 1:
        tokens = index.identifier_tokens(text)
        whole = tokens[0] if tokens else ""
    for chunk in text.split():
        if any(ch.isdigit() for ch in chunk):
            term = number_term(chunk)
            if term and len(term) >= 3:  # one or two digits would match a large part of everyone
                numbers.append(term)
        else:
            name_words.extend(words(chunk))
    given, places = variants.tables()
    query_words = []
    for n, w in enumerate(name_words):
        keys = word_keys(w)
        groups = given.groups(keys) | places.groups(keys)
        typing = n == len(name_words) - 1 and not ending_space
        word = Word(w, keys, groups, typing)
        word.prefix_keys = word_keys(w, prefix=True) if not has_cyrillic(w) else keys
        if len(w) >= 3:
            word.prefix_groups = given.groups_by_prefix(word.prefix_keys) | places.groups_by_prefix(word.prefix_keys)
        query_words.append(word)
    return Query(query_words, numbers, whole)


def _q(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _any(column: str, tokens: Any, prefix: bool = False) -> str:
    star = "*" if prefix else ""
    return f"{column} : ({' OR '.join(_q(t) + star for t in tokens)})"


def _word_expr(word: Word, tier: int, fuzzy_terms: dict[str, list[str]]) -> str:
    if tier == EXACT:
        return f"spell : {_q(word.text)}"
    parts = [_any("skel", word.keys)] if word.keys else []
    if word.groups:
        parts.append(_any("grp", sorted(word.groups)))
    if tier >= PREFIX:
        parts.append(_any("skel", word.prefix_keys, prefix=True))
        if word.prefix_groups:
            parts.append(_any("grp", sorted(word.prefix_groups)))
    if tier == FUZZY and fuzzy_terms.get(word.text):
        parts.append(_any("skel", fuzzy_terms[word.text], prefix=word.typing))
    return "(" + " OR ".join(parts) + ")" if parts else ""


def _expression(query: Query, tier: int, fuzzy_terms: dict[str, list[str]]) -> str:
    parts = [_word_expr(w, tier, fuzzy_terms) for w in query.words]
    parts += [f"ids : {_q(n)}*" for n in query.numbers]
    expression = "" if any(not p for p in parts) else " AND ".join(parts)
    if query.whole and tier == SPELLING:
        whole = f"ids : {_q(query.whole)}*"
        return f"({expression}) OR {whole}" if expression else whole
    return expression


_vocabulary: tuple[Any, int, list[str]] | None = None


def _skel_terms() -> list[str]:
    """Every key in the index (cached until the data changes)."""
    global _vocabulary
    db = store_db.current().db
    version = db.execute_sql("SELECT coalesce(max(seq), 0) FROM change").fetchone()[0]
    if _vocabulary is None or _vocabulary[0] is not db or _vocabulary[1] != version:
        terms = [r[0] for r in db.execute_sql("SELECT term FROM person_search_terms WHERE col = 'skel'")]
        _vocabulary = (db, version, terms)
    return _vocabulary[2]


def _fuzzy_terms(query: Query) -> dict[str, list[str]]:
    vocabulary = _skel_terms()
    out: dict[str, list[str]] = {}
    for word in query.words:
        found: list[str] = []
        for key in word.keys:
            if len(key) < 4:
                continue
            distance = 1 if len(key) < 7 else 2
            found += [
                t
                for t, _score, _i in process.extract(
                    key, vocabulary, scorer=Levenshtein.distance, score_cutoff=distance, limit=30
                )
            ]
        out[word.text] = list(dict.fromkeys(found))
    return out


#: How many index documents one tier reads at most, per result still wanted; a tier with more matches
#: (a one-letter query) shows an alphabetical selection and says the list is not complete.
READ_FACTOR = 2


def search(text: str, limit: int = 200) -> Results:
    """People matching ``text``, best first; an empty text lists everyone alphabetically."""
    query = parse(text)
    if query.empty():
        rows = people.page_people(limit=limit + 1)
        return Results([Hit(r, EXACT, "") for r in rows[:limit]], len(rows) <= limit)
    db = store_db.current().db
    index.flush_queue(db)
    hits: list[Hit] = []
    seen: set[str] = set()
    earlier: list[str] = []
    complete = True
    tiers = [EXACT, SPELLING, PREFIX, FUZZY] if query.words else [SPELLING]
    for tier in tiers:
        if tier == FUZZY:
            if len(hits) >= FUZZY_BELOW:
                break
            query.fuzzy_terms = _fuzzy_terms(query)
        expression = _expression(query, tier, query.fuzzy_terms or {})
        if not expression:
            continue
        match = expression if not earlier else f"({expression}) NOT ({' OR '.join(earlier)})"
        earlier.append(f"({expression})")
        wanted = limit - len(hits)
        cap = wanted * READ_FACTOR + 10
        docs = [
            r[0]
            for r in db.execute_sql("SELECT rowid FROM person_search WHERE person_search MATCH ? LIMIT ?", (match, cap))
        ]
        if not docs:
            continue
        complete = complete and len(docs) < cap
        marks = ",".join("?" * len(docs))
        rows = db.execute_sql(
            f"SELECT DISTINCT {_HIT_COLUMNS} FROM search_map m JOIN person p ON p.id = m.person_id "
            f"WHERE m.doc IN ({marks}) AND p.deleted = 0 ORDER BY p.sort_key, p.id",
            docs,
        ).fetchall()
        for r in rows:
            if r[0] in seen:
                continue
            if len(hits) == limit:
                return Results(hits, False)
            seen.add(r[0])
            hits.append(Hit(people.row_from(r[:9]), tier, None, (query, r)))
        if not complete:
            break
    return Results(hits, complete)


def _word_matches(word: Word, stored: str, tier: int, fuzzy_terms: dict[str, list[str]]) -> bool:
    for w in words(stored):
        if plain(w) == word.text:
            return True
        if tier == EXACT:
            continue
        keys = word_keys(w)
        if set(keys) & set(word.keys) or (
            word.groups and word.groups & (variants.given_groups(w) | variants.place_groups(w))
        ):
            return True
        if tier >= PREFIX and any(k.startswith(p) for k in keys for p in word.prefix_keys):
            return True
        if tier == FUZZY and set(keys) & set(fuzzy_terms.get(word.text, ())):
            return True
    return False


def _matched(query: Query, tier: int, r: tuple[Any, ...]) -> str:
    """The stored spellings the query matched, as the person's record has them."""
    family, given, family_cyr, given_cyr, patronymic, place = r[2], r[3], r[4], r[5], r[9], r[10]
    fields = (family, given, family_cyr, given_cyr, patronymic, place)
    found: list[str] = []
    fuzzy_terms = query.fuzzy_terms or {}
    for word in query.words:
        for value in fields:
            if value and _word_matches(word, value, tier, fuzzy_terms):
                if value not in found:
                    found.append(value)
                break
    for number in query.numbers:
        found.append(_number_matched(number, r))
    return " · ".join(v for v in found if v)


def _number_matched(number: str, r: tuple[Any, ...]) -> str:
    birth, phone, identifiers = r[6], r[8], (r[11], r[12], r[13])
    if birth and any(t.startswith(number) for t in index.ids_doc(birth, None, None, None, None).split()):
        return i18n.fmt_date(dt.date.fromisoformat(birth))
    if phone and any(t.startswith(number) for t in index.phone_digits(phone)):
        return str(phone)
    for value in identifiers:
        if value and any(t.startswith(number) for t in index.identifier_tokens(value)):
            return str(value)
    return number  # a reference of one of the person's cases
