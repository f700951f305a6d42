"""Open something on a helper thread and give up after a timeout, so a driver that hangs cannot stall the caller.

`BackgroundOpen` is used by the webcam (wait for the open, at most N seconds) and by the supervisor (poll it once per
UI frame). Whatever an abandoned open delivers late is released by the job itself.
"""
from __future__ import annotations

import threading
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class BackgroundOpen(Generic[T]):
    """Runs `make()` on a daemon thread named `name` (after `after`, a thread to wait for up to 5 s, has ended).

    `done` is set when `make()` returned (`result`, None allowed) or raised an `Exception` (`error`). A job that is
    `abandon()`ed hands its result to `release` instead, whether it was already done or finishes later.
    """

    def __init__(self, make: Callable[[], T | None], release: Callable[[T], None], *, name: str = "camera-open",
                 after: threading.Thread | None = None) -> None:
        self._make = make
        self._release = release
        self._after = after
        self._lock = threading.Lock()
        self._abandoned = False
        self.done = threading.Event()
        self.result: T | None = None
        self.error: Exception | None = None
        threading.Thread(target=self._run, name=name, daemon=True).start()

    def _run(self) -> None:
        if self._after is not None:
            self._after.join(5.0)  # let the previous user release the device first
        result: T | None = None
        error: Exception | None = None
        try:
            result = self._make()
        except Exception as exc:  # handed to the caller; OpenCV raises cv2.error for some odd devices
            error = exc
        with self._lock:
            self.result, self.error = result, error
            self.done.set()
            abandoned = self._abandoned
        if abandoned and result is not None:
            self._release(result)

    def wait(self, timeout_s: float) -> bool:
        """Wait up to `timeout_s` seconds; return True if the open finished, else abandon the job and return False."""
        self.done.wait(timeout_s)
        with self._lock:
            if self.done.is_set():
                return True
            self._abandoned = True
        return False

    def abandon(self) -> None:
        """Give the job up: release its result now if it is done, else when it finishes."""
        with self._lock:
            self._abandoned = True
            result = self.result if self.done.is_set() else None
            self.result = None
        if result is not None:
            self._release(result)
