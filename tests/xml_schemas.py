"""Validation of daftar's XML against the official schemas, offline, for the tests.

`mets_errors(path)` validates a METS file against the official METS schema with the METS XLink
schema it imports, both as shipped by a maintained package (OCR-D core, `ocrd` on PyPI) and
unpacked once by `scripts/xml_schemas.sh` (run by scripts/setup.sh; the tests only read them).
`alto_errors(path)` validates ALTO against the official ALTO 3.0 schema kept in tests/schemas/
(see its README: no maintained package ships it), its XLink import resolved to the same local
XLink schema. `schema_errors(path, xsd)` does the same for any document and schema file. The
parsers never reach the network: an import the schema folder does not hold fails, it is never
fetched.
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
ALTO_SCHEMA = ROOT / "tests" / "schemas" / "alto-3-0.xsd"
XLINK = "http://www.w3.org/1999/xlink"


@functools.cache
def schema_folder() -> Path:
    """The folder holding mets.xsd and xlink.xsd (fetched into the cache the first time)."""
    done = subprocess.run(["bash", str(ROOT / "scripts" / "xml_schemas.sh")], capture_output=True, text=True, check=True)
    return Path(done.stdout.strip().splitlines()[-1])


@functools.cache
def _schema(xsd: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    tree = etree.parse(str(xsd), parser)
    # An XLink import naming a remote location is read from the local XLink schema instead.
    for imported in tree.getroot().iterfind("{http://www.w3.org/2001/XMLSchema}import"):
        if imported.get("namespace") == XLINK and "://" in imported.get("schemaLocation", ""):
            imported.set("schemaLocation", (schema_folder() / "xlink.xsd").as_uri())
    return etree.XMLSchema(tree)


def schema_errors(document: Path, xsd: Path) -> list[str]:
    """Every way the document breaks the schema, as `file:line: message`; empty when valid."""
    schema = _schema(xsd)
    tree = etree.parse(str(document), etree.XMLParser(no_network=True, resolve_entities=False))
    if schema.validate(tree):
        return []
    return [f"{document.name}:{error.line}: {error.message}" for error in schema.error_log]


def mets_errors(document: Path) -> list[str]:
    return schema_errors(document, schema_folder() / "mets.xsd")


def alto_errors(document: Path) -> list[str]:
    return schema_errors(document, ALTO_SCHEMA)
