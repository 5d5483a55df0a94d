"""The documents sent to Elasticsearch: one per record file, one per page with text, each under
an id that never changes, with the derived fields search compares (the file number's key, the
page's terms from `indexers.analysis`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from domain.model import RecordFile
from domain.text import fold
from indexers.analysis import terms


def file_number_key(file_number: str) -> str:
    """The form exact lookup compares: folded (case, digits) with white space removed, so
    'rev/tsl-05/۱۹۸۷/0042 ' finds REV/TSL-05/1987/0042."""
    return re.sub(r"\s+", "", fold(file_number))


def file_document(record: RecordFile) -> dict[str, Any]:
    return {
        "file_id": record.file_id,
        "file_number": record.file_number,
        "file_number_key": file_number_key(record.file_number),
        "file_number_raw": record.file_number_raw,
        "file_number_source": record.file_number_source,
        "district": record.district,
        "tehsil": record.tehsil,
        "batch": record.batch,
        "record_type": record.record_type,
        "year": record.year,
        "title": record.title,
        "languages": list(record.languages),
        "page_count": len(record.pages),
        "pdf": record.pdf,
        "processed_at": record.processed_at,
    }


def page_documents(record: RecordFile) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, document) for the title (page 0) and every page with text. Blank pages are left
    out, as in the embedded index: there is nothing in them to find."""
    common = {
        "file_id": record.file_id,
        "file_number": record.file_number,
        "district": record.district,
        "tehsil": record.tehsil,
        "record_type": record.record_type,
        "year": record.year,
        "languages": list(record.languages),
        "title": record.title,
    }
    if record.title.strip():
        yield page_id(record.file_id, 0), {**common, "page": 0, "language": None, **page_text(record.title)}
    for page in record.pages:
        if page.text.strip():
            doc = {**common, "page": page.number, "language": page.language, **page_text(page.text)}
            yield page_id(record.file_id, page.number), doc


def page_id(file_id: str, page: int) -> str:
    return f"{file_id}:{page}"


def page_text(text: str) -> dict[str, str]:
    """The page as OCR read it (shown in snippets) and its terms (matched)."""
    return {"text": text, "terms": terms(text)}


def refolded(source: dict[str, Any]) -> dict[str, Any]:
    """A stored document with its derived fields computed again, so a reindex also applies a
    changed analysis, not only changed mappings (and carries a page of an older layout over:
    its `text_folded` is dropped)."""
    if "text" in source:
        source = {key: value for key, value in source.items() if key != "text_folded"}
        return {**source, **page_text(source["text"])}
    if "file_number" in source:
        return {**source, "file_number_key": file_number_key(source["file_number"])}
    return source
