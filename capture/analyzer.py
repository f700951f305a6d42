"""Finding the one face in a still photo and its head geometry, with the MediaPipe models loaded once."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from capture.errors import PhotoError
from capture.faces.head import HeadGeometry, head_geometry
from capture.faces.landmarks import FaceDetector, FaceLandmarks, FaceMeshDetector, PersonSegmenter
from capture.settings import ENGINE, EngineSettings


@dataclass(frozen=True)
class FoundHead:
    """The subject's face landmarks and head geometry in one frame, plus how many faces were seen."""

    face: FaceLandmarks
    head: HeadGeometry
    face_count: int


class StillAnalyzer:
    """Loads FaceMesh (static), full-range face detection and person segmentation once; reuse it for a batch."""

    def __init__(self, settings: EngineSettings = ENGINE) -> None:
        self.settings = settings
        self._mesh = FaceMeshDetector(static=True, max_faces=4)
        self._detector = FaceDetector()
        self._segmenter = PersonSegmenter()

    def close(self) -> None:
        self._mesh.close()
        self._detector.close()
        self._segmenter.close()

    def __enter__(self) -> "StillAnalyzer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def faces(self, rgb: np.ndarray) -> list[FaceLandmarks]:
        """Return FaceMesh faces in `rgb`, largest first; small faces are found via full-range detection + crop."""
        faces = self._mesh.process(rgb)
        if faces:
            return faces
        h, w = rgb.shape[:2]
        found: list[FaceLandmarks] = []
        for left, top, right, bottom in self._detector.process(rgb)[:4]:
            size = max(right - left, bottom - top)
            cx, cy = (left + right) / 2, (top + bottom) / 2
            x0, y0 = int(max(0, cx - 1.5 * size)), int(max(0, cy - 1.5 * size))
            x1, y1 = int(min(w, cx + 1.5 * size)), int(min(h, cy + 1.5 * size))
            for face in self._mesh.process(rgb[y0:y1, x0:x1])[:1]:
                pts = face.points.copy()
                pts[:, 0] += x0
                pts[:, 1] += y0
                found.append(FaceLandmarks(pts, w, h))
        found.sort(key=lambda f: f.face_width_px, reverse=True)
        return found

    def person_mask(self, rgb: np.ndarray) -> np.ndarray:
        """Return the person probability mask (H×W float32, 0..1) of a whole frame."""
        return self._segmenter.process(rgb)

    def find_head(self, rgb: np.ndarray, file: str = "<image>") -> FoundHead:
        """Return the single subject's FoundHead, or raise PhotoError (no face / several faces)."""
        faces = self.faces(rgb)
        if not faces:
            raise PhotoError(file, "no_face")
        main = faces[0]
        others = [f for f in faces[1:] if f.face_width_px >= self.settings.second_face_min_ratio * main.face_width_px]
        if others:
            raise PhotoError(file, "several_faces", count=len(others) + 1)
        return FoundHead(main, head_geometry(rgb, main, self._segmenter, self.settings), len(faces))

    def context(self, rgb: np.ndarray, file: str = "<image>", faces: list[FaceLandmarks] | None = None):
        """Return the FaceContext (frame, subject, head geometry, whole-frame person mask) for measurements.

        `faces` are this frame's `faces(rgb)` when the caller already has them. Raises PhotoError("no_face") when
        there is no face; several faces do not raise here (the single_face gate reports them): the largest face
        is the subject and the others are kept in `other_faces`.
        """
        from capture.measures.context import FaceContext

        faces = self.faces(rgb) if faces is None else faces
        if not faces:
            raise PhotoError(file, "no_face")
        head = head_geometry(rgb, faces[0], self._segmenter, self.settings)
        return FaceContext(rgb, faces[0], head, self.person_mask(rgb), tuple(faces[1:]),
                           self._detected_only(rgb, faces))

    def _detected_only(self, rgb: np.ndarray, faces: list[FaceLandmarks]) -> tuple[float, ...]:
        """Return the widths (px) of faces the full-range detector finds that FaceMesh did not (centre test)."""
        widths = []
        for left, top, right, bottom in self._detector.process(rgb):
            cx, cy = (left + right) / 2, (top + bottom) / 2
            if not any(f.box[0] <= cx <= f.box[2] and f.box[1] <= cy <= f.box[3] for f in faces):
                widths.append(right - left)
        return tuple(widths)
