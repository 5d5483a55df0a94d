"""The Elasticsearch index against a real server (scripts/elasticsearch.sh), never a mock.

Skipped only when DAFTAR_ES_URL is unset. Each test has its own index prefix (tests/es_fixtures.py).
"""

from __future__ import annotations

import socket

import pytest

from domain.config import ElasticsearchSettings
from domain.errors import IndexUnavailable
from domain.model import PageRecord, RecordFile
from indexers.base import SearchQuery
from indexers.elasticsearch import BulkPolicy, ElasticsearchIndex, IndexNames, connect, load_templates, reindex
from indexers.elasticsearch import queries
from indexers.elasticsearch.bulk import batches
from indexers.elasticsearch.documents import file_document
from tests.es_fixtures import es_index, es_settings, es_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.elasticsearch


def record_file(
    file_number: str = "REV/TSL-05/1987/0042",
    pages: list[str] | None = None,
    *,
    district: str = "Anantnag",
    tehsil: str = "Bijbehara",
    record_type: str | None = "mutation",
    year: int | None = 1987,
    languages: tuple[str, ...] = ("eng", "urd"),
    title: str = "",
) -> RecordFile:
    texts = pages if pages is not None else ["Cover of the record file.", "Mutation of khasra 112 in village Sirhama."]
    file_id = "".join(c if c.isalnum() or c in "-." else "_" for c in file_number)
    return RecordFile(
        file_id=file_id,
        file_number=file_number,
        file_number_raw=file_number,
        file_number_source="barcode",
        district=district,
        tehsil=tehsil,
        batch="2026-11-20",
        stack="stack-1",
        title=title,
        record_type=record_type,
        year=year,
        languages=list(languages),
        pages=[PageRecord(number=n, source=f"scan-{n:03d}.tif", source_page=1, text=text) for n, text in enumerate(texts, 1)],
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_words_find_the_page_with_a_highlighted_snippet(es_index: ElasticsearchIndex) -> None:
    # GIVEN a record file whose second page names a khasra number and a village
    es_index.add(record_file())
    es_index.refresh()
    # WHEN a record keeper searches two of its words
    result = es_index.search(SearchQuery(text="khasra Sirhama"))
    # THEN the hit says which file and which page, with both words marked in the snippet
    assert result.total == 1
    hit = result.hits[0]
    assert (hit.file_number, hit.page, hit.district, hit.tehsil) == ("REV/TSL-05/1987/0042", 2, "Anantnag", "Bijbehara")
    assert "[[khasra]]" in hit.snippet and "[[Sirhama]]" in hit.snippet
    assert "<em>" not in hit.snippet


def test_urdu_word_typed_with_arabic_letters_finds_the_urdu_ocr_page(es_index: ElasticsearchIndex) -> None:
    # GIVEN a page OCR read in Urdu letters: keheh (U+06A9), Farsi yeh (U+06CC), yeh barree (U+06D2)
    ocr_text = "انتقال اراضی موضع سری نگر۔ ملکیت کے بارے میں فیصلہ"
    es_index.add(record_file(pages=["سرورق", ocr_text], languages=("urd",)))
    es_index.refresh()
    # WHEN a user types the word with an Arabic keyboard: kaf (U+0643) and Arabic yeh (U+064A)
    typed = "ملكيت"
    assert typed != "ملکیت"
    result = es_index.search(SearchQuery(text=typed))
    # THEN the Urdu page is found, and the snippet shows the page's own spelling
    assert [hit.page for hit in result.hits] == [2]
    assert "[[ملکیت]]" in result.hits[0].snippet
    assert "کے بارے" in result.hits[0].snippet  # yeh barree is not shown folded to yeh


def test_number_in_urdu_digits_is_found_by_ascii_digits(es_index: ElasticsearchIndex) -> None:
    # GIVEN khasra numbers written in Extended Arabic-Indic and Arabic-Indic digits
    es_index.add(record_file(pages=["خسرہ نمبر ۴۵۶۷ رقبہ دو کنال", "کھاتہ نمبر ٨٩١ موضع"]))
    es_index.refresh()
    # WHEN a user types them in ASCII digits
    urdu = es_index.search(SearchQuery(text="4567"))
    arabic = es_index.search(SearchQuery(text="891"))
    # THEN each is found on its page, marked in the digits the page uses
    assert [hit.page for hit in urdu.hits] == [1]
    assert "[[۴۵۶۷]]" in urdu.hits[0].snippet
    assert [hit.page for hit in arabic.hits] == [2]
    assert "[[٨٩١]]" in arabic.hits[0].snippet


def test_hindi_word_and_devanagari_digits_are_found(es_index: ElasticsearchIndex) -> None:
    # GIVEN a Hindi page from Jammu with a year in Devanagari digits
    es_index.add(record_file(pages=["जमाबंदी वर्ष १९८७ गाँव बिश्नाह खसरा नंबर ४२"], languages=("hin",)))
    es_index.refresh()
    # WHEN searched for the Hindi word, and for the year in ASCII digits
    word = es_index.search(SearchQuery(text="जमाबंदी"))
    year = es_index.search(SearchQuery(text="1987"))
    # THEN both find the page
    assert [hit.page for hit in word.hits] == [1]
    assert "[[जमाबंदी]]" in word.hits[0].snippet
    assert [hit.page for hit in year.hits] == [1]
    assert "[[१९८७]]" in year.hits[0].snippet


def test_filters_narrow_the_hits(es_index: ElasticsearchIndex) -> None:
    # GIVEN two files that share a word but differ in every filtered field
    es_index.add(record_file("REV/TSL-05/1987/0042", ["patwari report"], tehsil="Bijbehara",
                             record_type="mutation", year=1987, languages=("eng",)))
    es_index.add(record_file("REV/TSL-07/2004/0100", ["patwari report"], district="Jammu", tehsil="Bishnah",
                             record_type="court-case", year=2004, languages=("hin",)))
    es_index.refresh()

    def numbers(**filters: object) -> list[str]:
        return sorted(hit.file_number for hit in es_index.search(SearchQuery(text="patwari", **filters)).hits)

    # THEN each filter keeps only the file it describes
    assert numbers() == ["REV/TSL-05/1987/0042", "REV/TSL-07/2004/0100"]
    assert numbers(district="Jammu") == ["REV/TSL-07/2004/0100"]
    assert numbers(tehsil="Bijbehara") == ["REV/TSL-05/1987/0042"]
    assert numbers(record_type="court-case") == ["REV/TSL-07/2004/0100"]
    assert numbers(year_from=1980, year_to=1990) == ["REV/TSL-05/1987/0042"]
    assert numbers(year_from=2000) == ["REV/TSL-07/2004/0100"]
    assert numbers(language="hin") == ["REV/TSL-07/2004/0100"]
    assert numbers(tehsil="Bijbehara", year_from=2000) == []


def test_paging_walks_through_all_hits(es_index: ElasticsearchIndex) -> None:
    # GIVEN 25 pages that share a word
    es_index.add(record_file(pages=[f"register entry {n}" for n in range(1, 26)]))
    es_index.refresh()
    # WHEN the hits are read ten at a time
    first, middle, last = (es_index.search(SearchQuery(text="register", limit=10, offset=offset))
                           for offset in (0, 10, 20))
    # THEN every page comes once, and no results page repeats another's hits
    assert first.total == middle.total == last.total == 25
    assert [len(result.hits) for result in (first, middle, last)] == [10, 10, 5]
    assert not {h.page for h in first.hits} & {h.page for h in last.hits}
    walked = [hit.page for result in (first, middle, last) for hit in result.hits]
    assert sorted(walked) == list(range(1, 26))


def test_rerun_indexes_nothing_twice(es_index: ElasticsearchIndex) -> None:
    # GIVEN a file indexed once
    es_index.add(record_file(pages=["khasra 112", "khasra 113", "khasra 114"]))
    # WHEN the batch is rerun and adds it again, then a later run splits it into fewer pages
    es_index.add(record_file(pages=["khasra 112", "khasra 113", "khasra 114"]))
    es_index.refresh()
    again = es_index.search(SearchQuery(text="khasra"))
    es_index.add(record_file(pages=["khasra 112", "khasra 113"]))
    es_index.refresh()
    shorter = es_index.search(SearchQuery(text="khasra"))
    # THEN one file, each page once, and no page left over from the longer run
    assert es_index.count() == 1
    assert again.total == 3
    assert sorted(hit.page for hit in again.hits) == [1, 2, 3]
    assert shorter.total == 2
    assert sorted(hit.page for hit in shorter.hits) == [1, 2]


def test_many_files_share_bulk_requests_and_each_is_yielded_once_all_of_it_is_in(es_settings: ElasticsearchSettings) -> None:
    # GIVEN twelve files of three pages, sent ten documents a request, two requests at once
    index = ElasticsearchIndex(es_settings, policy=BulkPolicy(max_docs=10, connections=2))
    files = [record_file(f"REV/TSL-05/1987/{n:04d}", [f"khasra entry f{n}p{p}" for p in range(1, 4)]) for n in range(12)]
    # WHEN they are indexed together, and again after file 5 was split to one page
    first = [record.file_id for record in index.add_all(files)]
    files[5] = record_file("REV/TSL-05/1987/0005", ["khasra entry f5p1"])
    again = [record.file_id for record in index.add_all(files)]
    index.refresh()
    # THEN each file came back once, in order, every page is found, and none of file 5's old pages
    assert first == again == [record.file_id for record in files]
    assert index.search(SearchQuery(text="khasra", limit=100)).total == 11 * 3 + 1
    assert index.search(SearchQuery(text="f5p1")).total == 1 and index.search(SearchQuery(text="f5p3")).total == 0
    assert index.search(SearchQuery(text="f11p3")).total == 1
    index.close()


def test_counts_past_the_exact_limit_are_estimated(es_index: ElasticsearchIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN 40 files of 5 pages sharing a word, and the exact count limited to 60 pages
    monkeypatch.setattr(queries, "COUNT_EXACT_UP_TO", 60)
    files = [record_file(f"REV/TSL-05/1987/{n:04d}", ["jamabandi copy"] * 5) for n in range(40)]
    for _ in es_index.add_all([*files, record_file("REV/TSL-05/1987/0099", ["mutation order"] * 3)]):
        pass
    es_index.refresh()
    # WHEN the word is searched, and a word of fewer pages
    common = es_index.search(SearchQuery(text="jamabandi"))
    few = es_index.search(SearchQuery(text="mutation"))
    # THEN the common word's pages and files are scaled up from the first 61 (and say so); exact below the limit
    assert common.files_estimated and 150 <= common.total <= 250 and 30 <= common.files <= 50
    assert (few.total, few.files, few.files_estimated) == (3, 1, False)


def test_lookup_is_exact_on_the_normalized_number(es_index: ElasticsearchIndex) -> None:
    es_index.add(record_file("REV/TSL-05/1987/0042"))
    es_index.add(record_file("REV/TSL-05/1987/0043"))
    es_index.refresh()
    assert es_index.lookup("REV/TSL-05/1987/0042").file_number == "REV/TSL-05/1987/0042"
    assert es_index.lookup(" rev/tsl-05/۱۹۸۷/0042 ").file_number == "REV/TSL-05/1987/0042"  # case, Urdu digits, spaces
    assert es_index.lookup("REV_TSL-05_1987_0043").file_number == "REV/TSL-05/1987/0043"  # by file_id
    assert es_index.lookup("REV/TSL-05/1987/004") is None


def test_title_is_searchable_as_page_zero(es_index: ElasticsearchIndex) -> None:
    es_index.add(record_file(title="Intiqal Sirhama 1987", pages=["body text"]))
    es_index.refresh()
    hits = es_index.search(SearchQuery(text="intiqal")).hits
    assert [(hit.page, hit.title) for hit in hits] == [(0, "Intiqal Sirhama 1987")]


def test_reindex_swaps_the_alias_and_search_and_lookup_keep_working(
    es_index: ElasticsearchIndex, es_settings: ElasticsearchSettings
) -> None:
    # GIVEN files indexed in version 1
    es_index.add(record_file("REV/TSL-05/1987/0042", ["Mutation of khasra 112 in village Sirhama."]))
    es_index.add(record_file("REV/TSL-05/1987/0043", ["ملکیت کا فیصلہ"]))
    es_index.refresh()
    client = es_index.client
    # WHEN reindexed
    report = reindex(es_settings)
    # THEN the aliases point at version 2 only, every document was copied, search and the
    # file-number permalink work as before, and version 1 is kept for a rollback
    assert (report.previous_version, report.version, report.files, report.pages) == (1, 2, 2, 2)
    prefix = es_settings.index_prefix
    assert list(client.indices.get_alias(name=f"{prefix}-files")) == [f"{prefix}-files-v2"]
    assert list(client.indices.get_alias(name=f"{prefix}-pages")) == [f"{prefix}-pages-v2"]
    assert client.indices.exists(index=f"{prefix}-files-v1")
    assert es_index.count() == 2
    assert es_index.search(SearchQuery(text="Sirhama")).hits[0].file_number == "REV/TSL-05/1987/0042"
    assert es_index.search(SearchQuery(text="ملكيت")).hits[0].file_number == "REV/TSL-05/1987/0043"
    assert es_index.lookup("REV/TSL-05/1987/0043").file_id == "REV_TSL-05_1987_0043"
    # AND writing after the swap goes to the new version, a rerun still not duplicating
    es_index.add(record_file("REV/TSL-05/1987/0042", ["Mutation of khasra 112 in village Sirhama."]))
    es_index.refresh()
    assert es_index.count() == 2
    assert client.count(index=f"{prefix}-files-v2")["count"] == 2
    assert es_index.search(SearchQuery(text="Sirhama")).total == 1
    # AND a second reindex drops version 1 and keeps version 2
    reindex(es_settings)
    assert not client.indices.exists(index=f"{prefix}-files-v1")
    assert client.indices.exists(index=f"{prefix}-files-v2")


def test_500_page_file_is_searchable_on_its_last_page(es_index: ElasticsearchIndex) -> None:
    # GIVEN a 500-page file of realistic pages, a word only on the last one
    filler = "Jamabandi entry for khewat and khatauni with owners and cultivators listed. " * 20
    pages = [f"Page {n}. {filler}" for n in range(1, 500)] + [f"{filler} The word zarkharid is here at the end."]
    es_index.add(record_file(pages=pages))
    es_index.refresh()
    # WHEN that word is searched
    result = es_index.search(SearchQuery(text="zarkharid"))
    # THEN page 500 is found with its snippet
    assert [hit.page for hit in result.hits] == [500]
    assert "[[zarkharid]]" in result.hits[0].snippet


def test_enormous_page_is_searchable_and_highlighted_at_its_end(es_index: ElasticsearchIndex) -> None:
    # GIVEN one page of 1.5 million characters (past the default 1,000,000-character highlight
    # limit), a word only at its very end
    page = "lorem ipsum dolor " * 85_000 + "mukhtarnama"
    assert len(page) > 1_500_000
    es_index.add(record_file(pages=[page]))
    es_index.refresh()
    # THEN it is found, and highlighted: nothing was truncated
    hits = es_index.search(SearchQuery(text="mukhtarnama")).hits
    assert [hit.page for hit in hits] == [1]
    assert "[[mukhtarnama]]" in hits[0].snippet


def test_unreachable_server_raises_index_unavailable() -> None:
    # GIVEN a URL where nothing listens
    settings = ElasticsearchSettings(url=f"http://127.0.0.1:{free_port()}", index_prefix="daftartest-nobody")
    index = ElasticsearchIndex(settings, policy=BulkPolicy(retries=2, backoff_seconds=0.05))
    # THEN adding, searching, looking up and counting all say the index is unavailable
    with pytest.raises(IndexUnavailable):
        index.add(record_file())
    with pytest.raises(IndexUnavailable):
        index.search(SearchQuery(text="khasra"))
    with pytest.raises(IndexUnavailable):
        index.lookup("REV/TSL-05/1987/0042")
    with pytest.raises(IndexUnavailable):
        index.count()
    index.close()


def test_rejected_document_raises_index_unavailable(es_index: ElasticsearchIndex) -> None:
    # GIVEN a record whose year the mapping cannot take
    bad = record_file()
    bad.year = "nineteen eighty-seven"  # type: ignore[assignment]
    # THEN the rejection is raised, not swallowed, so the catalog keeps the file pending
    with pytest.raises(IndexUnavailable, match="rejected"):
        es_index.add(bad)


def test_batches_are_bounded_in_documents_and_in_bytes() -> None:
    # GIVEN many small page documents, then one page far larger than a request may be
    small = [("P-pages", f"f:{n}", {"text": "khasra"}) for n in range(7)]
    huge = [("P-pages", "f:99", {"text": "x" * 100_000})]
    policy = BulkPolicy(max_docs=3, max_bytes=50_000)
    # WHEN they are cut into batches
    cut = list(batches(small + huge + small[:1], policy))
    # THEN no batch holds more than max_docs, the huge page travels alone, nothing is lost
    assert [len(batch) for batch in cut] == [3, 3, 1, 1, 1]
    assert cut[3] == huge
    assert [action for batch in cut for action in batch] == small + huge + small[:1]


# The page mapping of layout 1 (before one analysis for both backends): folded text, no terms.
LAYOUT_1_PAGE_MAPPING = {"dynamic": "strict", "properties": {
    **{name: {"type": "keyword"} for name in ("file_id", "file_number", "district", "tehsil", "record_type",
                                              "languages", "language")},
    "year": {"type": "integer"}, "page": {"type": "integer"}, "title": {"type": "keyword", "index": False},
    "text": {"type": "text", "index": False}, "text_folded": {"type": "text"}}}


def test_an_index_of_an_older_layout_is_refused_until_reindex_brings_it_over(es_settings: ElasticsearchSettings) -> None:
    # GIVEN indices of layout 1 behind the aliases, with one Urdu page in them
    names = IndexNames(es_settings.index_prefix)
    client = connect(es_settings)
    files_mapping = load_templates(names.prefix)[0][f"{names.prefix}-record-file"]["template"]["mappings"]
    client.indices.create(index=names.files_index(1), aliases={names.files_alias: {}}, mappings=files_mapping)
    client.indices.create(index=names.pages_index(1), aliases={names.pages_alias: {}}, mappings=LAYOUT_1_PAGE_MAPPING)
    record = record_file(pages=["بحق ورثاء منتقل کی جاتی ہے۔"], languages=("urd",))
    client.index(index=names.files_alias, id=record.file_id, document=file_document(record), refresh=True)
    client.index(index=names.pages_alias, id=f"{record.file_id}:1", refresh=True, document={
        "file_id": record.file_id, "file_number": record.file_number, "district": "Anantnag", "tehsil": "Bijbehara",
        "record_type": "mutation", "year": 1987, "languages": ["urd"], "title": "", "page": 1, "language": "urd",
        "text": "بحق ورثاء منتقل کی جاتی ہے۔", "text_folded": "بحق ورثا منتقل کی جاتی ہی۔"})
    index = ElasticsearchIndex(es_settings)
    # WHEN this daftar searches it, THEN it says what to do instead of answering wrongly
    with pytest.raises(IndexUnavailable, match="daftar reindex"):
        index.search(SearchQuery(text="ورثا"))
    # AND after reindex the page is found by the new analysis, its snippet in the page's spelling
    reindex(es_settings)
    index = ElasticsearchIndex(es_settings)
    hits = index.search(SearchQuery(text="ورثا")).hits
    assert [hit.page for hit in hits] == [1] and "[[ورثاء]]" in hits[0].snippet and "ہے" in hits[0].snippet
    index.close()
    client.close()
