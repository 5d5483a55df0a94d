"""Dates, record types and titles read out of English, Urdu and Hindi text."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.metadata import find_dates, record_type, title_from_text
from domain.config import Settings

D = dt.date


@pytest.mark.parametrize(
    "text, dates",
    [
        ("Order dated 12/03/1987, received 5-11-2001", [D(1987, 3, 12), D(2001, 11, 5)]),
        ("entered on 12.3.1987 and 1987-03-12 again", [D(1987, 3, 12)]),  # each date once
        ("12 March 1987; 3rd Feb, 2001; March 12, 1987; 12-Mar-1987", [D(1987, 3, 12), D(2001, 2, 3)]),
        # Urdu: digits, month names, the year mark ء
        ("مورخہ ۱۲ مارچ ۱۹۸۷ء کو انتقال منظور ہوا", [D(1987, 3, 12)]),
        ("تاریخ ۵ مئی ۲۰۰۱ اور ۱ جولائی ۱۹۹۹", [D(2001, 5, 5), D(1999, 7, 1)]),
        ("۱۲/۰۳/۱۹۸۷", [D(1987, 3, 12)]),
        # Hindi: Devanagari digits and month names, with and without nukta
        ("दिनांक १२ मार्च १९८७ को", [D(1987, 3, 12)]),
        ("5 फ़रवरी 2001 और 7 फरवरी 2002, १ सितम्बर १९९९", [D(2001, 2, 5), D(2002, 2, 7), D(1999, 9, 1)]),
    ],
)
def test_find_dates_in_three_scripts(text: str, dates: list[dt.date]) -> None:
    assert find_dates(text) == dates


@pytest.mark.parametrize(
    "text",
    [
        "khasra 412/3/1987",  # a khasra number, not the 12th of March
        "31/02/1987",  # no such day
        "12/03/87",  # two-digit years are not read
        "marla 12 1987 kanal",  # "mar" inside a word is not March
        "file 12/13/1987",  # month 13
        "15 March 1650",  # not a record-room year
    ],
)
def test_what_is_not_a_date(text: str) -> None:
    assert find_dates(text) == []


KEYWORDS = Settings.load().district("anantnag").record_type_keywords


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Mutation of land, intiqal no 42 attested", "mutation"),
        ("انتقال اراضی منظور", "mutation"),
        ("In the TEHSILDAR\nCOURT at Bijbehara", "court-case"),  # a phrase across a line break
        ("عدالت تحصیلدار", "court-case"),
        ("प्रमाण पत्र जारी", "certificate"),
        ("Jamabandi for the year 1987, khasra 412", "revenue-register"),
        ("the courtyard of the house", None),  # not "court"
        ("nothing of the kind", None),
    ],
)
def test_record_type_by_configured_keywords(text: str, kind: str | None) -> None:
    assert record_type(text, KEYWORDS) == kind


def test_record_type_prefers_most_keywords() -> None:
    text = "Certificate issued in mutation case: mutation entered, intiqal attested"
    assert record_type(text, KEYWORDS) == "mutation"


def test_title_prefers_the_subject_line() -> None:
    text = "GOVERNMENT OF JAMMU AND KASHMIR\nOFFICE OF THE TEHSILDAR BIJBEHARA\nNo: 42\n\nSubject: Mutation of land khasra no 412 in village Kralpora\nSir, ..."
    assert title_from_text(text) == "Mutation of land khasra no 412 in village Kralpora"


def test_title_is_the_first_line_of_words() -> None:
    text = "GOVERNMENT OF JAMMU AND KASHMIR\n~ .. ,, ;\n12\nJamabandi of village Kralpora for the year 1987\nmore text"
    assert title_from_text(text) == "Jamabandi of village Kralpora for the year 1987"


def test_title_in_urdu_and_hindi() -> None:
    assert title_from_text("حکومت جموں و کشمیر\nانتقال اراضی خسرہ نمبر ۴۱۲\n") == "انتقال اراضی خسرہ نمبر ۴۱۲"
    assert title_from_text("विषय: भूमि का नामांतरण\n") == "भूमि का नामांतरण"


def test_title_is_trimmed_at_a_word() -> None:
    title = title_from_text("Mutation of land " + "khasra number four hundred twelve " * 10)
    assert len(title) <= 121 and title.endswith("…") and " " in title
    assert not title[:-1].endswith(" ")


def test_title_of_nothing_readable() -> None:
    assert title_from_text("") == ""
    assert title_from_text("~~ ., ;;\n|||\n12 34") == ""


def test_a_covers_record_type_and_title_lines_win_over_words_on_its_pages():
    keywords = {"court-case": ["court"], "revenue-register": ["khasra", "jamabandi", "register"]}
    cover = "OFFICE OF THE TEHSILDAR\nDistrict Anantnag\nTitle: Correction of entry, Village Larnoo\nRecord type: Court Case\nkhasra khasra register"
    assert record_type(cover, keywords) == "court-case"
    assert title_from_text(cover) == "Correction of entry, Village Larnoo"
