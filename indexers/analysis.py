"""The one text analysis both indices use, at index time and at query time.

A page becomes *terms*: its words, each folded (`domain.text.fold`: case, digits of every script,
Urdu letter variants and marks, Hindi nukta and chandrabindu) and stemmed (Snowball through
PyStemmer: English for Latin words, Hindi for Devanagari words; Snowball has no Urdu, so Urdu
words are folded only). The embedded index stores the terms in FTS5; Elasticsearch indexes them
with its whitespace analyzer (its integ-test-zip ships no language analysis). Analysis in one
place is what makes both backends return the same files for the same query.

Tolerance: a query word that is in no page at all (an OCR error on the query side, or a typo) is
matched to terms within a small edit distance (`tolerance`) that share its first letter; the
result says so. A word some page has is matched within one edit too when it has 5 letters or more
(`widening`): OCR misread it on other pages ("Intigal" for Intiqal on two covers of the sample
night). Those pages come after every page that has the word as typed, and the result says so.
Shorter words are not widened: one edit away they are other words (case and came, were and wire,
naib and nabi, موضع and موقع on the sample night). Numbers are never matched approximately:
khasra 245 is not khasra 243.
"""

from __future__ import annotations

import functools
import re
import sys
import threading
import unicodedata
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field

import Stemmer
from rapidfuzz.distance import OSA

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


_TOKEN = re.compile(r"\S+")


@functools.lru_cache(maxsize=200_000)
def _token_words(token: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, term) of each word of one white-space-separated token, positions in the token."""
    if token.isalnum():  # the usual token: one word (str.isalnum is \w without "_")
        analyzed = term(token)
        return ((0, len(token), analyzed),) if analyzed else ()
    return tuple((match.start(), match.end(), analyzed) for match in WORD.finditer(_words_of(token))
                 if (analyzed := term(match.group())))


def words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, term) for each word of the text, positions in the text as given. Read token by
    token (no word spans white space), each token's words remembered: see `terms`."""
    for token in _TOKEN.finditer(text):
        start = token.start()
        for begin, end, analyzed in _token_words(token.group()):
            yield start + begin, start + end, analyzed


@functools.lru_cache(maxsize=200_000)
def _token_terms(token: str) -> str:
    """The terms of one white-space-separated token ("number," "12-03-1987"), separated by spaces."""
    return " ".join(analyzed for _, _, analyzed in _token_words(token))


def terms(text: str) -> str:
    """The terms of a text, separated by spaces: what the indices store and match on. The text is
    split at white space first (no word spans it), and each token's terms are remembered: the
    word pattern, run over every page, cost more than the rest of indexing."""
    return " ".join(filter(None, map(_token_terms, text.split())))


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


def widening(query_term: str) -> int:
    """Edits allowed, besides the word as typed, for a word some page has: one from 5 letters."""
    if len(query_term) < 5 or any(ch.isdigit() for ch in query_term):
        return 0
    return 1


def distance(a: str, b: str, limit: int) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment, as Lucene's fuzzy
    query counts), in code points; any value above `limit` is returned as limit + 1."""
    return OSA.distance(a, b, score_cutoff=limit)


def is_close(query_term: str, candidate: str, edits: int) -> bool:
    return (candidate[:FUZZY_PREFIX] == query_term[:FUZZY_PREFIX]
            and distance(query_term, candidate, edits) <= edits)


@dataclass(frozen=True)
class Matcher:
    """Which page terms a search matched: its exact terms, and terms close to its tolerant words.
    Used to mark snippets the same way on both backends."""

    exact: frozenset[str]
    close: tuple[tuple[str, int], ...] = ()  # (query term, edits allowed)
    # What each white-space-separated token of the pages holds that matched (see matched_words).
    _tokens: dict[str, tuple[tuple[int, int, str], ...]] = field(default_factory=dict, compare=False, repr=False)

    def __call__(self, page_term: str) -> bool:
        return page_term in self.exact or any(is_close(q, page_term, edits) for q, edits in self.close)


def matched_words(text: str, matches: Matcher) -> Iterator[tuple[int, int, str]]:
    """The words of `words(text)` that `matches` matches. Each distinct token is analyzed and
    matched once per matcher: pages repeat their words, and the snippets of one search read
    thousands of them."""
    seen = matches._tokens
    for token in _TOKEN.finditer(text):
        found = seen.get(token.group())
        if found is None:
            found = seen[token.group()] = tuple(word for word in _token_words(token.group()) if matches(word[2]))
        if found:
            start = token.start()
            for begin, end, analyzed in found:
                yield start + begin, start + end, analyzed


def matcher(clauses: list[Clause], tolerant: set[str], widened: Collection[str] = ()) -> Matcher:
    """The matcher of a query whose words in `tolerant` (typed words) are matched approximately,
    and those in `widened` as typed and approximately."""
    exact = frozenset(t for clause in clauses if clause.typed not in tolerant for t in clause.terms)
    close = tuple((clause.terms[0], tolerance(clause.terms[0])) for clause in clauses if clause.typed in tolerant)
    close += tuple((clause.terms[0], widening(clause.terms[0])) for clause in clauses if clause.typed in widened)
    return Matcher(exact, close)


def tolerant_words(clauses: list[Clause], exists: Callable[[list[str]], set[str]]) -> set[str]:
    """The typed words to match approximately: single words with a tolerance whose term no page
    has. `exists` answers, for a list of terms, which of them the index holds."""
    candidates = [clause for clause in clauses if clause.is_word and tolerance(clause.terms[0])]
    if not candidates:
        return set()
    held = exists([clause.terms[0] for clause in candidates])
    return {clause.typed for clause in candidates if clause.terms[0] not in held}


def widened_words(clauses: list[Clause], tolerant: set[str]) -> set[str]:
    """The typed words some page has that are matched within `widening` edits too."""
    return {clause.typed for clause in clauses if clause.is_word and clause.typed not in tolerant and widening(clause.terms[0])}
