"""How far a page lies turned: its text lines' lower edges swept through a range of angles, the
angle at which they fall most sharply into rows winning (a projection profile). Cheap: it runs
on a small binary copy of the page, a coarse sweep first, then finer ones around its peak.

Angles are counter-clockwise positive, as seen on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

COARSE_POINTS, FINE_POINTS = 10_000, 40_000  # edge points the sweeps use, at most
MIN_SKEW_CONFIDENCE = 0.3  # below it the page is not deskewed
AXIS_RATIO = 2.5  # the turned page's skew peak must stand this far above the page's to turn it sideways
KEEP_AXIS_RATIO = 1.4  # and the page's this far above the turned page's to be sure it is not sideways


def line_edge_points(ink: np.ndarray, most: int) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of the lower edge of every ink run (baselines and rules: a quarter of the
    ink's pixels, and a sharper profile than all of it), evenly thinned to at most `most`."""
    points = cv2.findNonZero(cv2.subtract(ink[:-1], ink[1:]))
    if points is None:
        return np.empty(0, np.float32), np.empty(0, np.float32)
    points = points.reshape(-1, 2)
    if len(points) > most:
        points = points[:: -(-len(points) // most)]
    points = points.astype(np.float32)
    return points[:, 0], points[:, 1]


def profile_scores(xs: np.ndarray, ys: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """For each angle (ccw +), how sharply the points fall into rows when sheared back by it:
    the sum of squared differences of adjacent row counts, largest when text lines are level.
    All angles in one pass: a row index per (angle, point), offset per angle, one bincount."""
    rows = ys[None, :] + np.tan(np.radians(angles)).astype(np.float32)[:, None] * xs[None, :]
    rows -= rows.min(axis=1, keepdims=True)
    span = int(rows.max()) + 2  # one empty row between angles keeps their counts apart
    index = rows.astype(np.int64) + (np.arange(len(angles)) * span)[:, None]
    counts = np.bincount(index.ravel(), minlength=len(angles) * span).reshape(len(angles), span).astype(np.float64)
    return np.sum(np.diff(counts, axis=1) ** 2, axis=1)


def sweep(xs: np.ndarray, ys: np.ndarray, centre: float, half_range: float, step: float) -> tuple[float, np.ndarray]:
    """The best angle of a sweep, refined by a parabola through the peak, and all scores."""
    angles = np.arange(centre - half_range, centre + half_range + step / 2, step)
    scores = profile_scores(xs, ys, angles)
    best = int(np.argmax(scores))
    angle = float(angles[best])
    if 0 < best < len(angles) - 1:
        left, mid, right = scores[best - 1 : best + 2]
        bend = left - 2 * mid + right
        if bend < 0:
            angle += step * 0.5 * (left - right) / bend
    return angle, scores


@dataclass(frozen=True)
class SkewEstimate:
    degrees: float
    confidence: float  # 0..1
    peak: float  # best score over the sweep's median: compares the two axes


def coarse_skew(coarse_ink: np.ndarray, max_degrees: float) -> SkewEstimate:
    """A sweep in half degrees over a little more than +-max_degrees on the coarse copy (`pipeline.preprocess.COARSE_DPI`)."""
    xs, ys = line_edge_points(coarse_ink, COARSE_POINTS)
    if xs.size < 50:
        return SkewEstimate(0.0, 0.0, 1.0)
    angle, scores = sweep(xs, ys, 0.0, max_degrees + 1.0, 0.5)
    peak = float(scores.max()) / (float(np.median(scores)) or 1.0)
    # A text page's peak stands several times above the sweep's median; noise, a photo or an
    # empty page barely rises. A peak outside the allowed range is not trusted at all.
    confidence = min(1.0, max(0.0, (peak - 1.2) / 1.5))
    if abs(angle) > max_degrees:
        confidence = 0.0
    return SkewEstimate(angle, round(confidence, 3), peak)


def refine_skew(ink: np.ndarray, coarse: SkewEstimate) -> SkewEstimate:
    """Finer sweeps around the coarse peak on the analysis copy (`ANALYSIS_DPI`): 0.1 then 0.02 degree steps."""
    xs, ys = line_edge_points(ink, FINE_POINTS)
    if xs.size < 50:
        return coarse
    fine, _ = sweep(xs, ys, coarse.degrees, 0.6, 0.1)
    finest, _ = sweep(xs, ys, fine, 0.12, 0.02)
    return SkewEstimate(finest, coarse.confidence, coarse.peak)


def choose_axis(across: SkewEstimate, down: SkewEstimate) -> tuple[bool, bool]:
    """(sideways, sure). Turning a page a quarter needs strong evidence: the sweep of the page
    turned must peak `AXIS_RATIO` times higher than the sweep of the page as it lies. Keeping
    it needs less: Nastaliq's sloping words give even an upright page only a modest peak. A
    photo, a drawing or two lines of large type give both sweeps weak peaks: neither is sure."""
    if down.peak > AXIS_RATIO * across.peak and down.confidence >= MIN_SKEW_CONFIDENCE:
        return True, True
    if across.peak > KEEP_AXIS_RATIO * down.peak and across.confidence >= MIN_SKEW_CONFIDENCE:
        return False, True
    return False, False
