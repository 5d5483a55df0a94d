"""The embedded index: words in three scripts, folding, no duplicates, any typed query is safe."""

from __future__ import annotations

from indexers.base import SearchQuery
from indexers.embedded import EmbeddedIndex
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
