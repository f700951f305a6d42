"""Recorded frames for the replay camera: a video file (decoded lazily) and a folder of images (in name order).
Both raise `CameraError` (a code, no sentence) when the recording cannot be used."""
from __future__ import annotations

import logging
import math
import re
import threading
from pathlib import Path

import cv2
import numpy as np

from capture.camera.errors import CameraError
from capture.camera.frame import LruCache, bgr_to_rgb, read_only

log = logging.getLogger(__name__)

#: Image file types `ImageFolderFrames` plays, in name order.
FOLDER_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp"})


class VideoFileFrames:
    """Frames of a video file, decoded lazily with `cv2.VideoCapture` and a small cache of `cache_frames` frames.

    Sequential access decodes one frame per call; other access seeks. Raises `CameraError` if the file cannot be read.
    """

    def __init__(self, path: str | Path, cache_frames: int = 8) -> None:
        self.path = Path(path)
        self.name = str(self.path)
        if not self.path.is_file():
            raise CameraError(self.name, "not_found")
        self._lock = threading.RLock()
        self._cache = LruCache(cache_frames)
        self._capture = cv2.VideoCapture(str(self.path))
        if not self._capture.isOpened():
            self._capture.release()
            raise self._unreadable()
        ok, image = self._capture.read()
        if not ok or image is None:
            self._capture.release()
            raise self._unreadable()
        first = read_only(bgr_to_rgb(image))
        self._cache.put(0, first)
        self._next = 1
        self.size: tuple[int, int] = (first.shape[1], first.shape[0])
        fps = float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps: float | None = fps if math.isfinite(fps) and 0 < fps < 1000 else None
        count = int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self._count = count if count > 0 else self._count_by_reading()

    def _unreadable(self) -> CameraError:
        return CameraError(self.name, "unreadable_video")

    def _count_by_reading(self) -> int:
        """Count frames by grabbing through the file (when the container does not say), then rewind."""
        count = 1
        while self._capture.grab():
            count += 1
        self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
        self._next = 0
        return count

    @property
    def frame_count(self) -> int:
        """Return the number of frames (lowered if the file turns out shorter than its header says)."""
        return self._count

    def __len__(self) -> int:
        return self._count

    def frame_at(self, i: int) -> np.ndarray:
        """Return frame `i` as read-only H×W×3 uint8 RGB."""
        with self._lock:
            if not 0 <= i < self._count:
                raise IndexError(f"frame {i} is outside 0..{self._count - 1}")
            cached = self._cache.get(i)
            if cached is not None:
                return cached
            if i != self._next:
                self._capture.set(cv2.CAP_PROP_POS_FRAMES, i)
            ok, image = self._capture.read()
            if not ok or image is None:
                if i == 0:
                    raise self._unreadable()
                # the file is shorter than its header said: end it here and hold the last frame
                log.info("video %s: ends at frame %d, not %d", self.name, i, self._count)
                self._count = max(1, i)
                self._next = -1
                return self.frame_at(self._count - 1)
            self._next = i + 1
            rgb = read_only(bgr_to_rgb(image))
            self._cache.put(i, rgb)
            return rgb

    def close(self) -> None:
        """Release the decoder."""
        with self._lock:
            self._capture.release()


def _natural_key(path: Path) -> list[object]:
    """Sort key: the file name with runs of digits compared as numbers ("frame2" before "frame10")."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


class ImageFolderFrames:
    """The image files of a folder (jpg, jpeg, png, bmp, webp) in name order, numbers compared as numbers.

    Images are read with `capture.images.read_photo` (upright sRGB) and resized to the first image's size if they
    differ, as a camera never changes size. Raises `CameraError` for a missing folder, an empty one, or a bad image.
    """

    def __init__(self, folder: str | Path, cache_frames: int = 8) -> None:
        self.folder = Path(folder)
        self.name = str(self.folder)
        if not self.folder.is_dir():
            raise CameraError(self.name, "not_found")
        self.paths: tuple[Path, ...] = tuple(sorted(
            (p for p in self.folder.iterdir()
             if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES and not p.name.startswith(".")),
            key=_natural_key,
        ))
        if not self.paths:
            raise CameraError(self.name, "no_images")
        self._lock = threading.Lock()
        self._cache = LruCache(cache_frames)
        self.fps: float | None = None
        first = self._read(0)
        self.size: tuple[int, int] = (first.shape[1], first.shape[0])
        self._cache.put(0, first)

    @property
    def frame_count(self) -> int:
        """Return the number of images."""
        return len(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def _read(self, i: int) -> np.ndarray:
        from capture.errors import PhotoError
        from capture.images import read_photo

        try:
            rgb = read_photo(self.paths[i]).rgb
        except PhotoError as exc:
            raise CameraError(self.name, "unreadable_frame", file=self.paths[i].name, photo_code=exc.code) from None
        size = getattr(self, "size", None)
        if size is not None and (rgb.shape[1], rgb.shape[0]) != size:
            rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
        return read_only(np.ascontiguousarray(rgb))

    def frame_at(self, i: int) -> np.ndarray:
        """Return image `i` as read-only H×W×3 uint8 RGB."""
        if not 0 <= i < len(self.paths):
            raise IndexError(f"frame {i} is outside 0..{len(self.paths) - 1}")
        with self._lock:
            cached = self._cache.get(i)
            if cached is None:
                cached = self._read(i)
                self._cache.put(i, cached)
            return cached

