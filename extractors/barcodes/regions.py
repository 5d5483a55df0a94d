"""Code regions: patches of parallel bars at any angle, found cheaply on a small copy of the
page, and cut out upright at full resolution to be read again."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

WORKING_LONG_SIDE = 1800  # region search runs at ~150 dpi on an A4 page
MAX_REGIONS = 6  # regions tried per page; more than this is a drawing or a table, not labels
MIN_CODE_ENERGY = 1500.0  # mean squared Sobel gradient of a cell with bars in it
MIN_CODE_COHERENCE = 0.75  # 1 = all gradients parallel (bars); text is ~0.3-0.6
MIN_CODE_CELLS = 6  # ~3x3 mm cells: smaller patches are a word, not a code


@dataclass(frozen=True)
class Region:
    """A patch that looks like a 1D code: centre, size along/across the bars, angle of the bars'
    normal (degrees), all in full-resolution page pixels."""

    center: tuple[float, float]
    size: tuple[float, float]
    angle: float

    def contains(self, point: tuple[float, float], slack: float = 0.1) -> bool:
        theta = np.radians(self.angle)
        dx, dy = point[0] - self.center[0], point[1] - self.center[1]
        along = dx * np.cos(theta) + dy * np.sin(theta)
        across = -dx * np.sin(theta) + dy * np.cos(theta)
        return abs(along) <= self.size[0] * (0.5 + slack) and abs(across) <= self.size[1] * (0.5 + slack)


def working_factor(image: np.ndarray) -> int:
    """Integer downscale to ~150 dpi on an A4 page (integer factors resize fast)."""
    return max(1, round(max(image.shape) / WORKING_LONG_SIDE))


def upright_crop(image: np.ndarray, region: Region, margin: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """The region rotated so its bars stand vertical, with room for quiet zones; and the affine
    matrix mapping crop pixels back to page pixels."""
    (cx, cy), (along, across) = region.center, region.size
    width, height = int(along * (1 + 2 * margin)) + 16, int(across * (1 + 2 * margin)) + 16
    matrix = cv2.getRotationMatrix2D((cx, cy), region.angle, 1.0)
    matrix[0, 2] += width / 2 - cx
    matrix[1, 2] += height / 2 - cy
    background = int(np.median(image[:: max(1, image.shape[0] // 64), :: max(1, image.shape[1] // 64)]))
    crop = cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=background)
    return crop, cv2.invertAffineTransform(matrix)


def find_code_regions(image: np.ndarray) -> list[Region]:
    """Patches of dense, parallel strokes: where a 1D code is, whatever its angle.

    The structure tensor of the gradient, averaged over ~3 mm cells: a code's cells have strong
    gradients all pointing one way (coherence near 1); text, photos and speckle do not, and a
    stray coherent cell (a vertical stroke, a ruled line) is too small to count. Runs at about
    150 dpi on an A4 page and then on cells, so it costs a few milliseconds."""
    factor = working_factor(image)
    small = cv2.resize(image, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA) if factor > 1 else image
    cell = max(4, round(max(small.shape) / 100))
    rows, cols = small.shape[0] // cell, small.shape[1] // cell
    if rows < 2 or cols < 2:
        return []
    tensor = _structure_tensor(small[: rows * cell, : cols * cell].astype(np.float32), rows, cols)
    jxx, jyy, jxy = tensor
    energy = jxx + jyy
    coherence = np.sqrt((jxx - jyy) ** 2 + 4 * jxy**2) / (energy + 1e-6)
    # a faded label still has bars ~80 grey levels deep; paper grain, scanner noise and
    # lighting gradients stay far below it
    mask = ((energy > MIN_CODE_ENERGY) & (coherence > MIN_CODE_COHERENCE)).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return []
    flat = labels.ravel()
    sums = [np.bincount(flat, weights=m.ravel(), minlength=count) for m in (jxx, jyy, jxy, energy)]
    regions = []
    for index in range(1, count):
        if stats[index, cv2.CC_STAT_AREA] < MIN_CODE_CELLS:
            continue
        region = _region_of(labels == index, [s[index] for s in sums], cell, factor)
        if region is not None:
            regions.append((float(sums[3][index]), region))
    regions.sort(key=lambda item: -item[0])
    return [region for _, region in regions[:MAX_REGIONS]]


def _structure_tensor(small: np.ndarray, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gradient's structure tensor (Jxx, Jyy, Jxy) averaged over each cell."""
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3)
    return tuple(cv2.resize(m, (cols, rows), interpolation=cv2.INTER_AREA) for m in (gx * gx, gy * gy, gx * gy))  # type: ignore[return-value]


def _region_of(cells: np.ndarray, sums: list[float], cell: int, factor: int) -> Region | None:
    """The region a patch of coherent cells makes, or None when it is not a code's shape."""
    sxx, syy, sxy, total = sums
    if np.hypot(sxx - syy, 2 * sxy) / total < MIN_CODE_COHERENCE:
        return None  # cells coherent one by one, but not all the same way: text, a drawing
    normal = 0.5 * np.degrees(np.arctan2(2 * sxy, sxx - syy))  # the bars' normal
    ys, xs = np.nonzero(cells)
    points = (np.stack([xs, ys], axis=1).astype(np.float32) + 0.5) * cell
    along, across = _extent_along(points, normal)
    if along < 3 * cell or across < 2 * cell:
        return None  # a code is longer than ~9 mm and its bars taller than ~6 mm
    centre = points.mean(axis=0) * factor
    size = ((along + cell) * factor, (across + cell) * factor)
    return Region(center=(float(centre[0]), float(centre[1])), size=size, angle=float(normal))


def _extent_along(points: np.ndarray, normal_degrees: float) -> tuple[float, float]:
    """Length of the point cloud along the bars' normal (the code's length) and across it."""
    theta = np.radians(normal_degrees)
    along = points @ np.array([np.cos(theta), np.sin(theta)], np.float32)
    across = points @ np.array([-np.sin(theta), np.cos(theta)], np.float32)
    return float(np.ptp(along)), float(np.ptp(across))
