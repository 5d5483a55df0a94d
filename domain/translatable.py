"""Texts of the code that people read on the web pages, marked for the pages' gettext catalogs."""


def N_(message: str) -> str:
    """Marks an English text for the catalogs (scripts/translations.sh extracts it); it stays
    English here, and a page shows it in its reader's language."""
    return message
