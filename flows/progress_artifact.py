"""Publish the district progress table as Prefect artifacts after a night's batch.

The figures are `pipeline.progress`'s, the same as `daftar progress` and the dashboard; this module
only hands them to Prefect, so that whoever watches the flow runs sees the Deputy Commissioner's table.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from uuid import UUID

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from domain.config import Settings
from pipeline.progress import ROW_FIELDS, district_progress, progress_markdown, progress_row
from store.catalog import Catalog

MARKDOWN_KEY = "district-progress"  # one key, so Prefect keeps the history night after night
TABLE_KEY = "district-progress-table"


def publish_progress_artifact(home: Path, settings: Settings, today: dt.date | None = None) -> tuple[UUID, UUID]:
    """Publish every district's progress on `today` (default: the date today) as a Markdown
    artifact (one table per district, for people) and a table artifact (a row per tehsil and per
    district total, for sorting). Call it at the end of the nightly flow; returns the artifact ids."""
    today = today or dt.date.today()
    catalog = Catalog.open(Path(home))
    try:
        districts = district_progress(catalog, settings, today)
    finally:
        catalog.close()
    summary = "; ".join(f"{d.district}: {d.files_done:,} of {d.target_files:,} files, {d.status.label}" for d in districts)
    markdown_id = create_markdown_artifact(
        key=MARKDOWN_KEY, markdown=progress_markdown(districts), description=f"Scanning progress on {today}: {summary}",
    )
    rows = [{name: progress_row(row)[name] for name in ROW_FIELDS} for d in districts for row in (*d.tehsils, d)]
    table_id = create_table_artifact(key=TABLE_KEY, table=rows, description=f"Scanning progress on {today}")
    return markdown_id, table_id
