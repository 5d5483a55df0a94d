"""The embedded index: words in three scripts, folding and stemming, close matches, no duplicates,
any typed query is safe, an index of an older schema carried over."""

from __future__ import annotations

from indexers.base import SearchQuery
from indexers.embedded import DEVANAGARI_MARKS, SCHEMA, EmbeddedIndex
from store.database import open_database
from domain.model import PageRecord, RecordFile


def record(text: str, file_id: str = "REV_TSL-05_1987_0042") -> RecordFile:
    return RecordFile(file_id=file_id, file_number=file_id.replace("_", "/"), file_number_raw="", file_number_source="barcode",
                      district="anantnag", tehsil="bijbehara", batch="n1", stack="s", title="Mutation of land",
                      pages=[PageRecord(number=1, source="a.tif", source_page=1, text="cover"),
                             PageRecord(number=2, source="a.tif", source_page=2, text=text)])


def test_words_in_english_urdu_and_hindi_find_their_page(tmp_path):
    index = EmbeddedIndex(tmp_path / "index.sqlite")
    index.add(record("Khasra No. ۱۲۳ in village Hangalgund. زمین کی منتقلی. यह स्थायी निवास प्रमाण पत्र है।"))
    for query in ("khasra", "123", "زمين", "منتقلی", "स्थायी", "प्रमाण पत्र", '"village hangalgund"'):
        hits = index.search(SearchQuery(text=query)).hits
        assert [(h.file_id, h.page) for h in hits] == [("REV_TSL-05_1987_0042", 2)], query
    assert "[[स्थायी]]" in index.search(SearchQuery(text="स्थायी")).hits[0].snippet


def test_adding_a_file_again_replaces_it(tmp_path):
    index = EmbeddedIndex(tmp_path / "index.sqlite")
    index.add(record("first text"))
    index.add(record("second text"))
    assert index.count() == 1
    assert index.search(SearchQuery(text="first")).hits == []
    assert len(index.search(SearchQuery(text="text")).hits) == 1


def test_query_syntax_typed_by_a_user_is_taken_as_words(tmp_path):
    index = EmbeddedIndex(tmp_path / "index.sqlite")
    index.add(record("NEAR x a b"))
    for query in ('a"b', "NEAR(x)", "*", "x*", "^a", "a:b", "-", "OR", ")"):
        index.search(SearchQuery(text=query))  # never a syntax error


def test_exact_lookup_by_file_number_and_filters(tmp_path):
    index = EmbeddedIndex(tmp_path / "index.sqlite")
    index.add(record("text"))
    assert index.lookup("REV/TSL-05/1987/0042").tehsil == "bijbehara"
    assert index.lookup("REV/TSL-05/1987/0043") is None
    assert index.search(SearchQuery(text="text", tehsil="kokernag")).hits == []


def test_spellings_a_reader_takes_for_one_word_find_each_other(tmp_path):
    # GIVEN a page in Hindi without nukta and with chandrabindu, Urdu with hamza, English plural
    index = EmbeddedIndex(tmp_path / "index.sqlite")
    index.add(record("जिला अनंतनाग में कब्जे की जाँच। بحق ورثاء منتقل۔ The mutations were attested."))
    # WHEN searched as another spelling, or another form of the word
    for query in ("ज़िला", "क़ब्ज़े", "जांच", "ورثا", "mutation", "attest"):
        pages = {h.page for h in index.search(SearchQuery(text=query)).hits}
        # THEN the page is found (page 0, the title "Mutation of land", may be too), its own word marked
        assert pages - {0} == {2}, query
    assert "[[ورثاء]]" in index.search(SearchQuery(text="ورثا")).hits[0].snippet


def test_a_word_no_page_has_is_matched_closely_and_said_so(tmp_path):
    index = EmbeddedIndex(tmp_path / "index.sqlite")
    index.add(record("GOVERNMENT OF JAMMU AND KASHMIR, khasra 245"))
    close = index.search(SearchQuery(text="kashmr"))
    assert close.close_matches == ("kashmr",) and "[[KASHMIR]]" in close.hits[0].snippet
    assert index.search(SearchQuery(text="kashmir")).close_matches == ()
    assert index.search(SearchQuery(text="khasra 246")).hits == []  # numbers are never approximate


def test_an_index_of_the_first_schema_is_carried_over_and_stays_searchable(tmp_path):
    # GIVEN an index written by the first release: folded text in the old pages table
    path = tmp_path / "index.sqlite"
    old = open_database(path, [SCHEMA.format(marks=DEVANAGARI_MARKS)])
    old.execute("INSERT INTO files VALUES ('F1', 'REV/TSL-05/1987/0042', 'anantnag', 'bijbehara', 'Mutation', "
                "'mutation', 1987, 'eng urd')")
    old.execute("INSERT INTO pages (text, file_id, page) VALUES ('Mutations of khasra 245. بحق ورثا', 'F1', 2)")
    old.close()
    # WHEN this daftar opens it
    index = EmbeddedIndex(path)
    # THEN its pages are found by the new analysis, and the old table is gone
    assert [h.page for h in index.search(SearchQuery(text="mutation khasra")).hits] == [2]
    assert [h.page for h in index.search(SearchQuery(text="ورثاء")).hits] == [2]
    assert not index.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'pages'").fetchone()
