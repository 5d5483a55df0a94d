"""Code39 Full-ASCII: the pairs ("+A" for "a") that extend Code39 beyond upper case and digits.

Pure text, no decoder: `extractors.file_numbers` needs `code39_raw_form` to give back a standard
label both decoders expanded, without loading OpenCV or the decoders (what imports file
numbers, the web included, must stay light).
"""

from __future__ import annotations

# Code39 Full-ASCII pairs: $A-$Z control characters, %A-%E and %F-%W punctuation, /A-/O and /Z
# punctuation, +A-+Z lower case.
_FULL_ASCII: dict[str, str] = {}
for _i in range(26):
    _FULL_ASCII["$" + chr(65 + _i)] = chr(1 + _i)
    _FULL_ASCII["+" + chr(65 + _i)] = chr(97 + _i)
for _i, _ch in enumerate("\x1b\x1c\x1d\x1e\x1f;<=>?[\\]^_{|}~\x7f\x00@`\x7f\x7f\x7f"):
    _FULL_ASCII["%" + chr(65 + _i)] = _ch
for _i, _ch in enumerate("!\"#$%&'()*+,-./"):
    _FULL_ASCII["/" + chr(65 + _i)] = _ch
_FULL_ASCII["/Z"] = ":"
# The shortest pair for each character, to undo an expansion (DEL has four spellings; %T is one).
_FULL_ASCII_PAIR = {char: pair for pair, char in sorted(_FULL_ASCII.items(), reverse=True)}


def expand_code39_full_ascii(raw: str) -> str | None:
    """The Full-ASCII reading of a raw Code39 value, or None when the raw value is not valid
    Full-ASCII (a '/', '+', '%' or '$' not followed by a letter it pairs with) or has no pair.
    Mirrors zxing-cpp: a standard label "REV/TSL/1987/42" stays as it is."""
    if not any(ch in raw for ch in "$%/+"):
        return None
    out, i = [], 0
    while i < len(raw):
        ch = raw[i]
        if ch in "$%/+":
            pair = raw[i : i + 2]
            if pair not in _FULL_ASCII:
                return None
            out.append(_FULL_ASCII[pair])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def code39_raw_form(value: str) -> str | None:
    """The standard Code39 symbols a Full-ASCII-expanded value was printed as, or None if
    nothing in it was expanded. A label printed in standard Code39 that happens to contain
    "/A" or "+B" is expanded by both decoders ("DOC/A" reads "DOC!"); this gives it back."""
    if all(ch == " " or ch == "-" or ch == "." or ch.isdigit() or "A" <= ch <= "Z" or ch == "/" for ch in value):
        return None
    return "".join(_FULL_ASCII_PAIR.get(ch, ch) if not (ch.isdigit() or "A" <= ch <= "Z" or ch in " -.") else ch for ch in value)
