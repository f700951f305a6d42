"""Test-only camera faults: a replay camera that fails or freezes during chosen windows of its own time.

`FaultyReplay` is a `ReplayCamera` with two kinds of scripted faults (windows in seconds from the epoch, half-open
[t0, t1), each may be given several times):
- `fail_between`: `start()` and `latest()` raise `CameraError` (code "injected_failure"), as an unplugged webcam;
- `freeze_between`: the picture due at t0 repeats throughout the window while the index keeps growing, as a driver
  that re-sends a stale buffer.
"""
from __future__ import annotations

import numpy as np

from capture.camera import CameraError, ReplayCamera

#: The code of an injected failure (a test-only code: it has no sentence in kiosk/texts).
INJECTED = "injected_failure"


def _window(t0_s: float, t1_s: float) -> tuple[float, float]:
    if not t1_s > t0_s:
        raise ValueError(f"a window needs t1 > t0, got {t0_s}..{t1_s}")
    return float(t0_s), float(t1_s)


class FaultyReplay(ReplayCamera):
    """A `ReplayCamera` (same arguments) with `fail_between` and `freeze_between` fault windows."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._fail: list[tuple[float, float]] = []
        self._freeze: list[tuple[float, float]] = []
        self._frozen_rgb: dict[tuple[float, float], np.ndarray] = {}

    def fail_between(self, t0_s: float, t1_s: float) -> "FaultyReplay":
        """Make `start()` and `latest()` raise `CameraError` from t0_s to t1_s seconds after the epoch; returns self."""
        self._fail.append(_window(t0_s, t1_s))
        return self

    def freeze_between(self, t0_s: float, t1_s: float) -> "FaultyReplay":
        """Repeat the picture due at t0_s until t1_s seconds after the epoch (index keeps growing); returns self."""
        self._freeze.append(_window(t0_s, t1_s))
        return self

    def start(self) -> None:
        """Start playing; raise `CameraError` inside a fail window (and stay stopped)."""
        super().start()
        try:
            self._check_failure(self.elapsed_s())
        except CameraError:
            self.stop()
            raise

    def latest(self):
        """Return the frame due now; raise `CameraError` inside a fail window."""
        if self.running:
            self._check_failure(self.elapsed_s())
        return super().latest()

    def picture(self, index: int, t_s: float) -> np.ndarray:
        """Return the picture due at the start of a freeze window while inside it, else the normal one."""
        window = next((w for w in self._freeze if w[0] <= t_s < w[1]), None)
        if window is None:
            return super().picture(index, t_s)
        if window not in self._frozen_rgb:
            self._frozen_rgb[window] = super().picture(self.index_at(window[0]), window[0])
        return self._frozen_rgb[window]

    def _check_failure(self, t_s: float) -> None:
        for t0, t1 in self._fail:
            if t0 <= t_s < t1:
                raise CameraError(self.name, INJECTED, window=f"{t0:g}–{t1:g} s")
