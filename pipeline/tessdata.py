"""The Tesseract models this repository ships (`models/`), and the data folder Tesseract finds them in.

They are not installed into the system's tessdata: Tesseract reads one data folder per run, so a
run that needs a shipped model is pointed (`--tessdata-dir`) at a folder of links to the system's
data (its languages, and `configs/` for the txt/tsv/alto outputs) and to the models of this
repository, made once per user and model version.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

SHIPPED_MODELS = Path(__file__).resolve().parent.parent / "models"

__all__ = ["SHIPPED_MODELS", "model_problem", "shipped_models", "system_tessdata", "tessdata_args", "tessdata_dir"]


def shipped_models(folder: Path = SHIPPED_MODELS) -> dict[str, Path]:
    """The Tesseract models of this repository, by name (`urd_nastaliq`)."""
    return {path.stem: path for path in sorted(folder.glob("*.traineddata"))}


@lru_cache(maxsize=1)
def system_tessdata() -> Path | None:
    """The system's Tesseract data folder, as `tesseract --list-langs` names it; None without Tesseract."""
    if shutil.which("tesseract") is None:
        return None
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout
    first = listed.splitlines()[0] if listed else ""
    if '"' not in first:
        return None
    return Path(first.split('"')[1])


def tessdata_args(models: tuple[str, ...]) -> list[str]:
    """Tesseract's `--tessdata-dir` option for a run with these models: none when all are the system's."""
    folder = tessdata_dir(models)
    return ["--tessdata-dir", str(folder)] if folder else []


def tessdata_dir(models: tuple[str, ...], folder: Path = SHIPPED_MODELS) -> Path | None:
    """A data folder with the system's data and this repository's models, when `models` use one of
    ours; None when they do not (or there is no system data to lay ours over)."""
    ours = shipped_models(folder)
    system = system_tessdata()
    if system is None or not any(model in ours for model in models):
        return None
    return _merged_folder(system, tuple(sorted(ours.items())))


@lru_cache(maxsize=8)
def _merged_folder(system: Path, ours: tuple[tuple[str, Path], ...]) -> Path:
    # Named by the models' contents, so a new model gets a new folder and a running night keeps its own.
    digest = hashlib.sha256(str(system).encode())
    for name, path in ours:
        digest.update(name.encode() + hashlib.sha256(path.read_bytes()).digest())
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "daftar"
    target = cache / f"tessdata-{digest.hexdigest()[:16]}"
    if target.is_dir():
        return target
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    building = Path(tempfile.mkdtemp(prefix="tessdata-", dir=cache))
    for entry in system.iterdir():
        (building / entry.name).symlink_to(entry)
    for name, path in ours:
        (building / f"{name}.traineddata").unlink(missing_ok=True)
        (building / f"{name}.traineddata").symlink_to(path.resolve())
    try:
        building.rename(target)
    except OSError:  # another process made it first: theirs is the same
        shutil.rmtree(building)
    return target


def model_problem(name: str, models: Path = SHIPPED_MODELS) -> str | None:
    """Why Tesseract cannot read with one of this repository's models, or None when it loads it."""
    if name not in shipped_models(models):
        return f"{models / (name + '.traineddata')} is missing (it comes with the repository)"
    folder = tessdata_dir((name,), models)
    if folder is None:
        return "no system Tesseract data to use it with (apt install tesseract-ocr)"
    blank = b"P5 64 32 255\n" + b"\xff" * (64 * 32)  # a white PGM: enough for Tesseract to load the model
    result = subprocess.run(["tesseract", "--tessdata-dir", str(folder), "-", "-", "-l", name, "--psm", "6"],
                            input=blank, capture_output=True, timeout=60)
    if result.returncode != 0:
        return f"Tesseract cannot load it: {result.stderr.decode(errors='replace').strip()[-200:]}"
    return None
