"""Lines of Urdu as record rooms print it: land records, mutations (intiqal), court orders of the
tehsildar, names, dates, khasra numbers and areas, in Urdu and Western digits.

Half the lines come from templates of those documents, the rest from Debian `urd`'s word list
(so the model sees the whole language, not only the record room's phrases). Every line is kept to
the characters of the model's unicharset, so none is dropped in training.

    python record_text.py --words urd.words.txt --unicharset urd.unicharset --lines 6000 --seed 1 > train.txt
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

FIRST_NAMES = (
    "محمد", "غلام", "عبدالرحمن", "علی", "حسن", "حسین", "بشیر", "نذیر", "منظور", "یوسف", "اسلم", "اکبر",
    "عبدالمجید", "رشید", "فاروق", "شبیر", "نثار", "مشتاق", "خورشید", "عبدالغنی", "محمد اقبال", "ثناءاللہ",
    "فاطمہ", "زینب", "حلیمہ", "رحمتی", "خدیجہ", "شمیمہ", "راجہ", "چوہدری", "سردار", "پیر", "عبدالقیوم",
)
SECOND_NAMES = (
    "احمد", "رسول", "محی الدین", "دین", "خان", "شاہ", "بٹ", "ڈار", "لون", "میر", "وانی", "شیخ", "ملک",
    "قریشی", "گنائی", "راتھر", "پرے", "بیگ", "اعوان", "گجر", "عباسی", "نقشبندی", "جان", "اللہ دتہ",
)
PLACES = (
    "بٹہ مالو", "گاندربل", "اننت ناگ", "پلوامہ", "سوپور", "بارہمولہ", "کپواڑہ", "بڈگام", "ترال", "شوپیاں",
    "کولگام", "ڈورو", "ویری ناگ", "مظفرآباد", "میرپور", "باغ", "راولاکوٹ", "ایبٹ آباد", "مانسہرہ", "سوات",
    "چترال", "کوٹلی", "پونچھ", "راجوری", "ڈوڈہ", "کشتواڑ", "ہندواڑہ", "پٹن", "اوڑی", "بانڈی پورہ",
)
DEEDS = ("وراثت", "ہبہ", "بیع", "رہن", "تقسیم", "تبادلہ", "فک الرہن", "وصیت")
OFFICES = ("تحصیلدار", "نائب تحصیلدار", "ڈپٹی کمشنر", "اسسٹنٹ کمشنر", "پٹواری", "گرداور", "کلکٹر")
RECORDS = ("جمع بندی", "فرد ملکیت", "گرداوری", "شجرہ نسب", "نقل انتقال", "مسل حقیت", "روزنامچہ واقعاتی")
RELATIONS = ("ولد", "زوجہ", "دختر", "بیوہ", "پسر")
ORDERS = ("منظور کیا جاتا ہے", "نامنظور کیا جاتا ہے", "داخل دفتر ہو", "تصدیق کی جاتی ہے", "پیش ہو")
SEASONS = ("ربیع", "خریف")
URDU_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# Arabic letter forms Urdu does not write (yeh, kaf, heh, teh marbuta...) and invisible format
# characters: the word list has some of them, and they look like their Urdu letters in print, so a
# line with them would teach the model a distinction the page does not show.
NOT_URDU = set("يكهىةەۃ") | {chr(c) for c in (0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C)}

TEMPLATES = (
    "انتقال نمبر {n} بابت اراضی خسرہ نمبر {khasra} واقع موضع {place} تحصیل {place2}",
    "بحق {person} ساکن {place} بذریعہ {deed} درج کیا گیا",
    "عدالت {office} {place} حکم مورخہ {date}",
    "رقبہ {n2} کنال {n3} مرلہ خسرہ نمبر {khasra} کھیوٹ نمبر {n} کھتونی نمبر {n4}",
    "{record} سال {year} موضع {place} حلقہ پٹوار {place2}",
    "مقدمہ نمبر {n} {person} بنام {person2}",
    "درخواست {person} ساکن {place} برائے {record} مورخہ {date}",
    "گواہ اول {person} گواہ دوم {person2}",
    "فصل {season} {year} گرداوری خسرہ نمبر {khasra} کاشتکار {person}",
    "حکم {office}: انتقال نمبر {n} {order}۔",
    "مالک {person} حصہ {n2}/{n3} رقبہ {n4} کنال",
    "نقل مطابق اصل ہے۔ مورخہ {date} دستخط {office}",
    "فائل نمبر {n}/{year} ضلع {place} تحصیل {place2}",
    "{person} {deed} بحق {person2} رقبہ {n2} کنال {n3} مرلہ",
    "مدعی {person} مدعا علیہ {person2} تاریخ پیشی {date}",
)


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SECOND_NAMES)} {rng.choice(RELATIONS)} " \
        f"{rng.choice(FIRST_NAMES)} {rng.choice(SECOND_NAMES)}"


def record_line(rng: random.Random) -> str:
    """One line of a land record, a mutation or a court order; its numbers in one digit set."""
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1950, 2024)
    separator = rng.choice("-/")
    line = rng.choice(TEMPLATES).format(
        n=rng.randint(1, 9999), n2=rng.randint(1, 40), n3=rng.randint(1, 19), n4=rng.randint(1, 999),
        khasra=f"{rng.randint(1, 2500)}" + (f"/{rng.randint(1, 9)}" if rng.random() < 0.4 else ""),
        year=year, date=f"{day:02d}{separator}{month:02d}{separator}{year}",
        place=rng.choice(PLACES), place2=rng.choice(PLACES), person=person(rng), person2=person(rng),
        deed=rng.choice(DEEDS), office=rng.choice(OFFICES), record=rng.choice(RECORDS),
        order=rng.choice(ORDERS), season=rng.choice(SEASONS),
    )
    return line.translate(URDU_DIGITS) if rng.random() < 0.6 else line


def word_line(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(5, 10)))


def unicharset_characters(path: Path) -> set[str]:
    """The characters a Tesseract unicharset file lists (its first column, after the count)."""
    rows = path.read_text(encoding="utf-8").splitlines()[1:]
    listed = {row.split(" ", 1)[0] for row in rows if row and not row.startswith(" ")}
    return (listed - NOT_URDU) | {" "}


def lines(count: int, seed: int, words: list[str], allowed: set[str]) -> list[str]:
    rng = random.Random(seed)
    made: list[str] = []
    while len(made) < count:
        line = record_line(rng) if rng.random() < 0.5 or not words else word_line(rng, words)
        if set(line) <= allowed:
            made.append(line)
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=Path, help="word list, one a line (dawg2wordlist of urd)")
    parser.add_argument("--unicharset", type=Path, required=True, help="the model's unicharset")
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    allowed = unicharset_characters(args.unicharset)
    words = [w for w in args.words.read_text(encoding="utf-8").split() if set(w) <= allowed] if args.words else []
    sys.stdout.write("\n".join(lines(args.lines, args.seed, words, allowed)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
