"""How file numbers are spelled: one cleaning of a typed, printed or OCRed value, one
normalization under a district's configured patterns, and a generic one for a barcode that no
pattern reads. Every part of daftar that turns a value into a file number (the night, the CLI,
the web pages, e-Office links) goes through here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from domain.config import FileNumberPattern, Settings
from domain.model import FileNumber, FileNumberSource
from domain.text import ascii_digits

# Characters that OCR, keyboards and label printers use for the same separator.
_SEPARATOR_VARIANTS = str.maketrans(
    {
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",  # dashes
        "\u2044": "/", "\u2215": "/", "\uff0f": "/", "\u06d4": ".",  # fraction/division slash, Urdu full stop
        "\u060c": ",",  # Arabic comma
    }
)
# Invisible marks that bidi editors, pdftotext and Urdu keyboards leave inside numbers.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u00ad"))

def clean_value(raw: str) -> str:
    """The value with its digits in ASCII, invisible marks gone, separator look-alikes unified,
    surrounding space and quotes trimmed. Letters keep their case here."""
    text = unicodedata.normalize("NFKC", raw).translate(_INVISIBLE).translate(_SEPARATOR_VARIANTS)
    return ascii_digits(text).strip().strip("\"'`:;,.")


def _compiled(pattern: FileNumberPattern) -> re.Pattern[str]:
    # case-insensitive: labels and folders are typed in either case; output is upper case
    return re.compile(pattern.regex, re.IGNORECASE)


def _normalized_parts(match: re.Match[str], pattern: FileNumberPattern) -> dict[str, str] | None:
    """The named parts upper-cased, the serial zero padded; None if the year is out of range."""
    parts = {name: (value or "").upper() for name, value in match.groupdict().items()}
    for name, value in parts.items():
        parts[name] = re.sub(r"\s+", "", value)
    if parts.get("year"):
        year = int(parts["year"]) if parts["year"].isdigit() else None
        if year is None or not pattern.year_range[0] <= year <= pattern.year_range[1]:
            return None
    if parts.get("serial", "").isdigit():
        parts["serial"] = parts["serial"].lstrip("0").zfill(pattern.serial_width) if int(parts["serial"]) else None
        if parts["serial"] is None:  # serial 0 is never issued; a misread
            return None
    return parts


def normalize_file_number(raw: str, patterns: Sequence[FileNumberPattern], source: FileNumberSource) -> FileNumber | None:
    """The file number `raw` spells under the first configured pattern that matches all of it,
    in its canonical form; None if no pattern matches, the year is out of range or a configured
    check digit is wrong."""
    value = clean_value(raw)
    spellings = [value]
    if "_" in value:  # a folder name: "/" cannot be in one, "_" stands for it (FileNumber.slug)
        spellings.append(value.replace("_", "/"))
    for spelling in spellings:
        for pattern in patterns:
            normalized = _normalize_with(spelling, pattern)
            if normalized is not None:
                return FileNumber(raw=raw, normalized=normalized, source=source, pattern=pattern.name)
    return None


def _normalize_with(value: str, pattern: FileNumberPattern) -> str | None:
    match = _compiled(pattern).fullmatch(value)
    if not match:
        return None
    parts = _normalized_parts(match, pattern)
    if parts is None:
        return None
    algorithm = getattr(pattern, "check_digit", None)  # optional config field, see check_digit_ok
    if algorithm and algorithm != "none":
        body = "".join(ch for name, part in parts.items() if name != "check" for ch in part if ch.isdigit())
        if not check_digit_ok(body + parts.get("check", ""), algorithm):
            return None
    try:
        return pattern.normalized.format(**parts)
    except (KeyError, IndexError, ValueError):
        return None  # a format naming a group the regex lacks: a config error, not a match


def check_digit_ok(digits: str, algorithm: str) -> bool:
    """Whether `digits` (the number's digits followed by its check character) carry a valid
    check, for the algorithms a district may configure:

    - "luhn": ISO/IEC 7812 (Luhn), one check digit;
    - "mod10": GS1 weights 3,1 from the right, one check digit;
    - "mod11": weights 2,3,4,5,6,7 from the right, check = (11 - sum mod 11) mod 11, 10 as "X";
    - "mod97": ISO 7064 MOD 97-10, two check digits, the whole number mod 97 is 1.
    """
    digits = digits.upper()
    if algorithm == "mod97":
        return len(digits) > 2 and digits.isdigit() and int(digits) % 97 == 1
    if len(digits) < 2:
        return False
    body, check = digits[:-1], digits[-1]
    if not body.isdigit():
        return False
    reversed_body = [int(ch) for ch in reversed(body)]
    if algorithm == "luhn":
        total = 0
        for position, digit in enumerate(reversed_body):
            if position % 2 == 0:  # every second digit from the right, the check digit excluded
                digit = digit * 2 - 9 if digit * 2 > 9 else digit * 2
            total += digit
        return check.isdigit() and (total + int(check)) % 10 == 0
    if algorithm == "mod10":
        total = sum(digit * (3 if position % 2 == 0 else 1) for position, digit in enumerate(reversed_body))
        return check.isdigit() and (10 - total % 10) % 10 == int(check)
    if algorithm == "mod11":
        total = sum(digit * (2 + position % 6) for position, digit in enumerate(reversed_body))
        expected = (11 - total % 11) % 11
        return check == ("X" if expected == 10 else str(expected))
    raise ValueError(f"unknown check digit algorithm {algorithm!r}")


def clean_value_keep_layout(text: str) -> str:
    """Like clean_value, for running text: same length mapping is not needed, only the spelling."""
    return ascii_digits(unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_SEPARATOR_VARIANTS))


# The generic reading, for a value no configured pattern reads. Decided for barcode labels: a
# file number has a digit, 3 to 40 characters, at most three words, and only ASCII letters,
# digits and the separators offices print (archive folders and page URLs are made of these).
# A URL, an e-mail, a multi-line QR text or a sentence is not a file number.
GENERIC_LENGTH = (3, 40)
GENERIC_MAX_WORDS = 3
_GENERIC_CHARACTERS = re.compile(r"[A-Z0-9/\\|.#_ -]+")
_URL_LIKE = re.compile(r"^(HTTPS?|FTP|WWW\.)|^[A-Z0-9-]+(\.[A-Z0-9-]+)*\.(COM|ORG|NET|GOV|NIC|IN|PK|INFO|IO)(/|$)")
_SPACE_BY_SEPARATOR = re.compile(r"\s*([/\\|.#_-])\s*")


def generic_number(raw: str) -> str | None:
    """`raw` as a file number in no configured format: upper case, digits in ASCII, invisible
    marks gone, separator look-alikes unified and spaces around separators dropped, padding
    left as written; None unless it plausibly is a file number (see GENERIC_LENGTH)."""
    value = _SPACE_BY_SEPARATOR.sub(r"\1", " ".join(clean_value(raw).upper().split()))
    plausible = (
        GENERIC_LENGTH[0] <= len(value) <= GENERIC_LENGTH[1]
        and any(ch.isdigit() for ch in value)
        and value.count(" ") < GENERIC_MAX_WORDS
        and _GENERIC_CHARACTERS.fullmatch(value) is not None
        and _URL_LIKE.search(value) is None
    )
    return value if plausible else None


def read_file_number(raw: str, patterns: Sequence[FileNumberPattern], source: FileNumberSource) -> FileNumber | None:
    """`raw` under the configured patterns, else read generically (`pattern` None) when no
    pattern's regex matches it at all: a value a pattern matches but rejects (year out of range,
    wrong check digit) is a misread, not a number in another format."""
    number = normalize_file_number(raw, patterns, source)
    if number is not None or any(_compiled(p).fullmatch(clean_value(raw)) for p in patterns):
        return number
    generic = generic_number(raw)
    return FileNumber(raw=raw, normalized=generic, source=source) if generic else None


def file_number_spellings(raw: str, settings: Settings) -> list[FileNumber]:
    """Every file number `raw` may be, for looking one up: its canonical form under each
    district's patterns that reads it, then its generic form (`pattern` None), each once. A
    number archived from a district with no pattern is found as printed even where another
    district's pattern would spell it differently."""
    spellings: list[FileNumber] = []
    for district in settings.districts.values():
        number = normalize_file_number(raw, district.file_number_patterns, "manifest")
        if number is not None:
            spellings.append(number)
    if (generic := generic_number(raw)) is not None:
        spellings.append(FileNumber(raw=raw, normalized=generic, source="manifest"))
    unique: dict[str, FileNumber] = {}
    for number in spellings:
        unique.setdefault(number.normalized, number)
    return list(unique.values())


def normalize_any(raw: str, settings: Settings) -> str | None:
    """The normalized file number `raw` spells: under the first district pattern that reads it,
    else generically; None if it is not plausibly a file number (see `file_number_spellings`)."""
    spellings = file_number_spellings(raw, settings)
    return spellings[0].normalized if spellings else None
