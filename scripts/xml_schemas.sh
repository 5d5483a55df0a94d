#!/usr/bin/env bash
# The official METS schema and the METS XLink schema it imports, for validating daftar's METS
# files offline (tests/xml_schemas.py). They come from a maintained package, OCR-D core (`ocrd`
# on PyPI, which ships the pair in ocrd_validators/ with mets.xsd importing the local xlink.xsd),
# fetched once with pip by its pinned version and hash and unpacked into the cache; nothing is
# fetched when a test runs. The package itself is not installed: its dependencies (pydantic 1-era
# services, MongoDB, Docker clients) are not daftar's, and only its schema files are needed.
#
#   scripts/xml_schemas.sh     fetch (once) and print the folder holding mets.xsd and xlink.xsd
#
#   DAFTAR_CACHE   download cache, outside the repo (default ~/.cache/daftar)
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=3.13.3
SHA256=77a688e6e018384e75bd72db9011061879425514fe5206fe858cdf1abec9380d
CACHE="${DAFTAR_CACHE:-$HOME/.cache/daftar}"
TARGET="$CACHE/xml-schemas/ocrd-$VERSION"

if [[ ! -f "$TARGET/mets.xsd" || ! -f "$TARGET/xlink.xsd" ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "ocrd==$VERSION --hash=sha256:$SHA256" > "$work/requirement.txt"
  .venv/bin/pip download -q --no-deps --only-binary=:all: --require-hashes -r "$work/requirement.txt" -d "$work" >&2
  mkdir -p "$TARGET"
  .venv/bin/python - "$work"/ocrd-"$VERSION"-*.whl "$TARGET" <<'EOF'
import sys, zipfile
from pathlib import Path
wheel, target = sys.argv[1], Path(sys.argv[2])
with zipfile.ZipFile(wheel) as archive:
    for name in ("mets.xsd", "xlink.xsd"):
        (target / name).write_bytes(archive.read(f"ocrd_validators/{name}"))
EOF
fi
echo "$TARGET"
