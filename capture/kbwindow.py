"""The KB window of an upload site: an allowed file-size range in KB, as byte bounds that pass under 1 KB = 1000
and 1 KB = 1024 bytes alike."""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from profiles.model import Profile

__all__ = ["KbWindow", "kb_window"]


def _kb_to_decimal(value: float, name: str) -> Decimal:
    """Return `value` as an exact decimal of what a person typed (20.5 -> Decimal('20.5'))."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number of KB, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number of KB, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    # repr() gives the shortest text that round-trips, i.e. what was written in the profile, so
    # 4.35 * 1000 is 4350 and not 4349.999....
    return Decimal(repr(float(value)))


@dataclass(frozen=True)
class KbWindow:
    """An allowed file-size range written in KB, e.g. KbWindow(20, 40) for "20–40 KB".

    Upload sites disagree on the KB: some mean 1024 bytes, others 1000. The byte bounds are
    chosen so the file passes under either reading:

    * ``min_bytes = ceil(kb_min * 1024)`` — at least the minimum even when a KB is 1024 bytes;
    * ``max_bytes = floor(kb_max * 1000)`` — at most the maximum even when a KB is 1000 bytes.

    So 20–40 KB means 20 480–40 000 bytes. A window whose byte range is empty under this rule
    (e.g. 20–20 KB) is rejected with ValueError.
    """

    kb_min: float
    kb_max: float

    def __post_init__(self) -> None:
        low = _kb_to_decimal(self.kb_min, "kb_min")
        high = _kb_to_decimal(self.kb_max, "kb_max")
        if low > high:
            raise ValueError(f"kb_min ({self.kb_min}) must not be larger than kb_max ({self.kb_max})")
        if self.min_bytes > self.max_bytes:
            raise ValueError(
                f"the window {self.kb_min:g}–{self.kb_max:g} KB is too narrow: a file must be at least "
                f"{self.min_bytes} bytes (1 KB = 1024 bytes) and at most {self.max_bytes} bytes "
                f"(1 KB = 1000 bytes), which no size satisfies"
            )

    @property
    def min_bytes(self) -> int:
        """Return the smallest allowed size in bytes: ceil(kb_min × 1024)."""
        return math.ceil(Decimal(repr(float(self.kb_min))) * 1024)

    @property
    def max_bytes(self) -> int:
        """Return the largest allowed size in bytes: floor(kb_max × 1000)."""
        return math.floor(Decimal(repr(float(self.kb_max))) * 1000)

    def contains(self, n_bytes: int) -> bool:
        """Return True when a file of `n_bytes` bytes is inside the window (bounds included)."""
        return self.min_bytes <= n_bytes <= self.max_bytes

    def describe(self) -> str:
        """Return the window for people, e.g. '20–40 KB (20,480–40,000 bytes)'."""
        return f"{self.kb_min:g}–{self.kb_max:g} KB ({self.min_bytes:,}–{self.max_bytes:,} bytes)"


def kb_window(profile: Profile) -> KbWindow:
    """Return the profile's KB window."""
    return KbWindow(profile.kb_min, profile.kb_max)
