"""The archival PDF of a record file: page images as scanned with the OCR text layer laid over
them, joined and written as PDF/A-2b by pikepdf, which validates what it wrote."""

from __future__ import annotations

import io
from pathlib import Path

import img2pdf
import pikepdf
import pikepdf.pdfa

from domain.errors import OcrFailed

__all__ = ["PdfAssembler", "pages_without_text_layer"]


class PdfAssembler:
    """Builds a record file's PDF page by page: each page image embedded as scanned (JPEG, not
    re-encoded) with its text layer laid over it. Pages are saved in chunks, so memory holds a
    chunk of pages at most, never the whole file."""

    def __init__(self, work: Path, name: str, chunk_pages: int):
        self.work, self.name, self.chunk_pages = work, name, chunk_pages
        self.chunks: list[Path] = []
        self._pdf: pikepdf.Pdf | None = None
        self._sources: list[pikepdf.Pdf] = []
        self._layers: list[Path] = []  # read lazily by pikepdf: deleted once the chunk is saved

    def add(self, image: Path, text_layer: Path | None) -> None:
        if self._pdf is None:
            self._pdf = pikepdf.new()
        page_pdf = pikepdf.open(io.BytesIO(img2pdf.convert(str(image))))
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

    def finish(self, out: Path) -> Path:
        """Join the chunks and write `out` as PDF/A-2b; raise OcrFailed if it does not validate."""
        self._save_chunk()
        with pikepdf.open(self.chunks[0]) as pdf:
            for chunk in self.chunks[1:]:
                with pikepdf.open(chunk) as other:
                    pdf.pages.extend(other.pages)
            with pdf.open_metadata() as meta:
                meta["dc:title"] = self.name
            report = pikepdf.pdfa.save(pdf, out, "2b")
        if not report.passed:
            raise OcrFailed(f"PDF/A-2b validation failed: {report}")
        for chunk in self.chunks:
            chunk.unlink(missing_ok=True)
        return out


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
