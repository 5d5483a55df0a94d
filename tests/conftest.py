"""Shared fixtures. Tests use the real parts: Tesseract, OCRmyPDF, Prefect, SQLite, and a real
Elasticsearch when DAFTAR_ES_URL is set (scripts/test.sh starts one)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from domain.config import Settings

pytest_plugins = ["tests.es_fixtures", "tests.web_fixtures", "tests.postgres_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLES = ROOT / "sample_scans"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return CORPUS


@pytest.fixture
def settings() -> Settings:
    """The repository's configs, with no settle time (test files are written just now)."""
    loaded = Settings.load()
    return loaded.model_copy(update={"workers": os.cpu_count() or 1,
                                     "intake": loaded.intake.model_copy(update={"settle_seconds": 0})})


def copy_stack(source: Path, batch: Path) -> Path:
    """Copy a sample stack (file or folder) into a batch folder, with an old mtime so it has settled."""
    batch.mkdir(parents=True, exist_ok=True)
    target = batch / source.name
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copy2(source, target)
    old = time.time() - 3600
    for path in [target, *target.rglob("*")] if target.is_dir() else [target]:
        os.utime(path, (old, old))
    return target
