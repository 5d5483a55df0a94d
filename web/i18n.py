"""The languages of the pages: English, Urdu and Hindi, from the gettext catalogs in
`web/locales/<code>/LC_MESSAGES/messages.po`.

Which language a page speaks: the signed-in user's own choice (stored with the user, set with
`daftar user add --language` or the language buttons at the foot of every page), else this
browser's choice (the same buttons before log-in, kept in a cookie), else its Accept-Language,
else English.

What a page says comes from its template (`_()`), or from the code: a text marked with `N_()`
where it is written (an HTTP error's detail, a log-in refusal, a review flag's label in
`pipeline.progress.rules`) is English there, and translated by its msgid when a page shows it
(`domain.translatable.Said`, `PageError`, the `say` filter of `web.templating`), an error of
`domain.errors` by its `said`. Values put into a text (a tehsil's name, a typed year) are record
data: shown as they are, never translated. A text the night stored in English (a quarantine
reason, a record's history) is translated when it is one of daftar's known wordings
(`recognised_in`).

The catalogs are compiled in memory when first used: the `.po` files are the only source, so
there is no compiled `.mo` to go stale. `scripts/translations.sh` extracts the strings of the
templates and of the code and merges them into the catalogs (see its header).
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import HTTPException, Request

from domain.translatable import Said, recognised
from store.users import User

LOCALES = Path(__file__).resolve().parent / "locales"
LANGUAGE_COOKIE = "daftar_language"
DEFAULT_LANGUAGE = "en"  # the language the templates are written in


@dataclass(frozen=True)
class Language:
    code: str  # the user store's code, and the page's `lang`
    name: str  # in its own script, as the language buttons show it
    direction: str  # "ltr" or "rtl", the page's `dir`


LANGUAGES = {"en": Language("en", "English", "ltr"), "ur": Language("ur", "اردو", "rtl"),
             "hi": Language("hi", "हिन्दी", "ltr")}


@functools.cache
def translations(code: str) -> NullTranslations:
    """The compiled catalog of a language; English is the templates' own text."""
    if code == DEFAULT_LANGUAGE:
        return NullTranslations()
    with (LOCALES / code / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=code)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def said_in(code: str, text: Said | str | None) -> str:
    """A text of the code in language `code`: a `Said` translated, its values put in after (a
    value that is a `Said` translated too); a plain text by its msgid when the catalogs have it
    (a log-in refusal), else as it is (an error another layer wrote)."""
    if isinstance(text, Said):
        said = translations(code).gettext(text.message)
        values = {name: said_in(code, value) if isinstance(value, Said) else value for name, value in text.values.items()}
        return said % values if values else said
    return translations(code).gettext(text) if text else ""


def recognised_in(code: str, text: str | None, wordings: tuple[str, ...]) -> str:
    """A text the night stored in English (a quarantine reason, a line of a history) in language
    `code` when one of `wordings` wrote it (`domain.translatable.recognised`); any other (a
    person's) as it is."""
    said = recognised(text, wordings)
    return said_in(code, said) if said is not None else text or ""


class PageError(HTTPException):
    """An HTTP error a person reads: its `detail` is the English (the JSON API's), the error page
    says it in the reader's language. `values` fill the placeholders of `message`."""

    def __init__(self, status_code: int, message: str, headers: dict[str, str] | None = None, **values: object):
        self.said = Said(message, values)
        super().__init__(status_code, str(self.said), headers)


def page_language(request: Request, user: User | None) -> Language:
    """The language of this request's page (see the module's docstring for the order)."""
    if user is not None and user.language in LANGUAGES:
        return LANGUAGES[user.language]
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen in LANGUAGES:
        return LANGUAGES[chosen]
    return LANGUAGES[accepted_language(request.headers.get("accept-language", ""))]


def accepted_language(header: str) -> str:
    """The best of our languages in an Accept-Language header ("ur-PK,ur;q=0.9,en;q=0.8"); of
    two with the same weight, the one the browser lists first."""
    offered = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower().split("-", 1)[0]
        weight = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            quality = float(weight)
        except ValueError:
            continue
        if code in LANGUAGES and quality > 0:
            offered.append((quality, -position, code))
    return max(offered)[2] if offered else DEFAULT_LANGUAGE
