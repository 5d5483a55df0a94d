"""One stack, from scanner files to archived record files.

The pages of a stack are read one at a time: cleaned, searched for barcodes, split at separator
sheets, and handed to the shared Tesseract pool while the next page is read. Only a few pages
are ever waiting, so a 500-page file needs a few pages' worth of memory and temp disk.
The steps, in order:

    read page -> clean_page -> read_barcodes -> (separator? start a new record file)
    -> ocr_page (pool) -> lay into the PDF in page order -> PDF/A -> choose file number
    -> write_record
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np

from domain.config import District, Settings
from domain.errors import UnreadableSource
from domain.model import Barcode, PageRecord, RecordFile, SourceFile, Stack
from extractors.barcodes import read_barcodes
from extractors.file_numbers import is_separator
from extractors.metadata import record_type, title_from_text
from night.identity import claim_file_ids
from night.numbering import choose_number, manifest_entry, record_year
from night.page_images import without_barcodes, write_archived_page, write_jpeg
from pipeline import alto, archival_pdf, ocr, urdu_model
from pipeline.intake import PARTLY_READ, ManifestEntry, readable_pages
from pipeline.pages import PDF_SUFFIXES, Scan, iter_pages, pdf_text_layer
from pipeline.legibility import no_text
from pipeline.preprocess import CleanedPage, clean_page, languages_for_page
from pipeline.script import page_segmentation, read_with
from store import archive

cv2.setNumThreads(1)  # pages run in parallel already; OpenCV's own threads would only contend
CHUNK_PAGES = 32  # pages held in memory while the PDF is assembled
JPEG_QUALITY = 85


@dataclass
class StackResult:
    stack: Stack
    records: list[RecordFile] = field(default_factory=list)
    archive_dirs: list[str] = field(default_factory=list)
    done: list[SourceFile] = field(default_factory=list)
    quarantined: list[tuple[SourceFile, str]] = field(default_factory=list)


@dataclass
class PendingPage:
    """A cleaned page waiting for its OCR (None for a blank page, which is not OCRed)."""

    page: PageRecord
    image: Path  # as archived: the scan as scanned (night/page_images.py)
    image_dpi: float
    ocr_image: Path  # as OCRed: the cleaned page, barcodes whited out
    ocr: Future[ocr.PageOcr] | None


@dataclass
class Draft:
    """A record file being assembled: its pages so far, in order, and its PDF being built."""

    pdf: archival_pdf.PdfAssembler
    pages: list[PageRecord] = field(default_factory=list)
    barcodes: list[Barcode] = field(default_factory=list)
    cover_barcodes: list[Barcode] = field(default_factory=list)  # on its first page: the label
    separators: list[dict] = field(default_factory=list)
    pending: deque[PendingPage] = field(default_factory=deque)  # in page order
    languages: set[str] = field(default_factory=set)
    flags: list[str] = field(default_factory=list)
    born_digital_pdf: Path | None = None
    born_digital_info: dict[str, str] = field(default_factory=dict)  # its own document info (/Creator...)
    alto: list[Path | None] = field(default_factory=list)  # each page's ALTO, None where it has none
    # Seconds by step: CPU-seconds of daftar's own work in this thread (what programs it starts are
    # not in them), and `ocr`, the wall seconds of Tesseract's runs. bench/throughput.py reads them.
    timings: dict[str, float] = field(default_factory=dict)

    def time(self, step: str, seconds: float) -> None:
        self.timings[step] = round(self.timings.get(step, 0.0) + seconds, 3)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.thread_time()
        try:
            yield
        finally:
            self.time(name, time.thread_time() - started)


class _PartlyRead(Exception):
    def __init__(self, source: SourceFile, reason: str):
        super().__init__(reason)
        self.source, self.reason = source, reason


class StackProcessor:
    def __init__(self, stack: Stack, settings: Settings, home: Path, manifest: dict[str, ManifestEntry], jobs: int):
        self.stack = stack
        self.settings = settings
        self.home = home
        self.district: District = settings.district(stack.batch.district)
        self.tehsil = self.district.tehsil(stack.batch.tehsil).name  # as configured, else as the folder spells it
        self.languages = self.district.languages_for(stack.batch.tehsil)
        self.manifest = manifest
        self.tesseract = ocr.tesseract_pool(jobs)
        # Pages read ahead of their OCR, per stack: bounds memory and temp disk on long files.
        self.read_ahead = threading.BoundedSemaphore(2 * jobs)
        self.work = Path(tempfile.mkdtemp(prefix="stack-", dir=self._work_root()))
        self.drafts: list[Draft] = []
        self.pages_read = 0
        self._start_new_draft()
        self.result = StackResult(stack)

    def _work_root(self) -> Path:
        root = self.home / "work"
        root.mkdir(parents=True, exist_ok=True)
        return root

    @property
    def draft(self) -> Draft:
        return self.drafts[-1]

    def run(self, now: dt.datetime) -> StackResult:
        try:
            for record, pdf, alto_files in self.read(now):
                self.result.archive_dirs.append(archive.write_record(self.home, record, pdf, alto=alto_files))
                self.result.records.append(record)
            return self.result
        finally:
            self.close()

    def read(self, now: dt.datetime, claim_ids: bool = True) -> Iterator[tuple[RecordFile, Path, list[Path | None]]]:
        """Each record file of the stack read, cleaned, OCRed and made PDF/A in the work folder, with
        its ALTO files, not archived yet (`close` removes them). `claim_ids` False claims no id: the
        pages re-scanned for a record file already archived (`night.rescan_pages`)."""
        self._read_sources()
        self._assemble(self.draft, wait=True)
        drafts = [d for d in self.drafts if d.pages]
        records = [self._finish(d, i, len(drafts), now) for i, d in enumerate(drafts, 1)]
        if claim_ids:
            self._give_unique_ids(records)
        for record, draft in zip(records, drafts):
            pdf = self._final_pdf(draft, record)
            self._check_text_layer(record, pdf)
            yield record, pdf, draft.alto

    def close(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

    # reading ----------------------------------------------------------------------------------

    def _read_sources(self) -> None:
        """Read every source. One that fails after some of its pages were read is all or nothing:
        the stack is read again without it (a rare case, so the usual one never decodes twice)."""
        refused: dict[Path, str] = {}
        while True:
            try:
                for source in self.stack.sources:
                    if source.path in refused:
                        self.result.quarantined.append((source, refused[source.path]))
                    else:
                        self._read_source(source)
                return
            except _PartlyRead as failed:
                refused[failed.source.path] = failed.reason
                self._start_over()

    def _read_source(self, source: SourceFile) -> None:
        read_before = self.pages_read
        try:
            readable_pages(source.path, self.settings.intake.max_source_bytes)
            if source.path.suffix.lower() in PDF_SUFFIXES and (texts := pdf_text_layer(source.path)) is not None:
                self._born_digital(source, texts)
            else:
                for page in iter_pages(source.path, self.settings.ocr.dpi, self.settings.intake.max_page_pixels):
                    self._read_page(source, page.index, page.image, page.dpi, page.scan)
                    self.pages_read += 1
        except UnreadableSource as error:
            if self.pages_read > read_before:
                raise _PartlyRead(source, PARTLY_READ % {"error": error}) from error
            self.result.quarantined.append((source, str(error)))
            return
        self.result.done.append(source)

    def _start_over(self) -> None:
        """Forget every page read so far, once the OCR already asked of them is over."""
        wait([item.ocr for draft in self.drafts for item in draft.pending if item.ocr])
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir()
        self.drafts, self.pages_read, self.result = [], 0, StackResult(self.stack)
        self._start_new_draft()

    def _born_digital(self, source: SourceFile, texts: list[str]) -> None:
        """A PDF that already has text is not OCRed: it becomes a record file of its own."""
        if self.draft.pages:
            self._start_new_draft()
        draft = self.draft
        out = self.work / f"born-digital-{len(self.drafts)}.pdf"
        with draft.step("archive_pdf"):
            draft.born_digital_info = archival_pdf.born_digital_copy(source.path, out)
        draft.born_digital_pdf = out
        for index, text in enumerate(texts):
            draft.pages.append(PageRecord(number=len(draft.pages) + 1, source=self._relative(source), source_page=index + 1,
                                          born_digital=True, text=text))
        self._start_new_draft()

    def _read_page(self, source: SourceFile, index: int, image: np.ndarray, dpi: int, scan: Scan) -> None:
        draft = self.draft
        with draft.step("clean"):
            cleaned = clean_page(image, dpi, self.settings.cleaning, self.languages)
        with draft.step("barcodes"):
            barcodes = read_barcodes(cleaned.image)
        barcode_dicts = [{"value": b.value, "symbology": b.symbology, "box": list(b.box), "decoder": b.decoder} for b in barcodes]
        if any(is_separator(b.value, self.district.separator_pattern) for b in barcodes):
            self._start_new_draft()
            self.draft.separators.append({"source": self._relative(source), "source_page": index + 1, "barcodes": barcode_dicts})
            return
        page = PageRecord(
            number=len(draft.pages) + 1, source=self._relative(source), source_page=index + 1,
            skew_degrees=round(cleaned.skew_degrees, 2), orientation=cleaned.orientation, blank=cleaned.blank,
            barcodes=barcode_dicts,
        )
        if not draft.pages:
            draft.cover_barcodes = barcodes
        if cleaned.dark:
            draft.flags.append(f"dark-page: page {page.number}")
        draft.flags.extend(f"uncertain-cleaning: page {page.number}: {decision}" for decision in cleaned.uncertain)
        draft.pages.append(page)
        draft.barcodes.extend(barcodes)
        base = self.work / f"page-{len(self.drafts):03d}-{page.number:05d}"
        with draft.step("page_images"):
            image_path, image_dpi = write_archived_page(base, scan, image, dpi, cleaned)
        future, ocr_path = None, base.with_name(base.name + "-ocr.jpg")
        if not cleaned.blank:
            languages = languages_for_page(cleaned.script, self.languages)
            page.language = "+".join(languages)
            draft.languages.update(languages)
            with draft.step("page_images"):
                # Tesseract's layout analysis takes a label's bars for a picture and drops the text around it
                write_jpeg(ocr_path, without_barcodes(cleaned.image, barcodes, dpi) if barcodes else cleaned.image, JPEG_QUALITY)
            models = urdu_model.reading_models(read_with(languages, self.settings.ocr.models))
            self.read_ahead.acquire()
            future = self.tesseract.submit(ocr.ocr_page, ocr_path, models, self._segmentation(cleaned),
                                           dpi, self.settings.ocr.tesseract_timeout)
            future.add_done_callback(lambda _: self.read_ahead.release())
        draft.pending.append(PendingPage(page, image_path, image_dpi, ocr_path, future))
        self._assemble(draft, wait=False)

    def _segmentation(self, cleaned: CleanedPage) -> int:
        ocr_settings = self.settings.ocr
        return page_segmentation(cleaned.script, cleaned.layout, ocr_settings.page_segmentation_arabic, ocr_settings.page_segmentation)

    def _start_new_draft(self) -> None:
        if self.drafts:
            self._assemble(self.draft, wait=True)
        self.drafts.append(Draft(pdf=archival_pdf.PdfAssembler(self.work, f"file-{len(self.drafts) + 1:03d}", CHUNK_PAGES)))

    def _relative(self, source: SourceFile) -> str:
        return str(source.path.relative_to(self.stack.batch.path))

    # OCR --------------------------------------------------------------------------------------

    def _assemble(self, draft: Draft, wait: bool) -> None:
        """Lay the OCRed pages at the front of the queue into the PDF, in page order; with `wait`,
        all of them (at a separator sheet and at the end of the stack)."""
        while draft.pending and (wait or draft.pending[0].ocr is None or draft.pending[0].ocr.done()):
            item = draft.pending.popleft()
            result = item.ocr.result() if item.ocr else None
            if result is not None:
                item.page.text, item.page.confidence = result.text, result.confidence
                if no_text(result.text, result.confidence):  # junk (music, a drawing): not indexed, not in the PDF or ALTO
                    item.page.text = ""
                    draft.flags.append(f"no-text: page {item.page.number}")
                    result = replace(result, text_layer=None, alto=None)
                draft.time("ocr", result.seconds)
                if result.error:
                    draft.flags.append(f"ocr-failed: page {item.page.number}: {result.error}")
                if result.alto:
                    alto.describe_source(result.alto, item.page.source, item.page.source_page)
            draft.alto.append(result.alto if result else None)
            with draft.step("assemble"):
                draft.pdf.add(item.image, item.image_dpi, result.text_layer if result else None)
            item.image.unlink(missing_ok=True)
            item.ocr_image.unlink(missing_ok=True)

    def _final_pdf(self, draft: Draft, record: RecordFile) -> Path:
        """The archived PDF, PDF/A-2u or -2b with the record's metadata, or flagged `not-pdfa` with why."""
        out = self.work / f"{record.file_id}.pdf"
        scanned_at = self._scanned_at(record)
        with draft.step("pdfa"):
            if draft.born_digital_pdf:
                failure = archival_pdf.finish_born_digital(draft.born_digital_pdf, draft.born_digital_info, record, scanned_at, out)
            else:
                failure = draft.pdf.finish(out, record, scanned_at)
        if failure:
            record.flags = sorted({*record.flags, f"not-pdfa: {failure}"})
        return out

    def _scanned_at(self, record: RecordFile) -> dt.datetime:
        """When the record file was scanned: its newest source file's time (the machine's time zone)."""
        names = {source["path"] for source in record.sources}
        newest = max(s.path.stat().st_mtime for s in self.stack.sources if self._relative(s) in names)
        return dt.datetime.fromtimestamp(newest, dt.timezone.utc).astimezone()

    def _check_text_layer(self, record: RecordFile, pdf: Path) -> None:
        """Read the archival PDF back with pdfplumber: the first and last pages that have text
        must carry it in their text layer (all pages cost ~80 ms each, 4% of the OCR)."""
        started = time.thread_time()
        with_text = [page.number for page in record.pages if page.text.strip()]
        expected = sorted({with_text[0], with_text[-1]}) if with_text else []
        missing = archival_pdf.pages_without_text_layer(pdf, expected) if expected else []
        if missing:
            record.flags = sorted({*record.flags, f"text-layer-missing: pages {', '.join(map(str, missing))}"})
        record.timings["verify"] = round(time.thread_time() - started, 3)

    # the record file --------------------------------------------------------------------------

    def _finish(self, draft: Draft, ordinal: int, total: int, now: dt.datetime) -> RecordFile:
        batch = self.stack.batch
        manifest = manifest_entry(self.district, self.stack, self.manifest, draft.barcodes, draft.cover_barcodes, total)
        chosen, flags, candidates = choose_number(self.district, self.stack, draft.barcodes, draft.cover_barcodes,
                                                  [page.text for page in draft.pages[:2]], manifest, total, ordinal)
        all_text = "\n".join(page.text for page in draft.pages)
        flags = [*flags, *draft.flags]
        if any(page.blank for page in draft.pages):
            flags.append("blank-pages")
        low = [page.number for page in draft.pages if page.confidence is not None and page.confidence < self.settings.ocr.low_confidence]
        if low:
            flags.append(f"low-ocr-confidence: pages {', '.join(map(str, low))}")
        return RecordFile(
            file_id=chosen.slug,
            file_number=chosen.normalized,
            file_number_raw=chosen.raw,
            file_number_source=chosen.source,
            district=self.district.name,
            tehsil=self.tehsil,
            batch=batch.name,
            stack=self.stack.name,
            title=(manifest.title if manifest and manifest.title else title_from_text(all_text)),
            record_type=(manifest.record_type if manifest and manifest.record_type else record_type(all_text, self.district.record_type_keywords)),
            year=record_year(manifest, chosen, self.district.file_number_patterns),
            operator=manifest.operator if manifest and manifest.operator else None,
            languages=sorted(draft.languages or ({"born-digital"} if draft.born_digital_pdf else set())),
            pages=draft.pages,
            sources=self._sources_of(draft),
            flags=sorted(set(flags)),
            candidates=[{"raw": c.raw, "normalized": c.normalized, "source": c.source, "pattern": c.pattern} for c in candidates],
            separators=draft.separators,
            timings=draft.timings,
            processed_at=now.isoformat(timespec="seconds"),
        )

    def _sources_of(self, draft: Draft) -> list[dict]:
        names = {page.source for page in draft.pages}
        return [{"path": self._relative(s), "sha256": s.sha256, "size": s.size} for s in self.stack.sources if self._relative(s) in names]

    def _give_unique_ids(self, records: list[RecordFile]) -> None:
        for record, file_id in zip(records, claim_file_ids(self.home, self.stack, [r.file_id for r in records])):
            record.file_id = file_id


def process_stack(stack: Stack, settings: Settings, home: Path, manifest: dict[str, ManifestEntry], jobs: int,
                  now: dt.datetime) -> StackResult:
    """Read, clean, split, OCR and archive one stack. Bad sources are returned for quarantine;
    the stack goes on without them."""
    return StackProcessor(stack, settings, home, manifest, jobs).run(now)
