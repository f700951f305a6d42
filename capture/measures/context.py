"""What every measurement gets: the frame, the subject's landmarks and head geometry, and the person mask."""
from __future__ import annotations

from dataclasses import dataclass, field
import numpy as np

from capture.faces.head import HeadGeometry
from capture.faces.landmarks import FaceLandmarks


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

    @property
    def eye_to_chin_px(self) -> float:
        """Return T: the distance from the eye-centre midpoint to the chin, px (OFIQ's normaliser)."""
        return float(np.linalg.norm(self.face.xy(152) - self.face.eye_mid))

