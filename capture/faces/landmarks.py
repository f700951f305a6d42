"""The one place that calls MediaPipe: FaceMesh (478 points with iris), face detection and selfie segmentation.

Landmark coordinates are returned in pixels of the frame given (x right, y down); `z` is MediaPipe's relative
depth scaled by the frame width (px, smaller = nearer the camera).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

# MediaPipe's C++ side logs to stderr through glog/absl; keep the console for people.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import mediapipe as mp  # noqa: E402  (after the log settings above)

from capture.faces.parts import CHEEK_LEFT, CHEEK_RIGHT, CHIN, FOREHEAD, IRIS_LEFT, IRIS_RIGHT  # noqa: E402


@dataclass(frozen=True)
class FaceLandmarks:
    """One face's 478 FaceMesh points in frame pixels."""

    points: np.ndarray  # (478, 3) float32: x px, y px, z (relative depth, px scale)
    frame_width: int
    frame_height: int

    def xy(self, index: int) -> np.ndarray:
        """Return point `index` as (x, y) px."""
        return self.points[index, :2]

    @property
    def eye_right(self) -> np.ndarray:
        """Return the subject's right iris centre (x, y) px."""
        return self.xy(IRIS_RIGHT)

    @property
    def eye_left(self) -> np.ndarray:
        """Return the subject's left iris centre (x, y) px."""
        return self.xy(IRIS_LEFT)

    @property
    def eye_mid(self) -> np.ndarray:
        """Return the midpoint between the iris centres (x, y) px."""
        return (self.eye_right + self.eye_left) / 2

    @property
    def inter_eye_px(self) -> float:
        """Return the distance between the iris centres, px."""
        return float(np.linalg.norm(self.eye_left - self.eye_right))

    @property
    def face_width_px(self) -> float:
        """Return the cheek-to-cheek width at ear level (points 234–454), px."""
        return float(np.linalg.norm(self.xy(CHEEK_LEFT) - self.xy(CHEEK_RIGHT)))

    @property
    def face_centre_x(self) -> float:
        """Return the x of the middle between the two face-oval extremes, px."""
        return float((self.xy(CHEEK_LEFT)[0] + self.xy(CHEEK_RIGHT)[0]) / 2)

    @property
    def chin_y(self) -> float:
        """Return the y of the chin point, px."""
        return float(self.xy(CHIN)[1])

    @property
    def forehead_y(self) -> float:
        """Return the y of the upper-forehead point (10), px; the crown is above it."""
        return float(self.xy(FOREHEAD)[1])

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Return the landmarks' bounding box (left, top, right, bottom) px."""
        x, y = self.points[:, 0], self.points[:, 1]
        return float(x.min()), float(y.min()), float(x.max()), float(y.max())


class FaceMeshDetector:
    """MediaPipe FaceMesh with iris refinement. `static=True` for unrelated stills, False to track video."""

    def __init__(self, static: bool = True, max_faces: int = 4, min_confidence: float = 0.5) -> None:
        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=static,
            max_num_faces=max_faces,
            refine_landmarks=True,
            min_detection_confidence=min_confidence,
            min_tracking_confidence=min_confidence,
        )

    def process(self, rgb: np.ndarray) -> list[FaceLandmarks]:
        """Return the faces in an H×W×3 uint8 RGB frame, largest (by face width) first."""
        h, w = rgb.shape[:2]
        result = self._mesh.process(np.ascontiguousarray(rgb))
        faces = []
        for lms in result.multi_face_landmarks or []:
            pts = np.array([(p.x * w, p.y * h, p.z * w) for p in lms.landmark], dtype=np.float32)
            faces.append(FaceLandmarks(pts, w, h))
        faces.sort(key=lambda f: f.face_width_px, reverse=True)
        return faces

    def close(self) -> None:
        self._mesh.close()

    def __enter__(self) -> "FaceMeshDetector":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FaceDetector:
    """MediaPipe face detection, full-range model: finds small faces FaceMesh's short-range detector misses."""

    def __init__(self, min_confidence: float = 0.5) -> None:
        self._det = mp.solutions.face_detection.FaceDetection(model_selection=1, min_detection_confidence=min_confidence)

    def process(self, rgb: np.ndarray) -> list[tuple[float, float, float, float]]:
        """Return face boxes (left, top, right, bottom) px, largest first."""
        h, w = rgb.shape[:2]
        result = self._det.process(np.ascontiguousarray(rgb))
        boxes = []
        for det in result.detections or []:
            bb = det.location_data.relative_bounding_box
            boxes.append((bb.xmin * w, bb.ymin * h, (bb.xmin + bb.width) * w, (bb.ymin + bb.height) * h))
        boxes.sort(key=lambda b: (b[2] - b[0]) * (b[3] - b[1]), reverse=True)
        return boxes

    def close(self) -> None:
        self._det.close()


class PersonSegmenter:
    """MediaPipe selfie segmentation (general model): person probability per pixel."""

    def __init__(self) -> None:
        self._seg = mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0)

    def process(self, rgb: np.ndarray) -> np.ndarray:
        """Return an H×W float32 mask in [0, 1]: probability that each pixel belongs to the person."""
        result = self._seg.process(np.ascontiguousarray(rgb))
        return np.asarray(result.segmentation_mask, dtype=np.float32)

    def close(self) -> None:
        self._seg.close()


# Pose (BlazePose) indices. "Right"/"left" are the subject's own, as for FaceMesh.
POSE_EAR_RIGHT = 8
POSE_EAR_LEFT = 7
POSE_SHOULDER_RIGHT = 12
POSE_SHOULDER_LEFT = 11


@dataclass(frozen=True)
class PosePoint:
    """One pose landmark: position in frame px and the model's visibility (0..1, in frame and not occluded)."""

    x: float
    y: float
    visibility: float

    @property
    def xy(self) -> np.ndarray:
        """Return (x, y) px."""
        return np.array((self.x, self.y), np.float32)


@dataclass(frozen=True)
class PoseLandmarks:
    """The body points the gates use (shoulders, ears), in frame px. Right = subject's right (image left)."""

    shoulder_right: PosePoint
    shoulder_left: PosePoint
    ear_right: PosePoint
    ear_left: PosePoint
    frame_width: int
    frame_height: int

    def shifted(self, dx: float, dy: float) -> "PoseLandmarks":
        """Return these points moved by (dx, dy) px: an earlier pose carried along with a person who moved."""
        def move(p: PosePoint) -> PosePoint:
            return PosePoint(p.x + dx, p.y + dy, p.visibility)

        return PoseLandmarks(move(self.shoulder_right), move(self.shoulder_left), move(self.ear_right),
                             move(self.ear_left), self.frame_width, self.frame_height)


class PoseDetector:
    """MediaPipe Pose (BlazePose), no segmentation. `static=True` for unrelated stills, False to track video.

    `complexity` 1 is the full model, the only one the mediapipe wheel bundles; 0 (lite) and 2 (heavy) are
    downloaded on first use, which fails offline. About 35 ms per 1280×720 frame static, 23 ms tracking (CPU).
    """

    def __init__(self, static: bool = True, complexity: int = 1, min_confidence: float = 0.5) -> None:
        self._pose = mp.solutions.pose.Pose(
            static_image_mode=static,
            model_complexity=complexity,
            enable_segmentation=False,
            min_detection_confidence=min_confidence,
            min_tracking_confidence=min_confidence,
        )

    def process(self, rgb: np.ndarray) -> PoseLandmarks | None:
        """Return the shoulder and ear points in an H×W×3 uint8 RGB frame, or None when no person is found."""
        h, w = rgb.shape[:2]
        result = self._pose.process(np.ascontiguousarray(rgb))
        if result.pose_landmarks is None:
            return None
        lms = result.pose_landmarks.landmark

        def point(i: int) -> PosePoint:
            return PosePoint(float(lms[i].x * w), float(lms[i].y * h), float(lms[i].visibility))

        return PoseLandmarks(
            shoulder_right=point(POSE_SHOULDER_RIGHT),
            shoulder_left=point(POSE_SHOULDER_LEFT),
            ear_right=point(POSE_EAR_RIGHT),
            ear_left=point(POSE_EAR_LEFT),
            frame_width=w,
            frame_height=h,
        )

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> "PoseDetector":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
