"""The embedded default index: SQLite FTS5 from the standard library, no server.

Page text is stored folded (domain.text.fold without lower-casing: FTS5's unicode61 tokenizer
lower-cases itself), so snippets stay readable while Urdu letter variants and Urdu/Hindi digits
match what a user types.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from indexers.base import SearchHit, SearchQuery, SearchResult
from store.database import open_database, transaction
from domain.model import RecordFile
from domain.text import fold

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
# unicode61 splits words at spacing vowel signs (category Mc): "स्थायी" would be "स्थाय" + "ी".
# Every Devanagari sign and mark is made part of the word.
DEVANAGARI_MARKS = "".join(chr(c) for c in [*range(0x0900, 0x0904), *range(0x093A, 0x0950), *range(0x0951, 0x0958), 0x0962, 0x0963])

def fts_query(text: str) -> str:
    """User words to an FTS5 query: every word must match; "quoted phrases" stay phrases.
    Each token is quoted so FTS5 operators typed by a user are taken as words."""
    parts = []
    for phrase, word in re.findall(r'"([^"]+)"|(\S+)', fold(text)):
        # Inside quotes FTS5 splits the words with the index's own tokenizer; a part with no
        # letter or digit would be an empty phrase.
        if any(ch.isalnum() for ch in phrase or word):
            parts.append('"' + (phrase or word).replace('"', '""') + '"')
    return " AND ".join(parts)


class EmbeddedIndex:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()  # one connection shared by the flow's worker threads
        self.db = open_database(path, [SCHEMA.format(marks=DEVANAGARI_MARKS)])  # migration 1: the schema as first released

    def add(self, record: RecordFile) -> None:
        # The title is searchable too: page 0 stands for the file as a whole.
        rows = [(fold(record.title, lower=False), record.file_id, 0)] if record.title else []
        rows += [(fold(page.text, lower=False), record.file_id, page.number) for page in record.pages if page.text.strip()]
        with self._lock, transaction(self.db) as db:
            db.execute("DELETE FROM pages WHERE file_id = ?", (record.file_id,))
            db.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record.file_id, record.file_number, record.district, record.tehsil, record.title,
                 record.record_type, record.year, " ".join(record.languages)),
            )
            db.executemany("INSERT INTO pages (text, file_id, page) VALUES (?, ?, ?)", rows)

    def search(self, query: SearchQuery) -> SearchResult:
        match = fts_query(query.text)
        if not match:
            return SearchResult()
        where, args = ["pages MATCH ?"], [match]
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
        sql_from = f"FROM pages JOIN files ON files.file_id = pages.file_id WHERE {' AND '.join(where)}"
        with self._lock:
            total = self.db.execute(f"SELECT count(*) {sql_from}", args).fetchone()[0]
            rows = self.db.execute(
                "SELECT files.file_id, file_number, district, tehsil, title, year, record_type, pages.page, "
                f"snippet(pages, 0, '[[', ']]', ' … ', 24), bm25(pages) AS rank {sql_from} "
                "ORDER BY rank LIMIT ? OFFSET ?",
                [*args, query.limit, query.offset],
            ).fetchall()
        hits = [
            SearchHit(file_id=r[0], file_number=r[1], district=r[2], tehsil=r[3], title=r[4] or "", year=r[5],
                      record_type=r[6], page=r[7], snippet=r[8], score=-r[9])
            for r in rows
        ]
        return SearchResult(hits=hits, total=total)

    def lookup(self, file_number: str) -> SearchHit | None:
        with self._lock:
            row = self.db.execute(
                "SELECT file_id, file_number, district, tehsil, title, year, record_type FROM files "
                "WHERE file_number = ? OR file_id = ?",
                (file_number, file_number),
            ).fetchone()
        if row is None:
            return None
        return SearchHit(file_id=row[0], file_number=row[1], district=row[2], tehsil=row[3], title=row[4] or "",
                         year=row[5], record_type=row[6], page=1, snippet="")

    def count(self) -> int:
        with self._lock:
            return self.db.execute("SELECT count(*) FROM files").fetchone()[0]

    def close(self) -> None:
        self.db.close()
