"""What every measurement gets: the frame, the subject's landmarks and head geometry, and the person mask."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import cv2
import numpy as np

from capture.head import HeadGeometry
from capture.landmarks import FaceLandmarks


@dataclass(frozen=True)
class FaceContext:
    """Inputs shared by the measurement modules (all coordinates in frame px)."""

    rgb: np.ndarray  # H×W×3 uint8 sRGB frame
    face: FaceLandmarks  # the subject (largest face)
    head: HeadGeometry
    person_mask: np.ndarray | None = None  # H×W float32 person probability 0..1, whole frame
    other_faces: tuple[FaceLandmarks, ...] = field(default=())
    #: widths (px) of further faces found only by the full-range face detector (small or far faces), for stills
    detected_face_widths: tuple[float, ...] = field(default=())

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])

    @cached_property
    def luma(self) -> np.ndarray:
        """Return relative luminance Y (0..1, float32) of linearised sRGB, Rec. 709 weights (as OFIQ)."""
        return luminance(self.rgb)

    @cached_property
    def gray(self) -> np.ndarray:
        """Return the 8-bit grey image (OpenCV weights)."""
        return cv2.cvtColor(self.rgb, cv2.COLOR_RGB2GRAY)

    @property
    def eye_to_chin_px(self) -> float:
        """Return T: the distance from the eye-centre midpoint to the chin, px (OFIQ's normaliser)."""
        return float(np.linalg.norm(self.face.xy(152) - self.face.eye_mid))


def luminance(rgb: np.ndarray) -> np.ndarray:
    """Return relative luminance Y in 0..1 (float32) of an sRGB uint8 image, after linearisation."""
    c = rgb.astype(np.float32) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return (0.2126 * lin[..., 0] + 0.7152 * lin[..., 1] + 0.0722 * lin[..., 2]).astype(np.float32)


def polygon_mask(shape: tuple[int, int], points: np.ndarray) -> np.ndarray:
    """Return a bool H×W mask of the filled polygon `points` ((N, 2) px)."""
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(points).astype(np.int32)], 1)
    return mask.astype(bool)


def square_mask(shape: tuple[int, int], centre: np.ndarray, side: float) -> np.ndarray:
    """Return a bool H×W mask of the axis-aligned square of `side` px centred on `centre` (x, y), clipped."""
    h, w = shape[:2]
    x0, y0 = int(max(0, centre[0] - side / 2)), int(max(0, centre[1] - side / 2))
    x1, y1 = int(min(w, centre[0] + side / 2)), int(min(h, centre[1] + side / 2))
    mask = np.zeros((h, w), bool)
    if x1 > x0 and y1 > y0:
        mask[y0:y1, x0:x1] = True
    return mask
