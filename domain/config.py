"""Configuration: validated data, loaded once, passed down, never edited in flight.

`configs/settings.yaml` holds the installation-wide settings; `configs/districts/*.yaml` hold one
district each (its tehsils, languages, file-number patterns, targets and deadlines). Every
installation setting can be overridden from the environment (see `Settings.load`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FileNumberPattern(Frozen):
    """One way a district writes its file numbers.

    `regex` must use named groups; `office`, `section`, `year` and `serial` are understood.
    `normalized` is a format string over those groups giving the canonical spelling;
    `serial_width` zero-pads the serial.
    """

    name: str
    regex: str
    normalized: str = "{office}/{section}/{year}/{serial}"
    serial_width: int = 4
    year_range: tuple[int, int] = (1850, 2100)
    check_digit: Literal["none", "luhn", "mod10", "mod11", "mod97"] = Field(
        "none", description="validate the regex's `check` group with this algorithm")

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        re.compile(value)
        return value


class Tehsil(Frozen):
    """A tehsil and its scanning plan. The target and deadline answer one question for the
    Deputy Commissioner: will this tehsil's legacy files all be scanned in time?"""

    name: str
    target_files: int = Field(0, description="legacy record files this tehsil must scan")
    target_pages: int | None = Field(None, description="optional page target")
    start: dt.date | None = Field(None, description="first day of scanning")
    deadline: dt.date | None = Field(None, description="date by which the target must be met")
    languages: list[str] | None = Field(None, description="overrides the district's languages")


class District(Frozen):
    name: str
    languages: list[str] = ["eng", "urd"]
    file_number_patterns: list[FileNumberPattern] = []
    separator_pattern: str = r"^(SEP|SEPARATOR)([-_ ].*)?$"
    restricted_record_types: list[str] = []
    record_type_keywords: dict[str, list[str]] = {}
    tehsils: list[Tehsil] = []

    def tehsil(self, name: str) -> Tehsil:
        for tehsil in self.tehsils:
            if tehsil.name == name:
                return tehsil
        return Tehsil(name=name)

    def languages_for(self, tehsil: str) -> list[str]:
        return self.tehsil(tehsil).languages or self.languages


class IntakeSettings(Frozen):
    settle_seconds: float = Field(30.0, description="a source younger than this is still being copied in")
    max_source_bytes: int = Field(2 * 1024**3, description="larger sources are quarantined")
    max_page_pixels: int = Field(60_000_000, description="larger pages are quarantined (decompression bombs)")


class CleaningSettings(Frozen):
    deskew: bool = True
    max_skew_degrees: float = 15.0
    fix_orientation: bool = True
    blank_ink_ratio: float = Field(0.0003, description="pages with less ink than this are blank (measured: bench/deskew.py --blank)")


class OcrSettings(Frozen):
    dpi: int = 300
    tesseract_timeout: float = 300.0
    # Tesseract page segmentation: 3 (automatic), and 6 (one uniform block) on Arabic-script
    # pages, where it kept 77-95% of the words of the sample Urdu pages that 3 dropped whole
    # lines of (60-85%).
    page_segmentation: int = Field(3, ge=0, le=13)
    page_segmentation_arabic: int = Field(6, ge=0, le=13)
    low_confidence: float = Field(60.0, description="pages below this mean word confidence are flagged")


class ElasticsearchSettings(Frozen):
    url: str = "http://127.0.0.1:9200"
    api_key: str | None = None
    username: str | None = None
    password: str | None = None
    ca_certs: str | None = None
    index_prefix: str = "daftar"


class IndexSettings(Frozen):
    backend: Literal["embedded", "elasticsearch"] = "embedded"
    elasticsearch: ElasticsearchSettings = ElasticsearchSettings()


class Settings(Frozen):
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1)
    intake: IntakeSettings = IntakeSettings()
    cleaning: CleaningSettings = CleaningSettings()
    ocr: OcrSettings = OcrSettings()
    index: IndexSettings = IndexSettings()
    districts: dict[str, District] = {}

    def district(self, name: str) -> District:
        return self.districts.get(name) or District(name=name)

    @classmethod
    def load(cls, config_dir: Path | None = None) -> "Settings":
        """Read settings.yaml and districts/*.yaml, then apply environment overrides:
        DAFTAR_CONFIG (folder), DAFTAR_INDEX, DAFTAR_ES_URL, DAFTAR_ES_API_KEY, DAFTAR_ES_USER,
        DAFTAR_ES_PASSWORD, DAFTAR_ES_CA_CERTS, DAFTAR_SETTLE_SECONDS, DAFTAR_WORKERS."""
        folder = Path(config_dir or os.environ.get("DAFTAR_CONFIG") or CONFIG_DIR)
        data: dict = {}
        main = folder / "settings.yaml"
        if main.exists():
            data = yaml.safe_load(main.read_text(encoding="utf-8")) or {}
        districts = {}
        for path in sorted((folder / "districts").glob("*.yaml")):
            district = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            districts[district["name"]] = district
        data["districts"] = districts
        _apply_env(data)
        return cls.model_validate(data)


def _apply_env(data: dict) -> None:
    env = os.environ
    index = data.setdefault("index", {})
    es = index.setdefault("elasticsearch", {})
    if "DAFTAR_INDEX" in env:
        index["backend"] = env["DAFTAR_INDEX"]
    for var, key in [
        ("DAFTAR_ES_URL", "url"),
        ("DAFTAR_ES_API_KEY", "api_key"),
        ("DAFTAR_ES_USER", "username"),
        ("DAFTAR_ES_PASSWORD", "password"),
        ("DAFTAR_ES_CA_CERTS", "ca_certs"),
    ]:
        if var in env:
            es[key] = env[var]
    if "DAFTAR_SETTLE_SECONDS" in env:
        data.setdefault("intake", {})["settle_seconds"] = float(env["DAFTAR_SETTLE_SECONDS"])
    if "DAFTAR_WORKERS" in env:
        data["workers"] = int(env["DAFTAR_WORKERS"])


def home_dir(home: Path | str | None = None) -> Path:
    """All state lives under one home: --home, else DAFTAR_HOME, else ./daftar-home."""
    return Path(home or os.environ.get("DAFTAR_HOME") or "daftar-home").resolve()
