"""The embedded default index: SQLite FTS5 from the standard library, no server.

Each page is kept twice: its text as OCR read it (`page_text`, shown in snippets) and its terms
(`page_terms`, FTS5): the words after `indexers.analysis` (folded, stemmed), separated by spaces.
FTS5's ascii tokenizer only splits those at the spaces, so the terms matched are exactly the ones
analysis made, as in Elasticsearch. A page's FTS row has the rowid of its `page_text` row, so a
file's pages are replaced through an index, never a scan.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from domain.model import RecordFile
from indexers.analysis import (
    MAX_EXPANSIONS,
    Clause,
    distance,
    is_close,
    matcher,
    parse_query,
    terms,
    tolerance,
    tolerant_words,
)
from indexers.base import SearchHit, SearchQuery, SearchResult, Visibility
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
MIGRATIONS = [SCHEMA.format(marks=DEVANAGARI_MARKS), TERMS_SCHEMA]

_HIT_COLUMNS = "files.file_id, file_number, district, tehsil, title, year, record_type"


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
            for text, file_id, page in db.execute("SELECT text, file_id, page FROM pages").fetchall():
                self._insert_page(db, file_id, page, text)
            db.execute("DROP TABLE pages")

    @staticmethod
    def _insert_page(db: Any, file_id: str, page: int, text: str) -> None:
        row = db.execute("INSERT INTO page_text (file_id, page, text) VALUES (?, ?, ?)", (file_id, page, text)).lastrowid
        db.execute("INSERT INTO page_terms (rowid, terms) VALUES (?, ?)", (row, terms(text)))

    def add(self, record: RecordFile) -> None:
        # The title is searchable too: page 0 stands for the file as a whole.
        pages = [(0, record.title)] if record.title.strip() else []
        pages += [(page.number, page.text) for page in record.pages if page.text.strip()]
        with self._lock, transaction(self.db) as db:
            db.execute("DELETE FROM page_terms WHERE rowid IN (SELECT id FROM page_text WHERE file_id = ?)", (record.file_id,))
            db.execute("DELETE FROM page_text WHERE file_id = ?", (record.file_id,))
            db.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record.file_id, record.file_number, record.district, record.tehsil, record.title,
                 record.record_type, record.year, " ".join(record.languages)),
            )
            for number, text in pages:
                self._insert_page(db, record.file_id, number, text)

    # -- reading

    def search(self, query: SearchQuery) -> SearchResult:
        clauses = parse_query(query.text)
        if not clauses:
            return SearchResult()
        with self._lock:
            tolerant = tolerant_words(clauses, self._held)
            match = self._fts_query(clauses, tolerant)
            close_matches = tuple(sorted(tolerant))
            if match is None:  # a tolerant word with nothing close to it
                return SearchResult(close_matches=close_matches)
            where, args = filter_sql(query)
            sql_from = ("FROM page_terms JOIN page_text ON page_text.id = page_terms.rowid "
                        "JOIN files ON files.file_id = page_text.file_id "
                        f"WHERE page_terms MATCH ? {''.join(' AND ' + w for w in where)}")
            args = [match, *args]
            total, files = self.db.execute(f"SELECT count(*), count(DISTINCT page_text.file_id) {sql_from}", args).fetchone()
            rows = self.db.execute(
                f"SELECT {_HIT_COLUMNS}, page_text.page, page_text.text, bm25(page_terms) AS rank {sql_from} "
                "ORDER BY rank LIMIT ? OFFSET ?",
                [*args, query.limit, query.offset],
            ).fetchall()
        marks = matcher(clauses, tolerant)
        hits = [SearchHit(file_id=r[0], file_number=r[1], district=r[2], tehsil=r[3], title=r[4] or "", year=r[5],
                          record_type=r[6], page=r[7], snippet=snippet(r[8], marks), score=-r[9]) for r in rows]
        return SearchResult(hits=hits, total=total, files=files, close_matches=close_matches)

    def _held(self, query_terms: list[str]) -> set[str]:
        return {t for t in query_terms
                if self.db.execute("SELECT 1 FROM page_terms WHERE page_terms MATCH ? LIMIT 1", (fts_phrase((t,)),)).fetchone()}

    def _close_terms(self, query_term: str) -> list[str]:
        """Terms of the index within the word's tolerance, closest and commonest first."""
        edits = tolerance(query_term)
        first = query_term[0]
        rows = self.db.execute("SELECT term, doc FROM page_vocab WHERE term >= ? AND term < ?",
                               (first, chr(ord(first) + 1))).fetchall()
        close = [(distance(query_term, t, edits), -doc, t) for t, doc in rows
                 if abs(len(t) - len(query_term)) <= edits and is_close(query_term, t, edits)]
        return [t for _, _, t in sorted(close)[:MAX_EXPANSIONS]]

    def _fts_query(self, clauses: list[Clause], tolerant: set[str]) -> str | None:
        parts = []
        for clause in clauses:
            if clause.typed in tolerant:
                close = self._close_terms(clause.terms[0])
                if not close:
                    return None
                parts.append("(" + " OR ".join(fts_phrase((t,)) for t in close) + ")")
            else:
                parts.append(fts_phrase(clause.terms))
        return " AND ".join(parts)

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

    def close(self) -> None:
        self.db.close()


def filter_sql(query: SearchQuery) -> tuple[list[str], list[Any]]:
    """SQL conditions on `files` for the query's filters and the user's visibility."""
    where: list[str] = []
    args: list[Any] = []
    for column, value in (("district", query.district), ("tehsil", query.tehsil), ("record_type", query.record_type)):
        if value:
            where.append(f"files.{column} = ?")
            args.append(value)
    if query.year_from is not None:
        where.append("files.year >= ?")
        args.append(query.year_from)
    if query.year_to is not None:
        where.append("files.year <= ?")
        args.append(query.year_to)
    if query.language:
        where.append("(' ' || files.languages || ' ') LIKE ?")
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
        hidden.append(f"(files.district = ? AND files.record_type IN ({', '.join('?' * len(kinds))}))")
        args += [district, *kinds]
    visible = [f"NOT ({' OR '.join(hidden)})"]
    if visibility.districts:
        visible.append(f"files.district IN ({', '.join('?' * len(visibility.districts))})")
        args += visibility.districts
    for district, tehsil in visibility.tehsils:
        visible.append("(files.district = ? AND files.tehsil = ?)")
        args += [district, tehsil]
    return "(" + " OR ".join(visible) + ")", args
