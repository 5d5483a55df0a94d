"""Write `PROVENANCE.md` beside the trained models: where every input came from, how it was
trained, and the training's own figures. train.sh calls it last; bench/nastaliq.py measures the
models on pages and images the training never saw (its table goes in the same file by hand).

    provenance.py --work build/nastaliq --out models --start-url URL --start-commit SHA ... --font NAME ...
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

NAME = "urd_nastaliq"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*command: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True)
    return (result.stdout or result.stderr).strip()


def debian_package(path: str) -> str:
    """The Debian package (and version) a file was installed by, or "?"."""
    owner = run("dpkg-query", "-S", path).split(":")[0]
    version = run("dpkg-query", "-W", "-f=${Version}", owner) if owner and " " not in owner else ""
    return f"{owner} {version}".strip() if version else "?"


def font_rows(fonts: list[str]) -> list[str]:
    rows = []
    for font in dict.fromkeys(fonts):
        # Pango's "<family> Bold" is fontconfig's family with style Bold; the plain name, Regular.
        family, bold = (font[:-5], True) if font.endswith(" Bold") else (font, False)
        file = run("fc-match", "-f", "%{file}", f"{family}:style={'Bold' if bold else 'Regular'}")
        rows.append(f"| {font} | `{Path(file).name}` | {debian_package(file)} |")
    return rows


def training_figures(log: Path) -> tuple[str, str]:
    """The last iteration reached ("learning iterations/lines seen") and its line, from lstmtraining's log."""
    lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.startswith("At iteration")]
    if not lines:
        return "0", "no iteration logged"
    reached = re.match(r"At iteration (\d+)/(\d+)", lines[-1])
    return (f"{reached.group(1)}/{reached.group(2)}" if reached else "?"), lines[-1]


def start_lines(args: argparse.Namespace) -> list[str]:
    fas = f"`fas.traineddata` (Persian, float) of tesseract-ocr/tessdata_best, Apache-2.0, commit `{args.start_commit}`, {args.start_url}"
    if args.continued_from:
        # The earlier run's own PROVENANCE.md has its inputs; train.sh kept a copy of the file in --work.
        copy = args.work / f"continue-{args.continued_from.name}"
        return [f"- Continued from: `{args.continued_from}` (sha256 `{sha256(copy)}`), a model of this recipe",
                f"  whose start model was {fas}."]
    return [f"- Start model: {fas}, sha256 `{sha256(args.work / 'start.traineddata')}`."]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for option in ("--work", "--out", "--urd-model"):
        parser.add_argument(option, type=Path, required=True)
    for option in ("--start-url", "--start-commit", "--iterations", "--lines"):
        parser.add_argument(option, required=True)
    parser.add_argument("--font", action="append", default=[])
    parser.add_argument("--continued-from", type=Path, help="the earlier run's float model or checkpoint trained on")
    args = parser.parse_args()
    reached, last = training_figures(args.work / "training.log")
    evaluation = (args.work / "eval.txt.result").read_text(encoding="utf-8").strip()
    models = [args.out / f"{NAME}.traineddata", args.out / "float" / f"{NAME}.traineddata"]
    text = "\n".join([
        f"# {NAME}: provenance",
        "",
        f"Trained {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC by `scripts/nastaliq/train.sh` ({run('tesseract', '--version').splitlines()[0]}).",
        "",
        "## Inputs",
        "",
        *start_lines(args),
        f"- Character set and word lists: Debian's `urd` model (`{args.urd_model}`, {debian_package(str(args.urd_model))}),",
        "  Apache-2.0: its LSTM unicharset, and its word, punctuation and number lists (dawg2wordlist).",
        f"- Text: {args.lines} generated lines (`record_text.py`, seed 1): 70% set in Nastaliq, 30% in Naskh.",
        "",
        "| training font | file | Debian package |",
        "|---|---|---|",
        *font_rows(args.font),
        "",
        "Held out of training, for the test pages: Awami Nastaliq (fonts-sil-awami-nastaliq) and Nafees (fonts-nafees).",
        "",
        "## Training",
        "",
        f"- {reached} iterations (learning iterations/lines seen; asked for {args.iterations}); last log line: `{last}`",
        f"- lstmeval of the integer model on the evaluation pages (training fonts, other text): `{evaluation}`",
        "",
        "## Files",
        "",
        *[f"- `{path.relative_to(args.out.parent) if path.is_relative_to(args.out.parent) else path}`: "
          f"{path.stat().st_size} bytes, sha256 `{sha256(path)}`" for path in models],
        "",
    ])
    (args.out / "PROVENANCE.md").write_text(text, encoding="utf-8")
    print(f"wrote {args.out / 'PROVENANCE.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
