#!/usr/bin/env bash
# Set up daftar on a fresh Debian/Ubuntu machine: system packages, then a locked Python
# environment in .venv. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-urd tesseract-ocr-hin tesseract-ocr-osd
  tesseract-ocr-ara tesseract-ocr-script-arab tesseract-ocr-script-deva  # bench/quality.py model comparison
  ghostscript libzbar0 poppler-utils
  fonts-noto-core fonts-noto-extra fonts-noto-mono fonts-dejavu-core fonts-lohit-deva   # sample scans
  fonts-sil-awami-nastaliq fonts-nafees fonts-paktype fonts-hosny-amiri fonts-sil-scheherazade curl  # scripts/nastaliq, bench/nastaliq.py
  chromium                                                               # browser tests
  maven openjdk-17-jre-headless                                          # veraPDF (scripts/verapdf.sh)
  postgresql                                                             # the stores beyond one machine (scripts/postgres.sh)
  python3-venv
)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -r requirements.lock
.venv/bin/pip install -q --no-deps -e .
bash scripts/verapdf.sh fetch   # the PDF/A validator the tests judge the archive with (Maven Central)
bash scripts/xml_schemas.sh >/dev/null   # the official METS and XLink schemas the tests validate METS with
.venv/bin/daftar doctor
