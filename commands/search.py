"""Finding record files: search by words or number, and show one."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.table import Table

from commands.common import HomeOption, JsonOption, add_row, console, highlighted, load_settings, new_table, print_json
from domain.config import home_dir
from domain.errors import NotFound
from domain.file_numbers import file_number_spellings

SHOWN_FIELDS = ("file_number", "file_id", "file_number_source", "district", "tehsil", "batch", "stack", "title", "record_type", "year",
                "languages", "flags", "pdf_path")


def search(
    query: Annotated[str, typer.Argument(help='Words (English, Urdu, Hindi), a "quoted phrase", or a file number')],
    home: HomeOption = None,
    district: Annotated[Optional[str], typer.Option(help="Only this district")] = None,
    tehsil: Annotated[Optional[str], typer.Option(help="Only this tehsil")] = None,
    record_type: Annotated[Optional[str], typer.Option(help="Only this record type")] = None,
    limit: Annotated[int, typer.Option(help="Hits to show")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Find record files by words inside them (with page and snippet) or by file number."""
    from indexers import SearchQuery, open_index

    settings = load_settings()
    index = open_index(home_dir(home), settings)
    try:
        exact = next(filter(None, (index.lookup(n.normalized) for n in file_number_spellings(query, settings))), None)
        result = index.search(SearchQuery(text=query, district=district, tehsil=tehsil, record_type=record_type, limit=limit))
    finally:
        index.close()
    in_scope = exact and (not tehsil or exact.tehsil == tehsil) and (not district or exact.district == district)
    hits = ([exact] if in_scope else []) + result.hits
    if as_json:
        print_json([{"file_number": h.file_number, "file_id": h.file_id, "district": h.district, "tehsil": h.tehsil,
                     "page": h.page, "snippet": h.snippet, "title": h.title, "year": h.year} for h in hits])
        return
    if result.close_matches:
        console.print(f"showing close matches for {', '.join(result.close_matches)} (no page has it as typed)")
    if result.also_close:
        console.print(f"also showing, after the pages that have them as typed, pages with words close to {', '.join(result.also_close)}")
    if not hits:
        console.print("no matches")
        return
    table = new_table(f"{result.total} matching pages" + (" and the file with that number" if exact else ""),
                      ("file number", "tehsil", "page", "snippet"))
    for hit in hits:
        add_row(table, hit.file_number, f"{hit.district}/{hit.tehsil}", str(hit.page) if hit.page else "title",
                highlighted(hit.snippet) if hit.snippet else hit.title)
    console.print(table)


def show(
    file_number: Annotated[str, typer.Argument(help="File number in any spelling, or the archive id")],
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """A record file: its metadata, pages and the path of its archival PDF."""
    from store.archive import read_record
    from store.catalog import Catalog

    settings = load_settings()
    root = home_dir(home)
    catalog = Catalog.open(root)
    try:
        spellings = [file_number, *(n.normalized for n in file_number_spellings(file_number, settings))]
        row = next(filter(None, map(catalog.known_as, spellings)), None)  # a corrected number too
        others = [r for r in catalog.same_number(row.file_number) if r.file_id != row.file_id] if row else []
    finally:
        catalog.close()
    if row is None:
        raise NotFound(f"no record file {file_number!r}")
    record = read_record(root, row.archive_dir)
    data = record.to_json()
    data["pdf_path"] = str(root / record.pdf)
    data["same_number"] = [{"file_id": r.file_id, "district": r.district, "tehsil": r.tehsil, "batch": r.batch,
                            "processed_at": r.processed_at, "archive_dir": r.archive_dir} for r in others]
    if as_json:
        print_json(data)
        return
    if others:  # a number seen twice: every record file with it is kept; say so, and how to see each
        console.print(f"{len(others) + 1} record files have the number {record.file_number}; this is {record.file_id}. "
                      "The others (daftar show FILE_ID):")
        for other in others:
            console.print(f"  {other.file_id}  {other.district}/{other.tehsil}  batch {other.batch}  processed {other.processed_at}")
    table = Table(show_header=False, title=f"record file {record.file_number}")
    for key in SHOWN_FIELDS:
        value = data[key]
        add_row(table, key, ", ".join(value) if isinstance(value, list) else str(value if value is not None else ""))
    console.print(table)
    pages = new_table("pages", ("page", "source", "skew°", "blank", "text"))
    for page in record.pages:
        add_row(pages, str(page.number), f"{page.source} p{page.source_page}", f"{page.skew_degrees:.1f}", "yes" if page.blank else "",
                page.text[:80].replace("\n", " "))
    console.print(pages)
