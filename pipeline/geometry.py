"""Turning a page: the quarter turn and the deskew, the only changes cleaning makes to the
archived image. One function lays any image of a page (grey, colour, bilevel) onto the same
output geometry, so the text layer Tesseract makes on the OCR copy lies right over the archived
page. Angles are counter-clockwise positive, as seen on screen.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

_ROTATE_CLOCKWISE = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def quarter_turn(image: np.ndarray, orientation: int) -> np.ndarray:
    """Undo a counter-clockwise quarter turn of `orientation` degrees."""
    orientation %= 360
    return image if orientation == 0 else cv2.rotate(image, _ROTATE_CLOCKWISE[orientation])


def rotate_small(binary: np.ndarray, degrees: float) -> np.ndarray:
    """Turn a small binary image by -degrees (undo a ccw skew), same size, nearest pixel."""
    h, w = binary.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -degrees, 1.0)
    return cv2.warpAffine(binary, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)


def deskew_canvas(size: tuple[int, int], degrees: float, ink: np.ndarray) -> tuple[int, int]:
    """(width, height) of the canvas a page of `size` (width, height) is turned back by `degrees`
    onto: grown only as far as needed to keep all the ink of `ink` (a small binary copy of the
    page, same frame) inside it, so text is never cut off."""
    w, h = size
    points = cv2.findNonZero(ink)
    if points is None:
        return w, h
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -degrees, 1.0)
    scale = w / ink.shape[1]
    points = points.reshape(-1, 2).astype(np.float64) * scale
    moved = points @ matrix[:, :2].T + matrix[:, 2]
    margin = 2 * scale
    new_w = int(math.ceil(2 * max(w / 2, float(np.max(np.abs(moved[:, 0] - w / 2))) + margin)))
    new_h = int(math.ceil(2 * max(h / 2, float(np.max(np.abs(moved[:, 1] - h / 2))) + margin)))
    return new_w, new_h


def turn_back(image: np.ndarray, orientation: int, degrees: float, canvas: tuple[int, int], fill) -> np.ndarray:
    """Undo the quarter turn, then the skew, onto a `canvas` (width, height) centred on the page.
    A bilevel image (only 0 and 255) stays bilevel: it is turned pixel for pixel, not blended."""
    upright = quarter_turn(image, orientation)
    if degrees == 0:
        return upright
    h, w = upright.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -degrees, 1.0)
    matrix[0, 2] += (canvas[0] - w) / 2
    matrix[1, 2] += (canvas[1] - h) / 2
    flags = cv2.INTER_NEAREST if is_bilevel(upright) else cv2.INTER_LINEAR
    return cv2.warpAffine(upright, matrix, canvas, flags=flags, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def is_bilevel(image: np.ndarray) -> bool:
    def only_black_and_white(pixels: np.ndarray) -> bool:
        return not np.any((pixels > 0) & (pixels < 255))

    # A sample first: a grey or colour page shows its greys in any sample, at a fraction of the cost.
    return image.dtype == np.uint8 and only_black_and_white(image[::16, ::16]) and only_black_and_white(image)


def paper_fill(image: np.ndarray) -> tuple[int, ...] | int:
    """The colour of bare paper in a grey or colour image: most of any page is paper."""
    if image.ndim == 2:
        return int(np.percentile(image[::4, ::4], 80))
    return tuple(int(np.percentile(image[::4, ::4, channel], 80)) for channel in range(image.shape[2]))
