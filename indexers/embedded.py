"""The embedded default index: SQLite FTS5 from the standard library, no server.

Each page is kept twice: its text as OCR read it (`page_text`, shown in snippets) and its terms
(`page_terms`, FTS5): the words after `indexers.analysis` (folded, stemmed), separated by spaces.
FTS5's ascii tokenizer only splits those at the spaces, so the terms matched are exactly the ones
analysis made, as in Elasticsearch. A page's FTS row has the rowid of its `page_text` row, so a
file's pages are replaced through an index, never a scan.

At state scale (a million pages) a common word matches most pages, and scoring or joining every
one of them costs seconds. So a search reads each match once, newest first, from `page_scope` (a
narrow copy of each page's file and filter fields, so the big text rows are never read to filter):
pages are ranked by BM25 within consecutive windows of RANK_WINDOW matching pages, newest window
first, and counted exactly up to COUNT_EXACT_UP_TO matches; beyond that the counts are estimated
(`files_estimated`) from how densely the counted matches lie among all pages. A search with fewer
matches than the window (any tehsil's archive, any rare word) is ranked and counted as a whole.
What still grows with the archive is BM25's IDF: FTS5 counts each query word's pages on every
search (at a million pages, 32 ms of CPU for a word on 60% of them; README, Search).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from domain.model import RecordFile
from indexers.analysis import (
    MAX_EXPANSIONS,
    Clause,
    matcher,
    parse_query,
    terms,
    tolerance,
    tolerant_words,
    widened_words,
    widening,
)
from indexers.base import IndexHealth, SearchHit, SearchQuery, SearchResult, Visibility
from indexers.snippets import snippet
from store.database import open_database, transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    file_id TEXT PRIMARY KEY,
    file_number TEXT NOT NULL,
    district TEXT NOT NULL,
    tehsil TEXT NOT NULL,
    title TEXT,
    record_type TEXT,
    year INTEGER,
    languages TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_number ON files (file_number);
CREATE VIRTUAL TABLE IF NOT EXISTS pages USING fts5(
    text, file_id UNINDEXED, page UNINDEXED, tokenize = "unicode61 remove_diacritics 0 tokenchars '{marks}'"
);
"""
# Migration 1 (as first released) split words at spacing vowel signs unless told otherwise.
DEVANAGARI_MARKS = "".join(chr(c) for c in [*range(0x0900, 0x0904), *range(0x093A, 0x0950), *range(0x0951, 0x0958), 0x0962, 0x0963])

# Migration 2: one analysis for both backends. The folded `pages` table of migration 1 is carried
# over by `_carry_over_folded_pages` (Python: terms need the analysis) and then dropped.
TERMS_SCHEMA = """
CREATE TABLE IF NOT EXISTS page_text (
    id INTEGER PRIMARY KEY,
    file_id TEXT NOT NULL,
    page INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS page_text_file ON page_text (file_id);
CREATE VIRTUAL TABLE IF NOT EXISTS page_terms USING fts5(terms, tokenize = 'ascii');
CREATE VIRTUAL TABLE IF NOT EXISTS page_vocab USING fts5vocab(page_terms, row);
CREATE INDEX IF NOT EXISTS files_place ON files (district, tehsil);
"""
# Migration 3: each page's file and filter fields beside its id, so filtering never reads page text;
# and the terms pages ever had, for close matches (fts5vocab counts a term's pages as it lists it,
# which costs a read of every common term's whole doclist), keyed by the first letter a close term
# shares (FUZZY_PREFIX) and its length, the two things a close term is looked up by.
SCOPE_SCHEMA = """
CREATE TABLE IF NOT EXISTS page_scope (
    id INTEGER PRIMARY KEY,
    file_id TEXT NOT NULL,
    district TEXT NOT NULL,
    tehsil TEXT NOT NULL,
    record_type TEXT,
    year INTEGER,
    languages TEXT NOT NULL
);
INSERT INTO page_scope SELECT page_text.id, files.file_id, district, tehsil, record_type, year, languages
    FROM page_text JOIN files ON files.file_id = page_text.file_id;
CREATE TABLE IF NOT EXISTS page_vocabulary (
    first TEXT NOT NULL,
    length INTEGER NOT NULL,
    term TEXT NOT NULL,
    PRIMARY KEY (first, length, term)
) WITHOUT ROWID;
INSERT OR IGNORE INTO page_vocabulary SELECT substr(term, 1, 1), length(term), term FROM page_vocab;
"""
MIGRATIONS = [SCHEMA.format(marks=DEVANAGARI_MARKS), TERMS_SCHEMA, SCOPE_SCHEMA]

_HIT_COLUMNS = "files.file_id, file_number, district, tehsil, title, year, record_type"
RANK_WINDOW = 1_000  # matching pages ranked together, newest window first
COUNT_EXACT_UP_TO = 5_000  # matching pages counted exactly; beyond, pages and files are estimated


def fts_phrase(words: tuple[str, ...]) -> str:
    # Terms are letters and digits only, so quoting needs no escaping.
    return '"' + " ".join(words) + '"'


class EmbeddedIndex:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()  # one connection shared by the flow's worker threads
        self.db = open_database(path, MIGRATIONS)
        self._carry_over_folded_pages()

    def _carry_over_folded_pages(self) -> None:
        """A home indexed before migration 2 keeps its pages searchable: their stored (folded)
        text is analyzed into terms. Its snippets show that folded text until `daftar reindex`."""
        exists = "SELECT 1 FROM sqlite_master WHERE name = 'pages'"
        if not self.db.execute(exists).fetchone():
            return  # the usual case: no write lock taken
        with self._lock, transaction(self.db) as db:
            if not db.execute(exists).fetchone():
                return  # another process carried them over first
            carried: dict[str, list[tuple[int, str]]] = {}
            for text, file_id, page in db.execute("SELECT text, file_id, page FROM pages").fetchall():
                carried.setdefault(file_id, []).append((page, text))
            for file_id, pages in carried.items():
                self._insert_pages(db, file_id, pages)
            db.execute("DROP TABLE pages")

    @staticmethod
    def _insert_pages(db: Any, file_id: str, pages: list[tuple[int, str]]) -> None:
        """The pages' text, terms and scope (from the file's `files` row, written first), and their
        terms in the vocabulary. A term no page has any more stays there: a close term that
        matches nothing, never a page that should not be found."""
        vocabulary: set[str] = set()
        for page, text in pages:
            row = db.execute("INSERT INTO page_text (file_id, page, text) VALUES (?, ?, ?)", (file_id, page, text)).lastrowid
            page_terms = terms(text)
            db.execute("INSERT INTO page_terms (rowid, terms) VALUES (?, ?)", (row, page_terms))
            db.execute("INSERT INTO page_scope SELECT ?, file_id, district, tehsil, record_type, year, languages "
                       "FROM files WHERE file_id = ?", (row, file_id))
            vocabulary.update(page_terms.split())
        db.executemany("INSERT OR IGNORE INTO page_vocabulary VALUES (?, ?, ?)", ((t[0], len(t), t) for t in vocabulary))

    @staticmethod
    def _delete_file(db: Any, file_id: str) -> None:
        pages = "SELECT id FROM page_text WHERE file_id = ?"
        db.execute(f"DELETE FROM page_terms WHERE rowid IN ({pages})", (file_id,))
        db.execute(f"DELETE FROM page_scope WHERE id IN ({pages})", (file_id,))
        db.execute("DELETE FROM page_text WHERE file_id = ?", (file_id,))

    def add(self, record: RecordFile) -> None:
        # The title is searchable too: page 0 stands for the file as a whole.
        pages = [(0, record.title)] if record.title.strip() else []
        pages += [(page.number, page.text) for page in record.pages if page.text.strip()]
        with self._lock, transaction(self.db) as db:
            self._delete_file(db, record.file_id)
            db.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record.file_id, record.file_number, record.district, record.tehsil, record.title,
                 record.record_type, record.year, " ".join(record.languages)),
            )
            self._insert_pages(db, record.file_id, pages)

    def add_all(self, records: Iterable[RecordFile]) -> Iterator[RecordFile]:
        # One transaction a file: a file is committed, and so searchable, before it is yielded.
        for record in records:
            self.add(record)
            yield record

    def remove(self, file_id: str) -> None:
        with self._lock, transaction(self.db) as db:
            self._delete_file(db, file_id)
            db.execute("DELETE FROM files WHERE file_id = ?", (file_id,))

    # -- reading

    def search(self, query: SearchQuery) -> SearchResult:
        clauses = parse_query(query.text)
        if not clauses:
            return SearchResult()
        with self._lock:
            tolerant = tolerant_words(clauses, self._held)
            close = {clause.typed: self._close_terms(clause.terms[0], tolerance(clause.terms[0]))
                     for clause in clauses if clause.typed in tolerant}
            if not all(close.values()):  # a tolerant word with nothing close to it
                return SearchResult(close_matches=tuple(sorted(tolerant)))
            wide = widened_words(clauses, tolerant)
            widened = {clause.typed: others for clause in clauses if clause.typed in wide
                       if (others := [t for t in self._close_terms(clause.terms[0], widening(clause.terms[0]))
                                      if t != clause.terms[0]])}
            where, args = filter_sql(query)
            # Newest first: FTS5 reads its matches in descending rowid order and stops at the LIMIT.
            matches = (f"FROM page_terms JOIN page_scope ON page_scope.id = page_terms.rowid WHERE page_terms MATCH ? "
                       f"{''.join(' AND ' + w for w in where)} ORDER BY page_terms.rowid DESC")
            as_typed = fts_query(clauses, close)
            every = fts_query(clauses, close, widened)
            # Pages with every widened word as typed first, then those with a close match only.
            tiers = [as_typed] if every == as_typed else [as_typed, f"({every}) NOT ({as_typed})"]
            ranked, in_hand = self._ranked(matches, tiers, args, query.offset, query.limit)
            rows = self._hit_rows([page_id for page_id, _, _ in ranked])
            total, files, estimated = in_hand or self._counted(matches, [every, *args])
            shown_close = {typed for typed in widened if self._exists(matches, [close_only(clauses, close, widened, typed), *args])}
        marks = matcher(clauses, tolerant, shown_close)
        hits = [SearchHit(file_id=r[0], file_number=r[1], district=r[2], tehsil=r[3], title=r[4] or "", year=r[5],
                          record_type=r[6], page=r[7], snippet=snippet(r[8], marks), score=-score)
                for (page_id, score, _) in ranked for r in [rows[page_id]]]
        return SearchResult(hits=hits, total=total, files=files, files_estimated=estimated,
                            close_matches=tuple(sorted(tolerant)), also_close=tuple(sorted(shown_close)))

    def _ranked(self, matches: str, tiers: list[str], args: list[Any], offset: int,
                limit: int) -> tuple[list[Any], tuple[int, int, bool] | None]:
        """The matches offset..offset+limit, each tier's after the one before; and the counts when
        every match of a single tier is in hand (no count query needed)."""
        ranked: list[Any] = []
        for n, tier in enumerate(tiers):
            windows = self._windows(matches, [tier, *args], offset, limit)
            start = offset % RANK_WINDOW
            got = [row for window in windows for row in window][start:start + limit]
            ranked += got
            if len(tiers) == 1 and offset < RANK_WINDOW and len(windows[0]) < RANK_WINDOW:
                return ranked, (len(windows[0]), len({file_id for _, _, file_id in windows[0]}), False)
            if len(got) == limit or n == len(tiers) - 1:
                break
            tier_pages, _, estimated = self._counted(matches, [tier, *args])
            if estimated:  # more exact matches than anyone reads: the close ones after them are never reached
                break
            offset, limit = max(0, offset - tier_pages), limit - len(got)
        return ranked, None

    def _exists(self, matches: str, args: list[Any]) -> bool:
        return self.db.execute(f"SELECT 1 {matches} LIMIT 1", args).fetchone() is not None

    def _windows(self, matches: str, args: list[Any], offset: int, limit: int) -> list[list[Any]]:
        """The windows of RANK_WINDOW matches that hold matches offset..offset+limit, newest window
        first, each as (page id, BM25, file id) best first: paging on never shows a page twice."""
        first = offset // RANK_WINDOW
        return [self.db.execute(
            f"SELECT id, score, file_id FROM (SELECT page_scope.id AS id, bm25(page_terms) AS score, "
            f"page_scope.file_id AS file_id {matches} LIMIT ? OFFSET ?) ORDER BY score, id DESC",
            [*args, RANK_WINDOW, window * RANK_WINDOW]).fetchall()
            for window in range(first, (offset + max(limit, 1) - 1) // RANK_WINDOW + 1)]

    def _hit_rows(self, page_ids: list[int]) -> dict[int, Any]:
        rows = self.db.execute(
            f"SELECT page_text.id, {_HIT_COLUMNS}, page_text.page, page_text.text FROM page_text "
            f"JOIN files ON files.file_id = page_text.file_id WHERE page_text.id IN ({', '.join('?' * len(page_ids))})",
            page_ids).fetchall()
        return {row[0]: row[1:] for row in rows}

    def _counted(self, matches: str, args: list[Any]) -> tuple[int, int, bool]:
        """(pages, files, estimated): exact up to COUNT_EXACT_UP_TO matching pages; beyond, both are
        scaled up by how densely those matches lie among all pages (ids grow as pages are added)."""
        pages, files, oldest, newest = self.db.execute(
            f"SELECT count(*), count(DISTINCT file_id), min(id), max(id) FROM "
            f"(SELECT page_scope.id AS id, page_scope.file_id AS file_id {matches} LIMIT ?)",
            [*args, COUNT_EXACT_UP_TO + 1]).fetchone()
        if pages <= COUNT_EXACT_UP_TO:
            return pages, files, False
        first_page = self.db.execute("SELECT min(id) FROM page_scope").fetchone()[0]
        scale = (newest - first_page + 1) / (newest - oldest + 1)
        return round(pages * scale), round(files * scale), True

    def _held(self, query_terms: list[str]) -> set[str]:
        return {t for t in query_terms
                if self.db.execute("SELECT 1 FROM page_terms WHERE page_terms MATCH ? LIMIT 1", (fts_phrase((t,)),)).fetchone()}

    def _close_terms(self, query_term: str, edits: int) -> list[str]:
        """Terms of the vocabulary within `edits` of the word (same first letter), closest first.
        At a million pages a word has some ten thousand candidates: they are read as one string and
        measured in C (`analysis.distance`'s measure, OSA), not row by row in Python."""
        (candidates,) = self.db.execute(
            "SELECT group_concat(term, ' ') FROM page_vocabulary WHERE first = ? AND length BETWEEN ? AND ?",
            (query_term[0], len(query_term) - edits, len(query_term) + edits)).fetchone()
        close = process.extract(query_term, (candidates or "").split(), scorer=OSA.distance, score_cutoff=edits, limit=None)
        return [t for _, t in sorted((d, t) for t, d, _ in close)[:MAX_EXPANSIONS]]

    def lookup(self, file_number: str) -> SearchHit | None:
        with self._lock:
            row = self.db.execute(f"SELECT {_HIT_COLUMNS} FROM files WHERE file_number = ? OR file_id = ?",
                                  (file_number, file_number)).fetchone()
        if row is None:
            return None
        return SearchHit(file_id=row[0], file_number=row[1], district=row[2], tehsil=row[3], title=row[4] or "",
                         year=row[5], record_type=row[6], page=1, snippet="")

    def count(self) -> int:
        with self._lock:
            return self.db.execute("SELECT count(*) FROM files").fetchone()[0]

    def health(self) -> IndexHealth:
        return IndexHealth(True, f"{self.count()} record files")

    def close(self) -> None:
        self.db.close()


def fts_query(clauses: list[Clause], close: dict[str, list[str]], widened: dict[str, list[str]] | None = None) -> str:
    """Every clause: a tolerant word by its close terms, a widened word as typed or by its close
    terms, anything else as typed."""
    parts = []
    for clause in clauses:
        if clause.typed in close:
            parts.append("(" + " OR ".join(fts_phrase((t,)) for t in close[clause.typed]) + ")")
        elif widened and clause.typed in widened:
            parts.append("(" + " OR ".join(fts_phrase((t,)) for t in [clause.terms[0], *widened[clause.typed]]) + ")")
        else:
            parts.append(fts_phrase(clause.terms))
    return " AND ".join(parts)


def close_only(clauses: list[Clause], close: dict[str, list[str]], widened: dict[str, list[str]], typed: str) -> str:
    """The pages where the widened word `typed` matched closely but not as typed. Its close terms
    (rare, as misreadings are) lead, so FTS5 seeks through the word's own pages, never reads them all."""
    others = {word: terms for word, terms in widened.items() if word != typed}
    as_typed = next(clause.terms[0] for clause in clauses if clause.typed == typed)
    return f"({fts_query(clauses, {**close, typed: widened[typed]}, others)}) NOT {fts_phrase((as_typed,))}"


def filter_sql(query: SearchQuery) -> tuple[list[str], list[Any]]:
    """SQL conditions on `page_scope` for the query's filters and the user's visibility."""
    where: list[str] = []
    args: list[Any] = []
    for column, value in (("district", query.district), ("tehsil", query.tehsil), ("record_type", query.record_type)):
        if value:
            where.append(f"page_scope.{column} = ?")
            args.append(value)
    if query.year_from is not None:
        where.append("page_scope.year >= ?")
        args.append(query.year_from)
    if query.year_to is not None:
        where.append("page_scope.year <= ?")
        args.append(query.year_to)
    if query.language:
        where.append("(' ' || page_scope.languages || ' ') LIKE ?")
        args.append(f"% {query.language} %")
    if query.visibility is not None:
        condition, values = visibility_sql(query.visibility)
        where.append(condition)
        args += values
    return where, args


def visibility_sql(visibility: Visibility) -> tuple[str, list[Any]]:
    """Not restricted, or inside the user's places (see Visibility)."""
    restricted = [(district, kinds) for district, kinds in visibility.restricted if kinds]
    if not restricted:
        return "1", []
    args: list[Any] = []
    hidden = []
    for district, kinds in restricted:
        hidden.append(f"(page_scope.district = ? AND page_scope.record_type IN ({', '.join('?' * len(kinds))}))")
        args += [district, *kinds]
    visible = [f"NOT ({' OR '.join(hidden)})"]
    if visibility.districts:
        visible.append(f"page_scope.district IN ({', '.join('?' * len(visibility.districts))})")
        args += visibility.districts
    for district, tehsil in visibility.tehsils:
        visible.append("(page_scope.district = ? AND page_scope.tehsil = ?)")
        args += [district, tehsil]
    return "(" + " OR ".join(visible) + ")", args
