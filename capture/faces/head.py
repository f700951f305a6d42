"""Head geometry of one face in a frame: eye line, face width, centre, chin and crown (top of hair), in px.

The crown is not a FaceMesh point (10 is the upper forehead). We take it from the person mask: the top edge of
the person above the face's central columns, measured on a head-sized crop for resolution. When the mask gives
no usable edge, it is estimated from the eye-to-chin distance (settings.crown_from_eye_chin_factor).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from capture.faces.landmarks import FaceLandmarks, PersonSegmenter
from capture.settings import ENGINE, EngineSettings


@dataclass(frozen=True)
class HeadGeometry:
    """Where the head is in a frame, px (y down from the top edge, x from the left edge)."""

    eye_y: float  # mean y of the two iris centres
    eye_mid_x: float
    face_centre_x: float
    face_width: float  # cheek to cheek at ear level
    chin_y: float
    crown_y: float  # top of the hair
    crown_from_mask: bool  # False when the crown was estimated from proportions
    head_cut_off: bool  # the person mask reaches the frame's top edge above the face

    @property
    def head_height(self) -> float:
        """Return crown-to-chin distance, px."""
        return self.chin_y - self.crown_y

    @property
    def crown_rise(self) -> float:
        """Return how far the crown lies above the eyes in eye-to-chin distances (about 1 for most heads)."""
        return (self.eye_y - self.crown_y) / max(self.chin_y - self.eye_y, 1e-6)


def _head_window(face: FaceLandmarks) -> tuple[int, int, int, int]:
    """Return a crop (left, top, right, bottom) px around the head, generous above for hair."""
    fw = face.face_width_px
    cx, ey = face.face_centre_x, float(face.eye_mid[1])
    left = int(max(0, cx - 1.6 * fw))
    right = int(min(face.frame_width, cx + 1.6 * fw))
    top = int(max(0, ey - 2.0 * fw))
    bottom = int(min(face.frame_height, face.chin_y + 0.3 * fw))
    return left, top, right, bottom


def crown_from_mask(mask: np.ndarray, columns: slice, limit_row: int, threshold: float) -> float | None:
    """Return the y (px, in `mask` rows) of the person's top edge over `columns`, or None if not found.

    Per column, the first row from the top whose probability exceeds `threshold`; only rows above
    `limit_row` (the forehead) count. The 10th percentile over columns resists stray hairs and gaps.
    """
    region = mask[:limit_row, columns] > threshold
    if region.size == 0:
        return None
    has = region.any(axis=0)
    if has.mean() < 0.5:
        return None
    tops = region.argmax(axis=0)[has].astype(np.float32)
    return float(np.percentile(tops, 10))


def head_geometry(
    rgb: np.ndarray,
    face: FaceLandmarks,
    segmenter: PersonSegmenter | None,
    settings: EngineSettings = ENGINE,
    frame_mask: np.ndarray | None = None,
) -> HeadGeometry:
    """Return the HeadGeometry of `face` in frame `rgb`.

    The crown comes from a person mask: `frame_mask` (a whole-frame mask already computed, as the live kiosk has)
    or else the segmenter run on a head-sized crop (sharper, for stills); with neither it is estimated.
    """
    eye_y = float(face.eye_mid[1])
    chin_y = face.chin_y
    fw = face.face_width_px
    estimate = eye_y - settings.crown_from_eye_chin_factor * (chin_y - eye_y)
    crown, from_mask, cut = estimate, False, False
    if segmenter is not None or frame_mask is not None:
        left, top, right, bottom = _head_window(face)
        if frame_mask is not None:
            mask = frame_mask[top:bottom, left:right]
        else:
            mask = segmenter.process(rgb[top:bottom, left:right])
        cx = face.face_centre_x - left
        half = 0.3 * fw
        cols = slice(int(max(0, cx - half)), int(min(mask.shape[1], cx + half + 1)))
        limit = int(max(1, face.forehead_y - top))
        found = crown_from_mask(mask, cols, limit, settings.mask_threshold)
        if found is not None:
            candidate = found + top
            # A plausible head top lies between the forehead point and 2.5 eye-to-chin distances above the eyes.
            if eye_y - 2.5 * (chin_y - eye_y) <= candidate <= face.forehead_y:
                crown, from_mask = candidate, True
                margin = settings.head_cut_margin_px
                cut = top == 0 and candidate <= margin
    return _geometry(face, crown, from_mask, cut, settings)


def tracked_head_geometry(face: FaceLandmarks, reference: HeadGeometry, settings: EngineSettings = ENGINE
                          ) -> HeadGeometry:
    """Return the HeadGeometry of `face` with the crown carried over from `reference`, an earlier frame of the
    same person: the crown keeps its height above the eyes in eye-to-chin distances (`crown_rise`), so it follows
    the head as it moves, nears or leaves the camera without a new person mask. Costs microseconds."""
    eye_y, chin_y = float(face.eye_mid[1]), face.chin_y
    crown = eye_y - reference.crown_rise * (chin_y - eye_y)
    return _geometry(face, crown, reference.crown_from_mask, False, settings)


def _geometry(face: FaceLandmarks, crown: float, from_mask: bool, cut: bool, settings: EngineSettings
              ) -> HeadGeometry:
    """Return the HeadGeometry of `face` with the given crown (px); a crown at the top edge means cut off."""
    return HeadGeometry(
        eye_y=float(face.eye_mid[1]),
        eye_mid_x=float(face.eye_mid[0]),
        face_centre_x=face.face_centre_x,
        face_width=face.face_width_px,
        chin_y=face.chin_y,
        crown_y=float(crown),
        crown_from_mask=from_mask,
        head_cut_off=cut or crown <= settings.head_cut_margin_px,
    )
