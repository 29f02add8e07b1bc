"""Searching people as the volunteer types: any script, any spelling, dates, phones and numbers.

A query is split into name words and number terms. Name words are looked up in four tiers, each an FTS5
query ordered alphabetically, until the limit is reached:

0. exact: every word is written like a stored word ("Ivan" finds Ivan);
1. other spelling: every word has a key or a name group in common with a stored word (Jelena, Олена, OLENA);
2. beginning: every word starts a stored word's key (Ivan finds Ivanna, Kowal finds KOVALENKO);
3. similar: a word's key is within one or two edits of a stored key (a typo), only when the tiers above
   found fewer than a screenful.

Number terms (a date as 12.03.1985 or 1985-03-12, a phone number, an identifier, a case reference) narrow
the people first, each in any of the person's documents; the whole text read as one identifier
("AZ 55/123-X") comes first. Each hit says which stored spelling matched.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from desktop import i18n
from desktop.core import people
from desktop.core.people import PersonRow
from desktop.core.search import index, variants
from desktop.core.search.keys import has_cyrillic, plain, word_keys, words
from desktop.core.search.translit import kmu55
from desktop.core.store import db as store_db

EXACT, SPELLING, PREFIX, FUZZY = range(4)
TIER_KEYS = {EXACT: "exact", SPELLING: "spelling", PREFIX: "prefix", FUZZY: "fuzzy"}

#: Below this many hits the similar-spelling tier is tried too.
FUZZY_BELOW = 20

_DATE_DE = re.compile(r"^(\d{1,2})\.(\d{1,2})(?:\.(\d{0,4}))?$")
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
    numbers: list[list[str]]  # per typed number: the terms it may stand for (all matched as beginnings)
    whole: str = ""  # the whole text as one identifier ("AZ 55/123"), when it has digits and spaces
    fuzzy_terms: dict[str, list[str]] | None = None  # similar keys in the index, looked up when needed

    def empty(self) -> bool:
        return not self.words and not self.numbers and not self.whole


@dataclass(slots=True)  # the people list may hold 100,000 of them
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


def number_terms(text: str) -> list[str]:
    """The ids-column terms a typed date, phone number or identifier may stand for (beginnings of tokens).

    12.03.1985 and 1985-03-12 are the birth date; 12.03.85 may be 1985 or 2085's beginning… so a short
    year is read both as the century's two digits and as the start of a four-digit year; 12.03. and 12.3
    are the day and month. Phone numbers lose their punctuation and a leading + or 00.
    """
    compact = text.strip()
    if m := _DATE_DE.match(compact):
        day, month, year = m.groups()
        start = f"{int(day):02d}{int(month):02d}"
        if not year:
            return [start]
        if len(year) == 2:
            return [start + "19" + year, start + "20" + year, start + year]
        return [start + year]
    if m := _DATE_ISO.match(compact):
        year, month, day = m.groups()
        return [f"{year}{int(month):02d}" + (f"{int(day):02d}" if day else "")]
    if _NUMBER_ONLY.match(compact):
        digits = index.phone_plain(compact)
        if compact.startswith("+") or digits.startswith("00"):
            digits = digits[2:] if digits.startswith("00") else digits
        return [digits] if digits else []
    tokens = index.identifier_tokens(compact)
    return tokens[:1]


def _is_date(chunk: str) -> bool:
    return bool(_DATE_DE.match(chunk) or _DATE_ISO.match(chunk))


def parse(text: str) -> Query:
    ending_space = text[-1:].isspace() or text.endswith(",")
    text = text.strip()
    chunks = text.split()
    if len(chunks) > 1 and _NUMBER_ONLY.match(text) and not any(_is_date(c) for c in chunks):
        terms = number_terms(text)  # a phone or other number typed with spaces
        return Query([], [terms] if terms and len(terms[0]) >= 3 else [])
    whole = ""
    if any(ch.isdigit() for ch in text) and len(chunks) > 1:
        tokens = index.identifier_tokens(text)
        whole = tokens[0] if tokens and len(tokens[0]) >= 3 else ""
    numbers: list[list[str]] = []
    name_words: list[str] = []
    for chunk in chunks:
        if any(ch.isdigit() for ch in chunk):
            terms = [t for t in number_terms(chunk) if len(t) >= 3]  # 1-2 digits match too many people
            if terms:
                numbers.append(terms)
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
    """The FTS5 expression of a tier for the query's name words (numbers are matched apart)."""
    parts = [_word_expr(w, tier, fuzzy_terms) for w in query.words]
    return "" if not parts or any(not p for p in parts) else " AND ".join(parts)


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
#: (a one-letter query) shows a selection, sorted, and says the list is not complete.
READ_FACTOR = 2


#: Most people one number term (a birth year, the start of a phone number) narrows to before names apply.
NUMBER_READ = 50_000


def _people_with_number(db: Any, terms: list[str]) -> set[str]:
    """People with a document (their own or one of their cases') holding a token that starts with a term."""
    expression = f"ids : ({' OR '.join(_q(t) + '*' for t in terms)})"
    rows = db.execute_sql(
        "SELECT DISTINCT m.person_id FROM person_search s JOIN search_map m ON m.doc = s.rowid "
        "WHERE person_search MATCH ? LIMIT ?",
        (expression, NUMBER_READ),
    )
    return {r[0] for r in rows}


def _rows(db: Any, where: str, params: list[Any]) -> list[tuple[Any, ...]]:
    return db.execute_sql(
        f"SELECT DISTINCT {_HIT_COLUMNS} FROM search_map m JOIN person p ON p.id = m.person_id "
        f"WHERE {where} AND p.deleted = 0 ORDER BY p.sort_key, p.id",
        params,
    ).fetchall()


def _in(column: str, values: list[Any]) -> tuple[str, list[Any]]:
    return f"{column} IN ({','.join('?' * len(values))})", list(values)


def _rows_of_people(db: Any, ids: list[str]) -> list[tuple[Any, ...]]:
    """The hit rows of these people, alphabetically (read in chunks below SQLite's parameter limit)."""
    rows = [r for start in range(0, len(ids), 900) for r in _rows(db, *_in("p.id", ids[start : start + 900]))]
    return sorted(rows, key=lambda r: (r[1], r[0]))


def search(text: str, limit: int = 200) -> Results:
    """People matching ``text``, best first; an empty text lists everyone alphabetically.

    A text with nothing to search by (only punctuation, one or two digits) finds no one.
    """
    if not text.strip():
        rows = people.page_people(limit=limit + 1)
        return Results([Hit(r, EXACT, "") for r in rows[:limit]], len(rows) <= limit)
    query = parse(text)
    if query.empty():
        return Results([], True)
    db = store_db.current().db
    index.flush_queue(db)
    hits: list[Hit] = []
    seen: set[str] = set()
    complete = True

    def take(rows: list[tuple[Any, ...]], tier: int) -> bool:
        """Add rows as hits; False once the limit is reached."""
        if tier == FUZZY and len(rows) <= CLOSENESS_READ:
            rows = sorted(rows, key=lambda r: -_closeness(query, r))  # the closest similar spelling first
        for r in rows:
            if r[0] in seen:
                continue
            if len(hits) == limit:
                return False
            seen.add(r[0])
            hits.append(Hit(people.row_from(r[:9]), tier, None, (query, r)))
        return True

    if query.whole:  # the whole text as one identifier ("AZ 55/123-X") is the most precise match
        docs = [
            r[0]
            for r in db.execute_sql(
                "SELECT rowid FROM person_search WHERE person_search MATCH ? LIMIT ?",
                (f"ids : {_q(query.whole)}*", limit + 1),
            )
        ]
        if docs and not take(_rows(db, *_in("m.doc", docs)), EXACT):
            return Results(hits, False)
    allowed: set[str] | None = None
    for terms in query.numbers:
        found = _people_with_number(db, terms)
        allowed = found if allowed is None else allowed & found
    if not query.words:
        if allowed:
            complete = take(_rows_of_people(db, sorted(allowed)[:NUMBER_READ]), SPELLING)
        return Results(hits, complete)
    if allowed is not None and not allowed:
        return Results(hits, complete)
    earlier: list[str] = []
    for tier in (EXACT, SPELLING, PREFIX, FUZZY):
        if tier == FUZZY:
            if len(hits) >= FUZZY_BELOW:
                break
            query.fuzzy_terms = _fuzzy_terms(query)
        expression = _expression(query, tier, query.fuzzy_terms or {})
        if not expression:
            continue
        match = expression if not earlier else f"({expression}) NOT ({' OR '.join(earlier)})"
        earlier.append(f"({expression})")
        if allowed is not None:  # numbers narrowed it down: every name match among those people
            ids = [
                r[0]
                for r in db.execute_sql(
                    "SELECT DISTINCT m.person_id FROM person_search s JOIN search_map m ON m.doc = s.rowid "
                    "WHERE person_search MATCH ?",
                    (match,),
                )
                if r[0] in allowed
            ]
            if not take(_rows_of_people(db, ids), tier):
                return Results(hits, False)
            continue
        cap = (limit - len(hits)) * READ_FACTOR + 10
        docs = [
            r[0]
            for r in db.execute_sql("SELECT rowid FROM person_search WHERE person_search MATCH ? LIMIT ?", (match, cap))
        ]
        if not docs:
            continue
        if not take(_rows(db, *_in("m.doc", docs)), tier):
            return Results(hits, False)
        if len(docs) >= cap:  # more matches than read: a selection, sorted; the caller says "type more"
            return Results(hits, False)
    return Results(hits, complete)


#: At most this many similar-spelling rows are ordered by closeness (more are left alphabetical).
CLOSENESS_READ = 2000
#: A word found in the patronymic or the birth place counts less than one found in a name.
_SIDE_WEIGHT = 0.6


def _latin(text: str) -> str:
    return kmu55(text).casefold() if has_cyrillic(text) else text.casefold()


def _closeness(query: Query, r: tuple[Any, ...]) -> float:
    """How close a similar-spelling hit is to what was typed: per typed word, the best of its likeness to
    the person's name words (1 for a name of the same curated group, e.g. Evgenij – Євген), side fields
    weighted less. Oleinik Evgenij puts Олійник Євген above Олійник Анастасія Євгенівна."""
    names = [w for value in (r[2], r[3], r[4], r[5]) if value for w in words(value)]
    sides = [w for value in (r[9], r[10]) if value for w in words(value)]
    given = {g for value in (r[3], r[5]) if value for g in variants.given_groups(value)}
    total = 0.0
    for word in query.words:
        if word.groups and word.groups & given:
            total += 1.0
            continue
        typed = _latin(word.text)
        best = max((fuzz.ratio(typed, _latin(w)) / 100 for w in names), default=0.0)
        side = max((fuzz.ratio(typed, _latin(w)) / 100 * _SIDE_WEIGHT for w in sides), default=0.0)
        total += max(best, side)
    return total


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
    for terms in query.numbers:
        found.append(next((m for t in terms if (m := _number_matched(t, r))), ""))
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
    return ""  # a reference of one of the person's cases
