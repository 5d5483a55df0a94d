#!/usr/bin/env bash
# Run the whole test suite against a real Elasticsearch that this script starts and always stops.
set -euo pipefail
cd "$(dirname "$0")/.."
url=$(bash scripts/elasticsearch.sh start | tail -n 1)
trap 'bash scripts/elasticsearch.sh stop >/dev/null 2>&1 || true' EXIT
export DAFTAR_ES_URL="$url"
.venv/bin/python -m pytest "$@"
