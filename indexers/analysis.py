"""The one text analysis both indices use, at index time and at query time.

A page becomes *terms*: its words, each folded (`domain.text.fold`: case, digits of every script,
Urdu letter variants and marks, Hindi nukta and chandrabindu) and stemmed (Snowball through
PyStemmer: English for Latin words, Hindi for Devanagari words; Snowball has no Urdu, so Urdu
words are folded only). The embedded index stores the terms in FTS5; Elasticsearch indexes them
with its whitespace analyzer (its integ-test-zip ships no language analysis). Analysis in one
place is what makes both backends return the same files for the same query.

Tolerance: a query word that is in no page at all (an OCR error on the query side, or a typo) is
matched to terms within a small edit distance (`tolerance`) that share its first letter; the
result says so. Numbers are never matched approximately: khasra 245 is not khasra 243.
"""

from __future__ import annotations

import functools
import re
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import Stemmer

from domain.text import fold


# A word: letters and digits of any script with their combining marks (a Devanagari vowel sign
# is a mark: without them "स्थायी" would be split), and the joiners Urdu writes inside words.
def _ranges(codes: list[int]) -> str:
    """A regex character class body for these code points, as ranges (a long list of single
    characters makes matching several times slower)."""
    spans: list[list[int]] = []
    for code in codes:
        if spans and code == spans[-1][1] + 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in spans)


_MARKS = _ranges([c for c in range(0x300, sys.maxunicode + 1) if unicodedata.category(chr(c)).startswith("M")])
WORD = re.compile("[\\w" + _MARKS + "\u200c\u200d]+")  # \w includes "_": see _words_of


def _words_of(text: str) -> str:
    """The text with "_" made a space (same length, so positions stay the text's): a class
    that leaves "_" out matches several times slower than Python's word class."""
    return text.replace("_", " ")


_QUERY_PART = re.compile(r'"([^"]*)"?|([^\s"]+)')

FUZZY_PREFIX = 1  # letters a close match must share at the start: OCR rarely misreads the first one
MAX_EXPANSIONS = 50  # close terms tried for one query word, closest first

_local = threading.local()  # a PyStemmer stemmer is not to be shared between threads


def _stemmer(language: str) -> Stemmer.Stemmer:
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        stemmers[language] = Stemmer.Stemmer(language)
    return stemmers[language]


def _is_devanagari(word: str) -> bool:
    return any("\u0900" <= ch <= "\u097f" for ch in word)


@functools.lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """The term one word is indexed and searched as: folded, then stemmed by its script."""
    folded = fold(word)
    if folded.isascii() and folded.isalpha():
        language = "english"
    elif _is_devanagari(folded):
        language = "hindi"
    else:
        return folded
    return _stemmer(language).stemWord(folded) or folded


def words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, term) for each word of the text, positions in the text as given."""
    for match in WORD.finditer(_words_of(text)):
        analyzed = term(match.group())
        if analyzed:
            yield match.start(), match.end(), analyzed


def terms(text: str) -> str:
    """The terms of a text, separated by spaces: what the indices store and match on."""
    return " ".join(filter(None, map(term, WORD.findall(_words_of(text)))))


@dataclass(frozen=True)
class Clause:
    """One part of a query that must match: a word (one term) or a phrase (terms in order).
    A typed word that analysis splits (12-03-1987) is a phrase of its parts."""

    typed: str
    terms: tuple[str, ...]

    @property
    def is_word(self) -> bool:
        return len(self.terms) == 1


def parse_query(text: str) -> list[Clause]:
    """The user's words: every one must match; "quoted words" must match as a phrase. Nothing a
    user types is query syntax, so no input is an error."""
    clauses = []
    for phrase, word in _QUERY_PART.findall(text):
        typed = phrase or word
        parts = tuple(analyzed for _, _, analyzed in words(typed))
        if parts:
            clauses.append(Clause(typed, parts))
    return clauses


def tolerance(query_term: str) -> int:
    """Edits allowed when a query word matches nothing as typed: none for short words and numbers,
    one up to 7 letters, two from 8."""
    if len(query_term) < 4 or any(ch.isdigit() for ch in query_term):
        return 0
    return 1 if len(query_term) < 8 else 2


def distance(a: str, b: str, limit: int) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment, as Lucene's fuzzy
    query counts), in code points; any value above `limit` is returned as limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if before is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def is_close(query_term: str, candidate: str, edits: int) -> bool:
    return (candidate[:FUZZY_PREFIX] == query_term[:FUZZY_PREFIX]
            and distance(query_term, candidate, edits) <= edits)


@dataclass(frozen=True)
class Matcher:
    """Which page terms a search matched: its exact terms, and terms close to its tolerant words.
    Used to mark snippets the same way on both backends."""

    exact: frozenset[str]
    close: tuple[tuple[str, int], ...] = ()  # (query term, edits allowed)

    def __call__(self, page_term: str) -> bool:
        return page_term in self.exact or any(is_close(q, page_term, edits) for q, edits in self.close)


def matcher(clauses: list[Clause], tolerant: set[str]) -> Matcher:
    """The matcher of a query whose words in `tolerant` (typed words) are matched approximately."""
    exact = frozenset(t for clause in clauses if clause.typed not in tolerant for t in clause.terms)
    close = tuple((clause.terms[0], tolerance(clause.terms[0])) for clause in clauses if clause.typed in tolerant)
    return Matcher(exact, close)


def tolerant_words(clauses: list[Clause], exists: Callable[[list[str]], set[str]]) -> set[str]:
    """The typed words to match approximately: single words with a tolerance whose term no page
    has. `exists` answers, for a list of terms, which of them the index holds."""
    candidates = [clause for clause in clauses if clause.is_word and tolerance(clause.terms[0])]
    if not candidates:
        return set()
    held = exists([clause.terms[0] for clause in candidates])
    return {clause.typed for clause in candidates if clause.terms[0] not in held}
