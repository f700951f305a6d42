"""Synthetic changes to real photos, for the demo subject and for tests (never applied to a student's picture)."""
from __future__ import annotations

import cv2
import numpy as np

from capture.faces.landmarks import FaceLandmarks
from capture.faces.parts import (CHIN, LEFT_LOWER_LID, LEFT_UPPER_LID, LOWER_INNER_LIP, RIGHT_LOWER_LID, RIGHT_UPPER_LID,
                                 UPPER_INNER_LIP, UPPER_INNER_LIP_MID)


def close_mouth(rgb: np.ndarray, face: FaceLandmarks) -> np.ndarray:
    """Return `rgb` with the lips brought together: the gap between the inner lips is closed by pulling the lower
    lip and jaw up (a smooth vertical warp that fades out at the chin and at the mouth corners)."""
    p = face.points[:, :2].astype(np.float64)
    upper, lower = p[list(UPPER_INNER_LIP)], p[list(LOWER_INNER_LIP)]
    upper, lower = upper[np.argsort(upper[:, 0])], lower[np.argsort(lower[:, 0])]
    h, w = rgb.shape[:2]
    xs = np.arange(w, dtype=np.float64)
    y_up = np.interp(xs, upper[:, 0], upper[:, 1])
    y_low = np.interp(xs, lower[:, 0], lower[:, 1])
    x0, x1 = upper[:, 0].min(), upper[:, 0].max()
    margin = max(0.15 * (x1 - x0), 1.0)
    taper = np.clip(np.minimum(xs - (x0 - margin), (x1 + margin) - xs) / margin, 0, 1)
    gap = np.clip(y_low - y_up, 0, None) * 1.05 * taper
    chin = p[CHIN, 1] + 0.1 * (p[CHIN, 1] - p[UPPER_INNER_LIP_MID, 1])
    ys = np.arange(h, dtype=np.float64)[:, None]
    top = y_up[None, :] - 1
    fade = np.clip((chin - ys) / np.maximum(chin - top, 1), 0, 1)
    shift = np.where((ys >= top) & (ys <= chin), gap[None, :] * fade, 0)
    map_x = np.repeat(xs[None, :], h, axis=0).astype(np.float32)
    map_y = (ys + shift).astype(np.float32)
    return cv2.remap(rgb, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def close_eyes(rgb: np.ndarray, face: FaceLandmarks) -> np.ndarray:
    """Return `rgb` with both eyes shut: per column, the lid skin above each eye is stretched down to the lower lid
    (a vertical warp), so the eyeball is covered. Crude, but it reads as closed eyes to a landmark model."""
    p = face.points[:, :2].astype(np.float64)
    h, w = rgb.shape[:2]
    map_x = np.repeat(np.arange(w, dtype=np.float32)[None, :], h, axis=0)
    map_y = np.repeat(np.arange(h, dtype=np.float32)[:, None], w, axis=1)
    for upper_ids, lower_ids in ((RIGHT_UPPER_LID, RIGHT_LOWER_LID), (LEFT_UPPER_LID, LEFT_LOWER_LID)):
        upper, lower = p[list(upper_ids)], p[list(lower_ids)]
        upper, lower = upper[np.argsort(upper[:, 0])], lower[np.argsort(lower[:, 0])]
        eye_h = max(float(lower[:, 1].max() - upper[:, 1].min()), 2.0)
        for x in range(max(0, int(upper[:, 0].min()) - 2), min(w, int(upper[:, 0].max()) + 3)):
            y_up = float(np.interp(x, upper[:, 0], upper[:, 1]))
            y_low = float(np.interp(x, lower[:, 0], lower[:, 1])) + 1
            top = y_up - 1.6 * eye_h
            ys = np.arange(int(top), int(np.ceil(y_low)) + 1)
            ys = ys[(ys >= 0) & (ys < h)]
            share = (ys - top) / max(y_low - top, 1.0)
            map_y[ys, x] = (top + share * (y_up - top)).astype(np.float32)
    return cv2.remap(rgb, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
