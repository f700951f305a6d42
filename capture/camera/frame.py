"""What every camera source hands out: the `Frame`, the `FrameSource` and `FrameProvider` protocols, and the small
pixel helpers the sources share (read-only views, OpenCV BGR to RGB, a tiny frame cache)."""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Protocol, runtime_checkable

import cv2
import numpy as np

Clock = Callable[[], float]  # returns monotonic seconds


@dataclass(frozen=True, eq=False)
class Frame:
    """One camera picture. `rgb` is a read-only H×W×3 uint8 RGB view, NOT mirrored (copy it before drawing on it)."""

    rgb: np.ndarray
    index: int  # increases with every new frame of one source
    timestamp_s: float  # when the frame was taken or became due, source clock seconds

    @property
    def width(self) -> int:
        """Width in pixels."""
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        """Height in pixels."""
        return int(self.rgb.shape[0])


@runtime_checkable
class FrameSource(Protocol):
    """Anything that delivers camera frames. `latest()` never blocks and returns None before the first frame."""

    name: str

    def start(self) -> None:
        """Open the source; raise `CameraError` if it cannot be opened."""
        ...

    def latest(self) -> Frame | None:
        """Return the newest frame (None before the first one, or when stopped); raise `CameraError` if broken."""
        ...

    def stop(self) -> None:
        """Close the source. Safe to call more than once."""
        ...

    @property
    def resolution(self) -> tuple[int, int] | None:
        """Return (width, height) px of the frames, or None if not known yet."""
        ...

    @property
    def fps(self) -> float:
        """Return the nominal frame rate, frames per second."""
        ...


@runtime_checkable
class FrameProvider(Protocol):
    """Recorded frames for `ReplayCamera`: `frame_count` (None = endless) and `frame_at(i)` → H×W×3 uint8 RGB.

    Optional attributes `fps` (float | None, the recording's own rate) and `size` ((width, height) px | None) are used
    when present. Finite providers also implement `__len__`.
    """

    @property
    def frame_count(self) -> int | None:
        """Return the number of frames, or None for an endless provider."""
        ...

    def frame_at(self, i: int) -> np.ndarray:
        """Return frame `i` (0-based) as H×W×3 uint8 RGB."""
        ...


def read_only(rgb: np.ndarray) -> np.ndarray:
    """Return a read-only view of `rgb` (the array itself is left untouched)."""
    view = rgb.view()
    view.flags.writeable = False
    return view


def bgr_to_rgb(image: np.ndarray) -> np.ndarray:
    """Return an OpenCV frame (BGR, BGRA or grey, any depth) as contiguous H×W×3 uint8 RGB."""
    if image.dtype != np.uint8:
        image = cv2.convertScaleAbs(image)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2RGB)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def provider_length(frames: object) -> int | None:
    """Return a provider's frame count (None = endless), from `frame_count` or else `len()`."""
    if hasattr(frames, "frame_count"):
        count = frames.frame_count  # type: ignore[attr-defined]
        return None if count is None else int(count)
    if hasattr(frames, "__len__"):
        return len(frames)  # type: ignore[arg-type]
    return None


class LruCache:
    """A tiny least-recently-used cache of arrays."""

    def __init__(self, size: int) -> None:
        self._size = max(1, size)
        self._items: OrderedDict[object, np.ndarray] = OrderedDict()

    def get(self, key: object) -> np.ndarray | None:
        """Return the array stored under `key` (now the most recently used), or None."""
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item

    def put(self, key: object, value: np.ndarray) -> None:
        """Store `value` under `key`, dropping the least recently used entry beyond the size."""
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)
