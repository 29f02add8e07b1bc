"""Finding people whatever the spelling: keys, transliteration systems, the index, ranking, duplicates."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core import cases, people
from desktop.core.search import duplicates, query
from desktop.core.search.keys import cyrillic_key, latin_keys, word_keys
from desktop.core.search.translit import SYSTEMS, kmu55, transliterate
from desktop.core.store import changelog, integrity
from desktop.core.store import db as store_db
from desktop.core.store.models import Case, FilledForm, Person, PrintedDocument

# Syllables a Ukrainian name is made of, with the letters whose spelling differs most between systems.
_ONSETS = "б в г ґ д ж з к л м н п р с т ф х ц ч ш щ зг дж шк ст хв ль".split()
_VOWELS = "а е є и і ї о у ю я".split()
_ENDINGS = ["", "нко", "енко", "ук", "чук", "ський", "цький", "ич", "ак", "ій", "ь", "ня", "ля", "’я", "ин"]


@st.composite
def ukrainian_word(draw: st.DrawFn) -> str:
    start = draw(st.sampled_from(["", *"єїюяо"]))
    body = "".join(
        draw(st.sampled_from(_ONSETS)) + draw(st.sampled_from(_VOWELS)) for _ in range(draw(st.integers(1, 3)))
    )
    word = start + body + draw(st.sampled_from(_ENDINGS))
    return word[0].upper() + word[1:]


@given(ukrainian_word(), st.sampled_from(list(SYSTEMS)), st.booleans())
def test_every_system_spelling_has_the_cyrillic_key(word: str, system: str, upper: bool) -> None:
    cyrillic = word.upper() if upper else word
    latin = transliterate(cyrillic, system)
    assert cyrillic_key(cyrillic) in latin_keys(latin), (cyrillic, system, latin)


def test_kmu55_follows_the_resolution() -> None:
    assert kmu55("Згурський Єгор") == "Zghurskyi Yehor"
    assert kmu55("Юлія Їжакевич") == "Yuliia Yizhakevych"
    assert kmu55("Мар’яна Мар'яна Марʼяна") == "Mariana Mariana Mariana"
    assert kmu55("ЄВГЕН ЗГАРСЬКИЙ") == "YEVHEN ZGHARSKYI"
    assert kmu55("Андрій Йосипенко") == "Andrii Yosypenko"
    assert kmu55("Ольга Знам’янка") == "Olha Znamianka"


def test_names_that_only_look_alike_have_different_keys() -> None:
    for a, b in (("Oleksandr", "Oleksandra"), ("Ivan", "Ivanna"), ("Mariia", "Maryna"), ("Yaroslav", "Yaroslava")):
        assert not set(latin_keys(a)) & set(latin_keys(b)), (a, b)
    assert set(word_keys("Jelena")) == set(word_keys("Yelena")) == {cyrillic_key("Елена")}
    assert cyrillic_key("Харків") in latin_keys("Charkiw")
    assert cyrillic_key("Запоріжжя") in latin_keys("Saporischschja")


@pytest.fixture
def olena(store: store_db.Store) -> Person:
    return people.create_person(
        {
            "family_name_cyr": "Коваленко",
            "given_name_cyr": "Олена",
            "family_name": "KOVALENKO",
            "given_name": "OLENA",
            "patronymic": "Петрівна",
            "birth_date": "1985-03-12",
            "birth_place": "Харків",
            "phone": "+49 151 23456789",
            "bg_number": "96301BG0012345",
            "jobcenter_customer_no": "123D456789",
            "abh_file_no": "ABH-4711/2024",
        }
    )


def _ids(text: str, limit: int = 50) -> list[str]:
    return [h.row.id for h in query.search(text, limit=limit).hits]


@pytest.mark.parametrize(
    "typed",
    [
        "Олена Коваленко",
        "OLENA KOVALENKO",
        "Jelena Kowalenko",
        "Елена Коваленко",
        "kovalenko olena",
        "Kowalenko",
        "коваленко",
        "Helena",
        "Петрівна",
        "Petrivna",
        "Charkiw",
        "Kharkov",
        "Харьков",
        "12.03.1985",
        "1985-03-12",
        "12.3.85",
        "+49 151 23456789",
        "0151 2345",
        "+49 (0)151 23456789",
        "0049 (0) 151 234",
        "96301BG0012345",
        "123D456789",
        "ABH-4711/2024",
        "4711",
        "kowal",
        "Kovalenko Olena 12.03.1985",
    ],
)
def test_one_person_is_found_by_every_spelling_and_identifier(olena: Person, typed: str) -> None:
    assert _ids(typed) == [olena.id], typed


def test_a_number_stored_with_the_trunk_zero_in_brackets_is_found(store: store_db.Store) -> None:
    person = people.create_person({"family_name": "Melnyk", "phone": "+49 (0)172 5550123"})
    for typed in ("0172 5550123", "+49 172 555", "004917255", "+49 (0)172 5550123"):
        assert _ids(typed) == [person.id], typed


def test_a_different_birth_date_or_name_does_not_match(olena: Person) -> None:
    assert _ids("Kovalenko 13.03.1985") == []
    assert _ids("Oleksandra Kovalenko") == []


def test_exact_name_ranks_before_other_spellings_prefix_and_typos(store: store_db.Store) -> None:
    ivanna = people.create_person({"family_name": "Bondar", "given_name": "Ivanna", "birth_date": "1990-01-01"})
    ivan = people.create_person({"family_name": "Shevchenko", "given_name": "Ivan"})
    iwan = people.create_person({"family_name": "Adamenko", "given_name": "Iwan"})
    ivanenko = people.create_person({"family_name": "Ivanenko", "given_name": "Petro"})
    hits = query.search("Ivan").hits
    assert [h.row.id for h in hits] == [ivan.id, iwan.id, ivanna.id, ivanenko.id]
    assert [h.tier for h in hits] == [query.EXACT, query.SPELLING, query.PREFIX, query.PREFIX]
    assert hits[0].matched == "Ivan" and hits[1].matched == "Iwan"
    typo = query.search("Shevchneko").hits
    assert [h.row.id for h in typo] == [ivan.id] and typo[0].tier == query.FUZZY


def test_the_index_follows_edits_deletes_and_case_references(olena: Person) -> None:
    people.update_person(olena.id, {"family_name": "SHEVCHENKO", "family_name_cyr": "Шевченко"})
    assert _ids("Kovalenko") == []
    assert _ids("Schewtschenko") == [olena.id]
    case = cases.create_case({"person": olena.id, "case_type": "anmeldung", "reference": "AZ 55/123-X"})
    assert _ids("55/123-X") == [olena.id]
    changelog.update(Case, case.id, reference="AZ 77/1")
    assert _ids("55/123-X") == [] and _ids("AZ 77/1") == [olena.id]
    changelog.delete(Person, olena.id)
    assert _ids("Schewtschenko") == [] and _ids("") == []
    assert integrity.check() == []


def test_an_empty_query_lists_everyone_alphabetically(store: store_db.Store) -> None:
    for family in ("Ткачук", "Бондар", "Андрієнко"):
        people.create_person({"family_name_cyr": family, "given_name_cyr": "Ія"})
    assert [h.row.family_name for h in query.search("").hits] == ["Andriienko", "Bondar", "Tkachuk"]
    assert not query.search("", limit=2).complete


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(family=ukrainian_word(), given_name=ukrainian_word(), system=st.sampled_from(list(SYSTEMS)))
def test_any_spelling_in_any_system_finds_the_person(
    store: store_db.Store, family: str, given_name: str, system: str
) -> None:
    person = people.create_person({"family_name_cyr": family, "given_name_cyr": given_name})
    typed = transliterate(f"{given_name} {family}", system)
    found = {h.row.id: h.tier for h in query.search(typed, limit=500).hits}
    assert found.get(person.id, 99) <= query.SPELLING, (family, given_name, system, typed)


def _person(family: str, given: str, born: str = "1980-05-01", **more: str) -> Person:
    return people.create_person({"family_name": family, "given_name": given, "birth_date": born, **more})


def test_duplicates_are_found_across_spellings_but_not_between_look_alikes(store: store_db.Store) -> None:
    a = _person("KOVALENKO", "OLENA", family_name_cyr="Коваленко", given_name_cyr="Олена")
    b = _person("Kowalenko", "Jelena")
    _person("Kovalenko", "Olena", born="1980-05-02")  # another birth date
    for first, second in (("Oleksandr", "Oleksandra"), ("Ivan", "Ivanna"), ("Mariia", "Maryna")):
        _person("Bondarenko", first)
        _person("Bondarenko", second)
    pairs = duplicates.find_duplicates()
    assert [{p.first.id, p.second.id} for p in pairs] == [{a.id, b.id}]
    found = duplicates.candidates(
        {"family_name_cyr": "Коваленко", "given_name_cyr": "Елена", "birth_date": "1980-05-01"}
    )
    assert {r.id for r in found} == {a.id, b.id}
    assert duplicates.candidates({"family_name": "Kovalenko", "given_name": "Olena"}) == []


def test_merging_moves_everything_and_travels_in_the_change_log(store: store_db.Store) -> None:
    keep = _person("KOVALENKO", "OLENA", phone="+49 151 1111111")
    drop = _person("Kowalenko", "Jelena", phone="+49 151 2222222", iban="DE89370400440532013000")
    case = cases.create_case({"person": drop.id, "case_type": "anmeldung"})
    draft = changelog.create(FilledForm, {"person": drop.id, "case": case.id, "template_id": "vollmacht"})
    printed = changelog.create(PrintedDocument, {"person": drop.id, "template_id": "vollmacht", "how": "pdf"})
    duplicates.merge_people(keep.id, drop.id)
    kept, dropped = Person.get_by_id(keep.id), Person.get_by_id(drop.id)
    assert kept.iban == "DE89370400440532013000" and kept.phone == "+49 151 1111111"
    assert "Phone: +49 151 2222222" in kept.notes  # the field as the user knows it, not its column name
    assert FilledForm.get_by_id(draft.id).person_id == keep.id
    assert PrintedDocument.get_by_id(printed.id).person_id == keep.id
    assert dropped.deleted and dropped.merged_into == keep.id
    assert Case.get_by_id(case.id).person_id == keep.id
    logged = {(c.field, json.loads(c.value)) for c in changelog.history(drop.id)}
    assert ("merged_into", keep.id) in logged and ("deleted", True) in logged
    assert duplicates.find_duplicates() == []
    assert _ids("Jelena Kowalenko") == [keep.id]
    assert _ids("+49 151 2222222") == []  # the merged record is no longer in the index
    assert integrity.check() == []


def test_a_pair_marked_as_two_people_is_no_longer_listed_and_the_mark_travels(store: store_db.Store) -> None:
    from desktop.core.store.models import DistinctPair

    a = _person("KOVALENKO", "OLENA")
    b = _person("Kowalenko", "Jelena")
    c = _person("Kovalenko", "Olena", phone="+49 151 3333333")
    assert len(duplicates.find_duplicates()) == 3
    duplicates.mark_distinct(b.id, a.id)
    duplicates.mark_distinct(a.id, b.id)  # twice, in either order: one mark
    assert DistinctPair.select().where(~DistinctPair.deleted).count() == 1
    listed = {frozenset((p.first.id, p.second.id)) for p in duplicates.find_duplicates()}
    assert listed == {frozenset((a.id, c.id)), frozenset((b.id, c.id))}
    every = duplicates.find_duplicates(include_distinct=True)
    assert [p.distinct for p in every].count(True) == 1
    mark = DistinctPair.get(~DistinctPair.deleted)
    assert {c.field for c in changelog.history(mark.id)} >= {"first", "second"}
    # c is the same person as a: the mark "b is not a" now says "b is not c", and nothing is listed
    duplicates.merge_people(c.id, a.id)
    assert duplicates.find_duplicates() == []
    assert duplicates.distinct_pairs() == {tuple(sorted((b.id, c.id)))}
    duplicates.unmark_distinct(c.id, b.id)
    assert [{p.first.id, p.second.id} for p in duplicates.find_duplicates()] == [{b.id, c.id}]
    with pytest.raises(duplicates.MergeRefused):
        duplicates.mark_distinct(a.id, c.id)  # a was merged away
    assert integrity.check() == []


def test_the_index_kept_while_writing_equals_one_built_from_scratch(store: store_db.Store) -> None:
    from desktop.core import demo
    from desktop.core.search import index

    demo.generate(80, seed=9)  # bulk writes index their rows directly
    some = list(Person.select().where(~Person.deleted).order_by(Person.sort_key).limit(12))
    people.update_person(some[0].id, {"family_name_cyr": "Згурська", "phone": "+380 67 1234567"})
    changelog.delete(Person, some[1].id)
    duplicates.merge_people(some[2].id, some[3].id)
    queries = [p.family_name for p in some] + [p.given_name_cyr for p in some] + ["Zghurska", "067 123", "Ol", "k"]
    before = {q: [(h.row.id, h.tier) for h in query.search(q).hits] for q in queries}
    assert integrity.check() == []
    index.rebuild(store.db)
    after = {q: [(h.row.id, h.tier) for h in query.search(q).hits] for q in queries}
    assert after == before
    store.db.execute_sql("DELETE FROM search_map WHERE record_id = ?", (some[4].id,))
    assert [p.what for p in integrity.check()] == ["people missing from the index: 1"]


# Spellings met in real documents (passports of several periods, German letters and registers, Russian
# forms, Polish documents), not produced by our own transliteration.
REAL_VARIANTS = {
    ("Шевченко", "Тарас"): ["Shevchenko Taras", "Schewtschenko", "Szewczenko Taras", "Ševčenko"],
    ("Ковальов", "Сергій"): [
        "Kovalyov Sergey",
        "Kowaljow Sergej",
        "Kovalev Sergei",
        "Ковалёв Сергей",
        "Kovalov Serhiy",
    ],
    ("Ткаченко", "Дмитро"): ["Tkachenko Dmitriy", "Tkatschenko Dmitri", "Ткаченко Дмитрий"],
    ("Бондаренко", "Андрій"): ["Bondarenko Andrey", "Bondarenko Andrej", "Bondarenko Andriy", "Бондаренко Андрей"],
    ("Мельник", "Тетяна"): ["Melnyk Tatiana", "Melnik Tatjana", "Мельник Татьяна", "Melnik Tatyana"],
    ("Кравчук", "Наталія"): ["Kravchuk Natalia", "Krawtschuk Natalja", "Kravchuk Nataliya", "Кравчук Наталья"],
    ("Гриценко", "Ганна"): ["Hrytsenko Hanna", "Gritsenko Anna", "Grizenko Anna", "Hrycenko"],
    ("Лисенко", "Микола"): ["Lysenko Mykola", "Lissenko Nikolai", "Lysenko Nikolay", "Лысенко Николай"],
    ("Олійник", "Євген"): ["Oliinyk Yevhen", "Olejnik Jewgeni", "Oliynyk Evgeniy", "Олейник Евгений", "Oliinyk Eugene"],
    ("Кириленко", "Христина"): ["Kyrylenko Khrystyna", "Kirilenko Kristina", "Kirilenko Christina"],
    ("Зінченко", "Олександр"): ["Sintschenko Alexander", "Zinchenko Aleksandr", "Зинченко Александр"],
    ("Харченко", "Ігор"): ["Kharchenko Igor", "Chartschenko Ihor", "Harchenko Igor", "Харченко Игорь"],
    ("Ковальська", "Любов"): ["Kowalskaja Ljubow", "Kovalskaya Lyubov", "Ковальская Любовь", "Kowalska"],
    ("Соловйов", "Павло"): ["Solowjow Pawel", "Soloviov Pavlo", "Соловьёв Павел", "Sołowjow Paweł"],
    ("Жук", "Богдан"): ["Żuk Bohdan", "Zhuk Bogdan", "Shuk Bohdan"],
}


def test_spellings_from_real_documents_find_the_person_first(store: store_db.Store) -> None:
    for family, given_name in REAL_VARIANTS:
        people.create_person({"family_name_cyr": family, "given_name_cyr": given_name})
    for (family, given_name), typed in REAL_VARIANTS.items():
        for text in typed:
            hits = query.search(text).hits
            assert hits and (hits[0].row.family_name_cyr, hits[0].row.given_name_cyr) == (family, given_name), text


def test_among_similar_spellings_the_closest_person_comes_first(store: store_db.Store) -> None:
    """Russian forms of Ukrainian names (Олейник for Олійник, Kovalev for Ковальов) are similar spellings;
    among those, the person both typed names fit comes before one who only shares a patronymic or a
    shorter family name."""
    wanted = people.create_person({"family_name_cyr": "Олійник", "given_name_cyr": "Євген"})
    for first_name, patronymic in (("Анастасія", "Євгенівна"), ("Ірина", "Євгенівна"), ("Олег", "")):
        people.create_person({"family_name_cyr": "Олійник", "given_name_cyr": first_name, "patronymic": patronymic})
    serhii = people.create_person({"family_name_cyr": "Ковальов", "given_name_cyr": "Сергій"})
    for family in ("Коваль", "Ковальчук"):
        people.create_person({"family_name_cyr": family, "given_name_cyr": "Сергій"})
    for typed in ("Oleinik Evgenij", "Олейник Евгений", "Olejnik Jewgeni"):
        assert _ids(typed)[0] == wanted.id, typed
    for typed in ("Kovalev Sergey", "Ковалев Сергей"):
        assert _ids(typed)[0] == serhii.id, typed


def test_an_index_built_by_other_key_rules_is_rebuilt_when_the_profile_opens(
    store: store_db.Store, profile_dir, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.core import profile
    from desktop.core.search import index
    from tests.conftest import PASSPHRASE

    person = people.create_person({"family_name_cyr": "Шевченко", "given_name_cyr": "Тарас"})
    store.db.execute_sql("INSERT INTO person_search (person_search) VALUES ('delete-all')")  # as if built otherwise
    assert _ids("Shevchenko") == []
    store_db.close_store()
    monkeypatch.setattr(index, "KEYS_VERSION", index.KEYS_VERSION + 1)
    profile.unlock(profile_dir, PASSPHRASE)
    assert _ids("Schewtschenko") == [person.id]
    assert integrity.check() == []
