"""The embedded index at state scale, shrunk to a unit test: ranking in windows of matching pages,
counts past the exact limit estimated and said to be, an index of the second schema carried
over, close matches for a word misread on some pages (closest first), and the analysis read token by
token."""

from __future__ import annotations

import pytest

from domain.model import PageRecord, RecordFile
from indexers import analysis, embedded
from indexers.base import SearchQuery
from indexers.embedded import MIGRATIONS, EmbeddedIndex
from store.database import open_database


def record(serial: int, texts: list[str], tehsil: str = "bijbehara") -> RecordFile:
    file_id = f"REV_TSL-05_1987_{serial:04d}"
    return RecordFile(file_id=file_id, file_number=file_id.replace("_", "/"), file_number_raw="", file_number_source="barcode",
                      district="anantnag", tehsil=tehsil, batch="n1", stack="s",
                      pages=[PageRecord(number=n, source="a.tif", source_page=n, text=text) for n, text in enumerate(texts, 1)])


def test_paging_through_windows_shows_every_matching_page_once_best_first_in_each(tmp_path, monkeypatch):
    # GIVEN 30 pages with "khasra", some with it three times, ranked in windows of 7 matching pages
    monkeypatch.setattr(embedded, "RANK_WINDOW", 7)
    index = EmbeddedIndex(tmp_path / "index.sqlite")
    for serial in range(10):
        index.add(record(serial, [f"khasra {'khasra khasra' if n == serial % 3 else 'village'} mutation" for n in range(3)]))
    # WHEN a user pages through 5 hits at a time
    pages = [index.search(SearchQuery(text="khasra", limit=5, offset=offset)) for offset in range(0, 35, 5)]
    seen = [(hit.file_id, hit.page) for result in pages for hit in result.hits]
    # THEN every page comes once, the newest window first, and each window best first
    assert len(seen) == len(set(seen)) == 30 == pages[0].total
    assert {file_id for file_id, _ in seen[:7]} <= {"REV_TSL-05_1987_0009", "REV_TSL-05_1987_0008", "REV_TSL-05_1987_0007"}
    scores = [hit.score for result in pages for hit in result.hits][:7]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]


def test_counts_past_the_exact_limit_are_estimates_and_say_so(tmp_path, monkeypatch):
    # GIVEN 40 files of 2 pages, every other page with "patwari", counted exactly up to 10 pages
    monkeypatch.setattr(embedded, "COUNT_EXACT_UP_TO", 10)
    monkeypatch.setattr(embedded, "RANK_WINDOW", 5)
    index = EmbeddedIndex(tmp_path / "index.sqlite")
    for serial in range(40):
        index.add(record(serial, ["patwari report", "jamabandi copy"]))
    # WHEN a word on more pages than that is searched, with and without a filter
    common = index.search(SearchQuery(text="patwari"))
    filtered = index.search(SearchQuery(text="patwari", tehsil="bijbehara"))
    # THEN its counts are estimates near the truth (40 pages, 40 files), marked as such
    assert common.files_estimated and 30 <= common.total <= 50 and 30 <= common.files <= 50
    assert filtered.files_estimated and 30 <= filtered.total <= 50
    assert len(common.hits) == 20 and len(index.search(SearchQuery(text="jamabandi", limit=3)).hits) == 3
    # and a word under the limit is counted exactly
    monkeypatch.setattr(embedded, "COUNT_EXACT_UP_TO", 100)
    assert (index.search(SearchQuery(text="jamabandi")).total, index.search(SearchQuery(text="jamabandi")).files_estimated) == (40, False)


def test_an_index_of_the_second_schema_gets_its_scope_and_vocabulary(tmp_path):
    # GIVEN an index written before page_scope and page_vocabulary existed
    path = tmp_path / "index.sqlite"
    old = open_database(path, MIGRATIONS[:2])
    old.execute("INSERT INTO files VALUES ('F1', 'REV/TSL-05/1987/0042', 'anantnag', 'bijbehara', 'Mutation', "
                "'mutation', 1987, 'eng')")
    old.execute("INSERT INTO page_text (id, file_id, page, text) VALUES (7, 'F1', 2, 'Government of Kashmir')")
    old.execute("INSERT INTO page_terms (rowid, terms) VALUES (7, ?)", (analysis.terms("Government of Kashmir"),))
    old.close()
    # WHEN this daftar opens it
    index = EmbeddedIndex(path)
    # THEN filters and close matches work on its pages
    assert [h.page for h in index.search(SearchQuery(text="kashmir", tehsil="bijbehara", year_to=1990)).hits] == [2]
    assert index.search(SearchQuery(text="kashmir", tehsil="kokernag")).hits == []
    assert index.search(SearchQuery(text="kashmr")).close_matches == ("kashmr",)


def test_a_misread_word_is_found_after_the_pages_with_it_as_typed(tmp_path):
    # GIVEN "Intiqal" on one file's page and the OCR misreading "Intigal" on another's
    index = EmbeddedIndex(tmp_path / "index.sqlite")
    index.add(record(1, ["Mutation (Intigal) No. 1187"]))
    index.add(record(2, ["Mutation sheet (Intiqal) of village Goriwan"]))
    index.add(record(3, ["The case came up for hearing"]))
    # WHEN the word is searched as spelled, and a 4-letter word is
    intiqal = index.search(SearchQuery(text="intiqal"))
    case = index.search(SearchQuery(text="case"))
    # THEN the page with it as typed comes first, the misread one after it, marked, and said so
    assert [h.file_id for h in intiqal.hits] == ["REV_TSL-05_1987_0002", "REV_TSL-05_1987_0001"]
    assert "[[Intigal]]" in intiqal.hits[1].snippet and intiqal.also_close == ("intiqal",)
    assert (intiqal.total, intiqal.files) == (2, 2)
    # and a 4-letter word is never widened: "came" is another word
    assert [h.file_id for h in case.hits] == ["REV_TSL-05_1987_0003"] and case.also_close == ()
    assert "[[came]]" not in case.hits[0].snippet
    # and paging on from the pages as typed reaches the misread ones
    assert [h.file_id for h in index.search(SearchQuery(text="intiqal", offset=1, limit=1)).hits] == ["REV_TSL-05_1987_0001"]


@pytest.mark.parametrize("text", ["a_b c\u200cd ज़िला, (क़ब्ज़े) ورثاء۔ 12-03-1987", "x\u0301y\t\nफ़ारूक़  KHASRA—245", "", "__"])
def test_reading_token_by_token_finds_the_words_the_word_pattern_finds(text):
    by_pattern = [(m.start(), m.end(), analysis.term(m.group())) for m in analysis.WORD.finditer(text.replace("_", " "))]
    by_pattern = [word for word in by_pattern if word[2]]
    assert list(analysis.words(text)) == by_pattern
    assert analysis.terms(text) == " ".join(t for _, _, t in by_pattern)


def test_close_terms_come_closest_first_alphabetical_among_equals_and_no_more_than_the_expansions(tmp_path, monkeypatch):
    # GIVEN a page with words 0, 1 and 2 edits from "kashmir", and one a first letter away
    index = EmbeddedIndex(tmp_path / "index.sqlite")
    index.add(record(1, ["kashmir kashmor kashmar kashmr kasmiir lashmir"]))
    # WHEN the terms within 2 edits are read, at most 4 of them
    monkeypatch.setattr(embedded, "MAX_EXPANSIONS", 4)
    close = index._close_terms("kashmir", 2)
    # THEN the word itself, then those one edit away in alphabetical order; never another first letter
    assert close == ["kashmir", "kashmar", "kashmor", "kashmr"]
    assert index._close_terms("kashmir", 1)[-1] == "kashmr" and "kasmiir" not in index._close_terms("kashmir", 1)
