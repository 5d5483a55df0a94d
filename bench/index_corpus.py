"""The generated corpus of bench/index.py: record files of revenue and correspondence sentences in
English, Urdu and Hindi, with owners' names, villages and khasra numbers in ASCII, Urdu and
Devanagari digits, and the word queries and file numbers to time against them. The same seed
gives the same corpus for every backend.

Generating a million pages takes minutes, so `record_files` keeps what it generated in a cache
folder (one JSON line per record file) and reads it back on later runs."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from domain.model import PageRecord, RecordFile

# Sentences of a tehsil's revenue and correspondence files, with slots for a person, a village
# and a number. Each language writes numbers in its own digits some of the time.
SENTENCES = {
    "eng": [
        "The mutation of land in khasra number {num} of village {village} in favour of {name} is hereby attested.",
        "Copy of the jamabandi for the year {year} is enclosed for your kind perusal and record.",
        "The tehsildar has directed the patwari of {village} to submit the report within seven days.",
        "Notice is given to {name} and all concerned that objections may be filed before this office.",
        "The applicant {name} has paid the prescribed fee vide receipt number {num} dated {day} March {year}.",
        "Possession of the land was handed over to {name} in the presence of the lambardar and witnesses.",
        "The case is adjourned to the next date of hearing for want of the revenue record of {village}.",
        "Certified that the entries in the register are correct to the best of my knowledge and belief.",
        "The girdawari of kharif crops shows paddy sown over {num} kanals in village {village}.",
        "Forwarded to the Deputy Commissioner for information and necessary action please.",
        "The inheritance of the deceased owner {name} shall devolve on the legal heirs in equal shares.",
        "A demarcation of the boundary between khasra {num} and the adjoining holding was carried out.",
    ],
    "urd": [
        "تحصیلدار صاحب کے حکم سے موضع {village} کے خسرہ نمبر {num} کا انتقال {name} کے حق میں تصدیق کیا گیا۔",
        "سال {year} کی جمع بندی کی نقل آپ کے ملاحظہ کے لیے منسلک ہے۔",
        "پٹواری حلقہ {village} کو ہدایت کی جاتی ہے کہ سات دن کے اندر رپورٹ پیش کرے۔",
        "{name} اور تمام متعلقہ افراد کو اطلاع دی جاتی ہے کہ اعتراضات دفتر میں داخل کریں۔",
        "درخواست دہندہ {name} نے رسید نمبر {num} کے ذریعے مقررہ فیس خزانہ میں جمع کرا دی ہے۔",
        "نمبردار اور گواہوں کی موجودگی میں زمین کا قبضہ {name} کے حوالے کیا گیا۔",
        "محکمہ مال کا ریکارڈ نہ ہونے کی وجہ سے مقدمہ اگلی تاریخ تک ملتوی کیا گیا۔",
        "تصدیق کی جاتی ہے کہ رجسٹر میں درج اندراجات درست ہیں۔",
        "خریف کی گرداوری کے مطابق موضع {village} میں دھان کی کاشت {num} کنال رقبہ پر کی گئی۔",
        "ضروری کارروائی کے لیے ڈپٹی کمشنر صاحب کی خدمت میں ارسال ہے۔",
        "متوفی مالک {name} کی وراثت اس کے قانونی وارثان میں برابر تقسیم ہوگی۔",
        "خسرہ نمبر {num} اور ملحقہ کھیت کے درمیان حد بندی موقع پر کی گئی۔",
    ],
    "hin": [
        "तहसीलदार के आदेश से गांव {village} के खसरा नंबर {num} का इंतकाल {name} के पक्ष में सत्यापित किया गया।",
        "वर्ष {year} की जमाबंदी की प्रति आपके अवलोकन के लिए संलग्न है।",
        "पटवारी हलका {village} को निर्देश दिया जाता है कि सात दिन के भीतर रिपोर्ट प्रस्तुत करे।",
        "{name} और सभी संबंधित व्यक्तियों को सूचित किया जाता है कि आपत्तियां कार्यालय में दर्ज करें।",
        "आवेदक {name} ने रसीद संख्या {num} द्वारा निर्धारित शुल्क कोषागार में जमा करा दिया है।",
        "नंबरदार और गवाहों की उपस्थिति में भूमि का कब्जा {name} को सौंपा गया।",
        "राजस्व रिकॉर्ड उपलब्ध न होने के कारण मामला अगली तारीख तक स्थगित किया गया।",
        "प्रमाणित किया जाता है कि रजिस्टर में दर्ज प्रविष्टियां सही हैं।",
        "खरीफ की गिरदावरी के अनुसार गांव {village} में धान की खेती {num} कनाल क्षेत्र में की गई।",
        "आवश्यक कार्रवाई हेतु उपायुक्त महोदय की सेवा में प्रेषित है।",
        "मृत मालिक {name} की विरासत उसके कानूनी वारिसों में बराबर बांटी जाएगी।",
        "खसरा नंबर {num} और साथ वाले खेत के बीच सीमांकन मौके पर किया गया।",
    ],
}
# Syllables for owners' and villages' names: thousands of distinct, rarely repeated words, as
# names are in a real record room.
SYLLABLES = {
    "eng": ["ab", "dul", "ra", "shid", "ghu", "lam", "mo", "ham", "mad", "ka", "ri", "m", "pora", "bal", "gund", "nag", "wani", "bhat", "mir", "lone"],
    "urd": ["عب", "دل", "را", "شد", "غلا", "م", "مح", "مد", "کر", "یم", "پور", "بل", "گنڈ", "ناگ", "وا", "نی", "بٹ", "میر", "لون", "ہ"],
    "hin": ["रा", "म", "श", "र्मा", "दे", "व", "सिं", "ह", "कु", "मा", "पु", "र", "न", "गर", "ला", "ल", "चं", "द", "प्र", "का"],
}
DIGITS = {"eng": "0123456789", "urd": "۰۱۲۳۴۵۶۷۸۹", "hin": "०१२३४५६७८९"}
LANGUAGE_MIX = [("eng", 0.4), ("urd", 0.4), ("hin", 0.2)]
DISTRICTS = {"Anantnag": ["Bijbehara", "Pahalgam", "Kokernag"], "Jammu": ["Bishnah", "Akhnoor", "RS Pura"]}
RECORD_TYPES = ["mutation", "jamabandi", "court-case", "certificate", "correspondence"]


@dataclass(frozen=True)
class Corpus:
    """What to generate: the same seed gives the same corpus for every backend."""

    pages: int
    pages_per_file: int
    page_chars: int = 1500
    seed: int = 1987
    cache: Path | None = None  # a folder to keep the generated record files in (see record_files)


def numeral(rng: random.Random, language: str, value: int) -> str:
    text = str(value)
    # Urdu and Hindi OCR text carries native digits about half the time.
    if language != "eng" and rng.random() < 0.5:
        text = text.translate(str.maketrans("0123456789", DIGITS[language]))
    return text


def proper_name(rng: random.Random, language: str) -> str:
    return "".join(rng.choice(SYLLABLES[language]) for _ in range(rng.randint(2, 4)))


def page_text(rng: random.Random, language: str, chars: int) -> str:
    target = int(chars * rng.uniform(0.8, 1.2))
    sentences: list[str] = []
    length = 0
    while length < target:
        # An English line now and then in an Urdu or Hindi page, as in real files.
        lang = "eng" if language != "eng" and rng.random() < 0.15 else language
        sentence = rng.choice(SENTENCES[lang]).format(
            num=numeral(rng, lang, rng.randint(1, 9999)),
            year=numeral(rng, lang, rng.randint(1950, 2024)),
            day=rng.randint(1, 28),
            name=proper_name(rng, lang),
            village=proper_name(rng, lang),
        )
        sentences.append(sentence)
        length += len(sentence) + 1
    return " ".join(sentences)


@dataclass(frozen=True)
class FilePlan:
    """A record file's metadata, drawn before its text so lookups can be planned cheaply."""

    serial: int
    district: str
    tehsil: str
    year: int
    language: str
    record_type: str
    page_count: int

    @property
    def file_number(self) -> str:
        return f"REV/{self.tehsil[:3].upper()}-{self.serial % 40:02d}/{self.year}/{self.serial:06d}"


def file_rng(corpus: Corpus, serial: int) -> random.Random:
    # One generator per file: a file's metadata and text never depend on the files before it.
    return random.Random(corpus.seed * 1_000_003 + serial)


def file_plans(corpus: Corpus) -> Iterator[FilePlan]:
    planned = 0
    serial = 0
    while planned < corpus.pages:
        serial += 1
        rng = file_rng(corpus, serial)
        district = rng.choice(sorted(DISTRICTS))
        plan = FilePlan(
            serial=serial,
            district=district,
            tehsil=rng.choice(DISTRICTS[district]),
            year=rng.randint(1950, 2024),
            language=rng.choices([lang for lang, _ in LANGUAGE_MIX], [w for _, w in LANGUAGE_MIX])[0],
            record_type=rng.choice(RECORD_TYPES),
            page_count=min(corpus.pages - planned,
                           max(1, int(rng.gauss(corpus.pages_per_file, corpus.pages_per_file / 3)))),
        )
        planned += plan.page_count
        yield plan


def record_files(corpus: Corpus) -> Iterator[RecordFile]:
    """The corpus's record files, read from its cache folder when an earlier run left them there
    (else generated, and left there for the next run)."""
    cache = corpus.cache
    if cache is None:
        yield from generated_files(corpus)
        return
    path = cache / f"corpus-{corpus.pages}-{corpus.pages_per_file}-{corpus.page_chars}-{corpus.seed}.jsonl"
    if path.exists():
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                yield RecordFile.from_json(json.loads(line))
        return
    cache.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    with partial.open("w", encoding="utf-8") as out:
        for record in generated_files(corpus):
            out.write(json.dumps(record.to_json(), ensure_ascii=False) + "\n")
            yield record
    partial.replace(path)  # only a whole corpus is ever read back


def generated_files(corpus: Corpus) -> Iterator[RecordFile]:
    for plan in file_plans(corpus):
        rng = random.Random(f"text-{corpus.seed}-{plan.serial}")
        pages = [PageRecord(number=n, source=f"scan-{n:04d}.tif", source_page=1, language=plan.language,
                            text=page_text(rng, plan.language, corpus.page_chars))
                 for n in range(1, plan.page_count + 1)]
        number = plan.file_number
        yield RecordFile(
            file_id=number.replace("/", "_"), file_number=number, file_number_raw=number,
            file_number_source="barcode", district=plan.district, tehsil=plan.tehsil, batch="bench",
            stack=f"stack-{plan.serial}", title=f"{plan.record_type} file {plan.serial}",
            record_type=plan.record_type, year=plan.year, languages=sorted({plan.language, "eng"}), pages=pages,
        )


def word_queries(corpus: Corpus, count: int) -> list[str]:
    """Half common domain words (many hits), half words drawn from generated pages (names,
    villages, numbers: few hits), some of two words, typed the way users type: Urdu with
    Arabic-keyboard kaf and yeh, numbers in ASCII digits."""
    rng = random.Random(corpus.seed + 1)
    common = ["khasra", "jamabandi", "mutation", "patwari", "tehsildar", "انتقال", "خسرہ", "پٹواری", "जमाबंदी",
              "पटवारी", "khasra patwari", "جمع بندی"]
    sample = Corpus(min(corpus.pages, 400), corpus.pages_per_file, corpus.page_chars, corpus.seed)
    words = sorted({word.strip(".،۔।") for record in generated_files(sample) for page in record.pages
                    for word in page.text.split() if len(word.strip(".،۔।")) >= 5})
    typed = str.maketrans({"ک": "ك", "ی": "ي", **{d: str(i) for i, d in enumerate(DIGITS["urd"])},
                           **{d: str(i) for i, d in enumerate(DIGITS["hin"])}})
    queries: list[str] = []
    while len(queries) < count:
        if rng.random() < 0.5:
            queries.append(rng.choice(common))
        else:
            queries.append(rng.choice(words).translate(typed))
    return queries


def file_numbers(corpus: Corpus, count: int) -> list[str]:
    numbers = [plan.file_number for plan in file_plans(corpus)]
    rng = random.Random(corpus.seed + 2)
    return [rng.choice(numbers) for _ in range(count)]
