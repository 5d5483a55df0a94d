"""Texts of the code that people read on the web pages, marked for the pages' gettext catalogs.

A text is written in English, its msgid marked with `N_()`; one with values is a `Said`: the msgid
and the values of its placeholders (`%(year)d`, `%(number)s`), which are record data and never
translated. Its str() is the English (the command line's, the logs', the JSON API's); the web
pages look the msgid up in their reader's catalog and put the values in after (`web.i18n`).

Some texts reach a page only as the English the night stored (a quarantine reason, a line of a
record's history): `recognised` finds which of a few known wordings wrote one, and its values.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def N_(message: str) -> str:
    """Marks an English text for the catalogs (scripts/translations.sh extracts it); it stays
    English here, and a page shows it in its reader's language."""
    return message


@dataclass(frozen=True)
class Said:
    """A text of the code for a person: its msgid (marked with `N_`) and its placeholders' values
    (a value may be a `Said` itself, translated with it)."""

    message: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        """In English: the command line's words, the JSON API's, the logs'."""
        return self.message % self.values if self.values else self.message


def recognised(text: str | None, wordings: tuple[str, ...]) -> Said | None:
    """The `Said` that wrote `text`, when one of `wordings` (msgids) did, else None (a person's
    text, or one no wording knows); a value that one of them wrote too is its `Said`. The wording
    with the most words of its own is tried first, so a wording whose value could hold another
    wording's words does not take that one's texts."""
    if not text:
        return None
    for wording, pattern in _patterns(wordings):
        if match := pattern.fullmatch(text):
            kinds = dict(_PLACEHOLDER.findall(wording))
            return Said(wording, {name: int(value) if kinds[name] == "d" else recognised(value, wordings) or value
                                  for name, value in match.groupdict().items()})
    return None


@functools.cache
def _patterns(wordings: tuple[str, ...]) -> list[tuple[str, re.Pattern[str]]]:
    def pattern(wording: str) -> re.Pattern[str]:
        parts, last = [], 0
        for placeholder in _PLACEHOLDER.finditer(wording):
            parts.append(re.escape(wording[last:placeholder.start()]))
            parts.append(rf"(?P<{placeholder[1]}>{'[0-9]+' if placeholder[2] == 'd' else '.+?'})")
            last = placeholder.end()
        parts.append(re.escape(wording[last:]))
        return re.compile("".join(parts), re.DOTALL)

    fixed = sorted(wordings, key=lambda wording: -len(_PLACEHOLDER.sub("", wording)))
    return [(wording, pattern(wording)) for wording in fixed]
