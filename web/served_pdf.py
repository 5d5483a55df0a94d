"""The archival PDF as the pages serve it: without JavaScript, attached files or actions that
launch programs, submit forms or open other files.

The PDFs daftar builds from scans hold none of these, but a born-digital PDF from the scanner
room may, and the archive keeps what arrived. It is cleaned on the way out, with pikepdf, once
per version of the archived PDF: `<home>/served/<file id>.pdf` holds the cleaned copy (owner-only),
`<file id>.clean` marks a PDF that needed nothing, which is then sent as it is.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import pikepdf

from web.archived import ArchivedFile

# Actions that run code, reach outside the document, or send data: removed wherever they hang.
UNSAFE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/GoToR",
                            "/RichMediaExecute", "/Rendition", "/Movie", "/Sound"})
# Annotations that carry files or players: removed from every page.
UNSAFE_ANNOTATIONS = frozenset({"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen", "/3D"})
# Keys that are code, an embedded file or its container, whatever their value.
UNSAFE_KEYS = ("/AA", "/JS", "/EF", "/XFA", "/EmbeddedFiles", "/JavaScript", "/Collection")
ACTION_KEYS = ("/A", "/OpenAction", "/Next")

_CLEANING = threading.BoundedSemaphore(2)  # pikepdf is CPU-bound: leave the machine to the night


def served_pdf(home: Path, archived: ArchivedFile) -> Path:
    """The file to send for the record file's archival PDF: the PDF itself when it holds nothing
    unsafe, else its cleaned copy. `archived.pdf` must be set."""
    pdf = archived.pdf
    assert pdf is not None
    folder = home / "served"
    cleaned, clean_mark = folder / f"{archived.file_id}.pdf", folder / f"{archived.file_id}.clean"
    for made, answer in ((clean_mark, pdf), (cleaned, cleaned)):
        if _fresh(made, pdf):
            return answer
    with _CLEANING:
        if _fresh(cleaned, pdf):  # another request cleaned it meanwhile
            return cleaned
        folder.mkdir(mode=0o700, exist_ok=True)
        with pikepdf.open(pdf) as document:
            if not strip_active_content(document):
                clean_mark.touch(mode=0o600)
                return pdf
            fd, temporary = tempfile.mkstemp(dir=folder, suffix=".part")  # 0600
            os.close(fd)
            try:
                document.save(temporary)
                os.replace(temporary, cleaned)
            finally:
                Path(temporary).unlink(missing_ok=True)
    return cleaned


def strip_active_content(document: pikepdf.Pdf) -> bool:
    """Remove JavaScript, attachments and unsafe actions from an open PDF; True if anything was."""
    removed = False
    for obj in document.objects:
        removed |= _strip(obj, depth=0)
    removed |= _strip(document.trailer, depth=0)
    return removed


def _strip(obj: pikepdf.Object, depth: int) -> bool:
    """Clean one dictionary (or stream's dictionary) and the direct objects inside it; indirect
    ones are reached by `document.objects`."""
    if depth > 32:  # direct objects nest a few levels; a deeper one is not worth the recursion
        return False
    if isinstance(obj, pikepdf.Array):
        return any([_strip(item, depth + 1) for item in obj if _direct_container(item)])
    if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
        return False
    removed = False
    for key in UNSAFE_KEYS:
        if key in obj:
            del obj[key]
            removed = True
    for key in ACTION_KEYS:
        if key in obj and _unsafe_action(obj[key]):
            del obj[key]
            removed = True
    if "/Annots" in obj and isinstance(obj.Annots, pikepdf.Array):
        kept = [annotation for annotation in obj.Annots
                if not (isinstance(annotation, pikepdf.Dictionary) and annotation.get("/Subtype") in UNSAFE_ANNOTATIONS)]
        if len(kept) != len(obj.Annots):
            obj.Annots = pikepdf.Array(kept)
            removed = True
    for key in list(obj.keys()):
        value = obj[key]
        if _direct_container(value):
            removed |= _strip(value, depth + 1)
    return removed


def _direct_container(value: object) -> bool:
    # pikepdf hands numbers and booleans back as Python values; names and strings hold nothing
    return isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect


def _unsafe_action(action: pikepdf.Object) -> bool:
    """An action (or a /Next list of them) any of which is unsafe."""
    if isinstance(action, pikepdf.Array):
        return any(_unsafe_action(item) for item in action)
    return isinstance(action, pikepdf.Dictionary) and (
        action.get("/S") in UNSAFE_ACTIONS or _unsafe_action(action.get("/Next", pikepdf.Array())))


def _fresh(made: Path, pdf: Path) -> bool:
    try:
        return made.stat().st_mtime >= pdf.stat().st_mtime
    except FileNotFoundError:
        return False
