"""Configuration: validated data, loaded once, passed down, never edited in flight.

`configs/settings.yaml` holds the installation-wide settings; `configs/districts/*.yaml` hold one
district each (its tehsils, languages, file-number patterns, targets and deadlines). Every
installation setting can be overridden from the environment (see `Settings.load`).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
import string
import unicodedata
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from domain.config_files import (
    ConfigProblem,
    YamlDocument,
    describe_problems,
    field_path,
    read_yaml,
    validation_problems,
)
from domain.errors import ConfigInvalid

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"


def name_key(name: str) -> str:
    """The one key a district or tehsil name is known by: folders and configs spell names as
    people type them ("Dooru Verinag", "dooru-verinag", "DOORU_VERINAG"), so case, spaces,
    hyphens and underscores do not count. Progress, filters and archive folders use this key;
    the name shown is the configured one (or the folder's, where nothing is configured)."""
    return re.sub(r"[\s_-]+", "", unicodedata.normalize("NFKC", name)).casefold()


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
    normalized: str = Field("{office}/{section}/{year}/{serial}", validate_default=True)  # checked against the regex's groups
    serial_width: int = 4
    year_range: tuple[int, int] = (1850, 2100)
    check_digit: Literal["none", "luhn", "mod10", "mod11", "mod97"] = Field(
        "none", description="validate the regex's `check` group with this algorithm")

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        return _compiled_regex(value)

    @field_validator("normalized", "check_digit")
    @classmethod
    def _uses_groups_of_the_regex(cls, value: str, info: ValidationInfo) -> str:
        if "regex" not in info.data:
            return value  # the regex itself is wrong, and reported
        groups = set(re.compile(info.data["regex"]).groupindex)
        if info.field_name == "check_digit":
            if value != "none" and "check" not in groups:
                raise ValueError(f"check_digit {value} needs a group (?P<check>...) in the regex")
            return value
        for field in _format_fields(value):
            if field not in groups:
                raise ValueError(f"{value!r} names {{{field}}} but the regex has no group (?P<{field}>...); "
                                 f"its groups: {', '.join(sorted(groups)) or 'none'}")
        return value


def _compiled_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"the regular expression does not compile: {error.msg} at position {error.pos}; "
                         "fix it (in YAML, write it in single quotes)") from None
    return value


def _format_fields(template: str) -> list[str]:
    """The group names a `normalized` format uses (`{serial:>04}` uses `serial`)."""
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
    except ValueError as error:
        raise ValueError(f"`normalized` is not a format: {error}; write groups as {{office}}, {{serial}}") from None
    if "" in fields or any(field.isdigit() for field in fields):
        raise ValueError("`normalized` must name its groups, as {office}/{serial}, not {} or {0}")
    return [re.split(r"[.\[]", field, maxsplit=1)[0] for field in fields]


class Tehsil(Frozen):
    """A tehsil and its scanning plan. The target and deadline answer one question for the
    Deputy Commissioner: will this tehsil's legacy files all be scanned in time?"""

    name: str
    target_files: int = Field(0, description="legacy record files this tehsil must scan")
    target_pages: int | None = Field(None, description="optional page target")
    start: dt.date | None = Field(None, description="first day of scanning")
    deadline: dt.date | None = Field(None, description="date by which the target must be met")
    languages: list[str] | None = Field(None, description="overrides the district's languages")

    @model_validator(mode="after")
    def _deadline_after_start(self) -> "Tehsil":
        if self.start and self.deadline and self.deadline < self.start:
            raise ValueError(f"deadline {self.deadline} is before start {self.start}: correct one of them")
        return self


class District(Frozen):
    name: str
    languages: list[str] = ["eng", "urd"]
    file_number_patterns: list[FileNumberPattern] = []
    separator_pattern: str = r"^(SEP|SEPARATOR)([-_ ].*)?$"
    restricted_record_types: list[str] = []
    record_type_keywords: dict[str, list[str]] = {}
    tehsils: list[Tehsil] = []

    @field_validator("separator_pattern")
    @classmethod
    def _separator_compiles(cls, value: str) -> str:
        return _compiled_regex(value)

    @field_validator("tehsils")
    @classmethod
    def _one_entry_per_tehsil(cls, tehsils: list[Tehsil]) -> list[Tehsil]:
        seen: dict[str, Tehsil] = {}
        for tehsil in tehsils:
            if (other := seen.setdefault(name_key(tehsil.name), tehsil)) is not tehsil:
                raise ValueError(f"tehsils `{other.name}` and `{tehsil.name}` are one tehsil (names match without regard "
                                 "to case, spaces, hyphens and underscores): keep one entry")
        return tehsils

    def tehsil(self, name: str) -> Tehsil:
        """The configured tehsil `name` spells (see `name_key`), else an unplanned one named as written."""
        key = name_key(name)
        for tehsil in self.tehsils:
            if name_key(tehsil.name) == key:
                return tehsil
        return Tehsil(name=name)

    def languages_for(self, tehsil: str) -> list[str]:
        return self.tehsil(tehsil).languages or self.languages


class IntakeSettings(Frozen):
    settle_seconds: float = Field(30.0, description="a source younger than this is still being copied in")
    max_source_bytes: int = Field(2 * 1024**3, description="larger sources are quarantined")
    max_page_pixels: int = Field(60_000_000, description="larger pages are quarantined (decompression bombs)")
    quarantine_after_failures: int = Field(3, ge=1, description="a stack that failed the same way on this many runs "
                                                                "is quarantined instead of retried again")


class CleaningSettings(Frozen):
    deskew: bool = True
    max_skew_degrees: float = 15.0
    fix_orientation: bool = True
    blank_ink_ratio: float = Field(0.0003, description="pages with less ink than this are blank (measured: bench/deskew.py --blank)")


class OcrSettings(Frozen):
    dpi: int = 300
    tesseract_timeout: float = 300.0
    # Tesseract page segmentation: 3 (automatic), and 6 (one uniform block) on single-column
    # Arabic-script pages, where it kept 77-95% of the words of the sample Urdu pages that 3
    # dropped whole lines of (60-85%). Pages with columns or table rules are always read with 3:
    # 6 read a register at 94% CER (3: 9%) and a two-column page at 38% (3: 1%) (bench/segmentation.py).
    page_segmentation: int = Field(3, ge=0, le=13)
    page_segmentation_arabic: int = Field(6, ge=0, le=13)
    # The Tesseract models each configured language is read with. Debian's fast `hin` kept 28% of
    # the ASCII numbers of a Hindi page whole (1985 read as 985); Devanagari+hin kept all of them,
    # ASCII or Devanagari digits, and read the corpus's Hindi and Sanskrit pages with fewer errors
    # (2.7/3.7/10.0% CER with hin, 1.6/3.5/7.1%); Devanagari alone lost 4 points on a 72 dpi page.
    models: dict[str, list[str]] = Field({"hin": ["Devanagari", "hin"]}, description="Tesseract models a language is read with, where not its own")
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


class ScheduleSettings(Frozen):
    """When `daftar deploy` starts the night on a Prefect server: a cron read in the district's own
    timezone (J&K: Asia/Kolkata; AJK and KP: Asia/Karachi), so 01:00 means 01:00 in the office."""

    cron: str = "0 1 * * *"
    timezone: str = Field("Asia/Kolkata", description="IANA timezone name the cron is read in")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown timezone {value!r} (an IANA name such as Asia/Kolkata)") from error
        return value


class WebSettings(Frozen):
    """`daftar serve` behind a reverse proxy: only the proxies named here may say, in
    X-Forwarded-For and X-Forwarded-Proto, who the client is (the audit log's address, the log-in
    limits per client). None by default: every address is the connection's own."""

    trusted_proxies: list[str] = Field([], description="addresses or networks (CIDR) of the reverse proxies in front")

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        # DAFTAR_TRUSTED_PROXIES is one string: "10.0.0.2, 10.0.1.0/24"
        return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an address or network (10.0.0.2, 10.0.0.0/24); "
                                 "name the proxies themselves, never every client") from None
        return value


class ArchiveSettings(Frozen):
    verify_sample: int = Field(20, ge=0, description="record files the night re-hashes against their recorded "
                                                     "checksums (`daftar verify --sample`); 0: none")


class Settings(Frozen):
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1)
    lease_seconds: float = Field(300.0, gt=0, description="when a night's stacks are shared by several workers, a "
                                 "stack whose worker stopped renewing its lease for this long is taken over by another")
    intake: IntakeSettings = IntakeSettings()
    cleaning: CleaningSettings = CleaningSettings()
    ocr: OcrSettings = OcrSettings()
    index: IndexSettings = IndexSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    web: WebSettings = WebSettings()
    archive: ArchiveSettings = ArchiveSettings()
    districts: dict[str, District] = {}

    def district(self, name: str) -> District:
        """The configured district `name` spells (see `name_key`), else the defaults under that name."""
        key = name_key(name)
        for district in self.districts.values():
            if name_key(district.name) == key:
                return district
        return District(name=name)

    @classmethod
    def load(cls, config_dir: Path | None = None) -> "Settings":
        """Read settings.yaml and districts/*.yaml, then apply the environment overrides
        (`ENV_OVERRIDES`; DAFTAR_CONFIG names the folder). Raises ConfigInvalid naming every
        problem found, each with its file, its line where known, and what to fix."""
        settings, problems = load_checked(config_dir)
        if problems:
            raise ConfigInvalid(describe_problems(problems))
        return settings


# Each override and the setting it replaces.
ENV_OVERRIDES: dict[str, tuple[str, ...]] = {
    "DAFTAR_INDEX": ("index", "backend"),
    "DAFTAR_ES_URL": ("index", "elasticsearch", "url"),
    "DAFTAR_ES_API_KEY": ("index", "elasticsearch", "api_key"),
    "DAFTAR_ES_USER": ("index", "elasticsearch", "username"),
    "DAFTAR_ES_PASSWORD": ("index", "elasticsearch", "password"),
    "DAFTAR_ES_CA_CERTS": ("index", "elasticsearch", "ca_certs"),
    "DAFTAR_SETTLE_SECONDS": ("intake", "settle_seconds"),
    "DAFTAR_WORKERS": ("workers",),
    "DAFTAR_LEASE_SECONDS": ("lease_seconds",),
    "DAFTAR_TRUSTED_PROXIES": ("web", "trusted_proxies"),
}


def load_checked(config_dir: Path | None = None) -> tuple[Settings, list[ConfigProblem]]:
    """The settings from every part of the configuration that is valid, and every problem found
    in the rest: `daftar check` shows both, `Settings.load` refuses to go on with problems."""
    named = config_dir or os.environ.get("DAFTAR_CONFIG")
    folder = Path(named or CONFIG_DIR)
    if not folder.is_dir():
        hint = "DAFTAR_CONFIG must name" if named else "expected"
        return Settings(), [ConfigProblem(str(folder), None, "", f"no such configuration folder: {hint} a folder "
                                          "holding settings.yaml and districts/")]
    main, problems = folder / "settings.yaml", []
    if not main.is_file() and not (folder / "districts").is_dir():
        problems.append(ConfigProblem(str(folder), None, "", "holds neither settings.yaml nor districts/: "
                                      "is this the configuration folder?"))
    document = None
    if main.is_file():
        document, found = read_yaml(main)
        problems += found
    districts, found = _load_districts(folder / "districts")
    settings, invalid = _installation(document, districts)
    return settings, problems + invalid + found


def _installation(document: YamlDocument | None, districts: dict[str, District]) -> tuple[Settings, list[ConfigProblem]]:
    data = dict(document.data) if document and isinstance(document.data, dict) else {}
    problems = []
    if document and "districts" in data:
        problems.append(ConfigProblem(str(document.path), document.line_of(("districts",)), "districts",
                                      "districts are not set here: write each in districts/<name>.yaml"))
        del data["districts"]
    overridden = _apply_env(data)
    try:
        return Settings.model_validate({**data, "districts": districts}), problems
    except ValidationError as error:
        for problem in validation_problems(error, document, [Settings]):
            var = overridden.get(problem.field)
            problems.append(ConfigProblem("environment", None, var, problem.message) if var else problem)
        return Settings(districts=districts), problems


def _load_districts(folder: Path) -> tuple[dict[str, District], list[ConfigProblem]]:
    districts: dict[str, District] = {}
    files: dict[str, Path] = {}  # name key -> the file that configures it
    problems: list[ConfigProblem] = []
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []
    for path in paths:
        document, found = read_yaml(path)
        problems += found
        if document is None:
            continue
        district, found = _district(document)
        problems += found
        if district is None:
            continue
        if (first := files.setdefault(name_key(district.name), path)) != path:
            problems.append(ConfigProblem(str(path), document.line_of(("name",)), "name",
                                          f"district `{district.name}` is already configured in {first}: keep one file "
                                          "per district (names match without regard to case, spaces, hyphens and underscores)"))
        else:
            districts[district.name] = district
    return districts, problems


def _district(document: YamlDocument) -> tuple[District | None, list[ConfigProblem]]:
    data = {} if document.data is None else document.data
    if not isinstance(data, dict):
        return None, []  # read_yaml has said so
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        return None, [ConfigProblem(str(document.path), document.line_of(("name",)), "name",
                                    "missing: a district file starts with `name: <district>`, as its folder in the inbox is named")]
    try:
        return District.model_validate(data), []
    except ValidationError as error:
        return None, validation_problems(error, document, [District])


def _apply_env(data: dict) -> dict[str, str]:
    """Put the environment's overrides into the settings' data; returns field path -> variable,
    so a bad value is reported as the variable's."""
    overridden = {}
    for var, path in ENV_OVERRIDES.items():
        if var not in os.environ:
            continue
        node = data
        for key in path[:-1]:
            node = node.setdefault(key, {}) if isinstance(node, dict) else None  # type: ignore[assignment]
        if isinstance(node, dict):  # else settings.yaml is wrong there, and says so
            node[path[-1]] = os.environ[var]
            overridden[field_path(path)] = var
    return overridden


def home_dir(home: Path | str | None = None) -> Path:
    """All state lives under one home: --home, else DAFTAR_HOME, else ./daftar-home."""
    return Path(home or os.environ.get("DAFTAR_HOME") or "daftar-home").resolve()
