"""The archival PDF of a record file: PDF/A-2u or -2b, validated, with the record's metadata, or
archived as it is and said so.

Scans: each page image embedded as archived (a JPEG's own bytes, a bilevel page as CCITT G4, a
lossless page as PNG's own compressed data: img2pdf never re-encodes; a PDF source's page as its
own page object) with the OCR text layer laid over it. Born-digital PDFs keep their own content:
pikepdf adds what PDF/A needs (output intent, XMP); where that is not enough (fonts not
embedded), Ghostscript rewrites it first. pikepdf's PDF/A-2b validator checks every file as
written (veraPDF checks them in the tests); one that does not pass is archived anyway, without a
PDF/A claim, and the caller flags it `not-pdfa`. A file that passes and whose only fonts are
daftar's own text layer (`pipeline.text_layer`: every code has its ToUnicode text) is declared
2u, which adds only that mapping to 2b; any other font (a born-digital PDF's, an earlier OCR's)
may lack it, and pikepdf cannot check 2u, so such a file is declared 2b.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import img2pdf
import pikepdf
import pikepdf.pdfa

from domain.errors import OcrFailed
from domain.model import RecordFile
from pipeline import ghostscript
from pipeline.archive_metadata import original_title, write_metadata

__all__ = ["PdfAssembler", "born_digital_copy", "finish_born_digital", "pages_without_text_layer", "save_archival",
           "stamp_record"]

FLAVOUR = "2b"  # what pikepdf validates; the file is declared 2u where `_maps_to_unicode`
TEXT_LAYER_FONT = pikepdf.Name("/DaftarTextLayer")  # the font `pipeline.text_layer` writes


class PdfAssembler:
    """Builds a record file's PDF page by page: each page image embedded as it is, with its text
    layer laid over it. Pages are saved in chunks, and the chunks joined on disk, so memory holds
    a chunk of pages at most, never the whole file."""

    def __init__(self, work: Path, name: str, chunk_pages: int):
        self.work, self.name, self.chunk_pages = work, name, chunk_pages
        self.chunks: list[Path] = []
        self._pdf: pikepdf.Pdf | None = None
        self._sources: list[pikepdf.Pdf] = []
        self._layers: list[Path] = []  # PDFs read lazily by pikepdf: deleted once the chunk is saved

    def add(self, image: Path, dpi: float, text_layer: Path | None) -> None:
        """Add a page: `image` (JPEG, G4 TIFF or PNG) at `dpi`, which sets the page's size, or a
        one-page PDF (a PDF source's own page, `pipeline.kept_pages`) as it is."""
        if self._pdf is None:
            self._pdf = pikepdf.new()
        if image.suffix == ".pdf":
            page_pdf = pikepdf.open(image)
            self._layers.append(image)
        else:
            layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
            page_pdf = pikepdf.open(io.BytesIO(img2pdf.convert(str(image), layout_fun=layout)))
        self._sources.append(page_pdf)
        self._pdf.pages.append(page_pdf.pages[0])
        if text_layer is not None:
            layer = pikepdf.open(text_layer)
            self._sources.append(layer)
            self._layers.append(text_layer)
            self._pdf.pages[-1].add_overlay(layer.pages[0])
        if len(self._pdf.pages) >= self.chunk_pages:
            self._save_chunk()

    def _save_chunk(self) -> None:
        if self._pdf is None:
            return
        path = self.work / f"{self.name}-part{len(self.chunks):04d}.pdf"
        self._pdf.save(path)
        for source in self._sources:
            source.close()
        for layer in self._layers:
            layer.unlink(missing_ok=True)
        self._pdf.close()
        self._pdf, self._sources, self._layers = None, [], []
        self.chunks.append(path)

    def finish(self, out: Path, record: RecordFile, scanned_at: dt.datetime | None) -> str | None:
        """Join the chunks and write `out` with the record's metadata: None when it is PDF/A-2,
        else why not (`out` is then written without a PDF/A claim)."""
        self._save_chunk()
        joined = self.work / f"{self.name}-joined.pdf"
        _join(self.chunks, joined)
        for chunk in self.chunks:
            chunk.unlink(missing_ok=True)
        with pikepdf.open(joined) as pdf:  # its stream data is read from disk as it is written
            failure = save_archival(pdf, record, scanned_at, {}, out)
        joined.unlink()
        return failure


def save_archival(pdf: pikepdf.Pdf, record: RecordFile, scanned_at: dt.datetime | None, original: dict[str, str],
                  out: Path) -> str | None:
    """Write `pdf` to `out` as PDF/A-2b (2u where its text maps to Unicode) carrying the record's
    metadata (`original`: a born-digital PDF's own document info). None when it validated; else
    the validator's first finding, and `out` holds the same document saved plainly, with its
    metadata but no PDF/A claim."""
    try:
        pikepdf.pdfa.prepare(pdf, FLAVOUR)
        write_metadata(pdf, record, scanned_at, original)  # after prepare, which names pikepdf the producer
        pikepdf.pdfa.save(pdf, out, FLAVOUR, repair=False)
    except (pikepdf.pdfa.PdfaError, ValueError) as error:
        failure = _first_finding(error)
    else:
        if _maps_to_unicode(pdf):
            _declare_unicode(out)
        return None
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        for key in ("pdfaid:part", "pdfaid:conformance"):
            if key in xmp:
                del xmp[key]
    write_metadata(pdf, record, scanned_at, original)
    pdf.save(out)
    return failure


def born_digital_copy(source: Path, out: Path) -> dict[str, str]:
    """Write `out`, a born-digital PDF ready to be archived: its own content, opened without its
    owner password's restrictions, rewritten by Ghostscript only where pikepdf's repairs would
    not make it PDF/A (and left as it is where Ghostscript fails too: `save_archival` then says
    so). Returns the original's document info. `source` is never changed."""
    plain = out.with_name(out.stem + "-plain.pdf")
    try:
        with pikepdf.open(source) as pdf:
            original = _document_info(pdf)
            for page in pdf.pages:
                if "/Trans" in page.obj:  # a slide-show transition: no content, and unknown to the validator
                    del page.obj["/Trans"]
            pdf.save(plain)  # without encryption
            pikepdf.pdfa.prepare(pdf, FLAVOUR)
            repairs_suffice = pikepdf.pdfa.check(pdf, FLAVOUR).passed
    except (pikepdf.PdfError, ValueError) as error:
        raise OcrFailed(f"cannot copy the PDF: {error}") from error
    if repairs_suffice or ghostscript.rewrite_for_pdfa(plain, out) is not None:
        os.replace(plain, out)
    else:
        plain.unlink()
    return original


def finish_born_digital(copy: Path, original: dict[str, str], record: RecordFile, scanned_at: dt.datetime | None,
                        out: Path) -> str | None:
    """The archived PDF of a born-digital record file, from `born_digital_copy`'s copy: as
    `save_archival`."""
    with pikepdf.open(copy) as pdf:
        return save_archival(pdf, record, scanned_at, original, out)


def stamp_record(pdf_path: Path, record: RecordFile) -> str | None:
    """Write a record's metadata (after a correction, say) into its archived PDF, in place and
    atomically. None when the PDF is still PDF/A-2, else why not."""
    temporary = pdf_path.with_name(f".{pdf_path.name}.stamping")
    with pikepdf.open(pdf_path) as pdf:
        info = _document_info(pdf)
        kept = {key: info[key] for key in ("/CreationDate", "/Creator", "/Author", "/Subject") if key in info}
        if " (from " in info.get("/Producer", ""):  # a born-digital PDF's own producer, as stamped before
            kept["/Producer"] = info["/Producer"].split(" (from ", 1)[1].removesuffix(")")
        if "; original keywords: " in info.get("/Keywords", ""):
            kept["/Keywords"] = info["/Keywords"].split("; original keywords: ", 1)[1]
        if title := original_title(pdf):
            kept["/Title"] = title
        failure = save_archival(pdf, record, None, kept, temporary)
    os.replace(temporary, pdf_path)
    return failure


def _join(chunks: list[Path], out: Path) -> None:
    """Write the chunks' pages, in order, as one PDF. qpdf's own page copy streams each page's
    data from its chunk as it writes; pikepdf's (`pages.extend`) copies every stream into memory,
    which for a 500-page file held its whole size. Streams are kept byte for byte."""
    pikepdf.Job(["qpdf", "--empty", "--stream-data=preserve", "--remove-unreferenced-resources=no",
                 "--pages", *map(str, chunks), "--", str(out)]).run()


def _maps_to_unicode(pdf: pikepdf.Pdf) -> bool:
    """Whether every font in `pdf` is daftar's own text layer's (or there is none)."""
    return all(obj.get("/BaseFont") == TEXT_LAYER_FONT for obj in pdf.objects
               if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font)


def _declare_unicode(path: Path) -> None:
    """Declare the validated PDF/A-2b file at `path` 2u: only its XMP's conformance changes.
    Written beside it and moved over it: saving over its input, pikepdf reads it all into memory."""
    declared = path.with_name(f".{path.name}.unicode")
    with pikepdf.open(path) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp["pdfaid:conformance"] = "U"
        pdf.save(declared)
    os.replace(declared, path)


def _document_info(pdf: pikepdf.Pdf) -> dict[str, str]:
    return {str(key): str(value) for key, value in pdf.docinfo.items() if isinstance(value, pikepdf.String)}


def _first_finding(error: Exception) -> str:
    findings = getattr(getattr(error, "report", None), "findings", None)
    if findings:
        first = findings[0]
        return f"{first.rule}: {first.message}"[:300]
    return str(error).splitlines()[0][:300]


def pages_without_text_layer(pdf: Path, expected: list[int]) -> list[int]:
    """The 1-based pages that OCR read text on but whose PDF page carries no text layer."""
    import pdfplumber

    missing = []
    with pdfplumber.open(pdf) as document:
        for number in expected:
            page = document.pages[number - 1]
            if not page.chars:
                missing.append(number)
            page.close()
    return missing
