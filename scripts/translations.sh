#!/usr/bin/env bash
# The translations of the web pages (web/locales). After changing the text of a template, or a
# text of the code that a page shows (marked with N_(), domain/translatable.py: an error a form
# gives back, a quarantine reason, a line of a record's history, a review flag's label):
#
#   bash scripts/translations.sh
#
# extracts the strings (babel.cfg) of the templates and of the code of web/, night/ and pipeline/,
# and merges them into the Urdu and Hindi catalogs,
# web/locales/{ur,hi}/LC_MESSAGES/messages.po (strings nothing has any more are dropped); then
# translate each new, empty msgstr there. tests/test_i18n.py fails while a string has no translation.
# Nothing is compiled here: the pages compile the .po files in memory when they start
# (web/i18n.py), so no .mo file is built, committed or left stale.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=.venv/bin/pybabel
template=$(mktemp --suffix=.pot)
trap 'rm -f "$template"' EXIT
$pybabel extract -F babel.cfg -o "$template" --no-location --sort-output --project daftar --version 1 \
  web night pipeline
for lang in ur hi; do
  if [ -f "web/locales/$lang/LC_MESSAGES/messages.po" ]; then
    $pybabel update -i "$template" -d web/locales -l "$lang" --no-fuzzy-matching --ignore-obsolete
  else
    $pybabel init -i "$template" -d web/locales -l "$lang"
  fi
done
