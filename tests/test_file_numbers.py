"""File numbers: configured patterns, normalization, separators, and the choice between sources."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from domain.config import FileNumberPattern, Settings
from domain.file_numbers import check_digit_ok, file_number_spellings, generic_number, normalize_any, normalize_file_number, read_file_number
from domain.model import Barcode, FileNumber
from extractors.file_numbers import (choose_file_number, file_numbers_from_barcodes, find_file_numbers, generic_flag,
                                     generic_numbers_from_barcodes, is_separator)

# The Anantnag revenue pattern, as configs/districts/anantnag.yaml writes it.
REVENUE = FileNumberPattern(
    name="revenue",
    regex=r"(?P<office>[A-Z]{2,5})\s*[/\\|-]\s*(?P<section>[A-Z]{2,4}-?\d{1,3})\s*[/\\|-]\s*(?P<year>\d{4})\s*[/\\|-]\s*(?P<serial>\d{1,6})",
    normalized="{office}/{section}/{year}/{serial}",
    serial_width=4,
    year_range=(1900, 2030),
)
# A second district style: serial first, then year, e.g. "MUT 42 of 1987".
MUTATION = FileNumberPattern(
    name="mutation",
    regex=r"(?P<section>MUT)\s*(?:NO\.?)?\s*(?P<serial>\d{1,5})\s*(?:OF|/)\s*(?P<year>\d{4})",
    normalized="{section}/{year}/{serial}",
    serial_width=5,
)
PATTERNS = [REVENUE, MUTATION]


@pytest.mark.parametrize(
    "raw, normalized",
    [
        ("REV/TSL-05/1987/0042", "REV/TSL-05/1987/0042"),
        ("rev/tsl-05/1987/42", "REV/TSL-05/1987/0042"),  # case, zero padding
        ("REV - TSL-05 - 1987 - 42", "REV/TSL-05/1987/0042"),  # separators unified
        ("REV\\TSL-05\\1987\\0042", "REV/TSL-05/1987/0042"),
        ("REV|TSL-05|1987|42", "REV/TSL-05/1987/0042"),
        ("REV/TSL-05/۱۹۸۷/۴۲", "REV/TSL-05/1987/0042"),  # Urdu (Extended Arabic-Indic) digits
        ("REV/TSL-٠٥/١٩٨٧/٤٢", "REV/TSL-05/1987/0042"),  # Arabic-Indic digits
        ("REV/TSL-०५/१९८७/००४२", "REV/TSL-05/1987/0042"),  # Devanagari digits
        ("REV\u2215TSL\u201105\u2215\u200e1987/0042", "REV/TSL-05/1987/0042"),  # look-alike slash, dash, bidi mark
        ("  'REV/TSL-05/1987/0042'. ", "REV/TSL-05/1987/0042"),  # quotes and trailing punctuation
        ("REV_TSL-05_1987_0042", "REV/TSL-05/1987/0042"),  # a folder name: "/" cannot be in it
        ("mut no. 42 of 1987", "MUT/1987/00042"),  # second pattern, its own padding
    ],
)
def test_normalize_file_number(raw: str, normalized: str) -> None:
    number = normalize_file_number(raw, PATTERNS, "barcode")
    assert number is not None, raw
    assert number.normalized == normalized
    assert number.raw == raw and number.source == "barcode"


@pytest.mark.parametrize(
    "raw",
    [
        "REV/TSL-05/1812/0042",  # year out of the configured range
        "REV/TSL-05/1987/0000",  # serial 0 is never issued
        "REV/TSL-05/1987",  # incomplete
        "XREV/TSL-05/1987/0042/7",  # more than the pattern: full match only
        "004518870023",  # an old unrelated label
        "DAFTAR-SEPARATOR",
        "",
    ],
)
def test_values_that_are_not_file_numbers(raw: str) -> None:
    assert normalize_file_number(raw, PATTERNS, "barcode") is None


def test_patterns_come_from_the_district_config() -> None:
    district = Settings.load().district("anantnag")
    number = normalize_file_number("rev/tsl-5/1987/42", district.file_number_patterns, "folder")
    assert number is not None and number.normalized == "REV/TSL-5/1987/0042" and number.pattern == "revenue"
    assert number.slug == "REV_TSL-5_1987_0042"


def test_find_file_numbers_in_ocr_text() -> None:
    text = "Subject: mutation\nFile No. REV/TSL-05/1987/42 dated 12-3-1987.\nSee also rev / tsl-05 / ۱۹۸۰ / ۷ and REV/TSL-05/1987/0042 again; not REV/TSL-05/1987/12345678 (glued digits)"
    found = find_file_numbers(text, PATTERNS)
    assert [number.normalized for number in found] == ["REV/TSL-05/1987/0042", "REV/TSL-05/1980/0007"]
    assert all(number.source == "text" for number in found)


def test_separator_matching() -> None:
    assert is_separator("DAFTAR-SEPARATOR", r"^DAFTAR-SEPARATOR$")
    assert is_separator(" daftar-separator ", r"^DAFTAR-SEPARATOR$")  # case and padding
    assert not is_separator("DAFTAR-SEPARATOR-2", r"^DAFTAR-SEPARATOR$")
    assert is_separator("SEP-0042", r"^(SEP|SEPARATOR)([-_ ].*)?$")
    assert not is_separator("REV/TSL-05/1987/0042", r"^(SEP|SEPARATOR)([-_ ].*)?$")


def _number(value: str, source: str) -> FileNumber:
    number = normalize_file_number(value, PATTERNS, source)  # type: ignore[arg-type]
    assert number is not None
    return number


def test_choice_follows_trust_order() -> None:
    chosen, flags = choose_file_number([_number("REV/TSL-05/1987/42", "text"), _number("REV/TSL-05/1987/0042", "folder"), _number("rev/tsl-05/1987/42", "barcode")])
    assert chosen is not None and chosen.source == "barcode" and chosen.normalized == "REV/TSL-05/1987/0042"
    assert flags == []


def test_disagreeing_sources_are_flagged_with_both_values() -> None:
    chosen, flags = choose_file_number([_number("REV/TSL-05/1987/0042", "barcode"), _number("REV/TSL-05/1987/0043", "manifest")])
    assert chosen is not None and chosen.normalized == "REV/TSL-05/1987/0042"
    assert len(flags) == 1 and flags[0].startswith("conflicting-file-numbers")
    assert "REV/TSL-05/1987/0042 (barcode)" in flags[0] and "REV/TSL-05/1987/0043 (manifest)" in flags[0]


def test_two_different_barcoded_numbers_on_one_file_are_a_conflict() -> None:
    chosen, flags = choose_file_number([_number("REV/TSL-05/1987/0042", "barcode"), _number("REV/TSL-05/1987/0099", "barcode")])
    assert chosen is not None and chosen.normalized == "REV/TSL-05/1987/0042"
    assert flags == ["conflicting-file-numbers: REV/TSL-05/1987/0042 (barcode) != REV/TSL-05/1987/0099 (barcode)"]


def test_other_numbers_cited_in_the_text_are_not_a_conflict() -> None:
    # an order cites earlier files all the time; the label decides
    chosen, flags = choose_file_number([_number("REV/TSL-05/1987/0042", "barcode"), _number("REV/TSL-05/1980/0007", "text")])
    assert chosen is not None and chosen.source == "barcode" and flags == []


def test_number_from_text_alone_is_taken_and_flagged() -> None:
    chosen, flags = choose_file_number([_number("REV/TSL-05/1987/0042", "text")])
    assert chosen is not None and chosen.source == "text"
    assert flags == ["file-number-from-text-only"]


def test_no_number_is_flagged() -> None:
    assert choose_file_number([]) == (None, ["no-file-number"])


def test_file_numbers_from_barcodes_choose_by_pattern_not_position() -> None:
    barcodes = [
        Barcode("004518870023", "code128", (10, 10, 300, 80), "zxing-cpp"),  # an old label first on the page
        Barcode("DAFTAR-SEPARATOR", "code128", (10, 200, 300, 80), "zxing-cpp"),
        Barcode("REV/TSL-05/1987/42", "code39", (10, 400, 600, 80), "pyzbar"),
    ]
    found = file_numbers_from_barcodes(barcodes, PATTERNS, separator_pattern=r"^DAFTAR-SEPARATOR$")
    assert [number.normalized for number in found] == ["REV/TSL-05/1987/0042"]
    assert found[0].source == "barcode"


def test_code39_label_that_decoders_expanded_as_full_ascii() -> None:
    # "GAD/CMUT" printed in standard Code39: "/C" is also Full-ASCII for "#", and every special
    # character in it pairs, so both decoders report "GAD#MUT"; the number is still found
    pattern = FileNumberPattern(name="office-section", regex=r"(?P<office>[A-Z]{3})/(?P<section>[A-Z]{3,4})", normalized="{office}/{section}")
    barcodes = [Barcode("GAD#MUT", "code39", (0, 0, 10, 10), "zxing-cpp")]
    found = file_numbers_from_barcodes(barcodes, [pattern])
    assert [number.normalized for number in found] == ["GAD/CMUT"]
    # other symbologies are never re-spelled
    assert file_numbers_from_barcodes([Barcode("GAD#MUT", "code128", (0, 0, 10, 10), "zxing-cpp")], [pattern]) == []


class CheckedPattern(FileNumberPattern):
    """FileNumberPattern with the proposed `check_digit` field (not yet in pipeline/config.py)."""

    check_digit: str = "none"


def test_check_digit_when_configured() -> None:
    pattern = CheckedPattern(
        name="checked",
        regex=r"(?P<office>[A-Z]{3})/(?P<year>\d{4})/(?P<serial>\d{1,5})-(?P<check>\d)",
        normalized="{office}/{year}/{serial}-{check}",
        serial_width=5,
        check_digit="luhn",
    )
    # Luhn over the digits of the other parts as normalized: 1987 00042 -> check 7
    assert normalize_file_number("REV/1987/42-7", [pattern], "barcode").normalized == "REV/1987/00042-7"  # type: ignore[union-attr]
    assert normalize_file_number("REV/1987/42-8", [pattern], "barcode") is None
    assert normalize_file_number("REV/1987/43-7", [pattern], "barcode") is None


@pytest.mark.parametrize(
    "algorithm, digits",
    [("luhn", "79927398713"), ("mod10", "4006381333931"), ("mod11", "1987000429"), ("mod97", "19870004286")],
)
def test_check_digit_algorithms(algorithm: str, digits: str) -> None:
    assert check_digit_ok(digits, algorithm)
    assert not check_digit_ok(digits[:-1] + str((int(digits[-1]) + 1) % 10), algorithm)


def test_reading_file_numbers_loads_no_barcode_decoder() -> None:
    # the Code39 Full-ASCII helpers are pure text: finding and choosing file numbers must not
    # load OpenCV or the decoders
    code = "import sys, extractors.file_numbers; print(sorted({m.split('.')[0] for m in sys.modules} & {'cv2', 'zxingcpp', 'pyzbar', 'numpy'}))"
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert result.stdout.strip() == "[]"


# A number in no configured format ------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, generic",
    [
        ("KLM-7/2019/0034", "KLM-7/2019/0034"),  # padding left as written
        ("klm-7/2019/34", "KLM-7/2019/34"),  # upper case; no padding added either
        ("KLM\u20137 / 2019 / 0034", "KLM-7/2019/0034"),  # a look-alike dash, spaces around separators
        ("DV/\u0662\u0660\u0661\u0669/\u06f4\u06f2", "DV/2019/42"),  # Arabic-Indic and Urdu digits
        ("DV/\u0968\u0966\u0967\u096f/42", "DV/2019/42"),  # Devanagari digits
        ("\u200fQZ.17\u200b_1994.00042\ufeff", "QZ.17_1994.00042"),  # bidi and zero-width marks
        ("Mut 42  of1987", "MUT 42 OF1987"),  # three words at most ("MUT 42 OF 1987" is text)
        ("004518", "004518"),  # plain serials
        ("GAD-22011/15/2022-GAD", "GAD-22011/15/2022-GAD"),
    ],
)
def test_a_value_no_pattern_reads_is_normalized_generically(raw: str, generic: str) -> None:
    assert generic_number(raw) == generic


@pytest.mark.parametrize(
    "raw",
    [
        "NOT A NUMBER",  # no digit
        "42",  # too short to tell one file from another
        "A" * 38 + "/42",  # longer than a label
        "Received on 12 March 1987",  # free text
        "Mut 42 of 1987",  # four words
        "https://eoffice.jk.gov.in/verify?id=42",  # a URL
        "www.jk.gov.in/42",
        "jk.gov.in/12345",
        "name@jk.gov.in 42",  # an e-mail
        "File: 42\nTehsil: Dooru",  # a multi-line QR text
        "\u0641\u0627\u0626\u0644 42",  # letters outside ASCII: archive folders and URLs need ASCII
        "",
    ],
)
def test_values_that_are_not_plausibly_file_numbers(raw: str) -> None:
    assert generic_number(raw) is None


def test_any_random_office_format_reads_back_as_printed() -> None:
    import random
    import string

    rng = random.Random(7)
    for _ in range(300):
        separators = rng.sample(["-", "/", ".", "_", "\\", "|", "#"], 2)
        parts = ["".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(1, 5))),
                 str(rng.randint(0, 999)).zfill(rng.randint(1, 4)), str(rng.randint(1850, 2030)), str(rng.randint(1, 99999)).zfill(rng.randint(1, 6))]
        printed = "".join(part + rng.choice(separators) for part in parts)[:-1]
        assert generic_number(printed) == printed and generic_number(printed.lower()) == printed


def test_configured_patterns_win_and_still_validate() -> None:
    # a pattern reads it: canonical, with the pattern's name
    assert read_file_number("rev/tsl-05/1987/42", PATTERNS, "barcode") == FileNumber("rev/tsl-05/1987/42", "REV/TSL-05/1987/0042", "barcode", "revenue")
    # a pattern matches but rejects it (year out of range, serial 0): a misread, not another format
    assert read_file_number("REV/TSL-05/1812/0042", PATTERNS, "barcode") is None
    assert read_file_number("REV/TSL-05/1987/0000", PATTERNS, "barcode") is None
    # no pattern matches it: read generically, no pattern named
    assert read_file_number("kht-778/b", PATTERNS, "barcode") == FileNumber("kht-778/b", "KHT-778/B", "barcode", None)
    assert read_file_number("kht-778/b", [], "barcode") == FileNumber("kht-778/b", "KHT-778/B", "barcode", None)


def test_cover_labels_are_read_generically_but_not_separators_or_retail_codes() -> None:
    barcodes = [
        Barcode("SEPARATOR", "code128", (0, 0, 10, 10), "zxing-cpp"),
        Barcode("8901234567890", "ean13", (0, 20, 10, 10), "zxing-cpp"),  # the folder maker's product code
        Barcode("https://eoffice.jk.gov.in/f/42", "qrcode", (0, 40, 10, 10), "zxing-cpp"),
        Barcode("qz.17_1994.00042", "code128", (0, 60, 10, 10), "zxing-cpp"),
        Barcode("QZ.17_1994.00042", "qrcode", (0, 80, 10, 10), "zxing-cpp"),  # the same number twice
        Barcode("REV/TSL-05/1987/42", "code128", (0, 100, 10, 10), "zxing-cpp"),  # a pattern reads it: not generic
    ]
    found = generic_numbers_from_barcodes(barcodes, PATTERNS, r"^(SEP|SEPARATOR)([-_ ].*)?$")
    assert [(n.normalized, n.source, n.pattern) for n in found] == [("QZ.17_1994.00042", "barcode", None)]
    assert generic_flag([]) == "file-number-pattern-unconfigured"
    assert generic_flag(PATTERNS) == "file-number-unmatched"


def test_a_number_in_the_text_alone_still_needs_a_pattern() -> None:
    assert find_file_numbers("File No. QZ.17_1994.00042 dated 1994", []) == []


def test_lookups_find_a_generic_number_as_printed_even_where_a_pattern_reads_it_otherwise() -> None:
    settings = Settings.load()
    # printed by a district with no pattern, unpadded; anantnag's pattern would pad it
    spellings = [(n.normalized, n.pattern) for n in file_number_spellings("rev/tsl-05/1987/42", settings)]
    assert spellings == [("REV/TSL-05/1987/0042", "revenue"), ("REV/TSL-05/1987/42", None)]
    assert normalize_any("rev/tsl-05/1987/42", settings) == "REV/TSL-05/1987/0042"
    assert normalize_any("qz.17_1994.00042", settings) == "QZ.17_1994.00042"
    assert normalize_any("khasra", settings) is None
