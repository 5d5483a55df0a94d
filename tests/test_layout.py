"""The layout the README's "Where things live" describes, checked: the import-linter contracts in
pyproject.toml, module and function sizes, and what importing a layer loads."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["domain", "pipeline", "extractors", "store", "indexers", "night", "flows", "web", "commands"]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def project_modules() -> list[Path]:
    modules = [ROOT / "cli.py"]
    for package in PACKAGES:
        modules += sorted((ROOT / package).rglob("*.py"))
    return modules


def test_import_contracts_are_kept():
    # GIVEN the contracts in pyproject.toml WHEN import-linter checks the code THEN none is broken
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports"))], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_every_package_of_the_layout_exists():
    for package in PACKAGES:
        assert (ROOT / package / "__init__.py").is_file(), package


def test_no_module_over_the_size_limit():
    too_long = {str(path.relative_to(ROOT)): n for path in project_modules()
                if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not too_long


def test_no_function_over_the_size_limit():
    too_long = {}
    for path in project_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long[f"{path.relative_to(ROOT)}:{node.name}"] = length
    assert not too_long


def test_the_size_check_sees_every_function():
    # the check above would pass on an empty list: it must walk the real modules
    functions = sum(isinstance(node, ast.FunctionDef) for path in project_modules()
                    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
    assert len(project_modules()) > 40 and functions > 300


@pytest.mark.parametrize(("module", "never_loaded"), [
    ("web.app", ["cv2", "zxingcpp", "pyzbar", "prefect"]),
    ("night.run", ["prefect"]),
    ("flows.launch", ["prefect"]),  # `daftar run` on a night without work never loads Prefect
    ("extractors.file_numbers", ["cv2", "zxingcpp", "pyzbar"]),
    ("domain.config", ["cv2", "prefect", "elasticsearch", "sqlite3"]),
])
def test_importing_a_layer_loads_only_what_it_needs(module, never_loaded):
    # WHEN the module is imported in a fresh interpreter THEN the heavy parts are not loaded
    code = f"import sys, {module}; print(' '.join(m for m in {never_loaded!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == ""
