"""Record types and titles read out of English, Urdu and Hindi text."""

from __future__ import annotations

import pytest

from extractors.metadata import record_type, title_from_text
from domain.config import Settings

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
