"""A still photo that moves like a person arriving at the kiosk (`StillMotionFrames`, driven by `Keyframe`s), the
script tuned for the bundled demo photo (`DEFAULT_SCRIPT`), and where that photo is (`find_demo_still`)."""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, Sequence

import cv2
import numpy as np

from capture.camera.errors import CameraError
from capture.camera.frame import LruCache, read_only

#: The bundled demo photo: package data of capture.camera (installed with it).
DEMO_STILL = Path(__file__).resolve().parent / "demo" / "astronaut-studio.jpg"


class Keyframe(NamedTuple):
    """Where a scripted still sits at time `t_s` (seconds from the start of the script).

    `scale` is the still's size relative to fitting its height to the output height (1.0 = still height = output
    height). `dx`, `dy` move the still's centre away from the output centre, both as fractions of the output HEIGHT
    (positive = right, down), so a script frames the subject the same way at any output size or aspect ratio.
    `angle_deg` rotates the still about its centre, counter-clockwise on screen.
    """

    t_s: float
    dx: float
    dy: float
    scale: float
    angle_deg: float


#: A person arriving at the kiosk, tuned for the bundled demo still `capture/camera/demo/astronaut-studio.jpg` (1280×1080 px,
#: face ~164 px wide centred at x ≈ 585, hair top y ≈ 184, eyes y ≈ 342, chin y ≈ 477). At 1280×720 the settled
#: framing is scale 2.05 × (720/1080) ≈ 1.37 output px per still px: face ≈ 224 px wide, centred at x ≈ 640,
#: hair top y ≈ 73, eyes y ≈ 290 (0.40 of the height), chin y ≈ 474: the head in the upper-middle of the frame,
#: and the still covers the whole frame. Walks in from the left, overshoots, drifts with a tilt, settles at 5 s and
#: stands still until 9 s.
DEFAULT_SCRIPT: tuple[Keyframe, ...] = (
    Keyframe(0.0, -1.333, 0.300, 1.90, 0.0),  # out of view on the left, a step further back
    Keyframe(1.5, -0.356, 0.290, 1.95, -2.0),  # walking in
    Keyframe(2.5, 0.231, 0.270, 2.00, 2.5),  # overshoots to the right
    Keyframe(3.3, 0.036, 0.285, 2.08, 4.0),  # drifts back, a little too close, head tilted
    Keyframe(4.2, 0.124, 0.275, 2.04, -1.0),  # corrects
    Keyframe(5.0, 0.103, 0.2777, 2.05, 0.0),  # settled: centred and still
    Keyframe(9.0, 0.103, 0.2777, 2.05, 0.0),  # holds still for 4 s
)


class StillMotionFrames:
    """One still photo moved by a script of `Keyframe`s, so a replay looks like a person arriving and settling.

    Keyframes are interpolated linearly (held before the first and after the last); frame `i` is at t = i / `fps` s.
    Frames are rendered with `cv2.warpAffine` onto `size` = (width, height) px, replicating the still's border. The
    length is (last keyframe time + `hold_s`) × `fps` frames. With `noise_sigma` > 0 (8-bit levels) each frame gets
    seeded Gaussian sensor noise, so a still subject does not give byte-identical frames; the same `seed` gives the
    same frames.
    """

    _NOISE_BANK = 3  # distinct noise patterns, cycled per frame
    _NOISE_SHIFT = 32  # each pattern is also shifted per frame by up to this many px: no two nearby frames match

    def __init__(
        self,
        rgb: np.ndarray,
        script: Sequence[Keyframe | tuple[float, float, float, float, float]] = DEFAULT_SCRIPT,
        size: tuple[int, int] = (1280, 720),
        fps: float = 30.0,
        *,
        hold_s: float = 0.0,
        noise_sigma: float = 0.0,
        seed: int = 0,
    ) -> None:
        rgb = np.asarray(rgb)
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8 or rgb.shape[0] < 1 or rgb.shape[1] < 1:
            raise ValueError(f"the still must be an H×W×3 uint8 RGB array, got {rgb.shape} {rgb.dtype}")
        keys = tuple(Keyframe(*map(float, k)) for k in script)
        if not keys:
            raise ValueError("the script needs at least one keyframe")
        times = [k.t_s for k in keys]
        if times[0] < 0 or any(b <= a for a, b in zip(times, times[1:])):
            raise ValueError(f"keyframe times must start at ≥ 0 s and increase, got {times}")
        if any(k.scale <= 0 for k in keys):
            raise ValueError("keyframe scales must be > 0")
        if fps <= 0 or size[0] < 1 or size[1] < 1 or hold_s < 0 or noise_sigma < 0:
            raise ValueError("fps and size must be positive, hold_s and noise_sigma not negative")
        self.still = np.ascontiguousarray(rgb)
        self.script = keys
        self.size = (int(size[0]), int(size[1]))
        self.fps = float(fps)
        self.noise_sigma = float(noise_sigma)
        self.seed = int(seed)
        self.duration_s = keys[-1].t_s + float(hold_s)
        self._count = max(1, int(round(self.duration_s * fps)))
        self._table = np.array(keys, dtype=np.float64)  # rows: t, dx, dy, scale, angle
        self._poses = LruCache(4)
        self._noise: list[tuple[np.ndarray, np.ndarray]] | None = None

    @property
    def frame_count(self) -> int:
        """Return the number of frames: (script duration + hold) × fps."""
        return self._count

    def __len__(self) -> int:
        return self._count

    def pose_at(self, t_s: float) -> Keyframe:
        """Return the interpolated pose at `t_s` seconds."""
        t, rest = self._table[:, 0], self._table[:, 1:]
        values = [float(np.interp(t_s, t, rest[:, k])) for k in range(4)]
        return Keyframe(float(t_s), *values)

    def matrix_at(self, i: int) -> np.ndarray:
        """Return the 2×3 affine matrix mapping still px to output px for frame `i`."""
        return self._matrix(self.pose_at(i / self.fps))

    def _matrix(self, pose: Keyframe) -> np.ndarray:
        width, height = self.size
        still_h, still_w = self.still.shape[:2]
        scale = pose.scale * height / still_h
        cx, cy = (still_w - 1) / 2, (still_h - 1) / 2
        matrix = cv2.getRotationMatrix2D((cx, cy), pose.angle_deg, scale)
        matrix[0, 2] += (width - 1) / 2 + pose.dx * height - cx
        matrix[1, 2] += (height - 1) / 2 + pose.dy * height - cy
        return matrix

    def _render(self, pose: Keyframe) -> np.ndarray:
        key = tuple(round(v, 6) for v in pose[1:])
        cached = self._poses.get(key)
        if cached is None:
            cached = read_only(cv2.warpAffine(self.still, self._matrix(pose), self.size, flags=cv2.INTER_LINEAR,
                                               borderMode=cv2.BORDER_REPLICATE))
            self._poses.put(key, cached)
        return cached

    def _noise_pair(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        if self._noise is None:
            rng = np.random.default_rng(self.seed)
            width, height = self.size
            bank = []
            pad = self._NOISE_SHIFT
            for _ in range(self._NOISE_BANK):
                noise = np.rint(rng.standard_normal((height + pad, width + pad, 3), dtype=np.float32) * self.noise_sigma)
                bank.append((np.clip(noise, 0, 255).astype(np.uint8), np.clip(-noise, 0, 255).astype(np.uint8)))
            self._noise = bank
        width, height = self.size
        dy, dx = (i * 7) % self._NOISE_SHIFT, (i * 13) % self._NOISE_SHIFT
        plus, minus = self._noise[i % self._NOISE_BANK]
        return (np.ascontiguousarray(plus[dy:dy + height, dx:dx + width]),
                np.ascontiguousarray(minus[dy:dy + height, dx:dx + width]))

    def frame_at(self, i: int) -> np.ndarray:
        """Return frame `i` (time i / fps) as read-only H×W×3 uint8 RGB."""
        if not 0 <= i < self._count:
            raise IndexError(f"frame {i} is outside 0..{self._count - 1}")
        image = self._render(self.pose_at(i / self.fps))
        if self.noise_sigma <= 0:
            return image
        plus, minus = self._noise_pair(i)
        return read_only(cv2.subtract(cv2.add(image, plus), minus))  # saturating uint8 arithmetic



def find_demo_still() -> Path:
    """Return the path of the bundled demo still (capture/camera/demo/astronaut-studio.jpg, installed with the
    package). Falls back to ./assets/demo/ in the current folder (where older checkouts kept it); raises
    `CameraError` ("no_demo_still") if neither exists."""
    for candidate in (DEMO_STILL, Path.cwd() / "assets" / "demo" / DEMO_STILL.name):
        if candidate.is_file():
            return candidate
    raise CameraError("demo", "no_demo_still", path=str(DEMO_STILL))


def read_still(path: Path, name: str) -> np.ndarray:
    """Return the photo at `path` as H×W×3 uint8 RGB (upright sRGB); raise `CameraError` ("unreadable_image",
    naming the camera `name`) if it cannot be read."""
    from capture.errors import PhotoError
    from capture.images import read_photo

    try:
        return read_photo(path).rgb
    except PhotoError as exc:
        raise CameraError(name, "unreadable_image", photo_code=exc.code) from None
