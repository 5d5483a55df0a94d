#!/usr/bin/env bash
# Train daftar's Urdu Nastaliq model: fine-tune the public Persian float model of
# tesseract-ocr/tessdata_best on generated record-room Urdu, in Debian urd's character set and
# word list, and export a float and an integer model. docs/nastaliq.md says why and how.
#
#   bash scripts/nastaliq/train.sh            # the real run (about an hour on 2 cores)
#
# Environment (all optional):
#   NASTALIQ_START_MODEL   a local copy of the start model (else fetched at the pinned commit, checked)
#   NASTALIQ_CONTINUE_FROM train on from an earlier run of this recipe instead of from the start model:
#                          its float .traineddata (models/float/) or a checkpoint (same characters)
#   NASTALIQ_URD_MODEL     Debian's urd.traineddata (its unicharset and word lists)
#   NASTALIQ_WORK          working folder (build/nastaliq)
#   NASTALIQ_OUT           where the models go (models)
#   NASTALIQ_LINES         training lines (2400); NASTALIQ_EVAL_LINES (120)
#   NASTALIQ_ITERATIONS    training iterations (18000)
#   NASTALIQ_MAX_MINUTES   stop training after this long, at the last checkpoint (no limit)
#   NASTALIQ_JOBS          parallel renderers (2)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/scripts/nastaliq"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
START_COMMIT=e12c65a915945e4c28e237a9b52bc4a8f39a0cec
START_URL="https://raw.githubusercontent.com/tesseract-ocr/tessdata_best/$START_COMMIT/fas.traineddata"
START_SHA256=99e420969b5ddd2cb135b416316a7ed417c59c4faf9e0d28941348f6448114df
URD_MODEL="${NASTALIQ_URD_MODEL:-/usr/share/tesseract-ocr/5/tessdata/urd.traineddata}"
WORK="${NASTALIQ_WORK:-$ROOT/build/nastaliq}"
OUT="${NASTALIQ_OUT:-$ROOT/models}"
LINES="${NASTALIQ_LINES:-2400}"
EVAL_LINES="${NASTALIQ_EVAL_LINES:-120}"
ITERATIONS="${NASTALIQ_ITERATIONS:-18000}"
JOBS="${NASTALIQ_JOBS:-2}"
CONTINUE_FROM="${NASTALIQ_CONTINUE_FROM:+$(realpath "$NASTALIQ_CONTINUE_FROM")}"
NAME=urd_nastaliq
# Training fonts. Awami Nastaliq and Nafees are kept out: the test pages are set in them.
NASTALIQ_FONTS=("Noto Nastaliq Urdu" "Noto Nastaliq Urdu Bold")
NASKH_FONTS=("Noto Naskh Arabic" "PakType Naskh Basic Urdu" "Scheherazade" "Amiri" "PakType Tehreer")
export OMP_THREAD_LIMIT=1  # Tesseract's OpenMP threads are many times slower on these machines

step() { printf '\n== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
fonts_args() { for font in "$@"; do printf -- '--font\0%s\0' "$font"; done; }

mkdir -p "$WORK" "$OUT/float"
cd "$WORK"

step "start model"
if [[ -n "$CONTINUE_FROM" ]]; then
  # The same character set as the new language: no output layer to map, so no --old_traineddata.
  # A copy, for provenance.py: the file itself may be the one this run overwrites.
  cp "$CONTINUE_FROM" "continue-${CONTINUE_FROM##*/}"
  case "$CONTINUE_FROM" in
    *.traineddata) combine_tessdata -e "continue-${CONTINUE_FROM##*/}" start.lstm >/dev/null 2>&1 ;;
    *) cp "$CONTINUE_FROM" start.lstm ;;
  esac
  start_args=(--continue_from start.lstm)
  provenance_args=(--continued-from "$CONTINUE_FROM")
else
  if [[ -n "${NASTALIQ_START_MODEL:-}" ]]; then
    cp "$NASTALIQ_START_MODEL" start.traineddata
  elif [[ ! -f start.traineddata ]]; then
    curl -fsSL --retry 3 -o start.download "$START_URL"
    echo "$START_SHA256  start.download" | sha256sum -c --quiet
    mv start.download start.traineddata
  fi
  combine_tessdata -e start.traineddata start.lstm >/dev/null 2>&1
  start_args=(--continue_from start.lstm --old_traineddata start.traineddata)
  provenance_args=()
fi

step "character set and word lists of urd ($URD_MODEL)"
[[ -f "$URD_MODEL" ]] || { echo "no $URD_MODEL: install tesseract-ocr-urd (scripts/setup.sh)" >&2; exit 1; }
mkdir -p urd script-dir "lang/$NAME"
combine_tessdata -u "$URD_MODEL" urd/urd >/dev/null 2>&1
for part in word punc number; do
  dawg2wordlist urd/urd.lstm-unicharset "urd/urd.lstm-$part-dawg" "urd/$part.txt" 2>/dev/null
done
# combine_lang_model always reads a radical-stroke table; it matters only for Han script.
printf '# no Han radicals: Arabic script needs none\n' > script-dir/radical-stroke.txt
# fas codes its characters one to one (no compressing recoder); so must the new language, or
# fine-tuning maps fas's outputs wrongly and starts from 80% character error instead of 30%.
combine_lang_model --input_unicharset urd/urd.lstm-unicharset --script_dir script-dir \
  --words urd/word.txt --puncs urd/punc.txt --numbers urd/number.txt \
  --output_dir lang --lang "$NAME" --lang_is_rtl --pass_through_recoder >lang.log 2>&1
LANG_MODEL="$WORK/lang/$NAME/$NAME.traineddata"

step "text: $LINES training lines, $EVAL_LINES evaluation lines"
text() { "$PY" "$HERE/record_text.py" --words urd/word.txt --unicharset urd/urd.lstm-unicharset "$@"; }
text --lines "$LINES" --seed 1 > train.txt
text --lines "$EVAL_LINES" --seed 2 > eval.txt
NASTALIQ_SHARE=$((LINES * 7 / 10))  # most record-room Urdu is typed in Nastaliq
head -n "$NASTALIQ_SHARE" train.txt > train-nastaliq.txt
tail -n +"$((NASTALIQ_SHARE + 1))" train.txt > train-naskh.txt

step "pages and line-training files"
render() { "$PY" "$HERE/render.py" --jobs "$JOBS" --lstmf "$@"; }
mapfile -d '' nastaliq_args < <(fonts_args "${NASTALIQ_FONTS[@]}")
mapfile -d '' naskh_args < <(fonts_args "${NASKH_FONTS[@]}")
render --text train-nastaliq.txt --out pages/nastaliq --prefix nastaliq- --seed 11 "${nastaliq_args[@]}"
render --text train-naskh.txt --out pages/naskh --prefix naskh- --seed 12 "${naskh_args[@]}"
render --text eval.txt --out pages/eval --prefix eval- --seed 13 "${nastaliq_args[@]}" "${naskh_args[@]}"
cat pages/nastaliq/list.txt pages/naskh/list.txt | shuf --random-source=<(yes) > train.list

step "fine-tuning for $ITERATIONS iterations"
mkdir -p checkpoints
# lstmtraining writes its checkpoint every 100 iterations, so a time limit loses at most those.
status=0
timeout --signal=INT "${NASTALIQ_MAX_MINUTES:-0}m" lstmtraining "${start_args[@]}" \
  --traineddata "$LANG_MODEL" --model_output "checkpoints/$NAME" \
  --train_listfile train.list --eval_listfile pages/eval/list.txt \
  --max_iterations "$ITERATIONS" --target_error_rate 0.005 --debug_interval 0 > training.log 2>&1 || status=$?
[[ $status == 0 || $status == 124 ]] || { tail -5 training.log >&2; exit "$status"; }
grep -E "^At iteration|best" training.log | tail -3

step "float and integer models"
lstmtraining --stop_training --continue_from "checkpoints/${NAME}_checkpoint" \
  --traineddata "$LANG_MODEL" --model_output "$OUT/float/$NAME.traineddata" >/dev/null
lstmtraining --stop_training --convert_to_int --continue_from "checkpoints/${NAME}_checkpoint" \
  --traineddata "$LANG_MODEL" --model_output "$OUT/$NAME.traineddata" >/dev/null
lstmeval --model "$OUT/$NAME.traineddata" --eval_listfile pages/eval/list.txt 2>&1 | tail -1 | tee eval.txt.result
"$PY" "$HERE/provenance.py" --work "$WORK" --out "$OUT" --start-url "$START_URL" --start-commit "$START_COMMIT" \
  --iterations "$ITERATIONS" --lines "$LINES" --urd-model "$URD_MODEL" "${provenance_args[@]}" \
  "${nastaliq_args[@]}" "${naskh_args[@]}"
ls -l "$OUT/$NAME.traineddata" "$OUT/float/$NAME.traineddata"
