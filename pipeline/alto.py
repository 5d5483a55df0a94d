"""A page's ALTO, as Tesseract writes it in the run that reads the page, set right for the archive.

Tesseract 5.3 writes the space between two words of a right-to-left line with a negative width
(it measures from the first word's right edge to the second's left edge, which on such a line
lies to the left): `mend_spaces` puts each space in the gap between its words. Tesseract names
the image it read, a temporary file; `describe_source` names the scan the page came from
instead, and the page's number in it, as the record's METS does.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

__all__ = ["describe_source", "mend_spaces"]

_PARSER = etree.XMLParser(no_network=True, resolve_entities=False)


def mend_spaces(alto: Path) -> None:
    """Give every space (SP) between two words the position and width of the gap between them."""
    tree = etree.parse(str(alto), _PARSER)
    for space in tree.iter("{*}SP"):
        before, after = space.getprevious(), space.getnext()
        if before is None or after is None or not (_is_string(before) and _is_string(after)):
            continue
        left_word, right_word = sorted((before, after), key=lambda word: float(word.get("HPOS")))
        gap_start = float(left_word.get("HPOS")) + float(left_word.get("WIDTH"))
        gap = max(float(right_word.get("HPOS")) - gap_start, 0.0)
        space.set("HPOS", _number(gap_start))
        space.set("WIDTH", _number(gap))
    tree.write(str(alto), xml_declaration=True, encoding="UTF-8")


def describe_source(alto: Path, source: str, source_page: int) -> None:
    """Name the scan the page came from (its path in the batch) and its page number in that scan."""
    tree = etree.parse(str(alto), _PARSER)
    for name in tree.iter("{*}fileName"):
        name.text = source
    for page in tree.iter("{*}Page"):
        page.set("PHYSICAL_IMG_NR", str(source_page))
    tree.write(str(alto), xml_declaration=True, encoding="UTF-8")


def _is_string(element: etree._Element) -> bool:
    return etree.QName(element).localname == "String"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"
