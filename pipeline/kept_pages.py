"""A PDF source's page kept for the archive as its own page object: its images, vectors, text and
colours exactly as they arrived, never a rendering of them.

Cleaning reads the page as pdftoppm renders it (its crop box, its /Rotate applied) at some dpi,
and may turn that rendering upright and level onto a larger canvas; the text layer is made on
that turned canvas. A page cleaning left alone is copied as it is. A turned one is drawn onto a
new page the size of the canvas, as a form XObject under the very same turn, so the text layer
lies over it as it lay over the OCR copy. Angles as in `pipeline.geometry`.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pikepdf

__all__ = ["keep_pdf_page"]


def keep_pdf_page(source: Path, index: int, out: Path, dpi: float, orientation: int, skew_degrees: float,
                  canvas: tuple[int, int]) -> None:
    """Write page `index` (0-based) of `source` as the one-page PDF `out`, turned as cleaning
    turned its rendering at `dpi` (`orientation`, `skew_degrees`, onto `canvas` pixels)."""
    with pikepdf.open(source) as pdf, pikepdf.new() as kept:
        page = pdf.pages[index]
        rotate = int(page.obj.get("/Rotate", 0)) % 360
        same_box = [float(v) for v in page.cropbox] == [float(v) for v in page.mediabox]
        if not orientation and not skew_degrees and not rotate and same_box:
            kept.pages.append(page)
        else:
            _draw_turned(kept, page, dpi, (rotate + orientation) % 360, skew_degrees, canvas)
        kept.save(out)


def _draw_turned(kept: pikepdf.Pdf, page: pikepdf.Page, dpi: float, clockwise: int, skew_degrees: float,
                 canvas: tuple[int, int]) -> None:
    scale = 72 / dpi
    kept.add_blank_page(page_size=(canvas[0] * scale, canvas[1] * scale))
    new = kept.pages[-1]
    form = kept.copy_foreign(page.as_form_xobject(False))
    a, b, c, d, e, f = _matrix(page.cropbox, dpi, clockwise, skew_degrees, canvas)
    name = new.add_resource(form, pikepdf.Name.XObject, prefix="Kept")
    new.obj.Contents = kept.make_stream(f"q {a:.6f} {b:.6f} {c:.6f} {d:.6f} {e:.4f} {f:.4f} cm {name} Do Q".encode())


def _matrix(box: pikepdf.Array, dpi: float, clockwise: int, skew_degrees: float,
            canvas: tuple[int, int]) -> tuple[float, ...]:
    """The PDF matrix (a b c d e f) from the page's own space to the new page's: its rendering
    in pixels (y down), the quarter turns clockwise, the deskew onto the canvas, back to points."""
    left, bottom, right, top = (float(v) for v in box)
    s = dpi / 72
    width, height = (right - left) * s, (top - bottom) * s
    to_pixels = np.array([[s, 0, -left * s], [0, -s, top * s], [0, 0, 1]])
    quarter = {0: [[1, 0, 0], [0, 1, 0]], 90: [[0, -1, height], [1, 0, 0]], 180: [[-1, 0, width], [0, -1, height]],
               270: [[0, 1, 0], [-1, 0, width]]}[clockwise]
    upright = (height, width) if clockwise in (90, 270) else (width, height)
    deskew = cv2.getRotationMatrix2D((upright[0] / 2, upright[1] / 2), -skew_degrees, 1.0)
    deskew[0, 2] += (canvas[0] - upright[0]) / 2
    deskew[1, 2] += (canvas[1] - upright[1]) / 2
    to_points = np.array([[1 / s, 0, 0], [0, -1 / s, canvas[1] / s], [0, 0, 1]])
    total = to_points @ np.vstack([deskew, [0, 0, 1]]) @ np.vstack([quarter, [0, 0, 1]]) @ to_pixels
    return total[0, 0], total[1, 0], total[0, 1], total[1, 1], total[0, 2], total[1, 2]
